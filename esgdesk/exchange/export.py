"""The report workbook: the catalogue's tables as the report prints them, consolidated, in Excel.

Sheets: a cover; the key figures; one sheet per chapter with each table's title,
header row, group headers, indented breakdowns, units and numbers (never numbers
stored as text); a GRI / CASS-ESG index; the findings; a long-format data sheet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from esgdesk import __version__
from esgdesk.errors import EsgdeskError
from esgdesk.exchange.workbook import (
    fit_a4,
    house_styles,
    save_atomically,
    set_value,
    sheet_name,
    word,
)
from esgdesk.model.catalogue import Catalogue, Chapter, Indicator, Label, Table
from esgdesk.model.layout import FigureRef, ReportGrid, SiteInfo
from esgdesk.model.states import is_state_text
from esgdesk.rules.consolidate import Consolidation
from esgdesk.rules.figures import rounded
from esgdesk.storage.store import RESTATEMENT_REASONS, Store

Progress = Callable[[int, int, str], bool]  # done, total, what → False to cancel


class ExportCancelled(EsgdeskError):
    def __init__(self) -> None:
        super().__init__("the export was cancelled; no file was written",
                         "导出已取消，未写入任何文件", kind="cancelled")


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
        self.tree = store.tree()
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
        return indicator.type.excel_number(rounded(indicator, number))

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
        sheet.title = sheet_name(word("cover", lang), self.taken)
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
            self.put(sheet, offset, 1, word(key, lang), font=self.bold)
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
        """A table as the report prints it, below its title; the row after it, and its width."""
        lang = self.lang
        self.put(sheet, row, 1, table.title(lang), font=self.bold)
        row += 1
        grid = ReportGrid(self.catalogue, table, entity, self.year, self._sites(table, entity))
        headers = [column.heading(lang) for column in grid.columns]
        self._header_row(sheet, row, headers)
        row += 1
        if table.layout == "matrix":
            return self._matrix_rows(sheet, grid, row), len(headers)
        return self._figure_rows(sheet, grid, row), len(headers)

    def _sites(self, table: Table, entity: str) -> list[SiteInfo]:
        """The table's sites under the entity; without any, one column a year for the entity
        itself, headed by the year alone."""
        below = {e.code: e for e in self.tree.descendants(entity)}
        return [SiteInfo(code, Label(below[code].name_zh, below[code].name_en))
                for code in table.sites if code in below] or [SiteInfo(entity, Label("", ""))]

    def _figure_rows(self, sheet: Any, grid: ReportGrid, row: int) -> int:
        lang = self.lang
        width = len(grid.columns)
        restated: list[tuple[str, int, Indicator, Any]] = []
        for index, item in enumerate(grid.rows):
            label = grid.row_label(index, lang)
            if item.kind == "group":
                self.put(sheet, row, 1, label, font=self.bold, fill=self.group_fill,
                         border=self.border)
                for column in range(2, width + 1):
                    self.put(sheet, row, column, None, fill=self.group_fill, border=self.border)
                row += 1
                continue
            self.put(sheet, row, 1, label, border=self.border,
                     alignment=self.Alignment(indent=item.indent * 2))
            self.put(sheet, row, 2, grid.row_unit(index, lang), border=self.border,
                     alignment=self.centre)
            for column in range(2, width):
                ref = grid.figure(index, column)
                if ref is None:
                    continue
                indicator = self.catalogue.indicators[ref.indicator]
                cell = self.put(sheet, row, column + 1,
                                self.value_of(indicator, ref.year, ref.entity), border=self.border)
                if indicator.type.numeric:
                    cell.number_format = indicator.type.entry_format()
                if indicator.formula is not None and cell.value is not None:
                    self._formula_comment(cell, indicator)
                stored = self.figures.book.stored(ref.entity, indicator.id, ref.year)
                if stored is not None and stored.published is not None:
                    restated.append((label, ref.year, indicator, stored))
            row += 1
        for label, year, indicator, stored in restated:  # footnotes, as GRI 2-4 asks
            self.put(sheet, row, 1, self._restatement(label, year, indicator, stored),
                     font=self.note_font)
            row += 1
        return row

    def _restatement(self, label: str, year: int, indicator: Indicator, stored: Any) -> str:
        published = (stored.published if is_state_text(stored.published)
                     else indicator.type.format(stored.published))
        kind, _, why = stored.restated.partition(": ")
        zh, en = RESTATEMENT_REASONS.get(kind, (kind, kind))
        if self.lang == "zh":
            return f"* {label} {year} 年：已重述（{zh}：{why}），原披露数据 {published}"
        return f"* {label} {year}: restated ({en}: {why}); published: {published}"

    def _header_row(self, sheet: Any, row: int, headers: list[str]) -> None:
        for column, text in enumerate(headers, start=1):
            self.put(sheet, row, column, text, font=self.bold, fill=self.header_fill,
                     alignment=self.centre, border=self.border)
        sheet.row_dimensions[row].height = 30  # room for a wrapped heading

    def _matrix_rows(self, sheet: Any, grid: ReportGrid, row: int) -> int:
        """A matrix's cells for the reporting year; a percentage prints with a % format."""
        lang = self.lang
        for index, item in enumerate(grid.rows):
            label = grid.row_label(index, lang)
            if item.kind == "group":
                self.put(sheet, row, 1, label, font=self.bold, fill=self.group_fill,
                         border=self.border)
                row += 1
                continue
            self.put(sheet, row, 1, label, border=self.border,
                     alignment=self.Alignment(indent=item.indent * 2))
            for column in range(1, len(grid.columns)):
                ref = grid.figure(index, column)
                if ref is None:
                    self.put(sheet, row, column + 1, None, border=self.border)
                    continue
                indicator = self.catalogue.indicators[ref.indicator]
                value = self._report_value(indicator, ref)
                cell = self.put(sheet, row, column + 1, value, border=self.border,
                                alignment=self.centre)
                if indicator.type.numeric:
                    cell.number_format = indicator.type.report_format()
            row += 1
        return row

    def _report_value(self, indicator: Indicator, ref: FigureRef) -> Any:
        if not indicator.type.numeric:
            return self.value_of(indicator, ref.year, ref.entity)
        number = self.figures.figures(ref.entity, ref.year).get(indicator.id)
        return None if number is None else indicator.type.report_number(
            rounded(indicator, number))

    def _comparison(self) -> None:
        """One column per entity (the parent, then each direct child) for the reporting year."""
        lang = self.lang
        entities = [self.entity, *self.figures.children.get(self.entity, [])]
        sheet = self.workbook.create_sheet(sheet_name(word("by_entity", lang), self.taken))
        headers = [word("indicator", lang), word("unit", lang),
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
                        cell.number_format = indicator.type.entry_format()
                    row += 1
        sheet.column_dimensions["A"].width = 46
        sheet.freeze_panes = "C2"
        sheet.print_title_rows = "1:1"
        fit_a4(sheet, landscape=True)

    def _formula_comment(self, cell: Any, indicator: Indicator) -> None:
        from openpyxl.comments import Comment

        assert indicator.formula is not None
        cell.comment = Comment(f"{word('computed', self.lang)}: {indicator.formula.text}",
                               "esgdesk")

    def _index(self) -> None:
        lang = self.lang
        sheet = self.workbook.create_sheet(sheet_name(word("index", lang), self.taken))
        headers = [word("chapter", lang), word("section", lang), "GRI Standards",
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
        sheet = self.workbook.create_sheet(sheet_name(word("findings", lang), self.taken))
        headers = [word(k, lang) for k in ("severity", "state", "entity", "year", "rule",
                                            "message", "explanation")]
        for column, text in enumerate(headers, start=1):
            self.put(sheet, 1, column, text, font=self.bold, fill=self.header_fill)
        for row, finding in enumerate(self.findings, start=2):
            state = word("explained" if finding.explained else "open_state", lang)
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
        sheet = self.workbook.create_sheet(sheet_name(word("data", lang), self.taken))
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


def export_workbook(store: Store, year: int, out: str | Path, entity: str | None = None,
                    lang: str = "zh", progress: Progress | None = None,
                    by_entity: bool = False, per_child: bool = False) -> Path:
    """The report workbook for an entity (consolidated over its children) and year;
    `by_entity` adds a sheet comparing the entity with each of its direct children,
    `per_child` one sheet per direct child with all the chapters' tables."""
    return WorkbookWriter(store, year, entity, lang, by_entity, per_child).write(Path(out),
                                                                              progress)
