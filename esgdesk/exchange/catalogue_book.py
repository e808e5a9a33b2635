"""The catalogue as a workbook a coordinator edits in Excel or LibreOffice, in the spirit of
XLSForm: one sheet per kind of item (indicators, tables, rows, ...), a row per item, a header
row naming the columns, and drop-down lists for every choice and every id it refers to.

`write_catalogue_book` writes an edition's document; `read_catalogue_book` reads a book back
to a document, collecting every problem with its sheet!cell instead of stopping (a file that
is no catalogue workbook is refused); `plan_import` checks the book against a database (the
figures an indicator holds fix its type and unit; an indicator with figures is retired, never
dropped) and says what would change. Nothing here writes to the store: the caller stores
`plan.document` with `store.store_edition`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from esgdesk.errors import EsgdeskError, FileRefused, NotFound
from esgdesk.exchange.returned import Problem, open_workbook
from esgdesk.exchange.workbook import (
    house_styles,
    lines_needed,
    save_atomically,
    set_value,
    text_width,
)
from esgdesk.model import formula as formulas
from esgdesk.model.catalogue import (
    AGGREGATIONS,
    CHECK_KINDS,
    DEFAULT_MARKS,
    LAYOUTS,
    SOURCES,
    Catalogue,
    Indicator,
    document_hash,
    indicator_document,
    read_document,
    to_document,
)
from esgdesk.model.entities import ENTRY_LEVELS
from esgdesk.model.types import NEEDS_PRECISION, NO_WORDS, TYPE_NAMES, YES_WORDS, canonical
from esgdesk.model.types import text_problem as cell_text_problem
from esgdesk.model.units import UNITS

if TYPE_CHECKING:
    from esgdesk.storage.store import Store

YES, NO = "yes", "no"
SEVERITIES = ("error", "warning", "info")
BETTER = ("higher", "lower")
FRAMEWORKS = ("gri", "cass", "szse", "hkex")
NONE_MARK = "-"  # an indicator's framework codes: none, where its section has some
META_KEYS = ("version", "report_zh", "report_en", "company_zh", "company_en", "report_year",
             "mark_not_applicable", "mark_not_available")
FRACTION_RULES = {"max_change"}  # rules that are fractions (0.3 for ±30 %), kept as floats
NUMERIC_DEFAULTS = {"max_change", "small", "copy_forward_min", "magnitude"}
INSTRUCTIONS = "instructions"
LISTS = "lists"
EXTRA_ROWS = 500  # rows below the last item that drop-down lists still cover

COLUMNS: dict[str, tuple[str, ...]] = {
    "indicators": ("id", "label_zh", "label_en", "unit_zh", "unit_en", "type", "precision",
                   "quantity", "owner", "aggregation", "entered_at", "formula", "weight", "min",
                   "max",
                   "max_change", "repeats", "required", "target", "next_target", "better",
                   "gri", "cass", "szse", "hkex", "note", "section", "retired"),
    "tables": ("id", "chapter", "section", "title_zh", "title_en", "layout", "order", "source",
               "years", "header_zh", "header_en", "unit_column", "sites"),
    "rows": ("table", "order", "indicator", "heading_zh", "heading_en", "indent", "cells"),
    "columns": ("table", "key", "title_zh", "title_en"),
    "chapters": ("id", "number", "order", "title_zh", "title_en", "short_title_zh",
                 "short_title_en"),
    "sections": ("id", "chapter", "title_zh", "title_en", "page", "gri", "cass", "szse",
                 "hkex"),
    "departments": ("id", "name_zh", "name_en"),
    "checks": ("chapter", "kind", "label_zh", "label_en", "total", "parts", "indicators",
               "indicator", "formula", "complete", "severity"),
    "rules": ("key", "value", "zh", "en"),
    "catalogue": ("key", "value"),
}
SHEETS = tuple(COLUMNS)

# What a Problem's code says went wrong (callers branch on these, never on the wording).
SHEET_MISSING = "sheet_missing"
COLUMN_MISSING = "column_missing"
DUPLICATE_ID = "duplicate_id"
MISSING_VALUE = "missing_value"
BAD_ID = "bad_id"
UNKNOWN_TYPE = "unknown_type"
NOT_A_CHOICE = "not_a_choice"
NOT_A_NUMBER = "not_a_number"
NOT_YES_NO = "not_yes_no"
TEXT_REFUSED = "text_refused"
FORMULA_CELL = "formula_cell"  # a spreadsheet formula where a value belongs
BAD_FORMULA = "bad_formula"  # an indicator's or a check's formula that does not parse
UNKNOWN_INDICATOR = "unknown_indicator"
UNKNOWN_TABLE = "unknown_table"
UNKNOWN_CHAPTER = "unknown_chapter"
UNKNOWN_SECTION = "unknown_section"
UNKNOWN_DEPARTMENT = "unknown_department"
UNKNOWN_COLUMN = "unknown_column"
UNKNOWN_KEY = "unknown_key"
RETIRED_IN_TABLE = "retired_in_table"
CYCLE = "cycle"
TYPE_CHANGED = "type_changed"
UNIT_CHANGED = "unit_changed"
CATALOGUE = "catalogue"  # anything else the catalogue's own checks find

_ID = re.compile(r"[a-z0-9][a-z0-9_.\-]*")
_INDICATOR_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")
_SPLIT = re.compile(r"[,，;；\n]")
_QUOTED = re.compile(r"'([^']*)'")


# -- the words of the book ------------------------------------------------------------------

SHEET_HELP: dict[str, tuple[str, str]] = {
    "indicators": ("每行一个指标：编号、名称、单位、类型、负责部门、汇总方式、公式、校验规则、"
                   "框架对应和所属章节；retired = yes 表示已停用（其数据保留）。",
                   "One indicator a row: id, name, unit, type, owner, aggregation, formula, "
                   "checking rules, framework codes and section; retired = yes for one no "
                   "longer collected (its figures are kept)."),
    "tables": ("报告中的每张表：所属篇章和章节、标题、版式（years 按年度 / sites 按地点 / "
               "matrix 矩阵）、order 为篇章内的顺序、列出的年份数、表头。",
               "Each table of the report: chapter and section, title, layout (years / sites "
               "/ matrix), order within its chapter, how many years it shows, its header."),
    "rows": ("各表的行，按 order 排序：indicator 填指标编号；indicator 和 cells 都空而填写 "
             "heading 的是分组标题行；matrix 表的行在 cells 中写“列=指标; 列=指标”。",
             "The tables' rows, sorted by order: indicator names the indicator shown; a row "
             "with a heading but no indicator and no cells is a group heading; a matrix "
             "table's row lists its cells as 'column=indicator; column=indicator'."),
    "columns": ("matrix 表的列：所属表格、列的键（cells 中使用）、列标题。",
                "The columns of matrix tables: table, key (as cells name it), title."),
    "chapters": ("报告的篇章：编号、序号、标题和简称（工作表名称使用简称）。",
                 "The report's chapters: number, order, title and short title (a sheet's "
                 "name)."),
    "sections": ("篇章下的章节：页码及 GRI、CASS、深交所、港交所 对应编号。",
                 "The sections of each chapter: page and GRI, CASS, SZSE and HKEX codes."),
    "departments": ("负责填报的部门。", "The departments that supply figures."),
    "checks": ("篇章的校验：breakdown 分项合计、part_of 部分不超过整体、same_figure 同一数字、"
               "ratio 比率。", "Each chapter's checks: breakdown, part_of, same_figure, ratio."),
    "rules": ("全目录默认的校验参数（指标自己的规则优先），以及 slips:单位 行："
              "数量级错误时的提示。",
              "Catalogue-wide defaults of the checking rules (an indicator's own rules come "
              "first), and slips:<unit> rows: what an order-of-magnitude change likely is."),
    "catalogue": ("目录信息：版本、报告名称（{company} 与 {year} 会被替换）、公司名称。",
                  "The catalogue: version, the report's name ({company} and {year} are filled "
                  "in), the company's name."),
}

INSTRUCTION_LINES: dict[str, tuple[str, ...]] = {
    "zh": (
        "可以修改：名称、单位的措辞、标题；增加、删除或调整表格的行；新增指标、表格和校验；"
        "校验规则和默认参数。",
        "编号（id）永久不变：不要修改已有的编号，改名只改名称列。新增指标的编号用小写英文字母、"
        "数字和下划线，以点分段，例如 people.employees.interns。",
        "删除一个已有数据的指标，它会被停用（数据保留，不再收集）；没有数据的指标会被删除。",
        "已有数据的指标不能改变类型或单位（导入会被拒绝，并指出哪些年份有数据）；小数位数可以"
        "修改。口径改变时请新增一个指标。",
        "多个值用逗号分隔（gri、cass、szse、hkex、sites、parts、indicators）。指标的 gri 等留空"
        "表示沿用其章节的编号，填“-”表示没有。",
        "是/否 填 yes 或 no。公式由指标编号、数字和 + - * / ( ) 组成，例如 a + b。",
        "标题中的 {year} 和 {next} 代表报告年度和下一年度。",
        "带下拉列表的单元格请从列表中选择；导入时每个问题都会指出工作表和单元格。",
    ),
    "en": (
        "What may be changed: names, units' wording and titles; a table's rows (add, remove, "
        "reorder); new indicators, tables and checks; the checking rules and defaults.",
        "Ids are forever: never change an existing id; to rename, change the name columns. "
        "A new indicator's id is lower-case letters, digits and underscores in parts joined "
        "by dots, like people.employees.interns.",
        "Removing an indicator that holds figures retires it (its figures are kept, it is no "
        "longer collected); one that holds none is removed.",
        "The type or unit of an indicator that holds figures cannot change (the import is "
        "refused, naming the years that hold them); its precision may. When what it means "
        "changes, add a new indicator.",
        "Several values are separated by commas (gri, cass, szse, hkex, sites, parts, "
        "indicators). An indicator's gri etc. left empty take its section's codes; '-' "
        "means none.",
        "Yes/no cells take yes or no. A formula is indicator ids, numbers and + - * / ( ), "
        "like a + b.",
        "{year} and {next} in a title stand for the reporting year and the year after.",
        "Cells with a drop-down list take a value from it; on import every problem is named "
        "by sheet and cell.",
    ),
}

COLUMN_HELP: dict[str, tuple[str, str]] = {
    "id": ("编号，永久不变；新增时按现有格式编写。", "The id: it never changes; a new one "
           "follows the pattern of the others."),
    "label_zh": ("中文名称", "The Chinese name"), "label_en": ("英文名称", "The English name"),
    "unit_zh": ("中文单位（数值指标必填）", "The unit in Chinese (numeric indicators)"),
    "unit_en": ("英文单位（数值指标必填）", "The unit in English (numeric indicators)"),
    "type": ("类型：" + ", ".join(TYPE_NAMES), "The type: " + ", ".join(TYPE_NAMES)),
    "precision": ("小数位数（decimal、percentage、money、quantity 必填）",
                  "Decimals kept (needed by decimal, percentage, money and quantity)"),
    "quantity": ("quantity 类型的标准单位编号（kwh、m3、t、tco2e …）：可按同量纲的任意单位填报，"
                 "按此单位存储", "A quantity's canonical unit id (kwh, m3, t, tco2e …): figures "
                 "may be entered in any unit of its dimension and are stored in this one"),
    "owner": ("负责部门（departments 表中的编号）", "The department that supplies it "
              "(an id of the departments sheet)"),
    "aggregation": ("合并方式：sum 相加、formula 按公式、weighted_mean 加权平均、none 不合并",
                    "How the group's figure is made: sum, formula, weighted_mean, none"),
    "entered_at": ("在哪一级填报：site 地点（树的末端）、company 公司、group 集团；"
                   "上级只显示下级的合并数",
                   "Where it is typed: site (the tree's leaves), company or group; the levels "
                   "above show their children's consolidation"),
    "formula": ("由指标编号组成的公式，例如 a + b", "A formula over indicator ids, like a + b"),
    "weight": ("加权平均的权重指标", "The indicator a weighted mean is weighted by"),
    "min": ("最小值", "The smallest figure allowed"), "max": ("最大值", "The largest allowed"),
    "max_change": ("与上年相比允许的变化（0.3 = ±30%）",
                   "The change from last year allowed without an explanation (0.3 = ±30 %)"),
    "repeats": ("yes：每年数字通常相同", "yes: the figure usually stays the same"),
    "required": ("yes：必须填写", "yes: a figure is required"),
    "target": ("本指标是其目标的指标", "The indicator this one is the target of"),
    "next_target": ("上年报告中的下一年目标指标", "The indicator last year's report printed "
                    "as next year's target"),
    "better": ("higher 越高越好 / lower 越低越好", "higher or lower is better"),
    "gri": ("GRI 编号，逗号分隔；留空沿用章节的，- 表示没有",
            "GRI codes, comma-separated; empty: the section's, '-': none"),
    "cass": ("CASS-ESG 编号，逗号分隔", "CASS-ESG codes, comma-separated"),
    "szse": ("深交所指引第 17 号条款，逗号分隔", "SZSE Guideline No. 17 items, comma-separated"),
    "hkex": ("港交所 ESG 守则条款，逗号分隔", "HKEX ESG Code items, comma-separated"),
    "note": ("说明", "A note"),
    "section": ("所属章节（sections 表中的编号）", "The section (an id of the sections sheet)"),
    "retired": ("yes：已停用，数据保留，不再收集", "yes: retired, figures kept, no longer "
                "collected"),
    "chapter": ("所属篇章（chapters 表中的编号）", "The chapter (an id of the chapters sheet)"),
    "title_zh": ("中文标题", "The Chinese title"), "title_en": ("英文标题", "The English title"),
    "layout": ("版式：years 按年度、sites 按地点、matrix 矩阵",
               "The layout: years, sites or matrix"),
    "order": ("顺序（数字，可用 2.5 插在 2 和 3 之间）",
              "The order (a number; 2.5 goes between 2 and 3)"),
    "source": ("来源：table、text、chart、added", "Where the report shows it: table, text, "
               "chart, added"),
    "years": ("列出的年份数", "How many years it shows"),
    "header_zh": ("第一列的中文表头", "The first column's heading in Chinese"),
    "header_en": ("第一列的英文表头", "The first column's heading in English"),
    "unit_column": ("yes：显示单位列", "yes: a unit column is shown"),
    "sites": ("按地点表格的地点编号，逗号分隔", "A per-site table's site codes, comma-separated"),
    "table": ("所属表格（tables 表中的编号）", "The table (an id of the tables sheet)"),
    "indicator": ("指标编号；分组标题行留空", "The indicator's id; empty for a group heading"),
    "heading_zh": ("行的中文名称（留空使用指标名称）；分组标题行的文字",
                   "The row's Chinese label (empty: the indicator's); a group heading's text"),
    "heading_en": ("行的英文名称", "The row's English label"),
    "indent": ("缩进级别（0、1、2）", "The indent (0, 1, 2)"),
    "cells": ("matrix 表的单元格：列=指标; 列=指标", "A matrix row: column=indicator; "
              "column=indicator"),
    "key": ("键", "The key"), "value": ("值", "The value"),
    "zh": ("中文文字", "The Chinese text"), "en": ("英文文字", "The English text"),
    "number": ("篇章编号（如 04）", "The chapter's number (like 04)"),
    "short_title_zh": ("中文简称（工作表名称）", "The short Chinese title (a sheet's name)"),
    "short_title_en": ("英文简称（工作表名称）", "The short English title (a sheet's name)"),
    "page": ("页码", "The page"), "name_zh": ("中文名称", "The Chinese name"),
    "name_en": ("英文名称", "The English name"),
    "kind": ("校验种类：" + ", ".join(CHECK_KINDS), "The kind: " + ", ".join(CHECK_KINDS)),
    "label_zh.checks": ("校验的中文名称", "The check's Chinese name"),
    "total": ("合计指标", "The total"),
    "parts": ("分项指标，逗号分隔", "The parts, comma-separated"),
    "indicators": ("应相同的指标，逗号分隔", "The indicators that show the same figure"),
    "complete": ("yes：分项应恰好等于合计", "yes: the parts add up to the whole total"),
    "severity": ("级别：error、warning、info", "error, warning or info"),
}

# The drop-down lists: fixed choices from the hidden lists sheet; ids from the sheets' own id
# columns, so that an item added to the book can be chosen at once.
CHOICES: dict[str, tuple[str, ...]] = {
    "type": TYPE_NAMES, "aggregation": AGGREGATIONS, "entered_at": ENTRY_LEVELS,
    "layout": LAYOUTS, "source": SOURCES,
    "better": BETTER, "kind": CHECK_KINDS, "severity": SEVERITIES, "yesno": (YES, NO),
    "quantity": tuple(unit.id for unit in UNITS),
}
DROP_DOWNS: dict[tuple[str, str], tuple[str, bool]] = {  # → (list, blank allowed)
    ("indicators", "type"): ("type", False), ("indicators", "owner"): ("departments", False),
    ("indicators", "quantity"): ("quantity", True),
    ("indicators", "aggregation"): ("aggregation", False),
    ("indicators", "entered_at"): ("entered_at", True),
    ("indicators", "weight"): ("indicators", True), ("indicators", "repeats"): ("yesno", True),
    ("indicators", "required"): ("yesno", True), ("indicators", "target"): ("indicators", True),
    ("indicators", "next_target"): ("indicators", True),
    ("indicators", "better"): ("better", True), ("indicators", "section"): ("sections", False),
    ("indicators", "retired"): ("yesno", True),
    ("tables", "chapter"): ("chapters", False), ("tables", "section"): ("sections", False),
    ("tables", "layout"): ("layout", False), ("tables", "source"): ("source", True),
    ("tables", "unit_column"): ("yesno", True),
    ("columns", "table"): ("tables", False),
    ("rows", "table"): ("tables", False), ("rows", "indicator"): ("indicators", True),
    ("sections", "chapter"): ("chapters", False),
    ("checks", "chapter"): ("chapters", False), ("checks", "kind"): ("kind", False),
    ("checks", "total"): ("indicators", True), ("checks", "indicator"): ("indicators", True),
    ("checks", "complete"): ("yesno", True), ("checks", "severity"): ("severity", True),
}


# -- writing --------------------------------------------------------------------------------

def write_catalogue_book(document: dict, out: Path, lang: str = "zh",
                         year: int | None = None) -> Path:
    """Write a catalogue edition's document as a workbook a coordinator edits: an
    instructions sheet, one sheet per kind of item, a hidden sheet of drop-down choices.
    `lang` is the language the instructions come first in and the headers' notes are in;
    `year` the reporting year the book says it is of (the document's own by default)."""
    from openpyxl import Workbook

    catalogue, _problems = read_document(document, year)
    canonical_document = to_document(catalogue)
    data = _book_rows(canonical_document)
    writer = _Writer(Workbook(), lang)
    writer.instructions(catalogue)
    for sheet_id in SHEETS:
        writer.sheet(sheet_id, data[sheet_id])
    writer.lists()
    writer.drop_downs({k: len(v) for k, v in data.items()})
    return save_atomically(writer.book, Path(out))


def _words(label: dict | None) -> tuple[str, str]:
    label = label or {}
    return str(label.get("zh", "")), str(label.get("en", ""))


def _yes_no(flag: bool | None) -> str | None:
    return None if flag is None else (YES if flag else NO)


def _joined(items: Any) -> str:
    return ", ".join(str(i) for i in items or ())


def _book_rows(document: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """Each sheet's rows (cell values in COLUMNS order) for a canonical document."""
    meta = document.get("catalogue", {})
    data: dict[str, list[list[Any]]] = {sheet: [] for sheet in SHEETS}
    report, company = _words(meta.get("report")), _words(meta.get("company"))
    data["catalogue"] = [["version", str(meta.get("version", ""))], ["report_zh", report[0]],
                         ["report_en", report[1]], ["company_zh", company[0]],
                         ["company_en", company[1]], ["report_year", meta.get("report_year")],
                         *([f"mark_{state}", mark]
                           for state, mark in {**DEFAULT_MARKS, **meta.get("marks", {})}.items())]
    for key, value in meta.get("rules", {}).items():
        if key == "slips" and isinstance(value, dict):
            for unit, slip in value.items():
                data["rules"].append([f"slips:{unit}", None, *_words(slip)])
        else:
            shown = _yes_no(value) if isinstance(value, bool) else value
            data["rules"].append([key, shown, None, None])
    for key, name in meta.get("departments", {}).items():
        data["departments"].append([key, *_words(name)])
    sections: dict[str, dict[str, Any]] = {}
    for chapter in document.get("chapters", []):
        head = chapter["chapter"]
        data["chapters"].append([head["id"], head.get("number", ""), head.get("order"),
                                 *_words(head.get("title")), *_words(head.get("short_title"))])
        for section in chapter.get("sections", []):
            sections[section["id"]] = section
            data["sections"].append([section["id"], head["id"], *_words(section.get("title")),
                                     section.get("page"),
                                     *(_joined(section.get(k)) for k in FRAMEWORKS)])
    indicators = [i for chapter in document.get("chapters", []) for i in chapter["indicators"]]
    for raw in indicators:
        data["indicators"].append(_indicator_row(raw, sections, retired=False))
    for raw in document.get("retired", []):
        data["indicators"].append(_indicator_row(raw, sections, retired=True))
    for chapter in document.get("chapters", []):
        cid = chapter["chapter"]["id"]
        for order, table in enumerate(chapter.get("tables", []), start=1):
            data["tables"].append([
                table["id"], cid, table.get("section"), *_words(table.get("title")),
                table.get("layout"), order, table.get("source"), table.get("years"),
                *_words(table.get("header")), _yes_no(table.get("unit_column", True)),
                _joined(table.get("sites"))])
            for column in table.get("columns", []):
                data["columns"].append([table["id"], column["key"], *_words(column["title"])])
            for number, row in enumerate(table.get("rows", []), start=1):
                data["rows"].append(_row_row(table["id"], number, row))
        for check in chapter.get("checks", []):
            data["checks"].append([
                cid, check.get("kind"), *_words(check.get("label")), check.get("total"),
                _joined(check.get("parts")), _joined(check.get("indicators")),
                check.get("indicator"), check.get("formula"),
                _yes_no(check.get("complete", True)), check.get("severity")])
    return data


def _indicator_row(raw: dict[str, Any], sections: dict[str, dict[str, Any]],
                   retired: bool) -> list[Any]:
    rules = raw.get("rules", {})
    section = sections.get(raw.get("section", ""), {})
    codes = []
    for key in FRAMEWORKS:
        own = raw.get(key, [])
        codes.append(_joined(own) if own else (NONE_MARK if section.get(key) else ""))
    return [raw["id"], *_words(raw.get("label")), *_words(raw.get("unit")), raw.get("type"),
            raw.get("precision"), raw.get("quantity"), raw.get("owner"), raw.get("aggregation"),
            raw.get("entered_at"), raw.get("formula"),
            raw.get("weight"), rules.get("min"), rules.get("max"), rules.get("max_change"),
            _yes_no(rules.get("repeats")), _yes_no(rules.get("required")), rules.get("target"),
            rules.get("next_target"), rules.get("better"), *codes, raw.get("note") or None,
            raw.get("section"), YES if retired else NO]


def _row_row(table_id: str, order: int, row: dict[str, Any]) -> list[Any]:
    if "group" in row:
        return [table_id, order, None, *_words(row["group"]), None, None]
    label = _words(row["label"]) if "label" in row else (None, None)
    cells = "; ".join(f"{k}={v}" for k, v in row.get("cells", {}).items()) or None
    return [table_id, order, row.get("indicator"), *label, row.get("indent", 0), cells]


class _Writer:
    """The book's sheets in the house styles."""

    def __init__(self, book: Any, lang: str) -> None:
        self.book = book
        self.lang = "zh" if lang == "zh" else "en"
        house_styles(self)

    def _say(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.lang == "zh" else pair[1]

    def instructions(self, catalogue: Catalogue) -> None:
        from openpyxl.styles import Font

        sheet = self.book.active
        sheet.title = INSTRUCTIONS
        titles = {"zh": f"指标目录工作簿 · 版本 {catalogue.version} · {catalogue.report_year} 年",
                  "en": f"Catalogue workbook · version {catalogue.version} · "
                        f"{catalogue.report_year}"}
        intro = {"zh": "本工作簿是 esgdesk 指标目录的一个版本。在 Excel 或 LibreOffice 中修改后用 "
                       "esgdesk 导入：导入前会检查全部内容，每个问题都会指出工作表和单元格。",
                 "en": "This workbook is an edition of esgdesk's catalogue. Edit it in Excel or "
                       "LibreOffice and import it with esgdesk: everything is checked first, "
                       "and every problem is named by sheet and cell."}
        sheets_word = {"zh": "各工作表", "en": "The sheets"}
        row = 1
        for lang in (self.lang, "en" if self.lang == "zh" else "zh"):
            set_value(sheet.cell(row, 1), titles[lang]).font = self.title_font
            set_value(sheet.cell(row + 1, 1), intro[lang]).alignment = self.wrap
            sheet.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=2)
            sheet.row_dimensions[row + 1].height = 15 * lines_needed(intro[lang], 114)
            row += 3
            set_value(sheet.cell(row, 1), sheets_word[lang]).font = self.bold
            row += 1
            for sheet_id, words in SHEET_HELP.items():
                set_value(sheet.cell(row, 1), sheet_id).font = self.bold
                text = words[0] if lang == "zh" else words[1]
                set_value(sheet.cell(row, 2), text).alignment = self.wrap
                row += 1
            row += 1
            for line in INSTRUCTION_LINES[lang]:
                set_value(sheet.cell(row, 1), "•")
                set_value(sheet.cell(row, 2), line).alignment = self.wrap
                row += 1
            row += 2
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 100
        sheet.cell(1, 1).font = Font(bold=True, size=14)
        # Rows as high as their wrapped text (no spreadsheet sizes them on opening), and
        # the sheet printed on A4, landscape, one page wide.
        for cells in sheet.iter_rows():
            if len(cells) > 1 and isinstance(cells[1].value, str):
                lines = lines_needed(cells[1].value, 100)
                if lines > 1:
                    sheet.row_dimensions[cells[1].row].height = 15 * lines
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True

    def sheet(self, sheet_id: str, rows: list[list[Any]]) -> None:
        from openpyxl.comments import Comment
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(sheet_id)
        columns = COLUMNS[sheet_id]
        widths = [text_width(c, bold=True) + 3 for c in columns]
        for index, column in enumerate(columns, start=1):
            cell = set_value(sheet.cell(1, index), column)
            cell.font, cell.fill, cell.border = self.bold, self.header_fill, self.border
            help_text = COLUMN_HELP.get(f"{column}.{sheet_id}") or COLUMN_HELP.get(column)
            if help_text:
                cell.comment = Comment(self._say(help_text), "esgdesk", height=90, width=260)
        grey = Font(color="808080")
        for number, values in enumerate(rows, start=2):
            retired = sheet_id == "indicators" and values[-1] == YES
            for index, value in enumerate(values, start=1):
                if value is None or value == "":
                    continue
                cell = set_value(sheet.cell(number, index), value)
                if retired:
                    cell.font = grey
                width = text_width(str(value)) + 2
                widths[index - 1] = max(widths[index - 1], min(width, 60))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "B2" if sheet_id in ("indicators", "tables") else "A2"
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"

    def lists(self) -> None:
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(LISTS)
        for index, (name, choices) in enumerate(CHOICES.items(), start=1):
            set_value(sheet.cell(1, index), name).font = self.bold
            for number, choice in enumerate(choices, start=2):
                set_value(sheet.cell(number, index), choice)
            sheet.column_dimensions[get_column_letter(index)].width = 16
        sheet.sheet_state = "hidden"

    def drop_downs(self, counts: dict[str, int]) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        choice_columns = {name: get_column_letter(i) for i, name in enumerate(CHOICES, 1)}
        for (sheet_id, column), (source, blank) in DROP_DOWNS.items():
            if source in choice_columns:
                letter = choice_columns[source]
                formula = f"{LISTS}!${letter}$2:${letter}${len(CHOICES[source]) + 1}"
                style = "stop"
            else:  # the id column of another sheet: new ids may be typed before they exist
                formula = f"{source}!$A$2:$A${counts[source] + 1 + EXTRA_ROWS}"
                style = "warning"
            letter = get_column_letter(COLUMNS[sheet_id].index(column) + 1)
            validation = DataValidation(type="list", formula1=formula, allow_blank=blank,
                                        errorStyle=style, showErrorMessage=True)
            validation.errorTitle = "esgdesk"
            validation.error = self._say(("请从列表中选择", "Choose from the list"))
            sheet = self.book[sheet_id]
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{counts[sheet_id] + 1 + EXTRA_ROWS}")


# -- reading --------------------------------------------------------------------------------

@dataclass
class _Line:
    """One row of a sheet: its values by column id, and where each column is."""

    sheet: str
    row: int
    values: dict[str, Any]
    letters: dict[str, str]

    def address(self, column: str) -> str:
        return f"{self.letters.get(column, 'A')}{self.row}"

    def blank(self, column: str) -> bool:
        return _blank(self.values.get(column))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain(value: Any) -> str:
    """A cell's value as text, as a spreadsheet program shows it plainly."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return canonical(Decimal(repr(value))) if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        return Decimal(str(value).strip().replace(",", "")).is_finite()
    except InvalidOperation:
        return False


def _norm_unit(text: str) -> str:
    return "".join(text.split()).casefold()


@dataclass
class _Located:
    """Where the book holds each item, to name a problem the catalogue's checks find."""

    indicators: dict[str, _Line] = field(default_factory=dict)
    tables: dict[str, _Line] = field(default_factory=dict)
    sections: dict[str, _Line] = field(default_factory=dict)
    chapters: dict[str, _Line] = field(default_factory=dict)
    departments: dict[str, _Line] = field(default_factory=dict)
    meta: dict[str, _Line] = field(default_factory=dict)
    rows: dict[str, list[_Line]] = field(default_factory=dict)  # by table
    columns: dict[str, list[_Line]] = field(default_factory=dict)  # by table
    checks: list[_Line] = field(default_factory=list)


@dataclass
class _Book:
    document: dict[str, Any]
    problems: list[Problem]
    located: _Located


class _Reader:
    """Reads a catalogue workbook, collecting every problem instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.located = _Located()

    # -- problems and values ----------------------------------------------------------
    def at(self, line: _Line, column: str, code: str, en: str, zh: str,
           indicator: str = "") -> None:
        self.problems.append(Problem(code, en, zh, line.sheet, line.address(column), indicator))

    def text(self, line: _Line, column: str, required: bool = False) -> str:
        text = _plain(line.values.get(column))
        problem = cell_text_problem(text)
        if problem:
            self.at(line, column, TEXT_REFUSED, f"{column}: the text {problem}",
                    f"{column}：文字无法接受：{cell_text_problem(text, 'zh')}")
            return ""
        if required and not text:
            self.at(line, column, MISSING_VALUE, f"{column} is empty; it is needed",
                    f"{column} 为空，必须填写")
        return text

    def ident(self, line: _Line, column: str, pattern: re.Pattern[str] = _ID) -> str:
        text = self.text(line, column, required=True)
        if text and not pattern.fullmatch(text):
            self.at(line, column, BAD_ID, f"'{text}' is not a valid id (lower-case letters, "
                    "digits, '_', '.' and '-', no spaces)",
                    f"“{text}”不是有效的编号（小写字母、数字、_ . -，不含空格）")
        return text

    def label(self, line: _Line, prefix: str, required: bool = True) -> dict[str, str] | None:
        zh, en = self.text(line, f"{prefix}_zh"), self.text(line, f"{prefix}_en")
        if not required and not zh and not en:
            return None
        for lang, text in (("zh", zh), ("en", en)):
            if not text:
                self.at(line, f"{prefix}_{lang}", MISSING_VALUE,
                        f"{prefix}_{lang} is empty; a text needs both zh and en",
                        f"{prefix}_{lang} 为空；文字需要中文和英文")
        return {"zh": zh, "en": en}

    def number(self, line: _Line, column: str, whole: bool = False,
               fraction: bool = False) -> int | float | None:
        """A number typed in a cell (None when empty): whole numbers as int, fractions
        (`fraction`: always) as float."""
        value = line.values.get(column)
        if _blank(value):
            return None
        parsed: Decimal | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            parsed = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        elif isinstance(value, str):
            text = value.strip().replace(",", "")
            percent = fraction and text.endswith("%")
            try:
                parsed = Decimal(text.rstrip("%").strip())
                if percent:
                    parsed /= 100
            except InvalidOperation:
                parsed = None
        if parsed is None or not parsed.is_finite() or (whole and parsed != int(parsed)):
            what = "a whole number" if whole else "a number"
            what_zh = "整数" if whole else "数字"
            self.at(line, column, NOT_A_NUMBER, f"{column}: '{_plain(value)}' is not {what}",
                    f"{column}：“{_plain(value)}”不是{what_zh}")
            return None
        if fraction:
            return float(parsed)
        return int(parsed) if parsed == int(parsed) else float(parsed)

    def whole(self, line: _Line, column: str, default: int | None = None,
              low: int = 0, high: int = 10_000) -> int | None:
        value = self.number(line, column, whole=True)
        if value is None:
            return default
        if not low <= int(value) <= high:
            self.at(line, column, NOT_A_NUMBER, f"{column}: {value} is not between {low} and "
                    f"{high}", f"{column}：{value} 不在 {low} 到 {high} 之间")
            return default
        return int(value)

    def yes_no(self, line: _Line, column: str, default: bool | None) -> bool | None:
        value = line.values.get(column)
        if isinstance(value, bool):
            return value
        text = _plain(value).casefold()
        if not text:
            return default
        if text in YES_WORDS:
            return True
        if text in NO_WORDS:
            return False
        self.at(line, column, NOT_YES_NO, f"{column}: '{_plain(value)}' is neither yes nor no",
                f"{column}：“{_plain(value)}”应为 yes 或 no")
        return default

    def choice(self, line: _Line, column: str, choices: tuple[str, ...], default: str,
               code: str = NOT_A_CHOICE) -> str:
        text = self.text(line, column).strip()
        if not text:
            if not default:
                self.at(line, column, MISSING_VALUE, f"{column} is empty; one of "
                        f"{', '.join(choices)}", f"{column} 为空，应为 {', '.join(choices)} 之一")
            return default
        lowered = text.lower()
        if lowered not in choices:
            self.at(line, column, code, f"{column} '{text}' is not one of {', '.join(choices)}",
                    f"{column}“{text}”不是 {', '.join(choices)} 之一")
            return text
        return lowered

    def items(self, line: _Line, column: str) -> list[str]:
        return [part.strip() for part in _SPLIT.split(self.text(line, column)) if part.strip()]

    def unique(self, seen: dict[str, _Line], key: str, line: _Line, column: str,
               what: str) -> bool:
        if not key:
            return False
        if key in seen:
            first = seen[key]
            self.at(line, column, DUPLICATE_ID, f"{what} '{key}' is there twice (first in row "
                    f"{first.row})", f"{what}“{key}”重复（第一次在第 {first.row} 行）")
            return False
        seen[key] = line
        return True

    # -- the sheets -------------------------------------------------------------------
    def lines(self, book: Any, names: dict[str, str], sheet_id: str) -> list[_Line]:
        from openpyxl.utils import get_column_letter

        name = names.get(sheet_id)
        if name is None:
            self.problems.append(Problem(
                SHEET_MISSING, f"the sheet '{sheet_id}' is missing (renamed or deleted)",
                f"缺少工作表“{sheet_id}”（被改名或删除）", sheet_id))
            return []
        rows = book[name].iter_rows()
        header = next(rows, ())
        positions: dict[str, int] = {}
        for index, cell in enumerate(header):
            key = _plain(cell.value).lower()
            if key and key not in positions:
                positions[key] = index
        letters = {key: get_column_letter(index + 1) for key, index in positions.items()}
        free = get_column_letter(len(header) + 1)
        for column in COLUMNS[sheet_id]:
            if column not in positions:
                self.problems.append(Problem(
                    COLUMN_MISSING, f"the column '{column}' is missing from the header row",
                    f"标题行缺少列“{column}”", name, f"{free}1"))
        found = []
        for number, row in enumerate(rows, start=2):
            values: dict[str, Any] = {}
            formula_at = None
            for key, index in positions.items():
                if index >= len(row):
                    continue
                cell = row[index]
                if getattr(cell, "data_type", "") == "f":
                    formula_at = formula_at or key
                    continue
                values[key] = cell.value
            line = _Line(name, number, values, letters)
            if formula_at:
                self.at(line, formula_at, FORMULA_CELL, f"{formula_at}: a spreadsheet formula; "
                        "type the value itself", f"{formula_at}：此处是电子表格公式，请直接填写值")
            if formula_at or not all(_blank(v) for v in values.values()):
                found.append(line)
        return found

    def read(self, book: Any) -> dict[str, Any]:
        names = {n.strip().lower(): n for n in book.sheetnames}
        sheets = {sheet_id: self.lines(book, names, sheet_id) for sheet_id in SHEETS}
        meta = self.meta(sheets["catalogue"], sheets["rules"])
        meta["departments"] = self.departments(sheets["departments"])
        chapters = self.chapters(sheets["chapters"])
        section_chapter = self.sections(sheets["sections"], chapters)
        retired = self.indicators(sheets["indicators"], chapters, section_chapter, meta)
        tables = self.tables(sheets["tables"], chapters)
        self.columns(sheets["columns"], tables)
        in_use = {i["id"] for c in chapters.values() for i in c["indicators"]}
        self.rows(sheets["rows"], tables, in_use, {r["id"] for r in retired})
        self.checks(sheets["checks"], chapters, in_use)
        document: dict[str, Any] = {"catalogue": meta, "chapters": list(chapters.values())}
        if retired:
            document["retired"] = retired
        return document

    def meta(self, lines: list[_Line], rule_lines: list[_Line]) -> dict[str, Any]:
        given: dict[str, str] = {}
        for line in lines:
            key = self.text(line, "key").lower()
            if key not in META_KEYS:
                self.at(line, "key", UNKNOWN_KEY, f"'{key}' is not one of {', '.join(META_KEYS)}",
                        f"“{key}”不是 {', '.join(META_KEYS)} 之一")
                continue
            if self.unique(self.located.meta, key, line, "key", "key"):
                given[key] = self.text(line, "value", required=key != "report_year")
        for key in META_KEYS:
            if key not in given and key in ("version", "report_zh", "report_en"):
                self.problems.append(Problem(
                    MISSING_VALUE, f"the catalogue sheet has no '{key}' row",
                    f"catalogue 工作表缺少“{key}”一行", "catalogue"))
        meta: dict[str, Any] = {
            "version": given.get("version", ""),
            "report": {"zh": given.get("report_zh", ""), "en": given.get("report_en", "")},
            "company": {"zh": given.get("company_zh", ""), "en": given.get("company_en", "")},
        }
        year_line = self.located.meta.get("report_year")
        if year_line is not None:
            year = self.whole(year_line, "value", None, 1900, 2200)
            if year is not None:
                meta["report_year"] = year
        meta["rules"] = self.rules(rule_lines)
        marks = {state: given[f"mark_{state}"] for state in DEFAULT_MARKS
                 if given.get(f"mark_{state}")}
        if marks:  # what the report prints for n/a and not available; blank: the default
            meta["marks"] = marks
        return meta

    def rules(self, lines: list[_Line]) -> dict[str, Any]:
        rules: dict[str, Any] = {}
        slips: dict[str, dict[str, str]] = {}
        seen: dict[str, _Line] = {}
        for line in lines:
            key = self.text(line, "key", required=True)
            if not self.unique(seen, key, line, "key", "rule"):
                continue
            if key.lower().startswith("slips:"):
                unit = key.split(":", 1)[1].strip()
                zh, en = self.text(line, "zh"), self.text(line, "en")
                for lang, text in (("zh", zh), ("en", en)):
                    if not text:
                        self.at(line, lang, MISSING_VALUE, f"{lang} is empty; a slip needs both",
                                f"{lang} 为空；提示需要中文和英文")
                slips[unit] = {"zh": zh, "en": en}
                continue
            if line.blank("value"):
                self.at(line, "value", MISSING_VALUE, f"rule '{key}' has no value",
                        f"规则“{key}”没有值")
                continue
            value = line.values["value"]
            flag = _plain(value).lower()
            if flag in (YES, NO):
                rules[key] = flag == YES
            elif key in NUMERIC_DEFAULTS or _numeric(value):
                number = self.number(line, "value", fraction=key in FRACTION_RULES)
                if number is not None:
                    rules[key] = number
            else:
                rules[key] = self.text(line, "value")
        if slips:
            rules["slips"] = slips
        return rules

    def departments(self, lines: list[_Line]) -> dict[str, dict[str, str]]:
        found = {}
        for line in lines:
            key = self.ident(line, "id")
            if self.unique(self.located.departments, key, line, "id", "department"):
                found[key] = self.label(line, "name") or {"zh": "", "en": ""}
        return found

    def chapters(self, lines: list[_Line]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for line in lines:
            cid = self.ident(line, "id")
            if not self.unique(self.located.chapters, cid, line, "id", "chapter"):
                continue
            head = {"id": cid, "number": self.text(line, "number"),
                    "order": self.whole(line, "order", 99),
                    "title": self.label(line, "title"),
                    "short_title": self.label(line, "short_title")}
            found[cid] = {"chapter": head, "sections": [], "indicators": [], "tables": [],
                          "checks": []}
        return found

    def chapter_of(self, line: _Line, column: str, chapters: dict[str, dict[str, Any]],
                   ) -> dict[str, Any] | None:
        cid = self.text(line, column, required=True)
        if cid and cid not in chapters:
            self.at(line, column, UNKNOWN_CHAPTER, f"no chapter '{cid}' in the chapters sheet",
                    f"chapters 工作表中没有篇章“{cid}”")
        return chapters.get(cid) or next(iter(chapters.values()), None)

    def sections(self, lines: list[_Line], chapters: dict[str, dict[str, Any]],
                 ) -> dict[str, str]:
        section_chapter: dict[str, str] = {}
        for line in lines:
            sid = self.ident(line, "id")
            if not self.unique(self.located.sections, sid, line, "id", "section"):
                continue
            chapter = self.chapter_of(line, "chapter", chapters)
            section: dict[str, Any] = {"id": sid, "title": self.label(line, "title")}
            page = self.whole(line, "page", None, 0, 100_000)
            if page is not None:
                section["page"] = page
            for key in FRAMEWORKS:
                section[key] = self.items(line, key)
            if chapter is not None:
                chapter["sections"].append(section)
                section_chapter[sid] = chapter["chapter"]["id"]
        return section_chapter

    def indicators(self, lines: list[_Line], chapters: dict[str, dict[str, Any]],
                   section_chapter: dict[str, str], meta: dict[str, Any],
                   ) -> list[dict[str, Any]]:
        located = self.located.indicators
        retired_flags: dict[str, bool] = {}
        for line in lines:
            iid = self.ident(line, "id", _INDICATOR_ID)
            if self.unique(located, iid, line, "id", "indicator"):
                retired_flags[iid] = bool(self.yes_no(line, "retired", False))
        in_use = {i for i, flag in retired_flags.items() if not flag}
        retired: list[dict[str, Any]] = []
        first_chapter = next(iter(chapters), "")
        for iid, line in located.items():
            raw = self.indicator(line, iid, in_use, set(meta["departments"]), section_chapter)
            cid = section_chapter.get(raw["section"], first_chapter)
            if retired_flags[iid]:
                retired.append({**raw, "chapter": cid})
            elif cid in chapters:
                chapters[cid]["indicators"].append(raw)
        return retired

    def indicator(self, line: _Line, iid: str, in_use: set[str], departments: set[str],
                  section_chapter: dict[str, str]) -> dict[str, Any]:
        retired = iid not in in_use
        label = self.label(line, "label") or {"zh": "", "en": ""}
        type_name = self.choice(line, "type", TYPE_NAMES, "", code=UNKNOWN_TYPE)
        raw: dict[str, Any] = {"id": iid, "label": label, "type": type_name}
        unit = {"zh": self.text(line, "unit_zh"), "en": self.text(line, "unit_en")}
        raw["unit"] = unit
        if type_name in NEEDS_PRECISION:
            precision = self.whole(line, "precision", None, 0, 10)
            if precision is None and line.blank("precision"):
                self.at(line, "precision", MISSING_VALUE, f"a {type_name} needs a precision "
                        "(decimals kept)", f"{type_name} 类型需要填写小数位数")
            raw["precision"] = 0 if precision is None else precision
        if type_name == "quantity":
            raw["quantity"] = self.choice(line, "quantity", CHOICES["quantity"], "",
                                          code=NOT_A_CHOICE)
        owner = self.text(line, "owner", required=True)
        if owner and owner not in departments:
            self.at(line, "owner", UNKNOWN_DEPARTMENT, f"no department '{owner}' in the "
                    "departments sheet", f"departments 工作表中没有部门“{owner}”", iid)
        raw["owner"] = owner
        section = self.text(line, "section", required=True)
        if section and section not in section_chapter:
            self.at(line, "section", UNKNOWN_SECTION, f"no section '{section}' in the sections "
                    "sheet", f"sections 工作表中没有章节“{section}”", iid)
        raw["section"] = section
        raw["aggregation"] = self.choice(line, "aggregation", AGGREGATIONS, "")
        if self.text(line, "entered_at").strip():  # blank: where its aggregation says
            raw["entered_at"] = self.choice(line, "entered_at", ENTRY_LEVELS, "")
        text = self.text(line, "formula")
        if text:
            raw["formula"] = text
            self.formula(line, "formula", text, None if retired else in_use, iid)
        weight = self.text(line, "weight")
        if weight:
            raw["weight"] = weight
            self.known(line, "weight", weight, in_use, iid, retired)
        rules: dict[str, Any] = {}
        for key in ("min", "max"):
            number = self.number(line, key)
            if number is not None:
                rules[key] = number
        change = self.number(line, "max_change", fraction=True)
        if change is not None:
            rules["max_change"] = change
        for key in ("repeats", "required"):
            flag = self.yes_no(line, key, None)
            if flag is not None:
                rules[key] = flag
        for key in ("target", "next_target"):
            target = self.text(line, key)
            if target:
                rules[key] = target
                self.known(line, key, target, in_use, iid, retired)
        if not line.blank("better"):
            rules["better"] = self.choice(line, "better", BETTER, "higher")
        if rules:
            raw["rules"] = rules
        note = self.text(line, "note")
        if note:
            raw["note"] = note
        for key in FRAMEWORKS:
            codes = self.items(line, key)
            if codes == [NONE_MARK]:
                raw[key] = []
            elif codes:
                raw[key] = codes
        return raw

    def known(self, line: _Line, column: str, iid: str, in_use: set[str], owner: str,
              retired: bool) -> None:
        if not retired and iid not in in_use:
            self.at(line, column, UNKNOWN_INDICATOR, f"{column} names '{iid}', which is no "
                    "indicator in use", f"{column} 所指的“{iid}”不是在用的指标", owner)

    def formula(self, line: _Line, column: str, text: str, known: set[str] | None,
                owner: str = "") -> None:
        try:
            parsed = formulas.parse(text)
        except formulas.FormulaError as exc:
            self.at(line, column, BAD_FORMULA, f"the formula cannot be read: {exc}",
                    f"公式无法读取：{exc}", owner)
            return
        unknown = [i for i in parsed.indicators if known is not None and i not in known]
        if unknown:
            self.at(line, column, UNKNOWN_INDICATOR, "the formula names "
                    f"{', '.join(unknown)}, which is no indicator in use",
                    f"公式中的 {', '.join(unknown)} 不是在用的指标", owner)

    def tables(self, lines: list[_Line], chapters: dict[str, dict[str, Any]],
               ) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        placed: list[tuple[dict[str, Any], float, int, dict[str, Any]]] = []
        for position, line in enumerate(lines):
            tid = self.ident(line, "id")
            if not self.unique(self.located.tables, tid, line, "id", "table"):
                continue
            chapter = self.chapter_of(line, "chapter", chapters)
            section = self.text(line, "section", required=True)
            if section and section not in self.located.sections:
                self.at(line, "section", UNKNOWN_SECTION, f"no section '{section}' in the "
                        "sections sheet", f"sections 工作表中没有章节“{section}”")
            layout = self.choice(line, "layout", LAYOUTS, "years")
            table: dict[str, Any] = {
                "id": tid, "section": section, "title": self.label(line, "title"),
                "source": self.choice(line, "source", SOURCES, "table"), "layout": layout,
                "years": self.whole(line, "years", 3, 1, 20),
                "header": self.label(line, "header", required=False)
                or {"zh": "指标", "en": "Indicator"},
                "unit_column": self.yes_no(line, "unit_column", True),
            }
            sites = self.items(line, "sites")
            if sites:
                table["sites"] = sites
            table["columns"], table["rows"] = [], []
            order = self.number(line, "order")
            if chapter is not None:
                placed.append((chapter, float(order) if order is not None else math.inf,
                               position, table))
            found[tid] = table
        for chapter, _order, _position, table in sorted(placed, key=lambda p: p[1:3]):
            chapter["tables"].append(table)
        return found

    def table_of(self, line: _Line, tables: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
        tid = self.text(line, "table", required=True)
        if tid and tid not in tables:
            self.at(line, "table", UNKNOWN_TABLE, f"no table '{tid}' in the tables sheet",
                    f"tables 工作表中没有表格“{tid}”")
        return tables.get(tid)

    def columns(self, lines: list[_Line], tables: dict[str, dict[str, Any]]) -> None:
        keys: dict[str, dict[str, _Line]] = {}
        for line in lines:
            table = self.table_of(line, tables)
            key = self.ident(line, "key")
            if table is None or not self.unique(keys.setdefault(table["id"], {}), key, line,
                                                "key", "column"):
                continue
            self.located.columns.setdefault(table["id"], []).append(line)
            table["columns"].append({"key": key, "title": self.label(line, "title")})

    def rows(self, lines: list[_Line], tables: dict[str, dict[str, Any]], in_use: set[str],
             retired: set[str]) -> None:
        ordered: dict[str, list[tuple[float, int, dict[str, Any]]]] = {}
        last_order: dict[str, float] = {}
        for position, line in enumerate(lines):
            table = self.table_of(line, tables)
            if table is None:
                continue
            row = self.row(line, table, in_use, retired)
            order = self.number(line, "order")
            effective = float(order) if order is not None else last_order.get(table["id"], 0.0)
            last_order[table["id"]] = effective
            if row is not None:
                self.located.rows.setdefault(table["id"], []).append(line)
                ordered.setdefault(table["id"], []).append((effective, position, row))
        for tid, rows in ordered.items():
            tables[tid]["rows"] = [row for _o, _p, row in sorted(rows, key=lambda r: r[:2])]

    def row(self, line: _Line, table: dict[str, Any], in_use: set[str], retired: set[str],
            ) -> dict[str, Any] | None:
        iid = self.text(line, "indicator")
        cells_text = self.text(line, "cells")
        heading = self.label(line, "heading", required=False)
        indent = self.whole(line, "indent", 0, 0, 9)
        if iid and cells_text:
            self.at(line, "cells", NOT_A_CHOICE, "a row shows an indicator or cells, not both",
                    "一行只能填写 indicator 或 cells 之一")
            return None
        if not iid and not cells_text:
            if heading is None:
                self.at(line, "indicator", MISSING_VALUE, "a row needs an indicator, cells or "
                        "a group heading", "一行需要 indicator、cells 或分组标题")
                return None
            return {"group": heading}
        row: dict[str, Any] = {}
        if iid:
            self.shown(line, "indicator", iid, in_use, retired)
            row["indicator"] = iid
        else:
            row["cells"] = self.cells(line, cells_text, table, in_use, retired)
        if heading is not None:
            row["label"] = heading
        row["indent"] = indent
        return row

    def shown(self, line: _Line, column: str, iid: str, in_use: set[str],
              retired: set[str]) -> None:
        if iid in retired:
            self.at(line, column, RETIRED_IN_TABLE, f"'{iid}' is retired and cannot be shown in "
                    "a table: remove the row, or set retired to no",
                    f"“{iid}”已停用，不能出现在表格中：删除此行，或将 retired 改为 no", iid)
        elif iid not in in_use:
            self.at(line, column, UNKNOWN_INDICATOR, f"no indicator '{iid}' in the indicators "
                    "sheet", f"indicators 工作表中没有指标“{iid}”", iid)

    def cells(self, line: _Line, text: str, table: dict[str, Any], in_use: set[str],
              retired: set[str]) -> dict[str, str]:
        cells: dict[str, str] = {}
        declared = {c["key"] for c in table["columns"]}
        for part in (p.strip() for p in re.split(r"[;；\n]", text)):
            if not part:
                continue
            key, equals, iid = (s.strip() for s in part.partition("="))
            if not equals or not key or not iid:
                self.at(line, "cells", NOT_A_CHOICE, f"'{part}' is not column=indicator",
                        f"“{part}”应写作 列=指标")
                continue
            if key not in declared:
                self.at(line, "cells", UNKNOWN_COLUMN, f"'{key}' is no column of table "
                        f"{table['id']} (see the columns sheet)",
                        f"“{key}”不是表格 {table['id']} 的列（见 columns 工作表）")
            self.shown(line, "cells", iid, in_use, retired)
            cells[key] = iid
        return cells

    def checks(self, lines: list[_Line], chapters: dict[str, dict[str, Any]],
               in_use: set[str]) -> None:
        for line in lines:
            chapter = self.chapter_of(line, "chapter", chapters)
            kind = self.choice(line, "kind", CHECK_KINDS, "")
            check: dict[str, Any] = {"kind": kind}
            label = self.label(line, "label", required=False)
            if label is not None:
                check["label"] = label
            for key in ("total", "indicator"):
                iid = self.text(line, key)
                if iid:
                    check[key] = iid
                    self.known(line, key, iid, in_use, "", False)
            for key in ("parts", "indicators"):
                ids = self.items(line, key)
                if ids:
                    check[key] = ids
                    unknown = [i for i in ids if i not in in_use]
                    if unknown:
                        self.at(line, key, UNKNOWN_INDICATOR, f"{key} names "
                                f"{', '.join(unknown)}, which is no indicator in use",
                                f"{key} 中的 {', '.join(unknown)} 不是在用的指标")
            text = self.text(line, "formula")
            if text:
                check["formula"] = text
                self.formula(line, "formula", text, in_use)
            check["complete"] = self.yes_no(line, "complete", True)
            if not line.blank("severity"):
                check["severity"] = self.choice(line, "severity", SEVERITIES, "error")
            self.located.checks.append(line)
            if chapter is not None:
                chapter["checks"].append(check)


def _open_book(path: Path) -> Any:
    """The workbook at `path`, read-only, after the checks every returned workbook passes;
    refused (FileRefused) when it is not a workbook or not a catalogue workbook."""
    if not path.is_file():
        raise NotFound("no such file", "没有这个文件", where=str(path))
    book = open_workbook(path, read_only=True)
    names = {n.strip().lower() for n in book.sheetnames}
    if "indicators" not in names or len(names & set(SHEETS)) < 3:
        book.close()
        raise FileRefused("not an esgdesk catalogue workbook (it has no indicators, tables, "
                          "rows ... sheets)", "不是 esgdesk 指标目录工作簿（没有 indicators、"
                          "tables、rows 等工作表）", where=path.name, kind="not_a_catalogue_book")
    return book


def _read_book(path: Path) -> _Book:
    path = Path(path)
    book = _open_book(path)
    reader = _Reader()
    try:
        document = reader.read(book)
    except EsgdeskError:
        raise
    except Exception as exc:  # a workbook damaged in a way no check above foresaw
        raise FileRefused(f"cannot be read as a catalogue workbook ({type(exc).__name__}: "
                          f"{exc})", f"无法作为指标目录工作簿读取（{type(exc).__name__}：{exc}）",
                          where=path.name, kind="unreadable") from None
    finally:
        book.close()
    return _Book(document, reader.problems, reader.located)


def read_catalogue_book(path: Path) -> tuple[dict, list[Problem]]:
    """A catalogue workbook read back to a document (the shape `to_document` gives), and
    every problem found, each with its sheet and cell: the book's own (a missing sheet or
    column, a duplicate id, an unknown type, a reference to nothing) and those the
    catalogue's checks find. A file that is not a catalogue workbook raises FileRefused."""
    book = _read_book(Path(path))
    _catalogue, found = _checked(book.document, book.document["catalogue"].get("report_year"))
    return book.document, [*book.problems, *_located(found, book.located, book.problems)]


def _checked(document: dict[str, Any], year: int | None) -> tuple[Catalogue | None, list[str]]:
    try:
        return read_document(document, year)
    except Exception as exc:  # a broken document is a problem, not a crash
        return None, [f"catalogue: cannot be read ({type(exc).__name__}: {exc})"]


# -- naming a problem of the catalogue's checks by sheet!cell --------------------------------

_WHERE = re.compile(r"^(indicator|table|section|chapter|department) (.+?): (.*)$", re.S)
_CHECK_WHERE = re.compile(r"^check (\S+) in (\S+): (.*)$", re.S)
_INDICATOR_COLUMNS = (
    ("type '", "type"), ("needs a precision", "precision"), ("unknown section", "section"),
    ("unknown owner", "owner"), ("aggregation = \"formula\"", "formula"),
    ("aggregation '", "aggregation"), ("weight", "weight"), ("formula", "formula"),
    ("next_target", "next_target"), ("target", "target"), ("better", "better"),
    ("retired", "retired"), ("label", "label"), ("unit", "unit"),
)
_TABLE_COLUMNS = (("unknown section", "section"), ("layout", "layout"), ("source", "source"),
                  ("sites", "sites"), ("unknown site", "sites"), ("matrix", "layout"),
                  ("header", "header"), ("title", "title"))


def _language_column(column: str, text: str) -> str:
    if column in ("label", "unit", "title", "header", "name", "short_title", "heading"):
        return f"{column}_en" if "no en text" in text else f"{column}_zh"
    return column


def _located(found: list[str], located: _Located, already: list[Problem]) -> list[Problem]:
    """The catalogue's problems (read_document's) as Problems at the book's sheet!cell; one
    at a cell the book's own reading already named is left out."""
    taken = {(p.sheet, p.cell) for p in already}
    out: list[Problem] = []
    for text in found:
        problem = _locate(text, located)
        key = (problem.sheet, problem.cell)
        if problem.sheet and key in taken:
            continue
        taken.add(key)
        out.append(problem)
    return out


def _catalogue_problem(text: str, line: _Line | None, column: str, code: str = CATALOGUE,
                       indicator: str = "") -> Problem:
    zh = f"指标目录有误：{text}"
    if line is None:
        return Problem(code, text, zh, indicator=indicator)
    return Problem(code, text, zh, line.sheet, line.address(column), indicator)


def _locate(text: str, located: _Located) -> Problem:
    quoted = _QUOTED.findall(text)
    if text.startswith("formulas: cycle: "):
        first = text.removeprefix("formulas: cycle: ").split(" → ")[0].strip()
        return _catalogue_problem(text, located.indicators.get(first), "formula", CYCLE, first)
    check = _CHECK_WHERE.match(text)
    if check:
        return _locate_check(text, check.group(1), check.group(2), quoted, located)
    match = _WHERE.match(text)
    if not match:
        line = located.meta.get("report_zh") if "report" in text else (
            located.meta.get("company_zh") if "company" in text else None)
        return _catalogue_problem(text, line, "value")
    kind, item, said = match.groups()
    if kind == "indicator":
        column = next((c for word, c in _INDICATOR_COLUMNS if word in said), "id")
        code = UNKNOWN_INDICATOR if "unknown indicator" in said else CATALOGUE
        return _catalogue_problem(text, located.indicators.get(item),
                                  _language_column(column, said), code, item)
    if kind == "table":
        return _locate_table(text, item, said, quoted, located)
    line = {"section": located.sections, "chapter": located.chapters,
            "department": located.departments}[kind].get(item)
    column = "short_title" if "short_title" in said else ("name" if kind == "department"
                                                          else "title")
    return _catalogue_problem(text, line, _language_column(column, said)
                              if " text" in said else "id")


def _locate_table(text: str, table: str, said: str, quoted: list[str],
                  located: _Located) -> Problem:
    if said.startswith(("row shows", "row refers")) and quoted:
        iid = quoted[0]
        code = RETIRED_IN_TABLE if "retired" in said else UNKNOWN_INDICATOR
        for line in located.rows.get(table, []):
            if _plain(line.values.get("indicator")) == iid:
                return _catalogue_problem(text, line, "indicator", code, iid)
            if f"={iid}" in _plain(line.values.get("cells")).replace(" ", ""):
                return _catalogue_problem(text, line, "cells", code, iid)
    if said.startswith("cell ") and quoted:
        for line in located.rows.get(table, []):
            if f"{quoted[0]}=" in _plain(line.values.get("cells")).replace(" ", ""):
                return _catalogue_problem(text, line, "cells", UNKNOWN_COLUMN)
    if "column title" in said:
        lines = located.columns.get(table, [])
        return _catalogue_problem(text, lines[0] if lines else located.tables.get(table),
                                  _language_column("title", said) if lines else "id")
    if "row label" in said or "group row" in said:
        lines = located.rows.get(table, [])
        return _catalogue_problem(text, lines[0] if lines else located.tables.get(table),
                                  _language_column("heading", said) if lines else "id")
    column = next((c for word, c in _TABLE_COLUMNS if word in said), "id")
    return _catalogue_problem(text, located.tables.get(table), _language_column(column, said))


def _locate_check(text: str, kind: str, chapter: str, quoted: list[str],
                  located: _Located) -> Problem:
    candidates = [line for line in located.checks
                  if _plain(line.values.get("chapter")) == chapter
                  and _plain(line.values.get("kind")).lower() == kind.lower()]
    if quoted:
        for line in candidates:
            for column in ("total", "parts", "indicators", "indicator", "formula"):
                if quoted[0] in re.split(r"[\s,，;；+\-*/()]+", _plain(line.values.get(column))):
                    return _catalogue_problem(text, line, column, UNKNOWN_INDICATOR, quoted[0])
    column = "kind" if "kind" in text else ("formula" if "'" in text else "label_zh")
    return _catalogue_problem(text, candidates[0] if candidates else None, column)


# -- importing into a database ----------------------------------------------------------------

class Renamed(NamedTuple):
    id: str
    old: str
    new: str


class Moved(NamedTuple):
    id: str
    old: str
    new: str


class RuleChange(NamedTuple):
    id: str  # the indicator, or "" for a catalogue-wide default
    key: str
    old: Any
    new: Any


@dataclass
class EditionDiff:
    """What a new edition changes from the one in force."""

    added: list[str] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)  # label or unit wording
    moved: list[Moved] = field(default_factory=list)  # to another table or section
    retired: list[str] = field(default_factory=list)  # no longer collected, figures kept
    dropped: list[str] = field(default_factory=list)  # gone; they held no figures
    tables_added: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)
    rules_changed: list[RuleChange] = field(default_factory=list)
    changed: list[RuleChange] = field(default_factory=list)  # an indicator's other fields
    other: list[tuple[str, str]] = field(default_factory=list)  # (en, zh) of anything else

    @property
    def empty(self) -> bool:
        return not any((self.added, self.renamed, self.moved, self.retired, self.dropped,
                        self.tables_added, self.tables_removed, self.rules_changed,
                        self.changed, self.other))

    def lines(self, lang: str = "en") -> list[str]:
        """One line per change, in a language, for a dialog or the command line."""
        zh = lang == "zh"
        out = []
        out += [(f"新增指标 {i}" if zh else f"added indicator {i}") for i in self.added]
        out += [(f"改名 {r.id}：{r.old} → {r.new}" if zh else f"renamed {r.id}: {r.old} → {r.new}")
                for r in self.renamed]
        out += [(f"移动 {m.id}：{m.old} → {m.new}" if zh else f"moved {m.id}: {m.old} → {m.new}")
                for m in self.moved]
        out += [(f"停用 {i}（数据保留）" if zh else f"retired {i} (its figures are kept)")
                for i in self.retired]
        out += [(f"删除 {i}（没有数据）" if zh else f"dropped {i} (it held no figures)")
                for i in self.dropped]
        out += [(f"新增表格 {t}" if zh else f"added table {t}") for t in self.tables_added]
        out += [(f"删除表格 {t}" if zh else f"removed table {t}") for t in self.tables_removed]
        for change in self.rules_changed:
            old, new = _shown(change.old), _shown(change.new)
            if change.id:
                out.append(f"{change.id} 的规则 {change.key}：{old} → {new}" if zh
                           else f"rule {change.key} of {change.id}: {old} → {new}")
            else:
                out.append(f"默认规则 {change.key}：{old} → {new}" if zh
                           else f"default rule {change.key}: {old} → {new}")
        out += [(f"{c.id} 的 {c.key}：{_shown(c.old)} → {_shown(c.new)}" if zh
                 else f"{c.key} of {c.id}: {_shown(c.old)} → {_shown(c.new)}")
                for c in self.changed]
        out += [zh_text if zh else en for en, zh_text in self.other]
        return out


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


