"""What every workbook esgdesk writes shares: the words of its headings in zh and en, the house
styles, valid sheet names, the cell writer that keeps text text, A4 printing and atomic saving.
Request workbooks are written with openpyxl; the report workbook with XlsxWriter, row by row
(`XlsxCells`, `xlsx_atomically`), which is several times faster on a large group."""

from __future__ import annotations

import gc
import math
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
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
    "code": ("编号", "Code"), "disclosure": ("披露项", "Disclosure"),
    "indicators": ("对应指标", "Indicators"),
    "not_verified": ("措辞未经核实", "wording not verified"),
    "not_read": ("（未读到中文措辞）", "(no English wording was read)"),
    "typed_unit": ("填报单位", "Unit typed"),
    "grid_method": ("各公司/地点所在省份的电网平均排放因子，无省级因子者用其区域电网因子，"
                    "再无者用全国因子（见“所用因子”表）",
                    "each company's or site's provincial grid factor, its regional grid's where "
                    "its province has none, else the national one (see the Factors used sheet)"),
    "chosen_method": ("按计算方法的选项（见“所用因子”表）",
                      "as the method's choice in force (see the Factors used sheet)"),
    "method": ("计算方法", "Method"), "method_choice": ("所选", "Chosen"),
    "consolidation": ("合并方法", "Consolidation approach"),
    "default_mark": ("（默认）", " (default)"), "grid_factor": ("电网因子", "Grid factor"),
    "grid_basis": ("依据", "Basis"), "entity_choices": ("本主体的选项", "Its choices"),
    "summed_method": ("按各公司/地点分别计算后加总", "computed for each company and site, then "
                      "summed"),
    "factors_used": ("所用因子", "Factors used"), "factor": ("因子", "Factor"),
    "region": ("地区", "Region"), "data_year": ("数据年份", "Data year"),
    "source": ("来源", "Source"), "table": ("出处", "Table"),
    "error": ("错误", "Error"), "warning": ("警告", "Warning"), "info": ("提示", "Info"),
    # (the validator's rules are named in esgdesk.rules.validation.kinds; this line of the
    # findings sheet is the export's own)
    "rule_language": ("缺少本语言", "Other language only"),
    "untranslated": ("缺少本语言的文字数据", "Text figures in the other language"),
    "calculated_by": ("生成工具", "Made by"), "catalogue": ("指标目录", "catalogue"),
    "indicator_id": ("指标编号", "Indicator id"), "label": ("指标名称", "Indicator"),
    "value": ("数值", "Value"), "status": ("审核状态", "Review status"),
    "changed_by": ("修改人", "Changed by"), "changed_at": ("修改时间", "Changed at"),
    "quality": ("取得方式", "Obtained"), "estimate_method": ("估算方法", "Estimate method"),
    "measured": ("实测", "measured"), "calculated": ("计算", "calculated"),
    "estimated": ("估算", "estimated"), "rule_estimates": ("估算数据占比", "Estimated share"),
    "draft": ("草稿", "draft"), "submitted": ("已提交", "submitted"),
    "approved": ("已批准", "approved"), "locked": ("已锁定", "locked"),
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


def unbroken(code: str) -> str:
    """A code as printed: its hyphens non-breaking, so "414-2" never wraps as "414-" / "2"."""
    return code.replace("-", "\u2011")


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\), shortened on a word
    boundary and without trailing spaces or punctuation."""
    base = re.sub(r"\s+", " ", SHEET_NAME_BAD.sub(" ", wanted)).strip().strip("'") or "Sheet"
    name, number = _shortened(base, 31), 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = _shortened(base, 31 - len(suffix)) + suffix, number + 1
    taken.add(name.lower())
    return name


def _shortened(text: str, limit: int) -> str:
    """At most `limit` characters, cut before a word that does not fit (Chinese, without
    spaces, is cut between characters)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if text[limit].isalnum() and text[limit].isascii() and " " in cut:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" -–—,;·&'") or text[:limit]


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
    if not isinstance(value, str):
        cell.value = value
        return cell
    # Put as text at once: openpyxl's assignment would check the text again (as above) and
    # take it for a formula or an error code, to be made text again here.
    cell._value = value
    cell.data_type = "s"
    quoted = value.startswith(FORMULA_STARTS)
    if quoted or cell.quotePrefix:
        cell.quotePrefix = quoted
    return cell


