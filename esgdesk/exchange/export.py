"""The report workbook: the catalogue's tables as the report prints them, consolidated, in Excel.

Sheets: a cover; the key figures; one sheet per chapter with each table's title,
header row, group headers, indented breakdowns, units and numbers (never numbers
stored as text); a GRI / CASS-ESG index; the findings; a long-format data sheet.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from esgdesk import __version__
from esgdesk.errors import EsgdeskError
from esgdesk.model.catalogue import Catalogue, Chapter, Indicator, Table
from esgdesk.model.types import text_problem
from esgdesk.rules.consolidate import Consolidation
from esgdesk.rules.figures import rounded
from esgdesk.storage.store import RESTATEMENT_REASONS, STATE_TEXT, Store

Progress = Callable[[int, int, str], bool]  # done, total, what → False to cancel
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
WORDS = {
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
}


class ExportCancelled(EsgdeskError):
    def __init__(self) -> None:
        super().__init__("the export was cancelled; no file was written")


def _word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


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
        raise EsgdeskError(f"{cell.parent.title}!{cell.coordinate}: the text "
                           f"'{value[:40]}' {problem}; nothing was written")
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(FORMULA_STARTS)
    return cell


def house_styles(writer: Any) -> None:
    """The look shared by every workbook esgdesk writes: borders, fonts, fills."""
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


def number_format(indicator: Indicator, as_fraction: bool = False) -> str:
    places = indicator.type.precision if indicator.type.name != "count" else 0
    decimals = "." + "0" * places if places else ""
    if as_fraction:
        return f"0{decimals}%"
    return f"#,##0{decimals}"


class WorkbookWriter:
    """Writes one report workbook; kept small so a benchmark can time its parts."""

    def __init__(self, store: Store, year: int, entity: str | None, lang: str,
                 by_entity: bool = False, per_child: bool = False) -> None:
        from openpyxl import Workbook

        self.store = store
        self.catalogue: Catalogue = store.catalogue
        self.year = year
        self.entity = store.entity(entity).code if entity else store.root().code
        self.lang = lang
        self.by_entity = by_entity
        self.per_child = per_child
        self.figures = Consolidation(store, range(year - 2, year + 1), self.entity)
        self.workbook = Workbook()
        self.taken: set[str] = set()
        self._styles()

    def _styles(self) -> None:
        house_styles(self)

    # -- cells ------------------------------------------------------------------
    def put(self, sheet: Any, row: int, column: int, value: Any, **style: Any) -> Any:
        cell = sheet.cell(row=row, column=column)
        set_value(cell, value)
        for key, setting in style.items():
            setattr(cell, key, setting)
        return cell

    def _number(self, indicator: Indicator, number: Decimal) -> float | int:
        value = rounded(indicator, number)
        return int(value) if indicator.type.name == "count" else float(value)

    def value_of(self, indicator: Indicator, year: int, entity: str | None = None) -> Any:
        entity = entity or self.entity
        if indicator.type.numeric:
            number = self.figures.figures(entity, year).get(indicator.id)
            return None if number is None else self._number(indicator, number)
        text = self.figures.text(entity, indicator.id, year)
        if text is None:
            return None
        return indicator.type.format(text)

    # -- sheets ------------------------------------------------------------------
    def write(self, path: Path, progress: Progress | None = None) -> Path:
        chapters = list(self.catalogue.chapters)
        kids = self.figures.children.get(self.entity, []) if self.per_child else []
        total = sum(len(c.tables) for c in chapters) + 4 + int(self.by_entity) + len(kids)
        done = 0

        def step(what: str) -> None:
            nonlocal done
            done += 1
            if progress is not None and progress(done, total, what) is False:
                raise ExportCancelled()

        self._cover(self.workbook.active)
        step("cover")
        for chapter in chapters:
            self._chapter(chapter, step)
        if self.by_entity:
            self._comparison()
            step("by entity")
        for child in kids:
            self._child_sheet(child)
            step(child)
        self._index()
        step("index")
        self._findings_sheet()
        step("findings")
        self._data_sheet()
        step("data")
        return save_atomically(self.workbook, path)

    def _cover(self, sheet: Any) -> None:
        from esgdesk.rules.validation import validate

        lang = self.lang
        sheet.title = sheet_name(_word("cover", lang), self.taken)
        entity = self.store.entity(self.entity)
        self.findings = validate(self.store, self.year, self.entity)
        open_findings = [f for f in self.findings if not f.explained]
        counts = {s: sum(1 for f in open_findings if f.severity == s)
                  for s in ("error", "warning", "info")}
        self.put(sheet, 1, 1, self.catalogue.report(lang), font=self.title_font)
        rows = [
            ("company", self.store.setting("company") or entity.name(lang)),
            ("scope", entity.name(lang)),
            ("year", self.year),
            ("made", datetime.now().strftime("%Y-%m-%d %H:%M")),
            ("by", f"esgdesk {__version__} · catalogue {self.catalogue.version}"),
            ("open", f"{counts['error']} error · {counts['warning']} warning · "
                     f"{counts['info']} info"),
        ]
        for offset, (key, value) in enumerate(rows, start=3):
            self.put(sheet, offset, 1, _word(key, lang), font=self.bold)
            self.put(sheet, offset, 2, value)
        sheet.column_dimensions["A"].width = 22
        sheet.column_dimensions["B"].width = 60

    def _chapter(self, chapter: Chapter, step: Callable[[str], None]) -> None:
        title = f"{chapter.number} {chapter.title(self.lang)}".strip()
        sheet = self.workbook.create_sheet(sheet_name(title, self.taken))
        self.put(sheet, 1, 1, title, font=self.title_font)
        row = 3
        widest = 3
        for table in chapter.tables:
            row, width = self._table(sheet, table, row, self.entity)
            widest = max(widest, width)
            row += 2
            step(table.id)
        self._sheet_setup(sheet, widest)

    def _child_sheet(self, child: str) -> None:
        """Every chapter's tables for one direct child, on one sheet named after it."""
        lang = self.lang
        title = self.store.entity(child).name(lang)
        sheet = self.workbook.create_sheet(sheet_name(title, self.taken))
        self.put(sheet, 1, 1, title, font=self.title_font)
        row, widest = 3, 3
        for chapter in self.catalogue.chapters:
            self.put(sheet, row, 1, f"{chapter.number} {chapter.title(lang)}".strip(),
                     font=self.title_font)
            row += 2
            for table in chapter.tables:
                row, width = self._table(sheet, table, row, child)
                widest = max(widest, width)
                row += 2
        self._sheet_setup(sheet, widest)

    def _sheet_setup(self, sheet: Any, widest: int) -> None:
        """Column widths, frozen title, A4 fitted to the page width, title repeated."""
        sheet.column_dimensions["A"].width = 46
        sheet.column_dimensions["B"].width = 12
        from openpyxl.utils import get_column_letter

        for column in range(3, widest + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 15
        sheet.freeze_panes = "B3"
        sheet.print_title_rows = "1:1"
        fit_a4(sheet, landscape=widest > 6)

    def _table(self, sheet: Any, table: Table, row: int, entity: str) -> tuple[int, int]:
        lang = self.lang
        self.put(sheet, row, 1, table.title(lang), font=self.bold)
        row += 1
        if table.layout == "matrix":
            return self._matrix(sheet, table, row, entity)
        years = list(range(self.year - table.years + 1, self.year + 1))
        headers = [table.header(lang), _word("unit", lang)]
        below = self._descendants(entity)
        sites = [s for s in table.sites if s in below] or [None]
        columns: list[tuple[int, str | None]] = []
        if table.layout == "sites":
            for year in years:
                for site in sites:
                    columns.append((year, site))
                    name = self.store.entity(site).name(lang) if site else ""
                    headers.append(f"{year} 年 {name}" if lang == "zh" else f"{year} {name}")
        else:
            for year in years:
                columns.append((year, None))
                headers.append(f"{year} 年" if lang == "zh" else str(year))
        self._header_row(sheet, row, headers)
        row += 1
        restated: list[tuple[str, int, Indicator, Any]] = []
        for item in table.rows:
            if item.kind == "group":
                self.put(sheet, row, 1, item.label(lang) if item.label else "", font=self.bold,
                         fill=self.group_fill, border=self.border)
                for column in range(2, len(headers) + 1):
                    self.put(sheet, row, column, None, fill=self.group_fill, border=self.border)
                row += 1
                continue
            indicator = self.catalogue.indicators[item.indicator or ""]
            label = item.label(lang) if item.label else indicator.label(lang)
            self.put(sheet, row, 1, label, border=self.border,
                     alignment=self.Alignment(indent=item.indent * 2))
            self.put(sheet, row, 2, indicator.unit(lang), border=self.border,
                     alignment=self.centre)
            for column, (year, site) in enumerate(columns, start=3):
                value = self.value_of(indicator, year, site or entity)
                cell = self.put(sheet, row, column, value, border=self.border)
                if indicator.type.numeric:
                    cell.number_format = number_format(indicator)
                if indicator.formula is not None and value is not None:
                    self._formula_comment(cell, indicator)
                stored = self.figures.book.stored(site or entity, indicator.id, year)
                if stored is not None and stored.published is not None:
                    restated.append((label, year, indicator, stored))
            row += 1
        for label, year, indicator, stored in restated:  # footnotes, as GRI 2-4 asks
            published = (indicator.type.format(stored.published)
                         if stored.published not in STATE_TEXT.values() else stored.published)
            kind, _, why = stored.restated.partition(": ")
            zh, en = RESTATEMENT_REASONS.get(kind, (kind, kind))
            text = (f"* {label} {year} 年：已重述（{zh}：{why}），原披露数据 {published}"
                    if self.lang == "zh" else
                    f"* {label} {year}: restated ({en}: {why}); published: {published}")
            self.put(sheet, row, 1, text, font=self.note_font)
            row += 1
        return row, len(headers)

    def _header_row(self, sheet: Any, row: int, headers: list[str]) -> None:
        for column, text in enumerate(headers, start=1):
            self.put(sheet, row, column, text, font=self.bold, fill=self.header_fill,
                     alignment=self.centre, border=self.border)
        sheet.row_dimensions[row].height = 30  # room for a wrapped heading

    def _descendants(self, entity: str) -> set[str]:
        found: set[str] = set()
        todo = list(self.figures.children.get(entity, []))
        while todo:
            code = todo.pop()
            found.add(code)
            todo.extend(self.figures.children.get(code, []))
        return found

    def _matrix(self, sheet: Any, table: Table, row: int, entity: str) -> tuple[int, int]:
        lang = self.lang
        headers = [table.header(lang)] + [
            c.title(lang).replace("{year}", str(self.year)).replace("{next}", str(self.year + 1))
            for c in table.columns]
        self._header_row(sheet, row, headers)
        row += 1
        for item in table.rows:
            label = item.label(lang) if item.label else ""
            if item.kind == "group":
                self.put(sheet, row, 1, label, font=self.bold, fill=self.group_fill,
                         border=self.border)
                row += 1
                continue
            self.put(sheet, row, 1, label, border=self.border,
                     alignment=self.Alignment(indent=item.indent * 2))
            for column, spec in enumerate(table.columns, start=2):
                indicator_id = item.cells.get(spec.key)
                if indicator_id is None:
                    self.put(sheet, row, column, None, border=self.border)
                    continue
                indicator = self.catalogue.indicators[indicator_id]
                value = self.value_of(indicator, self.year, entity)
                fraction = indicator.type.name == "percentage"
                if fraction and value is not None:
                    value = value / 100
                cell = self.put(sheet, row, column, value, border=self.border,
                                alignment=self.centre)
                if indicator.type.numeric:
                    cell.number_format = number_format(indicator, as_fraction=fraction)
            row += 1
        return row, len(headers)

    def _comparison(self) -> None:
        """One column per entity (the parent, then each direct child) for the reporting year."""
        lang = self.lang
        entities = [self.entity, *self.figures.children.get(self.entity, [])]
        sheet = self.workbook.create_sheet(sheet_name(_word("by_entity", lang), self.taken))
        headers = [_word("indicator", lang), _word("unit", lang),
                   *(self.store.entity(e).name(lang) for e in entities)]
        self._header_row(sheet, 1, headers)
        columns = [self.figures.figures(e, self.year) for e in entities]
        row = 2
        for chapter in self.catalogue.chapters:
            seen: set[str] = set()
            self.put(sheet, row, 1, f"{chapter.number} {chapter.title(lang)}".strip(),
                     font=self.bold, fill=self.group_fill)
            row += 1
            for table in chapter.tables:
                for indicator_id in table.indicators():
                    indicator = self.catalogue.indicators[indicator_id]
                    if indicator_id in seen or not indicator.type.numeric:
                        continue
                    seen.add(indicator_id)
                    self.put(sheet, row, 1, indicator.label(lang))
                    self.put(sheet, row, 2, indicator.unit(lang))
                    for column, figures in enumerate(columns, start=3):
                        number = figures.get(indicator_id)
                        cell = self.put(sheet, row, column,
                                        None if number is None else self._number(indicator,
                                                                                  number))
                        cell.number_format = number_format(indicator)
                    row += 1
        sheet.column_dimensions["A"].width = 46
        sheet.freeze_panes = "C2"
        sheet.print_title_rows = "1:1"
        fit_a4(sheet, landscape=True)

    def _formula_comment(self, cell: Any, indicator: Indicator) -> None:
        from openpyxl.comments import Comment

        assert indicator.formula is not None
        cell.comment = Comment(f"{_word('computed', self.lang)}: {indicator.formula.text}",
                               "esgdesk")

    def _index(self) -> None:
        lang = self.lang
        sheet = self.workbook.create_sheet(sheet_name(_word("index", lang), self.taken))
        headers = [_word("chapter", lang), _word("section", lang), "GRI Standards",
                   "CASS-ESG 5.0"]
        for column, text in enumerate(headers, start=1):
            self.put(sheet, 1, column, text, font=self.bold, fill=self.header_fill,
                     border=self.border)
        row = 2
        for chapter in self.catalogue.chapters:
            for section in chapter.sections:
                values = [f"{chapter.number} {chapter.title(lang)}".strip(), section.title(lang),
                          "/".join(section.gri) or "/", "/".join(section.cass) or "/"]
                for column, value in enumerate(values, start=1):
                    self.put(sheet, row, column, value, border=self.border)
                row += 1
        for letter, width in zip("ABCD", (34, 30, 40, 44), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"

    def _findings_sheet(self) -> None:
        lang = self.lang
        sheet = self.workbook.create_sheet(sheet_name(_word("findings", lang), self.taken))
        headers = [_word(k, lang) for k in ("severity", "state", "entity", "year", "rule",
                                            "message", "explanation")]
        for column, text in enumerate(headers, start=1):
            self.put(sheet, 1, column, text, font=self.bold, fill=self.header_fill)
        for row, finding in enumerate(self.findings, start=2):
            state = _word("explained" if finding.explained else "open_state", lang)
            values = [finding.severity, state, finding.entity, finding.year, finding.rule,
                      finding.message(lang), finding.explanation]
            for column, value in enumerate(values, start=1):
                self.put(sheet, row, column, value)
        for letter, width in zip("ABCDEFG", (10, 10, 14, 8, 14, 90, 50), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"

    def _data_sheet(self) -> None:
        """Long format, one stored figure a row, for a pivot table or pandas."""
        lang = self.lang
        sheet = self.workbook.create_sheet(sheet_name(_word("data", lang), self.taken))
        headers = ["entity", "year", "indicator", "label_zh", "label_en", "unit", "value",
                   "status", "note", "changed_by", "changed_at"]
        for column, text in enumerate(headers, start=1):
            self.put(sheet, 1, column, text, font=self.bold, fill=self.header_fill)
        row = 2
        for (entity, indicator_id, year), stored in sorted(self.figures.book.values.items()):
            indicator = self.catalogue.indicators.get(indicator_id)
            if indicator is None:
                continue
            value: Any = stored.value
            if value is not None and indicator.type.numeric:
                value = self._number(indicator, Decimal(value))
            values = [entity, year, indicator_id, indicator.label.zh, indicator.label.en,
                      indicator.unit(lang), value, stored.status, stored.note,
                      stored.changed_by, stored.changed_at]
            for column, item in enumerate(values, start=1):
                self.put(sheet, row, column, item)
            row += 1
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:K{max(row - 1, 1)}"


def save_atomically(workbook: Any, path: Path) -> Path:
    """Write to a temporary file beside the target; replace the target only when complete."""
    path = Path(path)
    if not path.parent.exists():
        raise EsgdeskError(f"{path.parent}: no such folder")
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


def export_workbook(store: Store, year: int, out: str | Path, entity: str | None = None,
                    lang: str = "zh", progress: Progress | None = None,
                    by_entity: bool = False, per_child: bool = False) -> Path:
    """The report workbook for an entity (consolidated over its children) and year;
    `by_entity` adds a sheet comparing the entity with each of its direct children,
    `per_child` one sheet per direct child with all the chapters' tables."""
    return WorkbookWriter(store, year, entity, lang, by_entity, per_child).write(Path(out),
                                                                              progress)
