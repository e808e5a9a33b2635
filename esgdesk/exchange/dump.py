"""The long-format dump: one row per figure, stored or computed, for scripts and comparisons."""

from __future__ import annotations

from typing import Any

from esgdesk.model.catalogue import Indicator
from esgdesk.model.states import written_state
from esgdesk.rules.consolidate import Consolidation
from esgdesk.rules.figures import rounded
from esgdesk.storage.store import Store

COLUMNS = ("entity", "year", "indicator", "value", "state", "unit", "status", "note", "kind")
STORED, COMPUTED = "stored", "computed"  # the kind column: typed in, or computed


def dump_rows(store: Store, lang: str = "zh") -> list[dict[str, Any]]:
    """Every stored figure, and every computed figure (a formula's result, as the forms
    and the export show it: from the entity's figures, its children's and the year's
    factors), in long format (the keys of COLUMNS; `state` is "n/a" or "not available" for
    a figure marked so, with an empty value; `kind` says stored or computed, and a computed
    figure's note is its formula), ordered by entity (as the store lists them), year and
    catalogue order."""
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
                             written_state(value.state), value.status, value.note, lang,
                             STORED))
    entities = store.entities()
    alike: dict[str, list[int]] = {}  # years read by the same catalogue: one consolidation
    for year in years:
        alike.setdefault(editions[year].content_hash, []).append(year)
    for same in alike.values():
        consolidation = Consolidation(store, same)
        computed = [i for i in editions[same[0]].indicators.values() if i.formula is not None]
        for entity, year in ((e, y) for y in same for e in entities):
            figures = consolidation.figures(entity.code, year)
            for indicator in computed:
                number = figures.get(indicator.id)
                if number is None or (entity.code, indicator.id, year) in stored:
                    continue
                assert indicator.formula is not None
                rows.append(_row(indicator, entity.code, year,
                                 str(rounded(indicator, number)), "", "computed",
                                 indicator.formula.text, lang, COMPUTED))
    entity_order = {e.code: n for n, e in enumerate(entities)}
    rows.sort(key=lambda r: (entity_order[r["entity"]], r["year"], order[r["indicator"]]))
    return rows


def _row(indicator: Indicator, entity: str, year: int, value: str | None, state: str,
         status: str, note: str, lang: str, kind: str) -> dict[str, Any]:
    return dict(zip(COLUMNS, (entity, year, indicator.id, value, state, indicator.unit(lang),
                              status, note, kind), strict=True))
