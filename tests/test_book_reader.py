"""A workbook someone sent in, read once (book_reader): its values, and from its sheets' XML
which cells hold a formula and each cell's number format, whoever wrote the XML."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from esgdesk.exchange.book_reader import ReturnedBook, read_book

SHEET = "xl/worksheets/sheet1.xml"


def _book(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Figures"
    sheet["A1"] = 0.25
    sheet["A1"].number_format = "0%"
    sheet["B1"] = "=A1*2"
    sheet["C1"] = "text"
    sheet["A2"] = 7
    sheet["B2"] = "=SUM(A1:A2)"
    book.save(path)
    return path


def _rewrite(path: Path, change: object) -> Path:
    """The workbook with its sheet's XML changed as another program might write it."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[SHEET] = change(parts[SHEET].decode()).encode()  # type: ignore[operator]
    out = path.with_name("rewritten.xlsx")
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out


def test_formulas_and_formats_are_found_by_address(tmp_path: Path) -> None:
    sheet = read_book(_book(tmp_path / "book.xlsx"))["Figures"]
    assert sheet.formulas == {"B1": "=A1*2", "B2": "=SUM(A1:A2)"}
    assert sheet.formats == {"A1": "0%"}
    assert sheet["B1"].data_type == "f" and sheet["B1"].value == "=A1*2"
    assert sheet["A1"].value == 0.25 and sheet["A1"].number_format == "0%"
    assert sheet["C1"].value == "text" and sheet["A2"].value == 7


def test_cells_written_without_their_address_are_placed_by_their_order(tmp_path: Path) -> None:
    # a writer may leave out a cell's r="…" (and a row's): each takes the place after the last
    book = _rewrite(_book(tmp_path / "book.xlsx"),
                    lambda xml: re.sub(r'<c r="[B-C]\d"', "<c", re.sub(r'<row r="2"', "<row", xml)))
    sheet = read_book(book)["Figures"]
    assert sheet.formulas == {"B1": "=A1*2", "B2": "=SUM(A1:A2)"}
    assert sheet.formats == {"A1": "0%"}


def test_a_formula_is_a_cells_first_child_and_its_text_as_written(tmp_path: Path) -> None:
    # a formula in a CDATA section reads as its text; an <f> after the value is none
    book = _rewrite(_book(tmp_path / "book.xlsx"), lambda xml: xml.replace(
        "<f>SUM(A1:A2)</f>", "<f><![CDATA[SUM(]]>A1:A2)</f>").replace(
        "<f>A1*2</f><v></v>", "<v>0.5</v><f>A1*2</f>").replace(
        "<f>A1*2</f><v />", "<v>0.5</v><f>A1*2</f>"))
    sheet = read_book(book)["Figures"]
    assert sheet.formulas == {"B2": "=SUM(A1:A2)"}


def test_a_sheet_that_is_not_well_formed_is_refused_as_xml_is(tmp_path: Path) -> None:
    book = _rewrite(_book(tmp_path / "book.xlsx"), lambda xml: xml.replace("</sheetData>", ""))
    with pytest.raises(ElementTree.ParseError, match="mismatched tag"):
        read_book(book)


def test_a_formula_written_with_escaped_characters_reads_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    book = Workbook()
    book.active["A1"] = '=IF(B1<1,"a&b",\'c\')'
    book.active["A2"] = "=B1>2"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        assert b"&lt;1" in archive.read(SHEET)
    assert read_book(path).sheets["Sheet"].formulas == {
        "A1": '=IF(B1<1,"a&b",\'c\')', "A2": "=B1>2"}


