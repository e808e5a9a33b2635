"""What can be wrong with a catalogue, each kind declared once as a Code (its id and its en
and zh messages over named fields), and the checks of a whole catalogue: references that
name nothing, choices that are none of the allowed ones, formulas that go round in a
circle. Each problem names its place as an Item (an indicator's field, a table's row, a
chapter's check), never in its wording: a catalogue workbook turns the Item into sheet!cell."""

from __future__ import annotations

from typing import Any

from esgdesk.errors import Code, Item, Problem
from esgdesk.model.catalogue.records import AGGREGATIONS, LANGUAGES, Catalogue, Label

LANGUAGE_WORDS = {"zh": "中文", "en": "英文"}

# -- the codes: what a catalogue's problem is (callers branch on the id) ---------------------

UNREADABLE = Code("unreadable", "cannot be read: {reason}", "无法读取：{reason}")
NO_TEXTS = Code("missing_value", "{what} needs zh and en", "{what} 需要中文和英文")
NO_TEXT = Code("missing_value", "{what} has no {lang} text", "{what} 没有{lang_zh}文字")
DECLARED_TWICE = Code("duplicate_id", "declared twice", "重复声明")
RETIRED_IN_USE = Code("retired_in_use", "is both retired and in use", "既已停用又仍在使用")
UNKNOWN_TYPE = Code("unknown_type", "type '{value}' is not one of {choices}",
                    "类型“{value}”不是 {choices} 之一")
NOT_A_CHOICE = Code("not_a_choice", "{what} '{value}' is not one of {choices}",
                    "{what}“{value}”不是 {choices} 之一")
KIND_NOT_A_CHOICE = Code("not_a_choice", "kind must be one of {choices}",
                         "kind 必须是 {choices} 之一")
NEEDS_PRECISION = Code("missing_value", "a {type} needs a precision",
                       "{type} 类型需要小数位数（precision）")
NEEDS_CANONICAL_UNIT = Code(
    "not_a_choice", "a quantity needs its canonical unit: quantity = one of {choices}, "
    "not '{value}'", "quantity 类型需要标准单位：quantity 应为 {choices} 之一，而不是“{value}”")
UNKNOWN_SECTION = Code("unknown_section", "unknown section '{section}'", "没有章节“{section}”")
UNKNOWN_RULE = Code("unknown_rule", "unknown rule '{rule}'", "没有规则“{rule}”")
BAD_FORMULA = Code("bad_formula", "'{formula}': {reason}", "公式“{formula}”无法读取：{reason_zh}")
EMPTY_ROW = Code("missing_value", "a row needs indicator, cells or group: {raw}",
                 "一行需要 indicator、cells 或 group：{raw}")
RETIRED_SHOWN = Code("retired_in_table", "row shows '{indicator}', which is retired",
                     "此行显示已停用的指标“{indicator}”")
UNKNOWN_IN_ROW = Code("unknown_indicator", "row refers to unknown indicator '{indicator}'",
                      "此行引用了不存在的指标“{indicator}”")
UNDECLARED_CELL = Code("unknown_column", "cell '{key}' is not a declared column",
                       "单元格“{key}”不是已声明的列")
NEEDS_SITES = Code("needs_sites", "a per-site table needs sites",
                   "按地点列示的表格需要地点（sites）")
UNKNOWN_SITE = Code("unknown_site", "unknown site '{site}'", "没有地点“{site}”")
NEEDS_COLUMNS = Code("needs_columns", "a matrix table needs columns", "矩阵表格需要列（columns）")
UNKNOWN_OWNER = Code("unknown_department", "unknown owner department '{owner}'",
                     "没有负责部门“{owner}”")
FORMULA_NEEDED = Code("needs_formula", 'aggregation = "formula" needs a formula',
                      '汇总方式为 "formula" 时需要公式')
FORMULA_AGGREGATION = Code(
    "formula_aggregation", 'a formula goes with aggregation = "formula" (recomputed from '
    'consolidated components) or "sum" (computed at each entity, summed over its children)',
    '有公式的指标，汇总方式应为 "formula"（由合并后的分项重新计算）或 "sum"（在每个主体计算，'
    '再对下级求和）')
