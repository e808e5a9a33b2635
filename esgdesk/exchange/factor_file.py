"""Reading a year's emission and conversion factors from a workbook (.xlsx) or a CSV file, and
importing them: all of the file or nothing.

The first row names the columns: id, value, unit, gas, region, data_year, source, table, and
optionally verified (any order, any case). Every problem is collected with its sheet!cell (a
CSV file's "cell" is its column letter and row, `factors.csv!B7`) before anything is written:
an id unknown or given twice, a value that is not an exact decimal, a value without its source,
a data year that is not a year, a text no cell can hold. A value is read as the text typed; a
number cell of Excel (a binary float) is read by its shortest decimal, Decimal(repr(float)),
and noted, since a trailing zero as printed ("0.5500") is lost in it."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from esgdesk.errors import FileRefused, NotFound
from esgdesk.exchange.returned import Problem, open_workbook
from esgdesk.model.factors import factor_sets
from esgdesk.model.method import chosen_names
from esgdesk.model.types import text_problem
from esgdesk.rules.published import change_factors, factor_moves
from esgdesk.storage.factors import (
    FIRST_DATA_YEAR,
    LAST_DATA_YEAR,
    FactorValue,
    exact_decimal,
    factor_problems,
)
from esgdesk.storage.restatements import PublishedMove, Restatement
from esgdesk.storage.store import Store

COLUMNS = ("id", "value", "unit", "gas", "region", "data_year", "source", "table")
OPTIONAL = ("verified",)
MAX_CSV_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
_YES = {"true", "yes", "y", "1", "x", "是", "已核实", "✓"}
_NO = {"", "false", "no", "n", "0", "否", "未核实"}

# What a Problem's code says (callers branch on these, never on the wording).
HEADER = "factor_header"  # a column is missing or named twice
UNKNOWN_FACTOR = "unknown_factor"
DUPLICATE_FACTOR = "duplicate_factor"
NOT_EXACT = "not_exact_decimal"
NO_SOURCE = "no_source"
NOT_A_YEAR = "not_a_year"
NOT_YES_NO = "not_yes_no"
TEXT_REFUSED = "text_refused"
NUMBER_CELL = "number_cell"  # a note, not a problem: an Excel number read by its decimal


@dataclass
class FactorImport:
    """A factor file read and checked against a year: the factors it holds, its problems (any
    refuses the whole file), notes on how cells were read, and what it changes (or changed)."""

    path: Path
    year: int
    factors: list[FactorValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    # (the factor as the year holds it, or None; the factor as the file has it)
    changes: list[tuple[FactorValue | None, FactorValue]] = field(default_factory=list)
    # Published (locked) computed figures the changes move: restated with them when the
    # import is made as a restatement; on a dry run, what it would move.
    moves: list[PublishedMove] = field(default_factory=list)
    written: bool = False

    @property
    def refused(self) -> bool:
        return bool(self.problems)


@dataclass(frozen=True)
class _Cell:
    address: str  # sheet!cell
    value: Any


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _rows(path: Path) -> tuple[str, list[list[Any]]]:
    """The file's sheet name (a CSV file's name) and its rows of raw cell values."""
    if not path.is_file():
        raise NotFound("no such file", "没有这个文件", where=str(path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if path.stat().st_size > MAX_CSV_BYTES:
            raise FileRefused(f"is over {MAX_CSV_BYTES // 1_000_000} MB; a factor file is "
                              "small", f"超过 {MAX_CSV_BYTES // 1_000_000} MB；因子文件很小",
                              where=path.name, kind="too_large")
        try:
            text = path.read_bytes().decode("utf-8-sig")  # with or without a BOM
        except UnicodeDecodeError as exc:
            raise FileRefused(f"is not UTF-8 text ({exc.reason} at byte {exc.start}); save it "
                              "as CSV UTF-8", f"不是 UTF-8 文本（第 {exc.start} 字节）；请另存为 "
                              "CSV UTF-8", where=path.name, kind="not_utf8") from None
        try:
            return path.name, [list(row) for row in csv.reader(text.splitlines())]
        except csv.Error as exc:
            raise FileRefused(f"cannot be read as CSV ({exc})", f"无法作为 CSV 读取（{exc}）",
                              where=path.name, kind="unreadable") from None
    if suffix != ".xlsx":
        raise FileRefused("give a .xlsx workbook or a .csv file", "请提供 .xlsx 工作簿或 .csv 文件",
                          where=path.name, kind="file_type")
    book = open_workbook(path, read_only=True)
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise FileRefused(f"has over {MAX_ROWS:,} rows", f"超过 {MAX_ROWS:,} 行",
                                  where=path.name, kind="too_large")
            rows.append(list(row))
        return sheet.title, rows
    finally:
        book.close()


def known_factor_ids(store: Store, year: int) -> set[str]:
    """The ids a file may name: those of the shipped sets, those the year holds, those the
    year's formulas read, and any grid factor (grid.<province or region>)."""
    known = {f.id for s in factor_sets() for f in s.factors} | set(store.factors(year))
    chosen = chosen_names()  # read through a choice of the method, never stored
    for indicator in store.edition(year).indicators.values():
        if indicator.formula is not None:
            known.update(f for f in getattr(indicator.formula, "factors", ())
                         if f != "grid" and f not in chosen)
    return known


