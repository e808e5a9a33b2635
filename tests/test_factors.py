"""The shipped factor sets load, each factor says where it was read, verified factors carry an
exact decimal, and a few values read in their sources stay as read."""

from __future__ import annotations

import tomllib
from decimal import Decimal

import pytest

from esgdesk.errors import NotFound
from esgdesk.model import factors
from esgdesk.model.factors import FACTORS_DIR, Factor, FactorDataError, factor_set, factor_sets

FILES = sorted(FACTORS_DIR.glob("*.toml"))
KNOWN_GASES = {"", "CO2", "CH4", "N2O"}
KNOWN_PREFIXES = ("ncv.", "co2.", "ch4.", "n2o.", "coal_equivalent.", "grid.", "density.",
                  "gwp.")


def _all_factors() -> list[tuple[str, Factor]]:
    return [(s.id, f) for s in factor_sets() for f in s.factors]


def test_every_file_loads_and_its_id_is_its_name() -> None:
    assert FILES, "no factor set shipped"
    for path in FILES:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
        assert raw["id"] == path.stem, path.name
        assert {"zh", "en"} <= set(raw["title"]), path.name
        for key in ("publisher", "document", "source"):
            assert str(raw.get(key, "")).strip(), f"{path.name}: no {key}"
    assert [s.id for s in factor_sets()] == [p.stem for p in FILES]


def test_set_ids_are_unique_and_factor_ids_unique_per_set() -> None:
    ids = [s.id for s in factor_sets()]
    assert len(ids) == len(set(ids))
    for factor_set_ in factor_sets():
        seen = factor_set_.ids()
        duplicates = {i for i in seen if seen.count(i) > 1}
        assert not duplicates, f"{factor_set_.id}: {duplicates}"


def test_every_value_is_written_as_an_exact_decimal_string() -> None:
    for path in FILES:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
        for item in raw["factors"]:
            assert isinstance(item["value"], str), f"{path.name}: {item['id']}"
            for key in ("id", "value", "unit", "gas", "region", "data_year", "table",
                        "verified", "note"):
                assert key in item, f"{path.name}: {item['id']} has no {key}"


def test_every_verified_factor_has_a_value_a_source_and_a_table() -> None:
    factors = list(_all_factors())
    assert len(factors) >= 10  # every shipped set's factors; none read would pass below
    for set_id, factor in factors:
        where = f"{set_id}: {factor.id}"
        assert factor.id.startswith(KNOWN_PREFIXES), where
        assert factor.gas in KNOWN_GASES, where
        assert factor.unit, where
        assert factor.source.strip(), where
        assert factor.table.strip(), where
        assert isinstance(factor.data_year, int), where
        if factor.verified:
            assert isinstance(factor.value, Decimal), where
            assert factor.value.is_finite() and factor.value > 0, where
        else:
            assert factor.value is None, f"{where}: an unverified factor ships no value"
            assert factor.note.strip(), f"{where}: say why it is not verified"


def test_values_are_exact_decimals_not_floats() -> None:
    diesel = factor_set("ipcc-2006-stationary").get("ncv.diesel")
    assert diesel.value == Decimal("43.0")
    assert str(diesel.value) == "43.0"  # the trailing zero as printed survives
    assert str(factor_set("cn-grid-2023").get("grid.huadong").value) == "0.5500"


