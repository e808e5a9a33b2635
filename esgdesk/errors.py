"""Errors a user can cause, each carrying its kind, where it happened and a message in zh and
en. Callers branch on the kind (or the class), never on the wording; the edge (a dialog or a
command-line line) shows message(lang)."""

from __future__ import annotations

from typing import Any


class EsgdeskError(Exception):
    """Base of every error shown to the user as one clear message.

    `kind` names what went wrong for code to branch on; `where` says where (a file, a
    sheet!cell, an indicator); `en` and `zh` say it to people; `exit_code` is what the
    command line returns."""

    kind = "refused"
    exit_code = 2

    def __init__(self, en: str, zh: str = "", *, where: str = "", kind: str = "") -> None:
        self.en = en
        self.zh = zh or en
        self.where = where
        if kind:
            self.kind = kind
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        text = self.zh if lang == "zh" else self.en
        return f"{self.where}: {text}" if self.where else text


# -- problems: what a check finds, each a code with a place ---------------------------------

# What an item of a catalogue is called, in each language, to name a problem's place.
ITEM_WORDS = {"catalogue": ("catalogue", "目录"), "department": ("department", "部门"),
              "chapter": ("chapter", "篇章"), "section": ("section", "章节"),
              "indicator": ("indicator", "指标"), "table": ("table", "表格"),
              "row": ("row", "行"), "column": ("column", "列"), "check": ("check", "校验"),
              "note": ("note", "注释"), "target": ("target", "目标"),
              "file": ("file", "文件")}


class Item:
    """A place in a catalogue document: the kind of item (ITEM_WORDS), its id, the field the
    problem is in (and for a text, the language), and for a table's rows and columns and a
    chapter's checks, the position among them (`id` is then the table's or chapter's id).
    Never changed once made. (Plain classes, not dataclasses: this module is read before
    the window's first paint, and a dataclass costs its compilation at every start.)"""

    __slots__ = ("field", "id", "index", "kind", "lang")

    def __init__(self, kind: str, id: str = "", field: str = "", lang: str = "",
                 index: int | None = None) -> None:
        self.kind, self.id, self.field, self.lang, self.index = kind, id, field, lang, index

    def _key(self) -> tuple[Any, ...]:
        return (self.kind, self.id, self.field, self.lang, self.index)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Item) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return "Item({})".format(", ".join(map(repr, self._key())))

    def on(self, field: str, lang: str = "") -> Item:
        """The same item, at another field (and language)."""
        return Item(self.kind, self.id, field, lang, self.index)

    def words(self, lang: str = "en") -> str:
        en, zh = ITEM_WORDS.get(self.kind, (self.kind, self.kind))
        if self.index is not None:
            number = self.index + 1
            counted_zh = {"check": "项校验", "note": "条注释"}.get(self.kind, zh)
            return (f"{self.id} 的第 {number} {counted_zh}" if lang == "zh"
                    else f"{en} {number} of {self.id}")
        shown = zh if lang == "zh" else en
        return f"{shown} {self.id}" if self.id else shown


class Problem:
    """One thing a check found wrong: a code for callers to branch on, where it is (a
    workbook's sheet and cell, or a sheet; an item of a catalogue), the indicator it
    concerns, the message in en and zh, and the fields its messages were made from. str()
    is the English message, as the command line prints it. Never changed once made."""

    __slots__ = ("cell", "code", "en", "fields", "indicator", "item", "sheet", "zh")

    def __init__(self, code: str, en: str, zh: str, sheet: str = "", cell: str = "",
                 indicator: str = "", item: Item | None = None,
                 fields: dict[str, Any] | None = None) -> None:
        self.code, self.en, self.zh = code, en, zh
        self.sheet, self.cell, self.indicator, self.item = sheet, cell, indicator, item
        self.fields = {} if fields is None else fields

    def _key(self) -> tuple[Any, ...]:
        return (self.code, self.en, self.zh, self.sheet, self.cell, self.indicator, self.item)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Problem({self.code!r}, {self.where!r}, {self.en!r})"

    def placed(self, sheet: str, cell: str) -> Problem:
        """The same problem at a workbook's sheet!cell."""
        return Problem(self.code, self.en, self.zh, sheet, cell, self.indicator, self.item,
                       self.fields)

    @property
    def where(self) -> str:
        """sheet!cell (or the sheet), else the item's words in English."""
        if self.sheet:
            return "!".join(part for part in (self.sheet, self.cell) if part)
        return self.item.words("en") if self.item else ""

    @property
    def row(self) -> int | None:
        """The cell's row number."""
        digits = "".join(c for c in self.cell if c.isdigit())
        return int(digits) if digits else None

    @property
    def column(self) -> str:
        """The cell's column letters."""
        return "".join(c for c in self.cell if c.isalpha())

    def place(self, lang: str = "en") -> str:
        if self.sheet:
            return self.where
        return self.item.words(lang) if self.item else ""

    def message(self, lang: str = "en") -> str:
        text = self.zh if lang == "zh" else self.en
        place = self.place(lang)
        return f"{place}: {text}" if place else text

    def __str__(self) -> str:
        return self.message("en")

    @classmethod
    def at(cls, address: str, code: str, en: str, zh: str, indicator: str = "") -> Problem:
        """A problem at a "sheet!cell" address."""
        sheet, _, cell = address.rpartition("!")
        return cls(code, en, zh, sheet, cell, indicator)

    @classmethod
    def of_error(cls, error: EsgdeskError) -> Problem:
        """A refusal raised while reading the file (its kind becomes the code)."""
        return cls(error.kind, error.message("en"), error.message("zh"))


