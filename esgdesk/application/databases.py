"""Database files and servers as wholes, beside the session: making one, checking, copying
and restoring a file, and a group's server (its schema, its rights, a file pushed up). The
command line's administration asks these; the figures in a database are the session's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from esgdesk.storage.location import Location, ServerUrl, is_server, is_url, location, shown

if TYPE_CHECKING:
    from esgdesk.model.catalogue import Catalogue
    from esgdesk.storage.audit import ChainReport
    from esgdesk.storage.health import FileCheck

__all__ = [
    "Location",
    "ServerUrl",
    "backups",
    "check_file",
    "copy_file",
    "create_group",
    "current_user",
    "department_keys",
    "grant",
    "is_server",
    "is_url",
    "location",
    "new_server_database",
    "pull_copy",
    "push_file",
    "restore_backup",
    "revoke",
    "shown",
    "verify_audit",
]


def current_user() -> str:
    """Who makes a change when no one is named: $ESGDESK_USER, else the login name."""
    from esgdesk.storage.store import current_user as user

    return user()


def create_group(path: Location, company: str, year: int, group_zh: str, group_en: str,
                 template: str) -> Catalogue:
    """A new database of one group (never over a file already there), its first year's
    catalogue from a template; that catalogue."""
    from esgdesk.storage.newdb import EntitySpec, create_database

    store = create_database(path, company, year, [EntitySpec("group", group_zh, group_en,
                                                             "group")], template)
    try:
        return store.edition(year)
    finally:
        store.close()


def verify_audit(path: Location) -> ChainReport:
    """A database's audit chain checked, and its figures against it."""
    from esgdesk.storage.store import open_database

    store = open_database(path)
    try:
        return store.verify_audit()
    finally:
        store.close()


def check_file(path: Path, progress: Callable[[str, int, int], None] | None = None,
               ) -> FileCheck:
    """SQLite's integrity check of a file and its audit chain, read-only (`progress` told
    each step as it goes)."""
    from esgdesk.storage.health import check_database_file

    return check_database_file(path, progress)


def check_progress_line(step: str, done: int, total: int) -> str:
    """A step of the file check as its process says it (the app reads it back)."""
    from esgdesk.storage.health import progress_line

    return progress_line(step, done, total)


def copy_file(path: Path, out: Path) -> Path:
    """A safe copy of a database file (SQLite's online backup)."""
    from esgdesk.storage.backup import copy_database

    return copy_database(path, out)


def pull_copy(url: ServerUrl, out: Path) -> tuple[int, str]:
    """A server database copied into a new SQLite file: the rows copied and the audit
    chain's head (the same on both)."""
    from esgdesk.storage.transfer import pull

    return pull(url, out)


def backups(path: Path) -> list[Path]:
    """A file's automatic backups, the newest first."""
    from esgdesk.storage.backup import backups as found

    return found(path)


def restore_backup(backup: Path, path: Path) -> Path:
    """Put a backup in place of a database file (the file replaced is kept beside it)."""
    from esgdesk.storage.backup import restore

    return restore(backup, path)


# -- a group's server ---------------------------------------------------------------------
def new_server_database(url: ServerUrl, company: str, year: int | None, group_zh: str,
                        group_en: str, template: str) -> tuple[str, str]:
    """Make a server database esgdesk's (a new group's when `company` is given and the
    database is empty; else its schema, made or brought up to date), with this database's
    roles and their rights. What was made (its words), and the roles."""
    from datetime import date

    from esgdesk.storage import postgres
    from esgdesk.storage.store import open_database

    empty = postgres.schema_revision(url) is None
    if company and empty:
        first = year or date.today().year - 1
        create_group(url, company, first, group_zh, group_en, template)
        made = f"a new group database ({first}, template {template})"
    else:
        open_database(url, create=True).close()
        made = ("an empty esgdesk database, ready for `esgdesk server push`" if empty
                else "its schema up to date")
    postgres.install_rights(url)
    return made, ", ".join(postgres.role_names(postgres.database_name(url)).values())


def department_keys(url: ServerUrl, given: list[str]) -> list[str]:
    """The departments named, each checked against the database's catalogue."""
    from esgdesk.storage.store import open_database

    store = open_database(url)
    try:
        return [store.catalogue.department_key(name) for name in given]
    finally:
        store.close()


def grant(url: ServerUrl, login: str, role: str, departments: list[str]) -> None:
    """Give a server login one of this database's roles."""
    from esgdesk.storage import postgres

    postgres.grant(url, login, role, departments)


def revoke(url: ServerUrl, login: str) -> None:
    """Take every esgdesk role of this database from a server login."""
    from esgdesk.storage import postgres

    postgres.revoke(url, login)


def push_file(file: Path, url: ServerUrl,
              progress: Callable[[int, int, str], None] | None = None) -> tuple[int, str]:
    """A SQLite file moved up into an empty server database, with the rights: the rows
    copied and the audit chain's head (the same on both)."""
    from esgdesk.storage import postgres
    from esgdesk.storage.transfer import push

    rows, head = push(file, url, progress)
    postgres.install_rights(url)
    return rows, head