def read_factor_file(path: Path, known: set[str], set_id: str = "") -> FactorImport:
    """The factors of a file, each problem with its sheet!cell; nothing is written. An id
    outside `known` is a problem."""
    path = Path(path)
    sheet, rows = _rows(path)
    found = FactorImport(path, 0)

    def problem(address: str, code: str, en: str, zh: str, factor: str = "") -> None:
        found.problems.append(Problem.at(address, code, en, zh, factor))

    header_at = next((n for n, row in enumerate(rows) if any(_text(v) for v in row)), None)
    if header_at is None:
        problem(f"{sheet}!A1", HEADER, "the file is empty: the first row names the columns "
                f"({', '.join(COLUMNS)})", f"文件为空：第一行应为列名（{', '.join(COLUMNS)}）")
        return found
    columns: dict[str, int] = {}
    for index, raw in enumerate(rows[header_at]):
        name = _text(raw).lower().replace(" ", "_")
        name = "table" if name == "table_ref" else name
        if name in (*COLUMNS, *OPTIONAL):
            if name in columns:
                problem(_address(sheet, index, header_at), HEADER, f"column '{name}' is named "
                        "twice", f"列“{name}”重复")
            columns.setdefault(name, index)
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        problem(f"{sheet}!{_column_letter(0)}{header_at + 1}", HEADER,
                f"the header row has no column {', '.join(missing)}",
                f"表头缺少列：{', '.join(missing)}")
        return found
    first_row: dict[str, str] = {}
    for number in range(header_at + 1, len(rows)):
        row = rows[number]
        if not any(_text(v) for v in row):
            continue

        def cell(name: str, row: list[Any] = row, number: int = number) -> _Cell:
            index = columns[name]
            return _Cell(_address(sheet, index, number), row[index] if index < len(row)
                         else None)

        factor = _read_row(cell, "verified" in columns, set_id, found)
        if factor is None:
            continue
        where = cell("id").address
        if factor.id in first_row:
            problem(where, DUPLICATE_FACTOR, f"factor {factor.id} is given twice (first at "
                    f"{first_row[factor.id]})", f"因子 {factor.id} 重复（首次在 "
                    f"{first_row[factor.id]}）", factor.id)
            continue
        first_row[factor.id] = where
        malformed = [(en, zh) for name, en, zh in factor_problems(factor) if name == "id"]
        for en, zh in malformed:  # the other checks were made on the cells, above
            problem(where, UNKNOWN_FACTOR, en, zh, factor.id)
        if not malformed and factor.id not in known and not factor.id.startswith("grid."):
            problem(where, UNKNOWN_FACTOR, f"'{factor.id}' is no factor of the shipped sets, "
                    "the year or its formulas (a typo?)",
                    f"“{factor.id}”不是内置因子集、本年度或其公式中的因子（是否拼写有误？）",
                    factor.id)
        if factor.value is not None and not factor.source:
            problem(cell("source").address, NO_SOURCE, f"{factor.id} has a value but no "
                    "source: say where it was read",
                    f"{factor.id} 有数值但没有来源：请注明在何处读到", factor.id)
        found.factors.append(factor)
    return found


