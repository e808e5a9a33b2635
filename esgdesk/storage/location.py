"""Where a database lives: a SQLite file (a path) or a PostgreSQL server (a URL).

Every command and the app take either. A URL that holds a password is refused wherever one
is given (`location`): libpq's service files and ~/.pgpass (PGPASSFILE) supply it."""

from __future__ import annotations

from pathlib import Path
from typing import TypeGuard
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from esgdesk.errors import PasswordInUrl

SCHEMES = ("postgresql://", "postgres://")


class ServerUrl(str):
    """A PostgreSQL connection URL (libpq's form), as given; `str(url)` is what libpq reads.

    `shown` is the same URL with any password taken out, for titles, recent files and logs.
    """

    __slots__ = ()

    @property
    def shown(self) -> str:
        if not self.has_password:
            return str(self)
        parts = urlsplit(str(self))
        if parts.password is not None:
            netloc = parts.netloc.rsplit("@", 1)
            parts = parts._replace(netloc=f"{parts.username or ''}@{netloc[1]}")
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if k != "password"]
        return urlunsplit(parts._replace(query=urlencode(query, safe="/")))

    @property
    def has_password(self) -> bool:
        """A password in the user part, or as libpq's `password=` parameter."""
        parts = urlsplit(str(self))
        return parts.password is not None or "password" in parse_qs(
            parts.query, keep_blank_values=True)

    @property
    def name(self) -> str:
        """The database's name (its path, or `dbname=` of the query, or the service)."""
        parts = urlsplit(str(self))
        query = parse_qs(parts.query)
        return (parts.path.lstrip("/") or (query.get("dbname") or query.get("service")
                                           or [""])[0] or "postgres")


Location = Path | ServerUrl


def is_url(text: object) -> bool:
    return isinstance(text, str) and text.startswith(SCHEMES)


def location(text: str | Path) -> Location:
    """A database given on the command line, in a dialog or in settings: a ServerUrl or a
    Path. Every command, the app's --db and its Connect dialog take a database through here,
    so a URL holding a password is refused (PasswordInUrl) before anything is done."""
    if isinstance(text, Path):
        return text
    if not is_server(text) and not is_url(text):
        return Path(text)
    url = ServerUrl(text)
    if url.has_password:
        raise PasswordInUrl(url.shown)
    return url


def is_server(where: object) -> TypeGuard[ServerUrl]:
    """Whether a location is a server's (a ServerUrl), not a file's."""
    return isinstance(where, ServerUrl)


def shown(where: object) -> str:
    """A location as the user may see it (never a password)."""
    return where.shown if is_server(where) else str(where)
