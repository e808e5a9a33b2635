"""Emission and conversion factor sets as data: net calorific values, CO2/CH4/N2O emission
factors, coefficients to standard coal, grid emission factors and densities, each read from
resources/factors/<id>.toml and each naming where its value was read.

A factor whose value could not be verified in a source is kept with `value = None` and
`verified = False`, its note saying why; nothing here computes or guesses a value."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from esgdesk.errors import EsgdeskError, NotFound
from esgdesk.model.frozen import Frozen
from esgdesk.paths import RESOURCES

FACTORS_DIR = RESOURCES / "factors"

# The sets a new database (and the sample) loads into its first reporting year: IPCC 2006
# stationary combustion, GB/T 2589-2008 standard coal coefficients and natural gas's calorific
# value per m³, JEC Well-to-Tank v5 fuel densities, IPCC AR5 100-year GWPs (CH4 and N2O into
# CO2e), and the MEE/NBS grid factors: 2022's, then 2023's over them. Later sets override
# earlier ones' ids, so the year holds each grid factor's latest value read: 2023's national,
# regional and Guangdong factors, 2022's for the provinces whose 2023 factor was not read
# (see each set's file; every factor names its set and data year).
DEFAULT_SETS = ["ipcc-2006-stationary", "gbt-2589-2008", "jec-wtt-v5-fuel-properties",
                "ipcc-ar5-gwp100", "cn-grid-2022", "cn-grid-2023"]

# A value is written as a plain decimal string, exactly as printed: no exponent, no
# thousands separator, no sign other than a leading minus.
_DECIMAL = re.compile(r"-?\d+(\.\d+)?")


class FactorDataError(EsgdeskError):
    """A shipped factor file is malformed (a programming or data error, not the user's)."""

    kind = "factor_data"


class Factor(Frozen):
    """One factor: `value` is the exact decimal as printed, or None where not verified."""

    _fields = ("id", "value", "unit", "gas", "region", "data_year", "source", "table",
               "verified", "note")
    id: str
    value: Decimal | None
    unit: str
    gas: str
    region: str
    data_year: int | None
    source: str
    table: str
    verified: bool
    note: str

    def __init__(self, id: str, value: Decimal | None, unit: str, gas: str,
                 region: str, data_year: int | None, source: str, table: str, verified: bool,
                 note: str = "") -> None:
        self.__dict__.update(id=id, value=value, unit=unit, gas=gas, region=region,
                             data_year=data_year, source=source, table=table,
                             verified=verified, note=note)


class FactorSet(Frozen):
    """A published set of factors, as resources/factors/<id>.toml holds it."""

    _fields = ("id", "title", "publisher", "document", "source", "factors")
    id: str
    title: dict[str, str]
    publisher: str
    document: str
    source: str
    factors: tuple[Factor, ...]

    def __init__(self, id: str, title: dict[str, str], publisher: str,
                 document: str, source: str, factors: tuple[Factor, ...]) -> None:
        self.__dict__.update(id=id, title=title, publisher=publisher, document=document,
                             source=source, factors=factors)

    def get(self, factor_id: str) -> Factor:
        for factor in self.factors:
            if factor.id == factor_id:
                return factor
        raise NotFound(f"factor set '{self.id}' has no factor '{factor_id}'",
                       f"因子集“{self.id}”中没有因子“{factor_id}”", where=self.id)

    def ids(self) -> list[str]:
        return [factor.id for factor in self.factors]

    def verified(self) -> tuple[Factor, ...]:
        return tuple(factor for factor in self.factors if factor.verified)


def _value(raw: Any, where: str) -> Decimal | None:
    text = str(raw).strip() if raw is not None else ""
    if text == "":
        return None
    if not isinstance(raw, str) or not _DECIMAL.fullmatch(text):
        raise FactorDataError(f"value {raw!r} is not a decimal string",
                              f"数值 {raw!r} 不是十进制字符串", where=where)
    return Decimal(text)


def _year(raw: Any, where: str) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise FactorDataError(f"data_year {raw!r} is not a year", f"data_year {raw!r} 不是年份",
                              where=where)
    return raw


def read(path: Path) -> FactorSet:
    """A factor set file, as written; its shape is checked, its numbers are not judged."""
    import tomllib  # when the file is first read, not at start-up

    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    set_id = str(raw.get("id", path.stem))
    source = str(raw.get("source", ""))
    factors = []
    for item in raw.get("factors", []):
        where = f"{path.name}: {item.get('id', '?')}"
        if "id" not in item:
            raise FactorDataError("a factor has no id", "有因子缺少 id", where=path.name)
        factors.append(Factor(
            id=str(item["id"]),
            value=_value(item.get("value"), where),
            unit=str(item.get("unit", "")),
            gas=str(item.get("gas", "")),
            region=str(item.get("region", "")),
            data_year=_year(item.get("data_year"), where),
            source=str(item.get("source", "")) or source,
            table=str(item.get("table", "")),
            verified=bool(item.get("verified", False)),
            note=str(item.get("note", "")),
        ))
    title = raw.get("title") if isinstance(raw.get("title"), dict) else {}
    return FactorSet(id=set_id, title={str(k): str(v) for k, v in title.items()},
                     publisher=str(raw.get("publisher", "")),
                     document=str(raw.get("document", "")), source=source,
                     factors=tuple(factors))


def factor_set_ids() -> list[str]:
    """The ids of the factor sets shipped in resources/factors/, sorted by file name."""
    return [factor_set.id for factor_set in factor_sets()]


@cache
def _all() -> tuple[FactorSet, ...]:
    return tuple(read(path) for path in sorted(FACTORS_DIR.glob("*.toml")))


def factor_sets() -> list[FactorSet]:
    """Every shipped factor set (read once, then cached)."""
    return list(_all())


def factor_set(set_id: str) -> FactorSet:
    for candidate in _all():
        if candidate.id == set_id:
            return candidate
    known = ", ".join(candidate.id for candidate in _all())
    raise NotFound(f"no factor set '{set_id}' (known: {known})",
                   f"没有因子集“{set_id}”（现有：{known}）", where="resources/factors")
