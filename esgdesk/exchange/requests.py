"""Collection workbooks: a department's tables for one entity and year, to fill in offline.

`write_request` renders the department's tables from the catalogue, laid out as the
forms are (esgdesk.model.layout.FormGrid): the two prior years filled in and locked, the
reporting year's input cells unlocked with Excel data validation and an input message
giving unit and precision, an explanation and a state column (the state where the figure's
input message does not cover it), last year's explanation last, labels and structure
protected, instructions in zh and en, and a hidden, protected metadata sheet
(esgdesk.exchange.metadata) naming the request and mapping every cell to its figure, with
a checksum over the fixed content. esgdesk.exchange.returned reads such a workbook back.

`write_requests` writes a collection: the first request of each layout (the same tables
and figures asked, in the same language) through openpyxl, the others from its frame
(RequestFrame), making again only what is each request's own; the workbooks are the same,
part for part, as openpyxl writes each.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from esgdesk import __version__
from esgdesk.errors import EsgdeskError, NotFound
from esgdesk.exchange.metadata import (
    EDITION_SHEET,
    FORMAT,
    META_SHEET,
    CellSpec,
    edition_cells,
    fixed_text,
    meta_rows,
)
from esgdesk.exchange.workbook import (
    FORMULA_STARTS,
    append_row,
    beside,
    both_words,
    collector_paused,
    fit_a4,
    house_styles,
    save_atomically,
    set_value,
    sheet_name,
    word,
)
from esgdesk.model.catalogue import Catalogue, Chapter, Indicator, Label, Table, name_in
from esgdesk.model.evidence import QUALITIES, quality_words
from esgdesk.model.layout import FormGrid, SiteInfo
from esgdesk.model.states import NOT_APPLICABLE, STATES, state_words
from esgdesk.rules.figures import FigureBook, rounded
from esgdesk.storage.store import RequestInfo, Store, StoredValue

# The input columns after a table's figures (and the unit typed): explanation, state, last
# year's explanation, how the figure was obtained, an estimate's method.
EXTRAS = 4

INSTRUCTIONS = [
    ("本工作簿收集以下主体、年度和部门的 ESG 数据。", "This workbook collects the ESG figures "
     "of the entity, year and department below."),
    ("只在白色单元格中填写本年度数据；灰色单元格为往年数据或标签，已锁定。", "Type only into the "
     "white cells of the reporting year; grey cells hold prior years and labels and are "
     "locked."),
    ("不适用或暂无数据时，在“状态”列中选择，并在“说明”列中说明原因。", "Where a figure does not "
     "apply or is not available, choose so in the State column and say why under "
     "Explanation."),
    ("与上年相比变化较大的数据，请在“说明”列中解释；上年的解释显示在最后一列。", "Explain a "
     "large change from last year under Explanation; last year's explanation is shown in the "
     "last column."),
    ("填写下方的填报人姓名，保存后将文件发回。请勿修改工作表名称、行或标签。", "Fill in your name "
     "below, save the file and send it back. Do not rename sheets or move rows or labels."),
]


def collected_in(catalogue: Catalogue, table: Table, indicator: str, department: str,
                 takes: Callable[[Indicator], bool] | None = None) -> bool:
    """True where a request collects a figure: a typed indicator of the department, in its
    home table (a figure printed in two tables is typed once), that the request's entity
    takes (`takes`: typed there, not consolidated from below; see EntityTree.takes)."""
    spec = catalogue.indicators[indicator]
    return (not spec.derived and spec.owner == department
            and _home_table_id(catalogue, indicator) == table.id
            and (takes is None or takes(spec)))


# What a collection asks of its catalogue for each of its requests, found once.
@lru_cache(maxsize=8)
def _home_table_ids(_catalogue: Catalogue) -> dict[str, str]:
    return {}  # indicator → the id of its home table, as asked


def _home_table_id(catalogue: Catalogue, indicator: str) -> str:
    known = _home_table_ids(catalogue)
    if indicator not in known:
        known[indicator] = catalogue.home_table(indicator).id
    return known[indicator]


@lru_cache(maxsize=8)
def _validation_keys(_catalogue: Catalogue) -> dict[str, tuple[Any, ...]]:
    return {}  # indicator → its kind of input cell (see RequestWriter._validate), as asked


@lru_cache(maxsize=32)
def _typed_in(catalogue: Catalogue, department: str
              ) -> tuple[tuple[Table, tuple[Indicator, ...]], ...]:
    """Each of a department's tables with the figures a request types there, whichever
    entity takes them (collected_in without `takes`)."""
    return tuple((t, tuple(catalogue.indicators[i] for i in t.indicators()
                           if collected_in(catalogue, t, i, department)))
                 for t in catalogue.department_tables(department))


@lru_cache(maxsize=32)
def _levels(catalogue: Catalogue, department: str) -> tuple[Indicator, ...]:
    """A figure of each level a department's figures are typed at (see entity_takes)."""
    levels = {spec.entered_at: spec for _t, specs in _typed_in(catalogue, department)
              for spec in specs}
    return tuple(levels[level] for level in sorted(levels))


def request_tables(catalogue: Catalogue, department: str,
                   takes: Callable[[Indicator], bool] | None = None) -> list[Table]:
    """The tables a department's request holds: those where it types a figure (at the
    request's entity, when `takes` says which it takes)."""
    return [t for t, specs in _typed_in(catalogue, department)
            if specs and (takes is None or any(takes(spec) for spec in specs))]


def entity_takes(store: Store, entity: str, year: int | None = None,
                 ) -> Callable[[Indicator], bool]:
    """Whether an indicator is typed at the entity (not consolidated from its children), in
    the structure of a year (nothing, where the entity does not count in it)."""
    tree = store.tree(year)
    return lambda spec: tree.takes(entity, spec.entered_at)


