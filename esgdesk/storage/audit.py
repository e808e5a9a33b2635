"""The audit log: the one builder of its rows, its hash chain, and reading it back.

Each row carries a SHA-256 over its content and the previous row's hash, so an edit, a deletion
or a reordering made outside esgdesk breaks the chain at the row touched. `verify` lists every
broken row (each row is checked against the hash its predecessor holds, so one break does not
hide the next), and compares the figures with the log: each figure's value, state and status
must be what its newest audit row says, so a change made with a lying audit row (whose hash
is right) is found too. The owner may seal a broken chain: a sealing row names the broken rows
(and what each held), and the chain verifies again from there."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.model.frozen import Frozen
from esgdesk.model.words import counted
from esgdesk.storage.base import HEAD_BEFORE, StorePart, newest_hash
from esgdesk.storage.engine import connect_reader, database_error
from esgdesk.storage.evidence_check import changed_documents
from esgdesk.storage.records import AuditRecord, read_record

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The columns a hash covers, in this order (entity by its row id, as stored). A row's
# department (schema 0005 on) is covered too, after these, when it has one: rows written
# before it existed hash as they always did.
CHAINED = ("at", "user", "action", "entity_id", "year", "indicator", "old_value", "new_value",
           "old_status", "new_status", "reason", "source")


# One encoder for every hash: json.dumps with options builds a new one each call, which
# on a million rows costs as much as the hashing.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
_EXTRAS = ("entered", "factor", "db_user")  # 0008/0009 on, only when the row has one


def audit_hash(previous: str, row: Mapping[str, Any] | Any) -> str:
    """The hash of one audit row (a mapping or an object with the CHAINED attributes)."""
    get = row.get if isinstance(row, Mapping) else (lambda key: getattr(row, key, None))
    return _hash_of(previous, get)


def _hash_of(previous: str, get: Callable[[str], Any]) -> str:
    from hashlib import sha256  # on the first write or check, not at start-up

    content = [previous, *map(get, CHAINED)]
    department = get("department")
    if department is not None:
        content.append(department)
    for key in _EXTRAS:
        extra = get(key)
        if extra is not None:
            content.append([key, extra])
    return sha256(_ENCODE(content).encode("utf-8")).hexdigest()


def audit_fields(*, user: str, action: str, entity_id: int, year: int, indicator: str = "",
                 department: str | None = None, old_value: str | None = None,
                 new_value: str | None = None, old_status: str | None = None,
                 new_status: str | None = None, reason: str = "", source: str = "",
                 entered: str | None = None, factor: str | None = None) -> dict[str, Any]:
    """The fields of one audit row as the app knows them (all of them, each named)."""
    return {"user": user, "action": action, "entity_id": entity_id, "year": year,
            "indicator": indicator, "department": department, "old_value": old_value,
            "new_value": new_value, "old_status": old_status, "new_status": new_status,
            "reason": reason, "source": source, "entered": entered, "factor": factor}


def add_audit_row(s: Session, *, at: str, user: str, action: str, entity_id: int, year: int,
                  indicator: str = "", department: str | None = None,
                  old_value: str | None = None, new_value: str | None = None,
                  old_status: str | None = None, new_status: str | None = None,
                  reason: str = "", source: str = "", entered: str | None = None,
                  factor: str | None = None) -> None:
    """Add one audit row to a writing transaction, chained to the row before it.

    The writer holds the write lock, so the head cannot move under it; rows are inserted in
    the order they are added. A figure's row names its indicator; a data request's row names
    its department instead. On a server, the server's triggers write the row from the row
    changed (esgdesk.storage.postgres.AUDIT_TRIGGERS): only what the app alone knows is
    passed to them, and no esgdesk role may write the audit table. (A seal, the owner's, is
    written here on both engines.)"""
    from esgdesk.storage.models import AuditEntry

    fields = audit_fields(user=user, action=action, entity_id=entity_id, year=year,
                          indicator=indicator, department=department, old_value=old_value,
                          new_value=new_value, old_status=old_status, new_status=new_status,
                          reason=reason, source=source, entered=entered, factor=factor)
    server = s.info.get("audit_context")  # on a server (esgdesk.storage.postgres)
    if server is not None and action in server.audited:
        server.add(fields)  # the server's trigger writes the row, with these
        return
    entry = AuditEntry(at=at, db_user=s.info.get("db_user"), **fields)
    entry.hash = audit_hash(_audit_head(s), entry)
    s.info["audit_head"] = entry.hash
    s.add(entry)


def add_audit_rows(s: Session, at: str, rows: Sequence[dict[str, Any]]) -> None:
    """Many audit rows (each audit_fields) in a writing transaction, as add_audit_row adds
    them one by one, in their order, with the same hashes: on a file, inserted at once (one
    executemany); on a server, what the app knows of each is passed to the triggers, which
    write the rows as the caller then writes the rows they are about (in the same order)."""
    if not rows:
        return
    server = s.info.get("audit_context")
    if server is not None:
        for row in rows:
            if row["action"] in server.audited:
                server.add(row)
        rows = [row for row in rows if row["action"] not in server.audited]
        if not rows:
            return
    from sqlalchemy import insert

    from esgdesk.storage.models import AuditEntry

    s.flush()  # a row added before these is inserted before them
    head, db_user = _audit_head(s), s.info.get("db_user")
    entries = []
    for row in rows:
        entry = {"at": at, "db_user": db_user, **row}
        head = entry["hash"] = _hash_of(head, entry.get)  # audit_hash, known a mapping
        entries.append(entry)
    s.info["audit_head"] = head
    s.execute(insert(AuditEntry.__table__), entries)


def _audit_head(s: Session) -> str:
    """The hash of the newest audit row, this transaction's included (the head before it
    kept in the session's info as HEAD_BEFORE)."""
    head = s.info.get("audit_head")
    if head is None:
        head = newest_hash(s)
        s.info.setdefault(HEAD_BEFORE, head)  # (on a server, read as its write began)
    return head


