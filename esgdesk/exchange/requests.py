"""Collection workbooks: a department's tables for one entity and year, to fill in offline.

`write_request` renders the department's tables from the catalogue, laid out as the
forms are (esgdesk/forms.py): the two prior years filled in and locked, the reporting
year's input cells unlocked with Excel data validation and an input message giving
unit and precision, a state and an explanation column, last year's explanation beside
it, labels and structure protected, instructions in zh and en, and a hidden,
protected metadata sheet naming the request and mapping every cell to its figure,
with a checksum over the fixed content.

`read_returned` reads such a workbook back, after Excel, LibreOffice or esgdesk
saved it: it checks the metadata and every fixed cell, parses what was typed
robustly, and reports each problem with its sheet!cell address. It writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from esgdesk import __version__
from esgdesk.errors import EsgdeskError, InvalidValue
from esgdesk.exchange.export import (
    fit_a4,
    house_styles,
    number_format,
    save_atomically,
    set_value,
    sheet_name,
)
from esgdesk.model.catalogue import Catalogue, Indicator, Table
from esgdesk.model.layout import FormGrid
from esgdesk.model.states import special_state
from esgdesk.model.types import LARGEST, canonical, text_problem
from esgdesk.rules.figures import FigureBook, rounded
from esgdesk.storage.health import require_safe_xml
from esgdesk.storage.store import STATE_TEXT, RequestInfo, Store, parse_value

META_SHEET = "_esgdesk"
META_KEYS = ("format", "request", "entity", "entity_zh", "entity_en", "year", "department",
             "catalogue", "lang", "made_at", "made_by", "due", "assignee")
FIXED_KINDS = ("fixed", "prior", "last_note")
CELL_COLUMNS = ("sheet", "cell", "kind", "indicator", "year", "expected")
FORMAT = "esgdesk-request-1"
STATE_CHOICES = {"zh": ("不适用", "暂无"), "en": ("n/a", "not available")}
WORDS = {
    "instructions": ("填报说明", "Instructions"), "state": ("状态", "State"),
    "note": ("说明", "Explanation"), "last_note": ("上年说明", "Last year's explanation"),
    "unit": ("单位", "Unit"), "submitted_by": ("填报人", "Submitted by"),
    "submitted_at": ("填报日期", "Date"), "computed": ("由 esgdesk 计算", "computed by esgdesk"),
}
INSTRUCTIONS = [
    ("本工作簿收集以下主体、年度和部门的 ESG 数据。", "This workbook collects the ESG figures "
     "of the entity, year and department below."),
    ("只在白色单元格中填写本年度数据；灰色单元格为往年数据或标签，已锁定。", "Type only into the "
     "white cells of the reporting year; grey cells hold prior years and labels and are "
     "locked."),
    ("不适用或暂无数据时，在“状态”列中选择，并在“说明”列中说明原因。", "Where a figure does not "
     "apply or is not available, choose so in the State column and say why under "
     "Explanation."),
    ("与上年相比变化较大的数据，请在“说明”列中解释；上年的解释显示在旁边。", "Explain a large "
     "change from last year under Explanation; last year's explanation is shown beside it."),
    ("填写下方的填报人姓名，保存后将文件发回。请勿修改工作表名称、行或标签。", "Fill in your name "
     "below, save the file and send it back. Do not rename sheets or move rows or labels."),
]
# Limits for a returned workbook (see docs: "Returned workbooks").
MAX_MEMBERS = 200
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 200
MAX_PART = 10 * 1024 * 1024  # one sheet of a request is tens of kB; a million rows is not


def _word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class CellSpec:
    """One mapped cell: an input of the reporting year, or fixed content to keep."""

    sheet: str
    cell: str
    kind: str  # inputs: value | state | note | submitted_by | submitted_at;
    # locked content: fixed | prior (a prior year's figure) | last_note (its explanation)
    indicator: str
    year: int
    expected: str  # fixed cells: their content as written

    def row(self) -> list[Any]:
        return [self.sheet, self.cell, self.kind, self.indicator, self.year, self.expected]


def checksum(meta: dict[str, str], cells: Iterable[CellSpec]) -> str:
    body = json.dumps([[meta[k] for k in META_KEYS], [c.row() for c in cells]],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def collected_in(catalogue: Catalogue, table: Table, indicator: str, department: str) -> bool:
    """True where a request collects a figure: a typed indicator of the department, in its
    home table (a figure printed in two tables is typed once)."""
    spec = catalogue.indicators[indicator]
    return (not spec.derived and spec.owner == department
            and catalogue.home_table(indicator).id == table.id)


def request_tables(catalogue: Catalogue, department: str) -> list[Table]:
    """The tables a department's request holds: those where it types a figure."""
    return [t for t in catalogue.department_tables(department)
            if any(collected_in(catalogue, t, i, department) for i in t.indicators())]