def test_a_sheet_written_with_prefixed_elements_reads_the_same(tmp_path: Path) -> None:
    # Excel writes its extensions with a prefix; a shared formula's later cells are empty <f/>
    book = _rewrite(_book(tmp_path / "book.xlsx"), lambda xml: xml.replace(
        "<worksheet ", '<worksheet xmlns:x14ac="urn:x14ac" ').replace(
        "</worksheet>", '<extLst><x14ac:ext uri="u"/></extLst></worksheet>').replace(
        "<f>SUM(A1:A2)</f>", '<f t="shared" si="0"/>'))
    sheet = read_book(book)["Figures"]
    assert sheet.formulas == {"B1": "=A1*2", "B2": "="}
    assert sheet.formats == {"A1": "0%"}
    plain = read_book(_rewrite(_book(tmp_path / "plain.xlsx"), lambda xml: xml.replace(
        "<f>SUM(A1:A2)</f>", '<f t="shared" si="0"/>')))["Figures"]
    assert (plain.formulas, plain.formats) == (sheet.formulas, sheet.formats)


def test_a_sheet_not_well_formed_after_its_cells_is_refused_as_xml_is(tmp_path: Path) -> None:
    book = _rewrite(_book(tmp_path / "book.xlsx"),
                    lambda xml: xml.replace("</worksheet>", "</worksheetx>"))
    with pytest.raises(ElementTree.ParseError, match="mismatched tag"):
        read_book(book)



def _carrying(path: Path, carried: str) -> Path:
    """A book with a figures sheet of its own and a sheet many books carry alike."""
    book = Workbook()
    book.active.title = "Figures"
    book.active["A1"] = path.stem
    shared = book.create_sheet("Carried")
    shared["A1"] = carried
    shared["A2"] = 45000
    shared["A2"].font = Font(bold=True)  # a style of its own (s="1"), its number General
    book.save(path)
    return path


def _dated(path: Path) -> Path:
    """The book with only its styles changed: its cells' styles format a number as a date."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    styles = parts["xl/styles.xml"].decode()
    at = styles.index("<cellXfs")
    parts["xl/styles.xml"] = (styles[:at] + styles[at:].replace('numFmtId="0"', 'numFmtId="14"')
                              ).encode()
    out = path.with_name("dated.xlsx")
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out


def test_a_sheet_many_books_carry_alike_is_read_once_and_never_for_a_book_that_differs(
        tmp_path: Path) -> None:
    def read(path: Path) -> ReturnedBook:
        return read_book(path, values_only=("Carried",), shared=("Carried",))

    first = read(_carrying(tmp_path / "a.xlsx", "catalogue"))
    second = read(_carrying(tmp_path / "b.xlsx", "catalogue"))
    assert second["Figures"]["A1"].value == "b"  # each book's own sheets read as its own
    assert second["Carried"].rows is first["Carried"].rows  # the carried one read once
    assert read(_carrying(tmp_path / "c.xlsx", "another"))["Carried"]["A1"].value == "another"
    # the carried sheet's very bytes in a book whose styles make its number a date
    dated = read(_dated(tmp_path / "a.xlsx"))
    assert first["Carried"]["A2"].value == 45000
    assert isinstance(dated["Carried"]["A2"].value, datetime)


@pytest.mark.parametrize(("body", "refused"), [
    (b"<a/>", False),
    (b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n<a/>', False),
    (b'<?xml version="1.0"?><!-- a comment first --><a/>', False),
    (b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', True),
    (b'<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x "y">]><a/>', True),
    ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY x "y">]><a/>'
     .encode("utf-16"), True),
    (b"not xml at all", False),
])
def test_the_guard_refuses_a_part_declaring_entities_however_its_prolog_begins(
        tmp_path: Path, body: bytes, refused: bool) -> None:
    from esgdesk.errors import FileRefused
    from esgdesk.exchange.book_reader import guard_part

    path = tmp_path / "parts.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("part.xml", body)
    with zipfile.ZipFile(path) as archive:
        if refused:
            with pytest.raises(FileRefused) as caught:
                guard_part(archive, archive.infolist()[0], path.name)
            assert caught.value.kind == "unsafe_xml"
        else:
            assert guard_part(archive, archive.infolist()[0], path.name) == body
