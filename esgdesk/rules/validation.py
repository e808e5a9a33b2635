"""Validation: one engine evaluating the catalogue's rules on stored figures, giving findings.

Rule kinds: type and range; breakdowns adding up; the same figure printed twice;
a group figure against its companies and sites; typed ratios against their
components; year-over-year changes; targets; a computed figure whose factor is missing
(or whose site has no province); a site's quantity far from its sibling sites' (per
employee), which catches a unit slip in a first year. Each finding names its severity
(error blocks submission, warning needs an explanation, info), the rule, the
entity, year, indicators and numbers, and a message in zh and en.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from esgdesk.model.catalogue import Catalogue, Check, Indicator, Label, Table
from esgdesk.model.provinces import known_province
from esgdesk.model.states import STATES
from esgdesk.model.types import ValueRefused, ValueType
from esgdesk.model.words import counted
from esgdesk.rules.consolidate import Consolidation, additive_terms, missing_words
from esgdesk.rules.factor_values import FactorValues
from esgdesk.rules.figures import FigureBook, rounded
from esgdesk.storage.store import Store, StoredValue

SEVERITIES = ("error", "warning", "info")
SUBMITTED = ("submitted", "approved", "locked")  # a request's figures are in: missing is per cell


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    entity: str
    year: int
    indicators: tuple[str, ...]
    values: dict[str, str]
    message: Label
    explanation: str = ""

    @property
    def explained(self) -> bool:
        """A warning or info with an explanation note; errors stay errors."""
        return self.severity != "error" and bool(self.explanation.strip())

    @property
    def blocking(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, object]:
        return {"severity": self.severity, "rule": self.rule, "entity": self.entity,
                "year": self.year, "indicators": list(self.indicators), "values": self.values,
                "message": self.message.as_dict(), "explained": self.explained,
                "explanation": self.explanation}


def _fmt(number: Decimal | None) -> str:
    if number is None:
        return "—"
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number.normalize():,f}"


def _factor(factor: Decimal) -> str:
    """A ratio between two years, to two decimals (×11,363.30) or two significant digits
    below one (×0.009)."""
    return _fmt(factor.quantize(Decimal("0.01")) if factor >= 1 else Decimal(f"{factor:.2g}"))


@lru_cache(maxsize=8)
def _home_tables(catalogue: Catalogue) -> dict[str, Table]:
    """The home table of every numeric figure that is typed in, found once per catalogue
    (an export and every check of a year make a validator)."""
    return {spec.id: catalogue.home_table(spec.id) for spec in catalogue.indicators.values()
            if not spec.derived and spec.type.numeric}


class Validator:
    """Validates one reporting year (against the year before) for an entity and its tree.

    `run()` evaluates everything; `update(entity, indicator)` re-reads one figure
    and re-evaluates only the rules that read it.
    """

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
        self.tree = store.tree()
        self.codes = set(self.tree.subtree(root.code))
        self.children: dict[str, list[str]] = {
            code: [c.code for c in self.tree.children(code)] for code in self.codes}
        if book is not None:
            self.book = book
        else:
            if held is not None:
                figures = {key: value for key, value in held.items()
                           if key[0] in self.codes and key[2] in (year - 1, year)}
            else:
                figures = store.figures_of(self.codes, (year - 1, year)) if read else {}
            self.book = FigureBook(self.catalogue, figures, FactorValues(store))
        # Every figure of every entity: typed, consolidated from the children or computed.
        self.figures = Consolidation(store, (year - 1, year), root.code, book=self.book,
                                     catalogue=self.catalogue)
        self._names = self.tree.names()
        self._totals = [s for s in self.catalogue.indicators.values()
                        if s.formula is not None and not s.formula.factors
                        and additive_terms(s.formula) is not None]
        self._derived_ids = [s.id for s in self.catalogue.indicators.values() if s.derived]
        self._read = read
        self._unread = list(unread) if unread is not None else None
        self._read_years = tuple(read_years) if read_years is not None \
            else (year - 1, year)
        self._rule_numbers: dict[tuple[str, str], Decimal] = {}
        self._bounds_of: dict[str, tuple[Decimal, Decimal | None]] = {}
        self._parsed: dict[tuple[ValueType, str], ValueRefused | None] = {}
        self._peer_heads: dict[tuple[str, str], list[Decimal]] = {}  # (parent, indicator)
        self.results: dict[tuple[str, str, str], list[Finding]] = {}  # rule, entity, subject
        self._dependents = self._derived_dependents()
        self._checks_of: dict[str, list[int]] = {}
        for number, check in enumerate(self.catalogue.checks):
            involved = check.involved()
            for indicator in {*involved, *(d for i in involved
                                           for d in self._dependents.get(i, ()))}:
                self._checks_of.setdefault(indicator, []).append(number)
        self._targets_of: dict[str, list[str]] = {}
        for spec in self.catalogue.indicators.values():
            for key in ("target", "next_target"):
                if spec.rules.get(key):
                    self._targets_of.setdefault(spec.rules[key], []).append(spec.id)
        self._typed = [s for s in self.catalogue.indicators.values() if not s.derived]
        self._with_factors = [s for s in self.catalogue.indicators.values()
                              if s.formula is not None and s.formula.factors]
        self._quantities = [s for s in self._typed if s.type.unit_id is not None]
        self._factors_of: dict[str, list[str]] = {}  # component → computed with factors
        for spec in self._with_factors:
            for ref in {*spec.formula.indicators,  # type: ignore[union-attr]
                        *(i for i, deps in self._dependents.items() if spec.id in deps)}:
                self._factors_of.setdefault(ref, []).append(spec.id)
        self._summed = [s for s in self._typed if s.aggregation == "sum"]
        # (entity, department) whose request is submitted: their missing figures are
        # reported one by one; while a year is being filled, one finding per table does.
        self.submitted: set[tuple[str, str]] = {
            (r.entity, r.department) for r in store.requests(year)
            if r.status in SUBMITTED and r.entity in self.codes}
        self._missing_groups: dict[str, list[str]] = {}  # "table|department" → indicators
        self._group_of: dict[str, str] = {}
        self._group_tables: dict[str, Table] = {}
        home = _home_tables(self.catalogue)
        for spec in self._typed:
            if spec.type.numeric:
                table = home[spec.id]
                group = f"{table.id}|{spec.owner}"
                self._group_tables.setdefault(group, table)
                self._missing_groups.setdefault(group, []).append(spec.id)
                self._group_of[spec.id] = group

    # -- figures --------------------------------------------------------------
    def stored(self, entity: str, indicator: str, year: int) -> StoredValue | None:
        return self.book.stored(entity, indicator, year)

    def number(self, entity: str, indicator: str, year: int) -> Decimal | None:
        """A figure of any entity, when it is whole: stored, consolidated or computed."""
        number, missing = self.figures.figure(entity, indicator, year)
        return None if missing else number

    def note(self, entity: str, indicator: str, year: int) -> str:
        stored = self.stored(entity, indicator, year)
        return stored.note if stored is not None else ""

    def _derived_dependents(self) -> dict[str, set[str]]:
        """For each indicator, the derived indicators computed from it (directly or not)."""
        direct: dict[str, set[str]] = {}
        for spec in self.catalogue.indicators.values():
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

    # -- running ----------------------------------------------------------------
    def _evaluate(self, rule: str, entity: str, subject: str) -> None:
        spec = self.catalogue.indicators.get(subject)
        if rule == "type_range":
            found = self._type_range(entity, spec)
        elif rule == "prior_year":
            found = self._prior_year(entity, spec)
        elif rule == "target":
            found = self._target(entity, spec)
        elif rule == "consolidation":
            found = self._consolidation(entity, spec)
        elif rule == "missing":
            found = self._missing(entity, subject)
        elif rule == "factor":
            found = self._factor(entity, spec)
        elif rule == "peer":
            found = self._peer(entity, spec)
        elif rule == "incomplete":
            found = self._incomplete(entity, spec)
        elif rule == "totals":
            found = self._total_lines(entity, spec)
        else:
            found = self._check(entity, self.catalogue.checks[int(subject)])
        key = (rule, entity, subject)
        if found:
            self.results[key] = found
        else:
            self.results.pop(key, None)

    def _evaluate_indicator(self, entity: str, spec: Indicator) -> None:
        self._evaluate("type_range", entity, spec.id)
        self._evaluate("prior_year", entity, spec.id)
        if spec.rules.get("target"):
            self._evaluate("target", entity, spec.id)

    def run(self) -> list[Finding]:
        """Evaluate every rule on every entity."""
        for _ in self.steps():
            pass
        return self.findings()

    def steps(self) -> Iterator[str]:
        """`run()` in small steps, each yielding the entity just done: reading its figures
        (unless read at construction), then evaluating its rules once all are read."""
        self.results.clear()
        self._peer_heads.clear()
        if not self._read:
            for entity in self._unread if self._unread is not None else self.codes:
                self.book.add(self.store.figures_of([entity], self._read_years))
                yield entity
            self._read = True
            self.figures.forget_all()
        for entity in self.codes:
            for spec in self._typed:
                self._evaluate_indicator(entity, spec)
            for number in range(len(self.catalogue.checks)):
                self._evaluate("check", entity, str(number))
            for group in self._missing_groups:
                self._evaluate("missing", entity, group)
            if self.children[entity]:
                for spec in self._summed:
                    self._evaluate("consolidation", entity, spec.id)
            for spec in self.catalogue.indicators.values():
                if spec.type.numeric and (spec.derived or self.children[entity]):
                    self._evaluate("incomplete", entity, spec.id)
            for spec in self._totals:
                self._evaluate("totals", entity, spec.id)
            for spec in self._with_factors:
                self._evaluate("factor", entity, spec.id)
            for spec in self._quantities:
                self._evaluate("peer", entity, spec.id)
            yield entity

    def findings(self) -> list[Finding]:
        order = {s: n for n, s in enumerate(SEVERITIES)}
        found = [f for fs in self.results.values() for f in fs]
        return sorted(found, key=lambda f: (order[f.severity], f.entity, f.rule, f.indicators))

    def update(self, entity: str, indicator: str) -> list[Finding]:
        """Re-read one figure (of the reporting year) and re-run the rules that read it."""
        self._peer_heads.clear()  # a figure per employee may change
        stored = self.store.get(entity, self.year, indicator)
        if stored is None:
            self.book.drop(entity, indicator, self.year)
        else:
            self.book.put(stored)
        self.figures.forget(entity, self.year)
        spec = self.catalogue.indicators[indicator]
        if not spec.derived:
            self._evaluate_indicator(entity, spec)
        touched = [indicator, *self._dependents.get(indicator, ())]
        for code in [entity, *(a.code for a in self.tree.ancestors(entity))]:
            if code not in self.codes:
                break
            if code != entity and not spec.derived:
                self._evaluate_indicator(code, spec)
            for iid in touched:
                touched_spec = self.catalogue.indicators[iid]
                if touched_spec.type.numeric and (touched_spec.derived or self.children[code]):
                    self._evaluate("incomplete", code, iid)
            for total in self._totals:
                if total.id in touched:
                    self._evaluate("totals", code, total.id)
            if code != entity:
                for number in self._checks_of.get(indicator, ()):
                    self._evaluate("check", code, str(number))
        if indicator in self._group_of:
            self._evaluate("missing", entity, self._group_of[indicator])
        for actual in self._targets_of.get(indicator, ()):
            self._evaluate("target", entity, actual)
        for number in self._checks_of.get(indicator, ()):
            self._evaluate("check", entity, str(number))
        for computed in self._factors_of.get(indicator, ()):
            self._evaluate("factor", entity, computed)
        if spec.type.unit_id is not None and not spec.derived:
            parent = self.tree.get(entity).parent if self.tree.get(entity) else None
            for sibling in self.children.get(parent, [entity]) if parent else [entity]:
                self._evaluate("peer", sibling, indicator)
        if spec.aggregation == "sum":
            for code in [entity, *(a.code for a in self.tree.ancestors(entity))]:
                if code not in self.codes:
                    break
                if self.children[code]:
                    self._evaluate("consolidation", code, indicator)
        return self.findings()

    def _finding(self, severity: str, rule: str, entity: str, ids: Iterable[str],
                 zh: str, en: str, explained_by: str | None = None) -> Finding:
        ids = tuple(ids)
        values = {}
        for iid in ids:
            number = self.number(entity, iid, self.year)
            if number is not None:
                values[iid] = _fmt(number)
            else:
                stored = self.stored(entity, iid, self.year)
                if stored is not None and stored.value is not None:
                    values[iid] = stored.value
        explanation = self.note(entity, explained_by or ids[0], self.year)
        return Finding(severity, rule, entity, self.year, ids, values, Label(zh, en),
                       explanation)

    def _show(self, indicator: str, number: Decimal | None) -> str:
        """A number as the report prints this indicator (1,226 · 29.86 · 99.00)."""
        if number is None:
            return "—"
        spec = self.catalogue.indicators[indicator]
        return spec.type.format(str(rounded(spec, number)))

    def _refused(self, spec: Indicator, text: str) -> ValueRefused | None:
        """Why a stored text is not a value of its indicator's type, or None; each distinct
        text of a type is parsed once (a group repeats many figures)."""
        key = (spec.type, text)
        if key in self._parsed:
            return self._parsed[key]
        try:
            spec.type.parse(text)
            found = None
        except ValueRefused as exc:
            found = exc
        self._parsed[key] = found
        return found

    def _rule_number(self, spec: Indicator, key: str) -> Decimal:
        """An indicator's numeric rule (or the catalogue's default), read once."""
        found = self._rule_numbers.get((spec.id, key))
        if found is None:
            found = self._rule_numbers[spec.id, key] = Decimal(str(self.catalogue.rule(spec,
                                                                                       key)))
        return found

    def _bounds(self, spec: Indicator) -> tuple[Decimal, Decimal | None]:
        """The catalogue's bounds of a figure, read once."""
        found = self._bounds_of.get(spec.id)
        if found is None:
            found = self._bounds_of[spec.id] = self.catalogue.bounds(spec)
        return found

    def _label(self, indicator: str) -> Label:
        return self.catalogue.indicators[indicator].label

    # -- rules --------------------------------------------------------------------
    def _type_range(self, entity: str, spec: Indicator) -> list[Finding]:
        stored = self.stored(entity, spec.id, self.year)
        if stored is None:
            return []
        label = spec.label
        if stored.state != "value":
            if stored.note.strip():
                return []
            state = STATES[stored.state]
            return [self._finding("error", "type_range", entity, [spec.id],
                                  f"“{label.zh}”标为{state.name('zh')}，请说明理由。",
                                  f"'{label.en}' is marked {state.name('en')}; say why.")]
        if stored.value is None:
            return []
        exc = self._refused(spec, stored.value)
        if exc is not None:
            return [self._finding("error", "type_range", entity, [spec.id],
                                  f"“{label.zh}”的值 {stored.value} 不符合类型：{exc}。",
                                  f"'{label.en}' holds {stored.value}, which is not valid: {exc}.")]
        if not spec.type.numeric:
            return []
        number = Decimal(stored.value)
        low, high = self._bounds(spec)
        if number < low or (high is not None and number > high):
            bound = f"{_fmt(low)}–{_fmt(high)}" if high is not None else f"≥ {_fmt(low)}"
            return [self._finding("error", "type_range", entity, [spec.id],
                                  f"“{label.zh}”为 {self._show(spec.id, number)}，超出允许范围（{bound}）。",
                                  f"'{label.en}' is {self._show(spec.id, number)}, outside {bound}.")]
        return []

    def _prior_year(self, entity: str, spec: Indicator) -> list[Finding]:
        if not spec.type.numeric:
            return []
        now = self.number(entity, spec.id, self.year)
        before = self.number(entity, spec.id, self.year - 1)
        label, year = spec.label, self.year
        if before is None:
            return []
        if now is None:
            if not self._missing_one_by_one(entity, spec) \
                    or not self._is_missing(entity, spec.id):
                return []
            return [self._finding(
                "warning", "prior_year", entity, [spec.id],
                f"“{label.zh}”{year - 1} 年为 {self._show(spec.id, before)}，{year} 年缺失。",
                f"'{label.en}' was {self._show(spec.id, before)} in {year - 1} and is missing for {year}.")]
        magnitude = self._rule_number(spec, "magnitude")
        small = self._rule_number(spec, "small")
        if before != 0 and now != 0:  # every numeric type, however small: 0.016 for 1.77 %
            factor = abs(now / before)
            if factor >= magnitude or factor <= 1 / magnitude:
                slip = self._slip(spec)
                mover = self._mover(entity, spec)
                where_zh = f"，主要来自{mover[0]}" if mover else ""
                where_en = f", moved by {mover[1]}" if mover else ""
                return [self._finding(
                    "error", "prior_year", entity, [spec.id],
                    f"“{label.zh}”从 {self._show(spec.id, before)} 变为 {self._show(spec.id, now)}"
                    f"（×{_factor(factor)}）{where_zh}，疑似数量级错误"
                    f"（{slip.zh}）。",
                    f"'{label.en}' went from {self._show(spec.id, before)} to {self._show(spec.id, now)} "
                    f"(×{_factor(factor)}){where_en}: an order-of-magnitude slip "
                    f"({slip.en})")]
        if now == before:
            threshold = self._rule_number(spec, "copy_forward_min")
            # A figure at an end of its range (a rate of 100 % or 0 %) repeats naturally.
            if not spec.rules.get("repeats") and abs(now) >= threshold \
                    and now not in self._bounds(spec):
                return [self._finding(
                    "info", "prior_year", entity, [spec.id],
                    f"“{label.zh}”与 {year - 1} 年完全相同（{self._show(spec.id, now)}），"
                    "请确认不是沿用去年数据。",
                    f"'{label.en}' is exactly last year's {self._show(spec.id, now)}: copied forward?")]
            return []
        if max(abs(now), abs(before)) < small or before == 0:
            return []
        change = (now - before) / abs(before)
        limit = self._rule_number(spec, "max_change")
        if abs(change) > limit:
            percent = f"{change * 100:+.1f}%"
            return [self._finding(
                "warning", "prior_year", entity, [spec.id],
                f"“{label.zh}”从 {year - 1} 年的 {self._show(spec.id, before)} 变为 {self._show(spec.id, now)}（{percent}），"
                f"超过 ±{limit * 100:.0f}%，请说明原因。",
                f"'{label.en}' changed from {self._show(spec.id, before)} in {year - 1} to {self._show(spec.id, now)} "
                f"({percent}), beyond ±{limit * 100:.0f}%: please explain.")]
        return []

    def _mover(self, entity: str, spec: Indicator) -> tuple[str, str] | None:
        """The child (and the figure it typed) whose change moved a parent's figure most, as
        names in zh and en; None for an entity without children."""
        best: tuple[Decimal, str] | None = None
        for child in self.children.get(entity, ()):
            now = self.number(child, spec.id, self.year)
            if now is None:
                continue
            before = self.number(child, spec.id, self.year - 1) or Decimal(0)
            change = abs(now - before)
            if best is None or change > best[0]:
                best = (change, child)
        if best is None:
            return None
        code = best[1]
        zh, en = self._names.get(code, (code, code))
        shown = self._show(spec.id, self.number(code, spec.id, self.year))
        deeper = self._mover(code, spec)
        if deeper is not None:
            return f"{zh}（{deeper[0]}）", f"{en} ({deeper[1]})"
        return f"{zh}（{code}，{shown}）", f"{en} ({code}, {shown})"

    def _slip(self, spec: Indicator) -> Label:
        """The likely slip behind an order-of-magnitude change, by the figure's unit (the
        catalogue's [rules.slips]: 万元 typed as 元, a fraction for a percentage, …)."""
        slips = self.catalogue.rule(spec, "slips") or {}
        found = slips.get(spec.unit.zh) or slips.get("", {})
        return Label(found.get("zh", ""), found.get("en", ""))

    def _missing_one_by_one(self, entity: str, spec: Indicator) -> bool:
        """Missing figures are reported one by one once the department's request for the
        entity is submitted; while the year is being filled, one finding per table does
        (see _missing)."""
        return (entity, spec.owner) in self.submitted

    def _is_missing(self, entity: str, indicator: str) -> bool:
        """Typed here, held last year, and neither a value nor an explicit state (n/a) this
        year (a parent's figure made by its children is missing where they type it)."""
        if not self.figures.takes(entity, indicator) \
                or self.number(entity, indicator, self.year - 1) is None \
                or self.number(entity, indicator, self.year) is not None:
            return False
        stored = self.stored(entity, indicator, self.year)
        return stored is None or stored.state == "value"

    def _missing(self, entity: str, group: str) -> list[Finding]:
        """One warning for a table's figures of a department held last year and missing
        now, while the department's request is not submitted."""
        ids = self._missing_groups[group]
        spec = self.catalogue.indicators[ids[0]]
        if self._missing_one_by_one(entity, spec):
            return []
        held = [i for i in ids if self.figures.takes(entity, i)
                and self.number(entity, i, self.year - 1) is not None]
        missing = [i for i in held if self._is_missing(entity, i)]
        if not missing:
            return []
        table = self._group_tables[group]  # the home table of ids[0]
        department = self.catalogue.departments.get(spec.owner, Label(spec.owner, spec.owner))
        notes = [self.note(entity, i, self.year).strip() for i in missing]
        year, count = self.year, len(missing)
        return [Finding(
            "warning", "missing", entity, year, tuple(missing), {}, Label(
                f"{department.zh}：“{table.title('zh', year)}”{year - 1} 年有数据的 {len(held)} 项中，"
                f"{year} 年缺 {count} 项。",
                f"{department.en}: '{table.title('en', year)}' has {count} of "
                f"{counted(len(held), 'figure')} held for {year - 1} missing for {year}."),
            "; ".join(notes) if all(notes) else "")]

    def _target(self, entity: str, spec: Indicator) -> list[Finding]:
        actual = self.number(entity, spec.id, self.year)
        target_id = spec.rules["target"]
        target = self.number(entity, target_id, self.year)
        higher = spec.rules.get("better", "higher") == "higher"
        label, found = spec.label, []
        if actual is not None and target is not None and (
                actual < target if higher else actual > target):
            found.append(self._finding(
                "warning", "target", entity, [spec.id, target_id],
                f"“{label.zh}”未达成目标：实际 {self._show(spec.id, actual)}，目标 {self._show(target_id, target)}"
                f"（{'越高越好' if higher else '越低越好'}）。",
                f"'{label.en}' missed its target: {self._show(spec.id, actual)} against {self._show(target_id, target)} "
                f"({'higher' if higher else 'lower'} is better)."))
        next_id = spec.rules.get("next_target")
        following = self.number(entity, next_id, self.year) if next_id else None
        if actual is not None and following is not None and (
                following < actual if higher else following > actual):
            found.append(self._finding(
                "info", "target", entity, [spec.id, next_id],
                f"“{label.zh}”{self.year + 1} 年目标 {self._show(spec.id, following)} 低于 {self.year} 年实际 "
                f"{self._show(spec.id, actual)}。",
                f"'{label.en}': the {self.year + 1} target {self._show(spec.id, following)} is weaker than "
                f"the {self.year} actual {self._show(spec.id, actual)}.", explained_by=next_id))
        return found

    def _check(self, entity: str, check: Check) -> list[Finding]:
        if check.kind in ("breakdown", "part_of"):
            return self._breakdown(entity, check)
        if check.kind == "same_figure":
            return self._same_figure(entity, check)
        return self._ratio(entity, check)

    def _breakdown(self, entity: str, check: Check) -> list[Finding]:
        assert check.total is not None
        total = self.number(entity, check.total, self.year)
        parts = {p: self.number(entity, p, self.year) for p in check.parts}
        given = [v for v in parts.values() if v is not None]
        if total is None or not given:
            return []
        added = sum(given, Decimal(0))
        spec = self.catalogue.indicators[check.total]
        tolerance = spec.type.sum_tolerance(len(given))  # printed parts are rounded
        what = check.label or Label("", "")
        ids = [check.total, *check.parts]
        if abs(added - total) <= tolerance:
            return []
        if added > total:
            return [self._finding(
                check.severity or "error", "breakdown", entity, ids,
                f"“{spec.label.zh}”{what.zh}分项合计 {self._show(check.total, added)}，超过总数 {self._show(check.total, total)}"
                f"（多 {self._show(check.total, added - total)}）。",
                f"The parts of '{spec.label.en}' {what.en} add up to {self._show(check.total, added)}, more than "
                f"the total {self._show(check.total, total)} (by {self._show(check.total, added - total)}).")]
        missing = total - added
        if check.kind == "part_of":  # "of which": the rest is simply not broken down
            return []
        if not check.complete or len(given) < len(check.parts):
            return [self._finding(
                "info", "breakdown", entity, ids,
                f"“{spec.label.zh}”{what.zh}：所列分项覆盖 {self._show(check.total, total)} 中的 {self._show(check.total, added)}，"
                f"另有 {self._show(check.total, missing)} 未列出分项。",
                f"'{spec.label.en}' {what.en}: the listed parts account for {self._show(check.total, added)} of "
                f"{self._show(check.total, total)}; {self._show(check.total, missing)} in categories not listed.")]
        return [self._finding(
            check.severity or "error", "breakdown", entity, ids,
            f"“{spec.label.zh}”{what.zh}分项合计 {self._show(check.total, added)}，少于总数 {self._show(check.total, total)}，"
            f"{self._show(check.total, missing)} 未分配。",
            f"The parts of '{spec.label.en}' {what.en} account for {self._show(check.total, added)} of "
            f"{self._show(check.total, total)}; {self._show(check.total, missing)} unassigned.")]

    def _same_figure(self, entity: str, check: Check) -> list[Finding]:
        numbers = {i: self.number(entity, i, self.year) for i in check.indicators}
        present = {i: n for i, n in numbers.items() if n is not None}
        if len(set(present.values())) <= 1:
            return []
        listing_zh = "，".join(f"“{self._label(i).zh}” {self._show(i, n)}" for i, n in present.items())
        listing_en = ", ".join(f"'{self._label(i).en}' {self._show(i, n)}" for i, n in present.items())
        return [self._finding(
            check.severity or "warning", "same_figure", entity, list(present),
            f"同一数字在不同表格中不一致：{listing_zh}。",
            f"The same figure is printed differently: {listing_en}.")]

    def _ratio(self, entity: str, check: Check) -> list[Finding]:
        assert check.formula is not None
        target = check.indicator
        if target is None:
            return []
        stored = self.number(entity, target, self.year)
        inputs = {i: self.number(entity, i, self.year) for i in check.formula.indicators}
        computed = check.formula.evaluate(inputs)  # type: ignore[arg-type]
        if stored is None or computed is None:
            return []
        spec = self.catalogue.indicators[target]
        if rounded(spec, computed) == rounded(spec, stored):
            return []
        shown = self._show(target, computed)
        return [self._finding(
            check.severity or "warning", "ratio", entity, [target, *check.formula.indicators],
            f"“{spec.label.zh}”填报为 {self._show(target, stored)}，按其构成计算应为 {shown}"
            f"（{check.formula.text}）。",
            f"'{spec.label.en}' is {self._show(target, stored)}, but its components give {shown} "
            f"({check.formula.text}).")]

    # -- environmental accounting -------------------------------------------------
    def _factor(self, entity: str, spec: Indicator) -> list[Finding]:
        """A figure computed with factors whose components are held but a factor of the year
        is not (nothing to compute it with); a site without a province counted with the
        national grid factor."""
        formula = spec.formula
        if formula is None or self.book.factors is None or self.children[entity]:
            return []  # a parent's computed figures are its children's, summed
        numbers = self.book.derived(entity, self.year)
        own = {**self.book.zeros(entity, self.year), **self.book.own(entity, self.year),
               **numbers}
        if any(own.get(ref) is None for ref in formula.indicators):
            return []  # activity data missing: the missing rule says so
        computed = numbers.get(spec.id) is not None  # (none used needs no factor)
        known = self.book.factors(entity, self.year)
        lacking = [f for f in formula.factors if known.get("factor." + f) is None]
        name = self.store.entity(entity)
        if lacking and not computed:
            resolve = getattr(self.book.factors, "resolve", None)  # a choice's: its factor
            ids = ", ".join(resolve(entity, self.year, f) if resolve else f for f in lacking)
            return [self._finding(
                "warning", "factor", entity, [spec.id],
                f"“{spec.label.zh}”无法计算：{self.year} 年的排放因子中没有 {ids}"
                "（esgdesk factors … --load 或 --import）。",
                f"'{spec.label.en}' cannot be computed: the {self.year} factors have no {ids} "
                "(esgdesk factors … --load or --import).")]
        changed = self._factor_changed(entity, spec) if computed else []
        if changed:
            return changed
        node = self.tree.get(entity)
        if "grid" in formula.factors and name.province and known_province(
                name.province) is None:
            return [self._finding(
                "warning", "factor", entity, [spec.id],
                f"{name.name_zh}的所在省份“{name.province}”不是已知省份，“{spec.label.zh}”按全国电网"
                "平均排放因子计算（esgdesk province …）。",
                f"{name.name_en}'s province '{name.province}' is no known province: "
                f"'{spec.label.en}' is computed with the national grid factor "
                "(esgdesk province …).")]
        if "grid" in formula.factors and not name.province and node is not None \
                and node.parent is not None:
            return [self._finding(
                "info", "factor", entity, [spec.id],
                f"{name.name_zh}没有填写所在省份，“{spec.label.zh}”按全国电网平均排放因子计算"
                "（esgdesk province …）。",
                f"{name.name_en} has no province: '{spec.label.en}' is computed with the "
                "national grid factor (esgdesk province …).")]
        return []

    def _typed_leaves(self, spec: Indicator) -> list[str]:
        """The typed figures a computed one is made of, through other computed ones."""
        leaves: list[str] = []
        for ref in spec.formula.indicators if spec.formula else ():
            part = self.catalogue.indicators[ref]
            leaves.extend(self._typed_leaves(part) if part.derived else [ref])
        return leaves

    def _factor_changed(self, entity: str, spec: Indicator) -> list[Finding]:
        """A computed figure whose figures were approved (or published) before one of its
        factors changed: it reads another number now than the one approved."""
        assert spec.formula is not None and self.book.factors is not None
        approved = [stored.changed_at for ref in self._typed_leaves(spec)
                    if (stored := self.stored(entity, ref, self.year)) is not None
                    and stored.status in ("approved", "locked")]
        factors = getattr(self.book.factors, "used", None)
        if not approved or factors is None:
            return []
        since = max(approved)
        changed = [f for f in factors(entity, self.year, spec.formula.factors)
                   if f.changed_at and f.changed_at > since]
        if not changed:
            return []
        ids = ", ".join(f"{f.id} ({f.changed_by}, {f.changed_at[:10]})" for f in changed)
        return [self._finding(
            "warning", "factor", entity, [spec.id],
            f"“{spec.label.zh}”的数据已于 {since[:10]} 审核，此后排放因子 {ids} 有变动，"
            "计算结果随之改变：请复核。",
            f"'{spec.label.en}' was approved on {since[:10]}; since then the factor {ids} "
            "changed, and so has the figure: review it.")]

    def _peer(self, entity: str, spec: Indicator) -> list[Finding]:
        """A quantity per employee more than `peer` times (or less than 1/`peer` of) the
        median of its sibling entities': a slip of units or digits that needs no prior
        year (the way DHIS2 flags min-max outliers)."""
        node = self.tree.get(entity)
        per = self.catalogue.rule(spec, "peer_per")
        if node is None or node.parent is None or node.parent not in self.children or not per:
            return []
        factor = Decimal(str(self.catalogue.rule(spec, "peer") or 10))

        def per_head(code: str) -> Decimal | None:
            value, heads = self.number(code, spec.id, self.year), self.number(code, per,
                                                                             self.year)
            return value / heads if value is not None and heads else None

        def nice(number: Decimal) -> str:
            return _fmt(number.quantize(Decimal("0.01") if abs(number) >= 1
                                        else Decimal("0.0001")))

        mine = per_head(entity)
        if mine is None or mine == 0:  # none used is no slip of units
            return []
        # Every sibling's figure per employee, worked out once per run (not once per sibling).
        heads = self._peer_heads.get((node.parent, spec.id))
        if heads is None:
            heads = sorted(n for code in self.children[node.parent]
                           if (n := per_head(code)) is not None and n > 0)
            self._peer_heads[node.parent, spec.id] = heads
        others = list(heads)
        if mine > 0:
            others.remove(mine)  # the entity's own (an equal sibling's is the same number)
        if len(others) < 2:
            return []
        middle = len(others) // 2
        median = others[middle] if len(others) % 2 else (others[middle - 1] + others[middle]) / 2
        if median <= 0 or (mine <= median * factor and mine * factor >= median):
            return []
        times = mine / median
        name = self.store.entity(entity)
        shown = _fmt(times.quantize(Decimal("0.1")) if times >= 1
                     else times.quantize(Decimal("0.001")))
        value = self._show(spec.id, self.number(entity, spec.id, self.year))
        unit_zh, unit_en = spec.unit.zh, spec.unit.en
        return [self._finding(
            "warning", "peer", entity, [spec.id],
            f"{name.name_zh}的“{spec.label.zh}”为 {value} {unit_zh}，人均 {nice(mine)}，是同级"
            f" {len(others)} 个单位人均中位数 {nice(median)} 的 {shown} 倍：单位或位数填错了吗？",
            f"'{spec.label.en}' of {name.name_en} is {value} {unit_en}, {nice(mine)} per "
            f"employee: {shown}× the median of its {len(others)} siblings ({nice(median)} per "
            "employee). A slip of units or digits?")]

    def _consolidation(self, entity: str, spec: Indicator) -> list[Finding]:
        """A figure stored on a parent (the printed history, a late correction) against what
        its children add up to, where they hold it too (so far, when some of them have not
        reported: then only a parent below what is there already is certain to be wrong)."""
        stored = self.stored(entity, spec.id, self.year)
        if stored is None or stored.value is None:
            return []
        parent = self.number(entity, spec.id, self.year)
        found = self.figures.from_children(entity, spec.id, self.year)
        if parent is None or found.number is None:
            return []
        total = found.number
        detail = [(child, number) for child in self.children[entity]
                  if (number := self.figures.figure(child, spec.id, self.year).number)
                  is not None]
        if abs(total - parent) <= spec.type.sum_tolerance(len(detail)):
            return []
        smaller = parent < total
        if found.missing and not smaller:
            return []  # the rest may be in what has not been reported
        names_zh = "，".join(f"{self.store.entity(c).name_zh} {self._show(spec.id, n)}" for c, n in detail)
        names_en = ", ".join(f"{self.store.entity(c).name_en} {self._show(spec.id, n)}" for c, n in detail)
        return [self._finding(
            "error" if smaller else "warning", "consolidation", entity, [spec.id],
            f"“{spec.label.zh}”在{self.store.entity(entity).name_zh}填报为 {self._show(spec.id, parent)}，"
            f"而下属公司/地点合计 {self._show(spec.id, total)}（{names_zh}）"
            + ("：整体小于部分之和。" if smaller else "，请说明差额。"),
            f"'{spec.label.en}' is {self._show(spec.id, parent)} for {self.store.entity(entity).name_en}, "
            f"but its companies and sites add up to {self._show(spec.id, total)} ({names_en})"
            + (": the whole is smaller than its parts." if smaller else
               "; explain the difference."))]

    # -- totals and their lines, at every level -------------------------------------
    def _incomplete(self, entity: str, spec: Indicator) -> list[Finding]:
        """A total (computed or consolidated) of which some inputs are there and some are
        missing: never to be read as the whole figure."""
        found = self.figures.figure(entity, spec.id, self.year)
        if not found.partial:
            return []
        year = self.year
        zh = missing_words(found.missing, self._names, self.catalogue, "zh")
        en = missing_words(found.missing, self._names, self.catalogue, "en")
        name_zh, name_en = self._names.get(entity, (entity, entity))
        shown = self._show(spec.id, found.number)
        return [Finding(
            "warning", "incomplete", entity, year, (spec.id,),
            {spec.id: _fmt(found.number)}, Label(
                f"{name_zh}{year} 年的“{spec.label.zh}”不完整（已有部分合计 {shown}），缺：{zh}。",
                f"{name_en}'s '{spec.label.en}' for {year} is incomplete (the parts held add "
                f"up to {shown}); missing: {en}."))]

    def _total_lines(self, entity: str, spec: Indicator) -> list[Finding]:
        """A total whose formula adds its lines (Scope 1 its fuels, energy its carriers)
        against those lines, at every level: equal within rounding, and never below a line."""
        assert spec.formula is not None
        total = self.number(entity, spec.id, self.year)
        terms = additive_terms(spec.formula)
        if total is None or terms is None:
            return []
        lines = {ref: self.number(entity, ref, self.year) for ref in terms}
        if any(v is None for v in lines.values()):
            return []
        shares = {ref: terms[ref] * v for ref, v in lines.items()}  # type: ignore[operator]
        added = sum(shares.values(), Decimal(0))
        tolerance = spec.type.sum_tolerance(len(shares) + 1)
        below = [ref for ref, share in shares.items() if total + tolerance < share] \
            if all(t > 0 for t in terms.values()) else []
        if abs(added - total) <= tolerance and not below:
            return []
        name_zh, name_en = self._names.get(entity, (entity, entity))
        listing_zh = "，".join(f"“{self._label(r).zh}” {self._show(r, v)}"
                              for r, v in lines.items())
        listing_en = ", ".join(f"'{self._label(r).en}' {self._show(r, v)}"
                               for r, v in lines.items())
        return [self._finding(
            "error", "totals", entity, [spec.id, *terms],
            f"{name_zh}的“{spec.label.zh}”为 {self._show(spec.id, total)}，而按其构成（{listing_zh}）"
            f"应为 {self._show(spec.id, added)}。",
            f"{name_en}'s '{spec.label.en}' is {self._show(spec.id, total)}, but its lines "
            f"({listing_en}) give {self._show(spec.id, added)}.")]


def validate(store: Store, year: int, entity: str | None = None,
             held: Mapping[tuple[str, str, int], StoredValue] | None = None,
             book: FigureBook | None = None) -> list[Finding]:
    """Every finding for a reporting year, for an entity and everything under it (`held`:
    the tree's figures when the caller has read them already; `book`: a FigureBook of them)."""
    return Validator(store, year, entity, held=held, book=book).run()
