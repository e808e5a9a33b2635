"""Storage: opening a database, reading and writing figures, each write one audited transaction."""

from __future__ import annotations

import getpass
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.errors import (
    DatabaseError,
    DerivedIndicator,
    EsgdeskError,
    InvalidValue,
    StaleValue,
    UnknownEntity,
    ValueLocked,
)
from esgdesk.model.catalogue import Catalogue, Indicator
from esgdesk.model.entities import EntityInfo, EntityTree
from esgdesk.model.states import special_state
from esgdesk.model.types import ValueRefused, text_problem

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import Session

    from esgdesk.storage.audit import ChainReport
    from esgdesk.storage.models import Value

STATUSES = ("draft", "submitted", "approved", "locked")
VALUE_COLUMNS = ("entity_id, year, indicator, value, state, note, status, changed_by, "
                 "changed_at, version, published, restated")
REQUEST_STATUSES = ("requested", "submitted", "approved", "locked")
REQUEST_COLUMNS = ("id, entity_id, year, department, assignee, due, status, changed_by, "
                   "changed_at")
RESTATEMENT_REASONS = {
    "error": ("更正错误", "error corrected"),
    "method": ("计算方法变更", "method changed"),
    "boundary": ("统计范围变更", "boundary changed"),
}
AUDIT_COLUMNS = ("id, at, user, action, entity_id, year, indicator, old_value, new_value, "
                 "old_status, new_status, reason, source")

# The revisions in esgdesk/migrations/versions, oldest first. Kept here so that
# opening an up-to-date database never imports Alembic (tests hold the two equal).
SCHEMA_REVISIONS = ("0001", "0002", "0003", "0004")
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def current_user() -> str:
    """Who is making changes: $ESGDESK_USER, else the login name."""
    try:
        return os.environ.get("ESGDESK_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def sqlite_has_wal_reset_fix(version: str = sqlite3.sqlite_version) -> bool:
    """True when the linked SQLite has the fix for the WAL-reset corruption race.

    Fixed in 3.51.3, with backports to 3.50.7 and 3.44.6.
    """
    parts = tuple(int(p) for p in version.split(".")[:3])
    major_minor, patch = parts[:2], parts[2] if len(parts) > 2 else 0
    if parts >= (3, 51, 3):
        return True
    return (major_minor == (3, 50) and patch >= 7) or (major_minor == (3, 44) and patch >= 6)


def journal_mode() -> str:
    """WAL only where SQLite is safe with it; otherwise the rollback journal."""
    return "wal" if sqlite_has_wal_reset_fix() else "delete"


def make_engine(path: Path) -> Engine:
    """An engine on a SQLite file with our pragmas on every connection."""
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}")
    mode = journal_mode()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA journal_mode = {mode}")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        # Writers take the write lock up front, so a read-then-write never
        # fails on a stale snapshot.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@dataclass(frozen=True)
class StoredValue:
    entity: str
    year: int
    indicator: str
    value: str | None
    state: str
    note: str
    status: str
    changed_by: str
    changed_at: str
    version: int
    published: str | None = None  # what was published before a restatement
    restated: str = ""  # why it was restated ("error: …")


@dataclass(frozen=True)
class RequestInfo:
    """A data request and where it stands: requested → submitted → approved → locked."""

    id: str
    entity: str
    year: int
    department: str
    assignee: str
    due: str
    status: str
    changed_by: str
    changed_at: str


@dataclass(frozen=True)
class SubmissionInfo:
    sha256: str
    request_id: str
    file_name: str
    submitted_by: str
    saved_at: str
    imported_by: str
    imported_at: str
    figures: int


@dataclass(frozen=True)
class Change:
    """One figure to write: what the user typed, for which entity, year and indicator."""

    entity: str
    year: int
    indicator: str
    text: str | None  # None clears the figure
    note: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: str
    user: str
    action: str
    entity: str
    year: int
    indicator: str
    old_value: str | None
    new_value: str | None
    old_status: str | None
    new_status: str | None
    reason: str
    source: str