class Code:
    """A kind of problem declared once, as pyxform declares its error codes: the id callers
    branch on and its en and zh messages, templates over named fields ("{value}", "{choices}").
    Calling it with the place and the fields makes the Problem."""

    __slots__ = ("en", "id", "zh")

    def __init__(self, id: str, en: str, zh: str) -> None:
        self.id, self.en, self.zh = id, en, zh

    def __repr__(self) -> str:
        return f"Code({self.id!r}, {self.en!r})"

    def __call__(self, *, sheet: str = "", cell: str = "", indicator: str = "",
                 item: Item | None = None, **fields: Any) -> Problem:
        shown = {"indicator": indicator, "sheet": sheet, "cell": cell}
        shown.update((key, ", ".join(map(str, value)) if isinstance(value, list | tuple)
                      else value) for key, value in fields.items())
        return Problem(self.id, self.en.format(**shown), self.zh.format(**shown), sheet, cell,
                       indicator, item, fields)


class CatalogueError(EsgdeskError):
    """The catalogue data is inconsistent: every Problem found, each with its place."""

    kind = "catalogue"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("catalogue: " + "; ".join(p.message("en") for p in problems),
                         "目录数据有误：" + "；".join(p.message("zh") for p in problems))


class UnknownIndicator(EsgdeskError):
    kind = "unknown_indicator"

    def __init__(self, indicator_id: str) -> None:
        self.indicator_id = indicator_id
        super().__init__(f"unknown indicator '{indicator_id}' (see 'esgdesk catalogue')",
                         f"没有指标“{indicator_id}”（见 esgdesk catalogue）")


class UnknownEntity(EsgdeskError):
    kind = "unknown_entity"

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"unknown entity '{code}' (see 'esgdesk entities')",
                         f"没有主体“{code}”（见 esgdesk entities）")


class UnknownDepartment(EsgdeskError):
    kind = "unknown_department"

    def __init__(self, key: str, known: list[str]) -> None:
        self.key = key
        names = ", ".join(known)
        super().__init__(f"unknown department '{key}' (one of {names})",
                         f"没有部门“{key}”（可选：{names}）")


class NotFound(EsgdeskError):
    """Something named by the user is not there (a file, a request, a backup)."""

    kind = "not_found"


class NeedsReason(EsgdeskError):
    """The action is allowed only with a reason (unlocking, restating, sending back)."""

    kind = "needs_reason"


class InvalidValue(EsgdeskError):
    kind = "invalid_value"

    def __init__(self, indicator_id: str, text: str, reason: str, reason_zh: str = "",
                 where: str = "") -> None:
        self.indicator_id = indicator_id
        self.text = text
        self.reason = reason
        self.reason_zh = reason_zh or reason
        super().__init__(f"{indicator_id}: '{text}' refused: {reason}",
                         f"{indicator_id}：“{text}”不能接受：{reason_zh or reason}", where=where)


class DerivedIndicator(EsgdeskError):
    kind = "derived"

    def __init__(self, indicator_id: str, formula: str) -> None:
        self.indicator_id = indicator_id
        super().__init__(
            f"{indicator_id} is computed from its components ({formula}); "
            "change the components instead",
            f"{indicator_id} 由其分项计算（{formula}），请修改分项",
        )


class EnteredElsewhere(EsgdeskError):
    """A figure typed at an entity that does not take it: the catalogue says where it is
    entered (`entered_at`), and a parent shows its children's consolidation."""

    kind = "entered_elsewhere"

    def __init__(self, indicator_id: str, entity: str, level: str, at: list[str]) -> None:
        self.indicator_id, self.entity, self.level, self.at = indicator_id, entity, level, at
        levels = {"site": ("地点", "sites"), "company": ("公司", "companies"),
                  "group": ("集团", "the group")}
        zh_level, en_level = levels.get(level, (level, level))
        listed = ", ".join(at[:8]) + (f", … ({len(at)})" if len(at) > 8 else "")
        super().__init__(
            f"{indicator_id} is entered at {en_level} ({listed}), not at {entity}: "
            f"{entity} shows their consolidation",
            f"{indicator_id} 在{zh_level}填报（{listed}），不在 {entity} 填报："
            f"{entity} 显示其合并数",
            where=f"{entity}/{indicator_id}")


