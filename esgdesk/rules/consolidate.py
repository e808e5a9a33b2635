"""Consolidation: every numeric figure of every entity of a tree, complete or saying what is
missing.

An indicator is typed where the catalogue says (`entered_at`: the sites, the companies or
the group; see EntityTree.takes). Above that level an entity's figure is its children's,
by the indicator's rule: `sum` adds them; `weighted_mean` weighs them by another indicator;
`none` consolidates nothing. A computed figure is worked out from its components: at each
entity with its own factors and summed over the children (`sum`), or recomputed from the
consolidated components (`formula`: a ratio or intensity is never summed or averaged).

A figure with any input missing is *incomplete*: its `Figure` keeps what the inputs present
add up to and names every (entity, indicator) missing, so that no total is ever shown
smaller as if it were whole. A figure stored on a parent (the printed history, a late
correction) is shown as stored; `from_children` gives what its children add up to, for the
validator to compare.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from esgdesk.model.catalogue import Catalogue, Indicator
from esgdesk.model.entities import ENTRY_LEVELS, EntityInfo, EntityTree
from esgdesk.model.formula import FACTOR, Formula
from esgdesk.model.states import NOT_APPLICABLE, VALUE
from esgdesk.rules.factor_values import FactorValues
from esgdesk.rules.figures import FigureBook, derived_order, emptied
from esgdesk.storage.store import Store

Missing = tuple[tuple[str, str], ...]  # (entity, indicator or "factor.<id>")
NOTHING: Missing = ()


class Figure(NamedTuple):
    """A figure as a number, and what is missing for it to be whole (nothing: complete)."""

    number: Decimal | None
    missing: Missing = NOTHING

    @property
    def complete(self) -> bool:
        return self.number is not None and not self.missing

    @property
    def partial(self) -> bool:
        """Some of its inputs are there and some missing: what is there is not the figure."""
        return self.number is not None and bool(self.missing)


NONE = Figure(None)  # no figure, and none expected (n/a, or not kept at this level)


def whole_number(figure: Figure | None) -> Decimal | None:
    """A figure's number when it is complete, else None (as `Consolidation.whole` gives
    it, for a figure taken from a table)."""
    return None if figure is None or figure.missing else figure.number


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except ArithmeticError:
        return None


def _joined(parts: Iterable[Missing]) -> Missing:
    found: dict[tuple[str, str], None] = {}
    for part in parts:
        found.update(dict.fromkeys(part))
    return tuple(found)


# The children a parent counts for a figure: each one's share of it (None: all of it) and
# its figures.
Parts = list[tuple[Decimal | None, dict[str, Figure]]]


def _summed(indicator: str, parts: Parts) -> Figure:
    """The children's figures added up, each counted at its share: the sum of those present,
    incomplete if any is (a group's root adds hundreds of children's, so no Figure is made
    for each child's share)."""
    numbers: list[Decimal] = []
    missing: list[Missing] = []
    for share, figures in parts:
        figure = figures[indicator]
        number = figure.number
        if number is not None:
            numbers.append(number if share is None else number * share)
        if figure.missing:
            missing.append(figure.missing)
    if not numbers:
        return Figure(None, _joined(missing)) if missing else NONE
    return Figure(sum(numbers, Decimal(0)), _joined(missing))


ONE = Decimal(1)
ZERO = Decimal(0)
APPROACH = "consolidation"  # the method's choice of approach (resources/method.toml)
OPERATIONAL_CONTROL, EQUITY_SHARE = "operational_control", "equity_share"


def consolidation_approach(factors: FactorValues, root: str) -> str:
    """The consolidation approach the method chooses: operational control (the default) or
    equity share."""
    from esgdesk.model.method import choices

    choice = choices().get(APPROACH)
    return factors.option(choice, root).id if choice is not None else OPERATIONAL_CONTROL


def share_of(entity: EntityInfo, approach: str) -> Decimal:
    """The part of an entity's figures its parent counts: under operational control all of
    them where the group controls it and none where it does not; under equity share the
    group's share (all of them where none is given)."""
    if approach == EQUITY_SHARE:
        return Decimal(entity.equity_share) / 100 if entity.equity_share else ONE
    return ONE if entity.control else Decimal(0)


class Consolidation:
    """Numeric figures of every entity of a tree for some years, computed on demand.

    `book` gives the stored figures (read here from the store when not given); `tree` the
    structure. A table of an (entity, year) is worked out once, all its indicators together;
    a figure asked for alone is worked out alone, through the tree for that figure (a form
    shows a few of a group's); `forget` drops what a changed figure touches."""

    def __init__(self, store: Store, years: Iterable[int], root: str | None = None,
                 book: FigureBook | None = None, catalogue: Catalogue | None = None) -> None:
        self.store = store
        self.years = tuple(years)
        # The figures of every year are read by the rows of the latest year's edition.
        self.catalogue: Catalogue = catalogue or (
            store.edition(max(self.years)) if self.years else store.catalogue)
        # Every entity ever held, for the figures read; each year's own children below.
        self.tree: EntityTree = store.tree()
        top = store.entity(root) if root else store.root()
        self.root = top.code
        # Those under it in any year of the consolidation (one moved away since included).
        trees = [store.tree(year) for year in self.years]
        self.codes = list(dict.fromkeys([*self.tree.subtree(top.code), *(
            code for tree in trees if tree is not self.tree and top.code in tree
            for code in tree.subtree(top.code))]))
        self.children: dict[str, list[str]] = {
            code: [c.code for c in self.tree.children(code)] for code in self.codes}
        self._children_of_year: dict[int, dict[str, list[str]]] = {}
        self.factors = book.factors if book is not None and book.factors is not None \
            else FactorValues(store)
        self._approach: str | None = None
        self._shares_of: dict[str, Decimal] | None = None
        self.book = book if book is not None else FigureBook(
            self.catalogue, store.figures_of(self.codes, self.years), self.factors)
        # Where a figure is typed, in the latest structure and in each year's (a company
        # whose only site moved away types the sites' figures only from that year on).
        self._takes, self._applies = self._levels(self.tree)
        self._levels_of_year: dict[int, tuple[dict[str, set[str]], dict[str, set[str]]]] = {}
        self._trees: dict[int, EntityTree] = {}
        self._cache: dict[tuple[str, int], dict[str, Figure]] = {}  # whole tables
        self._some: dict[tuple[str, int], _SomeFigures] = {}  # figures asked for one by one
        indicators = self.catalogue.indicators.values()
        typed = [s for s in indicators if not s.derived and s.type.numeric]
        # weighted means last: they weigh by consolidated figures
        self._typed = [s for s in typed if s.aggregation != "weighted_mean"] + \
            [s for s in typed if s.aggregation == "weighted_mean"]
        self._derived = derived_order(self.catalogue)
        # where each typed indicator is typed (a validation asks it of every figure)
        self._entered_at = {s.id: s.entered_at for s in indicators if not s.derived}
        self._leaves = {s.id: self._typed_leaves(s) for s in self._derived}
        # the entry level of each of a computed figure's typed leaves: a child has it where
        # it has them all (None: a leaf the catalogue lacks, which no child has)
        self._leaf_levels: dict[str, tuple[str, ...] | None] = {}
        for spec in self._derived:
            leaves = [self._entered_at.get(leaf) for leaf in self._leaves[spec.id]]
            self._leaf_levels[spec.id] = None if None in leaves else tuple(
                dict.fromkeys(leaves))  # type: ignore[arg-type]
        self._numeric = {s.id: s for s in (*self._typed, *self._derived)}  # a table's keys

    @property
    def approach(self) -> str:
        """The consolidation approach the method chooses (see consolidation_approach)."""
        if self._approach is None:
            self._approach = consolidation_approach(self.factors, self.root)
        return self._approach

    @property
    def _shares(self) -> dict[str, Decimal]:
        """The part of each entity's figures its parent counts (see share_of), worked out
        when a parent first counts its children. Where every entity is controlled and held
        whole, each counts whole under either approach: the method is not read for it."""
        if self._shares_of is None:
            entities = list(self.tree)
            whole = all(e.control and not e.equity_share for e in entities)
            self._shares_of = {e.code: ONE if whole else share_of(e, self.approach)
                               for e in entities}
        return self._shares_of

    def _levels(self, tree: EntityTree) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """For each entry level, the entities of a tree that type its figures, and those with
        figures of it at all (those that type them and their ancestors)."""
        codes = set(self.codes)
        takes = {level: set(tree.taking(level) & codes) for level in ENTRY_LEVELS}
        applies: dict[str, set[str]] = {}
        by_code = tree.by_code
        for level in ENTRY_LEVELS:
            found = set(takes[level])
            above: set[str] = set()  # the ancestors found so far, and so theirs too
            for code in takes[level]:
                info = by_code[code]
                # up the parent chain (as tree.ancestors) until a part already walked
                while info.parent is not None and info.parent not in above \
                        and info.parent != code:
                    above.add(info.parent)
                    parent = by_code.get(info.parent)
                    if parent is None:
                        break
                    found.add(parent.code)
                    info = parent
            applies[level] = found & codes
        return takes, applies

    def _in_year(self, year: int | None) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Where figures are typed and held in a year's structure (the latest for None)."""
        if year is None:
            return self._takes, self._applies
        found = self._levels_of_year.get(year)
        if found is None:
            tree = self._tree_of(year)
            found = self._levels_of_year[year] = (self._takes, self._applies) \
                if tree is self.tree else self._levels(tree)  # the same tree: the same levels
        return found

    def _typed_leaves(self, spec: Indicator) -> tuple[str, ...]:
        leaves: list[str] = []
        for ref in spec.formula.indicators if spec.formula else ():
            part = self.catalogue.indicators.get(ref)
            if part is not None and part.derived:
                leaves.extend(self._typed_leaves(part))
            else:
                leaves.append(ref)
        return tuple(dict.fromkeys(leaves))

    # -- where figures are kept ---------------------------------------------------
    def takes(self, entity: str, indicator: str, year: int | None = None) -> bool:
        """Whether the indicator is typed at this entity (see EntityTree.takes), in a year's
        structure (the latest when no year is given)."""
        level = self._entered_at.get(indicator)
        return level is not None and entity in self._in_year(year)[0].get(level, ())

    def typed_at(self, entity: str, year: int | None = None) -> set[str]:
        """The indicators typed at an entity (see `takes`), all at once."""
        taken = self._in_year(year)[0]
        levels = {level for level, codes in taken.items() if entity in codes}
        return {i for i, level in self._entered_at.items() if level in levels}

    def applies(self, entity: str, indicator: str, year: int | None = None) -> bool:
        """Whether the entity has the figure at all: typed there or consolidated there."""
        spec = self.catalogue.indicators.get(indicator)
        if spec is None:
            return False
        if spec.derived:
            return all(self.applies(entity, ref, year) for ref in self._leaves[spec.id])
        return entity in self._in_year(year)[1].get(spec.entered_at, ())

    def entering(self, entity: str, indicator: str, year: int | None = None) -> list[str]:
        """The entities at or under `entity` where the indicator is typed."""
        spec = self.catalogue.indicators[indicator]
        takes = self._in_year(year)[0][spec.entered_at]
        tree = self.tree if year is None else self._tree_of(year)
        return [c for c in tree.subtree(entity) if c in takes] if entity in tree else []

    def _tree_of(self, year: int) -> EntityTree:
        found = self._trees.get(year)
        if found is None:
            found = self._trees[year] = self.store.tree(year)
        return found

    # -- figures --------------------------------------------------------------------
    def figure(self, entity: str, indicator: str, year: int) -> Figure:
        return self._figures_so_far(entity, year).get(indicator, NONE)  # type: ignore[return-value]

    def whole(self, entity: str, indicator: str, year: int) -> Decimal | None:
        """A figure's number when it is complete (stored, consolidated or computed), else
        None: `figure` without the Figure, for the validator's many questions."""
        found = self._cache.get((entity, year))
        if found is None:
            found = self.table(entity, year)
        figure = found.get(indicator)
        return None if figure is None or figure.missing else figure.number

    def figures(self, entity: str, year: int) -> dict[str, Decimal]:
        """The complete numeric figures of an entity for a year: stored, consolidated or
        computed (an incomplete one is left out: see `incomplete`)."""
        return {i: f.number for i, f in self.table(entity, year).items()  # type: ignore[misc]
                if f.complete}

    def incomplete(self, entity: str, year: int) -> dict[str, Figure]:
        """The figures of an entity and year of which some inputs are there and some missing
        (see Figure.partial)."""
        return {i: f for i, f in self.table(entity, year).items() if f.partial}

    def text(self, entity: str, indicator: str, year: int) -> str | None:
        """A text or yes/no figure: only ever the entity's own."""
        stored = self.book.stored(entity, indicator, year)
        return stored.value if stored is not None else None

    def take_worked_out(self, other: Consolidation) -> None:
        """Take the figures another consolidation of the same tree, book and catalogue has
        worked out (a validation's) for the years both hold, rather than work them out
        again: opening a group, the forms would otherwise consolidate it once more."""
        if other.book is not self.book or other.catalogue is not self.catalogue \
                or other.root != self.root or other.approach != self.approach \
                or set(other.codes) != set(self.codes):
            return
        for (entity, year), table in other._cache.items():
            if year in self.years:
                self._cache.setdefault((entity, year), table)  # never changed in place

    def emptied(self) -> Iterator[None]:
        """Forget every figure worked out, a few entities' between steps (see
        figures.emptied)."""
        self._some.clear()
        yield from emptied(self._cache, 4)

    def forget_all(self) -> None:
        """Work out every figure again (more figures were read)."""
        self._cache.clear()
        self._some.clear()

    def forget(self, entity: str, year: int) -> None:
        """Work out again an entity's figures and its ancestors' (one of them changed)."""
        for code in (entity, *(a.code for a in self.tree.ancestors(entity))):
            self._cache.pop((code, year), None)
            self._some.pop((code, year), None)

    def children_in(self, entity: str, year: int) -> list[str]:
        """The children an entity consolidates in a year: those held then, under it then
        (an entity acquired in 2024 counts from 2024; one closed counts in its years only),
        and, under the operational control approach, those the group controls."""
        found = self._children_of_year.get(year)
        if found is None:
            tree = self._tree_of(year)
            found = self._children_of_year[year] = {
                code: [c.code for c in tree.children(code)
                       if self._shares.get(c.code, ONE) != 0]
                for code in self.codes if code in tree}
        return found.get(entity, [])

    def _counted(self, kids: list[tuple[str, dict[str, Figure]]],
                 levels: tuple[str, ...] | None, year: int) -> Parts:
        """The children that have figures at every entry level given (none for None: a
        formula reading an indicator the catalogue lacks), each with the share of its
        figures its parent counts (None: all of them) and its figures."""
        if levels is None:
            return []
        applies = self._in_year(year)[1]
        shares = self._shares
        return [(None if (share := shares.get(c, ONE)) == ONE else share, t) for c, t in kids
                if all(c in applies.get(level, ()) for level in levels)]

    def table(self, entity: str, year: int) -> dict[str, Figure]:
        """Every numeric figure of an entity for a year."""
        key = (entity, year)
        found = self._cache.get(key)
        if found is not None:
            return found
        kids = [(child, self.table(child, year)) for child in self.children_in(entity, year)]
        own = self.book.readable(entity, year)
        stored = self.book.rows(entity, year)
        # the children counted for the figures of each entry level (or levels), found once
        counted: dict[tuple[str, ...] | None, Parts] = {}

        def parts(levels: tuple[str, ...] | None) -> Parts:
            found = counted.get(levels)
            if found is None:
                found = counted[levels] = self._counted(kids, levels, year)
            return found

        result: dict[str, Figure] = {}
        takes, applies = self._in_year(year)
        make = tuple.__new__  # Figure(number), without its constructor's call in Python
        for spec in self._typed:
            number = own.get(spec.id)
            if number is not None:  # most of a group's figures: typed and stored
                result[spec.id] = make(Figure, (number, NOTHING))
            elif not kids and spec.id not in stored and entity not in takes[spec.entered_at]:
                result[spec.id] = NONE  # not typed here, and nothing below to consolidate
            else:
                result[spec.id] = self._typed_figure(entity, spec, own, stored, takes,
                                                     applies, kids and parts, result)
        numbers: list[Mapping[str, Decimal]] = []  # the entity's factors, when first needed
        for spec in self._derived:
            result[spec.id] = self._derived_figure(entity, year, spec, stored, kids and parts,
                                                   result, numbers)
        self._cache[key] = result
        self._some.pop(key, None)
        return result

    def _derived_figure(self, entity: str, year: int, spec: Indicator, stored: dict,
                        parts: Callable[[tuple[str, ...] | None], Parts] | list,
                        done: dict[str, Figure], numbers: list[Mapping[str, Decimal]],
                        ) -> Figure:
        """A computed figure of an entity (`parts`: the children counted for entry levels,
        or [] for none; `numbers`: the entity's factors once read)."""
        row = stored.get(spec.id)
        if row is not None and row.value is not None and row.state == VALUE:
            held = _number(row.value)  # a computed figure stored all the same (a database
            if held is not None:       # another program filled)
                return Figure(held)
        if parts and spec.aggregation == "sum" and not any(
                leaf in stored for leaf in self._leaves[spec.id]):
            return _summed(spec.id, parts(self._leaf_levels[spec.id]))  # type: ignore[operator]
        if not numbers:
            numbers.append(self.factors(entity, year))
        return self._computed(entity, spec, done, numbers[0])

    def _figures_so_far(self, entity: str, year: int) -> dict[str, Figure]:
        """An entity's figures of a year as `table` has them, or, until it is asked for, the
        figures worked out one at a time as they are asked for (`figure`): a form shows a
        few of a group's figures, and the first paint need not wait for all of them."""
        key = (entity, year)
        found = self._cache.get(key)
        if found is None:
            found = self._some.get(key)
            if found is None:
                found = self._some[key] = _SomeFigures(self, entity, year)
        return found

    def _work_out(self, some: _SomeFigures, spec: Indicator) -> Figure:
        """One figure of `some`'s entity and year, as `table` works it out."""
        entity, year = some.entity, some.year
        if some.kids is None:
            some.kids = [(child, self._figures_so_far(child, year))
                         for child in self.children_in(entity, year)]
            counted: dict[tuple[str, ...] | None, Parts] = {}
            kids = some.kids

            def parts(levels: tuple[str, ...] | None) -> Parts:
                found = counted.get(levels)
                if found is None:
                    found = counted[levels] = self._counted(kids, levels, year)
                return found

            some.parts = parts if kids else []
        stored = self.book.rows(entity, year)
        if not spec.derived:
            takes, applies = self._in_year(year)
            return self._typed_figure(entity, spec, self.book.readable(entity, year), stored,
                                      takes, applies, some.parts, some)
        return self._derived_figure(entity, year, spec, stored, some.parts, some,
                                    some.numbers)

    def from_children(self, entity: str, indicator: str, year: int) -> Figure:
        """What an entity's children add up to for a figure (as if it held none itself)."""
        spec = self.catalogue.indicators[indicator]
        kids = [(child, self.table(child, year)) for child in self.children_in(entity, year)]
        if not kids:
            return NONE
        if spec.derived:
            if spec.aggregation != "sum":
                return NONE
            return _summed(indicator, self._counted(kids, self._leaf_levels[indicator], year))
        return self._consolidated(spec, self._counted(kids, (spec.entered_at,), year),
                                  self.table(entity, year))

    def _typed_figure(self, entity: str, spec: Indicator, own: dict[str, Decimal],
                      stored: dict, takes: dict[str, set[str]], applies: dict[str, set[str]],
                      parts: Callable[[tuple[str, ...]], Parts] | list,
                      done: dict[str, Figure]) -> Figure:
        """A typed figure of an entity (`takes`, `applies`: its year's, see _levels;
        `parts`: the children counted for an entry level, or [] for none)."""
        number = own.get(spec.id)
        if number is not None:
            return Figure(number)
        row = stored.get(spec.id)
        if row is not None and row.state != VALUE:
            if row.state == NOT_APPLICABLE.id:
                return Figure(Decimal(0)) if spec.type.counts_na_as_zero() else NONE
            return Figure(None, ((entity, spec.id),))  # not available: a gap all the same
        if entity in takes[spec.entered_at]:
            return Figure(None, ((entity, spec.id),))
        if not parts or entity not in applies[spec.entered_at]:
            return NONE
        return self._consolidated(spec, parts((spec.entered_at,)), done)  # type: ignore[operator]

    def _consolidated(self, spec: Indicator, parts: Parts, done: dict[str, Figure]) -> Figure:
        if spec.aggregation == "sum":
            return _summed(spec.id, parts)
        if spec.aggregation == "weighted_mean" and spec.weight:
            pairs = [(t[spec.id], t.get(spec.weight, NONE)) for _share, t in parts]
            missing = _joined([*(v.missing for v, _w in pairs), *(w.missing for _v, w in pairs)])
            known = [(v.number, w.number) for v, w in pairs
                     if v.number is not None and w.number is not None]
            weight = sum((w for _v, w in known), Decimal(0))
            if not weight:
                return Figure(None, missing) if missing else NONE
            return Figure(sum((v * w for v, w in known), Decimal(0)) / weight, missing)
        return NONE

    def _computed(self, entity: str, spec: Indicator, done: dict[str, Figure],
                  numbers: Mapping[str, Decimal]) -> Figure:
        """A computed figure from the entity's figures (incomplete with its inputs)."""
        formula = spec.formula
        assert formula is not None
        if not formula.factors:  # most: every input whole, and no factor to read
            values: dict[str, Decimal] = {}
            for ref in formula.indicators:
                number, missing = done.get(ref, NONE)
                if number is None or missing:
                    break
                values[ref] = number
            else:
                result = formula.evaluate_whole(values)
                return NONE if result is None else Figure(result)  # None: a divisor of 0
        inputs = [done.get(ref, NONE) for ref in formula.indicators]
        gaps = incomplete = False  # an input without a number; one with something missing
        for found in inputs:
            if found.number is None:
                if not found.missing:
                    return NONE  # a component not kept here (or n/a): nothing to compute
                gaps = True
            if found.missing:
                incomplete = True
        missing = _joined(f.missing for f in inputs if f.missing) if incomplete else NOTHING
        if gaps and (all(f.number is None for f in inputs) or additive_terms(formula) is None):
            return Figure(None, missing)  # only a sum of lines has a partial value
        # what the formula reads: its factors (not the year's every one) and its inputs
        values = {}
        for key in _factor_keys(formula):
            value = numbers.get(key)
            if value is not None:
                values[key] = value
        for ref, found in zip(formula.indicators, inputs, strict=True):
            values[ref] = found.number if found.number is not None else ZERO
        result = formula.evaluate(values)
        if result is None:
            lacking = tuple((entity, FACTOR + f) for f in formula.factors
                            if values.get(FACTOR + f) is None)
            if lacking:
                return Figure(None, _joined([missing, lacking]))
            if missing:
                return Figure(None, missing)
            return NONE  # a divisor of zero
        return Figure(result, missing)


class _SomeFigures(dict[str, Figure]):
    """An entity's figures of a year, each worked out when first read (see
    `Consolidation._figures_so_far`); read like the dict `table` returns."""

    def __init__(self, consolidation: Consolidation, entity: str, year: int) -> None:
        super().__init__()
        self.consolidation, self.entity, self.year = consolidation, entity, year
        self.kids: list[tuple[str, dict[str, Figure]]] | None = None
        self.parts: Callable[[tuple[str, ...] | None], Parts] | list = []
        self.numbers: list[Mapping[str, Decimal]] = []

    def __missing__(self, indicator: str) -> Figure:
        spec = self.consolidation._numeric.get(indicator)
        if spec is None:
            raise KeyError(indicator)
        self[indicator] = NONE  # a formula reading itself reads nothing (checks refuse it)
        try:
            found = self.consolidation._work_out(self, spec)
        except BaseException:  # nothing kept of a figure that could not be worked out
            del self[indicator]
            raise
        self[indicator] = found
        return found

    def get(self, indicator: str, default: Figure | None = None) -> Figure | None:  # type: ignore[override]
        return self[indicator] if indicator in self.consolidation._numeric else default


@lru_cache(maxsize=512)
def _factor_keys(formula: Formula) -> tuple[str, ...]:
    """The names a formula's factors are read by ("factor.ncv.diesel")."""
    return tuple(FACTOR + f for f in formula.factors)


@lru_cache(maxsize=512)
def additive_terms(formula: Formula) -> dict[str, Decimal] | None:
    """The coefficient of each line of a formula that only adds its lines, each times a
    constant (a + b, (a + b) / 1000 + c / 3.6), or None for any other (a ratio, a product):
    found by evaluating it, so that any way of writing such a sum is recognised."""
    ids = formula.indicators
    if not ids:
        return None
    # factors are constants of an entity and year: 1 stands for each
    zero = {**{FACTOR + f: Decimal(1) for f in formula.factors}, **dict.fromkeys(ids, Decimal(0))}
    try:
        if formula.evaluate(zero) != 0:
            return None
        terms = {ref: formula.evaluate({**zero, ref: Decimal(1)}) for ref in ids}
        probe = {**zero, **{ref: Decimal(n + 2) for n, ref in enumerate(ids)}}
        result = formula.evaluate(probe)
    except (ArithmeticError, TypeError):
        return None
    if result is None or any(t is None for t in terms.values()):
        return None
    linear = sum((terms[ref] * probe[ref] for ref in ids), Decimal(0))  # type: ignore[operator]
    if abs(linear - result) > abs(result) * Decimal("1e-12"):
        return None
    return terms  # type: ignore[return-value]


def adds_up(indicator: Indicator) -> bool:
    """Whether the figure is a sum of non-negative parts (summed up the tree, or a formula
    adding its lines), so that what is there of it is a floor of the whole."""
    if indicator.formula is None:
        return indicator.aggregation == "sum"
    terms = additive_terms(indicator.formula)
    return indicator.aggregation == "sum" or (
        terms is not None and all(t > 0 for t in terms.values()))


def missing_words(missing: Missing, names: dict[str, tuple[str, str]],
                  catalogue: Catalogue, lang: str, most: int = 6) -> str:
    """What an incomplete figure lacks, in words ("东莞：柴油消耗量；…"), the first `most`."""
    words = []
    for entity, what in missing[:most]:
        name = names.get(entity, (entity, entity))[0 if lang == "zh" else 1]
        spec = catalogue.indicators.get(what)
        label = spec.label(lang) if spec is not None else (
            ("排放因子 " if lang == "zh" else "the factor ") + what.removeprefix(FACTOR))
        words.append(f"{name}{'：' if lang == 'zh' else ': '}{label}")
    more = len(missing) - most
    if more > 0:
        words.append(f"另 {more} 项" if lang == "zh" else f"{more} more")
    return ("；" if lang == "zh" else "; ").join(words)
