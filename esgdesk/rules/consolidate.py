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
from esgdesk.rules.factor_values import FactorValues
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
        self.factors = FactorValues(store)
        self.book = FigureBook(self.catalogue, store.figures_of(self.children, self.years),
                               self.factors)
        self._cache: dict[tuple[str, int], dict[str, Decimal]] = {}
        consolidated = [s for s in self.catalogue.indicators.values()
                        if not s.derived and s.type.numeric]
        self._summed = [s.id for s in consolidated if s.aggregation == "sum"]
        self._weighted = [(s.id, s.weight) for s in consolidated
                          if s.aggregation == "weighted_mean" and s.weight]
        # Computed at each entity from its own figures and factors (a site's emissions, with
        # its province's grid factor), and summed over the children at a parent.
        self._computed_sums = [s.id for s in self.catalogue.indicators.values()
                               if s.derived and s.aggregation == "sum"]

    def figures(self, entity: str, year: int) -> dict[str, Decimal]:
        """Every numeric figure of an entity for a year: stored, consolidated or computed."""
        key = (entity, year)
        if key in self._cache:
            return self._cache[key]
        children = [self.figures(child, year) for child in self.children.get(entity, [])]
        own = self.book.own(entity, year)  # each stored figure read as a number once
        result: dict[str, Decimal] = dict(own)
        if children:
            for indicator in self._summed:
                if indicator not in own:
                    parts = [c[indicator] for c in children if indicator in c]
                    if parts:
                        result[indicator] = sum(parts, Decimal(0))
            for indicator, weighed_by in self._weighted:
                if indicator not in own:
                    pairs = [(c[indicator], c[weighed_by]) for c in children
                             if indicator in c and weighed_by in c]
                    weight = sum((w for _, w in pairs), Decimal(0))
                    if pairs and weight:
                        result[indicator] = sum((v * w for v, w in pairs), Decimal(0)) / weight
        fixed: dict[str, Decimal] = {}
        if children:
            for indicator in self._computed_sums:
                parts = [c[indicator] for c in children if indicator in c]
                if parts:
                    fixed[indicator] = sum(parts, Decimal(0))
        numbers = {**self.book.zeros(entity, year), **result, **self.factors(entity, year)}
        # ratios and intensities from consolidated components, never summed
        result.update(derive(self.catalogue, numbers, fixed))
        self._cache[key] = result
        return result

    def text(self, entity: str, indicator: str, year: int) -> str | None:
        """A text or yes/no figure: only ever the entity's own."""
        stored = self.book.stored(entity, indicator, year)
        return stored.value if stored is not None else None
