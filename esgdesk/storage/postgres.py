"""Everything PostgreSQL-specific, in one place (esgdesk/storage/engine.py is SQLite's): the
engine, the reading connection, the schema revision of a server database, upgrades, the
writers' lock, and the server's errors turned into esgdesk's.

Writers first lock the one row of esgdesk_writer, so writes are serialised exactly as
SQLite's BEGIN IMMEDIATE serialises them: a read-then-write never acts on a figure another
writer changed in between, and the audit chain never forks. Locking that row takes the right
to update it, which only the writing roles have: a reader cannot stop the writers (an
advisory lock, which any login may take, could)."""

from __future__ import annotations

from collections.abc import Callable
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


def connect(url: ServerUrl, autocommit: bool = True) -> psycopg.Connection[Any]:
    """A libpq connection (URL, service file and PGPASSFILE as libpq reads them), rows by
    column name."""
    import psycopg
    from psycopg.rows import dict_row

    try:
        return psycopg.connect(str(url), autocommit=autocommit, row_factory=dict_row,
                               connect_timeout=10, application_name="esgdesk")
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
        connection = psycopg.connect(str(url), connect_timeout=10, application_name="esgdesk")
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


def query(connection: psycopg.Connection[Any], sql: str, params: tuple[Any, ...]
          ) -> list[dict[str, Any]]:
    return connection.execute(to_params(sql), params).fetchall()  # type: ignore[arg-type]


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
SERVER_GENERATION = 2

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
    # is not taken. (The owner's rows are taken as given: a push copies rows with their
    # hashes, and the owner may switch any trigger off anyway.)
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

ROLES = ("coordinator", "contributor", "reader")
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


def _rights_statements(database: str) -> list[str]:
    """The database's three group roles, their privileges and the row-level policies on
    figures (run again after every `server init`: each statement may be repeated)."""
    names = role_names(database)
    coordinator, contributor, reader = (names[r] for r in ROLES)
    every = f"{coordinator}, {contributor}, {reader}"
    statements = [
        f"""DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '{name}') THEN
                CREATE ROLE {name} NOLOGIN;
              END IF;
            END $$""" for name in (coordinator, contributor, reader)]
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
        f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO {coordinator}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {coordinator}, {contributor}",
        f"GRANT INSERT, UPDATE ON {SCHEMA}.value TO {contributor}",
        f"GRANT INSERT ON {SCHEMA}.audit TO {contributor}",
        # The audit log: insert-only for every role (the trigger refuses even the owner).
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {SCHEMA}.audit FROM PUBLIC, {every}",
        *(f"REVOKE INSERT, UPDATE, DELETE ON {SCHEMA}.{table} FROM {every}"
          for table in SERVER_TABLES),
        # Locking the writers' row takes the right to update it: the writing roles only.
        f"GRANT UPDATE ON {SCHEMA}.esgdesk_writer TO {coordinator}, {contributor}",
        f"ALTER TABLE {SCHEMA}.value ENABLE ROW LEVEL SECURITY",
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
    xact = "(pg_catalog.txid_current() % 4294967296)::text"  # a row's xmin, when this
    statements += [                                            # transaction's
        *_contributor_check(
            names, "esgdesk_contributor_guard", "value_contributor_guard",
            f"BEFORE UPDATE OR DELETE ON {SCHEMA}.value", "RETURN NEW",
            f"NOT {may_write}(OLD.indicator, OLD.year, OLD.status)",
            "'the figure % of % is not yours to change (another department''s, or approved "
            "or locked)', OLD.indicator, OLD.year"),
        # Every figure a contributor changes has its audit row, written by the same
        # transaction (the audit row's xmin is the transaction's id) and naming the server's
        # user: checked at commit, so a change made with psql alone is refused, not unseen.
        *_contributor_check(
            names, "esgdesk_contributor_audited", "value_contributor_audited",
            f"AFTER INSERT OR UPDATE ON {SCHEMA}.value DEFERRABLE INITIALLY DEFERRED",
            "RETURN NULL",
            f"NOT EXISTS (SELECT 1 FROM {SCHEMA}.audit a WHERE a.entity_id = NEW.entity_id "
            "AND a.year = NEW.year AND a.indicator = NEW.indicator "
            f"AND a.db_user = current_user AND a.xmin::text = {xact})",
            "'the figure % of % was changed without its audit row (esgdesk writes one with "
            "every change)', NEW.indicator, NEW.year"),
        # A contributor's audit row names the server's user it writes as, never another ...
        *_contributor_check(
            names, "esgdesk_audit_names_its_writer", "audit_names_its_writer",
            f"BEFORE INSERT ON {SCHEMA}.audit", "RETURN NEW",
            "NEW.db_user IS DISTINCT FROM current_user::text",
            "'an audit row must name the server''s user who writes it (%)', current_user"),
        # ... and goes with a change of the figure it names, made by the same transaction: a
        # contributor writes no audit row of its own making.
        *_contributor_check(
            names, "esgdesk_contributor_audit_row", "audit_contributor_row",
            f"AFTER INSERT ON {SCHEMA}.audit DEFERRABLE INITIALLY DEFERRED", "RETURN NULL",
            f"NOT EXISTS (SELECT 1 FROM {SCHEMA}.value v WHERE v.entity_id = NEW.entity_id "
            "AND v.year = NEW.year AND v.indicator = NEW.indicator "
            f"AND v.xmin::text = {xact})",
            "'an audit row of % % goes with no change of that figure', NEW.indicator, NEW.year"),
    ]
    for name, rule in policies.items():
        statements += [f"DROP POLICY IF EXISTS {name} ON {SCHEMA}.value",
                       f"CREATE POLICY {name} ON {SCHEMA}.value {rule}"]
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
        raise DatabaseError(url.shown, f"no role {role!r}: coordinator, contributor or reader",
                            f"没有角色 {role!r}：coordinator、contributor 或 reader")
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
