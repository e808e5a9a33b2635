"""openpyxl's saving of a workbook, made quicker and kept byte for byte the same.

openpyxl writes each worksheet to a temporary file of its own, then copies it into the
archive, and serialises every cell as an XML element through a pure-Python writer: most of
the time a request workbook takes to write. Here a worksheet is written in memory, and a
cell of the kinds esgdesk writes (text, a number, a formula, a yes/no, empty but styled) is
put down as the text openpyxl would have made of it; any other cell (a date, rich text, an
array formula) and any row holding a comment or a hyperlink are left to openpyxl's own code.
tests/test_xlsx_save.py holds the two ways to the same bytes.

`PlainCells` makes such plain cells without openpyxl's per-cell work (a Cell, and a style
table lookup on every assignment of a font, fill or border): a cell holds its value and the
style openpyxl would have given it, looked up once a workbook for each change of style.

Many workbooks of one layout (a collection's requests) are written from the first: its
sheets' XML kept as saved (SavedSheet), each later one's own cells put on a LightSheet and
written into their places (cell_text, plain_rows), the parts they share compressed once
(Packed) and the whole put down by write_parts.
"""

from __future__ import annotations

import datetime
import stat
import time
from copy import copy
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # what openpyxl's writer uses
from zipfile import ZIP64_LIMIT, ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import LXML
from openpyxl.compat import safe_string
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import SHEET_MAIN_NS

# With lxml installed openpyxl writes through lxml's serialiser, whose spelling this module
# does not copy: such a workbook is saved by openpyxl alone.
_STRAIGHT = not LXML
_PLAIN_VALUES = (str, int, float)  # bool is an int; Decimal goes to openpyxl's writer


def save_workbook(workbook: Any, path: Path,
                  recorded: dict[str, SavedSheet] | None = None) -> None:
    """Save an openpyxl workbook to `path` as openpyxl's `Workbook.save` does. `recorded`:
    where asked, each sheet's XML as written, by title, for workbooks to come of the same
    layout (see SavedSheet); the sheets wanted are its keys, each with its `slots` set."""
    if workbook.write_only or not _STRAIGHT:
        workbook.save(path)
        return
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        workbook.properties.modified = datetime.datetime.now(
            tz=datetime.UTC).replace(tzinfo=None)
        _BookWriter(workbook, archive, recorded).save()


class SavedSheet:
    """A worksheet's XML as saved, kept to write others of the same layout: `pieces` are
    its text in order, each either a string or the (row, column) of a cell named in `slots`
    (a cell whose content is the workbook's own, written in its place each time);
    `row_attributes` how each row's tag is spelled after its number; `styles_after` the
    workbook's cell styles (their bytes) once the sheet was written. `plain` is False when a
    row or cell was left to openpyxl's own code, or a slot's cell was not written: such a
    sheet cannot be written again from its pieces."""

    def __init__(self, slots: set[tuple[int, int]]) -> None:
        self.slots = slots
        self.pieces: list[str | tuple[int, int]] = []
        self.row_attributes: dict[int, str] = {}
        self.styles_after: list[bytes] = []
        self.known: dict[tuple[bytes, str], str] = {}  # the workbook's, see _plain_cell
        self.plain = True

    def parts(self) -> tuple[str, str, str]:
        """The sheet's text before its rows (through <sheetData>), its rows as written
        (slots as saved), and after them (from </sheetData>)."""
        text = "".join(p for p in self.pieces if type(p) is str)
        start = text.index("<sheetData>") + len("<sheetData>")
        end = text.rindex("</sheetData>")
        return text[:start], text[start:end], text[end:]