def restate_command(entity: str, year: int, indicator_id: str = "INDICATOR") -> str:
    """The command that changes a published figure, for a refusal to point to."""
    return (f"esgdesk restate --year {year} --entity {entity} {indicator_id} VALUE "
            "--kind error|method|boundary --reason WHY")


class ValueLocked(EsgdeskError):
    """A change to a locked (published) figure: only a restatement may change it."""

    kind = "locked"

    def __init__(self, entity: str, year: int, indicator_id: str) -> None:
        self.entity, self.year, self.indicator_id = entity, year, indicator_id
        command = restate_command(entity, year, indicator_id)
        super().__init__(f"{indicator_id} for {entity} {year} is locked (published); it "
                         f"changes only as a restatement: {command}",
                         f"{entity} {year} 年的 {indicator_id} 已锁定（已发布），只能以重述方式"
                         f"修改：{command}")


class Published(EsgdeskError):
    """Leaving "locked": a published figure (or a request's published figures) is never
    unlocked; it changes only as a restatement, which keeps what was published."""

    kind = "published"

    def __init__(self, what_en: str, what_zh: str, entity: str, year: int,
                 indicator_id: str = "INDICATOR") -> None:
        command = restate_command(entity, year, indicator_id)
        super().__init__(f"{what_en} locked (published) and cannot be unlocked; a published "
                         f"figure changes only as a restatement: {command}",
                         f"{what_zh}已锁定（已发布），不能解锁；已发布的数据只能以重述方式修改："
                         f"{command}")


class StaleValue(EsgdeskError):
    """The value changed since the caller read it (optimistic concurrency)."""

    kind = "stale"

    def __init__(self, indicator_id: str, changed_by: str, changed_at: str) -> None:
        self.indicator_id = indicator_id
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(
            f"{indicator_id} was changed by {changed_by} at {changed_at} since you read it",
            f"{indicator_id} 在您读取后已被 {changed_by} 于 {changed_at} 修改",
        )


class DatabaseError(EsgdeskError):
    """The database cannot be used: unreadable, not ours, too new, read-only, full."""

    kind = "database"

    def __init__(self, path: str, reason: str, reason_zh: str = "") -> None:
        self.path = path
        self.reason = reason
        super().__init__(reason, reason_zh, where=path)


class DatabaseBusy(DatabaseError):
    """Another program holds the database's write lock longer than esgdesk waits."""

    kind = "busy"
    holders: tuple[str, ...] = ()  # on a server: the server users holding the writers' lock


class DatabaseDamaged(DatabaseError):
    """The file fails SQLite's integrity check: read, never written to."""

    kind = "damaged"


class FileRefused(EsgdeskError):
    """A file the user gave cannot be used as it is (a workbook, a target that exists)."""

    kind = "file_refused"


class PasswordInUrl(FileRefused):
    """A server URL that holds a password: esgdesk never takes one (a command line shows in
    other users' process lists and stays in shell histories; settings would keep it)."""

    kind = "password_in_url"

    def __init__(self, shown: str) -> None:
        super().__init__(
            "holds a password, which esgdesk never takes in a URL: leave it out, and libpq "
            "reads it from ~/.pgpass (or the file PGPASSFILE names) or from a service file "
            "(~/.pg_service.conf or PGSERVICEFILE, named by postgresql:///?service=NAME)",
            "包含密码，而 esgdesk 从不在地址中接收密码：请去掉密码，libpq 会从 ~/.pgpass（或 "
            "PGPASSFILE 指定的文件）或服务文件（~/.pg_service.conf 或 PGSERVICEFILE，以 "
            "postgresql:///?service=名称 指定）读取", where=shown)


class Forbidden(DatabaseError):
    """The server refused a write the user's role may not make (PostgreSQL's privileges
    and row-level security): nothing was written."""

    kind = "forbidden"


class Unreachable(DatabaseError):
    """The database server cannot be reached, or refuses the connection."""

    kind = "unreachable"


class EvidenceRefused(FileRefused):
    """A document refused as evidence (too large, a program, not what its extension says):
    its Problem, with the code to branch on; nothing was stored."""

    kind = "evidence_refused"

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.code = problem.code
        super().__init__(problem.en + "; nothing was stored",
                         problem.zh + "；没有保存任何内容")


class EvidenceMissing(EsgdeskError):
    """Figures whose catalogue requires a document have none: each (entity, indicator)."""

    kind = "evidence_missing"

    def __init__(self, what_en: str, what_zh: str, missing: list[tuple[str, str]]) -> None:
        self.missing = missing
        listed = ", ".join(f"{entity} {indicator}" for entity, indicator in missing)
        super().__init__(f"{what_en}: required evidence is missing for {len(missing)} "
                         f"figure(s): {listed}; attach a document to each before approving",
                         f"{what_zh}：{len(missing)} 个数据缺少必需的证明文件：{listed}；"
                         "请先为每个数据附上证明文件，再审核通过")
