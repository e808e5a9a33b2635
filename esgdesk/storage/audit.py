"""The audit log's hash chain: each row carries a SHA-256 over its content and the previous
row's hash, so an edit, a deletion or a reordering made outside esgdesk breaks the chain
at the first row touched. `verify` finds that row."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The columns a hash covers, in this order (entity by its row id, as stored).
CHAINED = ("at", "user", "action", "entity_id", "year", "indicator", "old_value", "new_value",
           "old_status", "new_status", "reason", "source")


def audit_hash(previous: str, row: dict[str, Any] | Any) -> str:
    """The hash of one audit row (a dict or an object with the CHAINED attributes)."""
    get = row.get if isinstance(row, dict) else (lambda key: getattr(row, key, None))
    content = [previous, *(get(key) for key in CHAINED)]
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    rows: int
    broken_at: int | None  # the id of the first row whose hash does not match
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_rows(rows: list[tuple[Any, ...]]) -> ChainReport:
    """Rows are (id, *CHAINED, hash) in id order."""
    previous = ""
    for row in rows:
        row_id, values, stored = row[0], dict(zip(CHAINED, row[1:-1], strict=True)), row[-1]
        if stored != audit_hash(previous, values):
            reason = ("has no hash" if not stored else
                      "was changed, or a row before it was removed or changed")
            return ChainReport(len(rows), row_id, f"audit row {row_id} {reason}")
        previous = stored
    return ChainReport(len(rows), None)


SELECT_CHAIN = f"SELECT id, {', '.join(CHAINED)}, hash FROM audit ORDER BY id"


def verify(path: str | Path) -> ChainReport:
    """Check the whole chain of a database file (read-only)."""
    connection = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        return verify_rows(connection.execute(SELECT_CHAIN).fetchall())
    finally:
        connection.close()
