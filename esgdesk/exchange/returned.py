"""Reading a returned request workbook, after Excel, LibreOffice or esgdesk saved it.

`read_returned` refuses what is not a plain workbook before any XML is parsed, checks
the metadata and every fixed cell, parses what was typed robustly, and records each
problem as a `Problem` with its code and sheet!cell. It writes nothing.
"""

from __future__ import annotations

import hashlib
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from esgdesk.errors import EsgdeskError, FileRefused, InvalidValue, NotFound, Problem
from esgdesk.exchange.book_reader import ReturnedBook, read_book
from esgdesk.exchange.metadata import (
    EDITION_SHEET,
    FIXED_KINDS,
    META_SHEET,
    CellSpec,
    fixed_text,
    read_checked_meta,
    read_edition,
)
from esgdesk.model.catalogue import Catalogue, Indicator
from esgdesk.model.states import VALUE, special_state
from esgdesk.model.types import ValueRefused, canonical, text_problem
from esgdesk.storage.health import require_safe_xml
from esgdesk.storage.store import parse_entry

# Limits for a returned workbook (see docs: "Returned workbooks").
MAX_MEMBERS = 200
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 200
MAX_PART = 10 * 1024 * 1024  # one sheet of a request is tens of kB; a million rows is not

# What a Problem's code says went wrong (callers branch on these, never on the wording).
METADATA_CHANGED = "metadata_changed"  # the metadata sheet's checksum does not match
SHEET_MISSING = "sheet_missing"  # a sheet of the request was renamed or deleted
CATALOGUE_VERSION = "catalogue_version"  # made for another version of the catalogue
LOCKED_CHANGED = "locked_changed"  # a label, a prior year or the structure was edited
FORMULA = "formula"  # a formula where a figure belongs
TEXT_REFUSED = "text_refused"  # a name or explanation no cell can hold
UNKNOWN_INDICATOR = "unknown_indicator"
NOT_A_STATE = "not_a_state"
INVALID_VALUE = "invalid_value"  # not a value of the indicator's type
# The workbook's structure is broken: it cannot be opened as a request, only refused.
STRUCTURE_BROKEN = (METADATA_CHANGED, SHEET_MISSING)


@dataclass(frozen=True)
class ReturnedFigure:
    """A figure typed into a returned workbook, parsed: its text as the store takes it (None
    when left empty or marked with a state), or the explicit state it was marked with, read
    once from whichever spelling the workbook holds."""

    address: str
    indicator: str
    year: int
    text: str | None
    note: str | None
    notice: str = ""  # how an ambiguous entry was read
    state: str = VALUE  # or a state's id (not_applicable, not_available)
    quality: str | None = None  # how it was obtained, when the file says (0012 on)
    method: str = ""  # an estimate's method
    # The text is the figure as its type parses it, as stored (a number that may be a
    # fraction of a percentage and is none as typed is read against last year on import).
    parsed: bool = False


@dataclass
class Returned:
    path: Path
    sha256: str
    meta: dict[str, str]
    cells: list[CellSpec] = field(default_factory=list)  # the metadata's cell map
    figures: list[ReturnedFigure] = field(default_factory=list)
    submitted_by: str = ""
    saved_at: str = ""
    problems: list[Problem] = field(default_factory=list)
    # The catalogue document the request was made from (None in a workbook made before
    # requests carried it).
    edition: dict[str, Any] | None = None

    def carried_catalogue(self) -> Catalogue:
        """The catalogue the workbook was made from, read for its year (the shipped
        template for a workbook that carries none)."""
        from esgdesk.model.catalogue import read_document
        from esgdesk.model.templates import template_document

        catalogue, problems = read_document(self.edition or template_document(), self.year)
        if problems:
            raise FileRefused("the catalogue it carries is broken: "
                              + "; ".join(p.message("en") for p in problems[:3]),
                              "其所带的指标目录有误："
                              + "；".join(p.message("zh") for p in problems[:3]),
                              where=self.path.name, kind="metadata_changed")
        return catalogue

    @property
    def request(self) -> str:
        return self.meta.get("request", "")

    @property
    def year(self) -> int:
        return int(self.meta.get("year", "0") or 0)

    @property
    def broken_structure(self) -> Problem | None:
        """The first problem that keeps the workbook from being opened as the request it
        was (its metadata changed, a sheet renamed or deleted), or None."""
        return next((p for p in self.problems if p.code in STRUCTURE_BROKEN), None)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _refuse(name: str, kind: str, en: str, zh: str) -> FileRefused:
    return FileRefused(en, zh, where=name, kind=kind)