NEEDS_WEIGHT = Code("needs_weight", "weighted mean needs a known weight, not '{weight}'",
                    "加权平均需要已知的权重指标，而不是“{weight}”")
UNKNOWN_REFERENCE = Code("unknown_indicator", "{what} refers to unknown indicator '{indicator}'",
                         "{what} 引用了不存在的指标“{indicator}”")
BETTER = Code("not_a_choice", "better is higher or lower", "better 应为 higher 或 lower")
IN_NO_TABLE = Code("in_no_table", "appears in no table, so nobody can enter it",
                   "没有出现在任何表格中，因此无人能填报")
NOT_LOWER_ASCII = Code("bad_id", "ids are lower-case ASCII", "编号须为小写英文字符")
CYCLE = Code("cycle", "cycle: {cycle}", "公式循环引用：{cycle}")
TARGET_REDUCTION = Code("not_a_number", "a target's reduction is a per cent above 0 and at "
                        "most 100, not '{value}'", "目标的降幅应为大于 0、不超过 100 的百分数，"
                        "而不是“{value}”")
TARGET_YEAR = Code("not_a_number", "a target's year is a year (like 2025), not '{value}'",
                   "目标的年份应为年份（如 2025），而不是“{value}”")
TARGET_YEARS = Code("target_years", "the target year {target} is not after the base year "
                    "{base}", "目标年份 {target} 不在基准年 {base} 之后")
UNKNOWN_TABLE = Code("unknown_table", "unknown table '{table}'", "没有表格“{table}”")
NOT_NUMERIC = Code("not_numeric", "'{indicator}' holds no number a target can reduce",
                   "“{indicator}”不是数值指标，不能设定降低目标")
NOT_A_NOTE_NUMBER = Code("not_a_number", "a note's number is a whole number from 1, not "
                         "'{value}'", "注释编号应为从 1 起的整数，而不是“{value}”")


class Findings:
    """The problems a reading finds, collected instead of stopping at the first; `year` is
    the catalogue's reporting year, which {year} in a title names."""

    def __init__(self, year: int | None = None) -> None:
        self.problems: list[Problem] = []
        self.year = year

    def add(self, code: Code, item: Item, indicator: str = "", **fields: Any) -> None:
        self.problems.append(code(item=item, indicator=indicator, **fields))

    def label(self, item: Item, raw: Any, allow_empty: bool = False) -> Label:
        """A text in both languages; a problem at `item` (its field the text's name) for
        each language it lacks."""
        if not isinstance(raw, dict):
            self.add(NO_TEXTS, item, what=item.field)
            return Label("", "")
        for lang in LANGUAGES:
            text = raw.get(lang)
            if not isinstance(text, str) or (not text.strip() and not allow_empty):
                self.add(NO_TEXT, item.on(item.field, lang), what=item.field, lang=lang,
                         lang_zh=LANGUAGE_WORDS[lang])
        return Label(str(raw.get("zh", "")), str(raw.get("en", "")), self.year)


