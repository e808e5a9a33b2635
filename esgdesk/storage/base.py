"""What every part of the store shares: the file and its catalogue, one engine for writing, one
read-only connection for reading, and the check that a damaged file is never written to."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.errors import DatabaseDamaged
from esgdesk.model.catalogue import Catalogue
from esgdesk.storage.engine import check_file, connect_reader, database_error, make_engine

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


def now() -> str:
    """The time a change is stamped with (UTC, to the microsecond)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class StorePart:
    """The base of the store's parts (entities, figures, audit, requests).

    Reads are plain SQL on a read-only connection, rows read by column name; writes are
    SQLAlchemy units of work. SQLAlchemy is imported on the first write, not at start-up,
    so the first window paints without it.
    """

    def __init__(self, path: Path, catalogue: Catalogue | None = None) -> None:
        self.path = path
        self.catalogue = catalogue
        self._engine: Engine | None = None
        self._reader: sqlite3.Connection | None = None
        self._sound: bool | None = None  # None until integrity_check has run
        self._problem = ""

    def check(self) -> None:
        """SQLite's integrity_check, once, before the first write: a damaged file is read
        but never written to. (quick_check is not enough: the fuzz test found bit-flipped
        files with broken indexes that pass it.)"""
        if self._sound is None:
            problem = check_file(self.path, full=True)
            self._sound = problem is None
            self._problem = problem or ""
        if not self._sound:
            raise DatabaseDamaged(
                str(self.path),
                f"is damaged ({self._problem}); nothing will be written to it. Restore the "
                "latest backup (esgdesk restore, or File → Open offers it)",
                f"文件已损坏（{self._problem}）；不会向其写入任何内容。请恢复最近的备份"
                "（esgdesk restore，或“文件 → 打开”时选择备份）")

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

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """One read statement in autocommit mode (no lock outlives it); rows by name."""
        try:
            if self._reader is None:
                self._reader = connect_reader(self.path)
            return self._reader.execute(sql, tuple(params)).fetchall()
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file, too
            raise database_error(self.path, exc) from exc

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """One write transaction, on a file known to be sound."""
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm import Session

        self.check()
        try:
            with Session(self.engine) as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise database_error(self.path, exc) from exc
