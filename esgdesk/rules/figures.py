"""Figures as numbers: a FigureBook holds stored figures of any entities and years, reads each
as a number once, and computes the derived ones (with their factors) per entity and year."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from esgdesk.model.catalogue import Catalogue, Indicator
from esgdesk.model.states import NOT_APPLICABLE
from esgdesk.storage.store import StoredValue

# The factor values formulas read for an entity and year ("factor.<id>" → value), see
# esgdesk.rules.factor_values.
FactorSource = Callable[[str, int], Mapping[str, Decimal]]


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


def derive(catalogue: Catalogue, numbers: Mapping[str, Decimal],
           fixed: Mapping[str, Decimal] | None = None) -> dict[str, Decimal]:
    """The derived figures computable from `numbers` (indicator id → stored number, and
    "factor.<id>" → a factor's value); `fixed` gives derived figures already known (a
    parent's emissions: the sum of its children's), used instead of their formulas."""
    known = dict(numbers)
    derived: dict[str, Decimal] = {}
    for indicator in derived_order(catalogue):
        assert indicator.formula is not None
        if fixed is not None and indicator.id in fixed:
            known[indicator.id] = derived[indicator.id] = fixed[indicator.id]
            continue
        result = indicator.formula.evaluate(known)
        if result is not None:
            known[indicator.id] = derived[indicator.id] = result
    return derived


def emptied(held: dict[Any, Any], count: int) -> Iterator[None]:
    """Empty a dict `count` entries at a time, a step between: freeing a group's hundreds of
    thousands of records at once takes longer than a user waits for a switch."""
    while held:
        for _ in range(min(count, len(held))):
            held.popitem()
        yield


def rounded(indicator: Indicator, number: Decimal) -> Decimal:
    """A number at the precision the report prints for this indicator."""
    return indicator.type.quantize(number)


class FigureBook:
    """Stored figures keyed by (entity, indicator, year), read as numbers, derived ones computed.

    Shared by the forms' workspace and the validator, so both see the same numbers.
    """

    def __init__(self, catalogue: Catalogue, values: dict[tuple[str, str, int], StoredValue],
                 factors: FactorSource | None = None) -> None:
        self.catalogue = catalogue
        self.factors = factors  # the factor values a formula reads, by entity and year
        # Each figure held once, in its entity and year's rows: a group's hundreds of
        # thousands of keys (entity, indicator, year) held besides took memory, and time to
        # free when another entity was chosen (see `values`).
        self._by_entity_year: dict[tuple[str, int], dict[str, StoredValue]] = {}
        for (entity, indicator, year), value in values.items():
            self._by_entity_year.setdefault((entity, year), {})[indicator] = value
        self._derived: dict[tuple[str, int], dict[str, Decimal]] = {}
        self._own: dict[tuple[str, int], dict[str, Decimal]] = {}
        self._zeros: dict[tuple[str, int], dict[str, Decimal]] = {}
        self._computed = frozenset(spec.id for spec in derived_order(catalogue))
        # the indicators whose stored texts are numbers: typed, numeric
        self._numeric = frozenset(spec.id for spec in catalogue.indicators.values()
                                  if not spec.derived and spec.type.numeric)
        self._unreadable: set[tuple[str, str, int]] = set()  # stored texts that are no number

    @property
    def values(self) -> dict[tuple[str, str, int], StoredValue]:
        """Every stored figure, keyed by (entity, indicator, year): made when asked (an
        export, a reading compared with the one before), not held."""
        return {(entity, indicator, year): value
                for (entity, year), rows in self._by_entity_year.items()
                for indicator, value in rows.items()}

    def stored(self, entity: str, indicator: str, year: int) -> StoredValue | None:
        rows = self._by_entity_year.get((entity, year))
        return rows.get(indicator) if rows is not None else None

    def rows(self, entity: str, year: int) -> dict[str, StoredValue]:
        """The stored figures of an entity and year by indicator (read it, do not change it)."""
        return self._by_entity_year.get((entity, year), {})

    def number(self, entity: str, indicator: str, year: int) -> Decimal | None:
        """A figure as a number: stored, or computed from its components."""
        if indicator in self._computed:
            return self.derived(entity, year).get(indicator)
        own = self._own.get((entity, year))
        if own is None:
            own = self._read_own(entity, year)
        found = own.get(indicator)
        if found is None:
            if indicator not in self.catalogue.indicators:
                raise KeyError(indicator)
            if self._unreadable and (entity, indicator, year) in self._unreadable:
                found = Decimal(self._by_entity_year[entity, year][indicator].value
                                or "")  # says why
        return found

    def own(self, entity: str, year: int) -> dict[str, Decimal]:
        """The stored figures of an entity and year as numbers, derived ones left out (a
        stored text that is no number raises, as number() does when asked for it)."""
        own = self._own.get((entity, year))
        if own is None:
            own = self._read_own(entity, year)
        for unreadable in self._unreadable:
            if unreadable[0] == entity and unreadable[2] == year:
                Decimal(self._by_entity_year[entity, year][unreadable[1]].value
                        or "")  # says why
        return own

    def readable(self, entity: str, year: int) -> dict[str, Decimal]:
        """As `own`, but a stored text that is no number is left out instead of raising (the
        type check reports it)."""
        own = self._own.get((entity, year))
        return own if own is not None else self._read_own(entity, year)

    def _read_own(self, entity: str, year: int) -> dict[str, Decimal]:
        """Each stored text of an entity and year read as a number once, however often it is
        asked for; one that is no number is remembered, to raise when it is asked for."""
        key = (entity, year)
        if self._unreadable:
            self._unreadable = {k for k in self._unreadable if (k[0], k[2]) != key}
        found: dict[str, Decimal] = {}
        numeric = self._numeric
        for indicator, value in self._by_entity_year.get(key, {}).items():
            if indicator not in numeric or (text := value.value) is None:
                continue
            try:
                found[indicator] = Decimal(text)
            except InvalidOperation:
                self._unreadable.add((entity, indicator, year))
        self._own[key] = found
        return found

    def derived(self, entity: str, year: int) -> dict[str, Decimal]:
        """Every derived figure computable for an entity and year."""
        key = (entity, year)
        if key not in self._derived:
            numbers = {**self.zeros(entity, year), **self.own(entity, year)}
            if self.factors is not None:
                factors = self.factors(entity, year)
                # every factor at once where the source holds them so (see EntityFactors),
                # not looked up one by one
                every = getattr(factors, "every", None)
                numbers.update(every() if every is not None else factors)
            rows = self.rows(entity, year)
            for spec in derived_order(self.catalogue):  # a derived figure stored all the same
                value = rows.get(spec.id)
                if value is not None and value.value is not None and spec.type.numeric:
                    numbers[spec.id] = Decimal(value.value)
            self._derived[key] = derive(self.catalogue, numbers)
        return self._derived[key]

    def zeros(self, entity: str, year: int) -> dict[str, Decimal]:
        """Quantities marked n/a, as the zero they count as in a formula (a site with no
        diesel used none). Worked out once per entity and year: read it, do not change it."""
        found = self._zeros.get((entity, year))
        if found is None:
            indicators = self.catalogue.indicators
            found = self._zeros[entity, year] = {
                indicator: Decimal(0) for indicator, value
                in self._by_entity_year.get((entity, year), {}).items()
                if value.state == NOT_APPLICABLE.id and indicator in indicators
                and indicators[indicator].type.counts_na_as_zero()}
        return found

    def put(self, stored: StoredValue) -> None:
        """Remember a figure just written (or forget it when `stored` has no row)."""
        self._by_entity_year.setdefault((stored.entity, stored.year), {})[stored.indicator] = \
            stored
        self._derived.pop((stored.entity, stored.year), None)
        self._own.pop((stored.entity, stored.year), None)
        self._zeros.pop((stored.entity, stored.year), None)

    def add(self, values: dict[tuple[str, str, int], StoredValue]) -> None:
        """Remember more stored figures (keyed as in the constructor): as `put` does each,
        what was worked out from an entity and year forgotten once for all its figures."""
        rows = self._by_entity_year
        touched: set[tuple[str, int]] = set()
        for (entity, indicator, year), value in values.items():
            key = (entity, year)
            found = rows.get(key)
            if found is None:
                found = rows[key] = {}
            found[indicator] = value
            touched.add(key)
        for key in touched:
            self._derived.pop(key, None)
            self._own.pop(key, None)
            self._zeros.pop(key, None)

    def add_rows(self, entity: str, rows: Mapping[int, dict[str, StoredValue]]) -> None:
        """`add` for one entity's figures by year and then indicator (as
        `Store.rows_of` reads them): each year's rows taken as they are where none were held.
        The book owns the dicts given from then on."""
        held = self._by_entity_year
        for year, found in rows.items():
            key = (entity, year)
            there = held.get(key)
            if there is None:
                held[key] = found
            else:
                there.update(found)
            self._derived.pop(key, None)
            self._own.pop(key, None)
            self._zeros.pop(key, None)

    def emptied(self) -> Iterator[None]:
        """Forget every figure, a part between steps (see `emptied`): read nothing from it
        meanwhile. The figures go with their rows, an entity and year at a time, each
        row's dict freeing its figures in one go (a group's figures taken one by one took
        twice as long to free)."""
        for held, count in ((self._by_entity_year, 8), (self._own, 8), (self._derived, 8),
                            (self._zeros, 64)):
            yield from emptied(held, count)

    def drop(self, entity: str, indicator: str, year: int) -> None:
        self._by_entity_year.get((entity, year), {}).pop(indicator, None)
        self._derived.pop((entity, year), None)
        self._own.pop((entity, year), None)
        self._zeros.pop((entity, year), None)
        self._unreadable.discard((entity, indicator, year))
