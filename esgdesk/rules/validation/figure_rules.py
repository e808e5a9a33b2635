"""The rules on one figure of one entity: its type and range, its change from last year (an
order-of-magnitude slip, a copy forward, a change beyond the limit), a table's figures missing
while the year is being filled, and targets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from esgdesk.model.assurance import MARKS
from esgdesk.model.catalogue import Indicator, Label
from esgdesk.model.states import STATES, VALUE
from esgdesk.model.words import counted
from esgdesk.rules.consolidate import whole_number
from esgdesk.rules.validation.finding import Finding, factor_text, number_text

if TYPE_CHECKING:
    from esgdesk.rules.validation.context import ValidationContext


def type_range(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    spec = v.catalogue.indicators[subject]
    stored = v.stored(entity, spec.id, v.year)
    if stored is None:
        return []
    label = spec.label
    if stored.state != "value":
        if stored.note.strip():
            return []
        state = STATES[stored.state]
        return [v.finding("error", "type_range", entity, [spec.id],
                          f"“{label.zh}”标为{state.name('zh')}，请说明理由。",
                          f"'{label.en}' is marked {state.name('en')}; say why.")]
    if stored.value is None:
        return []
    exc = v.refused(spec, stored.value)
    if exc is not None:
        return [v.finding("error", "type_range", entity, [spec.id],
                          f"“{label.zh}”的值 {stored.value} 不符合类型：{exc}。",
                          f"'{label.en}' holds {stored.value}, which is not valid: {exc}.")]
    if not spec.type.numeric:
        return []
    number = Decimal(stored.value)
    low, high = v.bounds(spec)
    if number < low or (high is not None and number > high):
        bound = f"{number_text(low)}–{number_text(high)}" if high is not None else f"≥ {number_text(low)}"
        return [v.finding("error", "type_range", entity, [spec.id],
                          f"“{label.zh}”为 {v.show(spec.id, number)}，超出允许范围（{bound}）。",
                          f"'{label.en}' is {v.show(spec.id, number)}, outside {bound}.")]
    return []


def type_ranges(v: ValidationContext, entity: str, subjects: Iterable[str],
                ) -> Iterator[tuple[str, list[Finding]]]:
    """`type_range` on many figures of an entity: a stored number of its type within its
    bounds (most of a group's) is passed over at once, its number as the book read it;
    every other figure is asked as `type_range` asks it."""
    rows = v.book.rows(entity, v.year)
    numbers = v.book.readable(entity, v.year)
    bounds = v.all_bounds  # each typed numeric figure's, found once per catalogue
    parsed = v.parsed  # what v.refused found of each (indicator, text)
    for subject in subjects:
        stored = rows.get(subject)
        if stored is None:
            continue
        number = numbers.get(subject)
        if number is not None and stored.state == VALUE:
            low, high = bounds[subject]
            if low <= number and (high is None or number <= high):
                key = (subject, stored.value)
                if key in parsed:
                    if parsed[key] is None:
                        continue
                elif v.refused(v.catalogue.indicators[subject], stored.value) is None:
                    continue
        found = type_range(v, entity, subject)
        if found:
            yield subject, found


def prior_year(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    spec = v.catalogue.indicators[subject]
    if not spec.type.numeric:
        return []
    return _prior_year(v, entity, spec, v.number(entity, spec.id, v.year),
                       v.number(entity, spec.id, v.year - 1))


def prior_years(v: ValidationContext, entity: str, subjects: Iterable[str],
                ) -> Iterator[tuple[str, list[Finding]]]:
    """`prior_year` on many figures of an entity, its two years' figures read once: each
    figure that found anything, with what it found. A figure whose change is within its
    rules' limits (most of a group's) is passed over at once, as `_prior_year` would."""
    now_of = v.figures.table(entity, v.year)
    before_of = v.figures.table(entity, v.year - 1)
    limits = v.change_limits  # each typed numeric figure's limits, found once per catalogue
    for subject in subjects:
        before = before_of.get(subject)
        if before is None or before.number is None or before.missing:
            continue  # nothing to compare with (as v.number says)
        if subject in limits:
            limit = limits[subject]
        elif v.catalogue.indicators[subject].type.numeric:
            limit = None  # (a computed figure: compared as _prior_year compares it)
        else:
            continue
        now = now_of.get(subject)
        now_number = None if now is None or now.missing else now.number
        was = before.number
        if limit is not None and now_number is not None and was and now_number \
                and now_number != was:
            magnitude, small, most = limit
            factor = abs(now_number / was)
            if 1 / magnitude < factor < magnitude \
                    and (max(abs(now_number), abs(was)) < small
                         or abs((now_number - was) / abs(was)) <= most):
                continue  # _prior_year finds nothing here
        found = _prior_year(v, entity, v.catalogue.indicators[subject], now_number, was)
        if found:
            yield subject, found


def _prior_year(v: ValidationContext, entity: str, spec: Indicator, now: Decimal | None,
                before: Decimal | None) -> list[Finding]:
    """A figure against the year before's (`now`, `before`: both whole, or None)."""
    label, year = spec.label, v.year
    if before is None:
        return []
    if now is None:
        if not v.missing_one_by_one(entity, spec) \
                or not v.is_missing(entity, spec.id):
            return []
        return [v.finding(
            "warning", "prior_year", entity, [spec.id],
            f"“{label.zh}”{year - 1} 年为 {v.show(spec.id, before)}，{year} 年缺失。",
            f"'{label.en}' was {v.show(spec.id, before)} in {year - 1} and is missing for {year}.")]
    if before != 0 and now != 0:  # every numeric type, however small: 0.016 for 1.77 %
        magnitude = v.rule_number(spec, "magnitude")
        factor = abs(now / before)
        if factor >= magnitude or factor <= 1 / magnitude:
            slip = _slip(v, spec)
            mover = _mover(v, entity, spec)
            where_zh = f"，主要来自{mover[0]}" if mover else ""
            where_en = f", moved by {mover[1]}" if mover else ""
            return [v.finding(
                "error", "prior_year", entity, [spec.id],
                f"“{label.zh}”从 {v.show(spec.id, before)} 变为 {v.show(spec.id, now)}"
                f"（×{factor_text(factor)}）{where_zh}，疑似数量级错误"
                f"（{slip.zh}）。",
                f"'{label.en}' went from {v.show(spec.id, before)} to {v.show(spec.id, now)} "
                f"(×{factor_text(factor)}){where_en}: an order-of-magnitude slip "
                f"({slip.en})")]
    if now == before:
        threshold = v.rule_number(spec, "copy_forward_min")
        # A figure at an end of its range (a rate of 100 % or 0 %) repeats naturally.
        if not spec.rules.get("repeats") and abs(now) >= threshold \
                and now not in v.bounds(spec):
            return [v.finding(
                "info", "prior_year", entity, [spec.id],
                f"“{label.zh}”与 {year - 1} 年完全相同（{v.show(spec.id, now)}），"
                "请确认不是沿用去年数据。",
                f"'{label.en}' is exactly last year's {v.show(spec.id, now)}: copied forward?")]
        return []
    if before == 0 or max(abs(now), abs(before)) < v.rule_number(spec, "small"):
        return []
    change = (now - before) / abs(before)
    limit = v.rule_number(spec, "max_change")
    if abs(change) > limit:
        percent = f"{change * 100:+.1f}%"
        return [v.finding(
            "warning", "prior_year", entity, [spec.id],
            f"“{label.zh}”从 {year - 1} 年的 {v.show(spec.id, before)} 变为 {v.show(spec.id, now)}（{percent}），"
            f"超过 ±{limit * 100:.0f}%，请说明原因。",
            f"'{label.en}' changed from {v.show(spec.id, before)} in {year - 1} to {v.show(spec.id, now)} "
            f"({percent}), beyond ±{limit * 100:.0f}%: please explain.")]
    return []


