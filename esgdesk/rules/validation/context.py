"""What a rule reads while validating: the figures of one reporting year of an entity's tree
(and the year before), the catalogue's rules read once, and how a finding is made."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache

from esgdesk.model.assurance import Mark
from esgdesk.model.catalogue import Catalogue, Indicator, Label, Table
from esgdesk.model.types import ValueRefused
from esgdesk.rules.consolidate import Consolidation, additive_terms
from esgdesk.rules.factor_values import FactorValues
from esgdesk.rules.figures import FigureBook, rounded
from esgdesk.rules.validation.finding import Finding, number_text
from esgdesk.storage.store import Store, StoredValue

SUBMITTED = ("submitted", "approved", "locked")  # a request's figures are in: missing is per cell


@lru_cache(maxsize=8)
def _home_tables(catalogue: Catalogue) -> dict[str, Table]:
    """The home table of every numeric figure that is typed in, found once per catalogue
    (an export and every check of a year make a validator)."""
    return {spec.id: catalogue.home_table(spec.id) for spec in catalogue.indicators.values()
            if not spec.derived and spec.type.numeric}


@lru_cache(maxsize=8)
def _derived_dependents(catalogue: Catalogue) -> dict[str, set[str]]:
    """For each indicator, the derived indicators computed from it (directly or not), found
    once per catalogue (an import makes a validator a file): read it, never change it."""
    direct: dict[str, set[str]] = {}
    for spec in catalogue.indicators.values():
        for ref in spec.formula.indicators if spec.formula else ():
            direct.setdefault(ref, set()).add(spec.id)
    closed: dict[str, set[str]] = {}
    for start in direct:
        seen, todo = set(), [start]
        while todo:
            for nxt in direct.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        closed[start] = seen
    return closed


class _CatalogueReads:
    """What the rules read of a catalogue (its kinds of indicator, the checks and targets
    each figure is in, the tables' groups of figures), worked out once per catalogue: an
    import makes a validator a file. Shared: read it, never change it."""

    def __init__(self, catalogue: Catalogue) -> None:
        indicators = catalogue.indicators.values()
        self.totals = [s for s in indicators
                       if s.formula is not None and not s.formula.factors
                       and additive_terms(s.formula) is not None]
        self.derived_ids = [s.id for s in indicators if s.derived]
        self.dependents = _derived_dependents(catalogue)
        self.checks_of: dict[str, list[int]] = {}
        for number, check in enumerate(catalogue.checks):
            involved = check.involved()
            for indicator in {*involved, *(d for i in involved
                                           for d in self.dependents.get(i, ()))}:
                self.checks_of.setdefault(indicator, []).append(number)
        self.targets_of: dict[str, list[str]] = {}
        for spec in indicators:
            for key in ("target", "next_target"):
                if spec.rules.get(key):
                    self.targets_of.setdefault(spec.rules[key], []).append(spec.id)
        self.typed = [s for s in indicators if not s.derived]
        self.typed_numeric = [s for s in self.typed if s.type.numeric]
        self.typed_ids = [s.id for s in self.typed]
        self.typed_numeric_ids = [s.id for s in self.typed_numeric]
        self.targeted = [s for s in self.typed if s.rules.get("target")]
        self.numeric = [s for s in indicators if s.type.numeric]
        self.numeric_derived = [s for s in self.numeric if s.derived]
        self.with_factors = [s for s in indicators
                             if s.formula is not None and s.formula.factors]
        self.quantities = [s for s in self.typed if s.type.unit_id is not None]
        self.factors_of: dict[str, list[str]] = {}  # component → computed with factors
        for spec in self.with_factors:
            for ref in {*spec.formula.indicators,  # type: ignore[union-attr]
                        *(i for i, deps in self.dependents.items() if spec.id in deps)}:
                self.factors_of.setdefault(ref, []).append(spec.id)
        self.summed = [s for s in self.typed if s.aggregation == "sum"]
        # the bounds of each typed numeric figure, and the limits of its change from the
        # year before (magnitude, small, max_change: see figure_rules.prior_years)
        self.bounds = {s.id: catalogue.bounds(s) for s in self.typed_numeric}
        self.change_limits: dict[str, tuple[Decimal, ...] | None] = {}
        for spec in self.typed_numeric:  # None: a rule not set, for _prior_year to say
            found = [catalogue.rule(spec, key) for key in ("magnitude", "small", "max_change")]
            self.change_limits[spec.id] = None if None in found else tuple(
                Decimal(str(number)) for number in found)
        self.needing_evidence = [s for s in self.typed if s.needs_evidence]
        self.missing_groups: dict[str, list[str]] = {}  # "table|department" → indicators
        self.group_of: dict[str, str] = {}
        self.group_tables: dict[str, Table] = {}
        home = _home_tables(catalogue)
        for spec in self.typed_numeric:
            table = home[spec.id]
            group = f"{table.id}|{spec.owner}"
            self.group_tables.setdefault(group, table)
            self.missing_groups.setdefault(group, []).append(spec.id)
            self.group_of[spec.id] = group


@lru_cache(maxsize=8)
def _catalogue_reads(catalogue: Catalogue) -> _CatalogueReads:
    return _CatalogueReads(catalogue)


class ValidationContext:
    """What every rule reads: one reporting year (and the year before) of an entity's tree,
    its figures (typed, consolidated, computed), the catalogue's rules read once, and how a
    finding is made. The Validator (validator.py) runs the rules on it."""

    def __init__(self, store: Store, year: int, entity: str | None = None,
                 read: bool = True,
                 held: Mapping[tuple[str, str, int], StoredValue] | None = None,
                 book: FigureBook | None = None, unread: Iterable[str] | None = None,
                 read_years: Iterable[int] | None = None) -> None:
        """`read=False` leaves the figures unread: `steps()` reads them an entity at a time;
        `held` gives figures already read (the tree's, for the year and the one before);
        `book` a FigureBook of them (it may hold more), shared rather than built again; with
        `read=False` and a book, `unread` names the entities `steps()` reads into it, for
        `read_years` (default: the year and the one before)."""
        self.store = store
        self.catalogue: Catalogue = store.edition(year)
        self.year = year
        root = store.entity(entity) if entity else store.root()
        self.tree = store.tree(year)  # the structure of the year: its siblings and parents
        self.order = self.tree.subtree(root.code)  # in tree order, the root first
        self.codes = set(self.order)
        self.children: dict[str, list[str]] = {
            code: [c.code for c in self.tree.children(code)] for code in self.codes}
        if book is not None:
            self.book = book
        else:
            # the year's entities and the year before's (its totals, compared with this one's)
            reads = self.codes | set(store.tree(year - 1).subtree(root.code))
            if held is not None:
                figures = {key: value for key, value in held.items()
                           if key[0] in reads and key[2] in (year - 1, year)}
            else:
                figures = store.figures_of(reads, (year - 1, year)) if read else {}
            self.book = FigureBook(self.catalogue, figures, FactorValues(store))
        # Every figure of every entity: typed, consolidated from the children or computed.
        self.figures = Consolidation(store, (year - 1, year), root.code, book=self.book,
                                     catalogue=self.catalogue)
        self.names = store.tree().names()
        # `number`, asked hundreds of thousands of times by a group's rules, without a call
        # in between
        self.number = self.figures.whole  # type: ignore[method-assign]
        # What the rules read of the catalogue, worked out once for it (see _CatalogueReads).
        reads = _catalogue_reads(self.catalogue)
        self._totals, self._derived_ids = reads.totals, reads.derived_ids
        self._dependents, self._checks_of = reads.dependents, reads.checks_of
        self._targets_of, self._typed = reads.targets_of, reads.typed
        self._typed_numeric, self._targeted = reads.typed_numeric, reads.targeted
        self._typed_ids, self._typed_numeric_ids = reads.typed_ids, reads.typed_numeric_ids
        self._numeric, self._numeric_derived = reads.numeric, reads.numeric_derived
        self._with_factors, self._quantities = reads.with_factors, reads.quantities
        self._factors_of, self._summed = reads.factors_of, reads.summed
        self.missing_groups, self._group_of = reads.missing_groups, reads.group_of
        self.group_tables = reads.group_tables
        self.all_bounds, self.change_limits = reads.bounds, reads.change_limits
        # The figures whose catalogue asks for a document behind them, and those of the tree
        # that have one (read when first asked, again after evidence changes).
        self._needing_evidence = reads.needing_evidence
        self._evidenced: set[tuple[str, str]] | None = None
        self._marks: dict[str, dict[str, Mark]] | None = None  # a verifier's, by entity
        self._read = read
        self._unread = list(unread) if unread is not None else None
        self._read_years = tuple(read_years) if read_years is not None \
            else (year - 1, year)
        self._rule_numbers: dict[tuple[str, str], Decimal] = {}
        self._bounds_of: dict[str, tuple[Decimal, Decimal | None]] = {}
        self.parsed: dict[tuple[str, str], ValueRefused | None] = {}  # see `refused`
        self.peer_heads: dict[tuple[str, str], list[Decimal]] = {}  # (parent, indicator)
        self.results: dict[tuple[str, str, str], list[Finding]] = {}  # rule, entity, subject
        self.evaluated = 0  # entities whose rules `steps()` has run (it reads them all first)
        # (entity, department) whose request is submitted: their missing figures are
        # reported one by one; while a year is being filled, one finding per table does.
        self.submitted: set[tuple[str, str]] = {
            (r.entity, r.department) for r in store.requests(year, self.codes)
            if r.status in SUBMITTED}

    # -- figures --------------------------------------------------------------
    def evidenced(self, entity: str, indicator: str) -> bool:
        """Whether a document is attached to the figure (of the year validated)."""
        if self._evidenced is None:
            self._evidenced = {(a.entity, a.indicator)
                               for a in self.store.attachments(self.year, self.codes)}
        return (entity, indicator) in self._evidenced

    def marks(self, entity: str) -> dict[str, Mark]:
        """A verifier's latest mark on each of an entity's figures of the year, by
        indicator."""
        if self._marks is None:
            self._marks = {}
            for mark in self.store.marks_of_years({self.year}):
                if mark.entity in self.codes and mark.indicator in self.catalogue.indicators:
                    self._marks.setdefault(mark.entity, {})[mark.indicator] = mark
        return self._marks.get(entity, {})

    def stored(self, entity: str, indicator: str, year: int) -> StoredValue | None:
        return self.book.stored(entity, indicator, year)

    def number(self, entity: str, indicator: str, year: int) -> Decimal | None:
        """A figure of any entity, when it is whole: stored, consolidated or computed."""
        return self.figures.whole(entity, indicator, year)

    def note(self, entity: str, indicator: str, year: int) -> str:
        stored = self.stored(entity, indicator, year)
        return stored.note if stored is not None else ""


    def finding(self, severity: str, rule: str, entity: str, ids: Iterable[str],
                zh: str, en: str, explained_by: str | None = None) -> Finding:
        ids = tuple(ids)
        values = {}
        for iid in ids:
            number = self.number(entity, iid, self.year)
            if number is not None:
                values[iid] = number_text(number)
            else:
                stored = self.stored(entity, iid, self.year)
                if stored is not None and stored.value is not None:
                    values[iid] = stored.value
        explanation = self.note(entity, explained_by or ids[0], self.year)
        return Finding(severity, rule, entity, self.year, ids, values, Label(zh, en),
                       explanation)

    def show(self, indicator: str, number: Decimal | None) -> str:
        """A number as the report prints this indicator (1,226 · 29.86 · 99.00)."""
        if number is None:
            return "—"
        spec = self.catalogue.indicators[indicator]
        return spec.type.format(str(rounded(spec, number)))

    def refused(self, spec: Indicator, text: str) -> ValueRefused | None:
        """Why a stored text is not a value of its indicator's type, or None; each distinct
        text of an indicator is parsed once (a group repeats many figures)."""
        key = (spec.id, text)  # an indicator has one type, and its id hashes at once
        if key in self.parsed:
            return self.parsed[key]
        try:
            spec.type.parse(text)
            found = None
        except ValueRefused as exc:
            found = exc
        self.parsed[key] = found
        return found

    def rule_number(self, spec: Indicator, key: str) -> Decimal:
        """An indicator's numeric rule (or the catalogue's default), read once."""
        found = self._rule_numbers.get((spec.id, key))
        if found is None:
            found = self._rule_numbers[spec.id, key] = Decimal(str(self.catalogue.rule(spec,
                                                                                       key)))
        return found

    def bounds(self, spec: Indicator) -> tuple[Decimal, Decimal | None]:
        """The catalogue's bounds of a figure, read once."""
        found = self._bounds_of.get(spec.id)
        if found is None:
            found = self._bounds_of[spec.id] = self.catalogue.bounds(spec)
        return found

    def label(self, indicator: str) -> Label:
        return self.catalogue.indicators[indicator].label

    def missing_one_by_one(self, entity: str, spec: Indicator) -> bool:
        """Missing figures are reported one by one once the department's request for the
        entity is submitted; while the year is being filled, one finding per table does
        (see figure_rules.missing)."""
        return (entity, spec.owner) in self.submitted

    def is_missing(self, entity: str, indicator: str) -> bool:
        """Typed here, held last year, and neither a value nor an explicit state (n/a) this
        year (a parent's figure made by its children is missing where they type it)."""
        if not self.figures.takes(entity, indicator, self.year) \
                or self.number(entity, indicator, self.year - 1) is None \
                or self.number(entity, indicator, self.year) is not None:
            return False
        stored = self.stored(entity, indicator, self.year)
        return stored is None or stored.state == "value"