@dataclass
class CatalogueImport:
    """A catalogue workbook checked against a database, before anything is stored."""

    document: dict[str, Any]  # canonical: store it with store.store_edition
    problems: list[Problem]
    diff: EditionDiff
    unchanged: bool  # the same content as the year's edition: storing it changes nothing

    @property
    def acceptable(self) -> bool:
        return not self.problems


def plan_import(store: Store, path: Path, year: int) -> CatalogueImport:
    """Read a catalogue workbook and check it, whole, against the database for a reporting
    year: the catalogue's own checks (named by sheet!cell), and what figures already mean
    (an indicator holding figures keeps its type and unit, and is retired rather than
    dropped). Writes nothing; the caller stores `document` when there are no problems."""
    book = _read_book(Path(path))
    current = store.edition(year)
    figures = store.years_with_figures()
    document = _with_retired(book.document, current, figures)
    problems = [*book.problems, *_figure_problems(store, document, figures, book.located)]
    catalogue, found = _checked(document, year)
    problems += _located(found, book.located, problems)
    if catalogue is None:
        return CatalogueImport(document, problems, EditionDiff(), False)
    canonical_document = to_document(catalogue)
    return CatalogueImport(canonical_document, problems, _diff(current, catalogue),
                           document_hash(canonical_document) == current.content_hash)


