"""Issue 15's done-when on a real SQLite file: in a new database, two Guangdong sites enter
their 2024 electricity (one in MWh) and natural gas (in m³ and in 万立方米); the group's
Scope 1 (gas with its CH4 and N2O), Scope 2 (location- and market-based), energy in MWh and
tce and the intensities are computed, each checked here by hand from the factor values the
year holds; the report workbook's Factors used sheet lists the gas factors with their
sources."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from esgdesk.exchange.export import export_workbook
from esgdesk.rules.consolidate import Consolidation
from esgdesk.storage.newdb import EntitySpec, create_database
from esgdesk.storage.store import Change, Store

YEAR = 2024
SITES = ("dongguan", "huizhou")
NOT_USED = "not used at this site"
E = "environment."
# What each site's EHS head types: electricity, of which covered by green certificates, and
# natural gas, in the units their bills give.
TYPED = {
    "dongguan": {"energy.electricity": "1,250 MWh", "energy.electricity_renewable": "200 MWh",
                 "energy.natural_gas": "36,500 m³"},
    "huizhou": {"energy.electricity": "640000", "energy.electricity_renewable": "n/a",
                "energy.natural_gas": "1.2 万立方米"},
}
IN_CANONICAL = {  # the same figures in each indicator's own unit (kWh, m³)
    "dongguan": {"energy.electricity": 1250000, "energy.electricity_renewable": 200000,
                 "energy.natural_gas": 36500},
    "huizhou": {"energy.electricity": 640000, "energy.electricity_renewable": 0,
                "energy.natural_gas": 12000},
}
UNUSED = ("energy.solar_self_generated", "energy.diesel", "energy.gasoline", "energy.lpg",
          "energy.coal", "energy.purchased_heat")
EMPLOYEES = {"dongguan": 820, "huizhou": 430}
REVENUE = "12.50"  # 亿元, at the group
GAS_FACTORS = ("ncv.natural_gas_volume", "coal_equivalent.natural_gas", "co2.natural_gas",
               "ch4.natural_gas", "n2o.natural_gas", "gwp.ch4", "gwp.n2o")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    # two plants that are companies of their own (no sites below them): each types its
    # activity data and its head-count
    store = create_database(tmp_path / "acme.db", "ACME", YEAR, [
        EntitySpec("group", "集团", "Group", "group"),
        *(EntitySpec(code, code, code.title(), "company", "group") for code in SITES)])
    try:
        for code in SITES:
            store.set_province(code, "guangdong")
        changes = [Change("group", YEAR, "finance.revenue", REVENUE)]
        for code in SITES:
            changes += [Change(code, YEAR, E + i, text) for i, text in TYPED[code].items()]
            changes += [Change(code, YEAR, E + i, "n/a", NOT_USED) for i in UNUSED]
            changes.append(Change(code, YEAR, "people.employees.total", str(EMPLOYEES[code])))
        store.set_values(changes, "ehs")
        yield store
    finally:
        store.close()


def _factor(store: Store, factor_id: str) -> Decimal:
    value = store.factors(YEAR)[factor_id].value
    assert value is not None, f"{factor_id} has no value in {YEAR}'s set"
    return value


def _by_hand(store: Store, code: str) -> dict[str, Decimal]:
    """One site's figures, computed here from the year's factor values (the catalogue's
    method written out: docs/catalogue.md, "Quantities and formulas")."""
    f = lambda factor_id: _factor(store, factor_id)  # noqa: E731
    kwh = Decimal(IN_CANONICAL[code]["energy.electricity"])
    green = Decimal(IN_CANONICAL[code]["energy.electricity_renewable"])
    m3 = Decimal(IN_CANONICAL[code]["energy.natural_gas"])
    grid = f("grid.guangdong")  # the site's province has a factor: it is used
    gas_mwh = m3 * f("ncv.natural_gas_volume") / 3600000  # m³ × kJ/m³ → kJ → MWh
    per_tj = (f("co2.natural_gas") + f("ch4.natural_gas") * f("gwp.ch4")
              + f("n2o.natural_gas") * f("gwp.n2o"))  # kg CO2e per TJ
    scope1 = gas_mwh * Decimal("0.0036") * per_tj / 1000  # MWh → TJ; kg → t
    scope2 = kwh * grid / 1000  # kWh × kg/kWh → kg → t
    return {
        "energy.natural_gas_mwh": gas_mwh,
        "ghg.scope1_natural_gas": scope1,
        "ghg.scope1": scope1,  # diesel, gasoline, LPG and coal: not used
        "ghg.scope2": scope2,
        # market-based: the part not covered by certificates at the national factor that
        # excludes market-traded non-fossil electricity (the method's default)
        "ghg.scope2_market": (kwh - green) * f("grid.national_excl_market_nonfossil") / 1000,
        "ghg.total": scope1 + scope2,
        "energy.total_mwh": kwh / 1000 + gas_mwh,
        "energy.total_tce": kwh * f("coal_equivalent.electricity") / 1000
        + m3 * f("coal_equivalent.natural_gas") / 1000,  # kgce → tce
    }


def test_the_year_holds_the_gas_factors_with_their_sources(store: Store) -> None:
    held = store.factors(YEAR)
    for factor_id in (*GAS_FACTORS, "grid.guangdong", "coal_equivalent.electricity"):
        factor = held[factor_id]
        assert factor.verified and factor.value is not None, factor_id
        assert factor.source.strip() and factor.table_ref.strip(), factor_id
    assert held["ncv.natural_gas_volume"].unit == "kJ/m^3"
    assert held["grid.guangdong"].set_id == "cn-grid-2023"
    assert held["gwp.ch4"].set_id == "ipcc-ar5-gwp100"


def test_what_the_sites_typed_is_stored_in_each_indicators_unit(store: Store) -> None:
    for code in SITES:
        for indicator, number in IN_CANONICAL[code].items():
            if TYPED[code][indicator] == "n/a":
                continue  # none: counts as zero in a formula
            assert Decimal(store.get(code, YEAR, E + indicator).value) == number, indicator
    entered = [r.entered for r in store.history("dongguan", YEAR, E + "energy.natural_gas")]
    assert len(entered) == 1 and entered[0].startswith("36,500 m")  # what was typed, kept


def test_each_sites_figures_are_computed_as_by_hand(store: Store) -> None:
    figures = Consolidation(store, [YEAR])
    for code in SITES:
        computed = figures.figures(code, YEAR)
        for indicator, expected in _by_hand(store, code).items():
            assert computed[E + indicator] == expected, (code, indicator)
        # the fuels a site does not use count as zero, not as unknown
        assert computed[E + "ghg.scope1_diesel"] == 0 and computed[E + "ghg.scope1_coal"] == 0
    # CH4 and N2O are in Scope 1 (IPCC 2006 Table 2.2 × AR5 GWPs): more than the CO2 alone
    dongguan = figures.figures("dongguan", YEAR)
    co2_only = (dongguan[E + "energy.natural_gas_mwh"] * Decimal("0.0036")
                * _factor(store, "co2.natural_gas") / 1000)
    assert dongguan[E + "ghg.scope1_natural_gas"] > co2_only


def test_the_group_sums_its_sites_and_computes_its_intensities(store: Store) -> None:
    group = Consolidation(store, [YEAR]).figures("group", YEAR)
    sites = [_by_hand(store, code) for code in SITES]
    for indicator in sites[0]:
        assert group[E + indicator] == sum(site[indicator] for site in sites), indicator
    employees = Decimal(sum(EMPLOYEES.values()))
    revenue_10k = Decimal(REVENUE) * 10000  # 亿元 → 万元
    total = sum(site["ghg.total"] for site in sites)
    mwh = sum(site["energy.total_mwh"] for site in sites)
    assert group["people.employees.total"] == employees
    # an intensity is the group's totals divided, never the sites' intensities summed
    assert group[E + "ghg.intensity_revenue"] == total / revenue_10k
    assert group[E + "ghg.intensity_employee"] == total / employees
    assert group[E + "energy.intensity_revenue"] == mwh / revenue_10k
    assert group[E + "energy.intensity_employee"] == mwh / employees
    # nothing the done-when names is left empty
    for indicator in ("ghg.scope1", "ghg.scope2", "ghg.scope2_market", "energy.total_mwh",
                      "energy.total_tce"):
        assert group[E + indicator] > 0, indicator


def test_the_report_lists_the_gas_factors_with_their_sources(store: Store,
                                                              tmp_path: Path) -> None:
    path = export_workbook(store, YEAR, tmp_path / "report.xlsx", lang="en")
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(book["Factors used"].iter_rows(values_only=True))
    finally:
        book.close()
    assert rows[0] == ("Factor", "Value", "Unit", "Region", "Data year", "Source", "Table")
    listed = {row[0]: row for row in rows[1:]}
    held = store.factors(YEAR)
    for factor_id in (*GAS_FACTORS, "grid.guangdong", "coal_equivalent.electricity"):
        row = listed[factor_id]
        factor = held[factor_id]
        assert Decimal(str(row[1])) == factor.value, factor_id
        assert (row[2], row[4]) == (factor.unit, factor.data_year), factor_id
        assert row[5] == factor.source and row[6] == factor.table_ref, factor_id
    assert "book118" in listed["ncv.natural_gas_volume"][5]  # where 38 931 kJ/m³ was read
    # The group (no province) only sums its Guangdong sites: no national factor enters it.
    assert "grid.national" not in listed
    assert "icra/ecam" in listed["gwp.ch4"][5]
