"""Environmental accounting: a figure computed with factors that lacks one, a factor changed
since its figures were approved, a site counted with the national grid factor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from esgdesk.model.catalogue import Indicator
from esgdesk.model.provinces import known_province
from esgdesk.rules.validation.finding import Finding

if TYPE_CHECKING:
    from esgdesk.rules.validation.context import ValidationContext


def factor(v: ValidationContext, entity: str, subject: str) -> list[Finding]:
    """A figure computed with factors whose components are held but a factor of the year
    is not (nothing to compute it with); a site without a province counted with the
    national grid factor."""
    spec = v.catalogue.indicators[subject]
    formula = spec.formula
    if formula is None or v.book.factors is None or v.children[entity]:
        return []  # a parent's computed figures are its children's, summed
    numbers = v.book.derived(entity, v.year)
    held = (numbers, v.book.own(entity, v.year), v.book.zeros(entity, v.year))
    if any(all(ref not in figures for figures in held) for ref in formula.indicators):
        return []  # activity data missing: the missing rule says so
    computed = numbers.get(spec.id) is not None  # (none used needs no factor)
    known = v.book.factors(entity, v.year)
    lacking = [f for f in formula.factors if known.get("factor." + f) is None]
    name = v.store.entity(entity)
    if lacking and not computed:
        resolve = getattr(v.book.factors, "resolve", None)  # a choice's: its factor
        ids = ", ".join(resolve(entity, v.year, f) if resolve else f for f in lacking)
        return [v.finding(
            "warning", "factor", entity, [spec.id],
            f"“{spec.label.zh}”无法计算：{v.year} 年的排放因子中没有 {ids}"
            "（esgdesk factors … --load 或 --import）。",
            f"'{spec.label.en}' cannot be computed: the {v.year} factors have no {ids} "
            "(esgdesk factors … --load or --import).")]
    changed = _factor_changed(v, entity, spec) if computed else []
    if changed:
        return changed
    node = v.tree.get(entity)
    if "grid" in formula.factors and name.province and known_province(
            name.province) is None:
        return [v.finding(
            "warning", "factor", entity, [spec.id],
            f"{name.name_zh}的所在省份“{name.province}”不是已知省份，“{spec.label.zh}”按全国电网"
            "平均排放因子计算（esgdesk province …）。",
            f"{name.name_en}'s province '{name.province}' is no known province: "
            f"'{spec.label.en}' is computed with the national grid factor "
            "(esgdesk province …).")]
    if "grid" in formula.factors and not name.province and node is not None \
            and node.parent is not None:
        return [v.finding(
            "info", "factor", entity, [spec.id],
            f"{name.name_zh}没有填写所在省份，“{spec.label.zh}”按全国电网平均排放因子计算"
            "（esgdesk province …）。",
            f"{name.name_en} has no province: '{spec.label.en}' is computed with the "
            "national grid factor (esgdesk province …).")]
    return []


def _typed_leaves(v: ValidationContext, spec: Indicator) -> list[str]:
    """The typed figures a computed one is made of, through other computed ones."""
    leaves: list[str] = []
    for ref in spec.formula.indicators if spec.formula else ():
        part = v.catalogue.indicators[ref]
        leaves.extend(_typed_leaves(v, part) if part.derived else [ref])
    return leaves


def _factor_changed(v: ValidationContext, entity: str, spec: Indicator) -> list[Finding]:
    """A computed figure whose figures were approved (or published) before one of its
    factors changed: it reads another number now than the one approved."""
    assert spec.formula is not None and v.book.factors is not None
    approved = [stored.changed_at for ref in _typed_leaves(v, spec)
                if (stored := v.stored(entity, ref, v.year)) is not None
                and stored.status in ("approved", "locked")]
    factors = getattr(v.book.factors, "used", None)
    if not approved or factors is None:
        return []
    since = max(approved)
    changed = [f for f in factors(entity, v.year, spec.formula.factors)
               if f.changed_at and f.changed_at > since]
    if not changed:
        return []
    ids = ", ".join(f"{f.id} ({f.changed_by}, {f.changed_at[:10]})" for f in changed)
    return [v.finding(
        "warning", "factor", entity, [spec.id],
        f"“{spec.label.zh}”的数据已于 {since[:10]} 审核，此后排放因子 {ids} 有变动，"
        "计算结果随之改变：请复核。",
        f"'{spec.label.en}' was approved on {since[:10]}; since then the factor {ids} "
        "changed, and so has the figure: review it.")]
