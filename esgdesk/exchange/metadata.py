"""The hidden metadata sheet of a request workbook: which request it is, every mapped cell, and
a checksum over the fixed content. Written by requests, read back by returned and offline.

The sheet holds one key a row, the checksum, a blank row, then the cell map. A request
written now (format esgdesk-request-2) keeps the map as JSON text in a few cells under the
heading "cells": hundreds of rows of six cells each were most of what a request took to
write and read. Requests sent out before (esgdesk-request-1) keep one row a mapped cell under
the CELL_COLUMNS headings, and are read as they are. The checksum is taken over the map as
read, whichever way it was written."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from esgdesk.errors import FileRefused
from esgdesk.model.frozen import FrozenTuple
from esgdesk.model.types import canonical

META_SHEET = "_esgdesk"
META_KEYS = ("format", "request", "entity", "entity_zh", "entity_en", "year", "department",
             "catalogue", "lang", "made_at", "made_by", "due", "assignee")
FIXED_KINDS = ("fixed", "prior", "last_note")
CELL_COLUMNS = ("sheet", "cell", "kind", "indicator", "year", "expected")
FORMAT = "esgdesk-request-2"  # the cell map as JSON text
ROW_FORMAT = "esgdesk-request-1"  # the cell map one row a cell
CELLS_HEADING = "cells"
_new = tuple.__new__  # a FrozenTuple made from all its fields at once, at C speed
_CELL_TYPES = (str, str, str, str, int, str)  # a cell map entry's, as JSON gives them
# Characters of the map a cell holds: Excel's 32,767 counted in UTF-16, where a character
# beyond the Basic Multilingual Plane counts two.
_MAP_CHUNK = 16_000


class CellSpec(FrozenTuple):
    """One mapped cell: an input of the reporting year, or fixed content to keep (a
    FrozenTuple: a request maps a thousand cells, a collection a hundred requests)."""

    _fields = ("sheet", "cell", "kind", "indicator", "year", "expected")
    sheet: str
    cell: str
    kind: str  # inputs: value | state | note | unit (a quantity's) | submitted_by |
    # submitted_at;
    # locked content: fixed | prior (a prior year's figure) | last_note (its explanation)
    indicator: str
    year: int
    # fixed cells: their content as written; a value's input: the figure held when the
    # request was made (a bilingual text typed in one language keeps the other from it)
    expected: str

    def row(self) -> list[Any]:
        return list(self)


_cell_of = functools.partial(_new, CellSpec)


def fixed_text(value: Any) -> str:
    """A cell's content as the metadata records it (1226.0 and 1226 alike)."""
    if isinstance(value, float):
        return canonical(Decimal(repr(value)))
    return "" if value is None else str(value)


def checksum(meta: dict[str, str], cells: Iterable[CellSpec]) -> str:
    return _checksum(meta, _cell_map(cells))


def _cell_map(cells: Iterable[CellSpec]) -> str:
    """The cell map as JSON text, as the metadata sheet holds it."""
    return json.dumps(list(cells), ensure_ascii=False, separators=(",", ":"))  # a row a cell