def _fixed_text(value: Any) -> str:
    if isinstance(value, float):
        return canonical(Decimal(repr(value)))
    return "" if value is None else str(value)


class RequestWriter:
    def __init__(self, store: Store, request: RequestInfo, lang: str, user: str) -> None:
        from openpyxl import Workbook

        self.store = store
        self.catalogue = store.catalogue
        self.request = request
        self.lang = lang
        self.user = user
        self.years = (request.year - 2, request.year - 1, request.year)
        self.book = FigureBook(self.catalogue,
                               store.figures_of([request.entity], (*self.years[:2],
                                                                    request.year)))
        self.last_notes = FigureBook(self.catalogue, store.figures_of([request.entity],
                                                                      [request.year - 1]))
        self.workbook = Workbook()
        self.cells: list[CellSpec] = []
        self.taken: set[str] = set()
        self.validations: dict[str, Any] = {}
        self._styles()

    def _styles(self) -> None:
        house_styles(self)
        self.locked_fill = self.group_fill

    def put(self, sheet: Any, row: int, column: int, value: Any, fixed: bool = True,
            **style: Any) -> Any:
        cell = set_value(sheet.cell(row=row, column=column), value)
        for key, setting in style.items():
            setattr(cell, key, setting)
        if fixed and value is not None:
            self.cells.append(CellSpec(sheet.title, cell.coordinate, "fixed", "", 0,
                                       _fixed_text(value)))
        return cell

    def _input(self, sheet: Any, row: int, column: int, kind: str, indicator: str,
               value: Any = None) -> Any:
        cell = self.put(sheet, row, column, value, fixed=False, protection=self.open,
                        border=self.border)
        self.cells.append(CellSpec(sheet.title, cell.coordinate, kind, indicator,
                                   self.request.year, ""))
        return cell

    def _carried(self, sheet: Any, cell: Any, kind: str, indicator: str, year: int,
                 value: Any) -> None:
        """A locked cell carrying a prior figure or last year's explanation: checked on
        import like any fixed content, and read when the request is opened offline."""
        if value is not None and not self.catalogue.indicators[indicator].derived:
            self.cells.append(CellSpec(sheet.title, cell.coordinate, kind, indicator, year,
                                       _fixed_text(value)))
        elif value is not None:
            self.cells.append(CellSpec(sheet.title, cell.coordinate, "fixed", "", 0,
                                       _fixed_text(value)))

    def write(self, out: Path) -> Path:
        from openpyxl.workbook.protection import WorkbookProtection

        self._instructions(self.workbook.active)
        chapters: dict[str, list[Table]] = {}
        for table in request_tables(self.catalogue, self.request.department):
            chapters.setdefault(table.chapter, []).append(table)
        for chapter in self.catalogue.chapters:
            if chapter.id in chapters:
                self._chapter_sheet(chapter.number, chapter.title(self.lang),
                                    chapters[chapter.id])
        self._metadata()
        self.workbook.security = WorkbookProtection(lockStructure=True)
        return save_atomically(self.workbook, out)

    def _instructions(self, sheet: Any) -> None:
        lang, request = self.lang, self.request
        sheet.title = sheet_name(_word("instructions", lang), self.taken)
        entity = self.store.entity(request.entity)
        self.put(sheet, 1, 1, f"{self.catalogue.report('zh')} · {self.catalogue.report('en')}",
                 font=self.title_font)
        row = 3
        for zh, en in INSTRUCTIONS:
            self.put(sheet, row, 1, zh, alignment=self.wrap)
            self.put(sheet, row, 2, en, alignment=self.wrap)
            sheet.row_dimensions[row].height = 32  # two wrapped lines
            row += 1
        department = self.catalogue.departments[request.department]
        facts = [("主体 Entity", f"{entity.name_zh} · {entity.name_en}"),
                 ("年度 Year", request.year),
                 ("部门 Department", f"{department.zh} · {department.en}"),
                 ("截止日期 Due", request.due or "—"),
                 ("负责人 Assignee", request.assignee or "—")]
        row += 1
        for label, value in facts:
            self.put(sheet, row, 1, label, font=self.bold)
            self.put(sheet, row, 2, value, alignment=self.Alignment(horizontal="left"))
            row += 1
        row += 1
        for kind in ("submitted_by", "submitted_at"):
            zh, en = WORDS[kind]
            self.put(sheet, row, 1, f"{zh} {en}", font=self.bold)
            self._input(sheet, row, 2, kind, "")
            row += 1
        sheet.column_dimensions["A"].width = 60
        sheet.column_dimensions["B"].width = 70
        fit_a4(sheet, landscape=True)
        sheet.protection.sheet = True

    def _chapter_sheet(self, number: str, title: str, tables: list[Table]) -> None:
        from openpyxl.utils import get_column_letter

        sheet = self.workbook.create_sheet(sheet_name(f"{number} {title}".strip(), self.taken))
        self.put(sheet, 1, 1, f"{number} {title}".strip(), font=self.title_font)
        row, widest = 3, 3
        for table in tables:
            row, width = self._table(sheet, table, row)
            widest = max(widest, width)
            row += 2
        sheet.column_dimensions["A"].width = 46
        sheet.column_dimensions["B"].width = 12
        for column in range(3, widest + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 15
        for column in range(widest - 2, widest + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 30
        sheet.freeze_panes = "B3"
        sheet.print_title_rows = "1:1"
        fit_a4(sheet, landscape=True)
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False  # widths may be changed
        for validation in self.validations.values():
            if validation.sqref:
                sheet.add_data_validation(validation)
        self.validations = {}

    def _table(self, sheet: Any, table: Table, row: int) -> tuple[int, int]:
        lang = self.lang
        grid = FormGrid(self.catalogue, table, self.request.entity, self.request.year)
        self.put(sheet, row, 1, table.title(lang), font=self.bold)
        row += 1
        headers = [c.title(lang) for c in grid.columns]
        extra = [_word(k, lang) for k in ("state", "note", "last_note")]
        for column, text in enumerate([*headers, *extra], start=1):
            self.put(sheet, row, column, text, font=self.bold, fill=self.header_fill,
                     border=self.border, alignment=self.Alignment(horizontal="center",
                                                                  wrap_text=True))
        row += 1
        first_extra = len(headers) + 1
        for index, item in enumerate(grid.rows):
            label = grid.row_label(index, lang)
            if item.kind == "group":
                self.put(sheet, row, 1, label, font=self.bold, fill=self.locked_fill,
                         border=self.border)
                row += 1
                continue
            self.put(sheet, row, 1, label, fill=self.locked_fill, border=self.border,
                     alignment=self.Alignment(indent=item.indent * 2))
            if table.unit_column:
                self.put(sheet, row, 2, grid.row_unit(index, lang), fill=self.locked_fill,
                         border=self.border)
            inputs = []
            for column in range(len(grid.columns)):
                ref = grid.figure(index, column)
                if ref is None:
                    continue
                spec = self.catalogue.indicators[ref.indicator]
                if ref.year == self.request.year and collected_in(
                        self.catalogue, table, spec.id, self.request.department):
                    cell = self._input(sheet, row, column + 1, "value", spec.id,
                                       self._current(spec))
                    self._validate(cell, spec)
                    inputs.append(spec)
                else:
                    value = self._shown(spec, ref.year)
                    cell = self.put(sheet, row, column + 1, value, fixed=False,
                                    fill=self.locked_fill, border=self.border)
                    if spec.type.numeric:
                        cell.number_format = number_format(spec)
                    self._carried(sheet, cell, "prior", spec.id, ref.year, value)
            if len(inputs) == 1:  # one figure a row: its state, explanation, last year's
                spec = inputs[0]
                stored = self.book.stored(self.request.entity, spec.id, self.request.year)
                state = STATE_TEXT.get(stored.state) if stored else None
                cell = self._input(sheet, row, first_extra, "state", spec.id,
                                   self._state_word(state))
                self._state_list(cell)
                self._input(sheet, row, first_extra + 1, "note", spec.id,
                            stored.note if stored and stored.note else None)
                last = self.last_notes.stored(self.request.entity, spec.id,
                                              self.request.year - 1)
                cell = self.put(sheet, row, first_extra + 2, last.note if last else None,
                                fixed=False, fill=self.locked_fill, border=self.border,
                                alignment=self.wrap)
                self._carried(sheet, cell, "last_note", spec.id, self.request.year - 1,
                              last.note if last else None)
            row += 1
        return row, first_extra + 2

    def _state_word(self, state: str | None) -> str | None:
        if state is None:
            return None
        words = STATE_CHOICES[self.lang]
        return words[0] if state == "n/a" else words[1]

    def _current(self, spec: Indicator) -> Any:
        """What the database holds already for the reporting year (pre-filled)."""
        stored = self.book.stored(self.request.entity, spec.id, self.request.year)
        if stored is None or stored.value is None:
            return None
        return _cell_value(spec, stored.value)

    def _shown(self, spec: Indicator, year: int) -> Any:
        if spec.type.numeric:
            number = self.book.number(self.request.entity, spec.id, year)
            if number is None:
                return None
            return _cell_value(spec, canonical(rounded(spec, number)))
        stored = self.book.stored(self.request.entity, spec.id, year)
        return spec.type.format(stored.value) if stored and stored.value else None

    def _validate(self, cell: Any, spec: Indicator) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        kind = spec.type.name
        low, high = self.catalogue.bounds(spec) if spec.type.numeric else (None, None)
        key = f"{kind}:{spec.type.precision}:{spec.unit.zh}:{low}:{high}"
        if key not in self.validations:
            unit = spec.unit(self.lang) or "—"
            places = spec.type.precision if kind != "count" else 0
            if spec.type.numeric:  # the range the validator checks, from the catalogue
                top = high if high is not None else LARGEST - 1
                dv = DataValidation(type="whole" if kind == "count" else "decimal",
                                    operator="between", formula1=canonical(low),
                                    formula2=canonical(top))
                span = f"{canonical(low)}–{canonical(high)}" if high is not None \
                    else f"≥ {canonical(low)}"
                rule = (f"整数，{span} · whole number, {span}" if kind == "count" else
                        f"{span}，{places} 位小数 · {span}, {places} decimals")
            elif kind == "yesno":
                dv = DataValidation(type="list", formula1='"是,否,yes,no"')
                rule = "是 / 否 · yes / no"
            else:
                dv = DataValidation(type="textLength", operator="lessThanOrEqual",
                                    formula1="32767")
                rule = "文字 · text"
            dv.promptTitle = unit[:32]
            dv.prompt = f"{_word('unit', self.lang)}: {unit}\n{rule}"[:255]
            dv.showInputMessage = True
            dv.errorTitle = "esgdesk"
            dv.error = rule[:255]
            dv.showErrorMessage = True
            dv.allow_blank = True
            self.validations[key] = dv
        self.validations[key].add(cell)

    def _state_list(self, cell: Any) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        if "state" not in self.validations:
            words = ",".join(STATE_CHOICES[self.lang])
            dv = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True)
            dv.promptTitle = _word("state", self.lang)
            dv.prompt = "不适用 = n/a · 暂无 = not available"
            dv.showInputMessage = True
            self.validations["state"] = dv
        self.validations["state"].add(cell)

    def _metadata(self) -> None:
        request, entity = self.request, self.store.entity(self.request.entity)
        meta = {"format": FORMAT, "request": request.id, "entity": request.entity,
                "entity_zh": entity.name_zh, "entity_en": entity.name_en,
                "year": str(request.year), "department": request.department,
                "catalogue": self.catalogue.version, "lang": self.lang,
                "made_at": datetime.now().isoformat(timespec="seconds"),
                "made_by": f"{self.user} · esgdesk {__version__}", "due": request.due,
                "assignee": request.assignee}
        sheet = self.workbook.create_sheet(META_SHEET)
        row = 1
        for key in META_KEYS:
            self.put(sheet, row, 1, key, fixed=False)
            self.put(sheet, row, 2, meta[key], fixed=False)
            row += 1
        self.put(sheet, row, 1, "checksum", fixed=False)
        self.put(sheet, row, 2, checksum(meta, self.cells), fixed=False)
        row += 2
        for column, name in enumerate(CELL_COLUMNS, start=1):
            self.put(sheet, row, column, name, fixed=False)
        for spec in self.cells:
            row += 1
            for column, value in enumerate(spec.row(), start=1):
                self.put(sheet, row, column, value, fixed=False)
        sheet.sheet_state = "veryHidden"
        sheet.protection.sheet = True


def _cell_value(spec: Indicator, stored: str) -> Any:
    if spec.type.name == "count":
        return int(Decimal(stored))
    if spec.type.numeric:
        return float(Decimal(stored))
    if spec.type.name == "yesno":
        return "是" if stored == "yes" else "否"
    return stored


def write_request(store: Store, entity: str, year: int, department: str, out: str | Path,
                  user: str, lang: str = "zh", assignee: str | None = None,
                  due: str | None = None) -> Path:
    """The collection workbook of a department's tables for an entity and year (the request
    is recorded in the database, or re-used if it exists)."""
    existing = store.request_for(entity, year, department)
    request = store.assign(entity, year, department,
                           assignee if assignee is not None else (existing.assignee
                                                                  if existing else ""),
                           due if due is not None else (existing.due if existing else ""), user)
    return RequestWriter(store, request, lang, user).write(Path(out))


def write_requests(store: Store, year: int, entities: list[str], departments: list[str],
                   folder: Path, user: str, lang: str = "zh", assignee: str | None = None,
                   due: str | None = None, progress: Callable[[int, int, str], bool] | None
                   = None) -> list[Path]:
    """One workbook per entity and department (departments with nothing to collect are
    left out), named `<year>-<entity>-<department>.xlsx`; stops when progress says so."""
    folder = Path(folder)
    if not folder.is_dir():
        raise EsgdeskError(f"{folder}: choose an existing folder for the workbooks")
    if not entities or not departments:
        raise EsgdeskError("choose at least one entity and one department")
    wanted = [d for d in departments if request_tables(store.catalogue, d)]
    jobs = [(e, d) for e in entities for d in wanted]
    written = []
    for done, (entity, department) in enumerate(jobs, start=1):
        out = folder / f"{year}-{entity}-{department}.xlsx"
        written.append(write_request(store, entity, year, department, out, user, lang,
                                     assignee, due))
        if progress is not None and progress(done, len(jobs), out.name) is False:
            break
    return written


# -- reading a returned workbook -------------------------------------------------------

@dataclass(frozen=True)
class ReturnedFigure:
    """A figure typed into a returned workbook, parsed: text as the store takes it
    ("n/a" and "not available" for the states), or None when left empty."""

    address: str
    indicator: str
    year: int
    text: str | None
    note: str | None
    notice: str = ""  # how an ambiguous entry was read


@dataclass
class Returned:
    path: Path
    sha256: str
    meta: dict[str, str]
    figures: list[ReturnedFigure] = field(default_factory=list)
    submitted_by: str = ""
    saved_at: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def request(self) -> str:
        return self.meta.get("request", "")

    @property
    def year(self) -> int:
        return int(self.meta.get("year", "0") or 0)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_zip(path: Path) -> None:
    """Refuse what is not a plain workbook before any XML is parsed: not a zip, too many
    members, too large when expanded, compressed suspiciously well, or carrying macros."""
    name = path.name
    if path.suffix.lower() in (".xlsm", ".xltm", ".xlsb", ".xls"):
        raise EsgdeskError(f"{name}: {path.suffix} files are refused; save it as .xlsx")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError, EOFError, struct.error, …
        raise EsgdeskError(f"{name}: not an Excel workbook (.xlsx): {exc}") from None
    if len(members) > MAX_MEMBERS:
        raise EsgdeskError(f"{name}: {len(members)} parts in the file; at most {MAX_MEMBERS}")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise EsgdeskError(f"{name}: expands to {total // 1_000_000} MB; at most "
                           f"{MAX_UNCOMPRESSED // 1_000_000} MB")
    for member in members:
        if member.file_size > MAX_PART:
            raise EsgdeskError(f"{name}: {member.filename} expands to "
                               f"{member.file_size // 1_000_000} MB; at most "
                               f"{MAX_PART // 1_000_000} MB a part")
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO \
                and member.file_size > 1_000_000:
            ratio = member.file_size // member.compress_size
            raise EsgdeskError(f"{name}: {member.filename} is compressed {ratio}:1, "
                               "like a zip bomb")
        if member.filename.lower().endswith("vbaproject.bin"):
            raise EsgdeskError(f"{name}: carries macros (vbaProject.bin); save it as .xlsx "
                               "without macros")
    if "[Content_Types].xml" not in {m.filename for m in members}:
        raise EsgdeskError(f"{name}: not an Excel workbook (no [Content_Types].xml)")


def read_returned(path: str | Path, catalogue: Catalogue) -> Returned:
    """Read a returned collection workbook. Problems (each with its sheet!cell) are
    collected in `problems`; an unreadable file raises EsgdeskError."""
    from openpyxl import load_workbook

    path = Path(path)
    if not path.is_file():
        raise EsgdeskError(f"{path}: no such file")
    check_zip(path)
    require_safe_xml()
    sha = file_sha256(path)
    try:
        workbook = load_workbook(path, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise EsgdeskError(f"{path.name}: cannot be read as a workbook ({type(exc).__name__}: "
                           f"{exc})") from None
    if META_SHEET not in workbook.sheetnames:
        raise EsgdeskError(f"{path.name}: not an esgdesk collection workbook (no "
                           f"{META_SHEET} sheet)")
    try:
        return _read_cells(path, sha, workbook, catalogue)
    except EsgdeskError:
        raise
    except Exception as exc:  # a workbook damaged in a way no check above foresaw
        raise EsgdeskError(f"{path.name}: cannot be read as a collection workbook "
                           f"({type(exc).__name__}: {exc})") from None


def _read_cells(path: Path, sha: str, workbook: Any, catalogue: Catalogue) -> Returned:
    meta, cells = _read_meta(workbook[META_SHEET], path.name)
    modified = workbook.properties.modified
    returned = Returned(path, sha, meta, saved_at=modified.isoformat(timespec="seconds")
                        if modified else "")
    problems = returned.problems
    if checksum(meta, cells) != meta.get("checksum"):
        problems.append(f"{META_SHEET}: the metadata sheet was changed (checksum mismatch)")
        return returned
    if meta["catalogue"] != catalogue.version:
        problems.append(f"made for catalogue {meta['catalogue']}, this database uses "
                        f"{catalogue.version}; send a new request")
    values: dict[str, dict[str, Any]] = {}
    for spec in cells:
        if spec.sheet not in workbook.sheetnames:
            problems.append(f"sheet '{spec.sheet}' is missing (renamed or deleted)")
            continue
        cell = workbook[spec.sheet][spec.cell]
        where = f"{spec.sheet}!{spec.cell}"
        if spec.kind in FIXED_KINDS:
            if not _same(cell.value, spec.expected):
                problems.append(f"{where}: locked content changed: expected "
                                f"'{spec.expected}', found '{_fixed_text(cell.value)}'")
            continue
        if cell.data_type == "f" or (isinstance(cell.value, str)
                                     and cell.value.startswith("=")
                                     and spec.kind == "value"):
            problems.append(f"{where}: a formula ({str(cell.value)[:40]}) where a figure "
                            "belongs; type the number")
            continue
        if spec.kind in ("submitted_by", "submitted_at"):
            if spec.kind == "submitted_by":
                returned.submitted_by = _text(cell.value)
                problem = text_problem(returned.submitted_by)
                if problem:
                    problems.append(f"{where}: the name {problem}")
            continue
        values.setdefault(spec.indicator, {})[spec.kind] = (where, cell)
    for indicator_id, parts in values.items():
        figure = _figure(catalogue, indicator_id, returned.year, parts, problems)
        if figure is not None:
            returned.figures.append(figure)
    return returned


def _read_meta(sheet: Any, name: str) -> tuple[dict[str, str], list[CellSpec]]:
    rows = list(sheet.iter_rows(values_only=True))
    meta: dict[str, str] = {}
    index = 0
    while index < len(rows) and rows[index] and rows[index][0] not in (None, ""):
        key, value = rows[index][0], rows[index][1] if len(rows[index]) > 1 else None
        meta[str(key)] = _fixed_text(value)
        index += 1
    if meta.get("format") != FORMAT or any(k not in meta for k in (*META_KEYS, "checksum")):
        raise EsgdeskError(f"{name}: the metadata sheet is not one esgdesk wrote")
    cells = []
    for row in rows[index + 2:]:
        if not row or row[0] in (None, ""):
            continue
        sheet_title, address, kind, indicator, year, expected = (list(row) + [None] * 6)[:6]
        cells.append(CellSpec(str(sheet_title), str(address), str(kind),
                              _fixed_text(indicator), int(Decimal(_fixed_text(year) or "0")),
                              _fixed_text(expected)))
    return meta, cells


def _same(value: Any, expected: str) -> bool:
    found = _fixed_text(value)
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
    return _fixed_text(value).strip()


def _figure(catalogue: Catalogue, indicator_id: str, year: int, parts: dict[str, Any],
            problems: list[str]) -> ReturnedFigure | None:
    spec = catalogue.indicators.get(indicator_id)
    if spec is None:
        problems.append(f"{indicator_id}: not in this database's catalogue")
        return None
    note_cell = parts.get("note")
    note = _text(note_cell[1].value) if note_cell else ""
    problem = text_problem(note)
    if problem:
        problems.append(f"{note_cell[0]}: the explanation {problem}")
        return None
    state_cell = parts.get("state")
    state_text = _text(state_cell[1].value) if state_cell else ""
    where, cell = parts.get("value", ("?", None))
    notice = ""
    if state_text:
        state = special_state(state_text)
        if state is None:
            problems.append(f"{state_cell[0]}: '{state_text}' is not a state (不适用 n/a or "
                            "暂无 not available)")
            return None
        text: str | None = STATE_TEXT[state]
    else:
        try:
            text, notice = _typed(spec, cell)
        except InvalidValue as exc:
            problems.append(f"{where}: {exc.message()}")
            return None
    if text is None and not note:
        return ReturnedFigure(where, indicator_id, year, None, None)
    return ReturnedFigure(where, indicator_id, year, text, note, notice)


def _typed(spec: Indicator, cell: Any) -> tuple[str | None, str]:
    """A cell's content as the stored text of the indicator, and a notice when it was
    read in a way worth saying (a fraction read as a percentage)."""
    if cell is None or cell.value is None or (isinstance(cell.value, str)
                                               and not cell.value.strip()):
        return None, ""
    value = cell.value
    notice = ""
    if isinstance(value, bool):
        typed = "yes" if value else "no"
    elif isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidValue(spec.id, str(value), "not a finite number")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if spec.type.name == "percentage" and "%" in (cell.number_format or ""):
            number *= 100  # 85% typed into a %-formatted cell is stored as 0.85
            notice = f"{cell.coordinate}: {value} formatted as a percentage, read as " \
                     f"{canonical(number)}"
        typed = canonical(number)
    elif isinstance(value, datetime):
        raise InvalidValue(spec.id, str(value), "a date where a figure belongs")
    else:
        typed = unicodedata.normalize("NFKC", str(value)).strip()
        if special_state(typed):
            return STATE_TEXT[special_state(typed) or ""], ""
    return parse_value(spec, typed), notice
