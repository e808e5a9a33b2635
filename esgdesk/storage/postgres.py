"""Everything PostgreSQL-specific, in one place (esgdesk/storage/engine.py is SQLite's): the
engine, the reading connection, the schema revision of a server database, upgrades, the
writers' lock, and the server's errors turned into esgdesk's.

Writers first lock the one row of esgdesk_writer, so writes are serialised exactly as
SQLite's BEGIN IMMEDIATE serialises them: a read-then-write never acts on a figure another
writer changed in between, and the audit chain never forks. Locking that row takes the right
to update it, which only the writing roles have: a reader cannot stop the writers (an
advisory lock, which any login may take, could).

The server writes the audit log (AUDIT_TRIGGERS): each audited change's row is made by a
trigger from the old and new row, stamped and chained on the server; the app passes what only
it knows through transaction-local settings (AuditContext)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

from esgdesk.errors import DatabaseBusy, DatabaseError, Forbidden, Unreachable
from esgdesk.storage.location import ServerUrl

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy import Engine

# pg_advisory_xact_lock's key for an upgrade (any number; this one spells ESGD): only the
# owner upgrades, and the writers' row may not be there yet.
UPGRADE_LOCK = f"SELECT pg_catalog.pg_advisory_xact_lock({0x45534744})"

# Where esgdesk's tables are (Alembic makes them in the connection's default schema; the
# rights below grant on it). Every function the rights depend on names its objects with this
# schema and runs with a fixed search_path, the session's temporary schema last: PostgreSQL
# otherwise searches a login's temporary tables first, and a table named like esgdesk's would
# answer the function's questions in its place ("Writing SECURITY DEFINER Functions Safely",
# CREATE FUNCTION in PostgreSQL's manual).
SCHEMA = "public"
FIGURES_CHANNEL = "esgdesk_figures"
LOCK_TIMEOUT_MS = 5000


# What esgdesk's connections set on the server as they are made (no round trip of their own).
# The JIT compiler is off: esgdesk's queries are short, and one the planner overestimates
# (the check's figures against the log, estimated at millions) spent half its time, 1.6 s of
# 3.2 s on 90 entities, compiling itself.
SETTINGS = ("jit=off",)


def _options(url: ServerUrl) -> str:
    """libpq's `options` for a connection: the URL's own, then SETTINGS."""
    from psycopg.conninfo import conninfo_to_dict

    given = str(conninfo_to_dict(str(url)).get("options") or "")
    return " ".join([given, *(f"-c {setting}" for setting in SETTINGS)]).strip()


def connect(url: ServerUrl, autocommit: bool = True) -> psycopg.Connection[Any]:
    """A libpq connection (URL, service file and PGPASSFILE as libpq reads them), rows by
    column name."""
    import psycopg
    from psycopg.rows import dict_row

    try:
        return psycopg.connect(str(url), autocommit=autocommit, row_factory=dict_row,
                               connect_timeout=10, application_name="esgdesk",
                               options=_options(url))
    except psycopg.Error as exc:
        raise unreachable(url, exc) from exc


# What a connection of make_engine's that only reads asks for (a copy read out of a server
# database): it takes no writers' lock, so a reader may back a database up.
READING = {"esgdesk_reading": True}


def make_engine(url: ServerUrl, pids: set[int] | None = None, lock: str = "") -> Engine:
    """A SQLAlchemy engine whose connections libpq makes from the URL as given; `pids`, when
    given, collects the server processes of its connections (so a window can tell its own
    changes from other users'). Each transaction first takes `lock` (the writers' row, by
    default) but on a connection READING."""
    import psycopg
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import DBAPIError

    def creator() -> psycopg.Connection[Any]:
        connection = psycopg.connect(str(url), connect_timeout=10, application_name="esgdesk",
                                     options=_options(url))
        if pids is not None:
            pids.add(connection.info.backend_pid)
        return connection

    engine = create_engine("postgresql+psycopg://", creator=creator,
                           isolation_level="READ COMMITTED", pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        if connection.get_execution_options().get("esgdesk_reading"):
            return
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}")
        try:
            locked = connection.exec_driver_sql(lock or WRITER_ROW_LOCK).first()
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", "") == "55P03":
                raise writers_lock_held(url) from exc
            raise
        if locked is None:  # the row is gone: writes would no longer be one at a time
            raise DatabaseError(url.shown, "the server database's writers' lock (the row of "
                                "esgdesk_writer) is missing: its owner must run `esgdesk "
                                "server init URL`; nothing was written",
                                "服务器数据库的写入锁（esgdesk_writer 的行）缺失：请其所有者运行 "
                                "`esgdesk server init URL`；没有写入任何内容")

    return engine


WRITER_ROW_LOCK = f"SELECT id FROM {SCHEMA}.esgdesk_writer WHERE id = 1 FOR UPDATE"


def writers_lock_held(url: ServerUrl) -> DatabaseBusy:
    """A writer waited longer than LOCK_TIMEOUT_MS: busy, naming the server user holding the
    writers' row (the session holding it that waits for no other lock) when it is known."""
    holders: list[str] = []
    try:
        connection = connect(url)
        try:
            holders = [str(row["usename"]) for row in connection.execute(
                "SELECT DISTINCT a.usename FROM pg_catalog.pg_locks l "
                "JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'relation' AND l.granted AND l.mode = 'RowShareLock' "
                f"AND l.relation = '{SCHEMA}.esgdesk_writer'::regclass "
                "AND l.pid <> pg_catalog.pg_backend_pid() AND NOT EXISTS ("
                "  SELECT 1 FROM pg_catalog.pg_locks w WHERE w.pid = l.pid AND NOT w.granted)")]
        finally:
            connection.close()
    except Exception:  # who holds it is a courtesy; busy is the answer
        holders = []
    who = ", ".join(holders)
    error = DatabaseBusy(
        url.shown, "the server database is busy: " + (
            f"the server user {who} has held the writers' lock for over "
            f"{LOCK_TIMEOUT_MS // 1000} s" if who else "another user is writing")
        + "; nothing was written; try again in a moment",
        "服务器数据库正忙：" + (f"服务器用户 {who} 持有写入锁已超过 {LOCK_TIMEOUT_MS // 1000} 秒"
                         if who else "其他用户正在写入") + "；没有写入任何内容；请稍后再试")
    error.holders = tuple(holders)
    return error


def to_params(sql: str) -> str:
    """SQLite's `?` placeholders as psycopg's `%s` (esgdesk's read statements use no `%`)."""
    return sql.replace("?", "%s")


ROWS_MADE_AT_ONCE = 2000


def rows(connection: psycopg.Connection[Any], sql: str, params: tuple[Any, ...]
         ) -> tuple[int, Iterator[dict[str, Any]]]:
    """A read's answer, whole on this side once it returns, and its rows made from it as
    they are gone through, ROWS_MADE_AT_ONCE at a time (one at a time costs twice as much):
    how many, and the rows."""
    cursor = connection.execute(to_params(sql), params)  # type: ignore[arg-type]

    def made() -> Iterator[dict[str, Any]]:
        while page := cursor.fetchmany(ROWS_MADE_AT_ONCE):
            yield from page
    return cursor.rowcount, made()