def _mover(v: ValidationContext, entity: str, spec: Indicator) -> tuple[str, str] | None:
    """The child (and the figure it typed) whose change moved a parent's figure most, as
    names in zh and en; None for an entity without children."""
    best: tuple[Decimal, str] | None = None
    for child in v.children.get(entity, ()):
        now = v.number(child, spec.id, v.year)
        if now is None:
            continue
        before = v.number(child, spec.id, v.year - 1) or Decimal(0)
        change = abs(now - before)
        if best is None or change > best[0]:
            best = (change, child)
    if best is None:
        return None
    code = best[1]
    zh, en = v.names.get(code, (code, code))
    shown = v.show(spec.id, v.number(code, spec.id, v.year))
    deeper = _mover(v, code, spec)
    if deeper is not None:
        return f"{zh}（{deeper[0]}）", f"{en} ({deeper[1]})"
    return f"{zh}（{code}，{shown}）", f"{en} ({code}, {shown})"


def _slip(v: ValidationContext, spec: Indicator) -> Label:
    """The likely slip behind an order-of-magnitude change, by the figure's unit (the
    catalogue's [rules.slips]: 万元 typed as 元, a fraction for a percentage, …)."""
    slips = v.catalogue.rule(spec, "slips") or {}
    found = slips.get(spec.unit.zh) or slips.get("", {})
    return Label(found.get("zh", ""), found.get("en", ""))