def _with_retired(document: dict[str, Any], current: Catalogue,
                  figures: dict[str, list[int]]) -> dict[str, Any]:
    """The book's document with its retired indicators as the database needs them: one
    marked retired that holds no figures is dropped; one of the current edition the book
    leaves out is kept as retired when it holds figures."""
    listed = {i["id"] for chapter in document["chapters"] for i in chapter["indicators"]}
    marked = document.get("retired", [])
    kept = [raw for raw in marked if figures.get(raw["id"])]
    named = listed | {raw["id"] for raw in marked}
    for old in (*current.indicators.values(), *current.retired.values()):
        if old.id not in named and figures.get(old.id):
            kept.append({**indicator_document(old), "chapter": old.chapter})
    out = {key: value for key, value in document.items() if key != "retired"}
    if kept:
        out["retired"] = kept
    return out


def _figure_problems(store: Store, document: dict[str, Any], figures: dict[str, list[int]],
                     located: _Located) -> list[Problem]:
    """A type or unit change of an indicator that holds figures: refused, naming the old and
    the new and the years that hold them."""
    problems = []
    raws = [*(i for chapter in document["chapters"] for i in chapter["indicators"]),
            *document.get("retired", [])]
    editions: dict[int, Catalogue] = {}
    for raw in raws:
        years = sorted(set(figures.get(raw["id"], ())))
        if not years:
            continue
        held = ", ".join(str(y) for y in years)
        line = located.indicators.get(raw["id"])
        for year in years:
            if year not in editions:
                editions[year] = store.edition(year)
            old = editions[year].indicators.get(raw["id"]) or editions[year].retired.get(
                raw["id"])
            if old is not None:
                problems.extend(_changed_meaning(raw, old, held, line))
                break
    return problems