def schema_revision(url: ServerUrl, connection: psycopg.Connection[Any] | None = None,
                    ) -> str | None:
    """The schema revision of a server database; None for an empty one. A connection given
    is used and left open (the store reads on it next)."""
    own = connection is None
    if connection is None:
        connection = connect(url)
    try:
        tables = {r["tablename"] for r in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
        if not tables:
            return None
        if "alembic_version" not in tables:
            raise DatabaseError(url.shown, "not an esgdesk database (the server database holds "
                                "another program's tables)",
                                "不是 esgdesk 数据库（服务器数据库中是其他程序的表）")
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except Exception as exc:
        if isinstance(exc, DatabaseError):
            raise
        raise database_error(url, exc) from exc
    finally:
        if own:
            connection.close()
    if row is None:
        raise DatabaseError(url.shown, "not an esgdesk database (no schema revision)",
                            "不是 esgdesk 数据库（没有结构版本）")
    return str(row["version_num"])


class ServerFacts(NamedTuple):
    """What a window asks of the server when it opens a database, read in one round trip."""

    revision: str
    generation: int  # of the server's own objects and rights (SERVER_GENERATION)
    role: tuple[str, tuple[str, ...]]  # as role_from gives it
    user: str  # the user the server knows
    version: str  # the server's version


def opening_facts(url: ServerUrl, connection: psycopg.Connection[Any]) -> ServerFacts | None:
    """The schema revision, the user's role and departments, the user and the server's
    version in one round trip; None when the database is not an up-to-date esgdesk one
    (empty, another program's, older, or its server objects older: `schema_revision` says
    which), as the statement then names a table or function that is not there."""
    import psycopg

    try:
        row = connection.execute(
            f"SELECT (SELECT version_num FROM {SCHEMA}.alembic_version) AS revision, "
            f"(SELECT max(generation) FROM {SCHEMA}.esgdesk_server) AS generation, "
            f"current_setting('server_version') AS version, {_ROLE_COLUMNS}").fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise Forbidden(url.shown, "your server login has no esgdesk role in this database (a "
                        "role in another database of the server gives none here): ask its "
                        "administrator (esgdesk server grant)",
                        "您的服务器登录名在此数据库中没有 esgdesk 角色（在同一服务器其他数据库中的"
                        "角色在此无效）：请联系管理员（esgdesk server grant）") from exc
    except psycopg.Error as exc:
        raise database_error(url, exc) from exc
    if row is None or row["revision"] is None:
        return None
    return ServerFacts(str(row["revision"]), int(row["generation"] or 0), role_from(row),
                       str(row["who"]), str(row["version"]))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic revisions up to `revision`: PostgreSQL's DDL is transactional, so
    an upgrade that fails leaves the database as it was. At the head, the server's own
    objects are made again, and the group roles' rights too where `server init` made them."""
    from pathlib import Path

    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if revision == "head":
            for statement in SERVER_OBJECTS:
                connection.exec_driver_sql(statement)
            if connection.exec_driver_sql(  # `server init` gave rights here: renew them
                    "SELECT 1 FROM pg_catalog.pg_policies WHERE tablename = 'value' "
                    f"AND schemaname = '{SCHEMA}' AND policyname = 'esgdesk_read'"
                    ).first() is not None:
                driver = connection.connection.driver_connection  # no parameters: % as is
                for statement in _rights_statements(current_database(connection)):
                    driver.execute(statement)  # type: ignore[union-attr]
        connection.commit()


SEARCH_PATH = f"SET search_path = pg_catalog, {SCHEMA}, pg_temp"
# Which generation of the server's own objects and rights a database holds (a row of
# esgdesk_server): a database whose objects are older is brought up to date when opened, as a
# schema revision is, so a fix to the rights reaches every database without a new revision.
SERVER_GENERATION = 6  # 6: no role deletes a row, changes one unlogged, or stores a
# document under another's SHA-256


def _state_text_cases() -> str:
    """A figure as the audit log writes it (esgdesk.model.states.state_text), in SQL."""
    from esgdesk.model.states import STATES

    return " ".join(f"WHEN {_quoted(state.id)} THEN {_quoted(state.text)}"
                    for state in STATES.values())


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# The owner of esgdesk's tables: its rows are taken as given (a push copies them).
_OWNER = (f"(SELECT c.relowner FROM pg_catalog.pg_class c "
          f"WHERE c.oid = '{SCHEMA}.audit'::regclass)")
_ROOT = (f"(SELECT e.id FROM {SCHEMA}.entity e WHERE e.parent_id IS NULL ORDER BY e.id "
         "LIMIT 1)")
_LATEST_YEAR = f"(SELECT coalesce(max(v.year), 0) FROM {SCHEMA}.value v)"


# The settings holding what the app says of each changed row, by the first hex digit of the
# MD5 of the row's key: a trigger parses a sixteenth of a batch's entries, not all of them
# (an import of 300 figures with an explanation each: 15 ms in all, not 180), and a session
# never holds more than sixteen of them.
ROW_BUCKETS = "esgdesk.rows_"


def _bucket(key: str) -> str:
    import hashlib

    return ROW_BUCKETS + hashlib.md5(key.encode("utf-8")).hexdigest()[:1]


def _audit_trigger(table: str, function: str, event: str, body: str,
                   declare: str = "") -> tuple[str, ...]:
    """A trigger on `table` whose function (run as the owner of the tables, since no esgdesk
    role may write the audit log) writes the audit rows of a change from its old and new
    row: `body` fills the records r and s and appends them."""
    return (
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.{function}() RETURNS trigger
           LANGUAGE plpgsql SECURITY DEFINER {SEARCH_PATH} AS $$
           DECLARE r {SCHEMA}.audit; s {SCHEMA}.audit; ctx jsonb; {declare}
           BEGIN
             {body}
             RETURN NULL;
           END $$""",
        f"REVOKE ALL ON FUNCTION {SCHEMA}.{function}() FROM PUBLIC",
        f"DROP TRIGGER IF EXISTS {function.removeprefix('esgdesk_')} ON {SCHEMA}.{table}",
        f"""CREATE TRIGGER {function.removeprefix('esgdesk_')} {event} ON {SCHEMA}.{table}
           FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.{function}()""",
    )


_APPEND = f"PERFORM {SCHEMA}.esgdesk_append_audit"
# A figure's quality as its audit row holds it ("estimated: <method>"; NULL when not said).
_QUALITY_TEXT = ("nullif(CASE WHEN {row}.method <> '' THEN {row}.quality || ': ' || {row}.method "
                 "ELSE {row}.quality END, '')")


def _json(expression: str) -> str:
    """A value as JSON text (null when NULL), in SQL."""
    return f"coalesce(pg_catalog.to_json({expression})::text, 'null')"


def _entity_json(row: str) -> str:
    """An entity's row as esgdesk.storage.entities.entity_text writes it, in SQL."""
    return (f"""'{{"code":' || {_json(f"{row}.code")}
               || ',"name_zh":' || {_json(f"{row}.name_zh")}
               || ',"name_en":' || {_json(f"{row}.name_en")}
               || ',"kind":' || {_json(f"{row}.kind")}
               || ',"parent":' || {_json(f"(SELECT p.code FROM {SCHEMA}.entity p "
                                         f"WHERE p.id = {row}.parent_id)")}
               || ',"province":' || {_json(f"{row}.province")}
               || ',"from":' || {_json(f"{row}.from_year")}
               || ',"to":' || {_json(f"{row}.to_year")}
               || ',"equity_share":' || {_json(f"{row}.equity_share")}
               || ',"control":' || {_json(f"{row}.control")} || '}}'""")


# The server writes the audit log: a trigger on each audited table makes the audit row of
# every change from the old and new row, with the server's clock, the login (session_user)
# and the chain hash, whoever made the change and however (esgdesk or psql). The app passes
# only what the server cannot know (its user's name, the reason, the source file and its
# hash, a figure as typed, the action where the row does not say it) in transaction-local
# settings (esgdesk.context, and ROW_BUCKETS for each row's own): `AuditContext` below. No
# esgdesk role may write the audit table.
AUDIT_TRIGGERS = (
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.esgdesk_state_text(st text, val text)
       RETURNS text LANGUAGE plpgsql IMMUTABLE {SEARCH_PATH} AS $$ BEGIN
         RETURN CASE st {_state_text_cases()} ELSE val END;
       END $$""",
    # What the app said of one changed row (its entry in the row's bucket setting, over the
    # transaction's own fields: see AuditContext); nothing when it said nothing (psql).
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.esgdesk_context(key text) RETURNS jsonb
       LANGUAGE plpgsql STABLE {SEARCH_PATH} AS $$
       DECLARE
         whole jsonb := coalesce(nullif(pg_catalog.current_setting('esgdesk.context', true),
                                        ''), '{{}}')::jsonb;
         bucket text := pg_catalog.current_setting(
           '{ROW_BUCKETS}' || pg_catalog.left(pg_catalog.md5(key), 1), true);
       BEGIN
         RETURN whole || coalesce(nullif(bucket, '')::jsonb -> key, '{{}}'::jsonb);
       END $$""",
    # One audit row, stamped and chained here. Called only by the triggers below (run as the
    # tables' owner); no role may call it. The writers' row is locked first, so that a
    # change made with psql (which does not take it) never forks the chain.
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.esgdesk_append_audit(r {SCHEMA}.audit,
         ctx jsonb) RETURNS void LANGUAGE plpgsql {SEARCH_PATH} AS $$
       BEGIN
         IF ctx->>'copy' = 'true'
            AND pg_catalog.pg_has_role(session_user, {_OWNER}, 'MEMBER') THEN
           RETURN;  -- the owner copies a database whole, its audit log with it
         END IF;
         PERFORM 1 FROM {SCHEMA}.esgdesk_writer w WHERE w.id = 1 FOR UPDATE;
         r."user" := coalesce(ctx->>'user', session_user::text);
         r.indicator := coalesce(r.indicator, '');
         r.reason := coalesce(r.reason, ctx->>'reason', '');
         r.source := coalesce(r.source, ctx->>'source', '');
         r.at := pg_catalog.to_char(pg_catalog.clock_timestamp() AT TIME ZONE 'UTC',
                                    'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00';
         r.db_user := session_user;
         r.hash := {SCHEMA}.esgdesk_audit_hash(coalesce(
           (SELECT a.hash FROM {SCHEMA}.audit a ORDER BY a.id DESC LIMIT 1), ''), r);
         INSERT INTO {SCHEMA}.audit (at, "user", action, entity_id, year, indicator,
             department, old_value, new_value, old_status, new_status, reason, source, hash,
             entered, factor, db_user)
           VALUES (r.at, r."user", r.action, r.entity_id, r.year, r.indicator, r.department,
             r.old_value, r.new_value, r.old_status, r.new_status, r.reason, r.source, r.hash,
             r.entered, r.factor, r.db_user);
       END $$""",
    f"REVOKE ALL ON FUNCTION {SCHEMA}.esgdesk_append_audit({SCHEMA}.audit, jsonb) "
    "FROM PUBLIC",
    # A figure: its value or state ("set"; "restate" when it was locked), its note alone
    # ("note"), its status ("status"); a published computed figure restated with a change of
    # method ("recompute": what it reads now is the app's, the row holds no value); a
    # computed figure printed otherwise than computed ("printed", with its reason).
    *_audit_trigger("value", "esgdesk_audit_figure", "AFTER INSERT OR UPDATE", f"""
             ctx := {SCHEMA}.esgdesk_context('v:' || NEW.entity_id || ':' || NEW.year || ':'
                                             || NEW.indicator);
             r.entity_id := NEW.entity_id; r.year := NEW.year; r.indicator := NEW.indicator;
             s := r;
             IF ctx->>'action' = 'printed' THEN  -- a computed figure printed otherwise
               r.action := 'printed'; r.new_value := NEW.printed;
               IF TG_OP = 'UPDATE' THEN r.old_value := OLD.printed; END IF;
               {_APPEND}(r, ctx);
               RETURN NULL;
             END IF;
             IF ctx->>'action' = 'recompute' AND NEW.status = 'locked' THEN
               r.action := 'recompute'; r.old_value := ctx->>'old_value';
               r.new_value := ctx->>'new_value'; r.old_status := 'locked';
               r.new_status := 'locked';
               {_APPEND}(r, ctx);
               RETURN NULL;
             END IF;
             p.entity_id := NEW.entity_id; p.year := NEW.year; p.indicator := NEW.indicator;
             q := p; t := p;
             IF TG_OP = 'INSERT' THEN  -- a note before any value, or the value
               IF ctx->>'action' = 'note' AND NEW.value IS NULL AND NEW.state = 'value' THEN
                 r.action := 'note'; r.old_value := ''; r.new_value := NEW.note;
               ELSE
                 r.action := 'set'; r.entered := ctx->>'entered';
                 r.new_value := {SCHEMA}.esgdesk_state_text(NEW.state, NEW.value);
               END IF;
               {_APPEND}(r, ctx);
               IF NEW.status <> 'draft' THEN
                 s.action := 'status'; s.old_value := NEW.value; s.new_value := NEW.value;
                 s.new_status := NEW.status;
                 {_APPEND}(s, ctx);
               END IF;
               -- What a report prints beside it, given with the row otherwise than esgdesk
               -- gives it (esgdesk's own said so, and returned above): logged all the same.
               IF NEW.printed IS NOT NULL THEN
                 p.action := 'printed'; p.new_value := NEW.printed;
                 p.reason := NEW.printed_reason;
                 {_APPEND}(p, ctx);
               END IF;
               IF coalesce(NEW.restated, '') <> '' OR NEW.published IS NOT NULL THEN
                 t.action := 'restate'; t.old_value := NEW.published;
                 t.new_value := {SCHEMA}.esgdesk_state_text(NEW.state, NEW.value);
                 t.new_status := NEW.status; t.reason := NEW.restated;
                 {_APPEND}(t, ctx);
               END IF;
               RETURN NULL;
             END IF;
             IF (OLD.value, OLD.state, OLD.provenance)
                IS DISTINCT FROM (NEW.value, NEW.state, NEW.provenance) THEN
               r.old_value := {SCHEMA}.esgdesk_state_text(OLD.state, OLD.value);
               r.new_value := {SCHEMA}.esgdesk_state_text(NEW.state, NEW.value);
               IF OLD.status = 'locked' THEN
                 restated := true; r.action := 'restate'; r.old_status := OLD.status;
                 r.new_status := NEW.status; r.reason := coalesce(ctx->>'reason', NEW.restated);
               ELSE
                 r.action := 'set'; r.entered := ctx->>'entered';
               END IF;
               {_APPEND}(r, ctx);
             ELSIF OLD.note IS DISTINCT FROM NEW.note THEN
               r.action := 'note'; r.old_value := OLD.note; r.new_value := NEW.note;
               {_APPEND}(r, ctx);
             END IF;
             IF OLD.status IS DISTINCT FROM NEW.status AND NOT restated THEN
               s.action := 'status'; s.old_value := OLD.value; s.new_value := NEW.value;
               s.old_status := OLD.status; s.new_status := NEW.status;
               {_APPEND}(s, ctx);
             END IF;
             -- How the figure was obtained ("quality"), as esgdesk.storage.evidence writes it.
             IF (OLD.quality, OLD.method) IS DISTINCT FROM (NEW.quality, NEW.method) THEN
               q.action := 'quality';
               q.old_value := {_QUALITY_TEXT.format(row="OLD")};
               q.new_value := {_QUALITY_TEXT.format(row="NEW")};
               {_APPEND}(q, ctx);
             END IF;
             -- What a report prints beside the figure, changed otherwise than esgdesk changes
             -- it (esgdesk's own changes say so, and returned above, or went with a new
             -- value): the printed figure ("printed"), the restatement and the figure first
             -- published ("restate", its value as it was), logged all the same.
             IF (OLD.printed, OLD.printed_reason)
                IS DISTINCT FROM (NEW.printed, NEW.printed_reason) THEN
               p.action := 'printed'; p.old_value := OLD.printed; p.new_value := NEW.printed;
               p.reason := NEW.printed_reason;
               {_APPEND}(p, ctx);
             END IF;
             IF (OLD.restated, OLD.published) IS DISTINCT FROM (NEW.restated, NEW.published)
                AND NOT restated THEN
               t.action := 'restate';
               t.old_value := {SCHEMA}.esgdesk_state_text(OLD.state, OLD.value);
               t.new_value := {SCHEMA}.esgdesk_state_text(NEW.state, NEW.value);
               t.old_status := OLD.status; t.new_status := NEW.status; t.reason := NEW.restated;
               {_APPEND}(t, ctx);
             END IF;""", declare=f"restated boolean := false; q {SCHEMA}.audit; "
                                 f"p {SCHEMA}.audit; t {SCHEMA}.audit;"),
    # A document attached to a figure ("attach") or removed from it ("detach"), with its
    # hash, as esgdesk.storage.evidence writes them; an attachment changes in no other way.
    *_audit_trigger("attachment", "esgdesk_audit_attachment", "AFTER INSERT OR UPDATE", f"""
             IF TG_OP = 'UPDATE' AND ((OLD.entity_id, OLD.year, OLD.indicator, OLD.sha256,
                 OLD.file_name, OLD.note, OLD.attached_by, OLD.attached_at)
                 IS DISTINCT FROM (NEW.entity_id, NEW.year, NEW.indicator, NEW.sha256,
                 NEW.file_name, NEW.note, NEW.attached_by, NEW.attached_at)
                 OR (OLD.removed AND NOT NEW.removed)) THEN
               RAISE EXCEPTION 'an attachment is only ever removed' USING ERRCODE = '42501';
             END IF;
             ctx := {SCHEMA}.esgdesk_context('v:' || NEW.entity_id || ':' || NEW.year || ':'
                                             || NEW.indicator);
             r.entity_id := NEW.entity_id; r.year := NEW.year; r.indicator := NEW.indicator;
             r.source := NEW.file_name;
             IF TG_OP = 'INSERT' THEN
               r.action := 'attach'; r.new_value := NEW.sha256; r.reason := NEW.note;
               {_APPEND}(r, ctx);
             ELSIF NEW.removed AND NOT OLD.removed THEN
               r.action := 'detach'; r.old_value := NEW.sha256;
               r.reason := coalesce(NEW.removed_reason, '');
               {_APPEND}(r, ctx);
             END IF;"""),
    # A verifier's sample ("sample"): the figures drawn and how, as esgdesk.storage.assurance
    # writes it, on the group's row.
    *_audit_trigger("assurance_sample", "esgdesk_audit_sample", "AFTER INSERT", f"""
             r.entity_id := {_ROOT}; r.year := NEW.year; r.indicator := '';
             ctx := {SCHEMA}.esgdesk_context('v:' || r.entity_id || ':' || NEW.year || ':');
             r.action := 'sample'; r.new_value := NEW.figures; r.source := 'sample';
             r.reason := 'seed ' || NEW.seed || ', size ' || NEW.size || ', by '
               || NEW.drawn_by || CASE WHEN NEW.department <> ''
                                       THEN ', department ' || NEW.department ELSE '' END;
             IF r.entity_id IS NOT NULL THEN
               {_APPEND}(r, ctx);
             END IF;"""),
    # A verifier's mark on a figure ("mark"), after the figure's mark before it.
    *_audit_trigger("assurance_mark", "esgdesk_audit_mark", "AFTER INSERT", f"""
             ctx := {SCHEMA}.esgdesk_context('v:' || NEW.entity_id || ':' || NEW.year || ':'
                                             || NEW.indicator);
             r.entity_id := NEW.entity_id; r.year := NEW.year; r.indicator := NEW.indicator;
             r.action := 'mark'; r.new_value := NEW.mark; r.reason := NEW.comment;
             r.old_value := (SELECT m.mark FROM {SCHEMA}.assurance_mark m
                              WHERE m.entity_id = NEW.entity_id AND m.year = NEW.year
                                AND m.indicator = NEW.indicator AND m.id < NEW.id
                              ORDER BY m.id DESC LIMIT 1);
             {_APPEND}(r, ctx);"""),
    # A data request: made or re-assigned ("request"), moved along its states ("review").
    *_audit_trigger("request", "esgdesk_audit_request", "AFTER INSERT OR UPDATE", f"""
             ctx := {SCHEMA}.esgdesk_context('r:' || NEW.entity_id || ':' || NEW.year || ':'
                                             || NEW.department);
             r.entity_id := NEW.entity_id; r.year := NEW.year; r.department := NEW.department;
             s := r;
             IF TG_OP = 'INSERT' OR (OLD.assignee, OLD.due)
                                    IS DISTINCT FROM (NEW.assignee, NEW.due) THEN
               r.action := 'request'; r.new_status := NEW.status;
               r.new_value := pg_catalog.btrim(NEW.assignee || ' ' || NEW.due,
                                               E' \\t\\n\\r\\f\\v');
               {_APPEND}(r, ctx);
             END IF;
             IF TG_OP = 'UPDATE' AND OLD.status IS DISTINCT FROM NEW.status THEN
               s.action := 'review'; s.old_status := OLD.status; s.new_status := NEW.status;
               {_APPEND}(s, ctx);
             END IF;"""),
    # A year's factor (its content, not who changed it when), on the group's row.
    *_audit_trigger("factor", "esgdesk_audit_factor", "AFTER INSERT OR UPDATE", f"""
             IF TG_OP = 'UPDATE' AND (OLD.value, OLD.unit, OLD.gas, OLD.region,
                 OLD.data_year, OLD.set_id, OLD.source, OLD.table_ref, OLD.verified)
                 IS NOT DISTINCT FROM (NEW.value, NEW.unit, NEW.gas, NEW.region,
                 NEW.data_year, NEW.set_id, NEW.source, NEW.table_ref, NEW.verified) THEN
               RETURN NULL;
             END IF;
             ctx := {SCHEMA}.esgdesk_context('f:' || NEW.year || ':' || NEW.factor_id);
             r.action := 'factor'; r.entity_id := {_ROOT}; r.year := NEW.year;
             r.factor := NEW.factor_id; r.new_value := NEW.value;
             IF TG_OP = 'UPDATE' THEN
               r.old_value := OLD.value;
             END IF;
             IF r.entity_id IS NOT NULL THEN
               {_APPEND}(r, ctx);
             END IF;"""),
    # The province an entity is in (its grid factor), on the latest year's row.
    *_audit_trigger("entity", "esgdesk_audit_province", "AFTER UPDATE OF province", f"""
             IF OLD.province IS NOT DISTINCT FROM NEW.province THEN
               RETURN NULL;
             END IF;
             ctx := {SCHEMA}.esgdesk_context('e:' || NEW.id);
             r.action := 'province'; r.entity_id := NEW.id; r.year := {_LATEST_YEAR};
             r.old_value := OLD.province; r.new_value := NEW.province;
             r.source := coalesce(ctx->>'source', 'province');
             {_APPEND}(r, ctx);"""),
    # An entity added ("entity"): its fields as JSON in the order and spelling of
    # esgdesk.storage.entities.entity_text (to_json escapes as Python's json does with
    # ensure_ascii off), made here from the row, so a raw insert is logged as the app's is.
    *_audit_trigger("entity", "esgdesk_audit_entity", "AFTER INSERT", f"""
             ctx := {SCHEMA}.esgdesk_context('n:' || NEW.code);
             r.action := 'entity'; r.entity_id := NEW.id; r.year := 0;
             r.new_value := {_entity_json("NEW")};
             r.reason := ''; r.source := 'entity';
             {_APPEND}(r, ctx);"""),
    # An entity changed: its names ("rename"), the last year it counts ("close", in the
    # first year without it) or else its years, equity share or control ("entity"), as
    # esgdesk.storage.entities.change_action says; the entity before and after.
    *_audit_trigger("entity", "esgdesk_audit_entity_change",
                    "AFTER UPDATE OF name_zh, name_en, from_year, to_year, equity_share, "
                    "control", f"""
             IF (OLD.name_zh, OLD.name_en, OLD.from_year, OLD.to_year, OLD.equity_share,
                 OLD.control) IS NOT DISTINCT FROM (NEW.name_zh, NEW.name_en, NEW.from_year,
                 NEW.to_year, NEW.equity_share, NEW.control) THEN
               RETURN NULL;
             END IF;
             ctx := {SCHEMA}.esgdesk_context('e:' || NEW.id);
             r.action := CASE
               WHEN (OLD.name_zh, OLD.name_en) IS DISTINCT FROM (NEW.name_zh, NEW.name_en)
                 THEN 'rename'
               WHEN OLD.to_year IS DISTINCT FROM NEW.to_year THEN 'close'
               ELSE 'entity' END;
             r.entity_id := NEW.id;
             r.year := CASE WHEN r.action = 'close' THEN coalesce(NEW.to_year + 1, 0)
                            ELSE 0 END;
             r.old_value := {_entity_json("OLD")};
             r.new_value := {_entity_json("NEW")};
             r.source := coalesce(ctx->>'source', 'entity');
             {_APPEND}(r, ctx);"""),
    # An entity moved under another parent from a year on ("move", in that year): the
    # parent it had the year before and the new one.
    *_audit_trigger("entity_parent", "esgdesk_audit_move", "AFTER INSERT", f"""
             ctx := {SCHEMA}.esgdesk_context('m:' || NEW.entity_id || ':' || NEW.from_year);
             r.action := 'move'; r.entity_id := NEW.entity_id; r.year := NEW.from_year;
             r.old_value := coalesce(
               (SELECT p.code FROM {SCHEMA}.entity_parent m
                  JOIN {SCHEMA}.entity p ON p.id = m.parent_id
                 WHERE m.entity_id = NEW.entity_id AND m.from_year < NEW.from_year
                 ORDER BY m.from_year DESC LIMIT 1),
               (SELECT p.code FROM {SCHEMA}.entity e JOIN {SCHEMA}.entity p
                  ON p.id = e.parent_id WHERE e.id = NEW.entity_id));
             r.new_value := (SELECT p.code FROM {SCHEMA}.entity p WHERE p.id = NEW.parent_id);
             r.source := coalesce(ctx->>'source', 'entity');
             {_APPEND}(r, ctx);"""),
    # A choice of the method (a setting method.<choice>[.<entity>]); the option in force
    # before its first choice is the method's default, which only the app knows.
    *_audit_trigger("setting", "esgdesk_audit_method", "AFTER INSERT OR UPDATE", f"""
             IF NOT pg_catalog.starts_with(NEW.key, 'method.')
                OR (TG_OP = 'UPDATE' AND OLD.value IS NOT DISTINCT FROM NEW.value) THEN
               RETURN NULL;
             END IF;
             ctx := {SCHEMA}.esgdesk_context('s:' || NEW.key);
             entity_code := pg_catalog.substring(NEW.key, '^method\\.[^.]+\\.(.+)$');
             r.action := 'method'; r.year := {_LATEST_YEAR};
             r.entity_id := CASE WHEN entity_code IS NULL THEN {_ROOT}
                                 ELSE (SELECT e.id FROM {SCHEMA}.entity e
                                        WHERE e.code = entity_code) END;
             r.old_value := CASE WHEN TG_OP = 'UPDATE' THEN OLD.value
                                 ELSE ctx->>'old_value' END;
             r.new_value := NEW.value; r.source := coalesce(ctx->>'source', NEW.key);
             IF r.entity_id IS NOT NULL THEN
               {_APPEND}(r, ctx);
             END IF;""", declare="entity_code text;"),
    # The company's names (the setting "company", as a structure workbook changes them); a
    # database being made sets them before it has a group, and logs nothing.
    *_audit_trigger("setting", "esgdesk_audit_company", "AFTER INSERT OR UPDATE", f"""
             IF NEW.key <> 'company'
                OR (TG_OP = 'UPDATE' AND OLD.value IS NOT DISTINCT FROM NEW.value) THEN
               RETURN NULL;
             END IF;
             ctx := {SCHEMA}.esgdesk_context('s:company');
             r.action := 'company'; r.year := {_LATEST_YEAR}; r.entity_id := {_ROOT};
             r.old_value := CASE WHEN TG_OP = 'UPDATE' THEN OLD.value END;
             r.new_value := NEW.value; r.source := coalesce(ctx->>'source', 'company');
             IF r.entity_id IS NOT NULL THEN
               {_APPEND}(r, ctx);
             END IF;"""),
    # A year's catalogue edition; the edition it replaces is the app's to say.
    *_audit_trigger("catalogue_edition", "esgdesk_audit_catalogue", "AFTER INSERT", f"""
             ctx := {SCHEMA}.esgdesk_context('c:' || NEW.year);
             r.action := 'catalogue'; r.entity_id := {_ROOT}; r.year := NEW.year;
             r.old_value := ctx->>'old_value'; r.new_value := NEW.hash;
             r.reason := NEW.summary;
             IF r.entity_id IS NOT NULL THEN
               {_APPEND}(r, ctx);
             END IF;"""),
    # What an earlier esgdesk checked of a contributor's own audit rows: no role writes any.
    f"DROP TRIGGER IF EXISTS value_contributor_audited ON {SCHEMA}.value",
    f"DROP TRIGGER IF EXISTS audit_names_its_writer ON {SCHEMA}.audit",
    f"DROP TRIGGER IF EXISTS audit_contributor_row ON {SCHEMA}.audit",
    f"DROP FUNCTION IF EXISTS {SCHEMA}.esgdesk_contributor_audited()",
    f"DROP FUNCTION IF EXISTS {SCHEMA}.esgdesk_audit_names_its_writer()",
    f"DROP FUNCTION IF EXISTS {SCHEMA}.esgdesk_contributor_audit_row()",
)


# What only a server has, made (or remade) after every upgrade to the head: the audit log
# append-only for every role, even the owner (SQLite's triggers of revisions 0002/0004 do the
# same there); a notice on every changed figure for the windows that listen; and the
# functions the row-level policies ask (which department owns an indicator in a year's
# edition, found as esgdesk.storage.editions finds the edition in force).
SERVER_OBJECTS = (
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.esgdesk_append_only() RETURNS trigger
       LANGUAGE plpgsql {SEARCH_PATH} AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = '42501'; END $$""",
    f"DROP TRIGGER IF EXISTS audit_no_change ON {SCHEMA}.audit",
    f"""CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {SCHEMA}.audit FOR EACH ROW
       EXECUTE FUNCTION {SCHEMA}.esgdesk_append_only()""",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {SCHEMA}.audit",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {SCHEMA}.audit FOR EACH STATEMENT
       EXECUTE FUNCTION {SCHEMA}.esgdesk_append_only()""",
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.esgdesk_figure_changed() RETURNS trigger
       LANGUAGE plpgsql {SEARCH_PATH} AS $$ BEGIN
         PERFORM pg_catalog.pg_notify('{FIGURES_CHANNEL}', pg_catalog.json_build_object(
           'entity_id', NEW.entity_id, 'year', NEW.year, 'indicator', NEW.indicator)::text);
         RETURN NULL;
       END $$""",
    # A document is stored under the SHA-256 of its bytes, and esgdesk takes a document
    # already stored under that key as the same: a login storing other bytes under it (a
    # document someone will attach, stored first with other content) is refused. The owner
    # copies rows as they are (a damaged file's are found by `check`).
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.esgdesk_content_is_its_hash() RETURNS trigger
       LANGUAGE plpgsql {SEARCH_PATH} AS $$ BEGIN
         IF (NEW.sha256 IS DISTINCT FROM pg_catalog.encode(pg_catalog.sha256(NEW.content),
                                                           'hex')
             OR NEW.size IS DISTINCT FROM pg_catalog.length(NEW.content))
            AND NOT pg_catalog.pg_has_role(session_user, {_OWNER}, 'MEMBER') THEN
           RAISE EXCEPTION 'a document is stored under the SHA-256 of its bytes'
             USING ERRCODE = '42501';
         END IF;
         RETURN NEW;
       END $$""",
    f"DROP TRIGGER IF EXISTS evidence_content_hash ON {SCHEMA}.evidence_content",
    f"""CREATE TRIGGER evidence_content_hash BEFORE INSERT ON {SCHEMA}.evidence_content
       FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.esgdesk_content_is_its_hash()""",
    f"DROP TRIGGER IF EXISTS value_changed ON {SCHEMA}.value",
    f"""CREATE TRIGGER value_changed AFTER INSERT OR UPDATE ON {SCHEMA}.value FOR EACH ROW
       EXECUTE FUNCTION {SCHEMA}.esgdesk_figure_changed()""",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.esgdesk_department_grant (
         username text NOT NULL, department text NOT NULL, PRIMARY KEY (username, department))""",
    # Each stored catalogue document's indicators and their owning departments, kept as the
    # document is stored: a contributor's write asks the owner of its figure, and reading it
    # out of the document (some 200 kB of JSON) cost milliseconds per figure.
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.esgdesk_indicator_owner (
         hash text NOT NULL, indicator text NOT NULL, owner text,
         PRIMARY KEY (hash, indicator))""",
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.esgdesk_keep_owners() RETURNS trigger
       LANGUAGE plpgsql SECURITY DEFINER {SEARCH_PATH} AS $$ BEGIN
         DELETE FROM {SCHEMA}.esgdesk_indicator_owner WHERE hash = NEW.hash;
         INSERT INTO {SCHEMA}.esgdesk_indicator_owner (hash, indicator, owner)
           SELECT NEW.hash, i->>'id', i->>'owner'
             FROM jsonb_array_elements((NEW.content::jsonb)->'chapters') ch
             CROSS JOIN LATERAL jsonb_array_elements(ch->'indicators') i
           ON CONFLICT DO NOTHING;
         RETURN NULL;
       END $$""",
    f"DROP TRIGGER IF EXISTS catalogue_content_owners ON {SCHEMA}.catalogue_content",
    f"""CREATE TRIGGER catalogue_content_owners AFTER INSERT OR UPDATE
       ON {SCHEMA}.catalogue_content
       FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.esgdesk_keep_owners()""",
    f"""INSERT INTO {SCHEMA}.esgdesk_indicator_owner (hash, indicator, owner)
         SELECT c.hash, i->>'id', i->>'owner' FROM {SCHEMA}.catalogue_content c
           CROSS JOIN LATERAL jsonb_array_elements((c.content::jsonb)->'chapters') ch
           CROSS JOIN LATERAL jsonb_array_elements(ch->'indicators') i
         ON CONFLICT DO NOTHING""",
    # PL/pgSQL, not SQL: a SQL function with its own search_path is not inlined, and run on
    # its own it costs more per figure than a PL/pgSQL one, whose plans the session keeps.
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.esgdesk_owner(ind text, yr integer) RETURNS text
       LANGUAGE plpgsql STABLE {SEARCH_PATH} AS $$ BEGIN
         RETURN (SELECT o.owner FROM {SCHEMA}.esgdesk_indicator_owner o
          WHERE o.hash = (SELECT e.hash FROM {SCHEMA}.catalogue_edition e
                           ORDER BY (e.year > yr),
                                    CASE WHEN e.year <= yr THEN -e.year ELSE e.year END,
                                    e.number DESC LIMIT 1)
            AND o.indicator = ind);
       END $$""",
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.esgdesk_may_write(ind text, yr integer, st text)
       RETURNS boolean LANGUAGE plpgsql STABLE {SEARCH_PATH} AS $$ BEGIN
         IF st IN ('approved', 'locked') THEN
           RETURN false;
         END IF;
         RETURN EXISTS (SELECT 1 FROM {SCHEMA}.esgdesk_department_grant g
                         WHERE g.username = current_user
                           AND g.department = {SCHEMA}.esgdesk_owner(ind, yr));
       END $$""",
    # The hash of an audit row, exactly as esgdesk.storage.audit.audit_hash makes it (the
    # same JSON text, byte for byte: PostgreSQL's to_json escapes strings as Python's json
    # does with ensure_ascii off), so rows made by either engine verify on both.
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.esgdesk_audit_hash(previous text,
         r {SCHEMA}.audit) RETURNS text LANGUAGE plpgsql STABLE {SEARCH_PATH} AS $$
       DECLARE body text;
       BEGIN
         body := '[' || concat_ws(',',
           coalesce(to_json(previous)::text, 'null'), coalesce(to_json(r.at)::text, 'null'),
           coalesce(to_json(r."user")::text, 'null'),
           coalesce(to_json(r.action)::text, 'null'),
           coalesce(to_json(r.entity_id)::text, 'null'),
           coalesce(to_json(r.year)::text, 'null'),
           coalesce(to_json(r.indicator)::text, 'null'),
           coalesce(to_json(r.old_value)::text, 'null'),
           coalesce(to_json(r.new_value)::text, 'null'),
           coalesce(to_json(r.old_status)::text, 'null'),
           coalesce(to_json(r.new_status)::text, 'null'),
           coalesce(to_json(r.reason)::text, 'null'),
           coalesce(to_json(r.source)::text, 'null'));
         IF r.department IS NOT NULL THEN
           body := body || ',' || to_json(r.department)::text;
         END IF;
         IF r.entered IS NOT NULL THEN
           body := body || ',["entered",' || to_json(r.entered)::text || ']';
         END IF;
         IF r.factor IS NOT NULL THEN
           body := body || ',["factor",' || to_json(r.factor)::text || ']';
         END IF;
         IF r.db_user IS NOT NULL THEN
           body := body || ',["db_user",' || to_json(r.db_user)::text || ']';
         END IF;
         RETURN encode(sha256(convert_to(body || ']', 'UTF8')), 'hex');
       END $$""",
    # Every audit row a login other than the tables' owner writes gets, on the server, the
    # server's clock, the server user and its chain hash: whatever the client sent for them
    # is not taken (no esgdesk role may write one any more; a database whose rights `server
    # init` did not make is still stamped). The owner's rows, and so the rows the triggers
    # write as the owner, are taken as given: a push copies rows with their hashes, and the
    # owner may switch any trigger off anyway.
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.esgdesk_audit_stamp() RETURNS trigger
       LANGUAGE plpgsql {SEARCH_PATH} AS $$
       BEGIN
         IF pg_has_role(current_user, (SELECT c.relowner FROM pg_class c
                        WHERE c.oid = '{SCHEMA}.audit'::regclass), 'MEMBER') THEN
           RETURN NEW;
         END IF;
         NEW.at := to_char(clock_timestamp() AT TIME ZONE 'UTC',
                           'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00';
         NEW.db_user := session_user;
         NEW.hash := {SCHEMA}.esgdesk_audit_hash(coalesce((SELECT a.hash FROM {SCHEMA}.audit a
                                                  ORDER BY a.id DESC LIMIT 1), ''), NEW);
         RETURN NEW;
       END $$""",
    f"DROP TRIGGER IF EXISTS audit_server_stamp ON {SCHEMA}.audit",
    f"""CREATE TRIGGER audit_server_stamp BEFORE INSERT ON {SCHEMA}.audit FOR EACH ROW
       EXECUTE FUNCTION {SCHEMA}.esgdesk_audit_stamp()""",
    # Only the owner of the tables (or a superuser) seals a broken audit chain: a sealing row
    # takes broken rows out of what verify reports.
    f"""CREATE OR REPLACE FUNCTION {SCHEMA}.esgdesk_seal_by_owner() RETURNS trigger
       LANGUAGE plpgsql {SEARCH_PATH} AS $$ BEGIN
         IF NOT pg_catalog.pg_has_role(current_user, (SELECT c.relowner
               FROM pg_catalog.pg_class c WHERE c.oid = '{SCHEMA}.audit'::regclass), 'MEMBER')
         THEN
           RAISE EXCEPTION 'only the owner of the database''s tables may seal the audit log'
             USING ERRCODE = '42501';
         END IF;
         RETURN NEW;
       END $$""",
    f"DROP TRIGGER IF EXISTS audit_seal_by_owner ON {SCHEMA}.audit",
    f"""CREATE TRIGGER audit_seal_by_owner BEFORE INSERT ON {SCHEMA}.audit FOR EACH ROW
       WHEN (NEW.action = 'seal') EXECUTE FUNCTION {SCHEMA}.esgdesk_seal_by_owner()""",
    *AUDIT_TRIGGERS,
    # Which server role is each esgdesk role of this database (written with the rights).
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.esgdesk_role (
         role text PRIMARY KEY, rolname text NOT NULL)""",
    # The writers' lock: its one row, locked FOR UPDATE by every write transaction.
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.esgdesk_writer (
         id integer PRIMARY KEY CHECK (id = 1))""",
    f"INSERT INTO {SCHEMA}.esgdesk_writer (id) VALUES (1) ON CONFLICT DO NOTHING",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.esgdesk_server (
         generation integer NOT NULL, CHECK (generation > 0))""",
    f"DELETE FROM {SCHEMA}.esgdesk_server",
    f"INSERT INTO {SCHEMA}.esgdesk_server (generation) VALUES ({SERVER_GENERATION})",
)

# The actions the server's triggers write (a seal is the owner's, written as given), and of
# each what only the app knows beyond its user, reason, source and a figure as typed: the
# action where the changed row does not say it, what a computed figure reads now, the option
# in force before a method's first choice, the edition a new one replaces.
SERVER_AUDITED = frozenset({"set", "note", "status", "restate", "recompute", "request",
                            "review", "factor", "province", "method", "catalogue",
                            "entity", "rename", "close", "move", "printed",
                            "attach", "detach", "quality", "sample", "mark", "company"})
_APP_ONLY = {"note": ("action",), "recompute": ("action", "old_value", "new_value"),
             "printed": ("action",),
             "method": ("old_value",), "catalogue": ("old_value",)}
_SHARED = ("user", "reason", "source")  # of the transaction, unless a row's differs


def _context_key(fields: dict[str, Any]) -> str:
    """The row an audited change is of, as the triggers name it."""
    action = fields["action"]
    if action == "factor":
        return f"f:{fields['year']}:{fields['factor']}"
    if action in ("request", "review"):
        return f"r:{fields['entity_id']}:{fields['year']}:{fields['department']}"
    if action in ("province", "rename", "close") or (action == "entity"
                                                       and fields["old_value"] is not None):
        return f"e:{fields['entity_id']}"
    if action == "move":
        return f"m:{fields['entity_id']}:{fields['year']}"
    if action == "entity":  # inserted after the app speaks, so named by its code
        import json

        return f"n:{json.loads(fields['new_value'])['code']}"
    if action == "method":
        return f"s:{fields['source']}"
    if action == "company":
        return "s:company"
    if action == "catalogue":
        return f"c:{fields['year']}"
    return f"v:{fields['entity_id']}:{fields['year']}:{fields['indicator']}"


class AuditContext:
    """What a write transaction tells the server's audit triggers, in transaction-local
    settings: esgdesk.context, a JSON object of the transaction's user, reason and source;
    and, for each changed row whose own differ or that the row cannot say (a figure as
    typed, an action, a computed figure's value), an entry in the JSON object of its bucket
    (ROW_BUCKETS). Sent before the statements that change the rows (before a flush, before
    any statement the session executes), only what changed since."""

    audited = SERVER_AUDITED

    def __init__(self) -> None:
        self.shared: dict[str, Any] | None = None
        self.copy = False
        self._buckets: dict[str, dict[str, dict[str, Any]]] = {}
        self._changed: set[str] = set()
        self._shared_sent = False

    def add(self, fields: dict[str, Any]) -> None:
        """An audited change the app is making (the fields add_audit_row was given)."""
        if self.shared is None:
            self.shared = {key: fields.get(key) for key in _SHARED}
        own = {key: fields.get(key) for key in _SHARED
               if fields.get(key) != self.shared[key]}
        for key in ("entered", *_APP_ONLY.get(fields["action"], ())):
            if fields.get(key) is not None:
                own[key] = fields[key]
        key = _context_key(fields)
        bucket = self._buckets.setdefault(_bucket(key), {})
        if bucket.get(key, {}) != own:
            if own:
                bucket[key] = own
            else:
                del bucket[key]
            self._changed.add(_bucket(key))

    def send(self, connection: Any) -> None:
        """Set what changed since the last time, for the rest of the transaction."""
        import json

        names, values = [], []
        if not self._shared_sent and (self.shared is not None or self.copy):
            names.append("esgdesk.context")
            values.append(json.dumps({"copy": True} if self.copy else self.shared,
                                     ensure_ascii=False, separators=(",", ":")))
            self._shared_sent = True
        for name in sorted(self._changed):
            names.append(name)
            values.append(json.dumps(self._buckets[name], ensure_ascii=False,
                                     separators=(",", ":")))
        self._changed.clear()
        if names:
            connection.exec_driver_sql(
                "SELECT pg_catalog.set_config(n, v, true) "
                "FROM unnest(%s::text[], %s::text[]) AS t(n, v)", (names, values))


def audit_by_server(session: Any, db_user: str | None) -> None:
    """Make a write session's audited changes the server's to log: add_audit_row records
    what only the app knows in the session's AuditContext, which is sent before the
    statements it is about."""
    from sqlalchemy import event

    context = AuditContext()
    session.info["db_user"] = db_user
    session.info["audit_context"] = context
    event.listen(session, "before_flush",
                 lambda s, _flush, _instances: context.send(s.connection()))
    event.listen(session, "do_orm_execute",
                 lambda state: context.send(state.session.connection()))


# The per-row triggers whose work a copy by the tables' owner makes void, on the two tables
# that hold a row per figure: a figure's audit row (the owner's copy writes none) and an audit
# row's server stamp (the owner's rows are taken as given). Each would still run for every
# row only to ask who copies: on a large group, more than half of a push's time.
_VOID_IN_A_COPY = (("value", "audit_figure"), ("audit", "audit_server_stamp"))


@contextmanager
def copying(connection: Any) -> Iterator[None]:
    """A bulk copy by the tables' owner (push, generate): its rows, audit rows with their
    hashes among them, are taken as given, so the triggers write no audit row of their
    own. The triggers that would do nothing for the owner's copy are switched off for the
    copy's transaction alone, and on again at its end before it commits (a transaction that
    fails takes the switching back with it); another login's copy keeps them."""
    context = AuditContext()
    context.copy = True
    context.send(connection)
    named = " OR ".join(f"(t.tgrelid = '{SCHEMA}.{table}'::regclass AND t.tgname = '{name}')"
                        for table, name in _VOID_IN_A_COPY)
    switched = connection.exec_driver_sql(  # those there and on, when the owner copies
        f"SELECT c.relname, t.tgname FROM pg_catalog.pg_trigger t "
        f"JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid WHERE ({named}) "
        "AND t.tgenabled <> 'D' "
        f"AND pg_catalog.pg_has_role(session_user, {_OWNER}, 'MEMBER') "
        f"AND pg_catalog.pg_has_role(current_user, {_OWNER}, 'MEMBER')").all()
    for table, trigger in switched:
        connection.exec_driver_sql(f"ALTER TABLE {SCHEMA}.{table} DISABLE TRIGGER {trigger}")
    yield
    for table, trigger in switched:
        connection.exec_driver_sql(f"ALTER TABLE {SCHEMA}.{table} ENABLE TRIGGER {trigger}")


def copy_rows(connection: Any, table: str, columns: Sequence[str],
              rows: Iterable[Sequence[Any]]) -> None:
    """Rows into a table with COPY, in the connection's transaction: a bulk copy's rows (a
    large group's million), many times quicker than as many INSERTs."""
    names = ", ".join(f'"{column}"' for column in columns)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, \
            cursor.copy(f'COPY {SCHEMA}."{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


ROLES = ("coordinator", "contributor", "reader", "assurer")
SERVER_TABLES = ("esgdesk_department_grant", "esgdesk_indicator_owner", "esgdesk_server",
                 "esgdesk_role", "esgdesk_writer")  # beside the schema's
LEGACY_ROLES = {role: f"esgdesk_{role}" for role in ROLES}  # one for the whole server, before


def role_names(database: str) -> dict[str, str]:
    """The group roles of one server database, by esgdesk role: a role belongs to its
    database, so being granted on one gives nothing on another of the same server. A name
    that is not a plain lower-case identifier (or too long for one) is replaced by its hash."""
    import hashlib
    import re

    if re.fullmatch(r"[a-z0-9_]{1,40}", database):
        stem = f"esgdesk_{database}"
    else:
        stem = "esgdesk_x" + hashlib.sha256(database.encode("utf-8")).hexdigest()[:16]
    return {role: f"{stem}_{role}" for role in ROLES}


def current_database(connection: Any) -> str:
    """The name of the database a connection (psycopg's or SQLAlchemy's) is on, as the server
    knows it (a URL naming a service does not say it)."""
    sql = "SELECT current_database() AS name"
    if hasattr(connection, "exec_driver_sql"):
        return str(connection.exec_driver_sql(sql).scalar())
    return str(connection.execute(sql).fetchone()["name"])


def database_name(url: ServerUrl) -> str:
    """The name of the database a URL reaches, as the server knows it."""
    connection = connect(url)
    try:
        return current_database(connection)
    finally:
        connection.close()


# What a coordinator changes in place, every change logged by a trigger (AUDIT_TRIGGERS).
COORDINATOR_UPDATES = ("value", "request", "factor", "setting", "attachment")
ENTITY_UPDATES = ("name_zh", "name_en", "from_year", "to_year", "equity_share", "control",
                  "province")


def _rights_statements(database: str) -> list[str]:
    """The database's three group roles, their privileges and the row-level policies on
    figures (run again after every `server init`: each statement may be repeated)."""
    names = role_names(database)
    coordinator, contributor, reader, assurer = (names[r] for r in ROLES)
    every = f"{coordinator}, {contributor}, {reader}, {assurer}"
    statements = [
        f"""DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '{name}') THEN
                CREATE ROLE {name} NOLOGIN;
              END IF;
            END $$""" for name in (coordinator, contributor, reader, assurer)]
    statements += [
        *(f"""INSERT INTO {SCHEMA}.esgdesk_role (role, rolname) VALUES ('{role}', '{name}')
              ON CONFLICT (role) DO UPDATE SET rolname = EXCLUDED.rolname"""
          for role, name in names.items()),
        *_legacy_members(names),
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM PUBLIC, {every}",
        # No login of the group makes objects here: no table of its own in the schema, and
        # no temporary table that could stand in for one of esgdesk's.
        f"REVOKE CREATE ON SCHEMA {SCHEMA} FROM PUBLIC, {every}",
        f"""DO $$ BEGIN
              EXECUTE pg_catalog.format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC, {every}',
                                        pg_catalog.current_database());
            END $$""",
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {every}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {every}",
        # A coordinator's login may write only as esgdesk writes, which the triggers log:
        # esgdesk deletes no row (a figure is cleared, an entity closed, a document's removal
        # marked); it changes an entity's names, years, share, control and province, never
        # its code, kind or parent (a move is a row of entity_parent); and it never changes
        # a catalogue edition, its content, a move or a submission once written. A login
        # doing otherwise would leave no audit row.
        f"GRANT INSERT ON ALL TABLES IN SCHEMA {SCHEMA} TO {coordinator}",
        *(f"GRANT UPDATE ON {SCHEMA}.{table} TO {coordinator}"
          for table in COORDINATOR_UPDATES),
        f"GRANT UPDATE ({', '.join(ENTITY_UPDATES)}) ON {SCHEMA}.entity TO {coordinator}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {coordinator}, {contributor}",
        f"GRANT INSERT, UPDATE ON {SCHEMA}.value TO {contributor}",
        # The audit log: the server's triggers write it (AUDIT_TRIGGERS), no role may.
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {SCHEMA}.audit FROM PUBLIC, {every}",
        *(f"REVOKE INSERT, UPDATE, DELETE ON {SCHEMA}.{table} FROM {every}"
          for table in SERVER_TABLES),
        # Locking the writers' row takes the right to update it: the writing roles only.
        f"GRANT UPDATE ON {SCHEMA}.esgdesk_writer TO {coordinator}, {contributor}, {assurer}",
        f"ALTER TABLE {SCHEMA}.value ENABLE ROW LEVEL SECURITY",
        # Evidence: a contributor stores documents and attaches them to the figures it may
        # write (the policies below), and removes them only by marking; nobody deletes.
        f"GRANT INSERT ON {SCHEMA}.evidence_content, {SCHEMA}.attachment TO {contributor}",
        f"GRANT UPDATE (removed, removed_by, removed_at, removed_reason) "
        f"ON {SCHEMA}.attachment TO {contributor}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {SCHEMA}.evidence_content FROM {every}",
        f"REVOKE DELETE, TRUNCATE ON {SCHEMA}.attachment FROM {every}",
        # A verifier (assurer) reads everything and writes only its samples and marks, which
        # nobody changes afterwards.
        f"GRANT INSERT ON {SCHEMA}.assurance_sample, {SCHEMA}.assurance_mark TO {assurer}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {assurer}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {SCHEMA}.assurance_sample, "
        f"{SCHEMA}.assurance_mark FROM {every}",
        f"ALTER TABLE {SCHEMA}.attachment ENABLE ROW LEVEL SECURITY",
    ]
    may_write = f"{SCHEMA}.esgdesk_may_write"
    policies = {
        "esgdesk_read": "FOR SELECT USING (true)",
        "esgdesk_coordinator": f"FOR ALL TO {coordinator} USING (true) WITH CHECK (true)",
        "esgdesk_contributor_insert": f"""FOR INSERT TO {contributor}
            WITH CHECK ({may_write}(indicator, year, status))""",
        # Every row is visible to an update, so a refused one is an error, not "UPDATE 0":
        # the new row must be the contributor's to write, and the trigger below checks the
        # old one (another department's, approved or locked).
        "esgdesk_contributor_update": f"""FOR UPDATE TO {contributor}
            USING (true) WITH CHECK ({may_write}(indicator, year, status))""",
    }
    statements += [
        *_contributor_check(
            names, "esgdesk_contributor_guard", "value_contributor_guard",
            f"BEFORE UPDATE OR DELETE ON {SCHEMA}.value", "RETURN NEW",
            f"NOT {may_write}(OLD.indicator, OLD.year, OLD.status)",
            "'the figure % of % is not yours to change (another department''s, or approved "
            "or locked)', OLD.indicator, OLD.year"),
    ]
    for name, rule in policies.items():
        statements += [f"DROP POLICY IF EXISTS {name} ON {SCHEMA}.value",
                       f"CREATE POLICY {name} ON {SCHEMA}.value {rule}"]
    # The settings a coordinator writes on a server are the method's choices and the
    # company's names, which the triggers log; any other (the first year, say) is the
    # owner's, set when the database was made. Every row is visible to an update, so a
    # refused one is an error.
    logged = "(key = 'company' OR pg_catalog.starts_with(key, 'method.'))"
    statements += [f"ALTER TABLE {SCHEMA}.setting ENABLE ROW LEVEL SECURITY"]
    for name, rule in {
            "esgdesk_read": "FOR SELECT USING (true)",
            "esgdesk_coordinator_insert": f"FOR INSERT TO {coordinator} WITH CHECK {logged}",
            "esgdesk_coordinator_update": f"FOR UPDATE TO {coordinator} USING (true) "
                                          f"WITH CHECK {logged}"}.items():
        statements += [f"DROP POLICY IF EXISTS {name} ON {SCHEMA}.setting",
                       f"CREATE POLICY {name} ON {SCHEMA}.setting {rule}"]
    # An attachment is the contributor's when its figure is (approved or locked: not).
    figure_status = (f"coalesce((SELECT v.status FROM {SCHEMA}.value v WHERE v.entity_id = "
                     "attachment.entity_id AND v.year = attachment.year AND v.indicator = "
                     "attachment.indicator), 'draft')")
    theirs = f"{may_write}(indicator, year, {figure_status})"
    attachment_policies = {
        "esgdesk_read": "FOR SELECT USING (true)",
        "esgdesk_coordinator": f"FOR ALL TO {coordinator} USING (true) WITH CHECK (true)",
        "esgdesk_contributor_insert": f"FOR INSERT TO {contributor} WITH CHECK ({theirs})",
        # Every row is visible to an update, so a refused one is an error, not "UPDATE 0"
        # (the trigger keeps an attachment on its figure: the new row's is the old one's).
        "esgdesk_contributor_update": f"""FOR UPDATE TO {contributor}
            USING (true) WITH CHECK ({theirs})""",
    }
    for name, rule in attachment_policies.items():
        statements += [f"DROP POLICY IF EXISTS {name} ON {SCHEMA}.attachment",
                       f"CREATE POLICY {name} ON {SCHEMA}.attachment {rule}"]
    return statements


def _legacy_members(names: dict[str, str]) -> list[str]:
    """A database whose rights an earlier esgdesk gave to server-wide roles: their members
    get this database's roles (what they could do here, they still can), and the server-wide
    roles lose every privilege here. Done once: afterwards the old role has no privilege here
    left, and a member the administrator revokes later is not given the role again."""
    statements = []
    for role, legacy in LEGACY_ROLES.items():
        statements.append(f"""DO $$ DECLARE member record; BEGIN
              IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '{legacy}')
                 AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c,
                                 pg_catalog.aclexplode(c.relacl) a
                              WHERE c.oid = '{SCHEMA}.value'::regclass
                                AND a.grantee = (SELECT oid FROM pg_catalog.pg_roles
                                                  WHERE rolname = '{legacy}')) THEN
                FOR member IN SELECT r.rolname FROM pg_catalog.pg_auth_members m
                    JOIN pg_catalog.pg_roles r ON r.oid = m.member
                    JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                   WHERE g.rolname = '{legacy}' LOOP
                  EXECUTE pg_catalog.format('GRANT %I TO %I', '{names[role]}', member.rolname);
                END LOOP;
                REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM {legacy};
                REVOKE ALL ON ALL SEQUENCES IN SCHEMA {SCHEMA} FROM {legacy};
                REVOKE ALL ON SCHEMA {SCHEMA} FROM {legacy};
              END IF;
            END $$""")
    return statements


def _contributor_check(names: dict[str, str], function: str, trigger: str, event: str,
                       returns: str, refused_when: str, message: str) -> list[str]:
    """A trigger (`event`: when, on which table) that refuses a row to a contributor who is
    no coordinator when `refused_when` holds, saying `message` (RAISE's format and its
    arguments). A deferred event makes a constraint trigger, checked at commit."""
    contributor, coordinator = names["contributor"], names["coordinator"]
    table = event.split(" ON ")[1].split()[0]
    kind = "CONSTRAINT TRIGGER" if "DEFERRED" in event else "TRIGGER"
    return [
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.{function}() RETURNS trigger
            LANGUAGE plpgsql {SEARCH_PATH} AS $$
            BEGIN
              IF pg_catalog.pg_has_role(current_user, '{contributor}', 'member')
                 AND NOT pg_catalog.pg_has_role(current_user, '{coordinator}', 'member')
                 AND {refused_when} THEN
                RAISE EXCEPTION {message} USING ERRCODE = '42501';
              END IF;
              {returns};
            END $$""",
        f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
        f"CREATE {kind} {trigger} {event} FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.{function}()",
    ]


def install_rights(url: ServerUrl) -> None:
    """Make the server's own objects (again: a database at the head already may have been
    made by an earlier esgdesk), the database's group roles, its privileges and policies
    (by its owner)."""
    run_all(url, lambda database: [(statement, None) for statement in (
        *SERVER_OBJECTS, *_rights_statements(database))])


Statement = tuple[str, "tuple[Any, ...] | None"]


def run_all(url: ServerUrl, statements: Callable[[str], list[Statement]]) -> None:
    """Statements (made for the database's name) in one transaction, the server's refusal as
    esgdesk's error."""
    connection = connect(url)
    try:
        with connection.transaction():
            for statement, params in statements(current_database(connection)):
                connection.execute(statement, params)  # type: ignore[arg-type]
    except Exception as exc:
        if isinstance(exc, DatabaseError):
            raise
        raise database_error(url, exc) from exc
    finally:
        connection.close()


def _identifier(name: str) -> str:
    from psycopg import sql

    return sql.Identifier(name).as_string(None)


def grant(url: ServerUrl, user: str, role: str, departments: list[str]) -> None:
    """Give a login its group role in this database (the login is made when it does not
    exist, without a password: the administrator sets one, or the server trusts its own
    means) and a contributor its departments (replacing those it had)."""
    if role not in ROLES:
        raise DatabaseError(url.shown, f"no role {role!r}: coordinator, contributor, reader "
                            "or assurer",
                            f"没有角色 {role!r}：coordinator、contributor、reader 或 assurer")
    who = _identifier(user)

    def statements(database: str) -> list[Statement]:
        names = role_names(database)
        return [
            (f"""DO $$ BEGIN
                  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles
                                  WHERE rolname = {_literal(user)}) THEN
                    CREATE ROLE {who} LOGIN;
                  END IF;
                END $$""", None),
            *((f"REVOKE {names[other]} FROM {who}", None) for other in ROLES if other != role),
            (f"GRANT {names[role]} TO {who}", None),
            (f"DELETE FROM {SCHEMA}.esgdesk_department_grant WHERE username = %s", (user,)),
            *((f"INSERT INTO {SCHEMA}.esgdesk_department_grant (username, department) "
               "VALUES (%s, %s)", (user, department)) for department in departments)]

    run_all(url, statements)


def revoke(url: ServerUrl, user: str) -> None:
    """Take every esgdesk role of this database and its departments from a login (the login
    itself stays, and so do its roles in other databases)."""
    who = _identifier(user)
    run_all(url, lambda database: [
        *((f"REVOKE {name} FROM {who}", None) for name in role_names(database).values()),
        (f"DELETE FROM {SCHEMA}.esgdesk_department_grant WHERE username = %s", (user,))])


def _literal(text: str) -> str:
    from psycopg import sql

    return sql.Literal(text).as_string(None)


# The connected user's name, the owner of the tables, whether a superuser, the database's
# esgdesk roles it is a member of and the departments granted: `role_from` reads them.
_ROLE_COLUMNS = (
    "current_user AS who, "
    "(SELECT tableowner FROM pg_catalog.pg_tables WHERE tablename = 'value' "
    f" AND schemaname = '{SCHEMA}') AS owner, "
    "(SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) AS super, "
    f"ARRAY(SELECT r.role FROM {SCHEMA}.esgdesk_role r "
    "      JOIN pg_catalog.pg_roles p ON p.rolname = r.rolname "
    "      WHERE pg_catalog.pg_has_role(current_user, p.oid, 'member')) AS roles, "
    f"ARRAY(SELECT department FROM {SCHEMA}.esgdesk_department_grant "
    "      WHERE username = current_user ORDER BY department) AS departments")


ROLE_QUERY = f"SELECT {_ROLE_COLUMNS}"


def role_from(row: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The role and departments in a row of `ROLE_QUERY` (the owner of the tables, or a
    superuser, counts as coordinator)."""
    if row["who"] == row["owner"] or row["super"]:
        return "coordinator", ()
    role = next((name for name in ROLES if name in row["roles"]), "none")
    return role, tuple(row["departments"]) if role == "contributor" else ()


def vacuum(url: ServerUrl) -> None:
    """Vacuum and analyse now, after a bulk copy. Left to the server's autovacuum, the work
    starts a minute later and takes a processor for some seconds while the first users
    work; and until then reads are planned without statistics and mark every row they
    visit as committed."""
    connection = connect(url)  # autocommit: VACUUM runs outside a transaction
    try:
        connection.execute("VACUUM (ANALYZE)")
    except Exception as exc:
        raise database_error(url, exc) from exc
    finally:
        connection.close()


def drop_tables(url: ServerUrl) -> None:
    """Drop esgdesk's tables from a server database (a creation that failed half-way)."""
    from esgdesk.storage.models import Base

    connection = connect(url)
    try:
        with connection.transaction():
            for table in [*reversed(Base.metadata.sorted_tables), "alembic_version",
                          *SERVER_TABLES]:
                connection.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    finally:
        connection.close()


# -- the server's errors as esgdesk's ------------------------------------------------------

def unreachable(url: ServerUrl, exc: BaseException) -> Unreachable:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return Unreachable(url.shown, f"cannot connect to the server ({first})",
                       f"无法连接服务器（{first}）")


def upgrade_refused(url: ServerUrl, exc: BaseException) -> DatabaseError:
    """An upgrade the server refused: only the database's owner may make it."""
    error = database_error(url, exc)
    if not isinstance(error, Forbidden):
        return error
    refused = DatabaseError(
        url.shown, "the server database is of an earlier esgdesk and only its owner may bring "
        "it up to date: ask the administrator to run `esgdesk server init URL` as the owner; "
        "nothing was changed",
        "服务器数据库由较早版本的 esgdesk 建立，只有其所有者可以升级：请管理员以所有者身份运行 "
        "`esgdesk server init URL`；没有更改任何内容")
    refused.kind = "upgrade_needed"
    return refused


def database_error(url: ServerUrl, exc: BaseException) -> DatabaseError:
    """What a psycopg (or SQLAlchemy DBAPI) error means to the user, as one of our errors."""
    original = getattr(exc, "orig", None) or exc
    state = getattr(original, "sqlstate", None) or ""
    message = str(original).strip().splitlines()[0] if str(original).strip() else ""
    if state == "42501" or "row-level security" in message:
        return Forbidden(url.shown, f"the server refused the write: your role may not make it "
                         f"({message}); nothing was written",
                         f"服务器拒绝写入：您的角色无权进行此操作（{message}）；没有写入任何内容")
    if state in ("55P03", "40P01", "40001"):
        return DatabaseBusy(url.shown, "the server database is busy: another user is writing; "
                            "try again in a moment",
                            "服务器数据库正忙：其他用户正在写入；请稍后再试")
    if "append-only" in message:
        return DatabaseError(url.shown, "the audit log is append-only", "审计日志只能追加")
    if state.startswith("08") or state.startswith("57P") or "connection" in message.lower():
        return unreachable(url, original)
    return DatabaseError(url.shown, message or type(original).__name__,
                         f"数据库出错（{message}）")