def add_audit_row_of_new(s: Session, row: Any, **fields: Any) -> None:
    """The audit row of `row`, added to the transaction and not yet inserted, which names it
    by its id (entity_id). On a file the row is inserted first, for its id; on a server the
    row's trigger writes the audit row as the row is inserted, so what the app knows is
    passed first (by what the row says: its id is the server's to give)."""
    server = s.info.get("audit_context")
    if server is not None and fields["action"] in server.audited:
        add_audit_row(s, entity_id=0, **fields)  # the trigger sets the id
        s.flush()
        return
    s.flush()
    add_audit_row(s, entity_id=row.id, **fields)


def who(record: Any) -> str:
    """Who made an audited change, as shown: the user the app was told and, on a server
    where the database user differs, that user too."""
    db_user = getattr(record, "db_user", None)
    return record.user if db_user in (None, record.user) \
        else f"{record.user} (server user {db_user})"


class Mismatch(Frozen):
    """A figure that is not what the audit log says it is (or has no audit row at all)."""

    _fields = ("entity", "year", "indicator", "what", "stored", "logged")
    entity: str
    year: int
    indicator: str
    what: str  # "no audit row", "value", "status", "printed" or "gone" (deleted)
    stored: str | None  # the figure's
    logged: str | None  # the newest audit row's

    def __init__(self, entity: str, year: int, indicator: str, what: str,
                 stored: str | None = None, logged: str | None = None) -> None:
        self.__dict__.update(entity=entity, year=year, indicator=indicator, what=what,
                             stored=stored, logged=logged)

    def describe(self, lang: str = "en") -> str:
        """What differs, in English or (lang "zh") Chinese."""
        where = f"{self.entity} {self.year} {self.indicator}"
        if lang == "zh":
            if self.what == "no audit row":
                return f"{where}：没有审计记录"
            if self.what == "gone":
                return f"{where}：数据已不存在，审计日志记为 {self.logged!r}"
            what = {"value": "数值", "status": "状态", "printed": "报告所印数据"}[self.what]
            return f"{where}：{what}为 {self.stored!r}，审计日志记为 {self.logged!r}"
        if self.what == "no audit row":
            return f"{where}: no audit row"
        if self.what == "gone":
            return f"{where}: the figure is gone, the audit log says {self.logged!r}"
        what = "printed figure" if self.what == "printed" else self.what
        return f"{where}: the {what} is {self.stored!r}, the audit log says {self.logged!r}"


