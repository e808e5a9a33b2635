"""A workbook someone sent in, read once for what an import needs: every sheet's values
(python-calamine, a compiled reader some twenty times faster than openpyxl), and from the
visible sheets' own XML which cells hold a formula and each cell's number format.

A returned workbook is untrusted input. Before anything reads it, every XML part passes
defusedxml's guard on its prolog, the only place a document can declare entities or name an
external one: a part declaring an entity (a "billion laughs" bomb) or an external DTD is
refused, so neither calamine nor the parser below ever meets one. check_zip has already
refused zip bombs and parts too large to expand.
"""

from __future__ import annotations

import posixpath
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

from esgdesk.errors import FileRefused
from esgdesk.model.frozen import FrozenTuple

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MODIFIED = "{http://purl.org/dc/terms/}modified"
_FORMULA = f"{_MAIN}f"
# The same names as expat gives them with "}" between namespace and name (see _SheetCells).
_NAMESPACE = _MAIN[1:]
_DATA_TAG, _ROW_TAG, _C_TAG, _F_TAG = (_NAMESPACE + name for name in ("sheetData", "row", "c", "f"))
_ADDRESS = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)$")
_new = tuple.__new__  # a FrozenTuple made from all its fields at once, at C speed
_FLOAT_EXACT = 2 ** 53  # a whole float below this is the integer a cell's XML spelled


class _PrologRead(Exception):
    """The guard reached the first element: the prolog, where a DTD lives, is behind it."""


class _FirstElement:
    """A parser target that stops at the first element."""

    def start(self, _tag: str, _attributes: dict[str, str]) -> None:
        raise _PrologRead

    def end(self, _tag: str) -> None:
        return None

    def data(self, _text: str) -> None:
        return None

    def close(self) -> None:
        return None


# A part whose bytes begin with its first element, after at most an XML declaration and
# whitespace, declares no DTD, so no entity either: a DTD ("<!DOCTYPE") comes before the
# first element. (Were the declaration to name an encoding in which these bytes read
# otherwise, expat could not read the part at all: the guard lets its reader refuse it.)
_BARE_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml[^<>]*\?>)?[ \t\r\n]*<[A-Za-z_]")


_FIRST_READ = 1 << 12  # a prolog is a few hundred bytes: a part is not expanded past it


def guard_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> bytes | None:
    """defusedxml parses a part up to its first element: entity declarations and external
    references are refused (FileRefused, kind "unsafe_xml"). A part that is no XML (an
    image), or not well-formed, is left to its reader, which refuses what it cannot read.
    The part's bytes when the guard read all of it (most parts are a few hundred bytes),
    else None."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    parser = None
    whole = None
    size = _FIRST_READ
    with archive.open(member) as stream:
        while chunk := stream.read(size):
            if parser is None:
                if len(chunk) < size:  # the stream ended (its checksum checked) in it
                    whole = chunk
                if _BARE_PROLOG.match(chunk):
                    return whole  # nothing but a declaration before the first element
                parser = DefusedXMLParser(target=_FirstElement())
            size = 1 << 16
            try:
                parser.feed(chunk)
            except _PrologRead:
                return whole
            except DefusedXmlException as exc:
                raise FileRefused(f"{member.filename} declares XML entities "
                                  f"({type(exc).__name__}); such a file is refused",
                                  f"{member.filename} 声明了 XML 实体"
                                  f"（{type(exc).__name__}），不予接受", where=name,
                                  kind="unsafe_xml") from None
            except ElementTree.ParseError:
                return whole  # not well-formed: its reader refuses it, if it is read
    return whole


class _Parts:
    """A workbook's parts, each expanded once: every entry passes the guard first, and
    those it read whole are not read again (as ZipFile: NameToInfo, infolist, read)."""

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.NameToInfo = archive.NameToInfo  # as ZipFile names it
        self._archive = archive
        self._read: dict[str, bytes] = {}
        for member in archive.infolist():  # each entry: a name may come twice
            whole = guard_part(archive, member, name)
            if whole is not None and self.NameToInfo.get(member.filename) is member:
                self._read[member.filename] = whole  # the entry read() reads

    def infolist(self) -> list[zipfile.ZipInfo]:
        return self._archive.infolist()

    def read(self, name: str) -> bytes:
        if name not in self._read:
            self._read[name] = self._archive.read(name)
        return self._read[name]


@dataclass(frozen=True, slots=True)
class ReadSheet:
    """One sheet: its values row by row from A1, the formulas and the number formats."""

    title: str
    rows: list[list[Any]]
    formats: dict[str, str]  # address → number format, where not General
    formulas: dict[str, str]  # address → "=…" where a formula is

    def __getitem__(self, address: str) -> ReadCell:
        number_format = self.formats.get(address, "General")
        formula = self.formulas.get(address)
        if formula is not None:
            return _new(ReadCell, (self, address, formula, "f", number_format))
        row, column = cell_position(address)
        try:
            value = self.rows[row - 1][column - 1] if row and column else None
        except IndexError:
            value = None
        return _new(ReadCell, (self, address, value, "", number_format))

    def content(self, address: str) -> Any:
        """A cell's value, its formula ("=…") where it holds one: self[address].value."""
        formula = self.formulas.get(address)
        if formula is not None:
            return formula
        row, column = cell_position(address)
        try:
            return self.rows[row - 1][column - 1] if row and column else None
        except IndexError:
            return None

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple[Any, ...]]:
        """The sheet's rows of values, as openpyxl's iter_rows(values_only=True) gives them
        (values only, whatever is asked)."""
        return (tuple(row) for row in self.rows)