def missing(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    """One warning for a table's figures of a department held last year and missing
    now, while the department's request is not submitted."""
    group = subject
    ids = v.missing_groups[group]
    spec = v.catalogue.indicators[ids[0]]
    if v.missing_one_by_one(entity, spec):
        return []
    held = [i for i in ids if v.figures.takes(entity, i, v.year)
            and v.number(entity, i, v.year - 1) is not None]
    # v.is_missing of each, its first two questions answered already
    missing = [i for i in held if v.number(entity, i, v.year) is None
               and ((stored := v.stored(entity, i, v.year)) is None or stored.state == "value")]
    return _missing(v, entity, group, held, missing)


def missings(v: ValidationContext, entity: str, subjects: Iterable[str],
             ) -> Iterator[tuple[str, list[Finding]]]:
    """`missing` on many of an entity's tables at once: what is typed there, its figures of
    both years and its stored rows read once for all."""
    year = v.year
    typed = v.figures.typed_at(entity, year)
    before_of = v.figures.table(entity, year - 1)
    now_of = v.figures.table(entity, year)
    rows = v.book.rows(entity, year)
    indicators = v.catalogue.indicators
    for group in subjects:
        ids = v.missing_groups[group]
        if v.missing_one_by_one(entity, indicators[ids[0]]):
            continue
        held = [i for i in ids if i in typed and whole_number(before_of.get(i)) is not None]
        missing = [i for i in held if whole_number(now_of.get(i)) is None
                   and ((stored := rows.get(i)) is None or stored.state == VALUE)]
        found = _missing(v, entity, group, held, missing)
        if found:
            yield group, found


def _missing(v: ValidationContext, entity: str, group: str, held: list[str],
             missing: list[str]) -> list[Finding]:
    """The warning for a table's figures held last year (`held`), some missing now."""
    if not missing:
        return []
    spec = v.catalogue.indicators[v.missing_groups[group][0]]
    table = v.group_tables[group]  # the home table of ids[0]
    department = v.catalogue.departments.get(spec.owner, Label(spec.owner, spec.owner))
    notes = [v.note(entity, i, v.year).strip() for i in missing]
    year, count = v.year, len(missing)
    return [Finding(
        "warning", "missing", entity, year, tuple(missing), {}, Label(
            f"{department.zh}：“{table.title('zh', year)}”{year - 1} 年有数据的 {len(held)} 项中，"
            f"{year} 年缺 {count} 项。",
            f"{department.en}: '{table.title('en', year)}' has {count} of "
            f"{counted(len(held), 'figure')} held for {year - 1} missing for {year}."),
        "; ".join(notes) if all(notes) else "")]


def target(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    spec = v.catalogue.indicators[subject]
    actual = v.number(entity, spec.id, v.year)
    target_id = spec.rules["target"]
    target = v.number(entity, target_id, v.year)
    higher = spec.rules.get("better", "higher") == "higher"
    label, found = spec.label, []
    if actual is not None and target is not None and (
            actual < target if higher else actual > target):
        found.append(v.finding(
            "warning", "target", entity, [spec.id, target_id],
            f"“{label.zh}”未达成目标：实际 {v.show(spec.id, actual)}，目标 {v.show(target_id, target)}"
            f"（{'越高越好' if higher else '越低越好'}）。",
            f"'{label.en}' missed its target: {v.show(spec.id, actual)} against {v.show(target_id, target)} "
            f"({'higher' if higher else 'lower'} is better)."))
    next_id = spec.rules.get("next_target")
    following = v.number(entity, next_id, v.year) if next_id else None
    if actual is not None and following is not None and (
            following < actual if higher else following > actual):
        found.append(v.finding(
            "info", "target", entity, [spec.id, next_id],
            f"“{label.zh}”{v.year + 1} 年目标 {v.show(spec.id, following)} 低于 {v.year} 年实际 "
            f"{v.show(spec.id, actual)}。",
            f"'{label.en}': the {v.year + 1} target {v.show(spec.id, following)} is weaker than "
            f"the {v.year} actual {v.show(spec.id, actual)}.", explained_by=next_id))
    return found


def evidence(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    """A figure whose catalogue asks for a document behind it (`evidence = "required"`),
    filled in, with none attached: it does not count as complete, and its request cannot be
    approved."""
    spec = v.catalogue.indicators[subject]
    if not spec.needs_evidence or not v.figures.takes(entity, spec.id, v.year):
        return []
    stored = v.stored(entity, spec.id, v.year)
    if stored is None or stored.value is None or stored.state != "value":
        return []  # nothing to prove (n/a, not available), or nothing yet: see "missing"
    if v.evidenced(entity, spec.id):
        return []
    label = spec.label
    return [Finding("warning", "evidence", entity, v.year, (spec.id,), {}, Label(
        f"“{label.zh}”须附证明文件（账单、台账、记录），尚未附上。",
        f"'{label.en}' needs a document behind it (a bill, a ledger, a record); none is "
        "attached."))]


# A verifier's mark as a finding: failed and queried are to be answered, passed is noted.
MARK_SEVERITY = {"failed": "warning", "queried": "warning", "passed": "info"}


def assurance(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    """A verifier's latest mark on the figure, with its comment (none when unmarked)."""
    mark = v.marks(entity).get(subject)
    if mark is None:
        return []
    label = v.catalogue.indicators[subject].label
    zh_mark, en_mark = MARKS[mark.mark]
    comment_zh = f"：{mark.comment}" if mark.comment else "。"
    comment_en = f": {mark.comment}" if mark.comment else "."
    return [Finding(MARK_SEVERITY[mark.mark], "assurance", entity, v.year, (subject,), {},
                    Label(f"核查人 {mark.marked_by} 对“{label.zh}”的结论为{zh_mark}{comment_zh}",
                          f"The verifier {mark.marked_by} marked '{label.en}' "
                          f"{en_mark}{comment_en}"))]