class Store:
    """An open esgdesk database. Every method that writes is one transaction.

    Reads are plain SQL on a read-only connection; writes are SQLAlchemy units
    of work. SQLAlchemy is imported on the first write, not at start-up, so the
    first window paints without it.
    """

    def __init__(self, path: Path, catalogue: Catalogue) -> None:
        self.path = path
        self.catalogue = catalogue
        self._engine: Engine | None = None
        self._reader: sqlite3.Connection | None = None
        self._entities: dict[str, EntityInfo] | None = None
        self._sound: bool | None = None  # None until integrity_check has run

    def check(self) -> None:
        """SQLite's integrity_check, once, before the first write: a damaged file is read
        but never written to. (quick_check is not enough: the fuzz test found bit-flipped
        files with broken indexes that pass it.)"""
        if self._sound is None:
            from esgdesk.storage.backup import check_file

            problem = check_file(self.path, full=True)
            self._sound = problem is None
            self._problem = problem or ""
        if not self._sound:
            raise DatabaseError(str(self.path), f"is damaged ({self._problem}); nothing will "
                                "be written to it. Restore the latest backup (esgdesk "
                                "restore, or File → Open offers it)")

    def mark_sound(self) -> None:
        """The integrity check passed (run elsewhere on this file, e.g. on a worker thread)."""
        if self._sound is None:
            self._sound = True

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.path)
        return self._engine

    def warm_up(self) -> None:
        """Check the file and connect the writing side now (once the window is up)."""
        self.check()
        self.engine.connect().close()

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._engine is not None:
            self._engine.dispose()

    # -- transactions -------------------------------------------------------
    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """One read statement in autocommit mode: no lock outlives it."""
        if self._reader is None:
            self._reader = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                           isolation_level=None, check_same_thread=False)
            self._reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            return self._reader.execute(sql, tuple(params)).fetchall()
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file, too
            raise DatabaseError(str(self.path), _explain_message(str(exc))) from exc

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm import Session

        self.check()
        try:
            with Session(self.engine) as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise DatabaseError(str(self.path), _explain(exc)) from exc

    # -- entities -------------------------------------------------------------
    def entities(self) -> list[EntityInfo]:
        """Every entity, parents before their children."""
        return list(self._entity_map().values())

    def entity(self, code: str) -> EntityInfo:
        try:
            return self._entity_map()[code]
        except KeyError:
            raise UnknownEntity(code) from None

    def children(self, code: str) -> list[EntityInfo]:
        return self.tree().children(code)

    def tree(self) -> EntityTree:
        """The entities as a tree, for every walk over the group's structure."""
        return EntityTree(self._entity_map().values())

    def root(self) -> EntityInfo:
        roots = [e for e in self.entities() if e.parent is None]
        if not roots:
            raise UnknownEntity("(no entities in this database)")
        return roots[0]

    def _entity_map(self) -> dict[str, EntityInfo]:
        if self._entities is None:
            rows = self._query("SELECT id, code, name_zh, name_en, kind, parent_id FROM entity "
                               "ORDER BY id")
            codes = {r[0]: r[1] for r in rows}
            infos = [EntityInfo(r[0], r[1], r[2], r[3], r[4], codes.get(r[5])) for r in rows]
            self._entities = EntityTree(infos).by_code
        return self._entities

    def add_entity(self, code: str, name_zh: str, name_en: str, kind: str,
                   parent: str | None = None) -> EntityInfo:
        from esgdesk.storage.models import Entity

        parent_id = self.entity(parent).id if parent else None
        if code in self._entity_map():
            raise EsgdeskError(f"entity '{code}' exists already")
        with self._writing() as s:
            s.add(Entity(code=code, name_zh=name_zh, name_en=name_en, kind=kind,
                         parent_id=parent_id))
        self._entities = None
        return self.entity(code)

    # -- settings -------------------------------------------------------------
    def setting(self, key: str, default: str = "") -> str:
        rows = self._query("SELECT value FROM setting WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else default

    def set_setting(self, key: str, value: str) -> None:
        from esgdesk.storage.models import Setting

        with self._writing() as s:
            s.merge(Setting(key=key, value=value))

    # -- reading figures ----------------------------------------------------
    def get(self, entity: str, year: int, indicator: str) -> StoredValue | None:
        self.catalogue.indicator(indicator)
        ent = self.entity(entity)
        rows = self._query(f"SELECT {VALUE_COLUMNS} FROM value WHERE entity_id = ? AND year = ? "
                           "AND indicator = ?", (ent.id, year, indicator))
        return _stored_row(ent.code, rows[0]) if rows else None

    def values(self, entity: str, years: Iterable[int]) -> dict[tuple[str, int], StoredValue]:
        """Every stored figure of an entity for the given years, keyed by (indicator, year)."""
        return {(ind, year): value for (_e, ind, year), value
                in self.figures_of([entity], years).items()}

    def figures_of(self, entities: Iterable[str], years: Iterable[int],
                   ) -> dict[tuple[str, str, int], StoredValue]:
        """Stored figures of several entities, keyed by (entity, indicator, year)."""
        ids = {self.entity(code).id: code for code in entities}
        wanted = list(years)
        if not ids or not wanted:
            return {}
        rows = self._query(
            f"SELECT {VALUE_COLUMNS} FROM value WHERE entity_id IN "
            f"({','.join('?' * len(ids))}) AND year IN ({','.join('?' * len(wanted))})",
            [*ids, *wanted])
        return {(ids[r[0]], r[2], r[1]): _stored_row(ids[r[0]], r) for r in rows}

    def years(self) -> list[int]:
        """The years any entity holds figures for. Each entity's years are found by seeking
        the (entity, year) index from one year to the next, so a large file is not scanned."""
        return [r[0] for r in self._query(
            "WITH RECURSIVE held(entity, year) AS ("
            " SELECT id, (SELECT MIN(year) FROM value WHERE entity_id = entity.id) FROM entity"
            " UNION ALL SELECT entity, (SELECT MIN(year) FROM value"
            "  WHERE entity_id = held.entity AND year > held.year)"
            " FROM held WHERE year IS NOT NULL)"
            " SELECT DISTINCT year FROM held WHERE year IS NOT NULL ORDER BY year")]

    def all_values(self) -> Iterator[StoredValue]:
        """Every stored figure, by entity, year and indicator."""
        codes = {e.id: e.code for e in self.entities()}
        rows = self._query(f"SELECT {VALUE_COLUMNS} FROM value "
                           "ORDER BY entity_id, year, indicator")
        for row in rows:
            yield _stored_row(codes[row[0]], row)

    def history(self, entity: str, year: int, indicator: str) -> list[AuditRecord]:
        self.catalogue.indicator(indicator)
        ent = self.entity(entity)
        rows = self._query(f"SELECT {AUDIT_COLUMNS} FROM audit WHERE entity_id = ? AND year = ? "
                           "AND indicator = ? ORDER BY id", (ent.id, year, indicator))
        return [_audit_row(ent.code, r) for r in rows]

    def audit_head(self) -> str:
        """The hash of the newest audit row ("" for an empty log)."""
        rows = self._query("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
        return str(rows[0][0]) if rows else ""

    def verify_audit(self) -> ChainReport:
        """Check the audit log's hash chain; the first broken row, if any."""
        from esgdesk.storage.audit import SELECT_CHAIN, verify_rows

        return verify_rows(self._query(SELECT_CHAIN))

    def audit_log(self) -> list[AuditRecord]:
        codes = {e.id: e.code for e in self.entities()}
        rows = self._query(f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY id")
        return [_audit_row(codes[r[4]], r) for r in rows]

    # -- writing figures ----------------------------------------------------
    def set_value(self, change: Change, user: str, reason: str = "",
                  source: str = "") -> StoredValue:
        """Write one figure (one transaction, one audit row)."""
        return self.set_values([change], user, reason, source)[0]

    def set_values(self, changes: Iterable[Change], user: str, reason: str = "",
                   source: str = "") -> list[StoredValue]:
        """Write many figures at once: all of them, or none if any is refused."""


        prepared = [(c, self._prepare(c)) for c in changes]
        stamp = now()
        written: list[StoredValue] = []
        with self._writing() as s:
            for change, (stored_text, state) in prepared:
                ent = self.entity(change.entity)
                row = _row_of(s, ent.id, change.year, change.indicator)
                written.append(self._write(s, ent, row, change, stored_text, state, user,
                                           stamp, reason, source))
        return written

    def _prepare(self, change: Change) -> tuple[str | None, str]:
        """The stored text and state ("value", "not_applicable", "not_available")."""
        indicator = self.catalogue.indicator(change.indicator)
        self.entity(change.entity)
        if indicator.formula is not None:
            if change.text is None:
                raise DerivedIndicator(indicator.id, indicator.formula.text)
            return parse_value(indicator, change.text), "value"
        if change.text is None:
            return None, "value"
        state = special_state(change.text)
        if state is not None:
            return None, state
        return parse_value(indicator, change.text), "value"

    def _write(self, s: Session, ent: EntityInfo, row: Value | None, change: Change,
               stored_text: str | None, state: str, user: str, stamp: str, reason: str,
               source: str) -> StoredValue:
        from esgdesk.storage.models import AuditEntry, Value

        if row is not None and row.status == "locked":
            raise ValueLocked(ent.code, change.year, change.indicator)
        if change.expected_version is not None:
            current = row.version if row else 0
            if current != change.expected_version:
                raise StaleValue(change.indicator, row.changed_by if row else "?",
                                 row.changed_at if row else "?")
        old_value = _audit_text(row.value, row.state) if row else None
        if change.note is not None:
            _check_note(change.indicator, change.note)
        note = change.note if change.note is not None else (row.note if row else "")
        if row is None and stored_text is None and state == "value" and not note:
            raise EsgdeskError(f"{change.indicator} for {ent.code} {change.year} has no value")
        if row is None:
            row = Value(entity_id=ent.id, year=change.year, indicator=change.indicator,
                        value=stored_text, state=state, note=note, status="draft",
                        changed_by=user, changed_at=stamp, version=1)
            s.add(row)
        elif row.value == stored_text and row.state == state and row.note == note:
            return _stored(ent.code, row)
        else:
            row.value, row.note, row.state = stored_text, note, state
            row.changed_by, row.changed_at, row.version = user, stamp, row.version + 1
        _add_audit(s, AuditEntry(at=stamp, user=user, action="set", entity_id=ent.id,
                         year=change.year, indicator=change.indicator, old_value=old_value,
                         new_value=_audit_text(stored_text, state), old_status=None,
                         new_status=None, reason=reason or (change.note or ""), source=source))
        s.flush()
        return _stored(ent.code, row)

    def set_note(self, entity: str, year: int, indicator: str, note: str, user: str,
                 expected_version: int | None = None) -> StoredValue:
        """Change a figure's note (its explanation or source), keeping the figure."""

        from esgdesk.storage.models import AuditEntry, Value

        self.catalogue.indicator(indicator)
        _check_note(indicator, note)
        ent = self.entity(entity)
        stamp = now()
        with self._writing() as s:
            row = _row_of(s, ent.id, year, indicator)
            if row is not None and row.status == "locked":
                raise ValueLocked(ent.code, year, indicator)
            if expected_version is not None and (row.version if row else 0) != expected_version:
                raise StaleValue(indicator, row.changed_by if row else "?",
                                 row.changed_at if row else "?")
            old_note = row.note if row else ""
            if row is None:
                row = Value(entity_id=ent.id, year=year, indicator=indicator, value=None,
                            state="value", note=note, status="draft", changed_by=user,
                            changed_at=stamp, version=1)
                s.add(row)
            elif old_note == note:
                return _stored(ent.code, row)
            else:
                row.note, row.changed_by, row.changed_at = note, user, stamp
                row.version += 1
            _add_audit(s, AuditEntry(at=stamp, user=user, action="note", entity_id=ent.id,
                                     year=year,
                             indicator=indicator, old_value=old_note, new_value=note,
                             old_status=None, new_status=None, reason="", source=""))
            s.flush()
            return _stored(ent.code, row)

    def set_status(self, entity: str, year: int, indicator: str, status: str, user: str,
                   reason: str = "") -> StoredValue:
        """Move a figure to draft, submitted, approved or locked (audited)."""

        from esgdesk.storage.models import AuditEntry

        if status not in STATUSES:
            raise EsgdeskError(f"status '{status}' is not one of {', '.join(STATUSES)}")
        self.catalogue.indicator(indicator)
        ent = self.entity(entity)
        stamp = now()
        with self._writing() as s:
            row = _row_of(s, ent.id, year, indicator)
            if row is None:
                raise EsgdeskError(f"{indicator} for {entity} {year} has no value yet")
            if row.status == "locked" and status != "locked" and not reason.strip():
                raise EsgdeskError(f"unlocking {indicator} for {entity} {year} needs a reason")
            old = row.status
            row.status, row.version = status, row.version + 1
            row.changed_by, row.changed_at = user, stamp
            _add_audit(s, AuditEntry(at=stamp, user=user, action="status", entity_id=ent.id,
                             year=year, indicator=indicator, old_value=row.value,
                             new_value=row.value, old_status=old, new_status=status,
                             reason=reason, source=""))
            s.flush()
            return _stored(ent.code, row)

    def restate(self, entity: str, year: int, indicator: str, text: str, kind: str,
                reason: str, user: str) -> StoredValue:
        """Change a locked (published) figure: a restatement (GRI 2-4). It keeps the
        published figure beside the new one, stays locked, and needs a kind and a reason."""
        from esgdesk.storage.models import AuditEntry

        if kind not in RESTATEMENT_REASONS:
            raise EsgdeskError(f"a restatement's kind is one of {', '.join(RESTATEMENT_REASONS)}"
                               f", not '{kind}'")
        if not reason.strip():
            raise EsgdeskError(f"restating {indicator} for {entity} {year} needs a reason")
        _check_note(indicator, reason, "the reason")
        stored_text, state = self._prepare(Change(entity, year, indicator, text))
        ent = self.entity(entity)
        stamp = now()
        with self._writing() as s:
            row = _row_of(s, ent.id, year, indicator)
            if row is None or row.status != "locked":
                raise EsgdeskError(f"{indicator} for {entity} {year} is not locked (published); "
                                   "change it instead of restating it")
            old = _audit_text(row.value, row.state)
            if row.published is None:
                row.published = old
            row.value, row.state = stored_text, state
            row.restated = f"{kind}: {reason.strip()}"
            row.changed_by, row.changed_at, row.version = user, stamp, row.version + 1
            _add_audit(s, AuditEntry(at=stamp, user=user, action="restate", entity_id=ent.id,
                                     year=year,
                             indicator=indicator, old_value=old,
                             new_value=_audit_text(stored_text, state), old_status="locked",
                             new_status="locked", reason=row.restated, source=""))
            s.flush()
            return _stored(ent.code, row)

    # -- data requests, review, submissions -------------------------------------
    def requests(self, year: int | None = None) -> list[RequestInfo]:
        codes = {e.id: e.code for e in self.entities()}
        where, params = ("WHERE year = ?", (year,)) if year is not None else ("", ())
        rows = self._query(f"SELECT {REQUEST_COLUMNS} FROM request {where} "
                           "ORDER BY year, entity_id, department", params)
        return [RequestInfo(r[0], codes[r[1]], *r[2:]) for r in rows]

    def request(self, request_id: str) -> RequestInfo | None:
        rows = self._query(f"SELECT {REQUEST_COLUMNS} FROM request WHERE id = ?", (request_id,))
        return RequestInfo(rows[0][0], self._code_of(rows[0][1]), *rows[0][2:]) if rows else None

    def request_for(self, entity: str, year: int, department: str) -> RequestInfo | None:
        rows = self._query(f"SELECT {REQUEST_COLUMNS} FROM request WHERE entity_id = ? AND "
                           "year = ? AND department = ?", (self.entity(entity).id, year,
                                                           department))
        return RequestInfo(rows[0][0], entity, *rows[0][2:]) if rows else None

    def _code_of(self, entity_id: int) -> str:
        return next(e.code for e in self.entities() if e.id == entity_id)

    def assign(self, entity: str, year: int, department: str, assignee: str, due: str,
               user: str) -> RequestInfo:
        """Create (or re-assign) the request of a department's tables for an entity and year."""
        import uuid

        from esgdesk.storage.models import AuditEntry, Request

        if department not in self.catalogue.departments:
            raise EsgdeskError(f"unknown department '{department}' (one of "
                               f"{', '.join(self.catalogue.departments)})")
        ent = self.entity(entity)
        stamp = now()
        with self._writing() as s:
            from sqlalchemy import select

            row = s.execute(select(Request).where(
                Request.entity_id == ent.id, Request.year == year,
                Request.department == department)).scalar_one_or_none()
            if row is None:
                row = Request(id=uuid.uuid4().hex, entity_id=ent.id, year=year,
                              department=department, assignee=assignee, due=due,
                              status="requested", changed_by=user, changed_at=stamp)
                s.add(row)
            elif (row.assignee, row.due) == (assignee, due):
                return self._request_info(entity, row)
            else:
                row.assignee, row.due, row.changed_by, row.changed_at = assignee, due, user, stamp
            _add_audit(s, AuditEntry(at=stamp, user=user, action="request", entity_id=ent.id,
                                     year=year,
                             indicator=f"request:{department}", old_value=None,
                             new_value=f"{assignee} {due}".strip(), old_status=None,
                             new_status=row.status, reason="", source=""))
            s.flush()
            return self._request_info(entity, row)

    @staticmethod
    def _request_info(entity: str, row: Any) -> RequestInfo:
        return RequestInfo(row.id, entity, row.year, row.department, row.assignee, row.due,
                           row.status, row.changed_by, row.changed_at)

    def set_request_status(self, request_id: str, status: str, user: str, reason: str = "",
                           lock_figures: bool = False) -> RequestInfo:
        """Move a request along requested → submitted → approved → locked (audited).

        Locking also locks every figure of the request's tables; leaving "locked"
        needs a reason and unlocks them. The checks that decide whether a request may
        be approved live in esgdesk.rules.review."""
        from sqlalchemy import select

        from esgdesk.storage.models import AuditEntry, Request, Value

        if status not in REQUEST_STATUSES:
            raise EsgdeskError(f"status '{status}' is not one of {', '.join(REQUEST_STATUSES)}")
        stamp = now()
        with self._writing() as s:
            row = s.get(Request, request_id)
            if row is None:
                raise EsgdeskError(f"no data request '{request_id}' in this database")
            entity = self._code_of(row.entity_id)
            old = row.status
            if old == "locked" and status != "locked" and not reason.strip():
                raise EsgdeskError(f"unlocking the {row.department} figures of {entity} "
                                   f"{row.year} needs a reason")
            if old == status:
                return self._request_info(entity, row)
            figure_status = "locked" if status == "locked" else (
                "draft" if old == "locked" else None)
            if figure_status is not None and (lock_figures or old == "locked"):
                ids = self.request_indicators(row.department)
                figures = s.execute(select(Value).where(
                    Value.entity_id == row.entity_id, Value.year == row.year,
                    Value.indicator.in_(ids))).scalars()
                for value in figures:
                    if value.status == figure_status:
                        continue
                    _add_audit(s, AuditEntry(at=stamp, user=user, action="status",
                                     entity_id=row.entity_id, year=row.year,
                                     indicator=value.indicator, old_value=value.value,
                                     new_value=value.value, old_status=value.status,
                                     new_status=figure_status, reason=reason, source=""))
                    value.status, value.version = figure_status, value.version + 1
                    value.changed_by, value.changed_at = user, stamp
            row.status, row.changed_by, row.changed_at = status, user, stamp
            _add_audit(s, AuditEntry(at=stamp, user=user, action="review", entity_id=row.entity_id,
                             year=row.year, indicator=f"request:{row.department}",
                             old_value=None, new_value=None, old_status=old, new_status=status,
                             reason=reason, source=""))
            s.flush()
            return self._request_info(entity, row)

    def request_indicators(self, department: str) -> list[str]:
        """The typed indicators a department supplies (what its request collects)."""
        return self.catalogue.supplied_by(department)

    def submission(self, sha256: str) -> SubmissionInfo | None:
        rows = self._query("SELECT sha256, request_id, file_name, submitted_by, saved_at, "
                           "imported_by, imported_at, figures FROM submission WHERE sha256 = ?",
                           (sha256,))
        return SubmissionInfo(*rows[0]) if rows else None

    def submissions(self, request_id: str) -> list[SubmissionInfo]:
        rows = self._query("SELECT sha256, request_id, file_name, submitted_by, saved_at, "
                           "imported_by, imported_at, figures FROM submission "
                           "WHERE request_id = ? ORDER BY id", (request_id,))
        return [SubmissionInfo(*r) for r in rows]

    def import_submission(self, changes: list[Change], submission: SubmissionInfo,
                          ) -> list[StoredValue]:
        """A returned workbook's figures, its record and the request's new status, in one
        transaction; each audit row names the file, its SHA-256 and who submitted it."""
        import json

        from esgdesk.storage.models import AuditEntry, Request, Submission

        prepared = [(c, self._prepare(c)) for c in changes]
        source = json.dumps({"file": submission.file_name, "sha256": submission.sha256,
                             "submitted_by": submission.submitted_by,
                             "request": submission.request_id}, ensure_ascii=False)
        user, stamp = submission.imported_by, submission.imported_at
        written: list[StoredValue] = []
        with self._writing() as s:
            request = s.get(Request, submission.request_id)
            if request is None:
                raise EsgdeskError(f"no data request '{submission.request_id}' in this database")
            for change, (stored_text, state) in prepared:
                ent = self.entity(change.entity)
                row = _row_of(s, ent.id, change.year, change.indicator)
                written.append(self._write(s, ent, row, change, stored_text, state, user,
                                           stamp, f"import of {submission.file_name}", source))
            s.add(Submission(**vars(submission)))
            if request.status == "requested":
                request.status, request.changed_by, request.changed_at = "submitted", user, stamp
                _add_audit(s, AuditEntry(at=stamp, user=user, action="review",
                                 entity_id=request.entity_id, year=request.year,
                                 indicator=f"request:{request.department}", old_value=None,
                                 new_value=None, old_status="requested", new_status="submitted",
                                 reason=f"import of {submission.file_name}", source=source))
            s.flush()
        return written


STATE_TEXT = {"not_applicable": "n/a", "not_available": "not available"}


def _add_audit(s: Session, entry: Any) -> None:
    """Add an audit row, chained to the one before it (the writer holds the write lock,
    so the head cannot move under it; rows are inserted in the order they are added)."""
    from sqlalchemy import text

    from esgdesk.storage.audit import audit_hash

    head = s.info.get("audit_head")
    if head is None:
        found = s.execute(text("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")).first()
        head = found[0] if found else ""
    entry.hash = audit_hash(head, entry)
    s.info["audit_head"] = entry.hash
    s.add(entry)


def _audit_text(value: str | None, state: str) -> str | None:
    """How the audit log writes a figure: its value, or the state it was given."""
    return STATE_TEXT.get(state, value)


def parse_value(indicator: Indicator, typed: str) -> str:
    """What a user typed, as stored for this indicator, or InvalidValue saying why not."""
    if indicator.formula is not None:
        raise DerivedIndicator(indicator.id, indicator.formula.text)
    try:
        return indicator.type.parse(typed)
    except ValueRefused as exc:
        raise InvalidValue(indicator.id, typed, f"{indicator.type.name}: {exc}") from None


def _row_of(s: Session, entity_id: int, year: int, indicator: str) -> Value | None:
    """The stored row of one figure, inside a writing transaction."""
    from sqlalchemy import select

    from esgdesk.storage.models import Value

    return s.execute(select(Value).where(
        Value.entity_id == entity_id, Value.year == year, Value.indicator == indicator,
    )).scalar_one_or_none()


def _check_note(indicator: str, text: str, what: str = "the note") -> None:
    """A note (or reason) must fit a workbook cell whole: refused here, never cut later."""
    problem = text_problem(text)
    if problem:
        raise InvalidValue(indicator, text[:40] + ("…" if len(text) > 40 else ""),
                           f"{what} {problem}")


def _stored_row(code: str, row: tuple[Any, ...]) -> StoredValue:
    return StoredValue(code, *row[1:])


def _audit_row(code: str, row: tuple[Any, ...]) -> AuditRecord:
    return AuditRecord(row[0], row[1], row[2], row[3], code, row[5], row[6], row[7], row[8],
                       row[9], row[10], row[11], row[12])


def _stored(code: str, row: Value) -> StoredValue:
    return StoredValue(code, row.year, row.indicator, row.value, row.state, row.note,
                       row.status, row.changed_by, row.changed_at, row.version, row.published,
                       row.restated or "")


def _explain(exc: DBAPIError) -> str:
    return _explain_message(str(exc.orig) if exc.orig is not None else str(exc))


def _explain_message(message: str) -> str:
    if "locked" in message or "busy" in message:
        return "the database is busy (another esgdesk is writing); try again in a moment"
    if "readonly" in message or "read-only" in message:
        return "the database file is read-only; nothing was written"
    if "disk" in message and "full" in message:
        return "the disk is full; nothing was written"
    if "append-only" in message:
        return "the audit log is append-only"
    return message


# -- opening ------------------------------------------------------------------

def open_database(path: str | Path, catalogue: Catalogue | None = None,
                  create: bool = False) -> Store:
    """Open (or with create=True make) an esgdesk database, upgrading an older schema.

    A file that is not SQLite, a SQLite file of another program, or a database
    made by a newer esgdesk is refused with a DatabaseError that says so.
    """
    from esgdesk.model.catalogue import load

    path = Path(path)
    catalogue = catalogue or load()
    if path.exists():
        revision = _schema_revision(path)
    elif create:
        if not path.parent.exists():
            raise DatabaseError(str(path), "the folder does not exist")
        revision = None
    else:
        raise DatabaseError(str(path), "no such database file")
    if revision is not None and revision not in SCHEMA_REVISIONS:
        raise DatabaseError(
            str(path),
            f"made by a newer esgdesk (schema {revision}); this esgdesk knows up to "
            f"{SCHEMA_HEAD}. Update esgdesk to open it.",
        )
    if revision != SCHEMA_HEAD:
        if revision is None and not create:
            raise DatabaseError(str(path), "not an esgdesk database")
        if revision is not None:  # Alembic's SQLite DDL is not transactional: back up first
            from esgdesk.storage.backup import automatic_backup, check_file

            problem = check_file(path, full=True)
            if problem is not None:
                raise DatabaseError(str(path), f"is damaged ({problem}); it was not upgraded")
            automatic_backup(path, f"before-{SCHEMA_HEAD}")
        engine = make_engine(path)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
    return Store(path, catalogue)


def _schema_revision(path: Path) -> str | None:
    """The schema revision of an existing file; None for an empty SQLite file."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(str(path), f"cannot be read ({exc.strerror})") from exc
    if not header:
        return None
    if header != SQLITE_HEADER:
        raise DatabaseError(str(path), "not an esgdesk database (not a SQLite file)")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise DatabaseError(str(path), "not an esgdesk database (a SQLite file of "
                                    "another program)")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except (sqlite3.Error, UnicodeDecodeError, ValueError) as exc:  # damaged in any way
        raise DatabaseError(str(path), f"cannot be read as a database ({exc})") from exc
    if row is None:
        raise DatabaseError(str(path), "not an esgdesk database (no schema revision)")
    return str(row[0])


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic revisions up to `revision` (only imported when needed)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect() as connection:
        # Batch migrations copy tables; references are checked once at the end.
        # The pragma only takes effect outside a transaction, hence the raw connection.
        raw = connection.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.commit()
        finally:
            raw.execute("PRAGMA foreign_keys = ON")
    if problems:
        raise DatabaseError(str(engine.url.database),
                            f"the upgrade left {len(problems)} broken references")


def create_at_revision(path: Path, revision: str) -> None:
    """Make an empty database at an older schema revision (used to test upgrades)."""
    engine = make_engine(path)
    try:
        upgrade(engine, revision)
    finally:
        engine.dispose()