class ReadCell(FrozenTuple):
    """One cell as openpyxl shows it with formulas kept: its value ("=…" for a formula, with
    data_type "f"), its number format, its sheet (parent) and its address (coordinate)."""

    _fields = ("parent", "coordinate", "value", "data_type", "number_format")
    parent: ReadSheet
    coordinate: str
    value: Any
    data_type: str
    number_format: str


class ReturnedBook:
    """A workbook read once: sheetnames, book[title] for a ReadSheet, modified (UTC, naive)."""

    def __init__(self, sheets: dict[str, ReadSheet], modified: datetime | None) -> None:
        self.sheets = sheets
        self.sheetnames = list(sheets)
        self.modified = modified

    def __getitem__(self, title: str) -> ReadSheet:
        return self.sheets[title]


@lru_cache(maxsize=65536)  # a collection's returned books map the same addresses
def cell_position(address: str) -> tuple[int, int]:
    """(row, column), both from 1, of an address such as "C12"."""
    match = _ADDRESS.match(address)
    if match is None:
        raise ValueError(f"not a cell address: {address!r}")
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


def column_letters(column: int) -> str:
    """A column's letters (1 → "A", 28 → "AB")."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_book(path: Path, values_only: tuple[str, ...] = (),
              shared: tuple[str, ...] = ()) -> ReturnedBook:
    """Every sheet of a workbook check_zip accepted; `values_only` names sheets whose
    formulas and formats nobody asks for (their values are read all the same), `shared`
    those of them that many books carry alike (a request's catalogue): their values are
    read once for every book that holds them byte for byte, with the same parts they are
    read with (and handed to each: never change them). Raises FileRefused (kind
    "unsafe_xml") for a part declaring entities; anything else that goes wrong is the
    caller's to refuse as unreadable."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    with zipfile.ZipFile(path) as opened:
        archive = _Parts(opened, path.name)
        parts = _sheet_parts(archive)
        number_formats = _number_formats(archive, parts.get("", {}))
        modified = _modified(archive)
        extras = {title: _formulas_and_formats(archive, part, number_formats)
                  for title, part in parts.get("sheets", {}).items()
                  if title not in values_only}
        keys = {title: _values_key(archive, part, parts)
                for title, part in parts.get("sheets", {}).items()
                if title in shared and title in values_only}
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        sheets = {}
        for sheet in workbook.sheets_metadata:
            if sheet.typ != SheetTypeEnum.WorkSheet:
                continue  # a chart sheet holds no cells
            title = sheet.name
            formulas, formats = extras.get(title, ({}, {}))
            key = keys.get(title)
            values = _SHARED_VALUES.get(key) if key is not None else None
            if values is None:
                rows = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
                # Most cells are text or empty (""): those are converted without a call.
                values = [[(v or None) if v.__class__ is str else _as_openpyxl(v)
                           for v in row] for row in rows]
                if key is not None:
                    _keep_shared(key, values)
            sheets[title] = ReadSheet(title, values, formats, formulas)
    finally:
        workbook.close()
    return ReturnedBook(sheets, modified)


# The values of sheets read before, by everything they were read from (see _values_key): a
# collection's requests carry the same catalogue, a hundred books of it.
_SHARED_VALUES: dict[tuple[tuple[str, bytes | None], ...], list[list[Any]]] = {}
_SHARED_KEPT = 4
_SHARED_LOCK = threading.Lock()
# What calamine reads a sheet's values with, wherever the workbook says its parts are: the
# package's content types and relationships, the workbook (its sheets, its date system) and
# its relationships, the styles (which numbers are dates), the shared strings.
_VALUES_READ_WITH = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                     "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml")