def check_zip(path: Path) -> None:
    """Refuse what is not a plain workbook before any XML is parsed: not a zip, too many
    members, too large when expanded, compressed suspiciously well, or carrying macros."""
    name = path.name
    if path.suffix.lower() in (".xlsm", ".xltm", ".xlsb", ".xls"):
        raise _refuse(name, "macros", f"{path.suffix} files are refused; save it as .xlsx",
                      f"不接受 {path.suffix} 文件，请另存为 .xlsx")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError, EOFError, struct.error, …
        raise _refuse(name, "not_a_workbook", f"not an Excel workbook (.xlsx): {exc}",
                      f"不是 Excel 工作簿（.xlsx）：{exc}") from None
    if len(members) > MAX_MEMBERS:
        raise _refuse(name, "too_large", f"{len(members)} parts in the file; at most "
                      f"{MAX_MEMBERS}", f"文件有 {len(members)} 个部件，最多 {MAX_MEMBERS} 个")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise _refuse(name, "too_large", f"expands to {total // 1_000_000} MB; at most "
                      f"{MAX_UNCOMPRESSED // 1_000_000} MB",
                      f"解压后 {total // 1_000_000} MB，最多 {MAX_UNCOMPRESSED // 1_000_000} MB")
    for member in members:
        if member.file_size > MAX_PART:
            size, limit = member.file_size // 1_000_000, MAX_PART // 1_000_000
            raise _refuse(name, "too_large", f"{member.filename} expands to {size} MB; at "
                          f"most {limit} MB a part",
                          f"{member.filename} 解压后 {size} MB，每个部件最多 {limit} MB")
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO \
                and member.file_size > 1_000_000:
            ratio = member.file_size // member.compress_size
            raise _refuse(name, "zip_bomb", f"{member.filename} is compressed {ratio}:1, "
                          "like a zip bomb", f"{member.filename} 压缩比为 {ratio}:1，疑似压缩炸弹")
        if member.filename.lower().endswith("vbaproject.bin"):
            raise _refuse(name, "macros", "carries macros (vbaProject.bin); save it as .xlsx "
                          "without macros", "含有宏（vbaProject.bin），请另存为不含宏的 .xlsx")
    if "[Content_Types].xml" not in {m.filename for m in members}:
        raise _refuse(name, "not_a_workbook", "not an Excel workbook (no [Content_Types].xml)",
                      "不是 Excel 工作簿（缺少 [Content_Types].xml）")


