"""A target's progress against its base year: how far a figure has come down since the base
year, (base − current) ÷ base, against the reduction the target asks by its target year."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from esgdesk.model.catalogue import Catalogue, Target
from esgdesk.rules.consolidate import Consolidation
from esgdesk.storage.store import Store

HUNDRED = Decimal(100)


class Progress(NamedTuple):
    """A target's progress in a year: the base year's and the year's figures (None when not
    there or not whole), the reduction reached in per cent (None when either figure is
    missing or the base is zero), and whether it reaches the target's."""

    target: Target
    year: int
    base: Decimal | None
    current: Decimal | None
    reduced: Decimal | None  # per cent of the base year's figure; negative: it went up

    @property
    def met(self) -> bool | None:
        """The reduction asked is reached (None when it cannot be said)."""
        return None if self.reduced is None else self.reduced >= self.target.reduction

    @property
    def share(self) -> Decimal | None:
        """How much of the reduction asked is reached, in per cent (50: half way)."""
        return None if self.reduced is None else self.reduced / self.target.reduction * HUNDRED


def reduction(base: Decimal, current: Decimal) -> Decimal | None:
    """(base − current) ÷ base, in per cent; None for a base of zero."""
    return None if base == 0 else (base - current) / base * HUNDRED


def progress(target: Target, year: int, base: Decimal | None,
             current: Decimal | None) -> Progress:
    reduced = reduction(base, current) if base is not None and current is not None else None
    return Progress(target, year, base, current, reduced)


def target_progress(store: Store, catalogue: Catalogue, targets: list[Target], entity: str,
                    year: int) -> list[Progress]:
    """Each target's progress for an entity in a year, from the figures of its base year and
    of the year (stored, consolidated or computed, as the export prints them; a restated
    figure as restated), read by the rows of `catalogue`."""
    years = sorted({year, *(t.base_year for t in targets)})
    figures = Consolidation(store, years, entity, catalogue=catalogue)

    def whole(indicator: str, when: int) -> Decimal | None:
        found = figures.figure(entity, indicator, when)
        return found.number if found.complete else None

    return [progress(t, year, whole(t.indicator, t.base_year), whole(t.indicator, year))
            for t in targets]
