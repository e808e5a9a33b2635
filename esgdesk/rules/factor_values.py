"""The factor values a formula reads, for an entity and a year: the year's factors as stored
in the database ("factor.<id>"), and `factor.grid`, the grid factor of the entity's province
(`grid.<province>`), else the national one (`grid.national`): see storage.factors.grid_id."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from esgdesk.model.formula import FACTOR, GRID
from esgdesk.storage.factors import FactorValue, grid_id

if TYPE_CHECKING:
    from esgdesk.storage.store import Store


class FactorValues:
    """Factor values by entity and year: every year's read at once, when first asked."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._by_year: dict[int, dict[str, FactorValue]] | None = None
        self._stored: dict[int, dict[str, FactorValue]] = {}
        self._numbers: dict[int, dict[str, Decimal]] = {}
        self._provinces = {e.code: e.province for e in store.entities()}

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

    def used(self, entity: str, year: int, names: tuple[str, ...]) -> list[FactorValue]:
        """The stored factors a formula's names take for an entity ("grid": its
        province's), those the year holds."""
        self.year(year)
        stored = self._stored[year]
        ids = [grid_id(stored, self._provinces.get(entity)) if name == GRID else name
               for name in names]
        return [stored[i] for i in ids if i in stored]

    def __call__(self, entity: str, year: int) -> Mapping[str, Decimal]:
        known = self.year(year)
        grid = known.get(FACTOR + grid_id(self._stored[year], self._provinces.get(entity)))
        return known if grid is None else {**known, FACTOR + GRID: grid}
