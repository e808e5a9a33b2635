"""The assurance workbook: a verifier's round trip on a file, as a data request is a
contributor's. It lists the sampled figures with their values, a summary of their history
and their evidence's file names; the verifier marks each passed, failed or queried with a
comment, and the marks come back in (each problem at its sheet!cell)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from esgdesk.errors import Code, FileRefused, Problem
from esgdesk.exchange.returned import open_workbook
from esgdesk.exchange.workbook import append_row, fit_a4, house_styles, save_atomically
from esgdesk.model.assurance import MARKS, Mark, Sample
from esgdesk.model.evidence import quality_words
from esgdesk.model.states import state_text
from esgdesk.storage.store import Store

SHEET = "sample"
STAMP = "esgdesk-assurance-1"  # the hidden sheet's first cell: this is an assurance workbook
HIDDEN = "esgdesk"
COLUMNS = ("no", "entity", "indicator", "label", "value", "unit", "status", "obtained",
           "history", "evidence", "mark", "comment")
HEADINGS = {
    "no": ("序号", "No."), "entity": ("主体", "Entity"), "indicator": ("指标编号", "Indicator"),
    "label": ("指标名称", "Label"), "value": ("数值", "Value"), "unit": ("单位", "Unit"),
    "status": ("审核状态", "Status"), "obtained": ("取得方式", "Obtained"),
    "history": ("修改记录", "History"), "evidence": ("证明文件", "Evidence"),
    "mark": ("核查结论（passed / failed / queried）", "Mark (passed / failed / queried)"),
    "comment": ("核查意见", "Comment"),
}
NOT_SAMPLED = Code("not_sampled", "{indicator} of {entity} is not in the sample",
                   "{entity} 的 {indicator} 不在样本中")
UNKNOWN_MARK = Code("unknown_mark", "'{value}' is not a mark: passed, failed or queried",
                    "“{value}”不是核查结论：passed、failed 或 queried")
NOT_AN_ASSURANCE_BOOK = Code("not_an_assurance_book",
                             "is not an assurance workbook written by esgdesk",
                             "不是 esgdesk 生成的核查工作簿")


def _history_summary(store: Store, entity: str, year: int, indicator: str) -> str:
    records = store.history(entity, year, indicator)
    if not records:
        return ""
    last = records[-1]
    return (f"{len(records)} · {last.at[:10]} {last.user} {last.action}: "
            f"{last.old_value or '—'} → {last.new_value or '—'}")


def write_assurance_book(store: Store, sample: Sample, out: Path, lang: str = "zh") -> Path:
    """The sampled figures of a year, one a row, for a verifier to mark."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    year = sample.year
    catalogue = store.edition(year)
    marks = {(m.entity, m.indicator): m for m in store.marks_of_years({year})}
    qualities = store.qualities(year)
    evidence: dict[tuple[str, str], list[str]] = {}
    for attachment in store.attachments(year):
        evidence.setdefault((attachment.entity, attachment.indicator), []).append(
            attachment.file_name)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    style: Any = type("Styles", (), {})()
    house_styles(style)
    index = 0 if lang == "zh" else 1
    append_row(sheet, 1, [HEADINGS[c][index] for c in COLUMNS])
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = style.bold, style.header_fill, style.centre
    for number, (entity, indicator_id) in enumerate(sample.figures, start=1):
        indicator = catalogue.indicators.get(indicator_id)
        stored = store.get(entity, year, indicator_id)
        shown = state_text(stored.state, stored.value) if stored else None
        quality, method = qualities.get((entity, indicator_id), ("", ""))
        obtained = quality_words(quality, lang) + (f": {method}" if method else "")
        mark = marks.get((entity, indicator_id))
        append_row(sheet, number + 1, [
            number, entity, indicator_id, indicator.label(lang) if indicator else "",
            shown, indicator.unit(lang) if indicator else "", stored.status if stored else "",
            obtained, _history_summary(store, entity, year, indicator_id),
            "\n".join(evidence.get((entity, indicator_id), [])),
            mark.mark if mark else None, mark.comment if mark and mark.comment else None])
        for column in ("mark", "comment"):
            sheet.cell(number + 1, COLUMNS.index(column) + 1).protection = style.open
    last = len(sample.figures) + 1
    mark_letter = chr(ord("A") + COLUMNS.index("mark"))
    choices = DataValidation(type="list", formula1='"' + ",".join(MARKS) + '"',
                             allow_blank=True)
    choices.add(f"{mark_letter}2:{mark_letter}{max(last, 2)}")
    sheet.add_data_validation(choices)
    for letter, width in zip("ABCDEFGHIJKL", (6, 14, 30, 30, 14, 10, 10, 24, 40, 30, 14, 40),
                             strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B2"
    sheet.protection.sheet = True  # only the marks and comments are the verifier's to write
    fit_a4(sheet, landscape=True)
    hidden = book.create_sheet(HIDDEN)
    append_row(hidden, 1, [STAMP, year, sample.id])
    hidden.sheet_state = "hidden"
    return save_atomically(book, out)


def read_assurance_book(path: Path, sample_of: Callable[[int], Sample | None],
                        ) -> tuple[list[Mark], list[Problem]]:
    """The marks a verifier gave (a figure left blank gives none), or the problems found,
    each at its sheet!cell; a workbook that is not one of these is refused. `sample_of`
    gives a year's sample, whose figures alone may be marked."""
    book = open_workbook(path, read_only=True)
    try:
        if HIDDEN not in book.sheetnames or SHEET not in book.sheetnames:
            raise FileRefused(NOT_AN_ASSURANCE_BOOK().en, NOT_AN_ASSURANCE_BOOK().zh,
                              where=path.name, kind="not_an_assurance_book")
        stamp = [c for c in next(book[HIDDEN].iter_rows(max_row=1, values_only=True))]
        if not stamp or stamp[0] != STAMP:
            raise FileRefused(NOT_AN_ASSURANCE_BOOK().en, NOT_AN_ASSURANCE_BOOK().zh,
                              where=path.name, kind="not_an_assurance_book")
        year = int(stamp[1])
        sample = sample_of(year)
        sampled = set(sample.figures) if sample is not None else set()
        marks, problems = [], []
        for number, row in enumerate(book[SHEET].iter_rows(min_row=2, values_only=True),
                                     start=2):
            values = dict(zip(COLUMNS, row, strict=False))
            entity, indicator = str(values.get("entity") or ""), str(
                values.get("indicator") or "")
            mark = str(values.get("mark") or "").strip().lower()
            comment = str(values.get("comment") or "").strip()
            if not entity or (not mark and not comment):
                continue
            mark_cell = f"{chr(ord('A') + COLUMNS.index('mark'))}{number}"
            if (entity, indicator) not in sampled:
                problems.append(NOT_SAMPLED(sheet=SHEET, cell=f"C{number}",
                                            indicator=indicator, entity=entity))
                continue
            if mark not in MARKS:
                problems.append(UNKNOWN_MARK(sheet=SHEET, cell=mark_cell, indicator=indicator,
                                             value=mark))
                continue
            marks.append(Mark(entity, year, indicator, mark, comment))
        return marks, problems
    finally:
        book.close()
