"""A target's progress against its base year: how far a figure has come down since the base
year, (base − current) ÷ base, against the reduction the target asks by its target year."""

from __future__ import annotations

from collections.abc import Callable
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
    # The like-for-like boundary: the entities whose base-year figures the base leaves out,
    # no longer held (closed, sold, moved out), and those whose figures the year's leaves
    # out, held since (acquired or opened: the base year has none of theirs).
    without: tuple[str, ...] = ()
    lacking: tuple[str, ...] = ()

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
             current: Decimal | None, without: tuple[str, ...] = (),
             lacking: tuple[str, ...] = ()) -> Progress:
    reduced = reduction(base, current) if base is not None and current is not None else None
    return Progress(target, year, base, current, reduced, without, lacking)


def target_progress(store: Store, catalogue: Catalogue, targets: list[Target], entity: str,
                    year: int) -> list[Progress]:
    """Each target's progress for an entity in a year, from the figures of its base year and
    of the year (stored, consolidated or computed, as the export prints them; a restated
    figure as restated), read by the rows of `catalogue`."""
    years = sorted({year, *(t.base_year for t in targets)})
    figures = Consolidation(store, years, entity, catalogue=catalogue)

    def whole(indicator: str, when: int, code: str = entity) -> Decimal | None:
        found = figures.figure(code, indicator, when)
        return found.number if found.complete else None

    return [_on_boundary(figures, entity, t, year, whole) for t in targets]


def _on_boundary(figures: Consolidation, entity: str, target: Target, year: int,
                 whole: Callable[..., Decimal | None]) -> Progress:
    """A target's progress over a like-for-like boundary. Structural changes (an
    acquisition, a divestment) call for the base year to be recalculated: the divested
    operations left out of it, the acquired ones put in as if held all along; organic growth
    or decline is not recalculated (GHG Protocol Corporate Standard, as summarised in The
    Climate Drive's guidebook, "Recalculate your company GHG footprint", and Terrascope's
    note on divestments, mergers and acquisitions; the Standard's own text was not read).
    esgdesk cannot tell an acquisition from a site opened, nor holds an entity's figures
    for years before it counts, so: the base year's figure leaves out the entities no
    longer held (their base-year figures are known), and the year's figure leaves out those
    held since, both named where progress is printed; a coordinator who has the acquired
    entities' base-year figures keeps the restated base at the entity itself (the printed
    history, or a published figure restated), which is then read as it is. A ratio (an
    intensity) is compared as it is."""
    base, current = whole(target.indicator, target.base_year), whole(target.indicator, year)
    spec = figures.catalogue.indicators.get(target.indicator)
    if spec is None or target.kind != "absolute" or spec.aggregation != "sum":
        return progress(target, year, base, current)
    then = figures.entering(entity, target.indicator, target.base_year)
    now = figures.entering(entity, target.indicator, year)
    without = tuple(c for c in then if c not in now)
    lacking = tuple(c for c in now if c not in then)
    stored = figures.book.stored(entity, target.indicator, target.base_year)
    kept = stored is not None and (stored.value is not None or stored.published is not None)
    if kept or not (without or lacking):
        return progress(target, year, base, current)

    def less(total: Decimal | None, codes: tuple[str, ...], when: int) -> Decimal | None:
        for code in codes:
            part = whole(target.indicator, when, code)
            total = None if part is None or total is None else total - part
        return total

    return progress(target, year, less(base, without, target.base_year),
                    less(current, lacking, year), without, lacking)