def open_workbook(path: Path, read_only: bool = False) -> Any:
    """A workbook someone sends in, opened with openpyxl (formulas as written, no links, no
    macros) after check_zip and on defusedxml; FileRefused when it cannot be read."""
    from openpyxl import load_workbook

    check_zip(path)
    require_safe_xml()
    try:
        return load_workbook(path, read_only=read_only, data_only=False, keep_links=False,
                             keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _refuse(path.name, "unreadable", f"cannot be read as a workbook "
                      f"({type(exc).__name__}: {exc})",
                      f"无法作为工作簿读取（{type(exc).__name__}：{exc}）") from None


def load_request_workbook(path: Path) -> Any:
    """A request workbook opened with openpyxl (formulas as written, no links, no macros),
    after check_zip; refused when it cannot be read or esgdesk did not write it."""
    workbook = open_workbook(path)
    if META_SHEET not in workbook.sheetnames:
        raise _refuse(path.name, "not_a_request", f"not an esgdesk collection workbook (no "
                      f"{META_SHEET} sheet)", f"不是 esgdesk 数据收集工作簿（没有 {META_SHEET} "
                      "工作表）")
    return workbook


def read_request_book(path: Path) -> ReturnedBook:
    """A returned request workbook read once for an import (book_reader: values, formulas
    and number formats), after check_zip and defusedxml's guard; refused when it cannot be
    read or esgdesk did not write it."""
    check_zip(path)
    try:
        workbook = read_book(path, values_only=(META_SHEET, EDITION_SHEET),
                             shared=(EDITION_SHEET,))
    except FileRefused:
        raise
    except Exception as exc:  # calamine and the XML parser raise many kinds on a damaged file
        raise _refuse(path.name, "unreadable", f"cannot be read as a workbook "
                      f"({type(exc).__name__}: {exc})",
                      f"无法作为工作簿读取（{type(exc).__name__}：{exc}）") from None
    if META_SHEET not in workbook.sheetnames:
        raise _refuse(path.name, "not_a_request", f"not an esgdesk collection workbook (no "
                      f"{META_SHEET} sheet)", f"不是 esgdesk 数据收集工作簿（没有 {META_SHEET} "
                      "工作表）")
    return workbook


def read_returned(path: str | Path, editions: Callable[[int], Catalogue] | None) -> Returned:
    """Read a returned collection workbook against the catalogue of its year
    (`editions(year)`; None: the catalogue the workbook carries). Problems (each with its
    sheet!cell) are collected in `problems`; an unreadable file raises EsgdeskError."""
    path = Path(path)
    if not path.is_file():
        raise NotFound("no such file", "没有这个文件", where=str(path))
    workbook = read_request_book(path)
    sha = file_sha256(path)
    try:
        return _read_cells(path, sha, workbook, editions)
    except EsgdeskError:
        raise
    except Exception as exc:  # a workbook damaged in a way no check above foresaw
        raise _refuse(path.name, "unreadable", f"cannot be read as a collection workbook "
                      f"({type(exc).__name__}: {exc})",
                      f"无法作为数据收集工作簿读取（{type(exc).__name__}：{exc}）") from None


def _read_cells(path: Path, sha: str, workbook: ReturnedBook,
                editions: Callable[[int], Catalogue] | None) -> Returned:
    meta, cells, intact = read_checked_meta(workbook[META_SHEET], path.name)
    modified = workbook.modified
    returned = Returned(path, sha, meta, cells, saved_at=modified.isoformat(timespec="seconds")
                        if modified else "")
    problems = returned.problems
    if not intact:
        problems.append(Problem(METADATA_CHANGED, "the metadata sheet was changed (checksum "
                                "mismatch)", "元数据工作表被修改过（校验和不符）", META_SHEET))
        return returned
    returned.edition = read_edition(workbook, meta["catalogue"], path.name)
    catalogue = editions(returned.year) if editions else returned.carried_catalogue()
    if meta["catalogue"] != catalogue.content_hash:
        made, held = meta["catalogue"][:12], catalogue.content_hash[:12]
        problems.append(Problem(
            CATALOGUE_VERSION, f"made from another edition of the {returned.year} catalogue "
            f"({made}…); this database's {returned.year} edition is {held}…: send a new "
            "request", f"工作簿按 {returned.year} 年指标目录的另一版本（{made}…）生成，本数据库"
            f"的 {returned.year} 年版本为 {held}…；请重新发出数据请求", META_SHEET))
    values: dict[str, dict[str, Any]] = {}
    sheets = workbook.sheets
    # Each mapped cell's fields unpacked at once: a request maps a thousand cells.
    for title, address, kind, indicator, _year, expected in cells:
        sheet = sheets.get(title)
        if sheet is None:
            # Not located at the sheet: it is not in the file.
            problems.append(Problem(SHEET_MISSING, f"sheet '{title}' is missing (renamed "
                                    "or deleted)", f"工作表“{title}”不见了（被改名或删除）"))
            continue
        if kind in FIXED_KINDS:  # most of the map: only the content is compared
            content = sheet.content(address)
            if content.__class__ is str and content == expected:
                continue  # a label, most of them: as _same finds it, without the call
            if not _same(content, expected):
                found = fixed_text(content)
                problems.append(Problem(
                    LOCKED_CHANGED, f"locked content changed: expected '{expected}', "
                    f"found '{found}'", f"锁定内容被修改：应为“{expected}”，现为“{found}”",
                    title, address, indicator))
            continue
        cell = sheet[address]
        if cell.data_type == "f" or (isinstance(cell.value, str)
                                     and cell.value.startswith("=")
                                     and kind == "value"):
            formula = str(cell.value)[:40]
            problems.append(Problem(
                FORMULA, f"a formula ({formula}) where a figure belongs; type the number",
                f"此处应填写数字，而不是公式（{formula}）", title, address, indicator))
            continue
        if kind in ("submitted_by", "submitted_at"):
            if kind == "submitted_by":
                returned.submitted_by = _text(cell.value)
                problem = text_problem(returned.submitted_by)
                if problem:
                    problems.append(Problem(
                        TEXT_REFUSED, f"the name {problem}", "填报人姓名无法接受："
                        f"{text_problem(returned.submitted_by, 'zh')}", title, address))
            continue
        values.setdefault(indicator, {})[kind] = (f"{title}!{address}", cell, expected)
    for indicator_id, parts in values.items():
        figure = _figure(catalogue, indicator_id, returned.year, meta.get("lang", ""), parts,
                         problems)
        if figure is not None:
            returned.figures.append(figure)
    return returned


def _same(value: Any, expected: str) -> bool:
    if value.__class__ is str and value == expected:  # a label, most of them
        return True
    found = fixed_text(value)
    if found == expected:
        return True
    try:  # 1226 written, 1226.0 read back (or the other way round)
        return Decimal(found) == Decimal(expected)
    except (InvalidOperation, ValueError):
        return False


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return fixed_text(value).strip()


def _figure(catalogue: Catalogue, indicator_id: str, year: int, lang: str,
            parts: dict[str, Any], problems: list[Problem]) -> ReturnedFigure | None:
    spec = catalogue.indicators.get(indicator_id)
    if spec is None:
        problems.append(Problem(UNKNOWN_INDICATOR,
                                f"{indicator_id}: not in this database's catalogue",
                                f"{indicator_id}：不在本数据库的指标目录中",
                                indicator=indicator_id))
        return None
    note_cell = parts.get("note")
    note = _text(note_cell[1].value) if note_cell else ""
    problem = text_problem(note)
    if problem:
        problems.append(Problem.at(note_cell[0], TEXT_REFUSED, f"the explanation {problem}",
                                   f"说明无法接受：{text_problem(note, 'zh')}", indicator_id))
        return None
    state_cell = parts.get("state")
    state_text = _text(state_cell[1].value) if state_cell else ""
    where, cell, held = parts.get("value", ("?", None, ""))
    notice = ""
    state = special_state(state_text) if state_text else None
    if state_text and state is None:
        problems.append(Problem.at(
            state_cell[0], NOT_A_STATE, f"'{state_text}' is not a state (不适用 n/a or "
            "暂无 not available)", f"“{state_text}”不是可选的状态（不适用 n/a 或 暂无 "
            "not available）", indicator_id))
    if state is None and cell is not None and isinstance(cell.value, str):
        state = special_state(cell.value.strip())  # a state typed where the figure goes
        if state is not None and state_text:
            return None  # beside a state cell that holds no state: refused above
    text: str | None = None
    parsed = False
    if state is None:
        unit_cell = parts.get("unit")
        unit = _text(unit_cell[1].value) if unit_cell else ""
        try:
            text, notice, parsed = _typed(spec, cell, lang, held, unit or None)
        except InvalidValue as exc:
            problems.append(refused_value(where, spec, exc.text, exc.reason, exc.reason_zh))
            return None
        if state_text:  # not a state: refused above, the figure's cell checked as well
            return None
    obtained = _obtained(parts, indicator_id, problems)
    if obtained is False:
        return None
    quality, method = obtained or (None, "")
    if text is None and state is None and not note:
        return ReturnedFigure(where, indicator_id, year, None, None, quality=quality,
                              method=method)
    return ReturnedFigure(where, indicator_id, year, text, note, notice, state or VALUE,
                          quality, method, parsed)


def _obtained(parts: dict[str, Any], indicator_id: str,
              problems: list[Problem]) -> tuple[str, str] | bool | None:
    """How the file says a figure was obtained (quality, method); None when it says
    nothing, False when what it says is refused (its problem added)."""
    from esgdesk.model.evidence import QUALITIES, quality_problem

    quality_cell, method_cell = parts.get("quality"), parts.get("method")
    said = _text(quality_cell[1].value) if quality_cell else ""
    method = _text(method_cell[1].value) if method_cell else ""
    if not said and not method:
        return None
    quality = next((q for q, words in QUALITIES.items()
                    if said.lower() in (q, *(w.lower() for w in words))), said)
    code = quality_problem(quality, method)
    if code is not None:
        at = method_cell if code.id == "method_without_estimate" and method_cell \
            else quality_cell or method_cell
        found = code(quality=said)
        problems.append(Problem.at(at[0] if at else "", code.id, found.en, found.zh,
                                   indicator_id))
        return False
    problem = text_problem(method)
    if problem and method_cell:
        problems.append(Problem.at(method_cell[0], TEXT_REFUSED, f"the method {problem}",
                                   f"方法说明无法接受：{text_problem(method, 'zh')}",
                                   indicator_id))
        return False
    return quality, method


def refused_value(address: str, spec: Indicator, typed: str, en: str, zh: str) -> Problem:
    """A figure refused at its sheet!cell, named by its label (a coordinator forwards it to
    the contributor, who knows no ids), with what was typed and what is wanted."""
    return Problem.at(address, INVALID_VALUE,
                      f"{spec.label.en}: '{typed}' refused: {en}",
                      f"{spec.label.zh}：“{typed}”不能接受：{zh}", spec.id)


def _typed(spec: Indicator, cell: Any, lang: str, held: str,
           unit: str | None = None) -> tuple[str | None, str, bool]:
    """A cell's content as the stored text of the indicator, a notice when it was read in
    a way worth saying (a fraction read as a percentage), and whether the text is as its
    type parses it. Text is read as typed in the workbook's language: a bilingual text keeps
    its other language from `held`."""
    if cell is None or cell.value is None or (isinstance(cell.value, str)
                                               and not cell.value.strip()):
        return None, "", False
    value = cell.value
    notice = ""
    if isinstance(value, bool):
        typed = "yes" if value else "no"
    elif isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidValue(spec.id, str(value), "not a finite number", "不是有限的数")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        number, reread = spec.type.cell_number(number, cell.number_format)
        if reread:
            notice = f"{cell.parent.title}!{cell.coordinate}: {value} formatted as a " \
                     f"percentage, read as {canonical(number)}"
        typed = canonical(number)
        if spec.type.may_be_fraction(number) and not reread:
            try:
                return spec.type.parse(typed), notice, True
            except ValueRefused:  # 0.8512 for 85.12 %: read against last year on import
                return typed, notice, False
    elif isinstance(value, datetime):
        raise InvalidValue(spec.id, str(value), "a date where a figure belongs",
                           "此处应填写数字，而不是日期")
    else:
        # As typed: a text keeps its characters (a full-width "，" stays); the types fold
        # the width of what they read as a number or a unit (a state is read by _figure).
        typed = str(value).strip()
    if spec.derived:
        return parse_entry(spec, typed).value, notice, False  # refused: computed
    try:
        if unit:  # a quantity typed in the unit the row's unit cell names (MWh for kWh)
            typed = spec.type.with_unit(typed, unit)
            notice = notice or f"{cell.parent.title}!{cell.coordinate}: {typed}"
        return spec.type.parse_in(typed, lang, held or None), notice, True
    except ValueRefused as exc:
        raise InvalidValue(spec.id, typed, exc.en, exc.zh) from None
