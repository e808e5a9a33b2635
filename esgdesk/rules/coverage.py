"""How a year's edition covers the frameworks it reports under: each disclosure covered (an
indicator mapped to it holds a figure), collected but empty (indicators are mapped to it, none
holds one yet), or not covered (no indicator is mapped to it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from esgdesk.model.catalogue import Catalogue
from esgdesk.model.frameworks import Disclosure, Framework, framework, framework_ids, refs_of

if TYPE_CHECKING:
    from esgdesk.storage.store import Store

COVERED, EMPTY, NOT_COVERED = "covered", "empty", "not_covered"
STATE_WORDS = {COVERED: ("已覆盖", "covered"), EMPTY: ("已收集，尚无数据", "collected, empty"),
               NOT_COVERED: ("未覆盖", "not covered")}


@dataclass(frozen=True)
class DisclosureCoverage:
    disclosure: Disclosure
    state: str  # COVERED | EMPTY | NOT_COVERED
    indicators: tuple[str, ...]  # mapped to it in the edition
    filled: tuple[str, ...]  # of those, the ones holding a figure (or a state) in the year

    def word(self, lang: str) -> str:
        zh, en = STATE_WORDS[self.state]
        return zh if lang == "zh" else en


def frameworks_used(catalogue: Catalogue) -> list[str]:
    """The frameworks an edition maps at least one indicator to."""
    return [f for f in framework_ids()
            if any(refs_of(i, f) for i in catalogue.indicators.values())]


def filled_indicators(store: Store, year: int, catalogue: Catalogue) -> set[str]:
    """Indicators holding a figure or a state (n/a, not available) in a year for any entity;
    a derived one when every figure its formula reads is held."""
    held = {indicator for (_e, indicator, _y), value
            in store.figures_of([e.code for e in store.entities()], [year]).items()
            if value.value is not None or value.state != "value"}
    for indicator in catalogue.indicators.values():
        if indicator.formula is not None and all(ref in held
                                                 for ref in indicator.formula.indicators):
            held.add(indicator.id)
    return held


def coverage(catalogue: Catalogue, framework_id: str, filled: set[str],
             ) -> list[DisclosureCoverage]:
    """Each disclosure of a framework, in its order, with its state for the edition and the
    indicators holding figures."""
    found: Framework = framework(framework_id)
    mapped: dict[str, list[str]] = {}
    for indicator in catalogue.indicators.values():
        for code in refs_of(indicator, framework_id):
            mapped.setdefault(code, []).append(indicator.id)
    rows = []
    for disclosure in found.items:
        ids = tuple(mapped.get(disclosure.code, ()))
        done = tuple(i for i in ids if i in filled)
        state = COVERED if done else EMPTY if ids else NOT_COVERED
        rows.append(DisclosureCoverage(disclosure, state, ids, done))
    return rows


def year_coverage(store: Store, year: int, framework_id: str) -> list[DisclosureCoverage]:
    catalogue = store.edition(year)
    return coverage(catalogue, framework_id, filled_indicators(store, year, catalogue))


def summary(rows: list[DisclosureCoverage]) -> dict[str, int]:
    counts = {COVERED: 0, EMPTY: 0, NOT_COVERED: 0}
    for row in rows:
        counts[row.state] += 1
    return counts
