"""The group's structure as a workbook a coordinator edits, in the catalogue workbook's manner:
a sheet of instructions, one row per entity (code, names, kind, parent, province, the years
it counts in, equity share, operational control) with drop-downs for every choice and
reference, the company's names, a hidden sheet of choices. Read back, every problem is named
at its sheet!cell and the difference it makes is shown before anything is stored; stored, it
is one transaction, every change with its audit row."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.errors import Code, FileRefused, NotFound, Problem
from esgdesk.exchange.book_reader import column_letters, read_book
from esgdesk.exchange.returned import check_zip
from esgdesk.exchange.workbook import house_styles, save_atomically, set_value, text_width
from esgdesk.model.catalogue import name_in
from esgdesk.model.entities import (
    CYCLE,
    ENTITY_KINDS,
    EntityInfo,
    ParentChange,
    Structure,
    span_text,
)
from esgdesk.model.provinces import known_province, provinces

if TYPE_CHECKING:
    from esgdesk.storage.store import Store

ENTITIES, COMPANY, INSTRUCTIONS, LISTS = "entities", "company", "instructions", "lists"
COLUMNS = ("code", "name_zh", "name_en", "kind", "parent", "parent_from", "province", "from",
           "to", "equity_share", "control")
YES, NO = "yes", "no"
EXTRA_ROWS = 300  # rows below the last entity that the drop-downs still cover
COMPANY_KEYS = ("company_zh", "company_en")

COLUMN_HELP: dict[str, tuple[str, str]] = {
    "code": ("主体编号：字母、数字和连字符，导入后不能更改", "The entity's code: letters, digits "
             "and hyphens; it never changes once stored"),
    "name_zh": ("中文名称", "Its name in Chinese"),
    "name_en": ("英文名称", "Its name in English"),
    "kind": ("company 公司或 site 工厂（集团一行为 group）", "company or site (the group's row: "
             "group)"),
    "parent": ("上级主体的编号（本表中的一行）", "The code of the entity it is under (a row of "
               "this sheet)"),
    "parent_from": ("改变上级时必填：自哪一年起在新上级之下（之前年份的结构不变）",
                    "When the parent changes: the first year under the new one (the years "
                    "before keep their structure)"),
    "province": ("所在省份（电网排放因子按省份）", "The province it is in (grid factors are "
                 "regional)"),
    "from": ("自哪一年起纳入（空：一直）", "The first year it counts (empty: always)"),
    "to": ("最后纳入的年份（空：仍持有）；关闭或出售后填写", "The last year it counts (empty: "
           "still held); fill it in once closed or sold"),
    "equity_share": ("集团持股比例（%，0–100）", "The group's equity share, percent (0–100)"),
    "control": ("集团是否拥有运营控制权（yes/no）", "Whether the group has operational control "
                "(yes/no)"),
}
INSTRUCTION_LINES = {
    "zh": ("每行一个主体；集团一行不能删除。新增主体：在末尾加一行。",
           "主体不删除：关闭或出售后在 to 填写最后纳入的年份，其历史数据保留在这些年份。",
           "改变上级时在 parent_from 填写自哪一年起；之前年份的结构保持不变。",
           "导入前会检查全部内容，每个问题都会指出工作表和单元格；先显示变更，再写入。",
           "company 工作表中的公司中文、英文名称用于报告标题（各语言只用本语言的名称）。"),
    "en": ("One row per entity; the group's row stays. To add an entity, add a row at the end.",
           "Entities are never deleted: once closed or sold, fill in `to`, the last year it "
           "counts; its history stays in those years.",
           "When an entity's parent changes, say from which year in parent_from; the years "
           "before keep their structure.",
           "Everything is checked before it is imported, every problem named by sheet and "
           "cell; the difference is shown before anything is stored.",
           "The company sheet's names (Chinese, English) title the reports, each language "
           "with its own."),
}

# What can be wrong with a structure workbook, each at its sheet!cell.
NOT_A_BOOK = ("not an esgdesk structure workbook (it has no entities sheet)",
              "不是 esgdesk 组织结构工作簿（没有 entities 工作表）")
MISSING_COLUMN = Code("structure.missing_column", "the column '{column}' is missing",
                      "缺少“{column}”列")
NO_CODE = Code("structure.no_code", "a row without a code", "此行没有主体编号")
BAD_CODE = Code("structure.bad_code", "'{value}' is not a code (letters, digits, - and _)",
                "“{value}”不是有效编号（字母、数字、- 和 _）")
DUPLICATE = Code("structure.duplicate", "'{code}' comes twice (first at row {first})",
                 "“{code}”重复（首次在第 {first} 行）")
NOT_A_YEAR = Code("structure.year", "'{value}' is not a year", "“{value}”不是年份")
NOT_YES_NO = Code("structure.control", "'{value}' is neither yes nor no",
                  "“{value}”不是 yes 或 no")
UNKNOWN_PROVINCE = Code("structure.province", "'{value}' is not a province of China",
                        "“{value}”不是中国的省级行政区")
KIND_CHANGED = Code("structure.kind_changed", "'{code}' is a {held} in the database: a kind "
                    "never changes", "“{code}”在数据库中是 {held}：主体类型不能更改")
LEFT_OUT = Code("structure.left_out", "'{code}' is in the database but not in the book: an "
                "entity is never deleted (give it a last year in `to`)",
                "“{code}”在数据库中但不在工作簿中：主体不能删除（请在 to 填写最后年份）")
MOVE_NEEDS_YEAR = Code("structure.parent_from", "'{code}' is put under '{parent}': say from "
                       "which year in parent_from", "“{code}”改到“{parent}”之下：请在 "
                       "parent_from 填写自哪一年起")


# -- writing --------------------------------------------------------------------------------
def write_structure_book(structure: Structure, out: Path, lang: str = "zh",
                         company: str = "") -> Path:
    """Write the group's structure as a workbook to edit: each entity under its latest
    parent (parent_from: the year of its latest move), the company's names, drop-downs."""
    from openpyxl import Workbook

    writer = _Writer(Workbook(), "zh" if lang == "zh" else "en")
    writer.instructions()
    rows = [_row(structure, info) for info in structure.tree()]
    writer.entities(rows)
    writer.company(company)
    writer.lists()
    writer.drop_downs(len(rows))
    return save_atomically(writer.book, Path(out))