def _read_row(cell: Any, has_verified: bool, set_id: str,
              found: FactorImport) -> FactorValue | None:
    """One row as a factor (its problems added to `found`), or None when it has no id."""
    def problem(at: _Cell, code: str, en: str, zh: str, factor: str = "") -> None:
        found.problems.append(Problem.at(at.address, code, en, zh, factor))

    id_cell = cell("id")
    factor_id = _text(id_cell.value)
    if not factor_id:
        problem(id_cell, UNKNOWN_FACTOR, "the row has no factor id", "该行没有因子编号")
        return None
    texts: dict[str, str] = {}
    for name in ("unit", "gas", "region", "source", "table"):
        at = cell(name)
        texts[name] = _text(at.value)
        reason = text_problem(texts[name])
        if reason:
            problem(at, TEXT_REFUSED, f"{name} {reason}",
                    f"{name}：{text_problem(texts[name], 'zh')}", factor_id)
            texts[name] = ""
    value = _value(cell("value"), factor_id, found)
    data_year = _data_year(cell("data_year"), factor_id, found)
    verified = False
    if has_verified:
        at = cell("verified")
        raw = at.value
        if isinstance(raw, bool):
            verified = raw
        elif _text(raw).lower() in _YES:
            verified = True
        elif _text(raw).lower() not in _NO:
            problem(at, NOT_YES_NO, f"verified '{_text(raw)[:20]}' is not yes or no",
                    f"verified“{_text(raw)[:20]}”不是“是”或“否”", factor_id)
    return FactorValue(factor_id, value, texts["unit"], texts["gas"], texts["region"],
                       data_year, set_id, texts["source"], texts["table"], verified)


def _value(at: _Cell, factor_id: str, found: FactorImport) -> Decimal | None:
    raw = at.value

    def refuse(en: str, zh: str) -> None:
        found.problems.append(Problem.at(at.address, NOT_EXACT, f"{factor_id}: {en}",
                                         f"{factor_id}：{zh}", factor_id))

    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        refuse(f"the value is {raw}, not a number", f"数值为 {raw}，不是数字")
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            refuse("the value is not a finite number", "数值不是有限数")
            return None
        number = Decimal(repr(raw))
        found.notes.append(Problem.at(
            at.address, NUMBER_CELL, f"{factor_id}: an Excel number, read as {number}; type "
            "it as text to keep it exactly as printed (a trailing zero, say)",
            f"{factor_id}：Excel 数字单元格，读作 {number}；如需与原文完全一致（如末尾的 0），"
            "请以文本输入", factor_id))
        return number
    text = _text(raw)
    if text.startswith("="):
        refuse("a formula; type the value as printed", "是公式；请按原文输入数值")
        return None
    try:
        return exact_decimal(text)
    except ValueError as exc:
        refuse(str(exc), f"“{text[:40]}”不是普通的十进制数（如 0.5366）")
        return None


def _data_year(at: _Cell, factor_id: str, found: FactorImport) -> int | None:
    raw = at.value
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    year: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        year = raw
    elif isinstance(raw, float) and raw.is_integer():
        year = int(raw)
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        year = int(raw.strip())
    if year is None or not FIRST_DATA_YEAR <= year <= LAST_DATA_YEAR:
        found.problems.append(Problem.at(
            at.address, NOT_A_YEAR, f"{factor_id}: data_year '{_text(raw)[:20]}' is not a year",
            f"{factor_id}：data_year“{_text(raw)[:20]}”不是年份", factor_id))
        return None
    return year


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _address(sheet: str, column: int, row: int) -> str:
    return f"{sheet}!{_column_letter(column)}{row + 1}"


def import_factors(store: Store, year: int, path: Path, user: str,
                   dry_run: bool = False,
                   restatement: Restatement | None = None) -> FactorImport:
    """Read a factor file and, when it has no problem and this is no dry run, store its
    factors in the year: one audited transaction. With any problem nothing is written. A
    file that would move published (locked) computed figures is refused
    (PublishedWouldMove) unless imported as a restatement, which restates them with it."""
    path = Path(path)
    found = read_factor_file(path, known_factor_ids(store, year), set_id=path.name[:64])
    found.year = year
    if found.problems:
        return found
    held = store.factors(year)
    found.changes = [(held.get(f.id), f) for f in found.factors
                     if f.id not in held or not held[f.id].same_as(f)]
    if not found.changes:
        return found
    changing = {new.id: new for _old, new in found.changes}
    if dry_run:
        found.moves = factor_moves(store, year, changing.values())
        return found
    _stored, found.moves = change_factors(store, year, list(changing.values()), user,
                                          f"imported {path.name}", path.name, restatement)
    found.written = True
    return found