def append_row(sheet: Any, row: int, values: list[Any]) -> None:
    """Row `row` of a sheet written from the top down, each value as set_value puts it:
    openpyxl's append (several times quicker than a cell at a time) where every value can
    be taken as it is."""
    if any(isinstance(value, str) and (value.startswith(FORMULA_STARTS) or text_problem(value))
           for value in values):
        for column, value in enumerate(values, start=1):
            set_value(sheet.cell(row=row, column=column), value)
        return
    sheet.append(values)


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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a workbook is made, and run once at the end
    on the objects made meanwhile only. An export keeps a hundred thousand objects or more
    alive at once (every figure of the tree read, and XlsxWriter's record of each row's
    height), a request workbook a thousand cells and more: each burst of them would set the
    collector walking the whole process's objects, a few million in the app or the
    benchmark, up to a second and a half an export, a third of a second a collection of
    requests, for nothing. What only the collector frees (a workbook and its sheets refer
    to each other) is freed by the one pass at the end, not left to whatever runs next."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)  # the youngest generation: everything made since the pause began


def fit_a4(sheet: Any, landscape: bool) -> None:
    """Print on A4, fitted to the page width, as many pages long as it takes."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def beside(path: Path) -> Path:
    """A hidden temporary name beside a workbook's, to write it under before it replaces
    the workbook."""
    # Not mkstemp, which makes the file 0600: the workbook gets the user's umask.
    return path.parent / f".{path.stem}-{secrets.token_hex(4)}.xlsx"


def save_atomically(workbook: Any, path: Path, recorded: dict[str, Any] | None = None
                    ) -> Path:
    """Write to a temporary file beside the target; replace the target only when complete.
    `recorded`: sheets' XML kept as written (see xlsx_save.save_workbook)."""
    path = Path(path)
    if not path.parent.exists():
        raise NotFound("no such folder", "没有这个文件夹", where=str(path.parent))
    from esgdesk.exchange.xlsx_save import save_workbook

    temporary = beside(path)
    try:
        save_workbook(workbook, temporary, recorded)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def parts_atomically(parts: list[tuple[str, int, Any]], path: Path) -> Path:
    """A workbook of these parts (see xlsx_save.write_parts) written as save_atomically
    writes one."""
    path = Path(path)
    if not path.parent.exists():
        raise NotFound("no such folder", "没有这个文件夹", where=str(path.parent))
    from esgdesk.exchange.xlsx_save import write_parts

    temporary = beside(path)
    try:
        write_parts(temporary, parts)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


# -- the report workbook's writing side: XlsxWriter ---------------------------------------

# The house styles as XlsxWriter format properties; a cell's style is a tuple of these
# (see XlsxCells.style) and each distinct style becomes one Format.
HOUSE_STYLES: dict[str, dict[str, Any]] = {
    "border": {"border": 1, "border_color": "#B7C3D0"},
    "bold": {"bold": True},
    "title": {"bold": True, "font_size": 12},
    # 10 points: at the least print scale (PRINT_SCALE_LEAST) a footnote still prints at 8
    "note": {"italic": True, "font_size": 10, "font_color": "#5A6470"},
    "header": {"bg_color": "#DDE6F0", "pattern": 1},
    "group": {"bg_color": "#EEF1F5", "pattern": 1},
    "centre": {"align": "center", "valign": "vcenter", "text_wrap": True},
    "wrap": {"text_wrap": True, "valign": "top"},
    "middle": {"text_wrap": True, "valign": "vcenter"},
}
Style = tuple[tuple[str, Any], ...]
LINE_HEIGHT = 16.0  # points a line of 11-point text takes, Chinese fonts included
LATIN_LINE_HEIGHT = 13.0  # a line of 11-point text without Chinese
DEFAULT_HEIGHT = 15.0


