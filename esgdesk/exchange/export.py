"""The report workbook: the catalogue's tables as the report prints them, consolidated, in Excel.

Sheets: a cover; the key figures; one sheet per chapter with each table's title,
header row, group headers, indented breakdowns, units and numbers (never numbers
stored as text); a GRI / CASS-ESG index; the findings; a long-format data sheet.
Every sheet prints on A4: columns as wide as their longest text in the workbook's
language, rows as high as their wrapped text, landscape where a sheet is wide.

Written with XlsxWriter in constant-memory mode, so each sheet is laid out first
(a `Page` of lines) and then written row by row.
"""

from __future__ import annotations

import gc
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from esgdesk import __version__
from esgdesk.errors import EsgdeskError
from esgdesk.exchange.pages import continued, paginate
from esgdesk.exchange.workbook import (
    DEFAULT_HEIGHT,
    LINE_HEIGHT,
    PRINT_SCALE_LEAST,
    PRINTABLE_HEIGHT,
    ROW_HEIGHT_MOST,
    Style,
    XlsxCells,
    height_for,
    lines_needed,
    longest_word,
    narrowed,
    print_room,
    print_scale,
    sheet_name,
    text_width,
    unbroken,
    word,
    xlsx_atomically,
    xlsx_fit_a4,
)
from esgdesk.model.catalogue import Catalogue, Chapter, Indicator, Label, Table, name_in
from esgdesk.model.formula import GRID
from esgdesk.model.frameworks import framework
from esgdesk.model.layout import FigureRef, ReportGrid, SiteInfo
from esgdesk.model.method import choices, chosen_names
from esgdesk.model.states import STATES, VALUE, is_state_text
from esgdesk.rules.consolidate import Consolidation, Missing, missing_words
from esgdesk.rules.coverage import coverage, frameworks_used
from esgdesk.rules.figures import rounded
from esgdesk.rules.validation import RULES, SEVERITIES
from esgdesk.storage.factors import FactorValue
from esgdesk.storage.store import RESTATEMENT_REASONS, Store

Progress = Callable[[int, int, str], bool]  # done, total, what → False to cancel
DATA_SECOND_PAGE = 4  # the data sheet's column printed first on a second page across
DATA_ROWS_A_STEP = 5000  # the data sheet reports progress (and may be cancelled) this often
LONGEST_UNBROKEN = 30  # a longer word (an address, a path) may break anywhere at print
# Points a row of default height may print at, the spreadsheet program fitting it to its
# text: a line of a Chinese font is taller.
DEFAULT_PRINTED = {False: 15.5, True: 16.5}
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


class ExportCancelled(EsgdeskError):
    def __init__(self) -> None:
        super().__init__("the export was cancelled; no file was written",
                         "导出已取消，未写入任何文件", kind="cancelled")


class Cell(NamedTuple):
    value: Any
    style: Style = ()
    comment: str | None = None


@dataclass
class Line:
    """One row of a sheet: its cells by column; `spanning` text runs across the sheet's
    columns (a title, a footnote) and is merged over them where it needs the room."""

    cells: dict[int, Cell] = field(default_factory=dict)
    spanning: bool = False
    keep: int = 0  # printed on the same page as this many lines after it
    header: bool = False  # a table's header row, printed again on each page it goes on to


@dataclass
class Page:
    """A sheet laid out before it is written: its lines, the least and most width of each
    column, and the widths the text needs within them."""

    least: dict[int, float]
    most: dict[int, float]
    lines: list[Line] = field(default_factory=list)

    def add(self, line: Line) -> None:
        self.lines.append(line)

    def gap(self) -> None:
        self.lines.append(Line())

    def widths(self) -> tuple[list[float], bool]:
        """Each column's width, and whether the sheet prints landscape: as wide as its text
        wants, else its wrapping columns narrowed (none below its longest word) to what A4
        prints at no less than 8 points, portrait where that is room enough."""
        needs: dict[int, float] = dict(self.least)
        words: dict[int, float] = {}  # no column narrower than a word it holds
        fixed: dict[int, float] = {}  # numbers do not wrap
        for line in self.lines:
            if line.spanning:
                continue
            for column, cell in line.cells.items():
                needs[column] = max(needs.get(column, 0), _needed(cell))
                if isinstance(cell.value, str):
                    words[column] = max(words.get(column, 0), longest_word(
                        cell.value, _bold(cell.style)) + _indent(cell.style) + 2)
                elif cell.value is not None:
                    fixed[column] = max(fixed.get(column, 0), _needed(cell))
        count = max(needs, default=-1) + 1
        wanted = [round(max(min(needs.get(c, 8), self.most.get(c, 40)), words.get(c, 0),
                            fixed.get(c, 0)), 1) for c in range(count)]
        least = [max(min(words.get(c, 0), LONGEST_UNBROKEN), fixed.get(c, 0), 6.0)
                 for c in range(count)]
        landscape = sum(wanted) > print_room(False) + 8
        return narrowed(wanted, least, print_room(landscape)), landscape


def _headers(lines: list[Line]) -> list[int | None]:
    """For each line, the header line of the table it is a row of (None: not in a table):
    a table's rows run from its header to the next empty or spanning line."""
    found: list[int | None] = []
    current: int | None = None
    for index, line in enumerate(lines):
        if line.header:
            current = index
        elif line.spanning or not line.cells:
            current = None
        found.append(current)
    return found


def _bold(style: Style) -> bool:
    return ("bold", True) in style


def _indent(style: Style) -> int:
    return dict(style).get("indent", 0) * 2


