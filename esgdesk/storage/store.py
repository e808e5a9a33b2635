"""The store: an open esgdesk database, made of its parts (entities and settings, figures, the
audit log, requests and submissions), and open_database, which upgrades or refuses a file."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from esgdesk.errors import DatabaseDamaged, DatabaseError
from esgdesk.model.catalogue import Catalogue
from esgdesk.storage.assurance import AssurancePart
from esgdesk.storage.audit import AuditPart
from esgdesk.storage.base import UNLOGGED, now
from esgdesk.storage.engine import (
    SCHEMA_HEAD,
    SCHEMA_REVISIONS,
    check_file,
    create_at_revision,
    journal_mode,
    make_engine,
    refuse_unknown_revision,
    schema_revision,
    sqlite_has_wal_reset_fix,
    upgrade,
)
from esgdesk.storage.evidence import EvidencePart
from esgdesk.storage.factors import FactorsPart
from esgdesk.storage.figures import RESTATEMENT_REASONS, STATUSES, parse_entry
from esgdesk.storage.location import ServerUrl, is_server, location
from esgdesk.storage.records import (
    AuditRecord,
    Change,
    PrintedFigure,
    RequestInfo,
    StoredValue,
    SubmissionInfo,
)
from esgdesk.storage.requests import REQUEST_STATUSES, RequestsPart
from esgdesk.storage.server import ServerPart

__all__ = [
    "REQUEST_STATUSES",
    "RESTATEMENT_REASONS",
    "SCHEMA_HEAD",
    "SCHEMA_REVISIONS",
    "STATUSES",
    "UNLOGGED",
    "AuditRecord",
    "Change",
    "PrintedFigure",
    "RequestInfo",
    "Store",
    "StoredValue",
    "SubmissionInfo",
    "create_at_revision",
    "current_user",
    "journal_mode",
    "make_engine",
    "now",
    "open_database",
    "parse_entry",
    "sqlite_has_wal_reset_fix",
    "upgrade",
]

class Store(RequestsPart, EvidencePart, AssurancePart, AuditPart, FactorsPart, ServerPart):
    """An open esgdesk database. Every method that writes is one transaction."""


def current_user() -> str:
    """Who is making changes: $ESGDESK_USER, else the login name."""
    try:
        return os.environ.get("ESGDESK_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def open_database(path: str | Path, catalogue: Catalogue | None = None,
                  create: bool = False) -> Store:
    """Open (or with create=True make) an esgdesk database, upgrading an older schema.

    `path` is a SQLite file or a PostgreSQL URL. A file that is not SQLite, a SQLite file of
    another program, a server database holding other tables, or a database made by a newer
    esgdesk is refused with a DatabaseError that says so.
    """
    where = location(path)
    if is_server(where):
        return _open_server(where, catalogue, create)
    path = where
    if path.exists():
        revision = schema_revision(path)
    elif create:
        if not path.parent.exists():
            raise DatabaseError(str(path), "the folder does not exist", "文件夹不存在")
        revision = None
    else:
        raise DatabaseError(str(path), "no such database file", "没有这个数据库文件")
    if revision is not None or not create:
        refuse_unknown_revision(path, revision)
    if revision != SCHEMA_HEAD:
        if revision is not None:  # Alembic's SQLite DDL is not transactional: back up first
            from esgdesk.storage.backup import automatic_backup

            problem = check_file(path, full=True)
            if problem is not None:
                raise DatabaseDamaged(str(path), f"is damaged ({problem}); it was not upgraded",
                                      f"文件已损坏（{problem}）；未升级")
            automatic_backup(path, f"before-{SCHEMA_HEAD}")
        engine = make_engine(path)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
    return Store(path, catalogue)


def create_new(path: str | Path, exists_en: str = "exists already",
               exists_zh: str = "文件已存在") -> Store:
    """A new, empty esgdesk database: a file that is not there yet, or an empty server
    database. One that holds anything is never overwritten."""
    where = location(path)
    if is_server(where):
        from esgdesk.storage import postgres

        if postgres.schema_revision(where) is not None:
            raise DatabaseError(where.shown, "the server database holds an esgdesk database "
                                "already", "服务器数据库中已有 esgdesk 数据库")
    elif where.exists():
        raise DatabaseError(str(where), exists_en, exists_zh)
    return open_database(where, create=True)


def discard_new(store: Store) -> None:
    """Undo create_new after a failure: the file is removed, the server's tables dropped."""
    store.close()
    if store.server:
        from esgdesk.storage import postgres

        postgres.drop_tables(store.path)
    else:
        store.path.unlink(missing_ok=True)


def _open_server(url: ServerUrl, catalogue: Catalogue | None, create: bool) -> Store:
    """A server database: upgraded in one transaction (PostgreSQL's DDL is transactional, so
    no backup is needed first); an empty one is only made into esgdesk's when asked to."""
    from esgdesk.storage import postgres

    reader = postgres.connect(url)  # kept as the store's reading connection
    try:
        facts = postgres.opening_facts(url, reader)  # an up-to-date database: one round trip
        revision = facts.revision if facts else postgres.schema_revision(url, reader)
    except Exception:
        reader.close()
        raise
    if revision is not None or not create:
        if revision is None:
            reader.close()
            raise DatabaseError(url.shown, "the server database is empty: make it an esgdesk "
                                "database first (esgdesk server init, or server push)",
                                "服务器数据库是空的：请先将其初始化为 esgdesk 数据库"
                                "（esgdesk server init 或 server push）")
        try:
            refuse_unknown_revision(ServerUrl(url.shown), revision)
        except DatabaseError:
            reader.close()
            raise
    # A database at the head whose server objects and rights an earlier esgdesk made (facts
    # None: a table of them missing, or an older generation) is brought up to date as well.
    current = facts is not None and facts.generation >= postgres.SERVER_GENERATION
    if revision != SCHEMA_HEAD or not current:
        engine = postgres.make_engine(url, lock=postgres.UPGRADE_LOCK)
        try:
            postgres.upgrade(engine)
        except Exception as exc:
            reader.close()
            raise postgres.upgrade_refused(url, exc) from exc
        finally:
            engine.dispose()
    store = Store(url, catalogue)
    store._reader = reader
    if current and facts is not None and revision == SCHEMA_HEAD:
        store.know(facts)
    return store
