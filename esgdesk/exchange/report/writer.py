"""The report workbook's writer: its sheets in order, each written by its kind (cover,
tables, indexes, factors, findings, data), with progress and cancelling."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from esgdesk.errors import EsgdeskError
from esgdesk.exchange.report.cover import CoverSheet
from esgdesk.exchange.report.data import DATA_ROWS_A_STEP, DataSheet
from esgdesk.exchange.report.factors import FactorsSheet
from esgdesk.exchange.report.findings import FindingsSheet
from esgdesk.exchange.report.indexes import IndexSheets
from esgdesk.exchange.report.tables import TableSheets
from esgdesk.exchange.workbook import (
    XlsxCells,
    sheet_name,
    word,
    xlsx_atomically,
)
from esgdesk.model.frameworks import framework
from esgdesk.rules.coverage import frameworks_used

Progress = Callable[[int, int, str], bool]  # done, total, what → False to cancel


class ExportCancelled(EsgdeskError):
    def __init__(self) -> None:
        super().__init__("the export was cancelled; no file was written",
                         "导出已取消，未写入任何文件", kind="cancelled")


class WorkbookWriter(CoverSheet, TableSheets, IndexSheets, FactorsSheet, FindingsSheet, DataSheet):
    """Writes one report workbook; kept small so a benchmark can time its parts."""

    def write(self, path: Path, progress: Progress | None = None) -> Path:
        from esgdesk.rules.validation import validate

        chapters = list(self.catalogue.chapters)
        kids = self.figures.children_in(self.entity, self.year) if self.per_child else []
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