class ChainReport(Frozen):
    """What checking the audit log found."""

    _fields = ("rows", "broken_at", "reason", "broken", "sealed", "mismatches", "documents")
    rows: int
    broken_at: int | None  # the id of the first broken row not sealed
    reason: str
    broken: tuple[int, ...]  # every broken row not sealed, in id order
    sealed: tuple[int, ...]  # broken rows a later sealing row names
    mismatches: tuple[Mismatch, ...]  # figures that differ from the log
    documents: tuple[tuple[str, str], ...]  # stored documents whose bytes changed (en, zh)

    def __init__(self, rows: int, broken_at: int | None, reason: str = "",
                 broken: tuple[int, ...] = (), sealed: tuple[int, ...] = (),
                 mismatches: tuple[Mismatch, ...] = (),
                 documents: tuple[tuple[str, str], ...] = (),
                 ) -> None:
        self.__dict__.update(rows=rows, broken_at=broken_at, reason=reason, broken=broken,
                             sealed=sealed, mismatches=mismatches, documents=documents)

    def with_documents(self, documents: tuple[tuple[str, str], ...]) -> ChainReport:
        """The report with the stored documents found changed (see evidence_check)."""
        return ChainReport(self.rows, self.broken_at, self.reason, self.broken, self.sealed,
                           self.mismatches, documents)

    @property
    def intact(self) -> bool:
        """The hash chain holds (sealed rows apart)."""
        return self.broken_at is None

    @property
    def sound(self) -> bool:
        """The chain holds, every figure is what the log says and every document is the
        one stored."""
        return self.intact and not self.mismatches and not self.documents

    def first_mismatch(self) -> tuple[str, str]:
        """The first figure that differs from the log, in English and Chinese ("" when
        none)."""
        if not self.mismatches:
            return "", ""
        first = self.mismatches[0]
        return first.describe(), first.describe("zh")

    def problems(self, lang: str = "en") -> list[str]:
        """What is wrong, one line each (empty when sound), in English or (lang "zh")
        Chinese."""
        lines = [f"审计记录第 {row} 行被修改，或其前的某行被删除" if lang == "zh" else
                 f"audit row {row} was changed, or a row before it removed"
                 for row in self.broken]
        return (lines + [m.describe(lang) for m in self.mismatches]
                + [zh if lang == "zh" else en for en, zh in self.documents])


# Every column, read by name: a file not yet upgraded has no department (nor, before 0004,
# a hash), and is still checked. The chain is read a page of rows at a time, by id, so
# checking it takes the same memory whatever the size of the log.
SELECT_CHAIN_PAGE = "SELECT * FROM audit WHERE id > ? ORDER BY id LIMIT ?"
CHAIN_PAGE = 5000  # rows read at once


def chain_rows(query: Callable[[str, tuple[Any, ...]], Sequence[Any]],
               page: int | None = None) -> Iterator[Any]:
    """The audit log's rows in id order, read a page at a time through `query` (a read
    statement with its parameters, on either engine)."""
    size = page or CHAIN_PAGE
    last = -1
    while True:
        rows = query(SELECT_CHAIN_PAGE, (last, size))
        yield from rows
        if len(rows) < size:
            return
        last = rows[-1]["id"]


SEAL = "seal"  # the action of a sealing row


def differs_warning(count: int, first: tuple[str, str]) -> tuple[str, str]:
    """What a window says when figures differ from the audit log (en, zh), with the first
    difference as each language says it."""
    verb = "differs" if count == 1 else "differ"
    return (f"Warning: {counted(count, 'figure')} {verb} from the audit log (first: "
            f"{first[0]}); they were changed outside esgdesk.",
            f"警告：有 {count} 个数据与审计日志不符（第一个：{first[1]}）；它们曾在 esgdesk 之外"
            "被修改。")


def sealed_rows(row: Mapping[str, Any]) -> dict[int, str]:
    """The rows a sealing row names, each with the digest of what it held when sealed."""
    try:
        named = json.loads(row.get("new_value") or "{}")
        return {int(key): str(value) for key, value in named.items()}
    except (ValueError, AttributeError, TypeError):
        return {}


def row_digest(row: Mapping[str, Any]) -> str:
    """What a row holds, its stored hash included (a sealed row must keep holding it)."""
    return audit_hash(str(row.get("hash") or ""), row)


