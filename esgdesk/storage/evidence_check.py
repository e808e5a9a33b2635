"""The stored documents checked against their keys: each content row's bytes hashed again
(a row at a time, so memory does not grow with the evidence) and compared with the SHA-256
they are stored under; a document changed behind esgdesk's back is named by the attachments
that show it (file name, figure)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from esgdesk.storage.engine import connect_reader, database_error

# A query by name: SQL with ? placeholders and its parameters, the rows read by column name
# (a store's _query, or a read-only SQLite connection's execute).
Fetch = Callable[[str, Sequence[Any]], Sequence[Any]]

_NEXT = ("SELECT sha256, content FROM evidence_content WHERE sha256 > ? "
         "ORDER BY sha256 LIMIT 1")
_SHOWN_BY = ("SELECT a.file_name, e.code, a.year, a.indicator FROM attachment a "
             "JOIN entity e ON e.id = a.entity_id WHERE a.sha256 = ? ORDER BY a.id")


def _contents(fetch: Fetch) -> Iterator[tuple[str, bytes]]:
    """Every stored document's key and bytes, one row read at a time (in key order)."""
    after = ""
    while True:
        rows = fetch(_NEXT, (after,))
        if not rows:
            return
        after = rows[0]["sha256"]
        yield after, bytes(rows[0]["content"])


def changed_documents(fetch: Fetch) -> tuple[tuple[str, str], ...]:
    """Each stored document whose bytes no longer hash to their key, one line (en, zh)
    naming the files and figures it is attached to (empty when every document is as
    stored)."""
    from hashlib import sha256  # on a check, not at start-up

    lines = []
    for key, content in _contents(fetch):
        if sha256(content).hexdigest() == key:
            continue
        shown = ", ".join(f"{r['file_name']} ({r['code']} {r['year']} {r['indicator']})"
                          for r in fetch(_SHOWN_BY, (key,)))
        lines.append((f"document {shown or 'attached to no figure'}: its bytes do not hash "
                      f"to the SHA-256 it was stored under ({key[:12]}…); it was changed "
                      "outside esgdesk",
                      f"文件 {shown or '（未附于任何数据）'}：其内容与存储时的 SHA-256"
                      f"（{key[:12]}…）不符；它曾在 esgdesk 之外被修改"))
    return tuple(lines)


def changed_documents_in_file(path: Path) -> tuple[tuple[str, str], ...]:
    """The stored documents of a database file whose bytes changed, read-only (none in a
    file before it held any)."""
    connection = connect_reader(path)
    try:
        if not connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                  "AND name = 'evidence_content'").fetchall():
            return ()
        return changed_documents(lambda sql, params: connection.execute(sql, params).fetchall())
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise database_error(path, exc) from exc
    finally:
        connection.close()