class _BookWriter(ExcelWriter):
    """openpyxl's writer of a workbook, its worksheets written by _SheetWriter in memory."""

    def __init__(self, workbook: Any, archive: ZipFile,
                 recorded: dict[str, SavedSheet] | None = None) -> None:
        super().__init__(workbook, archive)
        # a cell's attributes after its address, by its style and type (see _plain_cell)
        self.style_ids: dict[tuple[bytes, str], str] = {}
        self.recorded = recorded or {}

    def write_worksheet(self, ws: Any) -> None:
        from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing

        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _SheetWriter(ws, BytesIO())  # (unused: see get_stream)
        writer.style_ids = self.style_ids
        writer.saved = self.recorded.get(ws.title)
        writer.write()
        if writer.saved is not None:
            writer.saved.styles_after = [s.tobytes() for s in self.workbook._cell_styles]
            writer.saved.known = self.style_ids
        ws._rels = writer._rels
        # as ZipFile.write names a part copied from openpyxl's temporary file
        info = ZipInfo(ws.path[1:], time.localtime(time.time())[:6])
        info.external_attr = (stat.S_IFREG | 0o600) << 16
        info.compress_type = ZIP_DEFLATED
        self._archive.writestr(info, writer.read())
        self.manifest.append(ws)


class _SheetWriter(WorksheetWriter):
    """openpyxl's writer of a worksheet, its rows of plain cells put down as text."""

    style_ids: dict[tuple[bytes, str], str]
    saved: SavedSheet | None = None

    def get_stream(self) -> Any:
        """openpyxl's stream of the worksheet's XML, its pieces kept in a list and encoded
        once (openpyxl's text wrapper encodes each piece as it is written, the same way)."""
        from et_xmlfile.xmlfile import _IncrementalFileWriter

        self._pieces: list[str] = []
        xf = _IncrementalFileWriter(self._pieces.append)
        with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
            try:
                while True:
                    element = yield
                    if element is True:
                        yield xf
                    elif element is not None:
                        xf.write(element)
            except GeneratorExit:
                pass

    def read(self) -> bytes:
        self.close()
        text = "".join(self._pieces)
        saved = self.saved
        if saved is not None:  # the rows' pieces are kept as _write_plain_row split them
            rows = self._row_pieces
            for index, piece in enumerate(self._pieces):
                saved.pieces.extend(rows.get(index, (piece,)))
        return text.encode("utf-8", "xmlcharrefreplace")

    def write_dimensions(self) -> None:
        """The range the sheet's cells span."""
        from openpyxl.worksheet.dimensions import SheetDimension

        self.xf.send(SheetDimension(cells_span(self.ws._cells)).to_tree())

    def write_rows(self) -> None:
        xf = self.xf.send(True)
        put = xf._file  # the serialiser's own output: what it writes goes there, in order
        self._row_pieces: dict[int, list[str | tuple[int, int]]] = {}
        saved = self.saved
        with xf.element("sheetData"):
            for row_index, row in self.rows():
                if not self._write_plain_row(put, row, row_index):
                    if saved is not None:
                        saved.plain = False
                    self.write_row(xf, row, row_index)
        if saved is not None and saved.plain:  # every slot's cell written in its place
            found = sum(1 for pieces in self._row_pieces.values() for p in pieces
                        if type(p) is tuple)
            saved.plain = found == len(saved.slots)
        self.xf.send(None)

    def _write_plain_row(self, put: Any, row: list[Any], row_index: int) -> bool:
        """A row as openpyxl's write_row spells it; False (nothing written) when one of its
        cells is not plain."""
        parts = []
        known = self.style_ids
        for cell in row:
            if cell._comment is not None or cell.hyperlink is not None:
                return False
            value, style = cell._value, cell._style
            styled = style is not None and any(style)  # openpyxl's has_style
            if value is None and not styled:
                continue
            text = _plain_cell(cell, value, styled, known, row_index)
            if text is None:
                return False
            parts.append(text)
        attributes = {"r": f"{row_index}"}
        attributes.update(self.ws.row_dimensions.get(row_index, {}))
        spelled = "".join(f' {k}="{_escape_attrib(v)}"' for k, v in attributes.items())
        saved = self.saved
        if saved is not None:
            saved.row_attributes[row_index] = spelled
            slots = saved.slots
            pieces: list[str | tuple[int, int]] = [f"<row{spelled}>"]
            written = [cell for cell in row
                       if cell._value is not None or (cell._style is not None
                                                      and any(cell._style))]
            for cell, text in zip(written, parts, strict=True):
                where = (row_index, cell.column)
                pieces.append(where if where in slots else text)
            pieces.append("</row>")
            self._row_pieces[len(self._pieces)] = pieces
        put(f"<row{spelled}>{''.join(parts)}</row>")
        return True