def check_references(found: Findings, catalogue: Catalogue, sections: set[str],
                     sites: set[str] | None) -> None:
    """Every reference of a read catalogue names something it holds, and what its
    indicators say goes together."""
    _check_tables(found, catalogue, sections, sites)
    seen_in_tables = {i for table in catalogue.tables.values() for i in table.indicators()}
    known = catalogue.indicators
    for indicator in known.values():
        def at(field: str, iid: str = indicator.id) -> Item:
            return Item("indicator", iid, field)

        if indicator.owner not in catalogue.departments:
            found.add(UNKNOWN_OWNER, at("owner"), indicator.id, owner=indicator.owner)
        if indicator.aggregation not in AGGREGATIONS:
            found.add(NOT_A_CHOICE, at("aggregation"), indicator.id, what="aggregation",
                      value=indicator.aggregation, choices=AGGREGATIONS)
        if indicator.aggregation == "formula" and indicator.formula is None:
            found.add(FORMULA_NEEDED, at("formula"), indicator.id)
        if indicator.formula is not None and indicator.aggregation not in ("formula", "sum"):
            found.add(FORMULA_AGGREGATION, at("formula"), indicator.id)
        if indicator.aggregation == "weighted_mean" and indicator.weight not in known:
            found.add(NEEDS_WEIGHT, at("weight"), indicator.id, weight=indicator.weight)
        if indicator.formula:
            for ref in indicator.formula.indicators:
                if ref not in known:
                    found.add(UNKNOWN_REFERENCE, at("formula"), ref, what="formula")
        for key in ("target", "next_target"):
            target = indicator.rules.get(key)
            if target is not None and target not in known:
                found.add(UNKNOWN_REFERENCE, at(key), target, what=key)
        if indicator.rules.get("better", "higher") not in ("higher", "lower"):
            found.add(BETTER, at("better"), indicator.id)
        if indicator.id not in seen_in_tables:
            found.add(IN_NO_TABLE, at("id"), indicator.id)
        if not indicator.id.isascii() or indicator.id != indicator.id.lower():
            found.add(NOT_LOWER_ASCII, at("id"), indicator.id)
    positions: dict[str, int] = {}
    for check in catalogue.checks:
        index = positions.get(check.chapter, 0)
        positions[check.chapter] = index + 1
        for field, refs in (("total", [check.total]), ("parts", check.parts),
                            ("indicators", check.indicators), ("indicator", [check.indicator]),
                            ("formula", check.formula.indicators if check.formula else ())):
            for ref in refs:
                if ref and ref not in known:
                    found.add(UNKNOWN_REFERENCE, Item("check", check.chapter, field,
                                                      index=index), ref, what=field)
    for target in catalogue.targets:
        place = Item("target", target.id)
        if target.indicator not in known:
            found.add(UNKNOWN_REFERENCE, place.on("indicator"), target.indicator,
                      what="indicator")
        elif not known[target.indicator].type.numeric:
            found.add(NOT_NUMERIC, place.on("indicator"), target.indicator,
                      indicator=target.indicator)
        if target.table and target.table not in catalogue.tables:
            found.add(UNKNOWN_TABLE, place.on("table"), table=target.table)
    for cycle in formula_cycles(catalogue):
        found.add(CYCLE, Item("indicator", cycle[0], "formula"), cycle[0],
                  cycle=" → ".join(cycle))


def _check_tables(found: Findings, catalogue: Catalogue, sections: set[str],
                  sites: set[str] | None) -> None:
    for table in catalogue.tables.values():
        def at(field: str, tid: str = table.id) -> Item:
            return Item("table", tid, field)

        if table.section not in sections:
            found.add(UNKNOWN_SECTION, at("section"), section=table.section)
        keys = {c.key for c in table.columns}
        for index, row in enumerate(table.rows):
            field = "cells" if row.kind == "cells" else "indicator"
            place = Item("row", table.id, field, index=index)
            for iid in row.indicators():
                if iid in catalogue.retired:
                    found.add(RETIRED_SHOWN, place, iid)
                elif iid not in catalogue.indicators:
                    found.add(UNKNOWN_IN_ROW, place, iid)
            for key in row.cells:
                if key not in keys:
                    found.add(UNDECLARED_CELL, Item("row", table.id, "cells", index=index),
                              key=key)
        if table.layout == "sites" and not table.sites:
            found.add(NEEDS_SITES, at("sites"))
        for site in table.sites:
            if sites is not None and site not in sites:
                found.add(UNKNOWN_SITE, at("sites"), site=site)
        if table.layout == "matrix" and not table.columns:
            found.add(NEEDS_COLUMNS, at("layout"))


def formula_cycles(catalogue: Catalogue) -> list[list[str]]:
    """Each circle of indicators whose formulas read one another, from where it closes."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(iid: str, path: list[str]) -> None:
        state[iid] = 1
        indicator = catalogue.indicators.get(iid)
        for ref in indicator.formula.indicators if indicator and indicator.formula else ():
            if state.get(ref) == 1:
                cycles.append([*path[path.index(ref):], ref] if ref in path else [iid, ref])
            elif ref not in state:
                visit(ref, [*path, ref])
        state[iid] = 2

    for iid in catalogue.indicators:
        if iid not in state:
            visit(iid, [iid])
    return cycles