class RequestWriter:
    def __init__(self, store: Store, request: RequestInfo, lang: str, user: str,
                 figures: dict[tuple[str, str, int], StoredValue] | None = None,
                 qualities: dict[tuple[str, str], tuple[str, str]] | None = None,
                 sent_back: dict[str, str] | None = None) -> None:
        """`figures`: the entity's stored figures of the request's year and the two before;
        `qualities`: how the year's figures were obtained (store.qualities); `sent_back`: why
        the year's requests were sent back (store.sent_back); each when read already (a
        collection reads them for all its requests at once)."""
        self.store = store
        self.catalogue = store.edition(request.year)
        self.request = request
        self.lang = lang
        self.user = user
        self.years = (request.year - 2, request.year - 1, request.year)
        self.takes = entity_takes(store, request.entity, request.year)
        # the prior years' figures and last year's explanations, and the year's own
        if figures is None:
            figures = store.figures_of([request.entity], self.years)
        self.book = FigureBook(self.catalogue, figures)
        self.qualities = (store.qualities(request.year, [request.entity]) if qualities is None
                          else qualities)
        self.sent_back = sent_back
        self.workbook: Any = None  # openpyxl's, made when the workbook is written through it
        self._fresh()
        # the cells whose content is the request's own (figures, explanations), each made by
        # one of the methods _slot calls: (the method, sheet, row, column, its arguments,
        # where its cell specs start and end in self.cells, its cells' (row, column)); kept
        # where the workbook is the first of a layout (see RequestFrame)
        self.slots: list[tuple[Any, ...]] | None = None

    def _fresh(self) -> None:
        """Nothing written yet."""
        self.cells: list[CellSpec] = []
        self.taken: set[str] = set()
        self.validations: dict[object, Any] = {}  # by kind of figure, and "state"
        # the cells of each (given to it at once: openpyxl checks a cell added one at a
        # time against every cell it holds)
        self.validated: dict[object, list[tuple[int, int]]] = {}  # (column, row)
        self.typed_at: dict[str, tuple[str, str]] = {}  # indicator → its input cell
        self.repeated: list[tuple[Any, str]] = []  # (cell, indicator) shown twice
        self.prior_shown = False
        # the cell specs and sheet names of the chapters, before the instructions' (see
        # RequestFrame: the instructions are made anew for each request of a layout)
        self.chapter_specs, self.chapter_taken = 0, set()

    def _styles(self) -> None:
        from openpyxl import Workbook

        from esgdesk.exchange.xlsx_save import PlainCells

        self.workbook = Workbook()
        self.alignments: dict[tuple[tuple[str, Any], ...], Any] = {}
        house_styles(self)
        self.plain = PlainCells(self.workbook)
        self.locked_fill = self.group_fill
        # The looks of the workbook's cells, each made once: a cell's style is looked up by
        # the look's identity (see PlainCells.cell).
        locked = {"fill": self.locked_fill, "border": self.border}
        self.as_title, self.as_bold = {"font": self.title_font}, {"font": self.bold}
        self.as_text = {"alignment": self.wrap}
        self.as_fact = {"alignment": self.aligned(horizontal="left")}
        self.as_input = {"protection": self.open, "border": self.border}
        self.as_heading = {"font": self.bold, "fill": self.header_fill, "border": self.border,
                           "alignment": self.aligned(horizontal="center", wrap_text=True)}
        self.as_group = {"font": self.bold, **locked}
        self.as_locked = locked
        self.as_last_note = {**locked, "alignment": self.wrap}
        self.as_labels: dict[int, dict[str, Any]] = {}  # by indent

    def put(self, sheet: Any, row: int, column: int, value: Any,
            look: dict[str, Any] | None = None, fixed: bool = True) -> Any:
        """The cell at `row`, `column` holding `value`, in one of the looks above."""
        cell = self.plain.cell(sheet, row, column, look)
        set_value(cell, value)
        if fixed and value is not None:
            self.cells.append(_spec(CellSpec, (sheet.title, cell.coordinate, "fixed", "", 0,
                                               fixed_text(value))))
        return cell

    def _as_label(self, indent: int) -> dict[str, Any]:
        """The look of a row's label, indented."""
        if indent not in self.as_labels:
            self.as_labels[indent] = {**self.as_locked,
                                      "alignment": self.aligned(indent=indent * 2)}
        return self.as_labels[indent]

    def aligned(self, **settings: Any) -> Any:
        """One Alignment object for each setting (the style lookup above goes by object)."""
        key = tuple(sorted(settings.items()))
        if key not in self.alignments:
            self.alignments[key] = self.Alignment(**settings)
        return self.alignments[key]

    def _input(self, sheet: Any, row: int, column: int, kind: str, indicators: list[str],
               value: Any = None, held: str = "") -> Any:
        """An input cell of the reporting year, mapped to each figure it is read into (a
        target table's state and explanation serve every figure of the row); `held` is
        the figure the database holds, from which a bilingual text keeps its other
        language when one language is typed."""
        cell = self.put(sheet, row, column, value, self.as_input, fixed=False)
        for indicator in indicators:
            self.cells.append(_spec(CellSpec, (sheet.title, cell.coordinate, kind, indicator,
                                               self.request.year, held)))
        return cell

    def _carried(self, sheet: Any, cell: Any, kind: str, indicator: str, year: int,
                 value: Any) -> None:
        """A locked cell carrying a prior figure or last year's explanation: checked on
        import like any fixed content, and read when the request is opened offline."""
        if value is not None and not self.catalogue.indicators[indicator].derived:
            self.cells.append(_spec(CellSpec, (sheet.title, cell.coordinate, kind, indicator,
                                               year, fixed_text(value))))
        elif value is not None:
            self.cells.append(_spec(CellSpec, (sheet.title, cell.coordinate, "fixed", "", 0,
                                               fixed_text(value))))

    def write(self, out: Path, frames: dict[tuple[Any, ...], RequestFrame | None] | None = None
              ) -> Path:
        """The workbook written to `out`. `frames`: a collection's requests of each layout
        so far (see RequestFrame), the first of a layout written through openpyxl and kept,
        the others written from its frame."""
        from openpyxl.workbook.protection import WorkbookProtection

        tables = request_tables(self.catalogue, self.request.department, self.takes)
        key: tuple[Any, ...] = ()
        if frames is not None:
            key = self._layout()
            frame = frames.get(key)
            if frame is not None and frame.write(self, out):
                return out
            self._fresh()
            if key not in frames:
                self.slots = []
        self._styles()
        instructions = self.workbook.active
        chapters: dict[str, list[Table]] = {}
        for table in tables:
            chapters.setdefault(table.chapter, []).append(table)
        for chapter in self.catalogue.chapters:
            if chapter.id in chapters:
                self._chapter_sheet(chapter, chapters[chapter.id])
        self._repeat_figures()
        self.chapter_specs, self.chapter_taken = len(self.cells), set(self.taken)
        self._instructions(instructions)  # last: it says whether prior years were shown
        self._instructions_page(instructions)
        self._metadata()
        self.workbook.security = WorkbookProtection(lockStructure=True)
        if self.slots is None or frames is None:
            return save_atomically(self.workbook, out)
        from esgdesk.exchange.xlsx_save import SavedSheet

        recorded = {sheet.title: SavedSheet(set()) for sheet in self.workbook.worksheets}
        for _make, title, _row, _column, _args, _start, _end, places in self.slots:
            recorded[title].slots.update(places)
        save_atomically(self.workbook, out, recorded)
        frames[key] = RequestFrame.of(self, out, recorded)
        return out

    def _layout(self) -> tuple[Any, ...]:
        """What a request's chapter sheets are made of but its figures: requests of the same
        layout differ only in their figures, entity, and what the instructions say. The
        tables and figures it asks for follow from the levels its entity takes figures at
        (self.takes: entity_takes, which asks a figure's level alone)."""
        department = self.request.department
        return (self.catalogue, self.request.year, department, self.lang,
                tuple(self.takes(spec) for spec in _levels(self.catalogue, department)))

    def _slot(self, make: Callable[..., list[Any]], sheet: Any, row: int, column: int,
              *args: Any) -> list[Any]:
        """The cells `make` puts at `row`, `column` (and on): content of the request's own,
        kept in self.slots for the frame of its layout where it is recorded."""
        start = len(self.cells)
        cells = make(sheet, row, column, *args)
        if self.slots is not None:
            self.slots.append((make.__name__, sheet.title, row, column, args, start,
                               len(self.cells), [(c.row, c.column) for c in cells]))
        return cells

    def _instructions(self, sheet: Any) -> None:
        lang, request = self.lang, self.request
        sheet.title = sheet_name(word("instructions", lang), self.taken)
        entity = self.store.entity(request.entity)
        company = self.store.setting("company")
        names = [self.catalogue.report_name(lang, request.year, name_in(company, lang))
                 for lang in ("zh", "en")]
        self.put(sheet, 1, 1, " · ".join(names), self.as_title)
        row = 3
        for zh, en in INSTRUCTIONS:
            self.put(sheet, row, 1, zh, self.as_text)
            self.put(sheet, row, 2, en, self.as_text)
            sheet.row_dimensions[row].height = 32  # two wrapped lines
            row += 1
        department = self.catalogue.departments[request.department]
        facts = [("主体 Entity", f"{entity.name_zh} · {entity.name_en}"),
                 ("年度 Year", request.year),
                 ("部门 Department", f"{department.zh} · {department.en}"),
                 ("截止日期 Due", request.due or "—"),
                 ("负责人 Assignee", request.assignee or "—")]
        reasons = (self.store.sent_back(request.year, request.entity) if self.sent_back is None
                   else self.sent_back)
        reason = reasons.get(request.id)
        if reason:  # sent back: what the coordinator asked to correct
            facts.append(("退回原因 Sent back because", reason))
        if not self.prior_shown and self.store.tree().ancestors(request.entity):
            facts.append(("往年数据 Prior years", "往年数据只保存在集团层面，本工作簿中不显示"
                          "本主体的往年数据；请直接填写本年度数据。 · Prior years are held "
                          "only for the group, so this entity's prior years are not shown "
                          "here; type the reporting year's figures."))
        needing = [self.catalogue.indicators[i] for i in self.store.request_indicators(
            request.department, request.year, request.entity)
            if i in self.catalogue.indicators and self.catalogue.indicators[i].needs_evidence]
        if needing:  # which figures need a document, and how to send it
            listed = "; ".join(f"{i.label(lang)} [{i.id}]" for i in needing)
            facts.append(("证明文件 Documents required",
                          f"{listed}. 请将证明文件放在与本工作簿同名的文件夹或 zip 中发回，"
                          "文件名以指标编号开头（或放在以指标编号命名的子文件夹中）。 · Send each "
                          "figure's document back in a folder or zip named after this workbook, "
                          "its file name starting with the indicator id (or in a subfolder "
                          "named after it)."))
        row += 1
        for label, value in facts:
            self.put(sheet, row, 1, label, self.as_bold)
            self.put(sheet, row, 2, value, self.as_fact)
            row += 1
        row += 1
        for kind in ("submitted_by", "submitted_at"):
            self.put(sheet, row, 1, both_words(kind), self.as_bold)
            self._input(sheet, row, 2, kind, [""])
            row += 1

    @staticmethod
    def _instructions_page(sheet: Any) -> None:
        sheet.column_dimensions["A"].width = 60
        sheet.column_dimensions["B"].width = 70
        fit_a4(sheet, landscape=True)
        sheet.protection.sheet = True

    def _chapter_sheet(self, chapter: Chapter, tables: list[Table]) -> None:
        from openpyxl.utils import get_column_letter

        year = self.request.year
        sheet = self.workbook.create_sheet(sheet_name(chapter.sheet_title(self.lang, year),
                                                      self.taken))
        self.put(sheet, 1, 1, f"{chapter.number} {chapter.title(self.lang, year)}".strip(),
                 self.as_title)
        grids = [(table, self._grid(table)) for table in tables]
        # Every table of a sheet puts its unit, explanation and state in the same columns,
        # after the widest table's figures: each input column holds one kind of cell from
        # top to bottom, so Enter and Tab move through figures in reading order.
        figures = max(len(grid.columns) for _table, grid in grids)
        typed_unit = any(self._typed_unit(table) for table, _grid in grids)
        first_extra = figures + 1
        row = 3
        for table, grid in grids:
            row = self._table(sheet, table, grid, row, first_extra, typed_unit)
            row += 2
        last = first_extra + EXTRAS + int(typed_unit)
        # Sized for a 1366×768 screen: label, unit, prior years and the reporting year fit
        # beside each other; explanations wrap.
        sheet.column_dimensions["A"].width = 40
        sheet.column_dimensions["B"].width = 11
        for column in range(3, first_extra):
            sheet.column_dimensions[get_column_letter(column)].width = 13
        if typed_unit:
            sheet.column_dimensions[get_column_letter(first_extra)].width = 11
        # The explanation comes before the state: a figure's input message, shown to the
        # right of its cell, covers the unit typed and the explanation (together wide enough
        # to hold it), never the state, which stays on screen beside them.
        sheet.column_dimensions[get_column_letter(last - 4)].width = 22 if typed_unit else 34
        sheet.column_dimensions[get_column_letter(last - 3)].width = 10
        sheet.column_dimensions[get_column_letter(last - 2)].width = 34
        # How the row's figure was obtained, and an estimate's method, after all the rest.
        sheet.column_dimensions[get_column_letter(last - 1)].width = 12
        sheet.column_dimensions[get_column_letter(last)].width = 30
        sheet.freeze_panes = "C3"
        sheet.print_title_rows = "1:1"
        fit_a4(sheet, landscape=True)
        self._page_header(sheet)
        sheet.protection.sheet = True
        # Only open cells can be selected: Enter and Tab go from figure to figure.
        sheet.protection.selectLockedCells = True
        sheet.protection.formatColumns = False  # widths may be changed
        for key, validation in self.validations.items():
            if self.validated.get(key):
                validation.sqref = listed_cells(self.validated[key])
                sheet.add_data_validation(validation)
        self.validations, self.validated = {}, {}

    def _page_header(self, sheet: Any) -> None:
        """A printed page names the entity, department and year, and counts its pages."""
        foot = "第 &P 页，共 &N 页" if self.lang == "zh" else "Page &P of &N"
        for part in (sheet.oddHeader, sheet.evenHeader):
            part.center.text = self._page_head()
        for part in (sheet.oddFooter, sheet.evenFooter):
            part.center.text = foot

    def _page_head(self) -> str:
        """The text atop a printed page (& doubled: a code of the header's otherwise)."""
        entity = self.store.entity(self.request.entity)
        department = self.catalogue.departments[self.request.department]
        year = self.request.year
        if self.lang == "zh":
            head = f"{entity.name_zh} · {department.zh} · {year} 年"
        else:
            head = f"{entity.name_en} · {department.en} · {year}"
        return head.replace("&", "&&")

    def _grid(self, table: Table) -> FormGrid:
        # A per-site table asks for the request's own entity: one column a year, headed
        # by the year alone (as the export heads it), never by the entity's code.
        return FormGrid(self.catalogue, table, self.request.entity, self.request.year,
                        [SiteInfo(self.request.entity, Label("", ""))])

    def _typed_unit(self, table: Table) -> bool:
        """A table collecting quantities asks in which unit each was typed (kWh, or MWh …)."""
        return any(self.catalogue.indicators[i].type.unit_id is not None
                   and collected_in(self.catalogue, table, i, self.request.department,
                                    self.takes)
                   for i in table.indicators())

    def _heading(self, sheet: Any, row: int, column: int, text: str) -> None:
        """A heading above figures. Above an input column it is a number shown as the
        heading's text (2024 shown as "2024 年"): AutoInput (LibreOffice) and AutoComplete
        (Excel, WPS) complete an entry from the text of its column, never from numbers,
        so a figure typed there is never turned into a heading."""
        if column < 3 or not text:
            self.put(sheet, row, column, text or None, self.as_heading)
            return
        year = re.search(r"\d{4}", text)
        shown = text.replace('"', "'").replace("\\", "/")
        cell = self.put(sheet, row, column, int(year.group()) if year else 0, self.as_heading)
        cell.number_format = f'"{shown}";"{shown}";"{shown}"'

    def _table(self, sheet: Any, table: Table, grid: FormGrid, row: int, first_extra: int,
               typed_unit: bool) -> int:
        lang = self.lang
        last = first_extra + EXTRAS + int(typed_unit)
        self.put(sheet, row, 1, table.title(lang, self.request.year), self.as_bold)
        row += 1
        headers = [c.heading(lang).strip() for c in grid.columns]
        for column, text in enumerate(headers, start=1):
            self._heading(sheet, row, column, text)
        for column in range(len(headers) + 1, first_extra):
            self._heading(sheet, row, column, "")
        extra = [word(k, lang) for k in (("typed_unit",) if typed_unit else ())
                 + ("note", "state", "last_note", "quality", "estimate_method")]
        for column, text in enumerate(extra, start=first_extra):
            self.put(sheet, row, column, text, self.as_heading)
        row += 1
        for index, item in enumerate(grid.rows):
            label = grid.row_label(index, lang)
            if item.kind == "group":
                self.put(sheet, row, 1, label, self.as_group)
                self._closed(sheet, row, 2, last)
                row += 1
                continue
            self.put(sheet, row, 1, label, self._as_label(item.indent))
            if table.unit_column:
                self.put(sheet, row, 2, grid.row_unit(index, lang), self.as_locked)
            else:
                self._closed(sheet, row, 2, 2)
            inputs = []
            for column in range(len(grid.columns)):
                ref = grid.figure(index, column)
                if ref is None:
                    if column >= 2:
                        self._closed(sheet, row, column + 1, column + 1)
                    continue
                spec = self.catalogue.indicators[ref.indicator]
                if ref.year == self.request.year and collected_in(
                        self.catalogue, table, spec.id, self.request.department, self.takes):
                    cell = self._slot(self._typed_cell, sheet, row, column + 1, spec)[0]
                    self._validate(cell, spec)
                    self.typed_at.setdefault(spec.id, (sheet.title, cell.coordinate))
                    inputs.append(spec)
                else:
                    self._slot(self._shown_cell, sheet, row, column + 1, spec, ref.year)
            self._closed(sheet, row, len(grid.columns) + 1, first_extra - 1)
            if typed_unit and len(inputs) == 1 and inputs[0].type.unit_id is not None:
                self._unit_input(sheet, row, first_extra, inputs[0])
            elif typed_unit:
                self._closed(sheet, row, first_extra, first_extra)
            if inputs:
                extras = self._slot(self._row_extras, sheet, row,
                                    first_extra + int(typed_unit), [spec.id for spec in inputs])
                self._state_list(extras[1])
                self._quality_list(extras[3])
            else:
                self._closed(sheet, row, first_extra + int(typed_unit), last)
            row += 1
        return row

    def _typed_cell(self, sheet: Any, row: int, column: int, spec: Indicator) -> list[Any]:
        """The reporting year's input cell of a figure, holding what is held for it."""
        held = self.book.stored(self.request.entity, spec.id, self.request.year)
        return [self._input(sheet, row, column, "value", [spec.id], self._current(spec),
                            held.value or "" if held is not None else "")]

    def _shown_cell(self, sheet: Any, row: int, column: int, spec: Indicator, year: int
                    ) -> list[Any]:
        """A locked cell showing a figure: a prior year's, or one typed elsewhere."""
        value = self._shown(spec, year)
        cell = self.put(sheet, row, column, value, self.as_locked, fixed=False)
        if spec.type.numeric:
            cell.number_format = spec.type.entry_format()
        self._carried(sheet, cell, "prior", spec.id, year, value)
        self.prior_shown |= value is not None and year < self.request.year
        if value is None and year == self.request.year:
            self.repeated.append((cell, spec.id))
        return [cell]

    def _closed(self, sheet: Any, row: int, first: int, last: int) -> None:
        """Cells of a table that take nothing: grey and locked, as they look."""
        for column in range(first, last + 1):
            self.plain.cell(sheet, row, column, self.as_locked)

    def _repeat_figures(self) -> None:
        """A figure shown twice (a key figure repeated in a later table) shows what is
        typed in its first place: a formula reading that cell."""
        for cell, indicator in self.repeated:
            place = self.typed_at.get(indicator)
            if place is None:
                continue
            sheet, coordinate = place
            first = coordinate if sheet == cell.parent.title else f"'{sheet}'!{coordinate}"
            cell.value = f'=IF({first}="","",{first})'  # empty while nothing is typed
            cell.number_format = self.catalogue.indicators[indicator].type.entry_format()

    def _unit_input(self, sheet: Any, row: int, column: int, spec: Indicator) -> None:
        """The unit a quantity is typed in: its own by default, any of its dimension chosen
        from a drop-down list; the figure is stored in its own unit."""
        from openpyxl.worksheet.datavalidation import DataValidation

        from esgdesk.model.units import compatible_units, unit_by_id

        own = unit_by_id(spec.type.unit_id or "")
        cell = self._input(sheet, row, column, "unit", [spec.id], unit_choice(own, self.lang))
        key = ("unit", own.id)
        if key not in self.validations:
            # Both languages' names, whatever the workbook's language; nothing else.
            names = list(dict.fromkeys(unit_choice(u, lang) for u in compatible_units(own)
                                       for lang in (self.lang, "en", "zh")))
            choices = ",".join(names)
            dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
            dv.promptTitle = word("typed_unit", self.lang)[:32]
            dv.prompt = f"{own.label(self.lang)}:\n{_lines(names, 26)}"[:255]
            dv.showInputMessage = True
            dv.errorTitle = "esgdesk"
            dv.error = (f"请从列表中选择单位 · choose a unit from the list: {choices}")[:255]
            dv.showErrorMessage = True
            self.validations[key] = dv
        self.validated.setdefault(key, []).append((cell.column, cell.row))

    def _row_extras(self, sheet: Any, row: int, column: int, ids: list[str]) -> list[Any]:
        """A row's explanation, state and last year's explanation: for the row's one figure,
        or for each figure a target table's row collects (its target, achievement, next
        target). Only explanations are shown; a figure's provenance is for coordinators.
        Its five cells, in order."""
        entity, year, lang = self.request.entity, self.request.year, self.lang
        held = [self.book.stored(entity, i, year) for i in ids]
        state = next((STATES[s.state] for s in held if s is not None and s.state in STATES),
                     None)
        if state is None and not any(s is not None and s.value is not None for s in held):
            # last year's n/a (a fuel the site does not use), to confirm with one key
            before = [self.book.stored(entity, i, year - 1) for i in ids]
            state = next((STATES[s.state] for s in before
                          if s is not None and s.state == NOT_APPLICABLE.id), None)
        note = next((s.note for s in held if s is not None and s.note), None)
        cells = [self._input(sheet, row, column, "note", ids, note),
                 self._input(sheet, row, column + 1, "state", ids,
                             state.word(lang) if state else None)]
        last = next((s for i in ids if (s := self.book.stored(entity, i, year - 1))
                     is not None and s.note), None)
        cell = self.put(sheet, row, column + 2, last.note if last else None,
                        self.as_last_note, fixed=False)
        if last is not None:
            self._carried(sheet, cell, "last_note", last.indicator, year - 1, last.note)
        quality, method = next((self.qualities[entity, i] for i in ids
                                if (entity, i) in self.qualities), ("", ""))
        cells += [cell, self._input(sheet, row, column + 3, "quality", ids,
                                    quality_words(quality, lang) or None),
                  self._input(sheet, row, column + 4, "method", ids, method or None)]
        return cells

    def _quality_list(self, cell: Any) -> None:
        """How a figure was obtained: measured, calculated or estimated, from a list."""
        from openpyxl.worksheet.datavalidation import DataValidation

        if "quality" not in self.validations:
            choices = ",".join(quality_words(q, self.lang) for q in QUALITIES)
            dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
            dv.promptTitle = word("quality", self.lang)[:32]
            dv.prompt = ("实测、计算或估算；估算须在右侧说明方法" if self.lang == "zh" else
                         "measured, calculated or estimated; say an estimate's method on its "
                         "right")
            dv.showInputMessage = True
            self.validations["quality"] = dv
        self.validated.setdefault("quality", []).append((cell.column, cell.row))

    def _current(self, spec: Indicator) -> Any:
        """What the database holds already for the reporting year (pre-filled); else a
        target the year before already set (the 2023 report's 2024 target)."""
        entity, year = self.request.entity, self.request.year
        stored = self.book.stored(entity, spec.id, year)
        if stored is None or (stored.value is None and stored.state not in STATES):
            setter = self.catalogue.set_the_year_before(spec.id)
            stored = self.book.stored(entity, setter, year - 1) if setter else None
        if stored is None or stored.value is None:
            return None
        return spec.type.entry_cell(stored.value, self.lang)

    def _shown(self, spec: Indicator, year: int) -> Any:
        if spec.type.numeric:
            number = self.book.number(self.request.entity, spec.id, year)
            if number is None:
                return None
            return spec.type.excel_number(rounded(spec, number))
        stored = self.book.stored(self.request.entity, spec.id, year)
        return spec.type.display(stored.value, self.lang) if stored and stored.value else None

    def _validate(self, cell: Any, spec: Indicator) -> None:
        """The input cell's data validation and input message, shared by the cells of a
        sheet that take the same kind of figure."""
        from openpyxl.worksheet.datavalidation import DataValidation

        keys = _validation_keys(self.catalogue)
        if spec.id not in keys:
            low, high = self.catalogue.bounds(spec) if spec.type.numeric else (None, None)
            keys[spec.id] = (spec.type, spec.unit.zh, low, high)
        key = keys[spec.id]
        if key not in self.validations:
            low, high = key[2], key[3]
            unit = spec.unit(self.lang) or "—"
            rule = spec.type.entry_rule(low, high)
            dv = DataValidation(type=rule.kind, operator=rule.operator, formula1=rule.formula1,
                                formula2=rule.formula2)
            dv.promptTitle = unit[:32]
            # One line a language: the message stays as narrow as the explanation column
            # it is shown over.
            dv.prompt = f"{word('unit', self.lang)}: {unit}\n{rule.zh}\n{rule.en}"[:255]
            dv.showInputMessage = True
            dv.errorTitle = "esgdesk"
            dv.error = rule.text()[:255]
            dv.showErrorMessage = True
            dv.allow_blank = True
            self.validations[key] = dv
        self.validated.setdefault(key, []).append((cell.column, cell.row))

    def _state_list(self, cell: Any) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        if "state" not in self.validations:
            words = ",".join(state_words(self.lang))
            dv = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True)
            dv.promptTitle = word("state", self.lang)
            dv.prompt = " · ".join(f"{s.word_zh} = {s.word_en}" for s in STATES.values())
            dv.showInputMessage = True
            self.validations["state"] = dv
        self.validated.setdefault("state", []).append((cell.column, cell.row))

    def _metadata(self) -> None:
        sheet = self.workbook.create_sheet(META_SHEET)
        for row, values in enumerate(self._meta_rows(), start=1):
            append_row(sheet, row, values)
        sheet.sheet_state = "veryHidden"
        sheet.protection.sheet = True
        edition = self.workbook.create_sheet(EDITION_SHEET)
        for row, text in enumerate(self._edition_cells(), start=1):
            edition.cell(row=row, column=1, value=text)
        edition.sheet_state = "veryHidden"
        edition.protection.sheet = True

    def _meta_rows(self) -> list[list[Any]]:
        """The metadata sheet's rows (see esgdesk.exchange.metadata)."""
        request, entity = self.request, self.store.entity(self.request.entity)
        meta = {"format": FORMAT, "request": request.id, "entity": request.entity,
                "entity_zh": entity.name_zh, "entity_en": entity.name_en,
                "year": str(request.year), "department": request.department,
                "catalogue": self.catalogue.content_hash, "lang": self.lang,
                "made_at": datetime.now().isoformat(timespec="seconds"),
                "made_by": f"{self.user} · esgdesk {__version__}", "due": request.due,
                "assignee": request.assignee}
        return meta_rows(meta, self.cells)

    def _edition_cells(self) -> list[str]:
        """The request's edition packed into cells, packed once for the many requests of a
        collection that carry it (the same content and year is the same document)."""
        key = (self.catalogue.content_hash, self.request.year)
        if key not in _PACKED_EDITIONS:
            if len(_PACKED_EDITIONS) >= 8:
                _PACKED_EDITIONS.clear()
            _PACKED_EDITIONS[key] = edition_cells(
                self.store.edition_document(self.request.year))
        return _PACKED_EDITIONS[key]