def cells_span(cells: dict[tuple[int, int], Any]) -> str:
    """The range cells span, as openpyxl's calculate_dimension finds it (its rows and
    columns gathered at C speed, not a cell at a time)."""
    if not cells:
        return "A1:A1"
    rows, columns = zip(*cells, strict=True)
    return (f"{get_column_letter(min(columns))}{min(rows)}:"
            f"{get_column_letter(max(columns))}{max(rows)}")


def _plain_cell(cell: Any, value: Any, styled: bool, known: dict[tuple[bytes, str], str],
                row: int) -> str | None:
    """A cell of row `row` as openpyxl's etree_write_cell spells it, or None for one it is
    not plain. `known`: the attributes after a cell's address (its style id and type)
    spelled so far in the workbook, by the style's content and the type (openpyxl looks a
    cell's style up in the workbook's list, hashing it, for every cell)."""
    kind = cell.data_type
    if kind == "d" or (value is not None and type(value) not in _PLAIN_VALUES):
        return None
    if kind in ("s", "f") and value is not None and type(value) is not str:
        return None  # rich text
    key = (cell._style.tobytes() if styled else b"", kind)
    attributes = known.get(key)
    if attributes is None:
        # the style id: the cell's style added to the workbook's list where it is new
        attributes = f' s="{cell.style_id}"' if styled else ""
        if kind == "s":
            attributes += ' t="inlineStr"'
        elif kind != "f":
            attributes += f' t="{_escape_attrib(kind)}"'
        known[key] = attributes
    start = f'<c r="{get_column_letter(cell.column)}{row}"{attributes}'
    if value is None or value == "":
        return start + " />"
    if kind == "f":
        formula = _escape_cdata(value[1:])
        return f"{start}><f>{formula}</f><v /></c>" if formula else f"{start}><f /><v /></c>"
    if kind == "s":
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and value != stripped else ""
        return f"{start}><is><t{space}>{_escape_cdata(value)}</t></is></c>"
    shown = safe_string(value)
    return f"{start}><v>{_escape_cdata(shown)}</v></c>" if shown else f"{start}><v /></c>"


class PlainCell:
    """A plain cell of a worksheet, as an openpyxl Cell of the same value and style would be
    written. Its style (openpyxl's StyleArray) is shared by the cells of the same style and
    never changed in place: a change makes the cell take another (see PlainCells)."""

    __slots__ = ("_cells", "_style", "_value", "column", "data_type", "parent", "row")
    _comment = None
    hyperlink = None

    def __init__(self, cells: PlainCells, sheet: Any, row: int, column: int) -> None:
        self._cells, self.parent, self.row, self.column = cells, sheet, row, column
        self._value, self.data_type, self._style = None, "n", None

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"

    @property
    def has_style(self) -> bool:
        return self._style is not None and any(self._style)

    @property
    def style_id(self) -> int:
        return self.parent.parent._cell_styles.add(self._style)

    @property
    def value(self) -> Any:
        return self._value

    @value.setter
    def value(self, value: Any) -> None:
        kind = type(value)
        if kind is int or kind is float or value is None:
            self._value, self.data_type = value, "n"
        else:  # bound as openpyxl binds it (a formula, an error code, a date and its format)
            self._cells.bind(self, value)

    @property
    def quotePrefix(self) -> bool:
        return self._style is not None and bool(self._style[7])

    @quotePrefix.setter
    def quotePrefix(self, quoted: bool) -> None:
        self._cells.set_style(self, "quotePrefix", quoted)

    @property
    def number_format(self) -> str:
        return self._cells.number_format(self)

    @number_format.setter
    def number_format(self, number_format: str) -> None:
        self._cells.set_style(self, "number_format", number_format)


