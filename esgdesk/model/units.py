"""The units of a Chinese ESG report: what people type for them (zh and en), which ones
convert to which, and exact conversion of a Decimal figure between them.

pint knows the dimensions and the conversion factors; it is imported only when a
conversion or a drop-down first needs it (one registry per process), so importing this
module costs nothing. The registry works in Fractions, so every factor is an exact ratio
and a figure is converted with exact arithmetic, never through a float.

Counts (人, 人次, 个, 次, 项) stay out of pint: they convert to nothing but themselves."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from esgdesk.errors import EsgdeskError


@dataclass(frozen=True)
class Unit:
    """One unit of a report: a stable `id` (what is stored), its Chinese and English
    names, the spellings people type for it and its name in the pint registry (None for
    a count, which converts to nothing but itself)."""

    id: str
    zh: str
    en: str
    spellings: tuple[str, ...] = ()
    pint_name: str | None = None

    def label(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en

    def __str__(self) -> str:
        return self.en


# The units esgdesk knows, in the order a drop-down lists them. `spellings` are compared
# after _key(): NFKC (full-width letters, m³ → m3, CO₂ → CO2), lower case, and no spaces,
# dots, carets, dashes, commas or brackets — so "kW·h", "KWh" and "kwh" are one spelling.
UNITS: tuple[Unit, ...] = (
    # Energy
    Unit("kwh", "千瓦时", "kWh",
         ("千瓦时", "千瓦小时", "度", "kWh", "kW·h", "kilowatt hour", "kilowatt hours"),
         "kilowatt_hour"),
    Unit("wan_kwh", "万千瓦时", "10,000 kWh",
         ("万千瓦时", "万千瓦小时", "万度", "万kWh", "10^4 kWh", "10⁴ kWh", "10,000 kWh"),
         "wan_kilowatt_hour"),
    Unit("mwh", "兆瓦时", "MWh", ("兆瓦时", "MWh", "MW·h", "megawatt hour", "megawatt hours"),
         "megawatt_hour"),
    Unit("gwh", "吉瓦时", "GWh",
         ("吉瓦时", "百万千瓦时", "GWh", "GW·h", "gigawatt hour", "gigawatt hours"),
         "gigawatt_hour"),
    Unit("mj", "兆焦", "MJ", ("兆焦", "兆焦耳", "MJ", "megajoule", "megajoules"), "megajoule"),
    Unit("gj", "吉焦", "GJ", ("吉焦", "吉焦耳", "GJ", "gigajoule", "gigajoules"), "gigajoule"),
    Unit("tj", "太焦", "TJ", ("太焦", "太焦耳", "TJ", "terajoule", "terajoules"), "terajoule"),
    Unit("tce", "吨标准煤", "tce",
         ("吨标准煤", "吨标煤", "吨标准煤当量", "tce", "tonne of coal equivalent",
          "tonnes of coal equivalent"),
         "tonne_coal_equivalent"),
    Unit("kgce", "千克标准煤", "kgce",
         ("千克标准煤", "千克标煤", "公斤标准煤", "公斤标煤", "kgce",
          "kilogram of coal equivalent", "kilograms of coal equivalent"),
         "kilogram_coal_equivalent"),
    # Volume
    Unit("m3", "立方米", "m³",
         ("立方米", "立方", "方", "m³", "m3", "m^3", "cubic metre", "cubic metres",
          "cubic meter", "cubic meters"),
         "meter ** 3"),
    Unit("wan_m3", "万立方米", "10,000 m³",
         ("万立方米", "万立方", "万方", "万m³", "10^4 m³", "10⁴ m³", "10,000 m³"),
         "wan_cubic_meter"),
    Unit("l", "升", "L", ("升", "公升", "L", "litre", "litres", "liter", "liters"), "liter"),
    # Mass
    Unit("t", "吨", "t", ("吨", "公吨", "t", "tonne", "tonnes"), "tonne"),
    Unit("kg", "千克", "kg", ("千克", "公斤", "kg", "kilogram", "kilograms"), "kilogram"),
    # Greenhouse gas: CO2-equivalent mass, a dimension of its own (never plain mass)
    Unit("tco2e", "吨二氧化碳当量", "tCO₂e",
         ("吨二氧化碳当量", "吨CO₂e", "吨CO₂当量", "tCO₂e", "tCO₂eq", "tCO₂-eq",
          "tonne CO₂e", "tonnes CO₂e", "tonnes of CO₂ equivalent"),
         "tonne_CO2e"),
    Unit("kgco2e", "千克二氧化碳当量", "kgCO₂e",
         ("千克二氧化碳当量", "公斤二氧化碳当量", "千克CO₂e", "kgCO₂e", "kgCO₂eq",
          "kgCO₂-eq", "kilograms of CO₂ equivalent"),
         "kilogram_CO2e"),
    # Money: Chinese yuan, a currency dimension of its own
    Unit("cny", "元", "yuan", ("元", "人民币元", "元人民币", "yuan", "CNY", "RMB", "¥"), "yuan"),
    Unit("wan_cny", "万元", "10,000 yuan",
         ("万元", "人民币万元", "万元人民币", "万人民币", "10^4 yuan", "10,000 yuan",
          "10,000 CNY", "10,000 RMB"),
         "wan_yuan"),
    Unit("yi_cny", "亿元", "100 million yuan",
         ("亿元", "人民币亿元", "亿元人民币", "亿人民币", "10^8 yuan", "100 million yuan",
          "100 million CNY", "100 million RMB"),
         "yi_yuan"),
    # Counts: not converted, each matches only itself
    Unit("person", "人", "people", ("人", "名", "people", "persons", "person")),
    Unit("person_time", "人次", "person-times",
         ("人次", "person-times", "person-time", "person times")),
    Unit("piece", "个", "units", ("个", "units", "pcs")),
    Unit("time", "次", "times", ("次", "times")),
    Unit("item", "项", "items", ("项", "items")),
)

# What the registry adds to pint's own units.
_DEFINITIONS = (
    # tce: GB/T 2589 综合能耗计算通则 (2020, replacing 2008) takes fuel of lower heating
    # value 29 307.6 kJ as 1 kgce (千克标准煤): 7 000 kcal × 4.1868 kJ/kcal (the IT
    # calorie). So 1 tce = 29.3076 GJ exactly (= 8 141 kWh). Some quotations of the 2008
    # text write it rounded, 29 307 kJ.
    "tonne_coal_equivalent = 29.3076 * gigajoule = tce",
    "kilogram_coal_equivalent = tonne_coal_equivalent / 1000 = kgce",
    "wan_kilowatt_hour = 10000 * kilowatt_hour",
    "wan_cubic_meter = 10000 * meter ** 3",
    "kilogram_CO2e = [co2e_mass] = kgCO2e",
    "tonne_CO2e = 1000 * kilogram_CO2e = tCO2e",
    "yuan = [currency_CNY] = CNY",
    "wan_yuan = 10000 * yuan",
    "yi_yuan = 100000000 * yuan",
)

_STRIP = re.compile(r"[\s·⋅•∙*^_\-.,'’()\[\]{}]+")


def _key(text: str) -> str:
    return _STRIP.sub("", unicodedata.normalize("NFKC", text)).lower()


_BY_KEY: dict[str, Unit] = {}
for _unit in UNITS:
    for _spelling in (_unit.zh, _unit.en, _unit.id, *_unit.spellings):
        _known = _BY_KEY.setdefault(_key(_spelling), _unit)
        assert _known is _unit, f"{_spelling!r} spells both {_known.id} and {_unit.id}"
_BY_ID = {unit.id: unit for unit in UNITS}


class UnitError(EsgdeskError):
    """A unit cannot be used as given: `fits` are the units that would do (empty when no
    target was named)."""

    kind = "unit"

    def __init__(self, en: str, zh: str, fits: list[Unit]) -> None:
        self.fits = fits
        super().__init__(en, zh)


def _fits_text(fits: list[Unit], lang: str) -> str:
    return "、".join(u.zh for u in fits) if lang == "zh" else ", ".join(u.en for u in fits)


class UnknownUnit(UnitError):
    """The text is no unit esgdesk knows."""

    kind = "unknown_unit"

    def __init__(self, text: str, fits: list[Unit]) -> None:
        self.text = text
        en = f"'{text}' is not a unit esgdesk knows"
        zh = f"无法识别单位“{text}”"
        if fits:
            en += f"; use one of: {_fits_text(fits, 'en')}"
            zh += f"，可用的单位：{_fits_text(fits, 'zh')}"
        super().__init__(en, zh, fits)


class WrongUnit(UnitError):
    """The unit is known but measures something else than the one it must convert to:
    `fits` are the units that do convert to the target."""

    kind = "wrong_unit"

    def __init__(self, unit: Unit, target: Unit, fits: list[Unit]) -> None:
        self.unit = unit
        self.target = target
        super().__init__(
            f"{unit.en} cannot be converted to {target.en}; use one of: "
            f"{_fits_text(fits, 'en')}",
            f"{unit.zh}不能换算为{target.zh}，可用的单位：{_fits_text(fits, 'zh')}",
            fits,
        )


# One registry per process, built on first use (pint costs ~0.1 s to import and ~0.5 s
# to load its definitions).
_registry: Any = None
_registry_lock = threading.Lock()


def registry() -> Any:
    """The process's pint UnitRegistry: pint's units plus those of Chinese reports, with
    exact (Fraction) magnitudes."""
    global _registry
    if _registry is None:
        with _registry_lock:
            if _registry is None:
                import pint

                built = pint.UnitRegistry(non_int_type=Fraction, cache_folder=None)
                for definition in _DEFINITIONS:
                    built.define(definition)
                _registry = built
    return _registry


_dimensions: dict[str, Any] = {}
_factors: dict[tuple[str, str], Fraction] = {}


def _dimension(unit: Unit) -> Any:
    """pint's dimensionality of a unit; a count is a dimension of its own."""
    if unit.pint_name is None:
        return ("count", unit.id)
    if unit.id not in _dimensions:
        _dimensions[unit.id] = registry().parse_units(unit.pint_name).dimensionality
    return _dimensions[unit.id]