# What a request writer's cells are made with: the looks and the plain cells that give
# each the style openpyxl's would have.
_STYLE_NAMES = ("plain", "as_title", "as_bold", "as_text", "as_fact", "as_input",
                "as_heading", "as_group", "as_locked", "as_last_note", "as_labels",
                "alignments", "locked_fill", "Alignment")
_DIMENSION = re.compile(r'<dimension ref="[^"]*" />')


class RequestFrame:
    """The first request of a layout as written (see RequestWriter._layout), to write the
    others of that layout from, as openpyxl would have written each: every part of the
    workbook kept as saved but what is the request's own (its figures and explanations,
    the instructions, the metadata, the page header, the dates), and the cells of its own
    made again by the methods that made them (RequestWriter._slot). A request whose own
    cells would take other styles than the first's (a text quote-prefixed, lest it be read
    as a formula) is written through openpyxl: its styles would be numbered otherwise."""

    def __init__(self, writer: RequestWriter, parts: list[tuple[str, int, Any]]) -> None:
        from esgdesk.exchange.xlsx_save import StyleIds

        self.writer = writer  # its looks and plain cells give the cells made again theirs
        self.parts = parts
        self.taken = writer.chapter_taken
        self.typed_at = dict(writer.typed_at)
        slots = writer.slots or []
        self.slots = [(make, title, row, column, args)
                      for make, title, row, column, args, _s, _e, _p in slots]
        # the cell specs before each slot's and after the last (the chapters' alone)
        self.chunks: list[list[CellSpec]] = []
        position = 0
        for _make, _title, _row, _column, _args, start, end, _places in slots:
            self.chunks.append(writer.cells[position:start])
            position = end
        self.chunks.append(writer.cells[position:writer.chapter_specs])
        book = writer.workbook
        self.slot_styles = [(title, place, book[title]._cells[place]._style)
                            for _m, title, _r, _c, _a, _s, _e, places in slots
                            for place in places]
        # the cell styles of the frame's workbook, in order, and the attributes after each
        # cell's address by its style and type (see xlsx_save._plain_cell); the styles the
        # instructions, written first, give their ids
        self.styles = StyleIds()
        self.known: dict[tuple[bytes, str], str] = {}
        self.instruction_styles: list[bytes] = []
        # the sheets written anew, by part name: their kind and pieces
        self.sheets: dict[str, tuple[str, Any]] = {}

    @classmethod
    def of(cls, writer: RequestWriter, path: Path, recorded: dict[str, Any]
           ) -> RequestFrame | None:
        """The frame of a request written through openpyxl to `path`, its sheets recorded
        as saved; None where it cannot be written again from its parts."""
        from esgdesk.exchange.xlsx_save import Packed, StyleIds, saved_parts, text_xml

        if not all(saved.plain for saved in recorded.values()):
            return None
        frame = cls(writer, saved_parts(path))
        sheets = writer.workbook.worksheets
        # every part but those made anew compressed once
        anew = {"docProps/core.xml", sheets[0].path[1:], sheets[-2].path[1:],
                *(sheet.path[1:] for sheet in sheets[1:-2])}
        frame.parts = [(name, attributes, content if name in anew else Packed(content))
                       for name, attributes, content in frame.parts]
        last = recorded[sheets[-1].title]
        frame.styles, frame.known = StyleIds(last.styles_after), last.known
        instructions = recorded[sheets[0].title]
        top, _rows, tail = instructions.parts()
        if len(_DIMENSION.findall(top)) != 1:
            return None
        frame.instruction_styles = instructions.styles_after
        frame.sheets[sheets[0].path[1:]] = ("instructions", (
            sheets[0].title, _DIMENSION.split(top), tail, instructions.row_attributes))
        head = f">{text_xml('&C' + writer._page_head())}<"
        for sheet in sheets[1:-2]:
            pieces: list[Any] = []
            for piece in recorded[sheet.title].pieces:
                if type(piece) is str and pieces and type(pieces[-1]) is str:
                    pieces[-1] += piece
                else:
                    pieces.append(piece)
            end = pieces.pop()
            # the page header names the entity: in the odd and even pages' header alone
            footer = end.find("<headerFooter>") if type(end) is str else -1
            if footer < 0 or end.count(head, footer) != 2 or end.count(head) != 2:
                return None
            frame.sheets[sheet.path[1:]] = ("chapter", (sheet.title, pieces, end.split(head)))
        meta = recorded[sheets[-2].title]
        top, _rows, tail = meta.parts()
        if sheets[-2].title != META_SHEET or len(_DIMENSION.findall(top)) != 1:
            return None
        frame.sheets[sheets[-2].path[1:]] = ("meta", (_DIMENSION.split(top), tail))
        return frame

    def write(self, writer: RequestWriter, out: Path) -> bool:
        """Write the writer's request to `out` from this frame; False (nothing written, the
        writer to begin again) where it would not be the workbook openpyxl writes."""
        from esgdesk.exchange.workbook import parts_atomically
        from esgdesk.exchange.xlsx_save import (
            LightSheet,
            StyleIds,
            core_properties,
            text_xml,
        )

        writer._fresh()
        writer.taken = set(self.taken)
        for name in _STYLE_NAMES:
            setattr(writer, name, getattr(self.writer, name))
        sheets: dict[str, Any] = {}
        for kind, (title, *_rest) in self.sheets.values():
            if kind == "chapter":
                sheets[title] = LightSheet(title, self.styles)
        cells = writer.cells
        for chunk, (make, title, row, column, args) in zip(self.chunks, self.slots,
                                                           strict=False):
            cells.extend(chunk)
            getattr(writer, make)(sheets[title], row, column, *args)
        cells.extend(self.chunks[-1])
        writer.typed_at = self.typed_at
        writer._repeat_figures()
        for title, place, style in self.slot_styles:
            now = sheets[title]._cells[place]._style
            if now is not style and now != style:
                return False
        instructions = LightSheet("", StyleIds())
        writer._instructions(instructions)
        made: dict[str, bytes] = {"docProps/core.xml": core_properties()}
        head = f">{text_xml('&C' + writer._page_head())}<"
        for name, (kind, pieces) in self.sheets.items():
            if kind == "instructions":
                text = self._instructions(instructions, pieces)
            elif kind == "chapter":
                text = self._chapter(sheets[pieces[0]], pieces[1], pieces[2], head)
            else:
                text = self._meta(writer, pieces)
            if text is None:
                return False
            made[name] = text.encode("utf-8", "xmlcharrefreplace")
        parts_atomically([(name, attributes, made.get(name, content))
                          for name, attributes, content in self.parts], out)
        return True

    def _instructions(self, sheet: Any, pieces: tuple[Any, ...]) -> str | None:
        from esgdesk.exchange.xlsx_save import cells_span, plain_rows

        title, (before, after), tail, row_attributes = pieces
        rows = plain_rows(sheet, row_attributes, {})
        if rows is None or sheet.title != title \
                or sheet.parent._cell_styles.order != self.instruction_styles:
            return None
        return f'{before}<dimension ref="{cells_span(sheet._cells)}" />{after}{rows}{tail}'

    def _chapter(self, sheet: Any, pieces: list[Any], end: list[str], head: str
                 ) -> str | None:
        from esgdesk.exchange.xlsx_save import cell_text

        known, found = self.known, sheet._cells
        texts = []
        for piece in pieces:
            if type(piece) is str:
                texts.append(piece)
            else:
                text = cell_text(found[piece], known)
                if text is None:
                    return None
                texts.append(text)
        texts.append(head.join(end))
        return "".join(texts)

    def _meta(self, writer: RequestWriter, pieces: tuple[Any, ...]) -> str | None:
        from openpyxl.cell.cell import ERROR_CODES

        from esgdesk.exchange.xlsx_save import LightSheet, cells_span, plain_rows
        from esgdesk.model.types import text_problem

        (before, after), tail = pieces
        sheet = LightSheet(META_SHEET, self.styles)
        for row, values in enumerate(writer._meta_rows(), start=1):
            for column, value in enumerate(values, start=1):
                cell = writer.plain.cell(sheet, row, column)
                if value is None:
                    continue
                # as openpyxl's append binds it, where append_row leaves it to append
                if type(value) is not str or value.startswith(FORMULA_STARTS) \
                        or value in ERROR_CODES or text_problem(value):
                    return None
                cell._value, cell.data_type = value, "s"
        rows = plain_rows(sheet, {}, self.known)
        if rows is None:
            return None
        return f'{before}<dimension ref="{cells_span(sheet._cells)}" />{after}{rows}{tail}'