class PlainCells:
    """The plain cells of one openpyxl workbook: each change of a cell's style (font=,
    fill=, number_format=, …) is made once on a cell openpyxl holds outside every sheet, so
    the workbook's tables of fonts, fills and formats grow in the order openpyxl's own cells
    would have grown them, and its result is given to every cell that makes the same change
    after."""

    def __init__(self, workbook: Any) -> None:
        from openpyxl.cell import Cell

        self._scratch = Cell(workbook.active)
        # (the style before, the change) → the style after, with the style before and the
        # pieces of the change: kept, so no other object takes the ids the key holds
        self._changes: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def cell(self, sheet: Any, row: int, column: int, look: dict[str, Any] | None = None
             ) -> Any:
        """The cell at `row`, `column` (the sheet's own, or a new plain cell put there),
        given a look: pieces of style by openpyxl's names (font=, fill=, border=,
        alignment=, protection=: openpyxl's objects). A look is known by its identity: make
        each once, and change neither it nor its pieces."""
        cell = sheet._cells.get((row, column))
        if cell is None:
            cell = sheet._cells[row, column] = PlainCell(self, sheet, row, column)
            if row > sheet._current_row:  # as openpyxl's sheet.cell keeps it
                sheet._current_row = row
        if look:
            before = cell._style
            key = (id(before), id(look))
            known = self._changes.get(key)
            if known is None:
                known = self._changes[key] = (self._changed(before, look), before, look)
            cell._style = known[0]
        return cell

    def set_style(self, cell: PlainCell, name: str, value: str | bool) -> None:
        """Set a piece of style known by its value (number_format, quotePrefix)."""
        before = cell._style
        key = (id(before), name, value)
        known = self._changes.get(key)
        if known is None:
            known = self._changes[key] = (self._changed(before, {name: value}), before)
        cell._style = known[0]

    def _changed(self, before: Any, change: dict[str, Any]) -> Any:
        """A style changed as openpyxl's cell changes it, the pieces added to the
        workbook's tables as it adds them."""
        scratch = self._scratch
        scratch._style = None if before is None else copy(before)
        for name, piece in change.items():
            setattr(scratch, name, piece)
        return scratch._style

    def bind(self, cell: PlainCell, value: Any) -> None:
        """A value openpyxl binds with more than a type: its value, type and style as bound."""
        scratch = self._scratch
        scratch._style = None if cell._style is None else copy(cell._style)
        scratch.value = value
        cell._value, cell.data_type = scratch._value, scratch.data_type
        if scratch._style != cell._style:
            cell._style = scratch._style

    def number_format(self, cell: PlainCell) -> str:
        self._scratch._style = cell._style
        return self._scratch.number_format


# -- workbooks written again from a saved one's parts ---------------------------------------

class StyleIds:
    """A workbook's cell styles by id, given as openpyxl gives them: the default style 0,
    each new one the next id as a cell first takes it (`order`: their bytes); or those of
    a workbook saved before, in its order."""

    def __init__(self, order: list[bytes] | None = None) -> None:
        from openpyxl.styles.cell_style import StyleArray

        self.order: list[bytes] = list(order or [StyleArray().tobytes()])
        self.ids: dict[bytes, int] = {style: i for i, style in enumerate(self.order)}

    def add(self, style: Any) -> int:
        key = style.tobytes()
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = len(self.order)
            self.order.append(key)
        return found


