"""The validator: every kind of rule (see kinds) run on every subject of a reporting year's
tree, and after an edit only the rules that read the edited figure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from esgdesk.model.catalogue import Indicator
from esgdesk.rules.figures import FigureBook
from esgdesk.rules.validation.context import ValidationContext
from esgdesk.rules.validation.finding import SEVERITIES, Finding
from esgdesk.rules.validation.kinds import CHECK_RULES, RULES, RuleKind
from esgdesk.storage.store import Store, StoredValue

(TYPE_RANGE, PRIOR_YEAR, TARGET, MISSING, CONSOLIDATION, INCOMPLETE, TOTALS, FACTOR, PEER,
 EVIDENCE, ASSURANCE) = (RULES[name] for name in (
    "type_range", "prior_year", "target", "missing", "consolidation", "incomplete", "totals",
    "factor", "peer", "evidence", "assurance"))


class Validator(ValidationContext):
    """Validates one reporting year (against the year before) for an entity and its tree.

    `run()` evaluates everything; `update(written)` takes one figure as written and
    re-evaluates only the rules that read it.
    """

    # -- running ----------------------------------------------------------------
    def _evaluate(self, rule: str, entity: str, subject: str) -> None:
        """Run one kind of rule (by its name in RULES) on a subject of an entity: an
        indicator's id, a check's number or a table's missing group; keep what it found."""
        found = RULES[rule].find(self, entity, subject)
        key = (rule, entity, subject)
        if found:
            self.results[key] = found
        else:
            self.results.pop(key, None)

    def run(self) -> list[Finding]:
        """Evaluate every rule on every entity."""
        for _ in self.steps():
            pass
        return self.findings()

    def steps(self) -> Iterator[str]:
        """`run()` in small steps, each yielding the entity just read or evaluated: the
        figures read an entity at a time (unless read at construction), from the bottom of
        the tree up, and each entity's rules evaluated as soon as every figure they read is
        there (those under it in the year's structure and the year before's), so that the
        first findings come while the rest is still being read; its figures are worked out
        then, its children's already (no step consolidates a whole tree at once). The
        comparison of sibling sites waits until all the siblings are read."""
        self.results.clear()
        self.peer_heads.clear()
        self.evaluated = 0
        order, under = self._bottom_up()
        unread = [] if self._read else (
            self._unread if self._unread is not None else self.order)
        remaining = set(unread)
        if remaining:
            self.figures.forget_all()  # anything worked out before these figures are read
        walked = set(order)
        reading = [c for c in order if c in remaining] + [c for c in unread if c not in walked]
        due = [c for c in order if c in self.codes]

        def ready(code: str) -> bool:
            needs = under[code]
            return not remaining if needs is None else remaining.isdisjoint(needs)

        at = 0
        for entity in reading:
            # read an entity at a time, none of it kept on a server for when it goes away
            # (hundreds of small answers, held beside the book's own figures)
            self.book.add_rows(entity, self.store.rows_of(entity, self._read_years,
                                                          keep=False))
            remaining.discard(entity)
            yield entity
            while at < len(due) and ready(due[at]):
                self._evaluate_entity(due[at])
                at += 1
                yield due[at - 1]
        self._read = True
        for entity in due[at:]:
            self._evaluate_entity(entity)
            yield entity

    def _bottom_up(self) -> tuple[list[str], dict[str, set[str] | None]]:
        """Every entity under the root in the structures the validation reads (the year's,
        the year before's, and the latest, whose entities the forms read), each after those
        under it; and for each, itself and those under it in any of them (None where the
        structures contradict each other: it waits for every figure)."""
        trees = (self.tree, self.store.tree(self.year - 1), self.store.tree())
        order: list[str] = []
        under: dict[str, set[str] | None] = {}
        visiting: set[str] = set()

        def visit(code: str) -> None:
            visiting.add(code)
            found: set[str] | None = {code}
            for tree in trees:
                for child in tree.children(code) if code in tree else ():
                    if child.code in visiting:  # a parent of its own parent, in another year
                        found = None
                        continue
                    if child.code not in under:
                        visit(child.code)
                    below = under[child.code]
                    found = None if found is None or below is None else found | below
            visiting.discard(code)
            under[code] = found
            order.append(code)

        visit(self.order[0])
        return order, under

    def _evaluate_entity(self, entity: str) -> None:
        """Every rule on an entity, its children's comparison with each other first (they
        are all evaluated before it). The results are new (see steps): a rule that finds
        nothing has nothing to take away, and one that cannot find anything on a subject
        (a figure not stored has no type to check) is not asked."""
        found = self._found
        for child in self.children[entity]:
            for spec in self._quantities:
                found(PEER, child, spec.id)
        self._found_all(TYPE_RANGE, entity, self._typed_ids)
        self._found_all(PRIOR_YEAR, entity, self._typed_numeric_ids)
        for spec in self._targeted:
            found(TARGET, entity, spec.id)
        for number, check in enumerate(self.catalogue.checks):
            found(CHECK_RULES[check.kind], entity, str(number))
        self._found_all(MISSING, entity, self.missing_groups)
        parent = bool(self.children[entity])
        if parent:
            for spec in self._summed:
                found(CONSOLIDATION, entity, spec.id)
        for spec in self._numeric if parent else self._numeric_derived:
            found(INCOMPLETE, entity, spec.id)
        for spec in self._totals:
            found(TOTALS, entity, spec.id)
        for spec in self._with_factors:
            found(FACTOR, entity, spec.id)
        if entity == self.order[0]:  # the root's siblings are not validated with it
            for spec in self._quantities:
                found(PEER, entity, spec.id)
        for spec in self._needing_evidence:
            found(EVIDENCE, entity, spec.id)
        for indicator in self.marks(entity):
            found(ASSURANCE, entity, indicator)
        self.evaluated += 1

    def _found(self, rule: RuleKind, entity: str, subject: str) -> None:
        """Run a kind of rule on a subject for the first time since the results were new."""
        found = rule.find(self, entity, subject)
        if found:
            self.results[rule.name, entity, subject] = found

    def _found_all(self, rule: RuleKind, entity: str, subjects: Iterable[str]) -> None:
        """`_found` on many subjects of an entity at once (see RuleKind.find_each)."""
        results = self.results
        for subject, found in rule.find_each(self, entity, subjects):
            results[rule.name, entity, subject] = found

    def findings(self) -> list[Finding]:
        order = {s: n for n, s in enumerate(SEVERITIES)}
        found = [f for fs in self.results.values() for f in fs]
        return sorted(found, key=lambda f: (order[f.severity], f.entity, f.rule, f.indicators))

    def update(self, written: StoredValue) -> list[Finding]:
        """Take one figure of the reporting year as the store just wrote it (not read again)
        and re-run the rules that read it."""
        return self.update_all([written])

    def update_all(self, written: Iterable[StoredValue]) -> list[Finding]:
        """Take figures of the reporting year as the store just wrote them (or as a file
        would write them) and run once each rule that reads any of them."""
        written = list(written)
        self.peer_heads.clear()  # a figure per employee may change
        for figure in written:
            self.book.put(figure)  # the same record again where the book is shared
            self.figures.forget(figure.entity, self.year)
        due: dict[tuple[str, str, str], None] = {}
        for figure in written:
            due.update(dict.fromkeys(self._reading(figure.entity, figure.indicator)))
        # a kind that runs on many subjects at once (see RuleKind.find_each) is asked once
        # for each entity's (an imported file's figures are thousands)
        many: dict[tuple[str, str], list[str]] = {}
        for rule, entity, subject in due:
            if RULES[rule].find_all is not None:
                many.setdefault((rule, entity), []).append(subject)
            else:
                self._evaluate(rule, entity, subject)
        results = self.results
        for (rule, entity), subjects in many.items():
            found = dict(RULES[rule].find_each(self, entity, subjects))
            for subject in subjects:
                if subject in found:
                    results[rule, entity, subject] = found[subject]
                else:
                    results.pop((rule, entity, subject), None)
        return self.findings()

    def _indicator_rules(self, entity: str, spec: Indicator) -> list[tuple[str, str, str]]:
        """The rules run on a typed figure itself, as (rule, entity, subject)."""
        found = [("type_range", entity, spec.id), ("prior_year", entity, spec.id)]
        if spec.rules.get("target"):
            found.append(("target", entity, spec.id))
        return found

    def _check_rule(self, entity: str, number: int) -> tuple[str, str, str]:
        return CHECK_RULES[self.catalogue.checks[number].kind].name, entity, str(number)

    def _reading(self, entity: str, indicator: str) -> list[tuple[str, str, str]]:
        """The rules that read a figure of an entity, as (rule, entity, subject), in the
        order they are run."""
        due: list[tuple[str, str, str]] = []
        spec = self.catalogue.indicators[indicator]
        if not spec.derived:
            due.extend(self._indicator_rules(entity, spec))
        if spec.needs_evidence:
            due.append(("evidence", entity, indicator))
        touched = [indicator, *self._dependents.get(indicator, ())]
        for code in [entity, *(a.code for a in self.tree.ancestors(entity))]:
            if code not in self.codes:
                break
            if code != entity and not spec.derived:
                due.extend(self._indicator_rules(code, spec))
            for iid in touched:
                touched_spec = self.catalogue.indicators[iid]
                if touched_spec.type.numeric and (touched_spec.derived or self.children[code]):
                    due.append(("incomplete", code, iid))
            for total in self._totals:
                if total.id in touched:
                    due.append(("totals", code, total.id))
            if code != entity:
                due.extend(self._check_rule(code, n) for n in self._checks_of.get(indicator, ()))
        if indicator in self._group_of:
            due.append(("missing", entity, self._group_of[indicator]))
        due.extend(("target", entity, actual) for actual in self._targets_of.get(indicator, ()))
        due.extend(self._check_rule(entity, n) for n in self._checks_of.get(indicator, ()))
        due.extend(("factor", entity, c) for c in self._factors_of.get(indicator, ()))
        if spec.type.unit_id is not None and not spec.derived:
            parent = self.tree.get(entity).parent if self.tree.get(entity) else None
            for sibling in self.children.get(parent, [entity]) if parent else [entity]:
                due.append(("peer", sibling, indicator))
        if spec.aggregation == "sum":
            for code in [entity, *(a.code for a in self.tree.ancestors(entity))]:
                if code not in self.codes:
                    break
                if self.children[code]:
                    due.append(("consolidation", code, indicator))
        return due

    def update_evidence(self, entity: str, indicator: str) -> list[Finding]:
        """A document was attached to a figure, or removed from it: read which figures have
        one again and re-run the rule that asks for them on this one."""
        self._evidenced = None
        spec = self.catalogue.indicators.get(indicator)
        if spec is not None and spec.needs_evidence and entity in self.codes:
            self._evaluate("evidence", entity, indicator)
        return self.findings()


def validate(store: Store, year: int, entity: str | None = None,
             held: Mapping[tuple[str, str, int], StoredValue] | None = None,
             book: FigureBook | None = None) -> list[Finding]:
    """Every finding for a reporting year, for an entity and everything under it (`held`:
    the tree's figures when the caller has read them already; `book`: a FigureBook of them)."""
    return Validator(store, year, entity, held=held, book=book).run()
