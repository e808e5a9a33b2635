"""Moving a database between the engines: `server push` copies a SQLite file into an empty
server database, `backup URL OUT.db` pulls a server database into a SQLite file that opens
offline. Everything is copied row for row, ids included (figures, notes, statuses, requests,
submissions, catalogue editions, factors, the whole audit log), in one transaction on the
receiving side, and both audit chains must end at the same head afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.errors import DatabaseError, FileRefused
from esgdesk.storage.location import ServerUrl

if TYPE_CHECKING:
    from sqlalchemy import Connection, Table

    from esgdesk.storage.store import Store

CHUNK = 2000
Progress = Callable[[int, int, str], object]


def _copy(source: Store, target: Store, progress: Progress | None) -> int:
    """Every row of every table, parents before children; the number of rows copied."""
    from sqlalchemy import func, insert, select

    from esgdesk.storage.models import Base

    tables = Base.metadata.sorted_tables
    copied = 0
    with _reading(source) as read, target._writing() as write:
        connection: Connection = write.connection()
        counts = {t.name: read.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in tables}
        total = sum(counts.values())

        def chunks(table: Table) -> Iterator[Sequence[Any]]:
            nonlocal copied
            rows = read.execute(select(table).order_by(*table.primary_key.columns))
            while chunk := rows.fetchmany(CHUNK):
                yield chunk
                copied += len(chunk)
                if progress is not None:
                    progress(copied, total, table.name)

        if not target.server:
            for table in tables:
                for chunk in chunks(table):
                    connection.execute(insert(table), [dict(r._mapping) for r in chunk])
            return copied
        from esgdesk.storage import postgres

        with postgres.copying(connection):  # the audit log as it is: the server writes none
            for table in tables:
                postgres.copy_rows(connection, table.name, list(table.columns.keys()),
                                   (row for chunk in chunks(table) for row in chunk))
            for table in tables:
                column = table.columns.get("id")
                if column is not None and column.autoincrement is not False \
                        and str(column.type) == "INTEGER" and counts[table.name]:
                    connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT MAX(id) FROM {table.name}))")
    return copied


def _reading(store: Store) -> Connection:
    """A connection that reads a database whole (on a server, without the writers' lock: a
    reader may copy what it may read)."""
    from esgdesk.storage.postgres import READING

    return store.engine.connect().execution_options(**READING)


def _same_head(source: Store, target: Store) -> str:
    """The copy's audit chain head, once the original's chain is found intact and the
    copy's rows the original's, row for row (so as intact, and ending where it does): the
    original's chain is hashed as it is read, the copy's compared with it, each read once
    a page at a time."""
    from esgdesk.storage.audit import chain_rows, verify_rows

    differs: list[int] = []
    ours = verify_rows(_compared(chain_rows(source._scan), chain_rows(target._scan), differs))
    if not ours.intact:
        raise DatabaseError(str(source.path), f"its audit log is broken ({ours.reason}); "
                            "nothing was copied", f"审计日志已损坏（{ours.reason}）；未复制")
    if differs or source.audit_head() != target.audit_head():
        raise DatabaseError(str(target.path), "the copy's audit chain does not end where the "
                            "original's does", "副本的审计链与原库的终点不一致")
    return target.audit_head()


def _compared(ours: Iterable[Any], theirs: Iterable[Any], differs: list[int]
              ) -> Iterator[Any]:
    """The original's rows, as they come; the place of each the copy does not hold alike
    (column by column, by name) in `differs`."""
    from itertools import zip_longest

    for place, (mine, copy) in enumerate(zip_longest(ours, theirs)):
        if mine is None or copy is None \
                or dict(mine) != dict(copy):
            differs.append(place)
        if mine is not None:
            yield mine


def _is_empty(store: Store) -> bool:
    return not store._query("SELECT 1 FROM entity LIMIT 1") \
        and not store._query("SELECT 1 FROM audit LIMIT 1")


def push(file: Path, url: ServerUrl, progress: Progress | None = None) -> tuple[int, str]:
    """Copy a SQLite database to a server database that holds no esgdesk data yet (empty, or
    made by `server init`); the rows copied and the audit chain's head."""
    from esgdesk.storage import postgres
    from esgdesk.storage.store import open_database

    if not Path(file).is_file():
        raise FileRefused("no such database file", "没有这个数据库文件", where=str(file))
    source = open_database(Path(file))
    made = postgres.schema_revision(url) is None
    try:
        target = open_database(url, create=True)
        try:
            if not made and not _is_empty(target):
                raise DatabaseError(url.shown, "the server database holds figures already; "
                                    "push only into an empty one",
                                    "服务器数据库中已有数据；只能推送到空的数据库")
            try:
                rows = _copy(source, target, progress)
                head = _same_head(source, target)
            except Exception:
                if made:
                    target.close()
                    postgres.drop_tables(url)
                raise
            postgres.vacuum(url)  # ready for its first users
        finally:
            target.close()
    finally:
        source.close()
    return rows, head


def pull(url: ServerUrl, out: Path, progress: Progress | None = None) -> tuple[int, str]:
    """Copy a server database into a new SQLite file that opens offline."""
    from esgdesk.storage.store import create_new, discard_new, open_database

    source = open_database(url)
    try:
        target = create_new(out)
        try:
            rows = _copy(source, target, progress)
            head = _same_head(source, target)
        except Exception:
            discard_new(target)
            raise
        target.close()
    finally:
        source.close()
    return rows, head


def rows_of(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows by primary key (to compare two databases)."""
    from sqlalchemy import select

    from esgdesk.storage.models import Base

    with _reading(store) as read:
        return {t.name: [dict(r._mapping) for r in read.execute(
            select(t).order_by(*t.primary_key.columns))] for t in Base.metadata.sorted_tables}