# A CellSpec made from its six fields at once (a request maps a thousand cells): tuple's
# own constructor, as esgdesk.exchange.metadata makes those it reads back.
_spec = tuple.__new__

# A packed edition by (content hash, year): see RequestWriter._edition_cells.
_PACKED_EDITIONS: dict[tuple[str, int], list[str]] = {}


def shown(cell: Any) -> Any:
    """What a request's cell shows: a heading above an input column is a number shown
    through its format as the heading's text (see RequestWriter._heading)."""
    number_format = cell.number_format or ""
    if isinstance(cell.value, int) and number_format.startswith('"'):
        return number_format.split(";")[0].strip('"')
    return cell.value


def listed_cells(cells: list[tuple[int, int]]) -> Any:
    """The cells of a data validation, (column, row) each, as openpyxl's MultiCellRange of
    their addresses lists them (by column, then row, each once), without parsing each
    address again into a range of its own."""
    from openpyxl.utils import get_column_letter

    return _listed_cells()(" ".join(f"{get_column_letter(column)}{row}"
                                    for column, row in sorted(set(cells))))


@lru_cache(maxsize=1)
def _listed_cells() -> type:
    """A MultiCellRange given as the text it is written as (openpyxl imported when used)."""
    from openpyxl.worksheet.cell_range import MultiCellRange

    class Listed(MultiCellRange):
        def __init__(self, text: str) -> None:
            self.text = text

        def __str__(self) -> str:
            return self.text

        def __bool__(self) -> bool:
            return bool(self.text)

    return Listed


