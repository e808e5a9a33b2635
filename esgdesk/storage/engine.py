"""Everything SQLite-specific, in one place: the engine and its pragmas, the journal mode, the
read-only reader, the schema revision of a file, integrity checks, Alembic upgrades, and SQLite's
errors turned into esgdesk's."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from esgdesk.errors import DatabaseBusy, DatabaseDamaged, DatabaseError

if TYPE_CHECKING:
    from sqlalchemy import Engine

# The revisions in esgdesk/storage/migrations/versions, oldest first. Kept here so that
# opening an up-to-date database never imports Alembic (tests hold the two equal).
SCHEMA_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007",
                    "0008", "0009", "0010", "0011", "0012", "0013")
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


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


def connect_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection in autocommit mode whose rows are read by column name."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                                 check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    connection.row_factory = sqlite3.Row
    return connection


# -- SQLite's errors as esgdesk's ---------------------------------------------------

def is_busy(exc: BaseException) -> bool:
    """True when SQLite gave up waiting for another program's lock."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    message = str(exc)
    return "database is locked" in message or "database is busy" in message


def busy(path: Path | str) -> DatabaseBusy:
    return DatabaseBusy(str(path),
                        "the database is busy: another program is writing to it; try again "
                        "in a moment, or ask whoever has it open to close it",
                        "数据库正忙：另一个程序正在写入；请稍后再试，或请打开它的人先关闭它")


def database_error(path: Path | str, exc: BaseException) -> DatabaseError:
    """What a SQLite (or SQLAlchemy DBAPI) error means to the user, as one of our errors."""
    original = getattr(exc, "orig", None) or exc
    if is_busy(original):
        return busy(path)
    message = str(original)
    if "readonly" in message or "read-only" in message:
        return DatabaseError(str(path), "the database file is read-only; nothing was written",
                             "数据库文件是只读的；没有写入任何内容")
    if "disk" in message and "full" in message:
        return DatabaseError(str(path), "the disk is full; nothing was written",
                             "磁盘已满；没有写入任何内容")
    if "append-only" in message:
        return DatabaseError(str(path), "the audit log is append-only", "审计日志只能追加")
    if "malformed" in message or "not a database" in message \
            or isinstance(original, UnicodeDecodeError):
        return DatabaseDamaged(str(path), f"is damaged ({message})", f"文件已损坏（{message}）")
    return DatabaseError(str(path), message, f"数据库出错（{message}）")


# -- what a file holds ----------------------------------------------------------------

def schema_revision(path: Path) -> str | None:
    """The schema revision of an existing file; None for an empty SQLite file."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(str(path), f"cannot be read ({exc.strerror})",
                            f"无法读取（{exc.strerror}）") from exc
    if not header:
        return None
    if header != SQLITE_HEADER:
        raise DatabaseError(str(path), "not an esgdesk database (not a SQLite file)",
                            "不是 esgdesk 数据库（不是 SQLite 文件）")
    try:
        connection = connect_reader(path)
        try:
            tables = {r["name"] for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise DatabaseError(str(path), "not an esgdesk database (a SQLite file of "
                                    "another program)",
                                    "不是 esgdesk 数据库（是其他程序的 SQLite 文件）")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except (sqlite3.Error, UnicodeDecodeError, ValueError) as exc:  # damaged in any way
        if is_busy(exc):
            raise busy(path) from exc
        raise DatabaseDamaged(str(path), f"cannot be read as a database ({exc})",
                              f"无法作为数据库读取（{exc}）") from exc
    if row is None:
        raise DatabaseError(str(path), "not an esgdesk database (no schema revision)",
                            "不是 esgdesk 数据库（没有结构版本）")
    return str(row["version_num"])


def refuse_unknown_revision(path: Path, revision: str | None) -> None:
    """An existing file must be an esgdesk database of a schema this esgdesk knows."""
    if revision is None:
        raise DatabaseError(str(path), "not an esgdesk database", "不是 esgdesk 数据库")
    if revision not in SCHEMA_REVISIONS:
        raise DatabaseError(
            str(path),
            f"made by a newer esgdesk (schema {revision}); this esgdesk knows up to "
            f"{SCHEMA_HEAD}. Update esgdesk to open it.",
            f"由更新版本的 esgdesk 创建（结构 {revision}）；本 esgdesk 只认识到 {SCHEMA_HEAD}。"
            "请更新 esgdesk 后再打开。",
        )


def check_file(path: Path, full: bool = False) -> str | None:
    """None when SQLite finds the file sound (quick_check, or integrity_check when `full`);
    otherwise what it found. A file another program holds locked is busy, not damaged."""
    try:
        connection = connect_reader(path)
        try:
            rows = connection.execute(
                "PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except (sqlite3.Error, UnicodeDecodeError) as exc:  # damaged beyond reporting
        if is_busy(exc):
            raise busy(path) from exc
        return str(exc)
    found = [str(r[0]) for r in rows]
    return None if found == ["ok"] else "; ".join(found[:3])


# -- schema upgrades ------------------------------------------------------------------

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
                            f"the upgrade left {len(problems)} broken references",
                            f"升级后留下 {len(problems)} 处断开的引用")


def create_at_revision(path: Path, revision: str) -> None:
    """Make an empty database at an older schema revision (used to test upgrades)."""
    engine = make_engine(path)
    try:
        upgrade(engine, revision)
    finally:
        engine.dispose()