def _values_key(archive: _Parts, part: str, parts: dict[str, dict[str, str]]
                ) -> tuple[tuple[str, bytes | None], ...] | None:
    """A sheet part's bytes with those of every part its values are read with (each as the
    workbook names it and where calamine looks for it), and of its own relationships; None
    where the archive holds a name twice (which of the two a reader takes is its own)."""
    if len(archive.NameToInfo) != len(archive.infolist()):
        return None
    related = parts.get("", {})
    book = parts.get("book", {}).get("", "")
    folder, base = posixpath.split(part)
    book_folder, book_base = posixpath.split(book)
    names = dict.fromkeys((*_VALUES_READ_WITH, book,
                           posixpath.join(book_folder, "_rels", book_base + ".rels"),
                           related.get("styles", ""), related.get("sharedStrings", ""),
                           posixpath.join(folder, "_rels", base + ".rels"), part))
    return tuple((name, archive.read(name) if name in archive.NameToInfo else None)
                 for name in names if name)


def _keep_shared(key: tuple[tuple[str, bytes | None], ...], values: list[list[Any]]) -> None:
    with _SHARED_LOCK:  # books may be read on more than one thread
        while len(_SHARED_VALUES) >= _SHARED_KEPT:  # the oldest goes
            del _SHARED_VALUES[next(iter(_SHARED_VALUES))]
        _SHARED_VALUES[key] = values


def _as_openpyxl(value: Any) -> Any:
    """A calamine value as openpyxl reads the same cell: None for an empty cell, an int for
    a whole number, a datetime for a date."""
    kind = type(value)
    if kind is str:  # most cells: text, or "" for an empty one
        return value or None
    if kind is float:
        return int(value) if value.is_integer() and abs(value) < _FLOAT_EXACT else value
    if kind is date:
        return datetime.combine(value, time())
    return value


def _relationships(archive: _Parts, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type, the target's path in the archive)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in archive.NameToInfo:
        return {}
    return _read_relationships(archive.read(rels), folder)


@lru_cache(maxsize=64)  # a collection's books relate their parts alike (never change it)
def _read_relationships(rels: bytes, folder: str) -> dict[str, tuple[str, str]]:
    root = ElementTree.fromstring(rels)
    found = {}
    for rel in root.iter(f"{_PACKAGE_REL}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        found[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], path)
    return found


def _sheet_parts(archive: _Parts) -> dict[str, dict[str, str]]:
    """{"sheets": title → worksheet part, "": kind of part → part, "book": {"": the
    workbook part}} of the workbook."""
    book = next((path for kind, path in _relationships(archive, "").values()
                 if kind == "officeDocument"), "xl/workbook.xml")
    relations = _relationships(archive, book)
    sheets = {}
    for name, relation in _sheets_named(archive.read(book)):
        kind, part = relations.get(relation, ("", ""))
        if kind == "worksheet" and part in archive.NameToInfo:
            sheets[name] = part
    return {"sheets": sheets, "": {kind: part for kind, part in relations.values()},
            "book": {"": book}}


@lru_cache(maxsize=16)  # a collection's books name their sheets alike
def _sheets_named(book: bytes) -> tuple[tuple[str, str], ...]:
    """Each sheet of a workbook part: its name and relationship id, in order."""
    root = ElementTree.fromstring(book)
    return tuple((sheet.get("name", ""), sheet.get(f"{_DOC_REL}id", ""))
                 for sheet in root.iter(f"{_MAIN}sheet"))


def _number_formats(archive: _Parts, parts: dict[str, str]) -> dict[str, str]:
    """The number format of each cell style (by its index, as a cell's s="…" names it) whose
    format is not General."""
    part = parts.get("styles")
    if part is None or part not in archive.NameToInfo:
        return {}
    return _formatted_styles(archive.read(part))


@lru_cache(maxsize=16)  # a collection's returned books share their styles
def _formatted_styles(styles: bytes) -> dict[str, str]:
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    root = ElementTree.fromstring(styles)
    custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "General")
              for f in root.iter(f"{_MAIN}numFmt")}
    xfs = root.find(f"{_MAIN}cellXfs")
    if xfs is None:
        return {}
    formats = {}
    for index, xf in enumerate(xfs.iter(f"{_MAIN}xf")):
        number = int(xf.get("numFmtId", "0"))
        code = custom.get(number) or BUILTIN_FORMATS.get(number, "General")
        if code != "General":
            formats[str(index)] = code
    return formats


