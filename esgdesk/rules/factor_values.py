"""The factor values a formula reads, for an entity and a year: the year's factors as stored
in the database ("factor.<id>"), and `factor.grid`, the grid factor of the entity's province
(`grid.<province>`), else of its regional grid (`grid.huazhong`), else the national one
(`grid.national`): see storage.factors.grid_id."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from esgdesk.model.formula import FACTOR, GRID
from esgdesk.storage.factors import FactorValue, grid_id

if TYPE_CHECKING:
    from esgdesk.storage.store import Store


class FactorValues:
    """Factor values by entity and year: every year's read at once, when first asked. A
    change not yet made (a province, a year's factors) can be tried on a copy first, to see
    what it would move (rules.published)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._by_year: dict[int, dict[str, FactorValue]] | None = None
        self._stored: dict[int, dict[str, FactorValue]] = {}
        self._numbers: dict[int, dict[str, Decimal]] = {}
        self._provinces = {e.code: e.province for e in store.entities()}

    # -- trying a change ------------------------------------------------------------------
    def assume_province(self, entity: str, province: str | None) -> None:
        """Read the entity as if it were in this province."""
        self._provinces[entity] = province

    def assume_factors(self, year: int, factors: Mapping[str, FactorValue]) -> None:
        """Read the year as if it held these factors (its own set, as stored after the
        change: the set it reads now, with these over it)."""
        self.year(year)
        assert self._by_year is not None
        self._by_year[year] = {**self._stored[year], **factors}
        self._stored.clear()
        self._numbers.clear()

    # -- reading --------------------------------------------------------------------------
    def year(self, year: int) -> dict[str, Decimal]:
        """The year's known factor values, as formulas name them ("factor.ncv.diesel"):
        those of the latest year up to it that holds any (as `Store.factors` reads them)."""
        if year not in self._numbers:
            if self._by_year is None:
                self._by_year = self.store.factors_by_year()
            held = [y for y in self._by_year if y <= year]
            self._stored[year] = self._by_year[max(held)] if held else {}
            self._numbers[year] = {FACTOR + factor_id: factor.value
                                   for factor_id, factor in self._stored[year].items()
                                   if factor.value is not None}
        return self._numbers[year]

    def grid(self, entity: str, year: int) -> str:
        """The id of the grid factor an entity's `factor.grid` reads in a year."""
        self.year(year)
        return grid_id(self._stored[year], self._provinces.get(entity))

    def used(self, entity: str, year: int, names: tuple[str, ...]) -> list[FactorValue]:
        """The stored factors a formula's names take for an entity ("grid": its
        province's), those the year holds."""
        self.year(year)
        stored = self._stored[year]
        ids = [self.grid(entity, year) if name == GRID else name for name in names]
        return [stored[i] for i in ids if i in stored]

    def __call__(self, entity: str, year: int) -> Mapping[str, Decimal]:
        known = self.year(year)
        grid = known.get(FACTOR + self.grid(entity, year))
        return known if grid is None else {**known, FACTOR + GRID: grid}
