"""Consolidation: a parent entity's figures from its children, by each indicator's rule.

`sum` adds the children; `formula` recomputes a ratio from consolidated components
(a percentage is never summed or averaged); `weighted_mean` weighs by another
indicator; `none` takes only the parent's own figure. A figure stored on the
parent is shown as stored (a disagreement with its children is a validation finding).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from esgdesk.model.catalogue import Catalogue
from esgdesk.rules.figures import FigureBook, derive
from esgdesk.storage.store import Store


class Consolidation:
    """Consolidated numbers for every entity of a tree, for some years (computed on demand)."""

    def __init__(self, store: Store, years: Iterable[int], root: str | None = None) -> None:
        self.store = store
        self.years = tuple(years)
        # The figures of every year are read by the rows of the latest year's edition.
        self.catalogue: Catalogue = store.edition(max(self.years)) if self.years \
            else store.catalogue
        top = store.entity(root) if root else store.root()
        tree = store.tree()
        self.children: dict[str, list[str]] = {
            code: [c.code for c in tree.children(code)] for code in tree.subtree(top.code)}
        self.book = FigureBook(self.catalogue, store.figures_of(self.children, self.years))
        self._cache: dict[tuple[str, int], dict[str, Decimal]] = {}

    def figures(self, entity: str, year: int) -> dict[str, Decimal]:
        """Every numeric figure of an entity for a year: stored, consolidated or computed."""
        key = (entity, year)
        if key in self._cache:
            return self._cache[key]
        children = [self.figures(child, year) for child in self.children.get(entity, [])]
        own = {i: n for i in self.catalogue.indicators
               if not self.catalogue.indicators[i].derived
               and (n := self.book.number(entity, i, year)) is not None}
        result: dict[str, Decimal] = dict(own)
        for spec in self.catalogue.indicators.values():
            if spec.derived or spec.id in own or not spec.type.numeric or not children:
                continue
            if spec.aggregation == "sum":
                parts = [c[spec.id] for c in children if spec.id in c]
                if parts:
                    result[spec.id] = sum(parts, Decimal(0))
            elif spec.aggregation == "weighted_mean" and spec.weight:
                pairs = [(c[spec.id], c[spec.weight]) for c in children
                         if spec.id in c and spec.weight in c]
                weight = sum((w for _, w in pairs), Decimal(0))
                if pairs and weight:
                    result[spec.id] = sum((v * w for v, w in pairs), Decimal(0)) / weight
        result.update(derive(self.catalogue, result))  # ratios from consolidated components
        self._cache[key] = result
        return result

    def text(self, entity: str, indicator: str, year: int) -> str | None:
        """A text or yes/no figure: only ever the entity's own."""
        stored = self.book.stored(entity, indicator, year)
        return stored.value if stored is not None else None