def verify_rows(rows: Iterable[Any], mismatches: Sequence[Mismatch] = ()) -> ChainReport:
    """Check rows of the audit table (all columns, by name) in id order: every broken row,
    less those a valid sealing row after them names (holding what it held when sealed).
    The rows are read once, as they come: only the broken ones are remembered."""
    previous = ""
    count = 0
    broken: list[int] = []
    digests: dict[int, str] = {}
    unhashed: set[int] = set()  # broken rows that hold no hash at all
    sealed: set[int] = set()
    at: dict[str, int] = {}
    for row in rows:
        if not count:  # every row has the same columns, read by position (a dict per row,
            at = {name: n for n, name in enumerate(row.keys())}  # or by name, costs a third)
        count += 1
        get = row.get if isinstance(row, dict) else _by_position(row, at)
        stored = get("hash") or ""
        if stored != _hash_of(previous, get):
            broken.append(row["id"])
            digests[row["id"]] = row_digest(dict(row))
            if not stored:
                unhashed.add(row["id"])
        elif get("action") == SEAL:
            sealed |= {row_id for row_id, digest in sealed_rows(dict(row)).items()
                       if digests.get(row_id) == digest}
        previous = stored
    left = tuple(row_id for row_id in broken if row_id not in sealed)
    reason = ""
    if left:
        reason = f"audit row {left[0]} " + (
            "has no hash" if left[0] in unhashed else
            "was changed, or a row before it was removed or changed")
        if len(left) > 1:
            reason += f" (and {len(left) - 1} more: {', '.join(map(str, left[1:]))})"
    if mismatches and not reason:
        reason = (f"{counted(len(mismatches), 'figure')} "
                  f"{'differs' if len(mismatches) == 1 else 'differ'} from the audit log: "
                  + mismatches[0].describe())
    return ChainReport(count, left[0] if left else None, reason, left,
                       tuple(sorted(sealed)), tuple(mismatches))


def _by_position(row: Sequence[Any], at: dict[str, int]) -> Callable[[str], Any]:
    """A row's column by name (None when it has none), read by its position."""
    values = tuple(row)

    def get(key: str) -> Any:
        n = at.get(key)
        return None if n is None else values[n]
    return get


def _state_text_sql() -> str:
    """SQL for a figure as the audit log writes it (esgdesk.model.states.state_text)."""
    from esgdesk.model.states import STATES

    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    cases = " ".join(f"WHEN {literal(s.id)} THEN {literal(s.text)}" for s in STATES.values())
    return f"CASE v.state {cases} ELSE v.value END"


def differing_figures_sql(entities: int = 0, printed: bool = True) -> str:
    """The figures that differ from the newest audit rows written about them, found by the
    database in one pass (both engines): the value (or state) of the newest change or
    restatement (a computed figure's "recompute" rows log what it reads now, its row holds
    no value), the status of the newest status row ("draft" before any), the figure a
    report prints instead of it (the newest "printed" row), or no row at all; and the
    figures the log holds that are gone (logged_status "gone", status NULL).
    With `entities`, those of so many entities only, their ids the parameters (given twice:
    for the log, then for the figures). `printed` False: a file from before figures were
    printed otherwise (revision 0012's column) has none to compare."""
    ids = ", ".join("?" * entities)
    of_log = f"entity_id IN ({ids}) AND " if entities else ""
    of_figures = f" WHERE v.entity_id IN ({ids})" if entities else ""
    return (
        "WITH logged AS (SELECT entity_id, year, indicator, "
        "  max(CASE WHEN action IN ('set', 'restate') THEN id END) AS vid, "
        "  max(CASE WHEN action IN ('status', 'restate', 'recompute') "
        "      AND new_status IS NOT NULL "
        "      THEN id END) AS sid, "
        "  max(CASE WHEN action = 'printed' THEN id END) AS pid "
        f"  FROM audit WHERE {of_log}action IN ('set', 'note', 'status', 'restate', "
        "    'recompute', 'printed') "
        "  GROUP BY entity_id, year, indicator), "
        "figures AS (SELECT e.code AS entity, v.year, v.indicator, "
        f"  {_state_text_sql()} AS value, v.status, l.entity_id IS NOT NULL AS logged, "
        "  (SELECT b.new_value FROM audit b WHERE b.id = l.vid) AS logged_value, "
        "  coalesce((SELECT b.new_status FROM audit b WHERE b.id = l.sid), 'draft') "
        f"    AS logged_status, {'v.printed' if printed else 'NULL'} AS printed, "
        "  (SELECT b.new_value FROM audit b WHERE b.id = l.pid) AS logged_printed "
        "  FROM value v JOIN entity e ON e.id = v.entity_id "
        "  LEFT JOIN logged l ON l.entity_id = v.entity_id AND l.year = v.year "
        f"   AND l.indicator = v.indicator{of_figures}) "
        "SELECT * FROM figures WHERE NOT logged "
        "  OR (value IS NULL) <> (logged_value IS NULL) OR value <> logged_value "
        "  OR status <> logged_status "
        "  OR (printed IS NULL) <> (logged_printed IS NULL) OR printed <> logged_printed "
        # esgdesk deletes no figure: one the log holds that is gone was deleted behind it
        "UNION ALL SELECT e.code, l.year, l.indicator, NULL, NULL, 1 = 1, "
        "  (SELECT b.new_value FROM audit b WHERE b.id = l.vid), 'gone', NULL, NULL "
        "  FROM logged l JOIN entity e ON e.id = l.entity_id "
        "  WHERE NOT EXISTS (SELECT 1 FROM value v WHERE v.entity_id = l.entity_id "
        "    AND v.year = l.year AND v.indicator = l.indicator)")


