"""Figures of one entity and year: stored values as numbers, and the derived ones computed."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cache

from esgdesk.model.catalogue import Catalogue, Indicator
from esgdesk.storage.store import StoredValue


@cache
def derived_order(catalogue: Catalogue) -> tuple[Indicator, ...]:
    """Derived indicators, each after the derived indicators its formula reads."""
    ordered: list[Indicator] = []
    done: set[str] = set()

    def visit(indicator: Indicator) -> None:
        if indicator.id in done or indicator.formula is None:
            return
        done.add(indicator.id)
        for ref in indicator.formula.indicators:
            visit(catalogue.indicators[ref])
        ordered.append(indicator)

    for indicator in catalogue.indicators.values():
        visit(indicator)
    return tuple(ordered)


def derive(catalogue: Catalogue, numbers: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The derived figures computable from `numbers` (indicator id → stored number)."""
    known = dict(numbers)
    derived: dict[str, Decimal] = {}
    for indicator in derived_order(catalogue):
        assert indicator.formula is not None
        result = indicator.formula.evaluate(known)
        if result is not None:
            known[indicator.id] = derived[indicator.id] = result
    return derived


def rounded(indicator: Indicator, number: Decimal) -> Decimal:
    """A number at the precision the report prints for this indicator."""
    return indicator.type.quantize(number)


class FigureBook:
    """Stored figures keyed by (entity, indicator, year), read as numbers, derived ones computed.

    Shared by the forms' workspace and the validator, so both see the same numbers.
    """

    def __init__(self, catalogue: Catalogue, values: dict[tuple[str, str, int], StoredValue],
                 ) -> None:
        self.catalogue = catalogue
        self.values = values
        self._by_entity_year: dict[tuple[str, int], dict[str, StoredValue]] = {}
        for (entity, indicator, year), value in values.items():
            self._by_entity_year.setdefault((entity, year), {})[indicator] = value
        self._derived: dict[tuple[str, int], dict[str, Decimal]] = {}

    def stored(self, entity: str, indicator: str, year: int) -> StoredValue | None:
        return self.values.get((entity, indicator, year))

    def number(self, entity: str, indicator: str, year: int) -> Decimal | None:
        """A figure as a number: stored, or computed from its components."""
        spec = self.catalogue.indicators[indicator]
        if spec.derived:
            return self.derived(entity, year).get(indicator)
        stored = self.values.get((entity, indicator, year))
        if stored is None or stored.value is None or not spec.type.numeric:
            return None
        return Decimal(stored.value)

    def derived(self, entity: str, year: int) -> dict[str, Decimal]:
        """Every derived figure computable for an entity and year."""
        key = (entity, year)
        if key not in self._derived:
            numbers = {}
            for indicator, value in self._by_entity_year.get(key, {}).items():
                spec = self.catalogue.indicators.get(indicator)
                if spec is not None and spec.type.numeric and value.value is not None:
                    numbers[indicator] = Decimal(value.value)
            self._derived[key] = derive(self.catalogue, numbers)
        return self._derived[key]

    def put(self, stored: StoredValue) -> None:
        """Remember a figure just written (or forget it when `stored` has no row)."""
        self.values[(stored.entity, stored.indicator, stored.year)] = stored
        self._by_entity_year.setdefault((stored.entity, stored.year), {})[stored.indicator] = \
            stored
        self._derived.pop((stored.entity, stored.year), None)

    def add(self, values: dict[tuple[str, str, int], StoredValue]) -> None:
        """Remember more stored figures (keyed as in the constructor)."""
        for value in values.values():
            self.put(value)

    def drop(self, entity: str, indicator: str, year: int) -> None:
        self.values.pop((entity, indicator, year), None)
        self._by_entity_year.get((entity, year), {}).pop(indicator, None)
        self._derived.pop((entity, year), None)