def _row(structure: Structure, info: EntityInfo) -> list[Any]:
    moves = structure.moves.get(info.code, [])
    return [info.code, info.name_zh, info.name_en, info.kind, info.parent,
            moves[-1].from_year if moves else None, info.province, info.from_year,
            info.to_year, _share_cell(info.equity_share), YES if info.control else NO]


def _share_cell(share: str | None) -> Any:
    if share is None:
        return None
    number = float(share)
    return int(number) if number.is_integer() else number


class _Writer:
    def __init__(self, book: Any, lang: str) -> None:
        self.book, self.lang = book, lang
        house_styles(self)

    def _say(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.lang == "zh" else pair[1]

    def instructions(self) -> None:
        sheet = self.book.active
        sheet.title = INSTRUCTIONS
        title = self._say(("组织结构工作簿", "Group structure workbook"))
        set_value(sheet.cell(1, 1), title).font = self.title_font
        row = 3
        for line in INSTRUCTION_LINES[self.lang]:
            set_value(sheet.cell(row, 1), "•")
            set_value(sheet.cell(row, 2), line).alignment = self.wrap
            row += 1
        row += 1
        for column in COLUMNS:
            set_value(sheet.cell(row, 1), column).font = self.bold
            set_value(sheet.cell(row, 2), self._say(COLUMN_HELP[column])).alignment = self.wrap
            row += 1
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 100

    def entities(self, rows: list[list[Any]]) -> None:
        from openpyxl.comments import Comment
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(ENTITIES)
        widths = [text_width(c, bold=True) + 3 for c in COLUMNS]
        for index, column in enumerate(COLUMNS, start=1):
            cell = set_value(sheet.cell(1, index), column)
            cell.font, cell.fill, cell.border = self.bold, self.header_fill, self.border
            cell.comment = Comment(self._say(COLUMN_HELP[column]), "esgdesk", height=90,
                                   width=260)
        for number, values in enumerate(rows, start=2):
            for index, value in enumerate(values, start=1):
                if value is None or value == "":
                    continue
                set_value(sheet.cell(number, index), value)
                widths[index - 1] = max(widths[index - 1], min(text_width(str(value)) + 2, 40))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "B2"

    def company(self, company: str) -> None:
        sheet = self.book.create_sheet(COMPANY)
        for column, text in enumerate(("key", "value"), start=1):
            cell = set_value(sheet.cell(1, column), text)
            cell.font, cell.fill = self.bold, self.header_fill
        for row, (key, lang) in enumerate(zip(COMPANY_KEYS, ("zh", "en"), strict=True),
                                          start=2):
            set_value(sheet.cell(row, 1), key)
            name = name_in(company, lang)
            if name:
                set_value(sheet.cell(row, 2), name)
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 50

    def lists(self) -> None:
        sheet = self.book.create_sheet(LISTS)
        for column, (name, values) in enumerate(_choices().items(), start=1):
            set_value(sheet.cell(1, column), name).font = self.bold
            for row, value in enumerate(values, start=2):
                set_value(sheet.cell(row, column), value)
        sheet.sheet_state = "hidden"

    def drop_downs(self, count: int) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        sheet = self.book[ENTITIES]
        last = count + 1 + EXTRA_ROWS
        lists = _choices()
        for index, name in enumerate(lists, start=1):
            letter = column_letters(index)
            self._validate(sheet, DataValidation(
                type="list", formula1=f"{LISTS}!${letter}$2:${letter}${len(lists[name]) + 1}",
                allow_blank=True, errorStyle="stop", showErrorMessage=True),
                name, last)
        # a parent is a row of the sheet: one typed before its own row is allowed
        self._validate(sheet, DataValidation(
            type="list", formula1=f"{ENTITIES}!$A$2:$A${last}", allow_blank=True,
            errorStyle="warning", showErrorMessage=True), "parent", last)
        for column in ("parent_from", "from", "to"):
            self._validate(sheet, DataValidation(
                type="whole", operator="between", formula1="1990", formula2="2100",
                allow_blank=True, errorStyle="stop", showErrorMessage=True), column, last)
        self._validate(sheet, DataValidation(
            type="decimal", operator="between", formula1="0", formula2="100",
            allow_blank=True, errorStyle="stop", showErrorMessage=True), "equity_share", last)

    def _validate(self, sheet: Any, validation: Any, column: str, last: int) -> None:
        validation.errorTitle = "esgdesk"
        validation.error = self._say(("请填写列表中的值或有效数字", "Choose from the list or "
                                      "type a valid number"))
        letter = column_letters(COLUMNS.index(column) + 1)
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last}")


