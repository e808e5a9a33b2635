"""Backups: copies made with SQLite's online backup API (consistent even while the database
is open elsewhere), written beside the target and renamed into place when complete.

Automatic backups go to a folder beside the database, `<name>.backups/`, before every
schema upgrade and when the app closes after changes; the newest N are kept (the
database setting `backups_keep`, default 10).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from esgdesk.errors import DatabaseDamaged, DatabaseError
from esgdesk.storage import engine
from esgdesk.storage.engine import (
    busy,
    check_file,
    database_error,
    refuse_unknown_revision,
    schema_revision,
)

__all__ = ["DEFAULT_KEEP", "automatic_backup", "backup_folder", "backup_if_changed", "backups",
           "check_file", "copy_database", "restore"]

DEFAULT_KEEP = 10


class OpenDatabase(Protocol):
    """What a backup on closing asks of the open store."""

    path: Path

    def audit_head(self) -> str: ...

    def setting(self, key: str, default: str = "") -> str: ...


def backup_folder(path: Path) -> Path:
    return path.with_name(path.name + ".backups")


def copy_database(source: Path, out: Path) -> Path:
    """A consistent copy of `source` at `out`, replacing it only when complete. A source
    another program holds locked longer than esgdesk waits is busy (DatabaseBusy)."""
    source, out = Path(source), Path(out)
    if not source.is_file():
        raise DatabaseError(str(source), "no such database file", "没有这个数据库文件")
    out.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp, which makes the file 0600: SQLite creates it with the user's umask.
    temporary = out.parent / f".{out.name}-{secrets.token_hex(4)}.tmp"
    try:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True,
                                 timeout=engine.BUSY_TIMEOUT_MS / 1000)
        writer = sqlite3.connect(temporary)
        try:
            reader.backup(writer, progress=_give_up_when_busy(source))
        finally:
            writer.close()
            reader.close()
        os.replace(temporary, out)
    except sqlite3.Error as exc:
        temporary.unlink(missing_ok=True)
        problem = database_error(source, exc)
        raise type(problem)(str(source), f"cannot be backed up ({problem.reason})",
                            f"无法备份（{problem.zh}）") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return out


def _give_up_when_busy(source: Path) -> Callable[[int, int, int], None]:
    """The backup's progress callback: SQLite's backup retries a locked source forever, so
    after esgdesk's busy timeout the copy stops and says the database is busy."""
    deadline = time.monotonic() + engine.BUSY_TIMEOUT_MS / 1000

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) \
                and time.monotonic() > deadline:
            raise busy(source)
    return progress


def automatic_backup(path: Path, why: str, keep: int = DEFAULT_KEEP) -> Path:
    """A dated copy in the backup folder; older ones beyond `keep` are removed."""
    path = Path(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    out = copy_database(path, backup_folder(path) / f"{path.stem}-{stamp}-{why}.db")
    for old in backups(path)[keep:]:
        old.unlink(missing_ok=True)
    return out


def backups(path: Path) -> list[Path]:
    """The automatic backups of a database, newest first."""
    folder = backup_folder(Path(path))
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{Path(path).stem}-*.db"), reverse=True)


def restore(backup: Path, path: Path) -> Path:
    """Put a backup in place of a database. The backup is checked first; the file it
    replaces is kept beside it as `<name>.before-restore`, never overwritten in place."""
    backup, path = Path(backup), Path(path)
    problem = check_file(backup, full=True)
    if problem is not None:
        raise DatabaseDamaged(str(backup), f"the backup is damaged too ({problem})",
                              f"备份也已损坏（{problem}）")
    # An esgdesk database of a schema this esgdesk knows (an older one is upgraded when
    # it is next opened).
    refuse_unknown_revision(backup, schema_revision(backup))
    staged = copy_database(backup, path.with_name(f".{path.name}.restoring"))
    if path.exists():
        os.replace(path, path.with_name(path.name + ".before-restore"))
    os.replace(staged, path)
    return path


def backup_if_changed(store: OpenDatabase, since: str) -> Path | None:
    """On closing: an automatic backup when the audit log moved on from `since` (its head
    when the database was opened), keeping the newest `backups_keep` (setting)."""
    if store.audit_head() == since:
        return None
    try:
        keep = int(store.setting("backups_keep", str(DEFAULT_KEEP)))
    except ValueError:
        keep = DEFAULT_KEEP
    return automatic_backup(store.path, "on-close", max(keep, 1))
