"""What reading a catalogue workbook can find wrong, each declared once: the code callers
branch on (never the wording) and its en and zh messages, templates over named fields. The
reader makes each at its sheet!cell; the catalogue's own checks (model/catalogue/checks.py)
keep their codes and are placed at the cell of the item they name."""

from __future__ import annotations

from esgdesk.errors import Code

# The codes (the catalogue's own checks share these where they mean the same).
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
CATALOGUE = "catalogue"  # a document the catalogue's checks cannot read at all

# What a duplicate is, in Chinese.
WHAT_ZH = {"key": "键", "rule": "规则", "department": "部门", "chapter": "篇章",
           "section": "章节", "indicator": "指标", "table": "表格", "column": "列",
           "note": "注释编号", "target": "目标"}

SHEET_GONE = Code(SHEET_MISSING, "the sheet '{sheet_id}' is missing (renamed or deleted)",
                  "缺少工作表“{sheet_id}”（被改名或删除）")
COLUMN_GONE = Code(COLUMN_MISSING, "the column '{column}' is missing from the header row",
                   "标题行缺少列“{column}”")
TWICE = Code(DUPLICATE_ID, "{what} '{key}' is there twice (first in row {first})",
             "{what_zh}“{key}”重复（第一次在第 {first} 行）")
EMPTY = Code(MISSING_VALUE, "{column} is empty; it is needed", "{column} 为空，必须填写")
EMPTY_TEXT = Code(MISSING_VALUE, "{column} is empty; a text needs both zh and en",
                  "{column} 为空；文字需要中文和英文")
EMPTY_SLIP = Code(MISSING_VALUE, "{column} is empty; a slip needs both",
                  "{column} 为空；提示需要中文和英文")
EMPTY_CHOICE = Code(MISSING_VALUE, "{column} is empty; one of {choices}",
                    "{column} 为空，应为 {choices} 之一")
NO_RULE_VALUE = Code(MISSING_VALUE, "rule '{key}' has no value", "规则“{key}”没有值")
NO_META_ROW = Code(MISSING_VALUE, "the catalogue sheet has no '{key}' row",
                   "catalogue 工作表缺少“{key}”一行")
NO_PRECISION = Code(MISSING_VALUE, "a {type} needs a precision (decimals kept)",
                    "{type} 类型需要填写小数位数")
EMPTY_ROW = Code(MISSING_VALUE, "a row needs an indicator, cells or a group heading",
                 "一行需要 indicator、cells 或分组标题")
NOT_AN_ID = Code(BAD_ID, "'{value}' is not a valid id (lower-case letters, digits, '_', '.' "
                 "and '-', no spaces)",
                 "“{value}”不是有效的编号（小写字母、数字、_ . -，不含空格）")
NOT_A_TYPE = Code(UNKNOWN_TYPE, "{column} '{value}' is not one of {choices}",
                  "{column}“{value}”不是 {choices} 之一")
NOT_ONE_OF = Code(NOT_A_CHOICE, "{column} '{value}' is not one of {choices}",
                  "{column}“{value}”不是 {choices} 之一")
NOT_A_KEY = Code(UNKNOWN_KEY, "'{value}' is not one of {choices}", "“{value}”不是 {choices} 之一")
BOTH_IN_ROW = Code(NOT_A_CHOICE, "a row shows an indicator or cells, not both",
                   "一行只能填写 indicator 或 cells 之一")
NOT_A_CELL = Code(NOT_A_CHOICE, "'{value}' is not column=indicator", "“{value}”应写作 列=指标")
NUMBER = Code(NOT_A_NUMBER, "{column}: '{value}' is not a number",
              "{column}：“{value}”不是数字")
WHOLE_NUMBER = Code(NOT_A_NUMBER, "{column}: '{value}' is not a whole number",
                    "{column}：“{value}”不是整数")
OUT_OF_RANGE = Code(NOT_A_NUMBER, "{column}: {value} is not between {low} and {high}",
                    "{column}：{value} 不在 {low} 到 {high} 之间")
YES_OR_NO = Code(NOT_YES_NO, "{column}: '{value}' is neither yes nor no",
                 "{column}：“{value}”应为 yes 或 no")
TEXT = Code(TEXT_REFUSED, "{column}: the text {reason}", "{column}：文字无法接受：{reason_zh}")
SPREADSHEET_FORMULA = Code(FORMULA_CELL, "{column}: a spreadsheet formula; type the value "
                           "itself", "{column}：此处是电子表格公式，请直接填写值")
FORMULA_UNREAD = Code(BAD_FORMULA, "the formula cannot be read: '{formula}': {reason}",
                      "公式无法读取：“{formula}”：{reason_zh}")
NOT_IN_USE = Code(UNKNOWN_INDICATOR, "{column} names '{value}', which is no indicator in use",
                  "{column} 所指的“{value}”不是在用的指标")
NONE_IN_USE = Code(UNKNOWN_INDICATOR, "{column} names {value}, which is no indicator in use",
                   "{column} 中的 {value} 不是在用的指标")
FORMULA_NOT_IN_USE = Code(UNKNOWN_INDICATOR, "the formula names {value}, which is no indicator "
                          "in use", "公式中的 {value} 不是在用的指标")
NO_SUCH_INDICATOR = Code(UNKNOWN_INDICATOR, "no indicator '{value}' in the indicators sheet",
                         "indicators 工作表中没有指标“{value}”")
NO_SUCH_TABLE = Code(UNKNOWN_TABLE, "no table '{value}' in the tables sheet",
                     "tables 工作表中没有表格“{value}”")
NO_SUCH_CHAPTER = Code(UNKNOWN_CHAPTER, "no chapter '{value}' in the chapters sheet",
                       "chapters 工作表中没有篇章“{value}”")
NO_SUCH_SECTION = Code(UNKNOWN_SECTION, "no section '{value}' in the sections sheet",
                       "sections 工作表中没有章节“{value}”")
NO_SUCH_DEPARTMENT = Code(UNKNOWN_DEPARTMENT, "no department '{value}' in the departments "
                          "sheet", "departments 工作表中没有部门“{value}”")
NO_SUCH_COLUMN = Code(UNKNOWN_COLUMN, "'{value}' is no column of table {table} (see the "
                      "columns sheet)", "“{value}”不是表格 {table} 的列（见 columns 工作表）")
RETIRED_SHOWN = Code(RETIRED_IN_TABLE, "'{value}' is retired and cannot be shown in a table: "
                     "remove the row, or set retired to no",
                     "“{value}”已停用，不能出现在表格中：删除此行，或将 retired 改为 no")
TYPE_WOULD_CHANGE = Code(TYPE_CHANGED, "{id}: the type would change from {old} to {new}, but "
                         "it holds figures for {years}; add a new indicator instead",
                         "{id}：类型将由 {old_zh} 改为 {new_zh}，但 {years} 年已有数据；"
                         "请新增一个指标")
UNIT_WOULD_CHANGE = Code(UNIT_CHANGED, "{id}: the unit would change from '{old}' to '{new}', "
                         "but it holds figures for {years}; add a new indicator instead",
                         "{id}：单位将由“{old}”改为“{new}”，但 {years} 年已有数据；请新增一个指标")
UNREADABLE = Code(CATALOGUE, "cannot be read ({reason})", "无法读取（{reason}）")
