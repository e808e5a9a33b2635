"""The catalogue's checks: a breakdown (or an "of which") adding up to its total, the same figure
printed twice alike, and a typed ratio agreeing with its components."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from esgdesk.model.catalogue import Label
from esgdesk.rules.figures import rounded
from esgdesk.rules.validation.finding import Finding

if TYPE_CHECKING:
    from esgdesk.rules.validation.context import ValidationContext


def breakdown(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    check = v.catalogue.checks[int(subject)]
    assert check.total is not None
    total = v.number(entity, check.total, v.year)
    parts = {p: v.number(entity, p, v.year) for p in check.parts}
    given = [n for n in parts.values() if n is not None]
    if total is None or not given:
        return []
    added = sum(given, Decimal(0))
    spec = v.catalogue.indicators[check.total]
    tolerance = spec.type.sum_tolerance(len(given))  # printed parts are rounded
    what = check.label or Label("", "")
    ids = [check.total, *check.parts]
    if abs(added - total) <= tolerance:
        return []
    if added > total:
        return [v.finding(
            check.severity or "error", "breakdown", entity, ids,
            f"“{spec.label.zh}”{what.zh}分项合计 {v.show(check.total, added)}，超过总数 {v.show(check.total, total)}"
            f"（多 {v.show(check.total, added - total)}）。",
            f"The parts of '{spec.label.en}' {what.en} add up to {v.show(check.total, added)}, more than "
            f"the total {v.show(check.total, total)} (by {v.show(check.total, added - total)}).")]
    missing = total - added
    if check.kind == "part_of":  # "of which": the rest is simply not broken down
        return []
    if not check.complete or len(given) < len(check.parts):
        return [v.finding(
            "info", "breakdown", entity, ids,
            f"“{spec.label.zh}”{what.zh}：所列分项覆盖 {v.show(check.total, total)} 中的 {v.show(check.total, added)}，"
            f"另有 {v.show(check.total, missing)} 未列出分项。",
            f"'{spec.label.en}' {what.en}: the listed parts account for {v.show(check.total, added)} of "
            f"{v.show(check.total, total)}; {v.show(check.total, missing)} in categories not listed.")]
    return [v.finding(
        check.severity or "error", "breakdown", entity, ids,
        f"“{spec.label.zh}”{what.zh}分项合计 {v.show(check.total, added)}，少于总数 {v.show(check.total, total)}，"
        f"{v.show(check.total, missing)} 未分配。",
        f"The parts of '{spec.label.en}' {what.en} account for {v.show(check.total, added)} of "
        f"{v.show(check.total, total)}; {v.show(check.total, missing)} unassigned.")]


def same_figure(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    check = v.catalogue.checks[int(subject)]
    numbers = {i: v.number(entity, i, v.year) for i in check.indicators}
    present = {i: n for i, n in numbers.items() if n is not None}
    if len(set(present.values())) <= 1:
        return []
    listing_zh = "，".join(f"“{v.label(i).zh}” {v.show(i, n)}" for i, n in present.items())
    listing_en = ", ".join(f"'{v.label(i).en}' {v.show(i, n)}" for i, n in present.items())
    return [v.finding(
        check.severity or "warning", "same_figure", entity, list(present),
        f"同一数字在不同表格中不一致：{listing_zh}。",
        f"The same figure is printed differently: {listing_en}.")]


def ratio(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    check = v.catalogue.checks[int(subject)]
    assert check.formula is not None
    target = check.indicator
    if target is None:
        return []
    stored = v.number(entity, target, v.year)
    inputs = {i: v.number(entity, i, v.year) for i in check.formula.indicators}
    computed = check.formula.evaluate(inputs)  # type: ignore[arg-type]
    if stored is None or computed is None:
        return []
    spec = v.catalogue.indicators[target]
    if rounded(spec, computed) == rounded(spec, stored):
        return []
    shown = v.show(target, computed)
    return [v.finding(
        check.severity or "warning", "ratio", entity, [target, *check.formula.indicators],
        f"“{spec.label.zh}”填报为 {v.show(target, stored)}，按其构成计算应为 {shown}"
        f"（{check.formula.text}）。",
        f"'{spec.label.en}' is {v.show(target, stored)}, but its components give {shown} "
        f"({check.formula.text}).")]
