"""The rules across a group's tree: a site far from its siblings (per employee), a parent's
figure against its children's, totals incomplete, and totals against their lines."""

from __future__ import annotations

from bisect import bisect_left
from decimal import Decimal
from typing import TYPE_CHECKING

from esgdesk.model.catalogue import Label
from esgdesk.rules.consolidate import additive_terms, missing_words
from esgdesk.rules.validation.finding import Finding, number_text

if TYPE_CHECKING:
    from esgdesk.rules.validation.context import ValidationContext


def peer(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    """A quantity per employee more than `peer` times (or less than 1/`peer` of) the
    median of its sibling entities': a slip of units or digits that needs no prior
    year (the way DHIS2 flags min-max outliers)."""
    spec = v.catalogue.indicators[subject]
    node = v.tree.get(entity)
    per = v.catalogue.rule(spec, "peer_per")
    if node is None or node.parent is None or node.parent not in v.children or not per:
        return []
    factor = Decimal(str(v.catalogue.rule(spec, "peer") or 10))

    def per_head(code: str) -> Decimal | None:
        value, heads = v.number(code, spec.id, v.year), v.number(code, per,
                                                                         v.year)
        return value / heads if value is not None and heads else None

    def nice(number: Decimal) -> str:
        return number_text(number.quantize(Decimal("0.01") if abs(number) >= 1
                                    else Decimal("0.0001")))

    mine = per_head(entity)
    if mine is None or mine == 0:  # none used is no slip of units
        return []
    # Every sibling's figure per employee, worked out once per run (not once per sibling).
    heads = v.peer_heads.get((node.parent, spec.id))
    if heads is None:
        heads = sorted(n for code in v.children[node.parent]
                       if (n := per_head(code)) is not None and n > 0)
        v.peer_heads[node.parent, spec.id] = heads
    # The others' are the siblings' without the entity's own (an equal sibling's is the
    # same number), read around it rather than copied: a group has hundreds of companies.
    own = bisect_left(heads, mine) if mine > 0 else len(heads)
    count = len(heads) - 1 if mine > 0 else len(heads)

    def other(n: int) -> Decimal:
        return heads[n] if n < own else heads[n + 1]

    if count < 2:
        return []
    middle = count // 2
    median = other(middle) if count % 2 else (other(middle - 1) + other(middle)) / 2
    if median <= 0 or (mine <= median * factor and mine * factor >= median):
        return []
    times = mine / median
    name = v.store.entity(entity)
    shown = number_text(times.quantize(Decimal("0.1")) if times >= 1
                 else times.quantize(Decimal("0.001")))
    value = v.show(spec.id, v.number(entity, spec.id, v.year))
    unit_zh, unit_en = spec.unit.zh, spec.unit.en
    return [v.finding(
        "warning", "peer", entity, [spec.id],
        f"{name.name_zh}的“{spec.label.zh}”为 {value} {unit_zh}，人均 {nice(mine)}，是同级"
        f" {count} 个单位人均中位数 {nice(median)} 的 {shown} 倍：单位或位数填错了吗？",
        f"'{spec.label.en}' of {name.name_en} is {value} {unit_en}, {nice(mine)} per "
        f"employee: {shown}× the median of its {count} siblings ({nice(median)} per "
        "employee). A slip of units or digits?")]


def consolidation(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    """A figure stored on a parent (the printed history, a late correction) against what
    its children add up to, where they hold it too (so far, when some of them have not
    reported: then only a parent below what is there already is certain to be wrong)."""
    spec = v.catalogue.indicators[subject]
    stored = v.stored(entity, spec.id, v.year)
    if stored is None or stored.value is None:
        return []
    parent = v.number(entity, spec.id, v.year)
    found = v.figures.from_children(entity, spec.id, v.year)
    if parent is None or found.number is None:
        return []
    total = found.number
    detail = [(child, number) for child in v.children[entity]
              if (number := v.figures.figure(child, spec.id, v.year).number)
              is not None]
    if abs(total - parent) <= spec.type.sum_tolerance(len(detail)):
        return []
    smaller = parent < total
    if found.missing and not smaller:
        return []  # the rest may be in what has not been reported
    names_zh = "，".join(f"{v.store.entity(c).name_zh} {v.show(spec.id, n)}" for c, n in detail)
    names_en = ", ".join(f"{v.store.entity(c).name_en} {v.show(spec.id, n)}" for c, n in detail)
    return [v.finding(
        "error" if smaller else "warning", "consolidation", entity, [spec.id],
        f"“{spec.label.zh}”在{v.store.entity(entity).name_zh}填报为 {v.show(spec.id, parent)}，"
        f"而下属公司/地点合计 {v.show(spec.id, total)}（{names_zh}）"
        + ("：整体小于部分之和。" if smaller else "，请说明差额。"),
        f"'{spec.label.en}' is {v.show(spec.id, parent)} for {v.store.entity(entity).name_en}, "
        f"but its companies and sites add up to {v.show(spec.id, total)} ({names_en})"
        + (": the whole is smaller than its parts." if smaller else
           "; explain the difference."))]


def incomplete(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    """A total (computed or consolidated) of which some inputs are there and some are
    missing: never to be read as the whole figure."""
    spec = v.catalogue.indicators[subject]
    found = v.figures.figure(entity, spec.id, v.year)
    if not found.partial:
        return []
    year = v.year
    zh = missing_words(found.missing, v.names, v.catalogue, "zh")
    en = missing_words(found.missing, v.names, v.catalogue, "en")
    name_zh, name_en = v.names.get(entity, (entity, entity))
    shown = v.show(spec.id, found.number)
    return [Finding(
        "warning", "incomplete", entity, year, (spec.id,),
        {spec.id: number_text(found.number)}, Label(
            f"{name_zh}{year} 年的“{spec.label.zh}”不完整（已有部分合计 {shown}），缺：{zh}。",
            f"{name_en}'s '{spec.label.en}' for {year} is incomplete (the parts held add "
            f"up to {shown}); missing: {en}."))]


def totals(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    """A total whose formula adds its lines (Scope 1 its fuels, energy its carriers)
    against those lines, at every level: equal within rounding, and never below a line."""
    spec = v.catalogue.indicators[subject]
    assert spec.formula is not None
    total = v.number(entity, spec.id, v.year)
    terms = additive_terms(spec.formula)
    if total is None or terms is None:
        return []
    lines = {ref: v.number(entity, ref, v.year) for ref in terms}
    if any(n is None for n in lines.values()):
        return []
    shares = {ref: terms[ref] * n for ref, n in lines.items()}  # type: ignore[operator]
    added = sum(shares.values(), Decimal(0))
    tolerance = spec.type.sum_tolerance(len(shares) + 1)
    below = [ref for ref, share in shares.items() if total + tolerance < share] \
        if all(t > 0 for t in terms.values()) else []
    if abs(added - total) <= tolerance and not below:
        return []
    name_zh, name_en = v.names.get(entity, (entity, entity))
    listing_zh = "，".join(f"“{v.label(r).zh}” {v.show(r, n)}" for r, n in lines.items())
    listing_en = ", ".join(f"'{v.label(r).en}' {v.show(r, n)}" for r, n in lines.items())
    return [v.finding(
        "error", "totals", entity, [spec.id, *terms],
        f"{name_zh}的“{spec.label.zh}”为 {v.show(spec.id, total)}，而按其构成（{listing_zh}）"
        f"应为 {v.show(spec.id, added)}。",
        f"{name_en}'s '{spec.label.en}' is {v.show(spec.id, total)}, but its lines "
        f"({listing_en}) give {v.show(spec.id, added)}.")]