def _changed_meaning(raw: dict[str, Any], old: Indicator, held: str,
                     line: _Line | None) -> list[Problem]:
    found = []
    iid = raw["id"]
    old_type, new_type = old.type.declaration()["type"], str(raw.get("type") or "")
    where = {"sheet": line.sheet if line else "", "indicator": iid}
    if new_type == old_type and old.type.unit_id != raw.get("quantity"):
        # a quantity's canonical unit is part of what its figures mean
        old_type, new_type = (f"{old_type} in {old.type.unit_id}",
                              f"{new_type} in {raw.get('quantity')}")
    if new_type and new_type.split(" in ")[0] in TYPE_NAMES and old_type != new_type:
        found.append(Problem(
            TYPE_CHANGED, f"{iid}: the type would change from {old_type} to {new_type}, but "
            f"it holds figures for {held}; add a new indicator instead",
            f"{iid}：类型将由 {old_type} 改为 {new_type}，但 {held} 年已有数据；请新增一个指标",
            cell=line.address("type") if line else "", **where))
    unit = raw.get("unit", {})
    for lang in ("zh", "en"):
        before, after = getattr(old.unit, lang), str(unit.get(lang, ""))
        if _norm_unit(before) != _norm_unit(after):
            found.append(Problem(
                UNIT_CHANGED, f"{iid}: the unit would change from '{before}' to '{after}', "
                f"but it holds figures for {held}; add a new indicator instead",
                f"{iid}：单位将由“{before}”改为“{after}”，但 {held} 年已有数据；请新增一个指标",
                cell=line.address(f"unit_{lang}") if line else "", **where))
    return found