def _needed(cell: Cell) -> float:
    """The width a cell's content wants, on one line (a wrapped heading: its longest word)."""
    value, style = cell.value, cell.style
    if value is None:
        return 0
    if isinstance(value, str):
        if ("align", "center") in style and " " in value:
            words = max(text_width(w, _bold(style)) for w in value.split())
            return max(words, min(text_width(value, _bold(style)), 14)) + 2
        return text_width(value, _bold(style)) + _indent(style) + 2
    number_format = dict(style).get("num_format", "")
    places = number_format.count("0") - 1 if "." in number_format else 0
    shown = value * 100 if "%" in number_format else value
    return len(f"{shown:,.{max(places, 0)}f}") + 3


class WorkbookWriter:
    """Writes one report workbook; kept small so a benchmark can time its parts."""

    def __init__(self, store: Store, year: int, entity: str | None, lang: str,
                 by_entity: bool = False, per_child: bool = False) -> None:
        self.store = store
        self.catalogue: Catalogue = store.edition(year)
        self.year = year
        self.entity = store.entity(entity).code if entity else store.root().code
        self.lang = lang
        self.by_entity = by_entity
        self.per_child = per_child
        self.figures = Consolidation(store, range(year - 2, year + 1), self.entity)
        self.tree = store.tree()
        self.taken: set[str] = set()
        self.cells: XlsxCells

    # -- figures --------------------------------------------------------------------
    def _number(self, indicator: Indicator, number: Decimal) -> float | int:
        return indicator.type.excel_number(rounded(indicator, number))

    def value_of(self, indicator: Indicator, year: int, entity: str | None = None) -> Any:
        entity = entity or self.entity
        mark = self._mark(indicator, year, entity)
        if mark is not None:
            return mark
        if indicator.type.numeric:
            number = self.figures.figures(entity, year).get(indicator.id)
            return None if number is None else self._number(indicator, number)
        text = self.figures.text(entity, indicator.id, year)
        if text is None:
            return None
        return indicator.type.display(text, self.lang)

    def _name(self, code: str) -> str:
        found = self.tree.get(code)
        return found.name(self.lang) if found is not None else code

    def _company(self) -> str:
        """The company as the cover names it: a name given as "中文 / English" in the
        workbook's language, else as given, else the catalogue's, else the entity's name."""
        given = name_in(self.store.setting("company"), self.lang)
        return given or self.catalogue.company(self.lang) or self._name(self.entity)

    # -- the workbook -----------------------------------------------------------------
    def write(self, path: Path, progress: Progress | None = None) -> Path:
        from esgdesk.rules.validation import validate

        chapters = list(self.catalogue.chapters)
        kids = self.figures.children.get(self.entity, []) if self.per_child else []
        data_steps = len(self.figures.book.values) // DATA_ROWS_A_STEP + 1
        total = (sum(len(c.tables) for c in chapters) + 3 + data_steps + int(self.by_entity)
                 + len(kids))
        done = 0

        def step(what: str) -> None:
            nonlocal done
            done += 1
            if progress is not None and progress(done, total, what) is False:
                raise ExportCancelled()

        self.findings = validate(self.store, self.year, self.entity,
                                 book=self.figures.book)  # read once, not twice
        self.untranslated = self._untranslated()
        with xlsx_atomically(path) as book:
            self.cells = XlsxCells(book)
            self._put(self._cover(), book.add_worksheet(sheet_name(word("cover", self.lang),
                                                                   self.taken)),
                      freeze=None, one_page=True)
            step("cover")
            for chapter in chapters:
                self._chapter(book, chapter, step)
            if self.by_entity:
                self._comparison(book)
                step("by entity")
            for child in kids:
                self._child_sheet(book, child)
                step(child)
            self._put(self._index(), book.add_worksheet(sheet_name(word("index", self.lang),
                                                                   self.taken)), freeze=(1, 0))
            step("index")
            for framework_id in frameworks_used(self.catalogue):
                found = framework(framework_id)
                self._put(self._framework_index(framework_id), book.add_worksheet(
                    sheet_name(f"{word('index', self.lang)} {found.id}", self.taken)),
                    freeze=(1, 0))
            used = self.factors_used()
            if used is not None:  # the edition's formulas read factors
                self._put(self._factors_page(used), book.add_worksheet(
                    sheet_name(word("factors_used", self.lang), self.taken)), freeze=(1, 0))
            self._put(self._findings(), book.add_worksheet(
                sheet_name(word("findings", self.lang), self.taken)), freeze=(1, 0))
            step("findings")
            self._data_sheet(book.add_worksheet(sheet_name(word("data", self.lang), self.taken)),
                             step)
        return Path(path)

    def _put(self, page: Page, sheet: Any, freeze: tuple[int, int] | None,
             one_page: bool = False) -> None:
        """Write a laid-out page row by row, with its widths, row heights and print set-up:
        a text longer than a row holds continued on the rows below, page breaks before a
        table that would not start with its first rows, and a table's header row printed
        again at the top of each page it goes on to."""
        widths, landscape = page.widths()
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        lines = list(self._continued(page.lines, widths))
        laid = [self._row_layout(line, widths) for line in lines]
        heights = [height or DEFAULT_PRINTED[chinese] for height, chinese, _s in laid]
        scale = print_scale(widths, landscape)
        order, breaks = list(range(len(lines))), []
        if freeze is not None:
            keeps = [line.keep for line in lines]
            if len(keeps) > 2:
                keeps[-2] = max(keeps[-2], 1)  # no page holds the last row alone
            order, breaks = paginate(heights, keeps, _headers(lines),
                                     PRINTABLE_HEIGHT[landscape] * 100 / scale,
                                     repeated=heights[0] if heights else 0.0)
        last = len(widths) - 1
        for row, index in enumerate(order):
            line, (height, _chinese, styles) = lines[index], laid[index]
            if height is not None:
                sheet.set_row(row, height)
            for column, cell in line.cells.items():
                if styles[column] is not cell.style:  # merged over the sheet's columns
                    sheet.merge_range(row, 0, row, last, "", self.cells.format(styles[column]))
                self.cells.write(sheet, row, column, cell.value, styles[column])
                if cell.comment is not None and cell.value is not None:
                    sheet.write_comment(row, column, cell.comment, {"author": "esgdesk"})
        if freeze is not None:
            sheet.freeze_panes(*freeze)
            sheet.repeat_rows(0)
            if breaks:
                sheet.set_h_pagebreaks(breaks[:1023])
        xlsx_fit_a4(sheet, landscape=landscape, one_page=one_page,
                    scale=None if one_page else scale)

    def _row_layout(self, line: Line, widths: list[float]
                    ) -> tuple[float | None, bool, dict[int, Style]]:
        """A line's row height (None: the default), whether it holds Chinese, and each
        cell's style (a spanning text wider than the first column merged over the sheet's
        columns and wrapped within them)."""
        across, last = sum(widths), len(widths) - 1
        height, chinese = None, False
        styles = {column: cell.style for column, cell in line.cells.items()}
        for column, cell in line.cells.items():
            if not isinstance(cell.value, str):
                continue
            size = dict(cell.style).get("font_size", 11)
            chinese = chinese or bool(_CJK.search(cell.value))
            room = widths[column] - _indent(cell.style)
            if line.spanning and text_width(cell.value) + 2 > widths[0] and last > 0:
                room = across
                styles[column] = (*cell.style, ("text_wrap", True), ("valign", "top"))
            if not line.spanning or room == across:
                # widths are in digits of 11-point text: a smaller font fits more on a line
                lines = lines_needed(cell.value, room * 11 / size, _bold(cell.style))
                needed = height_for(lines, size, bool(_CJK.search(cell.value)))
                if needed is not None:
                    height = max(height or 0.0, needed)
        if height is not None:
            height = min(max(height, DEFAULT_HEIGHT), ROW_HEIGHT_MOST)
        return height, chinese, styles

    def _continued(self, lines: list[Line], widths: list[float]) -> Iterator[Line]:
        """The lines, each text too long for one row (409 points) split into parts on
        rows of their own below it, the other cells of those rows left blank."""
        for line in lines:
            parts: dict[int, list[str]] = {}
            if not line.spanning:
                for column, cell in line.cells.items():
                    if isinstance(cell.value, str):
                        size = dict(cell.style).get("font_size", 11)
                        most = int((ROW_HEIGHT_MOST - 3) / (LINE_HEIGHT * size / 11))
                        found = continued(cell.value, widths[column] - _indent(cell.style),
                                          most, _bold(cell.style))
                        if len(found) > 1:
                            parts[column] = found
            if not parts:
                yield line
                continue
            rows = max(len(p) for p in parts.values())
            for index in range(rows):
                yield Line({column: Cell(
                    parts[column][index] if index < len(parts[column]) else None, cell.style)
                    if column in parts else Cell(cell.value if index == 0 else None,
                                                 cell.style, cell.comment)
                    for column, cell in line.cells.items()},
                    keep=line.keep if index == rows - 1 else 0)

    # -- the cover ----------------------------------------------------------------------
    def _cover(self) -> Page:
        lang = self.lang
        open_findings = [f for f in self.findings if not f.explained]
        counts = {s: sum(1 for f in open_findings if f.severity == s) for s in SEVERITIES}
        made_by = f"esgdesk {__version__} · {word('catalogue', lang)} {self.catalogue.version}"
        rows = [
            ("company", self._company()),
            ("scope", self._name(self.entity)),
            ("year", self.year),
            ("made", datetime.now().strftime("%Y-%m-%d %H:%M")),
            ("by", made_by),
            ("open", finding_counts(counts, lang)),
        ]
        if self.untranslated:
            rows.append(("untranslated", untranslated_count(len(self.untranslated), lang)))
        page = Page(least={0: 14, 1: 40}, most={0: 24, 1: 60})
        title = self.catalogue.report_name(lang, self.year, self._company())
        page.add(Line({0: Cell(title, self.cells.style("title"))}, spanning=True))
        page.gap()
        for key, value in rows:
            page.add(Line({0: Cell(word(key, lang), self.cells.style("bold", "middle")),
                           1: Cell(value, self.cells.style("middle", align="left"))}))
        return page

    # -- chapters ------------------------------------------------------------------------
    def _chapter(self, book: Any, chapter: Chapter, step: Callable[[str], None]) -> None:
        title = f"{chapter.number} {chapter.title(self.lang, self.year)}".strip()
        sheet = book.add_worksheet(sheet_name(chapter.sheet_title(self.lang, self.year),
                                                self.taken))
        page = self._table_page()
        page.add(Line({0: Cell(title, self.cells.style("title"))}, spanning=True))
        page.gap()
        for table in chapter.tables:
            self._table(page, table, self.entity)
            page.gap()
            step(table.id)
        self._put(page, sheet, freeze=(2, 1))

    def _child_sheet(self, book: Any, child: str) -> None:
        """Every chapter's tables for one direct child, on one sheet named after it."""
        title = self._name(child)
        sheet = book.add_worksheet(sheet_name(title, self.taken))
        page = self._table_page()
        page.add(Line({0: Cell(title, self.cells.style("title"))}, spanning=True))
        page.gap()
        for chapter in self.catalogue.chapters:
            heading = f"{chapter.number} {chapter.title(self.lang, self.year)}".strip()
            page.add(Line({0: Cell(heading, self.cells.style("title"))}, spanning=True,
                          keep=2))  # with its first table's title
            page.gap()
            for table in chapter.tables:
                self._table(page, table, child)
                page.gap()
        self._put(page, sheet, freeze=(2, 1))

    @staticmethod
    def _table_page() -> Page:
        return Page(least={0: 24, 1: 6}, most={0: 60, 1: 30})

    def _table(self, page: Page, table: Table, entity: str) -> None:
        """A table as the report prints it: its title, header row and rows."""
        lang = self.lang
        page.add(Line({0: Cell(table.title(lang, self.year), self.cells.style("bold"))},
                      spanning=True, keep=3))  # on the page of its header and first rows
        grid = ReportGrid(self.catalogue, table, entity, self.year, self._sites(table, entity))
        heading = self.cells.style("bold", "header", "centre", "border")
        page.add(Line({n: Cell(c.heading(lang), heading) for n, c in enumerate(grid.columns)},
                      header=True))
        first = len(page.lines)
        if table.layout == "matrix":
            self._matrix_rows(page, grid)
        else:
            self._figure_rows(page, grid)
        if len(page.lines) - first > 2:
            page.lines[-2].keep = 1  # no page holds the table's last row alone

    def _sites(self, table: Table, entity: str) -> list[SiteInfo]:
        """The table's sites under the entity; without any, one column a year for the entity
        itself, headed by the year alone."""
        below = {e.code: e for e in self.tree.descendants(entity)}
        return [SiteInfo(code, Label(below[code].name_zh, below[code].name_en))
                for code in table.sites if code in below] or [SiteInfo(entity, Label("", ""))]

    def _label_cell(self, text: str, indent: int) -> Cell:
        if indent:
            return Cell(text, self.cells.style("border", "middle", indent=indent))
        return Cell(text, self.cells.style("border", "middle"))

    def _figure_rows(self, page: Page, grid: ReportGrid) -> None:
        lang = self.lang
        width = len(grid.columns)
        group = self.cells.style("bold", "group", "border", "middle")
        restated: list[tuple[str, int, Indicator, Any]] = []
        incomplete: list[tuple[str, int, str]] = []
        for index, item in enumerate(grid.rows):
            label = grid.row_label(index, lang)
            if item.kind == "group":
                line = Line({0: Cell(label, group)}, keep=1)  # with its first row
                for column in range(1, width):
                    line.cells[column] = Cell(None, self.cells.style("group", "border"))
                page.add(line)
                continue
            line = Line({0: self._label_cell(label, item.indent),
                         1: Cell(grid.row_unit(index, lang), self.cells.style("border",
                                                                               "centre"))})
            for column in range(2, width):
                ref = grid.figure(index, column)
                if ref is None:
                    continue
                indicator = self.catalogue.indicators[ref.indicator]
                value = self.value_of(indicator, ref.year, ref.entity)
                style = (self.cells.style("border", num_format=indicator.type.entry_format())
                         if indicator.type.numeric else self.cells.style("border", "wrap"))
                comment = None
                if indicator.formula is not None:
                    comment = self._method(indicator, ref.year)
                line.cells[column] = Cell(value, style, comment)
                if value is None and indicator.type.numeric:
                    found = self.figures.figure(ref.entity, indicator.id, ref.year)
                    if found.partial:
                        incomplete.append((label, ref.year, self._missing(found.missing)))
                stored = self.figures.book.stored(ref.entity, indicator.id, ref.year)
                if stored is not None and stored.published is not None:
                    restated.append((label, ref.year, indicator, stored))
            page.add(line)
        for label, year, indicator, stored in restated:  # footnotes, as GRI 2-4 asks
            page.add(Line({0: Cell(self._restatement(label, year, indicator, stored),
                                   self.cells.style("note"))}, spanning=True))
        for label, year, missing in incomplete:  # a total never printed smaller than it is
            text = (f"† {label} {year} 年：不完整，未列示；缺 {missing}" if lang == "zh" else
                    f"† {label} {year}: incomplete, not printed; missing {missing}")
            page.add(Line({0: Cell(text, self.cells.style("note"))}, spanning=True))

    def _missing(self, missing: Missing) -> str:
        names = self.tree.names()
        return missing_words(missing, names, self.catalogue, self.lang, most=12)

    def _method(self, indicator: Indicator, year: int) -> str:
        """How a computed figure is made, for its cell's comment: the formula, each factor
        with its value and set, and, for a figure summed over sites, that it is."""
        formula = indicator.formula
        assert formula is not None
        lines = [f"{word('computed', self.lang)}: {formula.text}"]
        known = self.store.factors(year) if formula.factors else {}
        chosen = chosen_names()
        for name in formula.factors:
            if name == GRID:
                lines.append(f"factor.grid: {word('grid_method', self.lang)}")
                continue
            if name in chosen:
                lines.append(f"factor.{name}: {self._chosen_words(name)}")
                continue
            factor = known.get(name)
            value = f"{factor.value_text} {factor.unit} ({factor.set_id or factor.source})" \
                if factor is not None and factor.value is not None else "—"
            lines.append(f"factor.{name} = {value}")
        if indicator.aggregation == "sum":
            lines.append(word("summed_method", self.lang))
        return "\n".join(lines)

    def _chosen_words(self, name: str) -> str:
        """What a choice's factor name reads: the database's option, or (chosen per site)
        where to find each site's."""
        choice = next(c for c in choices().values()
                      if any(name in o.reads for o in c.options.values()))
        if choice.scope == "entity":
            return f"{choice.label(self.lang)}: {word('chosen_method', self.lang)}"
        option = self.figures.factors.option(choice, self.entity)
        return f"{choice.label(self.lang)}: {option.label(self.lang)}"

    def _restatement(self, label: str, year: int, indicator: Indicator, stored: Any) -> str:
        published = (stored.published if is_state_text(stored.published)
                     else indicator.type.display(stored.published, self.lang))
        kind, _, why = stored.restated.partition(": ")
        zh, en = RESTATEMENT_REASONS.get(kind, (kind, kind))
        if self.lang == "zh":
            return f"* {label} {year} 年：已重述（{zh}：{why}），原披露数据 {published}"
        return f"* {label} {year}: restated ({en}: {why}); published: {published}"

    def _matrix_rows(self, page: Page, grid: ReportGrid) -> None:
        """A matrix's cells for the reporting year; a percentage prints with a % format."""
        lang = self.lang
        group = self.cells.style("bold", "group", "border", "middle")
        for index, item in enumerate(grid.rows):
            label = grid.row_label(index, lang)
            if item.kind == "group":
                page.add(Line({0: Cell(label, group)}, keep=1))
                continue
            line = Line({0: self._label_cell(label, item.indent)})
            for column in range(1, len(grid.columns)):
                ref = grid.figure(index, column)
                if ref is None:
                    line.cells[column] = Cell(None, self.cells.style("border"))
                    continue
                indicator = self.catalogue.indicators[ref.indicator]
                style = self.cells.style("border", "centre", **(
                    {"num_format": indicator.type.report_format()}
                    if indicator.type.numeric else {}))
                line.cells[column] = Cell(self._report_value(indicator, ref), style)
            page.add(line)

    def _mark(self, indicator: Indicator, year: int, entity: str) -> str | None:
        """What the report prints for a figure the entity marked n/a or not available
        ("/", "—", as the edition says), never a blank that reads as missing."""
        stored = self.figures.book.stored(entity, indicator.id, year)
        if stored is None or stored.state == VALUE:
            return None
        return self.catalogue.marks.get(stored.state)

    def _report_value(self, indicator: Indicator, ref: FigureRef) -> Any:
        mark = self._mark(indicator, ref.year, ref.entity)
        if not indicator.type.numeric or mark is not None:
            return self.value_of(indicator, ref.year, ref.entity)
        number = self.figures.figures(ref.entity, ref.year).get(indicator.id)
        return None if number is None else indicator.type.report_number(
            rounded(indicator, number))

    # -- by entity ------------------------------------------------------------------------
    def _comparison(self, book: Any) -> None:
        """One column per entity (the parent, then each direct child) for the reporting year."""
        lang = self.lang
        entities = [self.entity, *self.figures.children.get(self.entity, [])]
        sheet = book.add_worksheet(sheet_name(word("by_entity", lang), self.taken))
        heading = self.cells.style("bold", "header", "centre", "border")
        page = Page(least={0: 24, 1: 6}, most={0: 60, 1: 18})
        page.add(Line({n: Cell(text, heading) for n, text in enumerate(
            [word("indicator", lang), word("unit", lang), *(self._name(e) for e in entities)])}))
        columns = [self.figures.figures(e, self.year) for e in entities]
        label_style = self.cells.style("middle")
        for chapter in self.catalogue.chapters:
            seen: set[str] = set()
            page.add(Line({0: Cell(f"{chapter.number} {chapter.title(lang, self.year)}".strip(),
                                   self.cells.style("bold", "group"))}, spanning=True,
                          keep=2))
            for table in chapter.tables:
                for indicator_id in table.indicators():
                    indicator = self.catalogue.indicators[indicator_id]
                    if indicator_id in seen or not indicator.type.numeric:
                        continue
                    seen.add(indicator_id)
                    number_style = self.cells.style(num_format=indicator.type.entry_format())
                    line = Line({0: Cell(indicator.label(lang), label_style),
                                 1: Cell(indicator.unit(lang), label_style)})
                    for column, figures in enumerate(columns, start=2):
                        number = figures.get(indicator_id)
                        line.cells[column] = Cell(
                            None if number is None else self._number(indicator, number),
                            number_style)
                    page.add(line)
        self._put(page, sheet, freeze=(1, 2))

    # -- index and findings ---------------------------------------------------------------
    def _index(self) -> Page:
        lang = self.lang
        heading = self.cells.style("bold", "header", "border", "middle")
        text = self.cells.style("border", "wrap")
        page = Page(least={0: 16, 1: 16, 2: 14, 3: 14}, most={0: 34, 1: 34, 2: 30, 3: 30})
        page.add(Line({n: Cell(t, heading) for n, t in enumerate(
            [word("chapter", lang), word("section", lang), "GRI Standards", "CASS-ESG 5.0"])}))
        for chapter in self.catalogue.chapters:
            title = f"{chapter.number} {chapter.title(lang, self.year)}".strip()
            for section in chapter.sections:
                values = [title, section.title(lang),
                          " / ".join(map(unbroken, section.gri)) or "/",
                          " / ".join(map(unbroken, section.cass)) or "/"]
                page.add(Line({n: Cell(v, text) for n, v in enumerate(values)}))
        return page

    def _framework_index(self, framework_id: str) -> Page:
        """A framework's disclosures, each covered (a figure of the year is held for an
        indicator mapped to it), collected but empty, or not covered."""
        lang = self.lang
        heading = self.cells.style("bold", "header", "border", "middle")
        text = self.cells.style("border", "wrap")
        page = Page(least={0: 8, 1: 30, 2: 12, 3: 30}, most={0: 12, 1: 60, 2: 20, 3: 60})
        page.add(Line({n: Cell(word(k, lang), heading) for n, k in enumerate(
            ("code", "disclosure", "state", "indicators"))}))
        filled = {i.id for i in self.catalogue.indicators.values()
                  if self.value_of(i, self.year) is not None}
        for row in coverage(self.catalogue, framework_id, filled):
            # A title read only in the other language is not shown in this one; one that
            # was never read says so once (it was not verified either).
            title = row.disclosure.title(lang)
            if not title:
                title = word("not_read", lang)
            elif not row.disclosure.verified:
                remark = word("not_verified", lang)
                title = f"{title}（{remark}）" if lang == "zh" else f"{title} ({remark})"
            labels = [self.catalogue.indicators[i].label(lang) for i in row.indicators]
            values = [unbroken(row.disclosure.code), title, row.word(lang),
                      "; ".join(labels) or None]
            page.add(Line({n: Cell(v, text) for n, v in enumerate(values)}))
        return page

    def factors_used(self) -> dict[str, FactorValue | None] | None:
        """Every factor that entered a figure of the export, by id (None: the year holds no
        such factor): the factors read by the formula of each indicator computed for the
        year, for the entity or one in its tree (its figure is there, or all its components
        are), but a parent's summed figures, which read their children's factors;
        `factor.grid` as the grid factor of that entity's province (else its region's, else
        the national one), a choice's name as the option in force's factor. None when no
        formula of the edition reads a factor."""
        held = self.store.factors(self.year)
        used: dict[str, FactorValue | None] = {}
        reading = self._reading()
        if not reading:
            return None
        for code, indicator in self._computed_here(reading):
            for name in indicator.formula.factors if indicator.formula else ():
                resolved = self.figures.factors.resolve(code, self.year, name)
                used.setdefault(resolved, held.get(resolved))
        return dict(sorted(used.items()))

    def _reading(self) -> list[Indicator]:
        """The edition's indicators whose formulas read factors."""
        return [i for i in self.catalogue.indicators.values()
                if i.formula is not None and getattr(i.formula, "factors", ())]

    def _computed_here(self, reading: list[Indicator]) -> list[tuple[str, Indicator]]:
        """(entity, indicator) for each factor-reading figure computed at an entity of the
        export's tree with its own factors (a parent's summed figures are its children's)."""
        found = []
        for code in self.figures.children:  # the exported entity and its tree
            numbers = self.figures.figures(code, self.year)
            parent = bool(self.tree.children(code))
            for indicator in reading:
                assert indicator.formula is not None
                if parent and indicator.aggregation == "sum":
                    continue  # summed from its children's figures: no factor of its own
                if indicator.id not in numbers and not all(
                        c in numbers for c in indicator.formula.indicators):
                    continue
                found.append((code, indicator))
        return found

    def _factors_page(self, used: dict[str, FactorValue | None]) -> Page:
        lang = self.lang
        heading = self.cells.style("bold", "header", "border", "middle")
        text = self.cells.style("border", "wrap")
        page = Page(least={0: 14, 1: 10, 2: 8, 3: 8, 4: 8, 5: 30, 6: 20},
                    most={0: 36, 1: 14, 2: 14, 3: 12, 4: 10, 5: 60, 6: 40})
        page.add(Line({n: Cell(word(k, lang), heading) for n, k in enumerate(
            ("factor", "value", "unit", "region", "data_year", "source", "table"))}))
        for factor_id, factor in used.items():
            if factor is None:
                page.add(Line({0: Cell(factor_id, text)}))
                continue
            page.add(Line({0: Cell(factor.id, text), 1: self._factor_value(factor, text),
                           2: Cell(factor.unit or None, text),
                           3: Cell(factor.region or None, text),
                           4: Cell(factor.data_year, text),
                           5: Cell(factor.source or None, text),
                           6: Cell(factor.table_ref or None, text)}))
        self._method_lines(page, used, heading, text)
        return page

    def _factor_value(self, factor: FactorValue, text: Any) -> Cell:
        """A factor's value as a number, shown with the places it was printed with."""
        if factor.value is None:
            return Cell(None, text)
        places = max(-factor.value.as_tuple().exponent, 0)  # type: ignore[operator]
        return Cell(float(factor.value), self.cells.style(
            "border", valign="top", num_format="0." + "0" * places if places else "0"))

    def _method_lines(self, page: Page, used: dict[str, FactorValue | None], heading: Any,
                      text: Any) -> None:
        """Below the factors: the method's choices for the database, each site's grid
        factor with its data year and basis and its choices, and whether the year's grid
        factors mix data years."""
        lang, values = self.lang, self.figures.factors
        computed = self._computed_here(self._reading())
        names = tuple(dict.fromkeys(n for _code, i in computed
                                    for n in (i.formula.factors if i.formula else ())))
        page.gap()
        page.add(Line({0: Cell(word("method", lang), heading),
                       1: Cell(word("method_choice", lang), heading)}))
        for choice in choices().values():
            if choice.scope != "database" or not any(
                    n in names for o in choice.options.values() for n in o.reads):
                continue
            option = values.option(choice, self.entity)
            mark = "" if option.id != choice.default else word("default_mark", lang)
            page.add(Line({0: Cell(choice.label(lang), text),
                           1: Cell(f"{option.label(lang)}{mark}", text)}))
        page.gap()
        page.add(Line({n: Cell(word(k, lang), heading) for n, k in enumerate(
            ("entity", "grid_factor", "value", "data_year", "grid_basis", "entity_choices"))}))
        held = self.store.factors(self.year)
        for code in dict.fromkeys(code for code, _i in computed):
            grid = values.grid(code, self.year)
            factor = held.get(grid)
            own = [f"{c.label(lang)}: {o.label(lang)}" for c, o in values.chosen(code, names)
                   if c.scope == "entity"]
            page.add(Line({0: Cell(self._name(code), text), 1: Cell(grid, text),
                           2: self._factor_value(factor, text) if factor else Cell(None, text),
                           3: Cell(factor.data_year if factor else None, text),
                           4: Cell(values.grid_basis(code, self.year, lang), text),
                           5: Cell("; ".join(own) or None, text)}))
        vintages = sorted({f.data_year for f in used.values()
                           if f is not None and f.id.startswith("grid.") and f.data_year})
        if len(vintages) > 1:
            years = ", ".join(str(y) for y in vintages)
            page.gap()
            page.add(Line({0: Cell(
                f"本年所用电网排放因子来自不同数据年份（{years}）：某些省份最近读到的因子早于其他省份。"
                if lang == "zh" else
                f"The grid factors used this year are of more than one data year ({years}): "
                "for some provinces the latest factor read is older than for others.",
                self.cells.style("note"))}, spanning=True))

    def _findings(self) -> Page:
        lang = self.lang
        heading = self.cells.style("bold", "header", "border", "middle")
        text = self.cells.style("border", "wrap")
        page = Page(least={0: 8, 1: 8, 2: 12, 3: 6, 4: 12, 5: 50, 6: 30},
                    most={0: 12, 1: 12, 2: 30, 3: 8, 4: 22, 5: 70, 6: 40})
        page.add(Line({n: Cell(word(k, lang), heading) for n, k in enumerate(
            ("severity", "state", "entity", "year", "rule", "message", "explanation"))}))
        for finding in self.findings:
            state = word("explained" if finding.explained else "open_state", lang)
            kind = RULES.get(finding.rule)
            values = [word(finding.severity, lang), state, self._name(finding.entity),
                      finding.year, kind.title(lang) if kind is not None else finding.rule,
                      finding.message(lang), finding.explanation or None]
            page.add(Line({n: Cell(v, text) for n, v in enumerate(values)}))
        self._untranslated_lines(page, text)
        return page

    def _untranslated(self) -> list[tuple[str, int, Indicator]]:
        """The text figures the workbook prints without its language (entity, year,
        indicator): held in the other language only, shown as held."""
        found = []
        for (entity, indicator_id, year), stored in sorted(self.figures.book.values.items()):
            indicator = self.catalogue.indicators.get(indicator_id)
            if indicator is None or indicator.type.numeric or stored.value is None:
                continue
            if indicator.type.lacks(stored.value, self.lang):
                found.append((entity, year, indicator))
        return found

    def _untranslated_lines(self, page: Page, text: Any) -> None:
        """On the findings sheet, each text figure printed without the workbook's language."""
        lang = self.lang
        for entity, year, indicator in self.untranslated:
            label = indicator.label(lang)
            message = (f"“{label}”没有中文，本工作簿印出其所填的文字。" if lang == "zh" else
                       f"'{label}' has no English; the workbook prints it as typed.")
            values = [word("info", lang), word("open_state", lang), self._name(entity), year,
                      word("rule_language", lang), message, None]
            page.add(Line({n: Cell(v, text) for n, v in enumerate(values)}))

    # -- data -----------------------------------------------------------------------------
    def _data_sheet(self, sheet: Any, step: Callable[[str], None]) -> None:
        """Long format, one stored figure a row, for a pivot table or pandas; an explicit
        state (n/a, not available) in its own column, so it never reads as missing. Written
        straight, without a Page: on a large group it is most of the workbook."""
        lang = self.lang
        cells = self.cells
        keys = ("entity", "year", "indicator_id", "label", "unit", "value", "state", "status",
                "note", "changed_by", "changed_at")
        names = {code: self._name(code) for code in self.figures.children}
        units = [indicator.unit(lang) for indicator in self.catalogue.indicators.values()]
        headings = [longest_word(word(key, lang), bold=True) + 2 for key in keys]
        wanted = [max(width, least) for least, width in zip(
            headings, (min(max(map(text_width, names.values()), default=0) + 2, 40), 6,
                       max(map(len, self.catalogue.indicators), default=0) + 2, 40,
                       min(max(map(text_width, units), default=0) + 2, 24), 14, 10, 10, 36,
                       12, 34), strict=True)]
        least = [max(h, w) for h, w in zip(headings, (
            max((longest_word(n) + 2 for n in names.values()), default=8), 6, wanted[2],
            max((longest_word(i.label(lang)) + 2 for i in self.catalogue.indicators.values()),
                default=8), max((longest_word(u) + 2 for u in units), default=6),
            14, 10, 10, 14, 12, 34), strict=True)]
        # Two pages across at the least scale, each narrowed to its page (wrapped where it
        # can): what the figure is on the first, the figure and its review on the second.
        room = print_room(True)
        widths = (narrowed(wanted[:DATA_SECOND_PAGE], least[:DATA_SECOND_PAGE], room)
                  + narrowed(wanted[DATA_SECOND_PAGE:], least[DATA_SECOND_PAGE:], room))
        for column, key in enumerate(keys):
            cells.write(sheet, 0, column, word(key, lang), cells.style("bold", "header",
                                                                        "middle"))
            sheet.set_column(column, column, widths[column])
        sheet.set_row(0, height_for(2))
        wrap = cells.style("wrap")
        plain = cells.format(wrap)
        shown: dict[str, tuple[Indicator, str, str, Any, int]] = {}
        for indicator in self.catalogue.indicators.values():
            label = indicator.label(lang)
            number_format = cells.format(cells.style("wrap",
                                                     num_format=indicator.type.entry_format()))
            unit = indicator.unit(lang)
            shown[indicator.id] = (indicator, label, unit, number_format,
                                   max(lines_needed(label, widths[3]),
                                       lines_needed(unit, widths[4])))
        name_lines = {code: lines_needed(name, widths[0]) for code, name in names.items()}
        states = {s.id: s.word(lang) for s in STATES.values()}
        statuses = {s: word(s, lang) for s in ("draft", "submitted", "approved", "locked")}
        numbers: dict[tuple[str, str], float | int] = {}
        texts: dict[tuple[str, str], str] = {}  # text figures as shown, each worked out once
        heights: dict[int, float | None] = {}
        known: dict[str, Any] = {}  # names and users, checked once by write(): their Format
        write, write_string, write_number = cells.write, sheet.write_string, sheet.write_number
        values = self.figures.book.values
        row = 0
        for key in sorted(values):
            entity, indicator_id, year = key
            found = shown.get(indicator_id)
            if found is None:
                continue
            indicator, label, unit, number_format, lines = found
            stored = values[key]
            row += 1
            note, by, value = stored.note, stored.changed_by, stored.value
            lines = max(lines, name_lines.get(entity, 1))
            if len(note) * 2 > widths[8] - 2:  # long texts wrap onto more lines
                lines = max(lines, lines_needed(note, widths[8]))
            if len(by) * 2 > widths[9] - 2:
                lines = max(lines, lines_needed(by, widths[9]))
            if value is not None and not indicator.type.numeric:
                text = texts.get((indicator_id, value))
                if text is None:
                    text = texts[indicator_id, value] = indicator.type.display(value, lang)
                value = text
                lines = max(lines, lines_needed(value, widths[5]))
            if lines > 1:
                height = heights.get(lines)
                if height is None:
                    height = heights[lines] = height_for(lines)
                sheet.set_row(row, height)
            name = names.get(entity, entity)
            name_format = known.get(name)
            if name_format is None:
                write(sheet, row, 0, name, wrap)
                known[name] = cells.text_format(name, wrap)
            else:
                write_string(row, 0, name, name_format)
            write_number(row, 1, year, plain)
            write_string(row, 2, indicator_id, plain)
            write_string(row, 3, label, plain)
            if unit:
                write_string(row, 4, unit, plain)
            if value is None:
                if stored.state in states:
                    write_string(row, 6, states[stored.state], plain)
            elif not indicator.type.numeric:
                write(sheet, row, 5, value, wrap)
            else:
                number = numbers.get((indicator_id, value))
                if number is None:
                    number = numbers[indicator_id, value] = self._number(indicator,
                                                                         Decimal(value))
                write_number(row, 5, number, number_format)
            write_string(row, 7, statuses.get(stored.status, stored.status), plain)
            if note:
                write(sheet, row, 8, note, wrap)
            if by:
                by_format = known.get(by)
                if by_format is None:
                    write(sheet, row, 9, by, wrap)
                    known[by] = cells.text_format(by, wrap)
                else:
                    write_string(row, 9, by, by_format)
            if stored.changed_at:
                write_string(row, 10, stored.changed_at, plain)
            if row % DATA_ROWS_A_STEP == 0:
                step("data")
        sheet.freeze_panes(1, 0)
        sheet.repeat_rows(0)
        sheet.autofilter(0, 0, max(row, 1), len(keys) - 1)
        sheet.set_v_pagebreaks([DATA_SECOND_PAGE])
        sheet.print_across()  # a row band's two pages one after the other
        xlsx_fit_a4(sheet, landscape=True, scale=math.ceil(PRINT_SCALE_LEAST * 100))
        step("data")