def _checksum(meta: dict[str, str], cell_map: str) -> str:
    """The checksum over the keys and the cell map (its JSON text, `_cell_map`): the SHA-256
    of the JSON of [the keys' values, the map]."""
    keys = json.dumps([meta[k] for k in META_KEYS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"[{keys},{cell_map}]".encode()).hexdigest()


def meta_rows(meta: dict[str, str], cells: list[CellSpec]) -> list[list[Any]]:
    """The metadata sheet's rows: the keys, the checksum, a blank row, the cell map as JSON
    text in consecutive cells under its heading."""
    rows: list[list[Any]] = [[key, meta[key]] for key in META_KEYS]
    body = _cell_map(cells)
    rows.append(["checksum", _checksum(meta, body)])
    rows.append([])
    rows.append([CELLS_HEADING])
    rows.extend([body[i:i + _MAP_CHUNK]] for i in range(0, len(body), _MAP_CHUNK))
    return rows


def read_meta(sheet: Any, name: str) -> tuple[dict[str, str], list[CellSpec]]:
    """The keys and the cell map of a metadata sheet, in either format; refused when esgdesk
    did not write it."""
    meta, cells, _body = _read_meta(sheet, name)
    return meta, cells


def read_checked_meta(sheet: Any, name: str) -> tuple[dict[str, str], list[CellSpec], bool]:
    """read_meta, and whether the checksum the sheet holds is the one of its keys and map.
    The map's JSON text as the sheet holds it is hashed first: when that is the checksum, it
    is the text esgdesk wrote, so the map read back would be written again to the same text
    (a returned request's thousand cells are not encoded again to be hashed)."""
    meta, cells, body = _read_meta(sheet, name)
    if body is not None and _checksum(meta, body) == meta["checksum"]:
        return meta, cells, True
    return meta, cells, checksum(meta, cells) == meta["checksum"]


def _read_meta(sheet: Any, name: str) -> tuple[dict[str, str], list[CellSpec], str | None]:
    """The keys, the cell map and the map's JSON text as the sheet holds it (None for a map
    one row a cell)."""
    rows = list(sheet.iter_rows(values_only=True))
    meta: dict[str, str] = {}
    index = 0
    while index < len(rows) and rows[index] and rows[index][0] not in (None, ""):
        key, value = rows[index][0], rows[index][1] if len(rows[index]) > 1 else None
        meta[str(key)] = fixed_text(value)
        index += 1
    if (meta.get("format") not in (FORMAT, ROW_FORMAT)
            or any(k not in meta for k in (*META_KEYS, "checksum"))):
        raise FileRefused("the metadata sheet is not one esgdesk wrote",
                          "元数据工作表不是 esgdesk 生成的", where=name,
                          kind="metadata_foreign")
    if meta["format"] == ROW_FORMAT:
        return meta, _row_cells(rows[index + 2:]), None
    return (meta, *_json_cells(rows[index + 1:], name))


def _row_cells(rows: list[tuple[Any, ...]]) -> list[CellSpec]:
    """The cell map one row a cell (esgdesk-request-1)."""
    cells = []
    for row in rows:
        if not row or row[0] in (None, ""):
            continue
        sheet_title, address, kind, indicator, year, expected = (list(row) + [None] * 6)[:6]
        cells.append(CellSpec(str(sheet_title), str(address), str(kind),
                              fixed_text(indicator), int(Decimal(fixed_text(year) or "0")),
                              fixed_text(expected)))
    return cells


def _json_cells(rows: list[tuple[Any, ...]], name: str) -> tuple[list[CellSpec], str]:
    """The cell map as JSON text in the cells under its heading (esgdesk-request-2), and
    that text."""
    if not rows or not rows[0] or rows[0][0] != CELLS_HEADING:
        raise _map_refused(name, "no cell map")
    body = "".join(str(row[0]) for row in rows[1:] if row and row[0] not in (None, ""))
    try:
        listed = json.loads(body)
    except ValueError as exc:
        raise _map_refused(name, str(exc)) from None
    if not isinstance(listed, list):
        raise _map_refused(name, "not a list")
    # Each entry's shape checked a column at a time (a thousand entries a request); the
    # entry that is no cell is looked for only when one is not.
    if set(map(type, listed)) <= {list} and set(map(len, listed)) <= {6} and all(
            set(map(type, column)) <= {kind}
            for column, kind in zip(zip(*listed, strict=True), _CELL_TYPES, strict=False)):
        return list(map(_cell_of, listed)), body
    cells = []
    for item in listed:  # as JSON gives them: a list of exactly str, str, str, str, int, str
        if not (type(item) is list and len(item) == 6 and type(item[0]) is str
                and type(item[1]) is str and type(item[2]) is str and type(item[3]) is str
                and type(item[4]) is int and type(item[5]) is str):
            raise _map_refused(name, f"an entry is not a cell: {str(item)[:40]}")
        cells.append(_new(CellSpec, item))
    return cells, body


def _map_refused(name: str, why: str) -> FileRefused:
    return FileRefused(f"the metadata sheet was changed (its cell map cannot be read: {why})",
                       f"元数据工作表被修改过（单元格映射无法读取：{why}）", where=name,
                       kind="metadata_changed")


# The edition a request was made from travels with it, so the contributor's copy of esgdesk
# reads the request's tables, types and rules as the coordinator's database has them: the
# document, compressed, in cells of a hidden sheet (an Excel cell holds 32,767 characters).
EDITION_SHEET = "_esgdesk_catalogue"
_CHUNK = 32_000


def edition_cells(document: dict[str, Any]) -> list[str]:
    """A catalogue document as the texts of consecutive cells."""
    import base64
    import zlib

    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = base64.b64encode(zlib.compress(body, 9)).decode("ascii")
    return [packed[i:i + _CHUNK] for i in range(0, len(packed), _CHUNK)]


def read_edition(workbook: Any, expected_hash: str, name: str) -> dict[str, Any] | None:
    """The catalogue document a request workbook carries (None for a workbook made before
    requests carried one); refused when it is not the edition its metadata names."""
    if EDITION_SHEET not in workbook.sheetnames:
        return None
    packed = "".join(str(row[0]) for row in workbook[EDITION_SHEET].iter_rows(values_only=True)
                     if row and row[0])
    try:
        return _unpacked(packed, expected_hash)
    except FileRefused as exc:  # said without the file, whose name it is given here
        raise FileRefused(exc.en, exc.zh, where=name, kind=exc.kind) from None


@functools.lru_cache(maxsize=8)
def _unpacked(packed: str, expected_hash: str) -> dict[str, Any]:
    """A carried edition unpacked and checked against its hash, once for the many requests
    of a collection that carry the same one (so the document is shared: read it, never
    change it)."""
    import base64
    import binascii
    import zlib

    from esgdesk.model.catalogue import document_hash

    try:
        document = json.loads(zlib.decompress(base64.b64decode(packed)).decode("utf-8"))
    except (binascii.Error, zlib.error, ValueError) as exc:
        raise FileRefused(f"the catalogue sheet cannot be read ({exc})",
                          f"指标目录工作表无法读取（{exc}）", kind="metadata_changed") from None
    if not isinstance(document, dict) or document_hash(document) != expected_hash:
        raise FileRefused("the catalogue sheet was changed (it is not the edition the request "
                          "names)", "指标目录工作表被修改过（与请求所记的版本不符）",
                          kind="metadata_changed")
    return document