def _place(catalogue: Catalogue, iid: str) -> str:
    indicator = catalogue.indicators[iid]
    tables = ", ".join(t.id for t in catalogue.tables_of(iid)) or "—"
    return f"{indicator.section} · {tables}"


def _wording(indicator: Indicator) -> str:
    unit = f" ({indicator.unit.zh} / {indicator.unit.en})" if indicator.unit.zh or \
        indicator.unit.en else ""
    return f"{indicator.label.zh} / {indicator.label.en}{unit}"


def _diff(old: Catalogue, new: Catalogue) -> EditionDiff:
    diff = EditionDiff()
    old_all = {**old.retired, **old.indicators}
    new_all = {**new.retired, **new.indicators}
    diff.added = [i for i in new.indicators if i not in old.indicators]
    diff.retired = [i for i in new.retired if i not in old.retired]
    diff.dropped = [i for i in old_all if i not in new_all]
    for iid, after in new_all.items():
        before = old_all.get(iid)
        if before is None:
            continue
        if (before.label, before.unit) != (after.label, after.unit):
            diff.renamed.append(Renamed(iid, _wording(before), _wording(after)))
        if iid in old.indicators and iid in new.indicators \
                and _place(old, iid) != _place(new, iid):
            diff.moved.append(Moved(iid, _place(old, iid), _place(new, iid)))
        for key in sorted(set(before.rules) | set(after.rules)):
            if before.rules.get(key) != after.rules.get(key):
                diff.rules_changed.append(RuleChange(iid, key, before.rules.get(key),
                                                     after.rules.get(key)))
        for key, was, now in _fields(before, after):
            diff.changed.append(RuleChange(iid, key, was, now))
    defaults = sorted(set(old.rule_defaults) | set(new.rule_defaults))
    for key in defaults:
        if old.rule_defaults.get(key) != new.rule_defaults.get(key):
            diff.rules_changed.append(RuleChange("", key, old.rule_defaults.get(key),
                                                 new.rule_defaults.get(key)))
    diff.tables_added = [t for t in new.tables if t not in old.tables]
    diff.tables_removed = [t for t in old.tables if t not in new.tables]
    diff.other = _other_changes(to_document(old), to_document(new))
    return diff