def reconcile(rows: Sequence[Any]) -> list[Mismatch]:
    """The figures (rows of differing_figures_sql) that differ from the audit log, each
    with what differs."""
    found: list[Mismatch] = []
    for row in rows:
        place = (str(row["entity"]), int(row["year"]), str(row["indicator"]))
        if not row["logged"]:
            found.append(Mismatch(*place, "no audit row"))
            continue
        if row["status"] is None:  # the log's figure is not in the database
            found.append(Mismatch(*place, "gone", None, row["logged_value"]))
            continue
        if row["value"] != row["logged_value"]:
            found.append(Mismatch(*place, "value", row["value"], row["logged_value"]))
        if row["status"] != row["logged_status"]:
            found.append(Mismatch(*place, "status", row["status"], row["logged_status"]))
        if row["printed"] != row["logged_printed"]:
            found.append(Mismatch(*place, "printed", row["printed"], row["logged_printed"]))
    return sorted(found, key=lambda m: (m.entity, m.year, m.indicator, m.what))


# The figures of so many entities are compared with the log in one read: on a file (whose
# rollback journal keeps a write waiting while any read goes on) the file check beside the
# window then holds the file a tenth of a second at a time, not the seconds one pass over a
# large group's every figure takes.
FIGURES_COMPARED_AT_ONCE = 16


def _differing_figures(connection: sqlite3.Connection) -> list[Any]:
    """The rows of differing_figures_sql on a file, read a few entities at a time."""
    ids = [row[0] for row in connection.execute("SELECT id FROM entity ORDER BY id")]
    printed = any(row[1] == "printed" for row in connection.execute("PRAGMA table_info(value)"))
    found: list[Any] = []
    for start in range(0, len(ids), FIGURES_COMPARED_AT_ONCE):
        some = ids[start:start + FIGURES_COMPARED_AT_ONCE]
        found += connection.execute(differing_figures_sql(len(some), printed),
                                    (*some, *some)).fetchall()
    return found  # every figure's: each is an entity's (the one pass joins them the same)


def verify(path: str | Path, page: int | None = None,
           progress: Callable[[str, int, int], None] | None = None) -> ChainReport:
    """Check the whole chain of a database file (read-only), `page` rows read at a time;
    `progress` is told each step: ("figures", 0, 1) as the figures are compared with the
    log, then ("chain", the last row checked, the last row) after each page."""
    try:
        connection = connect_reader(Path(path))
        try:
            def query(sql: str, params: tuple[Any, ...]) -> list[Any]:
                rows = connection.execute(sql, params).fetchall()
                if progress is not None and rows:
                    progress("chain", int(rows[-1]["id"]), last)
                return rows

            if progress is not None:
                progress("figures", 0, 1)
            mismatches = reconcile(_differing_figures(connection))
            last = int(connection.execute("SELECT coalesce(max(id), 0) FROM audit")
                       .fetchone()[0])
            if progress is not None:
                progress("chain", 0, last)
            return verify_rows(chain_rows(query, page), mismatches)
        finally:
            connection.close()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise database_error(path, exc) from exc


# The actions of an entity's own changes: added, put in a province, a choice of the method,
# the company's names (on the group).
ENTITY_ACTIONS = ("entity", "rename", "close", "move", "province", "method", "company")

