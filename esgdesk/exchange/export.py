"""The report workbook: the catalogue's tables as the report prints them, consolidated, in Excel.

Sheets: a cover; the key figures; one sheet per chapter with each table's title,
header row, group headers, indented breakdowns, units and numbers (never numbers
stored as text); a GRI / CASS-ESG index; the findings; a long-format data sheet.
Every sheet prints on A4: columns as wide as their longest text in the workbook's
language, rows as high as their wrapped text, landscape where a sheet is wide.

Written with XlsxWriter in constant-memory mode, so each sheet is laid out first
(a `Page` of lines) and then written row by row. Each kind of sheet is written by its own
module of esgdesk.exchange.report; this module is the front door.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from esgdesk.exchange.report.cover import finding_counts, untranslated_count
from esgdesk.exchange.report.page import LONGEST_UNBROKEN
from esgdesk.exchange.report.writer import ExportCancelled, Progress, WorkbookWriter
from esgdesk.storage.store import Store

__all__ = ["LONGEST_UNBROKEN", "ExportCancelled", "Progress", "WorkbookWriter",
           "collector_paused", "export_workbook", "finding_counts", "untranslated_count"]


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
