"""esgdesk.exchange.xlsx_save writes a workbook byte for byte as openpyxl's own save does."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from esgdesk.exchange.xlsx_save import save_workbook

TEXTS = ["plain", "  leading", "trailing  ", " ", "a & b < c > d \"quoted\" 'single'",
         "line\nbreak\ttab\rreturn", "中文 · 全角，标点", "=not a formula", "", "x" * 300,
         "emoji \U0001f600 beyond the plane"]
NUMBERS = [0, 1, -7, 2**53 + 1, 10**20, 3.5, 1e-7, 1 / 3, float("nan"), float("inf"), True,
           False]


def _book() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "Cells & <kinds>"
    thin = Side(style="thin", color="B7C3D0")
    styles = [{}, {"font": Font(bold=True)}, {"fill": PatternFill("solid", fgColor="DDE6F0")},
              {"border": Border(top=thin, bottom=thin)}, {"protection": Protection(locked=False)},
              {"alignment": Alignment(wrap_text=True, indent=2)}]
    row = 1
    for values in (TEXTS, NUMBERS):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            for name, piece in styles[column % len(styles)].items():
                setattr(cell, name, piece)
            if isinstance(value, str):
                cell.data_type = "s"
                cell.quotePrefix = value.startswith("=")
        row += 1
    sheet.cell(row=row, column=1).fill = PatternFill("solid", fgColor="EEF1F5")  # empty, styled
    sheet.cell(row=row, column=2)  # empty, unstyled: not written
    sheet.cell(row=row, column=3, value="=IF(A1=\"\",\"\",A1)").number_format = "0.00"
    sheet.cell(row=row, column=4, value="=")
    sheet.cell(row=row, column=5, value="#N/A").data_type = "e"
    heading = sheet.cell(row=row, column=6, value=2024)
    heading.number_format = '"2024 年";"2024 年";"2024 年"'
    row += 1
    # cells left to openpyxl's own code, and their rows
    sheet.cell(row=row, column=1, value=Decimal("12.50"))
    sheet.cell(row=row, column=2, value="plain beside a Decimal")
    sheet.cell(row=row + 1, column=1, value=datetime(2024, 3, 1, 12, 30))
    sheet.cell(row=row + 2, column=2, value="commented").comment = Comment("why", "me")
    sheet.cell(row=row + 3, column=1, value="link").hyperlink = "https://example.com/?a=1&b=2"
    sheet.row_dimensions[1].height = 32
    sheet.row_dimensions[row + 6].height = 20  # a styled row without cells
    sheet.column_dimensions["A"].width = 40
    validation = DataValidation(type="decimal", operator="between", formula1="0",
                                formula2="100", allow_blank=True)
    validation.prompt = "单位 & unit"
    validation.add("A2:C3")
    sheet.add_data_validation(validation)
    sheet.protection.sheet = True
    hidden = book.create_sheet("_hidden")
    hidden.append(["key", "value"])
    hidden.sheet_state = "veryHidden"
    book.create_sheet("empty")
    return book


def _parts(path: Path) -> dict[str, bytes]:
    stamps = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")
    with zipfile.ZipFile(path) as archive:
        return {name: stamps.sub(b"", archive.read(name)) for name in archive.namelist()}


def test_a_workbook_is_saved_part_for_part_as_openpyxl_saves_it(tmp_path: Path) -> None:
    _book().save(tmp_path / "openpyxl.xlsx")
    save_workbook(_book(), tmp_path / "quick.xlsx")
    theirs, ours = _parts(tmp_path / "openpyxl.xlsx"), _parts(tmp_path / "quick.xlsx")
    assert list(ours) == list(theirs)
    for name in theirs:
        assert ours[name] == theirs[name], name
    sheet = ours["xl/worksheets/sheet1.xml"]
    assert b'<t xml:space="preserve">  leading</t>' in sheet  # the kinds above were written
    assert b'<f>IF(A1="","",A1)</f><v /></c>' in sheet


def test_a_saved_workbook_reads_back_as_written(tmp_path: Path) -> None:
    from workbooks import load_workbook

    save_workbook(_book(), tmp_path / "quick.xlsx")
    read = load_workbook(tmp_path / "quick.xlsx")["Cells & <kinds>"]
    assert [read.cell(row=1, column=c).value for c in range(1, 4)] == TEXTS[:3]
    assert read["A1"].font.bold and not read["F1"].font.bold  # column 6 is unstyled
    assert (read["A2"].value, read["C2"].value, read["G2"].value) == (0, -7, 1e-7)
    assert read["H1"].value == "=not a formula" and read["H1"].data_type == "s"
    assert read.row_dimensions[1].height == 32


def _cells_book(plain: bool) -> Workbook:
    """The same cells made through openpyxl's Cell or as PlainCells, one step at a time in the
    same order: values of every plain kind, styles given, changed and shared, number formats
    built in and custom, quote prefixes, and values openpyxl binds with more than a type."""
    from esgdesk.exchange.workbook import set_value
    from esgdesk.exchange.xlsx_save import PlainCells

    book = Workbook()
    sheet = book.active
    plain_cells = PlainCells(book)
    thin = Side(style="thin", color="B7C3D0")
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    border, open_ = Border(top=thin, bottom=thin), Protection(locked=False)
    looks = [{}, {"font": bold}, {"fill": fill, "border": border},
             {"protection": open_, "border": border}, {"font": bold, "fill": fill},
             {"alignment": Alignment(wrap_text=True)}, {"fill": fill, "border": border}]

    def cell(row: int, column: int, look: dict[str, object]) -> object:
        if plain:
            return plain_cells.cell(sheet, row, column, look)
        made = sheet.cell(row=row, column=column)
        for name, piece in look.items():
            setattr(made, name, piece)
        return made

    values = [*TEXTS[:9], *NUMBERS[:8], True, None, "=SUM(A1:B1)", "#N/A",
              datetime(2024, 3, 1), "=IF(A1=\"\",\"\",A1)"]
    for row in range(1, 5):
        for column, value in enumerate(values, start=1):
            made = cell(row, column, looks[(row * column) % len(looks)])
            if isinstance(value, str) and row % 2:
                set_value(made, value)  # text kept text, quote-prefixed where it starts a formula
            else:
                made.value = value
            if column % 5 == 0:
                made.number_format = ["0.00", "#,##0", '"2024 年";"2024 年";"2024 年"',
                                      "General"][row - 1]
    cell(2, 3, {"font": Font(italic=True)}).value = "restyled"  # a style changed after
    cell(6, 1, looks[2])  # empty, styled
    return book


def test_plain_cells_are_saved_as_openpyxls_own_cells(tmp_path: Path) -> None:
    save_workbook(_cells_book(plain=False), tmp_path / "cells.xlsx")
    save_workbook(_cells_book(plain=True), tmp_path / "plain.xlsx")
    theirs, ours = _parts(tmp_path / "cells.xlsx"), _parts(tmp_path / "plain.xlsx")
    assert list(ours) == list(theirs)
    for name in theirs:
        assert ours[name] == theirs[name], name
    styles = ours["xl/styles.xml"]
    # the steps above were taken: quote prefixes, a custom format, a date's format as bound,
    # the italic of the style changed after
    assert b'quotePrefix="1"' in styles and "2024 年".encode() in styles
    assert b'formatCode="yyyy-mm-dd h:mm:ss"' in styles and b'<i val="1" />' in styles