AUDIT_COLUMNS = ('id, at, "user", action, entity_id, year, indicator, department, old_value, '
                 'new_value, old_status, new_status, reason, source, entered, factor, '
                 'db_user')


class AuditPart(StorePart):
    """Reading the audit log: a figure's history, the whole log, its head and its chain (the
    store's entities part, composed beside it in Store, names the entities)."""

    def history(self, entity: str, year: int, indicator: str) -> list[AuditRecord]:
        self.known_indicator(year, indicator)  # type: ignore[attr-defined]
        ent = self.entity(entity)  # type: ignore[attr-defined]
        rows = self._query(f"SELECT {AUDIT_COLUMNS} FROM audit WHERE entity_id = ? AND year = ? "
                           "AND indicator = ? ORDER BY id", (ent.id, year, indicator))
        return [read_record(AuditRecord, r, entity=ent.code) for r in rows]

    def entity_history(self, entity: str) -> list[AuditRecord]:
        """An entity's own audited changes, oldest first: its coming in, its renames, moves
        and close, its province, and the method's choices made for it (the database's, for
        the group)."""
        ent = self.entity(entity)  # type: ignore[attr-defined]
        rows = self._query(f"SELECT {AUDIT_COLUMNS} FROM audit WHERE entity_id = ? AND "
                           f"action IN ({', '.join('?' * len(ENTITY_ACTIONS))}) ORDER BY id",
                           (ent.id, *ENTITY_ACTIONS))
        return [read_record(AuditRecord, r, entity=ent.code) for r in rows]

    def audit_log(self) -> list[AuditRecord]:
        codes = self._codes()  # type: ignore[attr-defined]
        rows = self._query(f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY id")
        return [read_record(AuditRecord, r, entity=codes[r["entity_id"]]) for r in rows]

    def audit_chain(self) -> list[dict[str, Any]]:
        """Every audit row, every column by name, in order (to check the chain elsewhere)."""
        return [dict(r) for r in chain_rows(self._scan)]  # type: ignore[attr-defined]

    def audit_head(self) -> str:
        """The hash of the newest audit row ("" for an empty log)."""
        rows = self._query("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
        return str(rows[0]["hash"]) if rows else ""

    def verify_audit(self) -> ChainReport:
        """Check the audit log's hash chain (every broken row not sealed) and the figures
        against it."""
        mismatches = reconcile(self._query(differing_figures_sql()))
        return verify_rows(chain_rows(self._scan), mismatches  # type: ignore[attr-defined]
                           ).with_documents(changed_documents(self._query))

    def seal_audit(self, reason: str, user: str) -> ChainReport:
        """Seal the broken rows of the chain (the owner's act, audited by the sealing row
        itself, which names them and what each holds): the chain verifies again from here,
        and rows broken later are still found. Refused when nothing is broken."""
        from esgdesk.errors import EsgdeskError, Forbidden, NeedsReason
        from esgdesk.storage.base import now

        if not reason.strip():
            raise NeedsReason("sealing the audit log needs a reason",
                              "封存审计日志需要说明原因")
        report = verify_rows(chain_rows(self._scan))  # type: ignore[attr-defined]
        if not report.broken:
            raise EsgdeskError("the audit chain is intact: there is nothing to seal",
                               "审计链完好：没有需要封存的内容", kind="nothing_to_seal")
        named = {str(row["id"]): row_digest(dict(row)) for start in
                 range(0, len(report.broken), 500) for row in self._query(
                     f"SELECT * FROM audit WHERE id IN "
                     f"({', '.join('?' * len(report.broken[start:start + 500]))})",
                     report.broken[start:start + 500])}
        root = self.entities()[0].id  # type: ignore[attr-defined]
        try:
            with self._writing() as s:  # type: ignore[attr-defined]
                add_audit_row(s, at=now(), user=user, action=SEAL, entity_id=root, year=0,
                              new_value=json.dumps(named, separators=(",", ":")),
                              reason=reason.strip())
        except Forbidden as exc:  # on a server no role but the owner writes the audit log
            raise Forbidden(exc.path, "only the owner of the database's tables may seal the "
                            "audit log; nothing was written",
                            "只有数据库表的所有者可以封存审计日志；没有写入任何内容") from exc
        return self.verify_audit()
