"""Figures of one entity and year: stored values as numbers, and the derived ones computed."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from esgdesk.catalogue import Catalogue, Indicator


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
    quantum = Decimal(1).scaleb(-indicator.type.precision)
    return number.quantize(quantum, rounding=ROUND_HALF_UP)
