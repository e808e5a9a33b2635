"""Where a database lives: a SQLite file (a path) or a PostgreSQL server (a URL).

Every command and the app take either. A URL is kept without its password: esgdesk never
stores one (libpq's service files and PGPASSFILE supply it)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")


class ServerUrl(str):
    """A PostgreSQL connection URL (libpq's form), as given; `str(url)` is what libpq reads.

    `shown` is the same URL with any password taken out, for titles, recent files and logs.
    """

    __slots__ = ()

    @property
    def shown(self) -> str:
        parts = urlsplit(str(self))
        if parts.password is None:
            return str(self)
        netloc = parts.netloc.rsplit("@", 1)
        user = (parts.username or "")
        return urlunsplit(parts._replace(netloc=f"{user}@{netloc[1]}"))

    @property
    def has_password(self) -> bool:
        return urlsplit(str(self)).password is not None

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
    """A database given on the command line or in settings: a ServerUrl or a Path."""
    if isinstance(text, ServerUrl):
        return text
    if isinstance(text, Path):
        return text
    return ServerUrl(text) if is_url(text) else Path(text)


def is_server(where: object) -> bool:
    return isinstance(where, ServerUrl)


def shown(where: object) -> str:
    """A location as the user may see it (never a password)."""
    return where.shown if isinstance(where, ServerUrl) else str(where)