def _choices() -> dict[str, tuple[str, ...]]:
    """The drop-downs' lists, by the column they serve."""
    return {"kind": ENTITY_KINDS, "province": tuple(provinces()), "control": (YES, NO)}


# -- reading ----------------------------------------------------------------------------------
class StructurePlan:
    """A structure workbook against a database: its problems (each at its sheet!cell), or the
    entities it adds (parents first), changes and moves, the provinces it sets and the
    company's names; `lines` says the difference."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.added: list[EntityInfo] = []
        self.changed: list[tuple[EntityInfo, EntityInfo]] = []  # (held, wanted)
        self.moved: list[ParentChange] = []
        self.provinces: dict[str, str | None] = {}  # of entities held, where it changes
        self.held_provinces: dict[str, str | None] = {}
        self.company: str | None = None  # "中文 / English", when it changes
        self.held_company = ""

    @property
    def changes(self) -> int:
        return (len(self.added) + len(self.changed) + len(self.moved) + len(self.provinces)
                + int(self.company is not None))

    def lines(self, lang: str = "en") -> list[str]:
        """The difference, one line a change."""
        zh = lang == "zh"
        found = []
        for info in self.added:
            span = span_text(info)
            found.append(f"+ {info.code} ({info.kind}) {'在' if zh else 'under'} "
                         f"{info.parent}: {info.name_zh} / {info.name_en}, {span}")
        for held, wanted in self.changed:
            for field in ("name_zh", "name_en", "from_year", "to_year", "equity_share",
                          "control"):
                before, after = getattr(held, field), getattr(wanted, field)
                if before != after:
                    found.append(f"~ {held.code}: {field} {_shown(before)} → {_shown(after)}")
        for move in self.moved:
            found.append(f"→ {move.entity}: {'自' if zh else 'under'} "
                         f"{move.parent} {'起' if zh else 'from'} {move.from_year}")
        for code, province in self.provinces.items():
            found.append(f"~ {code}: province {_shown(self.held_provinces.get(code))} → "
                         f"{_shown(province)}")
        if self.company is not None:
            found.append(f"~ company: {_shown(self.held_company)} → {self.company}")
        return found


def _shown(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def plan_structure(store: Store, path: Path) -> StructurePlan:
    """A structure workbook read and checked against the database; nothing is written."""
    from esgdesk.errors import EsgdeskError

    path = Path(path)
    if not path.is_file():
        raise NotFound("no such file", "没有这个文件", where=str(path))
    check_zip(path)
    try:
        book = read_book(path)
    except EsgdeskError:
        raise
    except Exception as exc:  # a workbook damaged in a way no check foresaw
        raise FileRefused(f"cannot be read as a workbook ({type(exc).__name__}: {exc})",
                          f"无法作为工作簿读取（{type(exc).__name__}：{exc}）",
                          where=path.name, kind="unreadable") from None
    if ENTITIES not in book.sheetnames:
        raise FileRefused(*NOT_A_BOOK, where=path.name, kind="not_a_structure_book")
    plan = StructurePlan()
    rows, codes = _read_rows(book[ENTITIES].rows, plan)
    _read_company(book, store, plan)
    if codes:  # the rows read whole are compared, whatever is wrong with the others
        _compare(store, rows, codes, plan)
    return plan


def _cell(column: str, row: int, columns: dict[str, int]) -> str:
    return f"{column_letters(columns[column] + 1)}{row}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Row:
    """One row of the entities sheet, read and placed."""

    def __init__(self, number: int, info: EntityInfo, parent_from: int | None,
                 columns: dict[str, int]) -> None:
        self.number, self.info, self.parent_from, self.columns = number, info, parent_from, \
            columns

    def at(self, column: str) -> tuple[str, str]:
        return ENTITIES, _cell(column, self.number, self.columns)


def _read_rows(cells: list[list[Any]], plan: StructurePlan) -> tuple[list[_Row], set[str]]:
    """The rows read whole, and the codes of every row."""
    header = [_text(v).lower() for v in (cells[0] if cells else [])]
    columns = {name: header.index(name) for name in COLUMNS if name in header}
    for name in COLUMNS:
        if name not in columns:
            plan.problems.append(MISSING_COLUMN(sheet=ENTITIES, cell="A1", column=name))
    if plan.problems:
        return [], set()
    rows: list[_Row] = []
    first: dict[str, int] = {}
    for number, values in enumerate(cells[1:], start=2):
        def get(column: str, values: list[Any] = values) -> str:
            index = columns[column]
            return _text(values[index]) if index < len(values) else ""

        if not any(get(c) for c in COLUMNS):
            continue

        def place(column: str, number: int = number) -> dict[str, str]:
            return {"sheet": ENTITIES, "cell": _cell(column, number, columns)}

        code = get("code")
        if not code:
            plan.problems.append(NO_CODE(**place("code")))
            continue
        if not all(ch.isalnum() or ch in "-_." for ch in code):
            plan.problems.append(BAD_CODE(**place("code"), value=code))
            continue
        if code in first:
            plan.problems.append(DUPLICATE(**place("code"), code=code, first=first[code]))
            continue
        first[code] = number
        before = len(plan.problems)
        years: dict[str, int | None] = {}
        for column in ("from", "to", "parent_from"):
            text = get(column)
            years[column] = None
            if text:
                try:
                    years[column] = int(text)
                except ValueError:
                    plan.problems.append(NOT_A_YEAR(**place(column), value=text))
        control_text = get("control").lower()
        control = control_text not in ("no", "n", "false", "0", "否")
        if control_text and control and control_text not in ("yes", "y", "true", "1", "是"):
            plan.problems.append(NOT_YES_NO(**place("control"), value=control_text))
        province_text = get("province")
        province = known_province(province_text)
        if province_text and province is None:
            plan.problems.append(UNKNOWN_PROVINCE(**place("province"), value=province_text))
        info = EntityInfo(0, code, get("name_zh"), get("name_en"), get("kind").lower(),
                          get("parent") or None, province.id if province else None,
                          years["from"], years["to"], get("equity_share") or None, control)
        if len(plan.problems) == before:
            rows.append(_Row(number, info, years["parent_from"], columns))
    return rows, set(first)


def _read_company(book: Any, store: Store, plan: StructurePlan) -> None:
    plan.held_company = store.setting("company")
    if COMPANY not in book.sheetnames:
        return
    names = {_text(row[0]): _text(row[1]) for row in book[COMPANY].rows[1:]
             if len(row) > 1 and row[0] is not None}
    zh, en = names.get("company_zh", ""), names.get("company_en", "")
    wanted = " / ".join(n for n in (zh, en) if n)
    if wanted and wanted != plan.held_company:
        plan.company = wanted


def _compare(store: Store, rows: list[_Row], codes: set[str], plan: StructurePlan) -> None:
    """The rows against the database: what each adds or changes, and what is wrong."""
    structure = store.structure().copy()
    held = dict(structure.entities)
    for code in held:
        if code not in codes:
            plan.problems.append(LEFT_OUT(sheet=ENTITIES, cell="A1", code=code))
    new_rows = [row for row in rows if row.info.code not in held]
    for row in _parents_first(new_rows, held, plan):
        _plan_new(store, structure, row, plan)
    kept = [row for row in rows if row.info.code in held]
    for row in kept:  # the moves first: an entity closed may have its sites moved away
        _plan_move(store, structure, row, plan)
    for row in kept:
        _plan_held(store, structure, row, plan)


def _parents_first(rows: list[_Row], held: dict[str, EntityInfo],
                   plan: StructurePlan) -> list[_Row]:
    """New rows ordered so that each comes after its parent (a cycle among them is a
    problem at the row that closes it)."""
    by_code = {row.info.code: row for row in rows}
    ordered: list[_Row] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def visit(row: _Row) -> None:
        code = row.info.code
        if code in placed:
            return
        if code in visiting:
            plan.problems.append(CYCLE(sheet=ENTITIES, cell=_cell("parent", row.number,
                                                                  row.columns),
                                       code=code, parent=row.info.parent))
            return
        visiting.add(code)
        parent = row.info.parent
        if parent in by_code and parent not in held:
            visit(by_code[parent])
        visiting.discard(code)
        placed.add(code)
        ordered.append(row)

    for row in rows:
        visit(row)
    return ordered


def _plan_new(store: Store, structure: Structure, row: _Row, plan: StructurePlan) -> None:
    info = row.info
    problems = store.new_problems(info, structure)
    if problems:
        plan.problems.extend(_placed(problems, row))
        return
    info = store.normalised(info)
    plan.added.append(info)
    structure.entities[info.code] = info  # later rows may be under it
    structure.forget_trees()


def _plan_move(store: Store, structure: Structure, row: _Row, plan: StructurePlan) -> None:
    """A row whose parent changed: a move from its parent_from year, tried on `structure`."""
    wanted, held = row.info, store.entity(row.info.code)
    if wanted.parent == held.parent or wanted.kind != held.kind or held.kind == "group":
        return
    if wanted.parent is None or row.parent_from is None:
        plan.problems.append(MOVE_NEEDS_YEAR(
            sheet=ENTITIES, cell=_cell("parent_from", row.number, row.columns),
            code=held.code, parent=wanted.parent or "-"))
        return
    problems = store.move_problems(held.code, wanted.parent, row.parent_from, structure)
    if problems:
        plan.problems.extend(_placed(problems, row))
        return
    move = ParentChange(held.code, wanted.parent, row.parent_from)
    plan.moved.append(move)
    structure.moves.setdefault(held.code, []).append(move)
    structure.moves[held.code].sort(key=lambda m: m.from_year)
    structure.forget_trees()


def _plan_held(store: Store, structure: Structure, row: _Row, plan: StructurePlan) -> None:
    """A row of an entity held: its kind kept, its other fields and province changed."""
    wanted = row.info
    held = store.entity(wanted.code)
    if wanted.kind != held.kind:
        plan.problems.append(KIND_CHANGED(sheet=ENTITIES, cell=_cell("kind", row.number,
                                                                     row.columns),
                                          code=held.code, held=held.kind))
        return
    changed = held._replace(name_zh=wanted.name_zh, name_en=wanted.name_en,
                            from_year=wanted.from_year, to_year=wanted.to_year,
                            equity_share=wanted.equity_share, control=wanted.control)
    if changed != held:
        problems = store.change_problems(held, changed, structure)
        if problems:
            plan.problems.extend(_placed(problems, row))
            return
        changed = store.normalised(changed)
        if changed != held:
            plan.changed.append((held, changed))
    if wanted.province != held.province:
        plan.provinces[held.code] = wanted.province
        plan.held_provinces[held.code] = held.province


# The column a structure problem is in, by its code.
_COLUMN_OF = {"entity.unknown_parent": "parent", "entity.site_parent": "parent",
              "entity.cycle": "parent", "entity.parent_not_held": "parent",
              "entity.exists": "code", "entity.kind": "kind", "entity.group": "kind",
              "entity.name": "name_zh", "entity.years": "to", "entity.equity_share":
              "equity_share", "entity.figures_after": "to", "entity.holds_others": "to",
              "entity.before_from": "parent_from"}


def _placed(problems: list[Problem], row: _Row) -> list[Problem]:
    return [p.placed(*row.at(_COLUMN_OF.get(p.code, "code"))) for p in problems]


# -- storing ---------------------------------------------------------------------------------
def apply_structure(store: Store, plan: StructurePlan, user: str, source: str) -> None:
    """Store a planned book's changes: one transaction, every change with its audit row."""
    if plan.problems:
        raise FileRefused("the structure workbook has problems; nothing was written",
                          "组织结构工作簿有问题；没有写入任何内容", where=source,
                          kind="structure_refused")
    store.apply_structure(plan.added, [wanted for _held, wanted in plan.changed], plan.moved,
                          plan.provinces, user, source, plan.company)
