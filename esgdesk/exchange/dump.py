"""The long-format dump: one row per figure, stored or computed, for scripts and comparisons."""

from __future__ import annotations

from typing import Any

from esgdesk.model.catalogue import Indicator
from esgdesk.model.states import written_state
from esgdesk.rules.figures import FigureBook, rounded
from esgdesk.storage.store import Store

COLUMNS = ("entity", "year", "indicator", "value", "state", "unit", "status", "note")


def dump_rows(store: Store, lang: str = "zh") -> list[dict[str, Any]]:
    """Every stored figure, and every derived figure computable from them, in long format
    (the keys of COLUMNS; `state` is "n/a" or "not available" for a figure marked so, with
    an empty value), ordered by entity (as the store lists them), year and catalogue
    order."""
    stored = {(v.entity, v.indicator, v.year): v for v in store.all_values()}
    years = sorted({v.year for v in stored.values()})
    editions = {year: store.edition(year) for year in years}  # what each year's figures mean
    order: dict[str, int] = {}
    for year in reversed(years):
        for iid in editions[year].indicators:
            order.setdefault(iid, len(order))
    rows: list[dict[str, Any]] = []
    for value in stored.values():
        catalogue = editions[value.year]
        spec = catalogue.indicators.get(value.indicator) or catalogue.retired.get(value.indicator)
        if spec is not None:
            order.setdefault(spec.id, len(order))
            rows.append(_row(spec, value.entity, value.year, value.value,
                             written_state(value.state), value.status, value.note, lang))
    by_year: dict[int, dict[tuple[str, str, int], Any]] = {}
    for key, value in stored.items():
        by_year.setdefault(key[2], {})[key] = value
    books = {year: FigureBook(editions[year], by_year[year]) for year in years}
    for entity, year in {(v.entity, v.year) for v in stored.values()}:
        catalogue, book = editions[year], books[year]
        for iid, number in book.derived(entity, year).items():
            indicator = catalogue.indicators[iid]
            rows.append(_row(indicator, entity, year, str(rounded(indicator, number)), "",
                             "computed", indicator.formula.text if indicator.formula else "",
                             lang))
    entity_order = {e.code: n for n, e in enumerate(store.entities())}
    rows.sort(key=lambda r: (entity_order[r["entity"]], r["year"], order[r["indicator"]]))
    return rows


def _row(indicator: Indicator, entity: str, year: int, value: str | None, state: str,
         status: str, note: str, lang: str) -> dict[str, Any]:
    return dict(zip(COLUMNS, (entity, year, indicator.id, value, state, indicator.unit(lang),
                              status, note), strict=True))