@lru_cache(maxsize=8192)  # a workbook measures the same labels many times over
def text_width(text: str, bold: bool = False) -> float:
    """How many column-width units a text takes on one line: Chinese, Japanese and Korean
    characters (East Asian wide or full-width) count double; bold a tenth wider."""
    longest = max((sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
                   for line in text.split("\n")), default=0)
    return longest * 1.1 if bold else float(longest)


_UNBREAKABLE = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def longest_word(text: str, bold: bool = False) -> float:
    """The width of the longest part of a text that cannot wrap (a Latin word; Chinese
    wraps between any two characters)."""
    parts = _UNBREAKABLE.findall(text)
    return max((text_width(part, bold) for part in parts), default=0.0)


_WRAP_PIECES = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff"
                         r"\uf900-\ufaff\uff00-\uffef]+|\s+")


def _printed(piece: str, bold: bool) -> float:
    """A piece's width as a proportional font prints it, in digits: Chinese characters two,
    capitals a little more than a digit, small letters a little less, spaces and
    punctuation about half."""
    width = 0.0
    for c in piece:
        if unicodedata.east_asian_width(c) in "WF":
            width += 2
        elif c.isdigit():
            width += 1
        elif c.isupper():
            width += 1.15
        elif c.isalpha():
            width += 0.9
        else:
            width += 0.6
    return width * 1.1 if bold else width


@lru_cache(maxsize=8192)
def lines_needed(text: str, width: float, bold: bool = False) -> int:
    """How many lines a text wraps onto in a column `width` units wide: its words laid
    out as the spreadsheet program wraps them (Chinese between any two characters), with
    a little room kept spare."""
    room = max(width - 1.5, 1.0) / 1.05
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for piece in _WRAP_PIECES.findall(paragraph):
            size = _printed(piece, bold)
            if piece.isspace():
                used += size
                continue
            if used and used + size > room:
                lines, used = lines + 1, 0.0
            if size > room:  # a word wider than the column runs over lines of its own
                lines += math.ceil(size / room) - 1
                used = size % room
            else:
                used += size
        total += lines
    return total


def height_for(lines: int, font_size: float = 11, chinese: bool = True) -> float | None:
    """The row height of `lines` lines of text (Chinese lines are taller); None for the
    default single line."""
    if lines <= 1 and font_size <= 11:
        return None
    line = LINE_HEIGHT if chinese else LATIN_LINE_HEIGHT
    return round(lines * line * font_size / 11 + 3, 1)


class XlsxCells:
    """Cells of an XlsxWriter workbook: one Format per distinct style, and the cell writer
    that keeps text text (written as a string, quote-prefixed where a spreadsheet program
    would read a formula) and refuses text no cell can hold, naming the cell."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._formats: dict[Style, Any] = {(): None}

    @staticmethod
    def style(*names: str, **settings: Any) -> Style:
        """A style from house style names and XlsxWriter format settings."""
        merged: dict[str, Any] = {}
        for name in names:
            merged.update(HOUSE_STYLES[name])
        merged.update(settings)
        return tuple(sorted(merged.items()))

    def format(self, style: Style) -> Any:
        found = self._formats.get(style, False)
        if found is False:
            found = self._formats[style] = self.book.add_format(dict(style))
        return found

    def write(self, sheet: Any, row: int, column: int, value: Any, style: Style = ()) -> None:
        """Put a value in a cell (row and column from 0); None leaves it blank but styled."""
        if value is None:
            if style:
                sheet.write_blank(row, column, None, self.format(style))
        elif isinstance(value, str):
            problem = text_problem(value)
            if problem:
                from xlsxwriter.utility import xl_rowcol_to_cell

                raise EsgdeskError(
                    f"the text '{value[:40]}' {problem}; nothing was written",
                    f"文本“{value[:40]}”无法写入单元格（{problem}），未写入任何内容",
                    where=f"{sheet.name}!{xl_rowcol_to_cell(row, column)}",
                    kind="text_unwritable")
            sheet.write_string(row, column, value, self.text_format(value, style))
        else:
            sheet.write_number(row, column, value, self.format(style))

    def text_format(self, value: str, style: Style = ()) -> Any:
        """The Format write() gives a text in a style: quote-prefixed where a spreadsheet
        program would read a formula (a text written once through write(), which checks it,
        may be written again straight with this)."""
        if value.startswith(FORMULA_STARTS):
            return self.format((*style, ("quote_prefix", True)))
        return self.format(style)


# Printing on A4 with nothing under 8 points. A sheet is fitted to the page's width, so its
# columns must be narrow enough that the fit shrinks its 10-point footnotes to no less than
# 8 points: a sheet wider than that wraps its text columns instead of shrinking. Widths are
# in column units (a digit of the workbook's font); where Calibri is missing the spreadsheet
# program measures a column with a wider font (LibreOffice with DejaVu Sans, whose digits
# are a third wider), so the page is reckoned as a third narrower.
PRINT_SCALE_LEAST = 0.82
PRINTABLE_POINTS = {False: 595.3 - 72, True: 841.9 - 72}  # A4 less half-inch margins
PRINTABLE_HEIGHT = {False: 841.9 - 86.4, True: 595.3 - 86.4}  # less 0.6-inch margins
WIDER_FONT = 4 / 3
ROW_HEIGHT_MOST = 409.0  # points: a spreadsheet row is no higher


def column_points(width: float) -> float:
    """A column's printed width in points, at 100 % and with the wider font."""
    return (width * 7 + 5) * 0.75 * WIDER_FONT


