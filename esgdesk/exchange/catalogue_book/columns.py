"""The catalogue workbook's sheets and columns, their help in zh and en, and the drop-down
lists every choice and every id it refers to takes (the spirit of XLSForm: one sheet per kind
of item, a row per item, a header row naming the columns)."""

from __future__ import annotations

from esgdesk.model.catalogue import (
    AGGREGATIONS,
    CHECK_KINDS,
    EVIDENCE_CHOICES,
    LAYOUTS,
    SOURCES,
    TARGET_KINDS,
)
from esgdesk.model.entities import ENTRY_LEVELS
from esgdesk.model.types import TYPE_NAMES
from esgdesk.model.units import UNITS

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
                   "max_change", "repeats", "required", "evidence", "target", "next_target",
                   "better",
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
    "notes": ("table", "number", "text_zh", "text_en"),
    "targets": ("id", "indicator", "kind", "reduction", "base_year", "target_year",
                "label_zh", "label_en", "table"),
}
SHEETS = tuple(COLUMNS)
# Sheets a book written before they were added lacks: read as holding nothing.
OPTIONAL_SHEETS = frozenset({"notes", "targets"})


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
    "catalogue": ("目录信息：版本、报告名称（{company} 与 {year} 会被替换）、公司名称；"
                  "mark_not_applicable、mark_not_available：报告表格中不适用、暂无数据"
                  "的印法（默认 / 和 —）。",
                  "The catalogue: version, the report's name ({company} and {year} are filled "
                  "in), the company's name; mark_not_applicable and mark_not_available: what "
                  "the report's tables print for a figure marked n/a or not available (by "
                  "default / and —)."),
    "notes": ("表格下方印出的编号注释（注1、注2 …）：所属表格、编号、中文和英文文字。",
              "The numbered notes printed under a table (Note 1, Note 2 …): the table, the "
              "number, the text in Chinese and in English."),
    "targets": ("基准年目标：某指标（绝对量 absolute 或强度 intensity）在目标年份前较基准年降低 "
                "reduction%；每年的进展印在其表格下方（table 留空为该指标所在的表格）。",
                "Targets against a base year: an indicator (absolute, or an intensity) "
                "reduced by `reduction` per cent of its base year's figure by the target year; "
                "each year's progress is printed under its table (empty table: the "
                "indicator's own)."),
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
    "evidence": ("required：每个数据须附证明文件（账单、台账、记录）才算完整；留空则不要求",
                 "required: a figure counts as complete only with a document behind it (a "
                 "bill, a ledger, a record); blank: none is asked for"),
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
    "id.targets": ("目标编号，永久不变，例如 ghg_intensity_2025",
                   "The target's id, never changed, like ghg_intensity_2025"),
    "indicator.targets": ("要降低的指标（indicators 表中的编号）",
                          "The indicator to reduce (an id of the indicators sheet)"),
    "kind.targets": ("absolute 绝对量，或 intensity 强度（单位产出的量）",
                     "absolute, or intensity (a figure per unit)"),
    "reduction": ("较基准年降低的百分数，例如 20 表示降低 20%",
                  "The reduction in per cent of the base year's figure: 20 for −20 %"),
    "base_year": ("基准年，例如 2021", "The base year, like 2021"),
    "target_year": ("目标年份，例如 2025", "The year it is due, like 2025"),
    "label_zh.targets": ("目标的中文名称", "The target's Chinese name"),
    "table.targets": ("印出进展的表格；留空为该指标所在的表格",
                      "The table its progress is printed under; empty: the indicator's own"),
    "number.notes": ("注释编号（1、2、3 …），每张表内不重复",
                     "The note's number (1, 2, 3 …), once in each table"),
    "text_zh": ("中文文字", "The Chinese text"), "text_en": ("英文文字", "The English text"),
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
    "layout": LAYOUTS, "source": SOURCES, "evidence": EVIDENCE_CHOICES,
    "better": BETTER, "kind": CHECK_KINDS, "severity": SEVERITIES, "yesno": (YES, NO),
    "quantity": tuple(unit.id for unit in UNITS), "target_kind": TARGET_KINDS,
}
DROP_DOWNS: dict[tuple[str, str], tuple[str, bool]] = {  # → (list, blank allowed)
    ("indicators", "type"): ("type", False), ("indicators", "owner"): ("departments", False),
    ("indicators", "quantity"): ("quantity", True),
    ("indicators", "aggregation"): ("aggregation", False),
    ("indicators", "entered_at"): ("entered_at", True),
    ("indicators", "weight"): ("indicators", True), ("indicators", "repeats"): ("yesno", True),
    ("indicators", "required"): ("yesno", True),
    ("indicators", "evidence"): ("evidence", True), ("indicators", "target"): ("indicators", True),
    ("indicators", "next_target"): ("indicators", True),
    ("indicators", "better"): ("better", True), ("indicators", "section"): ("sections", False),
    ("indicators", "retired"): ("yesno", True),
    ("tables", "chapter"): ("chapters", False), ("tables", "section"): ("sections", False),
    ("tables", "layout"): ("layout", False), ("tables", "source"): ("source", True),
    ("tables", "unit_column"): ("yesno", True),
    ("columns", "table"): ("tables", False), ("notes", "table"): ("tables", False),
    ("targets", "indicator"): ("indicators", False), ("targets", "kind"): ("target_kind", True),
    ("targets", "table"): ("tables", True),
    ("rows", "table"): ("tables", False), ("rows", "indicator"): ("indicators", True),
    ("sections", "chapter"): ("chapters", False),
    ("checks", "chapter"): ("chapters", False), ("checks", "kind"): ("kind", False),
    ("checks", "total"): ("indicators", True), ("checks", "indicator"): ("indicators", True),
    ("checks", "complete"): ("yesno", True), ("checks", "severity"): ("severity", True),
}