def untranslated_count(count: int, lang: str) -> str:
    """How many text figures the workbook prints in the other language ("3 项文字数据没有中文",
    "3 text figures have no English")."""
    if lang == "zh":
        return f"{count} 项文字数据没有中文"
    return f"{count} text figure{' has' if count == 1 else 's have'} no English"


def finding_counts(counts: dict[str, int], lang: str) -> str:
    """Open findings by severity, as a sentence of the language ("0 个错误 · 1 个警告 ·
    2 条提示", "0 errors · 1 warning · 2 info")."""
    if lang == "zh":
        return (f"{counts.get('error', 0)} 个错误 · {counts.get('warning', 0)} 个警告 · "
                f"{counts.get('info', 0)} 条提示")
    errors, warnings = counts.get("error", 0), counts.get("warning", 0)
    return (f"{errors} error{'' if errors == 1 else 's'} · "
            f"{warnings} warning{'' if warnings == 1 else 's'} · {counts.get('info', 0)} info")


def export_workbook(store: Store, year: int, out: str | Path, entity: str | None = None,
                    lang: str = "zh", progress: Progress | None = None,
                    by_entity: bool = False, per_child: bool = False) -> Path:
    """The report workbook for an entity (consolidated over its children) and year;
    `by_entity` adds a sheet comparing the entity with each of its direct children,
    `per_child` one sheet per direct child with all the chapters' tables."""
    with collector_paused():
        return WorkbookWriter(store, year, entity, lang, by_entity, per_child).write(
            Path(out), progress)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a workbook is made, and run once at the end
    on the objects made meanwhile only. An export keeps a hundred thousand objects or more
    alive at once (every figure of the tree read, and XlsxWriter's record of each row's
    height): each burst of them would set the collector walking the whole process's
    objects, a few million in the app or the benchmark, up to a second and a half an export
    for nothing. What only the collector frees (XlsxWriter's workbook and its sheets refer to
    each other) is freed by the one pass at the end, not left to whatever runs next."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)  # the youngest generation: everything made since the export began