def _formulas_and_formats(archive: _Parts, part: str, formatted: dict[str, str]
                          ) -> tuple[dict[str, str], dict[str, str]]:
    """Where a sheet holds formulas ("=…"), and its cells' number formats other than
    General, by address: the sheet's XML read in one pass, no tree of it built (a request's
    sheets are thousands of cells, each an element); `formatted`: a style's index → its
    number format, where not General."""
    data = archive.read(part)
    found = _plain_formulas_and_formats(data, formatted)
    if found is not None:
        return found
    sheet = _SheetCells(formatted)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = sheet.start
    parser.EndElementHandler = sheet.end
    parser.CharacterDataHandler = sheet.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:  # as ElementTree says it
        raise ElementTree.ParseError(str(exc)) from None
    return sheet.formulas, sheet.formats


# A sheet's cells as Excel, LibreOffice and openpyxl write them: the cells' own grammar
# (a row holds cells, a cell at most a formula, a value and an inline text, in that order,
# each row and cell with its address first, attributes in double quotes holding no markup),
# checked whole by one expression.
_ATTRIBUTES = rb'(?:\s+[A-Za-z_][\w.:-]*="[^"<>&]*")*\s*'
_TEXT_ELEMENT = rb"<%s" + _ATTRIBUTES + rb"(?:/>|>[^<]*</%s>)"
_PLAIN_CELL = (rb'<c r="[A-Za-z0-9$]+"' + _ATTRIBUTES + rb"(?:/>|>\s*(?:"
               + _TEXT_ELEMENT % (b"f", b"f") + rb"\s*)?(?:"
               + _TEXT_ELEMENT % (b"v", b"v") + rb"\s*)?(?:<is>\s*"
               + _TEXT_ELEMENT % (b"t", b"t") + rb"\s*</is>\s*)?</c>)")
_PLAIN_SHEET_DATA = re.compile(rb'<sheetData\s*(?:/>|>\s*(?:<row r="\d+"' + _ATTRIBUTES
                               + rb"(?:/>|>\s*(?:" + _PLAIN_CELL + rb"\s*)*</row>)\s*)*"
                               + rb"</sheetData>)")
_PLAIN_ROOT = re.compile(rb'(?:\xef\xbb\xbf)?(?:<\?xml[^>]*\?>)?\s*<[\w.-]+\s[^>]*'
                         rb'xmlns="http://schemas\.openxmlformats\.org/spreadsheetml/2006/main"')
_PREFIXED_TAG = re.compile(rb"</?[\w.-]+:")
_DECLARED = re.compile(rb"<\?xml[^>]*\?>")
_UTF8 = re.compile(rb"""encoding=["']utf-8["']""", re.IGNORECASE)
_CELL_FORMULA = re.compile(rb'<c r="([A-Za-z0-9$]+)"[^>]*>\s*<f(?:\s[^>]*?)?'
                           rb'(?:/>|>([^<]*)</f>)')
_ESCAPES = ((b"&lt;", b"<"), (b"&gt;", b">"), (b"&quot;", b'"'), (b"&apos;", b"'"),
            (b"&amp;", b"&"))


def _plain_formulas_and_formats(data: bytes, formatted: dict[str, str]
                                ) -> tuple[dict[str, str], dict[str, str]] | None:
    """What _SheetCells finds, read by expressions where the sheet's XML is written plainly
    (one default namespace, no prefixed element, comment, CDATA or character reference,
    every row and cell with its address, UTF-8): expat only checks it is well-formed, no
    call made per element. None where the sheet is written otherwise."""
    if (b"<!" in data or b"\r" in data or data.count(b"<?") > 1 or data.count(b"xmlns=") != 1
            or data.count(b"<sheetData") != 1
            or _PREFIXED_TAG.search(data, 0, data.index(b"<sheetData"))
            or not _PLAIN_ROOT.match(data)):
        return None  # (the cells' grammar below holds no prefixed element: only before)
    declared = _DECLARED.match(data.removeprefix(b"\xef\xbb\xbf"))
    if declared and b"encoding" in declared.group() and not _UTF8.search(declared.group()):
        return None
    start = data.index(b"<sheetData")
    before = data[:start]
    depth = before.count(b"<") - 2 * before.count(b"</") - before.count(b"/>") - (
        1 if declared else 0)
    section = _PLAIN_SHEET_DATA.match(data, start)
    if depth != 1 or section is None:
        return None
    cells = section.group()
    parser = expat.ParserCreate(namespace_separator="}")
    try:  # well-formed, or refused as the full reading refuses it
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ElementTree.ParseError(str(exc)) from None
    formulas = {}
    for address, text in _CELL_FORMULA.findall(cells):
        if b"&" in text:
            if b"&#" in text:
                return None
            for escaped, character in _ESCAPES:
                text = text.replace(escaped, character)
        formulas[address.decode()] = "=" + text.decode()
    formats = {address.decode(): formatted[style.decode()]
               for address, style in _formatted_cells(tuple(formatted)).findall(cells)}
    return formulas, formats


