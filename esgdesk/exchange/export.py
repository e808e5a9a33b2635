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

from pathlib import Path

from esgdesk.exchange.report.cover import finding_counts, untranslated_count
from esgdesk.exchange.report.page import LONGEST_UNBROKEN
from esgdesk.exchange.report.writer import ExportCancelled, Progress, WorkbookWriter
from esgdesk.exchange.workbook import collector_paused
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