def unit_by_id(unit_id: str) -> Unit:
    """The unit stored under an id (a KeyError for an id esgdesk never gave)."""
    return _BY_ID[unit_id]


def parse_unit(text: str | Unit, fits: Unit | str | None = None) -> Unit:
    """The unit a typed text names (`m³`, `立方米`, `KWh`, `度`, `吨标煤`, `万元` …).

    With `fits` (the unit a figure is kept in), the unit must also convert to it: unknown
    text raises UnknownUnit and a unit of another dimension WrongUnit, each listing the
    units that would fit."""
    target = None if fits is None else parse_unit(fits)
    if isinstance(text, Unit):
        unit = text
    else:
        found = _BY_KEY.get(_key(text))
        if found is None:
            raise UnknownUnit(text.strip(),
                              compatible_units(target) if target is not None else [])
        unit = found
    if target is not None and _dimension(unit) != _dimension(target):
        raise WrongUnit(unit, target, compatible_units(target))
    return unit


def compatible_units(unit: Unit | str) -> list[Unit]:
    """The units a figure in `unit` converts to, itself included, in UNITS' order (for a
    drop-down)."""
    unit = parse_unit(unit)
    dimension = _dimension(unit)
    return [other for other in UNITS if _dimension(other) == dimension]


def factor(from_unit: Unit | str, to_unit: Unit | str) -> Fraction:
    """The exact ratio that turns a figure in `from_unit` into one in `to_unit`."""
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    if source == target:
        return Fraction(1)
    if _dimension(source) != _dimension(target):
        raise WrongUnit(source, target, compatible_units(target))
    key = (source.id, target.id)
    if key not in _factors:
        assert source.pint_name is not None and target.pint_name is not None
        quantity = registry().Quantity(Fraction(1), source.pint_name)
        ratio = quantity.to(target.pint_name).magnitude
        _factors[key] = Fraction(ratio)
    return _factors[key]