def _fields(before: Indicator, after: Indicator) -> list[tuple[str, Any, Any]]:
    pairs = {
        "type": (before.type.declaration(), after.type.declaration()),
        "owner": (before.owner, after.owner), "aggregation": (before.aggregation,
                                                              after.aggregation),
        "entered_at": (before.entered_at, after.entered_at),
        "formula": (before.formula.text if before.formula else None,
                    after.formula.text if after.formula else None),
        "weight": (before.weight, after.weight), "note": (before.note, after.note),
        **{key: (list(getattr(before, key)), list(getattr(after, key))) for key in FRAMEWORKS},
    }
    out = []
    for key, (was, now) in pairs.items():
        if was != now:
            if key == "type":
                was, now = " ".join(map(str, was.values())), " ".join(map(str, now.values()))
            out.append((key, was, now))
    return out


def _other_changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    """Changes the lists above do not name: the catalogue's titles, departments, chapters,
    sections, tables' titles and rows, and checks."""
    out: list[tuple[str, str]] = []
    for key in ("version", "report", "company"):
        if old["catalogue"].get(key) != new["catalogue"].get(key):
            out.append((f"catalogue {key} changed", f"目录的 {key} 已修改"))
    if old["catalogue"].get("departments") != new["catalogue"].get("departments"):
        out.append(("departments changed", "部门已修改"))

    def index(document: dict[str, Any], part: str) -> dict[str, Any]:
        if part == "chapter":
            return {c["chapter"]["id"]: c["chapter"] for c in document["chapters"]}
        return {item.get("id", ""): item for c in document["chapters"] for item in c[part]}

    for part, en, zh in (("chapter", "chapter", "篇章"), ("sections", "section", "章节"),
                         ("tables", "table", "表格")):
        before, after = index(old, part), index(new, part)
        for item_id in after:
            if item_id in before and before[item_id] != after[item_id]:
                keys = [k for k in sorted(set(before[item_id]) | set(after[item_id]))
                        if before[item_id].get(k) != after[item_id].get(k)]
                out.append((f"{en} {item_id}: {', '.join(keys)} changed",
                            f"{zh} {item_id}：{', '.join(keys)} 已修改"))
        if part != "tables":
            out += [(f"added {en} {i}", f"新增{zh} {i}") for i in after if i not in before]
            out += [(f"removed {en} {i}", f"删除{zh} {i}") for i in before if i not in after]
    old_checks = {c["chapter"]["id"]: c["checks"] for c in old["chapters"]}
    for chapter in new["chapters"]:
        cid = chapter["chapter"]["id"]
        if old_checks.get(cid, []) != chapter["checks"]:
            out.append((f"checks of {cid} changed", f"{cid} 的校验已修改"))
    return out