@pytest.mark.parametrize(("set_id", "factor_id", "value", "unit"), [
    ("ipcc-2006-stationary", "ncv.diesel", "43.0", "TJ/Gg"),
    ("ipcc-2006-stationary", "ncv.natural_gas", "48.0", "TJ/Gg"),
    ("ipcc-2006-stationary", "co2.diesel", "74100", "kg/TJ"),
    ("ipcc-2006-stationary", "co2.gasoline", "69300", "kg/TJ"),
    ("ipcc-2006-stationary", "co2.natural_gas", "56100", "kg/TJ"),
    ("ipcc-2006-stationary", "ch4.diesel", "3", "kg/TJ"),
    ("ipcc-2006-stationary", "n2o.natural_gas", "0.1", "kg/TJ"),
    ("cn-grid-2021", "grid.national", "0.5568", "kg/kWh"),
    ("cn-grid-2021", "grid.national_excl_market_nonfossil", "0.5942", "kg/kWh"),
    ("cn-grid-2022", "grid.national", "0.5366", "kg/kWh"),
    ("cn-grid-2022", "grid.nanfang", "0.3869", "kg/kWh"),
    ("cn-grid-2022", "grid.yunnan", "0.1073", "kg/kWh"),
    ("cn-grid-2023", "grid.national", "0.5306", "kg/kWh"),
    ("cn-grid-2023", "grid.nanfang", "0.4042", "kg/kWh"),
    ("cn-grid-2023", "grid.xinan", "0.2472", "kg/kWh"),
    ("cn-grid-2023", "grid.guangdong", "0.4419", "kg/kWh"),
    ("gbt-2589-2008", "coal_equivalent.electricity", "0.1229", "kgce/kWh"),
    ("gbt-2589-2008", "ncv.standard_coal", "29307", "kJ/kg"),
    ("gbt-2589-2008", "ncv.natural_gas_volume", "38931", "kJ/m^3"),
    ("gbt-2589-2008", "coal_equivalent.natural_gas", "1.3300", "kgce/m^3"),
    ("gbt-2589-2008", "coal_equivalent.raw_coal", "0.7143", "kgce/kg"),
    ("gbt-2589-2008", "coal_equivalent.diesel", "1.4571", "kgce/kg"),
    ("gbt-2589-2008", "coal_equivalent.gasoline", "1.4714", "kgce/kg"),
    ("gbt-2589-2008", "coal_equivalent.lpg", "1.7143", "kgce/kg"),
    ("ipcc-ar5-gwp100", "gwp.ch4", "28", "kgCO2e/kg"),
    ("ipcc-ar5-gwp100", "gwp.n2o", "265", "kgCO2e/kg"),
    ("ipcc-ar6-gwp100", "gwp.ch4", "27.9", "kgCO2e/kg"),
    ("ipcc-ar6-gwp100", "gwp.n2o", "273", "kgCO2e/kg"),
    ("jec-wtt-v5-fuel-properties", "density.diesel", "832", "kg/m^3"),
])
def test_values_read_in_their_sources(set_id: str, factor_id: str, value: str,
                                      unit: str) -> None:
    factor = factor_set(set_id).get(factor_id)
    assert factor.verified
    assert factor.value == Decimal(value)
    assert factor.unit == unit


def test_grid_factors_are_co2_per_kwh_for_their_year() -> None:
    for set_id in ("cn-grid-2021", "cn-grid-2022", "cn-grid-2023"):
        year = int(set_id[-4:])
        for factor in factor_set(set_id).factors:
            assert factor.id.startswith("grid."), factor.id
            assert (factor.gas, factor.unit, factor.data_year) == ("CO2", "kg/kWh", year)
            assert factor.region, factor.id


def test_what_could_not_be_verified_is_listed_without_a_value() -> None:
    assert not factor_set("cn-grid-2022").get("grid.guangdong").verified
    assert not factor_set("cn-grid-2021").get("grid.guangdong").verified
    for unread in (factor_set("gbt-2589-2020").get("coal_equivalent.electricity"),
                   factor_set("gbt-2589-2020").get("coal_equivalent.natural_gas"),
                   factor_set("gbt-2589-2008").get("coal_equivalent.heat")):  # no heat row read
        assert unread.value is None and not unread.verified


def test_gwp_factors_name_their_gas() -> None:
    for set_id in ("ipcc-ar5-gwp100", "ipcc-ar6-gwp100"):
        for factor in factor_set(set_id).factors:
            assert factor.id == "gwp." + factor.gas.lower(), factor.id
            assert factor.unit == "kgCO2e/kg" and factor.verified


def test_unknown_ids_raise_not_found() -> None:
    with pytest.raises(NotFound) as raised:
        factor_set("no-such-set")
    assert raised.value.kind == "not_found"
    assert raised.value.zh and raised.value.where
    with pytest.raises(NotFound):
        factor_set("cn-grid-2022").get("grid.atlantis")


def test_factor_sets_are_cached() -> None:
    assert factor_sets()[0] is factor_sets()[0]


def test_a_malformed_value_is_refused(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('id = "bad"\n[[factors]]\nid = "ncv.x"\nvalue = "4.3e1"\n',
                    encoding="utf-8")
    with pytest.raises(FactorDataError):
        factors.read(path)
    path.write_text('id = "bad"\n[[factors]]\nid = "ncv.x"\nvalue = 43.0\n', encoding="utf-8")
    with pytest.raises(FactorDataError):
        factors.read(path)
