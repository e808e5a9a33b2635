"""Backups: copies made with SQLite's online backup API (consistent even while the database
is open elsewhere), written beside the target and renamed into place when complete.

Automatic backups go to a folder beside the database, `<name>.backups/`, before every
schema upgrade and when the app closes after changes; the newest N are kept (the
database setting `backups_keep`, default 10).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from esgdesk.errors import DatabaseError

if TYPE_CHECKING:
    from esgdesk.storage.store import Store

DEFAULT_KEEP = 10


def backup_folder(path: Path) -> Path:
    return path.with_name(path.name + ".backups")


def copy_database(source: Path, out: Path) -> Path:
    """A consistent copy of `source` at `out`, replacing it only when complete."""
    source, out = Path(source), Path(out)
    if not source.is_file():
        raise DatabaseError(str(source), "no such database file")
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}-", suffix=".tmp", dir=out.parent)
    os.close(handle)
    try:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        writer = sqlite3.connect(temporary)
        try:
            reader.backup(writer)
        finally:
            writer.close()
            reader.close()
        os.replace(temporary, out)
    except sqlite3.Error as exc:
        Path(temporary).unlink(missing_ok=True)
        raise DatabaseError(str(source), f"cannot be backed up ({exc})") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out


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


def check_file(path: Path, full: bool = False) -> str | None:
    """None when SQLite finds the file sound (quick_check, or integrity_check when `full`);
    otherwise what it found."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = connection.execute(
                "PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except (sqlite3.Error, UnicodeDecodeError) as exc:  # damaged beyond reporting
        return str(exc)
    found = [str(r[0]) for r in rows]
    return None if found == ["ok"] else "; ".join(found[:3])


def restore(backup: Path, path: Path) -> Path:
    """Put a backup in place of a database. The backup is checked first; the file it
    replaces is kept beside it as `<name>.before-restore`, never overwritten in place."""
    backup, path = Path(backup), Path(path)
    problem = check_file(backup, full=True)
    if problem is not None:
        raise DatabaseError(str(backup), f"the backup is damaged too ({problem})")
    from esgdesk.storage.store import open_database

    open_database(backup).close()  # an esgdesk database of a schema this esgdesk knows
    staged = copy_database(backup, path.with_name(f".{path.name}.restoring"))
    if path.exists():
        os.replace(path, path.with_name(path.name + ".before-restore"))
    os.replace(staged, path)
    return path


def backup_if_changed(store: Store, since: str) -> Path | None:
    """On closing: an automatic backup when the audit log moved on from `since` (its head
    when the database was opened), keeping the newest `backups_keep` (setting)."""
    if store.audit_head() == since:
        return None
    try:
        keep = int(store.setting("backups_keep", str(DEFAULT_KEEP)))
    except ValueError:
        keep = DEFAULT_KEEP
    return automatic_backup(store.path, "on-close", max(keep, 1))
