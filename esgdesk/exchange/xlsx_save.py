"""openpyxl's saving of a workbook, made quicker and kept byte for byte the same.

openpyxl writes each worksheet to a temporary file of its own, then copies it into the
archive, and serialises every cell as an XML element through a pure-Python writer: most of
the time a request workbook takes to write. Here a worksheet is written in memory, and a
cell of the kinds esgdesk writes (text, a number, a formula, a yes/no, empty but styled) is
put down as the text openpyxl would have made of it; any other cell (a date, rich text, an
array formula) and any row holding a comment or a hyperlink are left to openpyxl's own code.
tests/test_xlsx_save.py holds the two ways to the same bytes.
"""

from __future__ import annotations

import datetime
import stat
import time
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # what openpyxl's writer uses
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import LXML
from openpyxl.compat import safe_string
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

# With lxml installed openpyxl writes through lxml's serialiser, whose spelling this module
# does not copy: such a workbook is saved by openpyxl alone.
_STRAIGHT = not LXML
_PLAIN_VALUES = (str, int, float)  # bool is an int; Decimal goes to openpyxl's writer


def save_workbook(workbook: Any, path: Path) -> None:
    """Save an openpyxl workbook to `path` as openpyxl's `Workbook.save` does."""
    if workbook.write_only or not _STRAIGHT:
        workbook.save(path)
        return
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        workbook.properties.modified = datetime.datetime.now(
            tz=datetime.UTC).replace(tzinfo=None)
        _BookWriter(workbook, archive).save()


class _BookWriter(ExcelWriter):
    """openpyxl's writer of a workbook, its worksheets written by _SheetWriter in memory."""

    def __init__(self, workbook: Any, archive: ZipFile) -> None:
        super().__init__(workbook, archive)
        self.style_ids: dict[bytes, int] = {}  # the workbook's style ids, by their style

    def write_worksheet(self, ws: Any) -> None:
        from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing

        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _SheetWriter(ws, BytesIO())
        writer.style_ids = self.style_ids
        writer.write()
        ws._rels = writer._rels
        # as ZipFile.write names a part copied from openpyxl's temporary file
        info = ZipInfo(ws.path[1:], time.localtime(time.time())[:6])
        info.external_attr = (stat.S_IFREG | 0o600) << 16
        info.compress_type = ZIP_DEFLATED
        self._archive.writestr(info, writer.read())
        self.manifest.append(ws)


class _SheetWriter(WorksheetWriter):
    """openpyxl's writer of a worksheet, its rows of plain cells put down as text."""

    style_ids: dict[bytes, int]

    def write_rows(self) -> None:
        xf = self.xf.send(True)
        put = xf._file  # the serialiser's own output: what it writes goes there, in order
        with xf.element("sheetData"):
            for row_index, row in self.rows():
                if not self._write_plain_row(put, row, row_index):
                    self.write_row(xf, row, row_index)
        self.xf.send(None)

    def _write_plain_row(self, put: Any, row: list[Any], row_index: int) -> bool:
        """A row as openpyxl's write_row spells it; False (nothing written) when one of its
        cells is not plain."""
        parts = []
        for cell in row:
            value, styled = cell._value, cell.has_style
            if cell._comment is not None or cell.hyperlink is not None:
                return False
            if value is None and not styled:
                continue
            text = _plain_cell(cell, value, styled, self.style_ids)
            if text is None:
                return False
            parts.append(text)
        attributes = {"r": f"{row_index}"}
        attributes.update(self.ws.row_dimensions.get(row_index, {}))
        spelled = "".join(f' {k}="{_escape_attrib(v)}"' for k, v in attributes.items())
        put(f"<row{spelled}>{''.join(parts)}</row>")
        return True


def _plain_cell(cell: Any, value: Any, styled: bool, style_ids: dict[bytes, int]
                ) -> str | None:
    """A cell as openpyxl's etree_write_cell spells it, or None for one it is not plain.
    `style_ids`: the workbook's style ids known so far, by the style's content (openpyxl
    looks a cell's style up in the workbook's list, hashing it, for every cell)."""
    kind = cell.data_type
    if kind == "d" or (value is not None and type(value) not in _PLAIN_VALUES):
        return None
    if kind in ("s", "f") and value is not None and type(value) is not str:
        return None  # rich text
    start = f'<c r="{cell.coordinate}"'
    if styled:
        content = cell._style.tobytes()
        style_id = style_ids.get(content)
        if style_id is None:
            style_id = style_ids[content] = cell.style_id  # adds it to the workbook's list
        start += f' s="{style_id}"'
    if kind == "s":
        start += ' t="inlineStr"'
    elif kind != "f":
        start += f' t="{_escape_attrib(kind)}"'
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