@lru_cache(maxsize=64)  # a collection's books share their styles
def _formatted_cells(styles: tuple[str, ...]) -> re.Pattern[bytes]:
    """The cells whose style is one of `styles`: (address, style) each."""
    alternatives = b"|".join(style.encode() for style in styles) or b"(?!)"
    return re.compile(rb'<c r="([A-Za-z0-9$]+)"(?:\s+[^\s=]+="[^"]*")*?\s+s="(' + alternatives
                      + rb')"')


class _SheetCells:
    """A parser target reading a worksheet's cells (those of the rows of its first
    sheetData) as a walk of its tree finds them: each one's address, its format
    where not General (`formatted`: a style's index → its number format), and its formula
    where its first child element is one (the formula's text up to any child of its own)."""

    def __init__(self, formatted: dict[str, str]) -> None:
        self.formatted = formatted
        self.formulas: dict[str, str] = {}
        self.formats: dict[str, str] = {}
        self.depth = 0  # the worksheet 1, sheetData 2, a row 3, a cell 4, a formula 5
        self.data_seen = self.in_data = self.in_row = self.in_cell = False
        self.row_number = 0
        self.address = ""  # the cell being read
        self.first_child = False  # the cell's next child element is its first
        self.formula: list[str] | None = None  # a cell's formula, while it is read
        self.formula_text = False  # its text not yet ended by a child element

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        depth = self.depth
        if depth == 5:
            if self.first_child and tag == _F_TAG:  # <f> comes first in a cell
                self.formula, self.formula_text = [], True
            self.first_child = False
        elif depth > 5:
            self.formula_text = False
        elif depth == 4:
            self.in_cell = self.in_row and tag == _C_TAG
            if self.in_cell:
                previous, address = self.address, attributes.get("r") or ""
                if not address:  # a writer may leave a cell's address to its place
                    column = cell_position(previous)[1] + 1 if previous else 1
                    address = f"{column_letters(column)}{self.row_number}"
                self.address = address
                style = attributes.get("s")
                if style in self.formatted:
                    self.formats[address] = self.formatted[style]
            self.first_child = self.in_cell
        elif depth == 3:
            self.in_row = self.in_data and tag == _ROW_TAG
            if self.in_row:
                self.row_number = int(attributes.get("r") or self.row_number + 1)
                self.address = ""
        elif depth == 2 and tag == _DATA_TAG and not self.data_seen:
            self.in_data = self.data_seen = True

    def end(self, _tag: str) -> None:
        depth = self.depth
        if depth == 5 and self.formula is not None:
            self.formulas[self.address] = "=" + "".join(self.formula)
            self.formula, self.formula_text = None, False
        elif depth == 4:
            self.first_child = self.in_cell = False
        elif depth == 3:
            self.in_row = False
        elif depth == 2:
            self.in_data = False
        self.depth = depth - 1

    def data(self, text: str) -> None:
        if self.formula_text and self.depth == 5:
            self.formula.append(text)  # type: ignore[union-attr]


def _modified(archive: _Parts) -> datetime | None:
    """When the workbook was last saved, as its core properties say (openpyxl's reading)."""
    from openpyxl.utils.datetime import from_ISO8601

    part = next((path for kind, path in _relationships(archive, "").values()
                 if kind == "core-properties"), "docProps/core.xml")
    if part not in archive.NameToInfo:
        return None
    element = ElementTree.fromstring(archive.read(part)).find(_MODIFIED)
    if element is None or not (element.text or "").strip():
        return None
    found = from_ISO8601(element.text.strip())
    return found if isinstance(found, datetime) else None
