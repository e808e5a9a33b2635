"""What a store knows of the server it runs on: the user's role and departments, the server's
version, who the database says is writing, and the figures other users changed (PostgreSQL's
LISTEN/NOTIFY). On a SQLite file there is no server: the user may do everything the app
allows and nobody else's changes are announced."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from esgdesk.storage.entities import EntitiesPart
from esgdesk.storage.location import shown

if TYPE_CHECKING:
    from esgdesk.storage.postgres import ServerFacts

FileRole = ("coordinator", ())  # a SQLite file: whoever opens it may do what the app allows


class Heard(NamedTuple):
    """What other users' notices said since the last time asked."""

    figures: frozenset[tuple[str, int, str]]  # (entity code, year, indicator)
    # A notice that is not what esgdesk's trigger sends (any login may NOTIFY the channel):
    # what changed is unknown, so the figures are read again rather than the notice believed.
    unknown: bool = False


def figure_of(payload: str) -> tuple[int, int, str] | None:
    """The (entity id, year, indicator) of a notice as esgdesk's trigger writes it; None for
    anything else."""
    try:
        change = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(change, dict) or set(change) != {"entity_id", "year", "indicator"}:
        return None
    entity, year, indicator = change["entity_id"], change["year"], change["indicator"]
    if type(entity) is not int or type(year) is not int or not isinstance(indicator, str):
        return None
    return entity, year, indicator


class ServerPart(EntitiesPart):
    _role: tuple[str, tuple[str, ...]] | None = None
    _listener: Any = None
    _db_user: str | None = None
    _server_version: str | None = None

    def know(self, facts: ServerFacts) -> None:
        """Keep what the server told at opening (read with the schema revision)."""
        self._role, self._db_user, self._server_version = facts.role, facts.user, facts.version

    @property
    def shown(self) -> str:
        """Where the database is, as the user may see it (never a password)."""
        return shown(self.path)

    def server_role(self) -> tuple[str, tuple[str, ...]]:
        """The user's esgdesk role on the server and the departments granted to it
        (a contributor's); on a file, coordinator."""
        if not self.server:
            return FileRole
        if self._role is None:
            from esgdesk.storage import postgres

            self._role = postgres.role_from(self._query(postgres.ROLE_QUERY)[0])
        return self._role

    def server_version(self) -> str:
        if self._server_version is None:
            rows = self._query("SHOW server_version") if self.server else []
            self._server_version = str(rows[0]["server_version"]) if rows else ""
        return self._server_version

    def database_user(self) -> str | None:
        """The user the server knows (recorded in the audit beside the OS user); None on a
        file."""
        if not self.server:
            return None
        if self._db_user is None:
            self._db_user = str(self._query("SELECT current_user AS who")[0]["who"])
        return self._db_user

    def may_write(self, indicator_owner: str | None) -> bool:
        """Whether the user's role lets it change a figure of this owning department (the
        server decides in the end; this is for greying out what it would refuse)."""
        role, departments = self.server_role()
        if role == "coordinator":
            return True
        return role == "contributor" and indicator_owner in departments

    # -- live updates ------------------------------------------------------------------
    # The reading connection listens too: a notice that arrives while it reads is handed to
    # `_notice` by psycopg; one that arrives while it is idle is read off libpq in `heard`.
    def listen(self) -> bool:
        """Start hearing other users' changes (a server only); True when listening."""
        if not self.server:
            return False
        from esgdesk.storage import postgres

        if self._listener is not self._server_reader(self.path):  # made or made again
            self._notices: list[tuple[int, str]] = []
            self._reader.add_notify_handler(
                lambda notice: self._notices.append((notice.pid, notice.payload)))
            self._reader.execute(f"LISTEN {postgres.FIGURES_CHANNEL}")
            self._listener = self._reader
        return True

    def heard(self) -> Heard:
        """The figures (entity code, year, indicator) other users changed since the last
        call (this store's own writes left out), and whether a notice said something esgdesk
        does not send; nothing when not listening."""
        if self._listener is None:
            return Heard(frozenset())
        if self._listener is not self._reader:  # the connection was made again: listen on it
            self.listen()
        try:
            pgconn = self._listener.pgconn
            pgconn.consume_input()
            while (notice := pgconn.notifies()) is not None:
                self._notices.append((notice.be_pid, notice.extra.decode("utf-8")))
        except Exception as exc:  # the connection dropped: say so (see `reconnect`)
            from esgdesk.storage import postgres

            self._reader = self._listener = None
            self.offline = True
            raise postgres.unreachable(self.path, exc) from exc  # type: ignore[arg-type]
        notices, self._notices = self._notices, []
        codes = self._codes()
        found: set[tuple[str, int, str]] = set()
        unknown = False
        for pid, payload in notices:
            if pid in self._own_pids:
                continue
            change = figure_of(payload)
            if change is None:
                unknown = True
                continue
            entity, year, indicator = change
            code = codes.get(entity)
            if code is None:  # an entity added since: read the tree again
                self._entities = None
                codes = self._codes()
                code = codes.get(entity, "")
            found.add((code, year, indicator))
        return Heard(frozenset(found), unknown)

    def reconnect(self) -> None:
        """After the server went away: connect and listen again (Unreachable while it is
        still away); writes connect afresh too."""
        if self._reader is not None and not self._reader.closed:
            self._reader.close()
        self._reader = self._listener = None
        if self._engine is not None:
            self._engine.dispose()
        if self.listen():
            self._query("SELECT 1 AS up")
        self.offline = False

    def close(self) -> None:
        self._listener = None  # the reading connection, closed with the store
        super().close()
