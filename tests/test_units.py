"""Units of Chinese ESG reports: spellings, exact conversion, refusals with their kinds,
drop-down lists, splitting a typed quantity, and pint loaded only when first needed."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

from esgdesk.errors import EsgdeskError
from esgdesk.model import units
from esgdesk.model.units import (
    UNITS,
    UnitError,
    UnknownUnit,
    WrongUnit,
    compatible_units,
    convert,
    factor,
    parse_unit,
    split_quantity,
    unit_by_id,
)

# (value, from, to, exact result as stored text)
EXACT = [
    ("1.2", "MWh", "kWh", "1200"),
    ("3", "万千瓦时", "kWh", "30000"),
    ("1", "tce", "GJ", "29.3076"),
    ("2.5", "亿元", "万元", "25000"),
    ("1", "m³", "L", "1000"),
    ("1", "吨标准煤", "千瓦时", "8141"),
    ("1", "千克标准煤", "MJ", "29.3076"),
    ("1000", "kgce", "tce", "1"),
    ("1", "tce", "TJ", "0.0293076"),
    ("1", "GWh", "MWh", "1000"),
    ("1", "GWh", "万千瓦时", "100"),
    ("1", "MWh", "GJ", "3.6"),
    ("1", "TJ", "GJ", "1000"),
    ("500", "GJ", "TJ", "0.5"),
    ("12345", "元", "万元", "1.2345"),
    ("3", "亿元", "元", "300000000"),
    ("1.5", "万立方米", "m3", "15000"),
    ("250", "L", "m³", "0.25"),
    ("2.5", "t", "kg", "2500"),
    ("1", "tCO2e", "kgCO2e", "1000"),
    ("42", "kgCO2e", "吨二氧化碳当量", "0.042"),
    ("-1.2", "MWh", "kWh", "-1200"),
    ("0", "tce", "GJ", "0"),
    ("7", "人", "人", "7"),
]


@pytest.mark.parametrize(("value", "source", "target", "expected"), EXACT)
def test_conversions_are_exact(value: str, source: str, target: str, expected: str) -> None:
    result = convert(Decimal(value), source, target)
    assert isinstance(result, Decimal)
    assert result == Decimal(expected)
    assert str(result) == expected  # no float noise, no exponent, no trailing zeros


def test_the_asked_for_pairs_in_both_directions() -> None:
    assert convert(Decimal("1200"), "kWh", "MWh") == Decimal("1.2")
    assert convert(Decimal("30000"), "kWh", "万千瓦时") == Decimal(3)
    assert convert(Decimal("29.3076"), "GJ", "tce") == Decimal(1)
    assert convert(Decimal("25000"), "万元", "亿元") == Decimal("2.5")
    assert convert(Decimal("1000"), "L", "m³") == Decimal(1)


def test_every_pair_of_a_dimension_has_exact_inverse_factors() -> None:
    for unit in UNITS:
        for other in compatible_units(unit):
            forward, back = factor(unit, other), factor(other, unit)
            assert isinstance(forward, Fraction)
            assert forward * back == 1, (unit.id, other.id)


def test_a_result_without_a_finite_decimal_is_rounded_to_the_context() -> None:
    assert factor("MJ", "kWh") == Fraction(5, 18)
    with localcontext() as context:
        context.prec = 6
        assert convert(Decimal(1), "MJ", "kWh") == Decimal("0.277778")


def test_a_float_is_refused() -> None:
    with pytest.raises(TypeError):
        convert(1.2, "MWh", "kWh")  # type: ignore[arg-type]


def test_tce_is_gb_t_2589s_29307_6_kj_per_kgce() -> None:
    assert factor("kgce", "GJ") == Fraction("0.0293076")
    assert factor("tce", "kWh") == 8141


SPELLINGS = [
    ("m3", "m3"), ("m^3", "m3"), ("m³", "m3"), ("立方米", "m3"), ("M3", "m3"), ("㎥", "m3"),
    ("m**3", "m3"), ("方", "m3"),
    ("kwh", "kwh"), ("KWh", "kwh"), ("kWh", "kwh"), ("KWH", "kwh"), ("kW·h", "kwh"),
    ("kW.h", "kwh"), ("kW h", "kwh"), ("千瓦时", "kwh"), ("度", "kwh"), ("ｋＷｈ", "kwh"),
    ("  kWh  ", "kwh"),
    ("tce", "tce"), ("TCE", "tce"), ("吨标煤", "tce"), ("吨标准煤", "tce"),
    ("kgce", "kgce"), ("千克标准煤", "kgce"), ("公斤标煤", "kgce"),
    ("MWh", "mwh"), ("mwh", "mwh"), ("兆瓦时", "mwh"),
    ("GWh", "gwh"), ("吉瓦时", "gwh"),
    ("万千瓦时", "wan_kwh"), ("万度", "wan_kwh"), ("10^4 kWh", "wan_kwh"),
    ("10⁴kWh", "wan_kwh"), ("10,000 kWh", "wan_kwh"),
    ("GJ", "gj"), ("gj", "gj"), ("吉焦", "gj"), ("MJ", "mj"), ("兆焦", "mj"), ("TJ", "tj"),
    ("万立方米", "wan_m3"), ("万方", "wan_m3"), ("10⁴ m³", "wan_m3"),
    ("升", "l"), ("L", "l"), ("l", "l"), ("litres", "l"),
    ("t", "t"), ("吨", "t"), ("T", "t"), ("tonnes", "t"),
    ("kg", "kg"), ("千克", "kg"), ("公斤", "kg"),
    ("tCO2e", "tco2e"), ("tCO₂e", "tco2e"), ("tCO2-eq", "tco2e"), ("吨二氧化碳当量", "tco2e"),
    ("吨CO2e", "tco2e"), ("kgCO2e", "kgco2e"), ("千克二氧化碳当量", "kgco2e"),
    ("元", "cny"), ("CNY", "cny"), ("RMB", "cny"), ("人民币元", "cny"), ("￥", "cny"),
    ("万元", "wan_cny"), ("万元人民币", "wan_cny"), ("亿元", "yi_cny"), ("亿元人民币", "yi_cny"),
    ("人", "person"), ("人次", "person_time"), ("个", "piece"), ("次", "time"), ("项", "item"),
]


@pytest.mark.parametrize(("text", "unit_id"), SPELLINGS)
def test_spellings_people_type(text: str, unit_id: str) -> None:
    assert parse_unit(text).id == unit_id


def test_each_unit_reads_back_from_its_names_and_id() -> None:
    assert len({u.id for u in UNITS}) == len(UNITS)
    for unit in UNITS:
        assert parse_unit(unit.zh) is unit
        assert parse_unit(unit.en) is unit
        assert unit_by_id(unit.id) is unit
        assert parse_unit(unit) is unit
        assert unit.label("zh") == unit.zh and unit.label("en") == unit.en


def test_names_of_the_units() -> None:
    assert (parse_unit("度").zh, parse_unit("度").en) == ("千瓦时", "kWh")
    assert (parse_unit("m^3").zh, parse_unit("m^3").en) == ("立方米", "m³")
    assert parse_unit("万千瓦时").en == "10,000 kWh"
    assert parse_unit("亿元").en == "100 million yuan"


@pytest.mark.parametrize("text", ["kwhh", "", "   ", "吨吨", "kWh/t", "mol", "千瓦"])
def test_unknown_text_is_refused(text: str) -> None:
    with pytest.raises(UnknownUnit) as caught:
        parse_unit(text)
    error = caught.value
    assert isinstance(error, EsgdeskError) and isinstance(error, UnitError)
    assert error.kind == "unknown_unit"
    assert error.fits == []
    assert error.message("zh") != error.message("en")
    assert "无法识别单位" in error.message("zh")


def test_unknown_text_with_a_target_lists_what_would_fit() -> None:
    with pytest.raises(UnknownUnit) as caught:
        parse_unit("kwhh", fits="tce")
    error = caught.value
    assert error.kind == "unknown_unit"
    assert [u.id for u in error.fits] == ["kwh", "wan_kwh", "mwh", "gwh", "mj", "gj", "tj",
                                          "tce", "kgce"]
    assert "kwhh" in error.message("en") and "MWh" in error.message("en")
    assert "kwhh" in error.message("zh") and "兆瓦时" in error.message("zh")


def test_a_known_unit_of_another_dimension_is_refused_against_a_target() -> None:
    assert parse_unit("MWh", fits="kWh").id == "mwh"
    with pytest.raises(WrongUnit) as caught:
        parse_unit("吨", fits="万元")
    assert caught.value.kind == "wrong_unit"
    assert [u.id for u in caught.value.fits] == ["cny", "wan_cny", "yi_cny"]


@pytest.mark.parametrize(("source", "target"), [
    ("kg", "kWh"), ("tCO2e", "t"), ("t", "tCO2e"), ("kgCO2e", "kg"), ("元", "t"),
    ("万元", "kWh"), ("m³", "t"), ("tce", "t"), ("人", "人次"), ("人", "kg"), ("kWh", "次"),
    ("个", "项"),
])
def test_a_wrong_dimension_is_refused(source: str, target: str) -> None:
    with pytest.raises(WrongUnit) as caught:
        convert(Decimal(1), source, target)
    error = caught.value
    assert error.kind == "wrong_unit"
    assert isinstance(error, EsgdeskError)
    src, dst = parse_unit(source), parse_unit(target)
    assert (error.unit, error.target) == (src, dst)
    assert src.en in error.message("en") and dst.en in error.message("en")
    assert src.zh in error.message("zh") and dst.zh in error.message("zh")
    assert error.fits == compatible_units(dst)
    assert all(f.en in error.message("en") for f in error.fits)


def test_unknown_units_in_a_conversion_are_refused() -> None:
    with pytest.raises(UnknownUnit):
        convert(Decimal(1), "kWh", "bananas")


def test_compatible_units_for_a_drop_down() -> None:
    def ids(text: str) -> list[str]:
        return [u.id for u in compatible_units(text)]

    energy = ["kwh", "wan_kwh", "mwh", "gwh", "mj", "gj", "tj", "tce", "kgce"]
    assert ids("度") == energy and ids("tce") == energy
    assert ids("m³") == ["m3", "wan_m3", "l"]
    assert ids("吨") == ["t", "kg"]  # not the CO2-equivalent tonne
    assert ids("tCO2e") == ["tco2e", "kgco2e"]
    assert ids("万元") == ["cny", "wan_cny", "yi_cny"]
    for count in ("人", "人次", "个", "次", "项"):
        assert compatible_units(count) == [parse_unit(count)]


def test_co2e_and_money_are_dimensions_of_their_own() -> None:
    reg = units.registry()
    assert reg.parse_units("tonne_CO2e").dimensionality != reg.parse_units("tonne").dimensionality
    assert dict(reg.parse_units("yuan").dimensionality) == {"[currency_CNY]": 1}
    assert reg.parse_units("tce").dimensionality == reg.parse_units("kWh").dimensionality


@pytest.mark.parametrize(("text", "expected"), [
    ("1.2 MWh", ("1.2", "MWh")),
    ("1,200 千瓦时", ("1,200", "千瓦时")),
    ("３０ 万元", ("30", "万元")),
    ("３０万元", ("30", "万元")),
    ("１，２００ 千瓦时", ("1,200", "千瓦时")),
    ("2.5亿元", ("2.5", "亿元")),
    ("1 200 kWh", ("1 200", "kWh")),
    ("  -5 t ", ("-5", "t")),
    ("\u22125 t", ("-5", "t")),
    ("1.5e3 kWh", ("1.5e3", "kWh")),
    ("3 m³", ("3", "m3")),
    ("12", ("12", None)),
    ("１２", ("12", None)),
    ("不适用", ("不适用", None)),
    ("kWh", ("kWh", None)),
    ("", ("", None)),
])
def test_split_quantity(text: str, expected: tuple[str, str | None]) -> None:
    assert split_quantity(text) == expected


def test_split_then_parse_then_convert() -> None:
    number, unit = split_quantity("１.２ 兆瓦时")
    assert unit is not None
    assert convert(Decimal(number), unit, "度") == Decimal(1200)


def test_importing_the_module_does_not_import_pint() -> None:
    code = ("import sys, esgdesk.model.units as u; "
            "u.parse_unit('kWh'); u.split_quantity('1 t'); "
            "assert 'pint' not in sys.modules, 'pint imported'; "
            "from decimal import Decimal; u.convert(Decimal(1), 'MWh', 'kWh'); "
            "assert 'pint' in sys.modules; assert u.registry() is u.registry()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
