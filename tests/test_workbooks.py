"""The tests' workbook loader (tests/workbooks.py): a workbook read again from the same bytes
is the one openpyxl parses, of the caller's own, and a file that changed is parsed afresh."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl import load_workbook as parse
from openpyxl.worksheet.datavalidation import DataValidation
from workbooks import load_workbook


def _book(path: Path, value: str) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "indicators"
    sheet["A1"], sheet["B2"], sheet["C3"] = value, 12.5, "=B2*2"
    sheet.merge_cells("D1:E1")
    rule = DataValidation(type="list", formula1='"required,optional"')
    rule.add("F2:F9")
    sheet.add_data_validation(rule)
    book.save(path)
    return path


def _parts(path: Path) -> dict[str, bytes]:
    """A saved workbook's parts, but for the time openpyxl stamps it with as it saves it (two
    saves a second apart differ there alone)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    stamped = re.subn(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\1\2",
                      parts["docProps/core.xml"])
    assert stamped[1] == 1  # the stamp is there, and only it is left out
    parts["docProps/core.xml"] = stamped[0]
    return parts


def test_a_workbook_read_again_is_the_parsed_one_and_of_its_own(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.xlsx", "total")
    first, second, third = (load_workbook(path) for _ in range(3))  # the third unpickled
    assert len({id(first), id(second), id(third)}) == 3
    third["indicators"]["A1"] = "changed by one test"
    fourth = load_workbook(path)
    assert fourth["indicators"]["A1"].value == "total"  # not what the other test typed
    for number, book in enumerate((parse(path), first, fourth)):
        book.save(tmp_path / f"saved-{number}.xlsx")
    parsed = _parts(tmp_path / "saved-0.xlsx")
    assert _parts(tmp_path / "saved-1.xlsx") == parsed
    assert _parts(tmp_path / "saved-2.xlsx") == parsed  # as openpyxl parses it, part for part


def test_a_file_written_again_is_parsed_afresh(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.xlsx", "before")
    for _ in range(3):
        assert load_workbook(path)["indicators"]["A1"].value == "before"
    _book(path, "after")
    assert load_workbook(path)["indicators"]["A1"].value == "after"
    assert load_workbook(path, read_only=True)["indicators"]["A1"].value == "after"