def _lines(words: list[str], width: int) -> str:
    """Words on lines at most `width` wide (a Chinese character counts two): an input
    message as narrow as the explanation column it is shown over (Excel and LibreOffice
    do not wrap it)."""
    def wide(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    lines: list[str] = []
    for item in words:
        if lines and wide(lines[-1]) + 2 + wide(item) <= width:
            lines[-1] += f", {item}"
        else:
            lines.append(item)
    return "\n".join(lines)


def unit_choice(unit: Any, lang: str) -> str:
    """A unit as a drop-down list offers it: its name in the language, or a spelling
    without a comma (Excel's lists are comma-separated: "10^4 kWh" for "10,000 kWh")."""
    label = unit.label(lang)
    if "," not in label:
        return label
    latin = [s for s in unit.spellings if "," not in s and not any(
        "\u3400" <= c <= "\u9fff" for c in s)]
    return latin[0] if latin else label.replace(",", "")


def write_request(store: Store, entity: str, year: int, department: str, out: str | Path,
                  user: str, lang: str = "zh", assignee: str | None = None,
                  due: str | None = None) -> Path:
    """The collection workbook of a department's tables for an entity and year (the request
    is recorded in the database, or re-used if it exists)."""
    planned = store.planned_requests(year, [(entity, department)], assignee, due, user)
    request = store.assign_all(planned, user)[0]
    with collector_paused():
        return RequestWriter(store, request, lang, user).write(Path(out))


def write_requests(store: Store, year: int, entities: list[str], departments: list[str],
                   folder: Path, user: str, lang: str = "zh", assignee: str | None = None,
                   due: str | None = None, progress: Callable[[int, int, str], bool] | None
                   = None) -> list[Path]:
    """One workbook per entity and department (departments with nothing to collect are
    left out), named `<year>-<entity>-<department>.xlsx`; stops when progress says so."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NotFound("choose an existing folder for the workbooks",
                       "请选择一个已有的文件夹存放工作簿", where=str(folder))
    if not entities or not departments:
        raise EsgdeskError("choose at least one entity and one department",
                           "请至少选择一个主体和一个部门", kind="nothing_chosen")
    catalogue = store.edition(year)
    jobs = [(e, d) for e in entities for d in departments
            if request_tables(catalogue, d, entity_takes(store, e, year))]
    # The requests are recorded together once their workbooks are written (one transaction,
    # not one a workbook), and the workbooks put in place once they are: a failure leaves
    # neither, a stop both for those written.
    planned = store.planned_requests(year, jobs, assignee, due, user)
    figures: dict[str, dict[tuple[str, str, int], StoredValue]] = {e: {} for e, _d in jobs}
    for key, value in store.figures_of(figures, (year - 2, year - 1, year)).items():
        figures[key[0]][key] = value
    qualities, sent_back = store.qualities(year, figures), store.sent_back(year)
    frames: dict[tuple[Any, ...], RequestFrame | None] = {}  # by layout, see RequestFrame
    written: list[tuple[Path, Path]] = []  # (the workbook written, where it goes)
    kept: list[RequestInfo] = []
    try:
        for done, request in enumerate(planned, start=1):
            out = folder / f"{year}-{request.entity}-{request.department}.xlsx"
            with collector_paused():
                made = RequestWriter(store, request, lang, user, figures[request.entity],
                                     qualities, sent_back).write(beside(out), frames)
            written.append((made, out))
            kept.append(request)
            if progress is not None and progress(done, len(planned), out.name) is False:
                break
        store.assign_all(kept, user)
    except BaseException:
        for made, _out in written:
            made.unlink(missing_ok=True)
        raise
    try:
        for made, out in written:
            os.replace(made, out)
    finally:  # a workbook held open elsewhere is not replaced: no temporary file is left
        for made, _out in written:
            made.unlink(missing_ok=True)
    return [out for _made, out in written]