class LightSheet:
    """A worksheet's plain cells without openpyxl's worksheet (PlainCells.cell puts them
    here), written with plain_rows: for a sheet whose frame was saved before (SavedSheet)."""

    def __init__(self, title: str, styles: StyleIds) -> None:
        from collections import defaultdict
        from types import SimpleNamespace

        self.title = title
        self._cells: dict[tuple[int, int], Any] = {}
        self._current_row = 0
        self.parent = SimpleNamespace(_cell_styles=styles)
        self.row_dimensions: dict[int, Any] = defaultdict(SimpleNamespace)


def cell_text(cell: Any, known: dict[tuple[bytes, str], str]) -> str | None:
    """A plain cell as openpyxl writes it in its row ("" for one not written), its style's
    id looked up through its sheet's StyleIds; None for a cell that is not plain."""
    value, style = cell._value, cell._style
    styled = style is not None and any(style)
    if value is None and not styled:
        return ""
    return _plain_cell(cell, value, styled, known, cell.row)


def plain_rows(sheet: LightSheet, row_attributes: dict[int, str],
               known: dict[tuple[bytes, str], str]) -> str | None:
    """A LightSheet's rows as openpyxl's writer spells them, each row's tag spelled as in
    `row_attributes` (its number alone where not given); None when a cell is not plain."""
    rows: dict[int, list[str]] = {}
    for (row, _column), cell in sorted(sheet._cells.items()):
        text = cell_text(cell, known)
        if text is None:
            return None
        rows.setdefault(row, []).append(text)
    spelled = [(row_attributes.get(row) or f' r="{row}"', "".join(parts))
               for row, parts in rows.items()]
    return "".join(f"<row{tag}>{cells}</row>" for tag, cells in spelled)


def text_xml(text: str) -> str:
    """A text as openpyxl's writer puts it in an element."""
    return _escape_cdata(text)


def core_properties() -> bytes:
    """The workbook's core properties (docProps/core.xml) as openpyxl's save writes those
    of a workbook made now."""
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.xml.functions import tostring

    properties = DocumentProperties()
    properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    return tostring(properties.to_tree())


def saved_parts(path: Path) -> list[tuple[str, int, bytes]]:
    """A saved workbook's parts in order: name, the attributes of its entry, content."""
    with ZipFile(path) as archive:
        return [(info.filename, info.external_attr, archive.read(info))
                for info in archive.infolist()]


class Packed:
    """A part's content compressed once as ZipFile compresses it, for the many workbooks
    that hold the same part (a collection's requests carry the same catalogue)."""

    __slots__ = ("crc", "data", "size")

    def __init__(self, content: bytes) -> None:
        import zlib

        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self.data = packer.compress(content) + packer.flush()
        self.crc, self.size = zlib.crc32(content), len(content)


def write_parts(path: Path, parts: list[tuple[str, int, bytes | Packed]]) -> None:
    """A workbook of these parts, each entry made as openpyxl's save makes it."""
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        for name, attributes, content in parts:
            info = ZipInfo(name, time.localtime(time.time())[:6])
            info.external_attr = attributes
            info.compress_type = ZIP_DEFLATED
            if type(content) is Packed and _PACKED_WRITES:
                _write_packed(archive, info, content)
            else:
                archive.writestr(info, content)


# ZipFile has no public way to put down data compressed before: its own steps for an entry
# (ZipFile._open_to_write and _ZipWriteFile.close) are taken here at once, the header written
# with the sizes and checksum its close would have written back into it.
_PACKED_WRITES = hasattr(ZipFile, "_writecheck")


def _write_packed(archive: ZipFile, info: ZipInfo, packed: Packed) -> None:
    info.file_size, info.compress_size, info.CRC = packed.size, len(packed.data), packed.crc
    info.flag_bits = 0
    zip64 = info.file_size * 1.05 > ZIP64_LIMIT
    archive.fp.seek(archive.start_dir)
    info.header_offset = archive.fp.tell()
    archive._writecheck(info)
    archive._didModify = True
    archive.fp.write(info.FileHeader(zip64))
    archive.fp.write(packed.data)
    archive.start_dir = archive.fp.tell()
    archive.filelist.append(info)
    archive.NameToInfo[info.filename] = info