def print_room(landscape: bool) -> float:
    """The widest sheet, in column units, that prints on A4 at no less than
    PRINT_SCALE_LEAST (column padding reckoned for a dozen columns)."""
    points = PRINTABLE_POINTS[landscape] / PRINT_SCALE_LEAST / (0.75 * WIDER_FONT)
    return math.floor((points - 12 * 5) / 7)


def print_scale(widths: list[float], landscape: bool) -> int:
    """The print scale (per cent) at which columns of these widths fill A4's width."""
    points = sum(column_points(w) for w in widths)
    return max(10, min(100, math.floor(PRINTABLE_POINTS[landscape] * 100 / max(points, 1))))


def narrowed(widths: list[float], least: list[float], room: float) -> list[float]:
    """Column widths brought within `room` by narrowing the columns that can wrap, each
    in proportion to what it can give and none below its `least` (its longest word)."""
    excess = sum(widths) - room
    give = [max(w - low, 0.0) for w, low in zip(widths, least, strict=True)]
    spare = sum(give)
    if excess <= 0 or spare <= 0:
        return widths
    share = min(excess / spare, 1.0)
    return [round(w - g * share, 1) for w, g in zip(widths, give, strict=True)]


def xlsx_fit_a4(sheet: Any, landscape: bool, one_page: bool = False,
                scale: int | None = None) -> None:
    """Print on A4, fitted to the page width (or on one page), as many pages long as it
    takes, the title rows repeated on each page; or at a `scale` (per cent) over as many
    pages across as the columns need."""
    sheet.set_paper(9)  # A4
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    if scale is None:
        sheet.fit_to_pages(1, 1 if one_page else 0)
    else:
        sheet.set_print_scale(scale)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)


@contextmanager
def xlsx_atomically(path: Path) -> Iterator[Any]:
    """An XlsxWriter workbook (constant memory: rows are written in order, sheet by sheet)
    that replaces `path` only when complete; on any failure, including a cancel, neither a
    file nor the scratch files of its sheets are left behind."""
    import xlsxwriter

    path = Path(path)
    if not path.parent.exists():
        raise NotFound("no such folder", "没有这个文件夹", where=str(path.parent))
    temporary = path.parent / f".{path.stem}-{secrets.token_hex(4)}.xlsx"
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as scratch:
        book = xlsxwriter.Workbook(str(temporary), {"constant_memory": True, "tmpdir": scratch})
        try:
            yield book
            book.close()
            os.replace(temporary, path)
        except BaseException:
            for sheet in book.worksheets():
                if sheet.row_data_fh is not None:
                    sheet.row_data_fh.close()
            temporary.unlink(missing_ok=True)
            raise
