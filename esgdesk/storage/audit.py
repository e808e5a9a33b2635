"""The audit log: the one builder of its rows, its hash chain, and reading it back.

Each row carries a SHA-256 over its content and the previous row's hash, so an edit, a deletion
or a reordering made outside esgdesk breaks the chain at the first row touched. `verify` finds
that row."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.storage.engine import connect_reader, database_error
from esgdesk.storage.entities import EntitiesPart
from esgdesk.storage.records import AuditRecord, read_record

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The columns a hash covers, in this order (entity by its row id, as stored). A row's
# department (schema 0005 on) is covered too, after these, when it has one: rows written
# before it existed hash as they always did.
CHAINED = ("at", "user", "action", "entity_id", "year", "indicator", "old_value", "new_value",
           "old_status", "new_status", "reason", "source")


def audit_hash(previous: str, row: Mapping[str, Any] | Any) -> str:
    """The hash of one audit row (a mapping or an object with the CHAINED attributes)."""
    import hashlib  # on the first write or check, not at start-up

    get = row.get if isinstance(row, Mapping) else (lambda key: getattr(row, key, None))
    content = [previous, *(get(key) for key in CHAINED)]
    department = get("department")
    if department is not None:
        content.append(department)
    for key in ("entered", "factor", "db_user"):  # 0008/0009 on, only when the row has one
        extra = get(key)
        if extra is not None:
            content.append([key, extra])
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def add_audit_row(s: Session, *, at: str, user: str, action: str, entity_id: int, year: int,
                  indicator: str = "", department: str | None = None,
                  old_value: str | None = None, new_value: str | None = None,
                  old_status: str | None = None, new_status: str | None = None,
                  reason: str = "", source: str = "", entered: str | None = None,
                  factor: str | None = None) -> None:
    """Add one audit row to a writing transaction, chained to the row before it.

    The writer holds the write lock, so the head cannot move under it; rows are inserted in
    the order they are added. A figure's row names its indicator; a data request's row names
    its department instead."""
    from sqlalchemy import text

    from esgdesk.storage.models import AuditEntry

    entry = AuditEntry(at=at, user=user, db_user=s.info.get("db_user"), action=action,
                       entity_id=entity_id, year=year,
                       indicator=indicator, department=department, old_value=old_value,
                       new_value=new_value, old_status=old_status, new_status=new_status,
                       reason=reason, source=source, entered=entered, factor=factor)
    head = s.info.get("audit_head")
    if head is None:
        found = s.execute(text("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")).first()
        head = found[0] if found else ""
    entry.hash = audit_hash(head, entry)
    s.info["audit_head"] = entry.hash
    s.add(entry)


def who(record: Any) -> str:
    """Who made an audited change, as shown: the user the app was told and, on a server
    where the database user differs, that user too."""
    db_user = getattr(record, "db_user", None)
    return record.user if db_user in (None, record.user) \
        else f"{record.user} (server user {db_user})"


@dataclass(frozen=True)
class ChainReport:
    rows: int
    broken_at: int | None  # the id of the first row whose hash does not match
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


# Every column, read by name: a file not yet upgraded has no department (nor, before 0004,
# a hash), and is still checked.
SELECT_CHAIN = "SELECT * FROM audit ORDER BY id"


def verify_rows(rows: Sequence[Any]) -> ChainReport:
    """Check rows of the audit table (all columns, by name) in id order."""
    previous = ""
    for row in rows:
        values = dict(row)
        stored = values.get("hash") or ""
        if stored != audit_hash(previous, values):
            reason = ("has no hash" if not stored else
                      "was changed, or a row before it was removed or changed")
            return ChainReport(len(rows), values["id"], f"audit row {values['id']} {reason}")
        previous = stored
    return ChainReport(len(rows), None)


def verify(path: str | Path) -> ChainReport:
    """Check the whole chain of a database file (read-only)."""
    try:
        connection = connect_reader(Path(path))
        try:
            return verify_rows(connection.execute(SELECT_CHAIN).fetchall())
        finally:
            connection.close()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise database_error(path, exc) from exc


AUDIT_COLUMNS = ('id, at, "user", action, entity_id, year, indicator, department, old_value, '
                 'new_value, old_status, new_status, reason, source, entered, factor, '
                 'db_user')


class AuditPart(EntitiesPart):
    """Reading the audit log: a figure's history, the whole log, its head and its chain."""

    def history(self, entity: str, year: int, indicator: str) -> list[AuditRecord]:
        self.known_indicator(year, indicator)  # type: ignore[attr-defined]
        ent = self.entity(entity)
        rows = self._query(f"SELECT {AUDIT_COLUMNS} FROM audit WHERE entity_id = ? AND year = ? "
                           "AND indicator = ? ORDER BY id", (ent.id, year, indicator))
        return [read_record(AuditRecord, r, entity=ent.code) for r in rows]

    def audit_log(self) -> list[AuditRecord]:
        codes = self._codes()
        rows = self._query(f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY id")
        return [read_record(AuditRecord, r, entity=codes[r["entity_id"]]) for r in rows]

    def audit_head(self) -> str:
        """The hash of the newest audit row ("" for an empty log)."""
        rows = self._query("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
        return str(rows[0]["hash"]) if rows else ""

    def verify_audit(self) -> ChainReport:
        """Check the audit log's hash chain; the first broken row, if any."""
        return verify_rows(self._query(SELECT_CHAIN))