def _decimal(value: Fraction) -> Decimal:
    """A fraction as a Decimal: exact whenever it has a finite decimal expansion (with no
    trailing zeros after the point), else rounded to the current decimal context."""
    rest, twos, fives = value.denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        return Decimal(value.numerator) / Decimal(value.denominator)
    places = max(twos, fives)
    digits = value.numerator * 10 ** places // value.denominator
    while places and digits % 10 == 0:
        digits, places = digits // 10, places - 1
    return Decimal(f"{digits}E-{places}") if places else Decimal(digits)


def convert(value: Decimal | int, from_unit: Unit | str, to_unit: Unit | str) -> Decimal:
    """A figure in `from_unit` expressed in `to_unit`, computed exactly (1.2 MWh → 1200
    kWh, 1 tce → 29.3076 GJ). A result with no finite decimal expansion (1 MJ in kWh) is
    rounded to the current decimal context's precision. Units of different dimensions raise
    WrongUnit naming both, with the units `to_unit` accepts."""
    if isinstance(value, float):
        raise TypeError("convert takes a Decimal, not a float: a float is not exact")
    ratio = factor(from_unit, to_unit)
    return _decimal(Fraction(value) * ratio)


# A leading number: digits with thousands separators or a decimal point, an optional
# exponent; what follows is the unit.
_QUANTITY = re.compile(
    r"(?P<number>[+-]?(?:\d[\d,'’\s]*)?\.?\d+(?:[eE][+-]?\d+)?)\s*(?P<unit>.*?)")


def split_quantity(text: str) -> tuple[str, str | None]:
    """Split a typed quantity into its number text and unit text: "1.2 MWh" → ("1.2",
    "MWh"), "１,２００ 千瓦时" → ("1,200", "千瓦时"), "３０万元" → ("30", "万元"). Full-width
    characters are folded; the number text is left for a value type to parse (and refuse).
    A text with no leading number, or nothing after it, comes back whole with None."""
    folded = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    match = _QUANTITY.fullmatch(folded)
    if match is None or not match.group("unit"):
        return folded, None
    return match.group("number").strip(), match.group("unit")
