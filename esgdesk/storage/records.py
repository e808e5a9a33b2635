"""What the store hands out and takes in: frozen records of figures, requests, submissions
and audit rows, each built from a row by column name, never by position."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from typing import Any, TypeVar

R = TypeVar("R")


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
    indicator: str  # "" for a row about a data request
    old_value: str | None
    new_value: str | None
    old_status: str | None
    new_status: str | None
    reason: str
    source: str
    department: str | None = None  # the department of a data request's row


def read_record(cls: type[R], row: Any, **given: Any) -> R:
    """A record built field by field from a row, by name: a sqlite3.Row's columns or a
    mapped object's attributes. `given` supplies the fields the row names differently
    (an entity's code where the row holds its id)."""
    get = row.__getitem__ if isinstance(row, sqlite3.Row) else row.__getattribute__
    return cls(**{f.name: given[f.name] if f.name in given else get(f.name)
                  for f in fields(cls)})  # type: ignore[arg-type]


def stored_value(code: str, row: Any) -> StoredValue:
    """A figure as stored (a row read by name, or the mapped Value being written)."""
    restated = row["restated"] if isinstance(row, sqlite3.Row) else row.restated
    return read_record(StoredValue, row, entity=code, restated=restated or "")
