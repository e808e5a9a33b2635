"""What every part of the store shares: the database (a SQLite file or a PostgreSQL server) and
its catalogue, one engine for writing, one reading connection, and the check that a damaged
file is never written to. Here the store only chooses its engine (`self.server`) and asks it:
how each engine connects, reads, locks and names its errors is written in
esgdesk.storage.engine (SQLite) or esgdesk.storage.postgres, never here."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from esgdesk.errors import DatabaseDamaged
from esgdesk.model.catalogue import Catalogue
from esgdesk.storage.engine import check_file, connect_reader, database_error, make_engine
from esgdesk.storage.location import Location, ServerUrl, is_server

# The key of a write transaction's info holding the audit head before its first audit row
# (storage.audit): with the head after its last, the write's place in the chain.
HEAD_BEFORE = "audit_head_before"
UNLOGGED = ("", "")  # a write's heads when it wrote no audit row (and so changed nothing)

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


LAST_READS = 256
LAST_READ_ROWS = 20000


Kept = tuple[tuple[str, ...], list[tuple[Any, ...]]]  # a read's answer, kept: names, rows


def _kept(rows: list[dict[str, Any]]) -> Kept:
    """A server read's answer as it is kept for when the server cannot be reached: its rows
    as tuples under one tuple of column names, and of equal values in a column one held for
    all (a tree's figures repeat their indicators, states, users and times): the 256 reads a
    451-entity group's validation leaves take 14 MB so, 59 MB as the dicts they are read
    as."""
    if not rows:
        return (), []
    names = tuple(rows[0])
    columns = []
    for name in names:
        column = [row[name] for row in rows]
        held: dict[Any, Any] = {}
        with suppress(TypeError):  # an array, say: kept as it is
            column = list(map(held.setdefault, column, column))
        columns.append(column)
    return names, list(zip(*columns, strict=True))


def _answer(kept: Kept) -> list[dict[str, Any]]:
    """A kept answer's rows again, as they were read."""
    names, rows = kept
    return [dict(zip(names, row, strict=True)) for row in rows]


def _hashable(params: tuple[Any, ...]) -> bool:
    try:
        hash(params)
    except TypeError:
        return False
    return True


def now() -> str:
    """The time a change is stamped with (UTC, to the microsecond)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class StorePart:
    """The base of the store's parts (entities, figures, audit, requests).

    Reads are plain SQL on a read-only connection, rows read by column name; writes are
    SQLAlchemy units of work. SQLAlchemy is imported on the first write, not at start-up,
    so the first window paints without it.
    """

    def __init__(self, path: Location, catalogue: Catalogue | None = None) -> None:
        self.path: Location = path
        self.server = is_server(path)
        self.catalogue = catalogue
        self._engine: Engine | None = None
        self._reader: Any = None  # sqlite3.Connection, or psycopg's on a server
        self._own_pids: set[int] = set()  # on a server: the processes this store writes with
        self._sound: bool | None = None  # None until integrity_check has run
        # The audit head before and after the last write committed here (UNLOGGED when it
        # wrote no audit row: a figure written as it was), for a workspace's findings to
        # follow its own writes (see rules.workspace); None after a write that failed.
        self.last_write: tuple[str, str] | None = None
        self._problem = ""
        # On a server: the last answer of each read (the newest LAST_READS, each of at most
        # LAST_READ_ROWS rows), given again while the server cannot be reached.
        self._last_reads: dict[tuple[str, tuple[Any, ...]], Kept] = {}
        self.offline = False  # the last read on the server found it unreachable

    def check(self) -> None:
        """SQLite's integrity_check, once, before the first write: a damaged file is read
        but never written to. (quick_check is not enough: the fuzz test found bit-flipped
        files with broken indexes that pass it.)"""
        if self._sound is None and self.server:  # the server keeps its own pages sound
            self._sound = True
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
            if self.server:
                from esgdesk.storage import postgres

                self._engine = postgres.make_engine(self.path, self._own_pids)
            else:
                self._engine = make_engine(self.path)
        return self._engine

    def warm_up(self) -> None:
        """Check the file and connect the writing side now."""
        self.check()
        self.connect_writer()

    def connect_writer(self) -> None:
        """Connect the writing side now (its libraries imported, the connection pooled), so
        that the first write does not wait for it."""
        self.engine.connect().close()

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._engine is not None:
            self._engine.dispose()

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        """One read statement in autocommit mode (no lock outlives it); rows by name."""
        if self.server:
            return self._server_query(self.path, sql, tuple(params))
        try:
            if self._reader is None:
                self._reader = connect_reader(self.path)
            return self._reader.execute(sql, tuple(params)).fetchall()
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file, too
            raise database_error(self.path, exc) from exc

    def _read_many(self, sql: str, params: Iterable[Any] = (), keep: bool = True,
                   ) -> Iterable[Any]:
        """As `_query`, for a read of many rows its caller goes through once (a tree's
        figures): on a server, an answer too long to keep for when the server goes away
        (over LAST_READ_ROWS rows) is made a row at a time as it is gone through, not all at
        once (a dict a row: some 100 MB more at once for a 451-entity group's three
        years); `keep` False, no answer is kept. A file's rows are plain tuples, their
        values in the statement's order (a row readable by name costs a tenth more to make,
        and a tree's figures are read by the hundred thousand); a server's are by name."""
        if self.server:
            return self._server_query(self.path, sql, tuple(params), keep=keep, many=True)
        try:
            if self._reader is None:
                self._reader = connect_reader(self.path)
            cursor = self._reader.cursor()
            cursor.row_factory = None
            return cursor.execute(sql, tuple(params)).fetchall()
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file, too
            raise database_error(self.path, exc) from exc

    def _scan(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """One page of a long read (the audit chain, page by page): as `_query`, but on a
        server its answer is not kept for when the server cannot be reached, so a scan
        holds no more than its page."""
        if self.server:
            return self._server_query(self.path, sql, params, keep=False)
        return self._query(sql, params)

    def _server_reader(self, url: ServerUrl) -> Any:
        """The server's reading connection, made when there is none (or it dropped)."""
        if self._reader is None:
            from esgdesk.storage import postgres

            self._reader = postgres.connect(url)
        return self._reader

    def _server_query(self, url: ServerUrl, sql: str, params: tuple[Any, ...],
                      keep: bool = True, many: bool = False) -> Any:
        """A read on the server; while the server cannot be reached, the same read's last
        answer (a window keeps showing what it showed, `keep`), else Unreachable. The rows
        as a list; `many`, an answer too long to keep as its rows one at a time."""
        from esgdesk.errors import DatabaseError
        from esgdesk.storage import postgres

        try:
            count, made = postgres.rows(self._server_reader(url), sql, params)
        except Exception as exc:
            reader = self._reader
            if reader is not None and (reader.closed or reader.broken):  # made again next
                self._reader = None
            error = exc if isinstance(exc, DatabaseError) else postgres.database_error(url, exc)
            last = self._last_reads.get((sql, params)) if _hashable(params) else None
            if error.kind == "unreachable":
                self.offline = True
                if last is not None:
                    return _answer(last)
            if error is exc:
                raise
            raise error from exc
        self.offline = False
        if many and count > LAST_READ_ROWS:
            return made
        rows = list(made)
        if keep and len(rows) <= LAST_READ_ROWS and _hashable(params):
            self._last_reads.pop((sql, params), None)
            self._last_reads[sql, params] = _kept(rows)
            if len(self._last_reads) > LAST_READS:  # the oldest answer goes
                del self._last_reads[next(iter(self._last_reads))]
        return rows

    def database_user(self) -> str | None:  # see esgdesk.storage.server
        return None

    def _error(self, exc: BaseException) -> Exception:
        """A driver's error as esgdesk's, by the engine that raised it."""
        if self.server:
            from esgdesk.storage import postgres

            return postgres.database_error(self.path, exc)
        return database_error(self.path, exc)

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """One write transaction, on a file known to be sound; once it is committed,
        `last_write` holds the audit head before and after it."""
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm import Session
        from sqlalchemy.orm.exc import StaleDataError

        self.check()
        self.last_write = None
        try:
            heads = None
            with Session(self.engine) as session, session.begin():
                if self.server:  # the server writes the audit log (its triggers, as each
                    from esgdesk.storage import postgres  # row is written)

                    postgres.audit_by_server(session, self.database_user())
                    # the writers' row is held from the transaction's start: no other
                    # esgdesk write comes between the head read now and the one at the end
                    session.info[HEAD_BEFORE] = newest_hash(session)
                yield session
                if self.server:
                    session.flush()
                    session.info["audit_head"] = newest_hash(session)
                heads = session.info.get(HEAD_BEFORE), session.info.get("audit_head")
            if heads == (None, None) or (self.server and heads[0] == heads[1]):
                self.last_write = UNLOGGED  # committed, no audit row: nothing changed
            elif heads is not None and None not in heads:
                self.last_write = heads  # committed
        except DBAPIError as exc:
            error = self._error(exc)
            if error.kind == "unreachable":
                from esgdesk.errors import Unreachable

                self.offline = True
                raise Unreachable(error.path, "the server cannot be reached; nothing was "
                                  "written", "无法连接服务器；没有写入任何内容") from exc
            raise error from exc
        except StaleDataError as exc:  # on a server: a row-level policy hid the row
            if self.server:
                from esgdesk.errors import Forbidden

                raise Forbidden(self.path.shown, "the server refused the write: your role may "
                                "not change this figure; nothing was written",
                                "服务器拒绝写入：您的角色无权修改此数据；没有写入任何内容") from exc
            raise


def newest_hash(session: Session) -> str:
    """The hash of the newest audit row a write transaction sees ("" for an empty log)."""
    from sqlalchemy import text

    found = session.execute(text("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")).first()
    return str(found[0]) if found else ""
