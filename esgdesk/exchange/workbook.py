"""What every workbook esgdesk writes shares: the words of its headings in zh and en, the house
styles, valid sheet names, the cell writer that keeps text text, A4 printing and atomic saving."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

from esgdesk.errors import EsgdeskError, NotFound
from esgdesk.model.types import text_problem

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
WORDS = {
    # the report workbook
    "cover": ("封面", "Cover"), "index": ("指标索引", "Index"),
    "findings": ("校验结果", "Findings"),
    "data": ("数据", "Data"), "unit": ("单位", "Unit"), "company": ("公司", "Company"),
    "scope": ("主体范围", "Entity scope"), "year": ("报告年度", "Reporting year"),
    "made": ("生成时间", "Made"), "by": ("生成工具", "Made by"),
    "open": ("未处理的校验结果", "Open findings"), "computed": ("计算得出", "Computed"),
    "section": ("章节", "Section"), "chapter": ("篇章", "Chapter"),
    "severity": ("级别", "Severity"), "state": ("状态", "State"), "entity": ("主体", "Entity"),
    "rule": ("规则", "Rule"), "message": ("说明", "Message"),
    "explanation": ("解释", "Explanation"), "explained": ("已说明", "explained"),
    "open_state": ("待处理", "open"), "by_entity": ("按主体对比", "By entity"),
    "indicator": ("指标", "Indicator"),
    # request workbooks
    "instructions": ("填报说明", "Instructions"), "note": ("说明", "Explanation"),
    "last_note": ("上年说明", "Last year's explanation"),
    "submitted_by": ("填报人", "Submitted by"), "submitted_at": ("填报日期", "Date"),
}


def word(key: str, lang: str) -> str:
    """A heading or label of the workbooks in a language."""
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def both_words(key: str) -> str:
    """A label in both languages, Chinese first ("填报人 Submitted by")."""
    zh, en = WORDS[key]
    return f"{zh} {en}"


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\)."""
    base = SHEET_NAME_BAD.sub(" ", wanted).strip().strip("'") or "Sheet"
    name, number = base[:31], 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def set_value(cell: Any, value: Any) -> Any:
    """Put a value in a cell; text stays text. openpyxl makes any string starting with "="
    a formula when assigned, and spreadsheet programs treat + - @ tab and CR alike, so
    such text is stored as a string with a quote prefix. Every workbook esgdesk writes
    goes through here."""
    if isinstance(value, str) and (problem := text_problem(value)):
        raise EsgdeskError(f"the text '{value[:40]}' {problem}; nothing was written",
                           f"文本“{value[:40]}”无法写入单元格（{problem}），未写入任何内容",
                           where=f"{cell.parent.title}!{cell.coordinate}",
                           kind="text_unwritable")
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(FORMULA_STARTS)
    return cell


def house_styles(writer: Any) -> None:
    """The look shared by every workbook esgdesk writes (borders, fonts, fills), set as
    attributes of the writer that uses them."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin", color="B7C3D0")
    writer.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    writer.bold = Font(bold=True)
    writer.title_font = Font(bold=True, size=12)
    writer.note_font = Font(italic=True, size=9, color="5A6470")
    writer.header_fill = PatternFill("solid", fgColor="DDE6F0")
    writer.group_fill = PatternFill("solid", fgColor="EEF1F5")
    writer.centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    writer.wrap = Alignment(wrap_text=True, vertical="top")
    writer.open = Protection(locked=False)
    writer.Alignment = Alignment


def fit_a4(sheet: Any, landscape: bool) -> None:
    """Print on A4, fitted to the page width, as many pages long as it takes."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def save_atomically(workbook: Any, path: Path) -> Path:
    """Write to a temporary file beside the target; replace the target only when complete."""
    path = Path(path)
    if not path.parent.exists():
        raise NotFound("no such folder", "没有这个文件夹", where=str(path.parent))
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx",
                                         dir=path.parent)
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
