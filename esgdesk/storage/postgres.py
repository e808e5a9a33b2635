"""Everything PostgreSQL-specific, in one place (esgdesk/storage/engine.py is SQLite's): the
engine, the reading connection, the schema revision of a server database, upgrades, the
writers' lock, and the server's errors turned into esgdesk's.

Writers take one transaction-scoped advisory lock first, so writes are serialised exactly as
SQLite's BEGIN IMMEDIATE serialises them: a read-then-write never acts on a figure another
writer changed in between, and the audit chain never forks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from esgdesk.errors import DatabaseBusy, DatabaseError, Forbidden, Unreachable
from esgdesk.storage.location import ServerUrl

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy import Engine

# pg_advisory_xact_lock's key for "one writer at a time" (any number; this one spells ESGD).
WRITER_LOCK = 0x45534744
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


def make_engine(url: ServerUrl, pids: set[int] | None = None) -> Engine:
    """A SQLAlchemy engine whose connections libpq makes from the URL as given; `pids`, when
    given, collects the server processes of its connections (so a window can tell its own
    changes from other users')."""
    import psycopg
    from sqlalchemy import create_engine, event

    def creator() -> psycopg.Connection[Any]:
        connection = psycopg.connect(str(url), connect_timeout=10, application_name="esgdesk")
        if pids is not None:
            pids.add(connection.info.backend_pid)
        return connection

    engine = create_engine("postgresql+psycopg://", creator=creator,
                           isolation_level="READ COMMITTED", pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}")
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")

    return engine


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
    role: tuple[str, tuple[str, ...]]  # as role_from gives it
    user: str  # the user the server knows
    version: str  # the server's version


def opening_facts(url: ServerUrl, connection: psycopg.Connection[Any]) -> ServerFacts | None:
    """The schema revision, the user's role and departments, the user and the server's
    version in one round trip; None when the database is not an up-to-date esgdesk one
    (empty, another program's, or older: `schema_revision` says which), as the statement
    then names a table or function that is not there."""
    import psycopg

    try:
        row = connection.execute(
            "SELECT (SELECT version_num FROM alembic_version) AS revision, "
            f"current_setting('server_version') AS version, {_ROLE_COLUMNS}").fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    except psycopg.Error as exc:
        raise database_error(url, exc) from exc
    if row is None or row["revision"] is None:
        return None
    return ServerFacts(str(row["revision"]), role_from(row), str(row["who"]), str(row["version"]))


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
                    "SELECT 1 FROM pg_policies WHERE tablename = 'value' "
                    "AND policyname = 'esgdesk_read'").first() is not None:
                driver = connection.connection.driver_connection  # no parameters: % as is
                for statement in _rights_statements():
                    driver.execute(statement)  # type: ignore[union-attr]
        connection.commit()


# What only a server has, made (or remade) after every upgrade to the head: the audit log
# append-only for every role, even the owner (SQLite's triggers of revisions 0002/0004 do the
# same there); a notice on every changed figure for the windows that listen; and the
# functions the row-level policies ask (which department owns an indicator in a year's
# edition, found as esgdesk.storage.editions finds the edition in force).
SERVER_OBJECTS = (
    """CREATE OR REPLACE FUNCTION esgdesk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = '42501'; END $$""",
    "DROP TRIGGER IF EXISTS audit_no_change ON audit",
    """CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR EACH ROW
       EXECUTE FUNCTION esgdesk_append_only()""",
    "DROP TRIGGER IF EXISTS audit_no_truncate ON audit",
    """CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT
       EXECUTE FUNCTION esgdesk_append_only()""",
    f"""CREATE OR REPLACE FUNCTION esgdesk_figure_changed() RETURNS trigger LANGUAGE plpgsql
       AS $$ BEGIN
         PERFORM pg_notify('{FIGURES_CHANNEL}', json_build_object('entity_id', NEW.entity_id,
           'year', NEW.year, 'indicator', NEW.indicator)::text);
         RETURN NULL;
       END $$""",
    "DROP TRIGGER IF EXISTS value_changed ON value",
    """CREATE TRIGGER value_changed AFTER INSERT OR UPDATE ON value FOR EACH ROW
       EXECUTE FUNCTION esgdesk_figure_changed()""",
    """CREATE TABLE IF NOT EXISTS esgdesk_department_grant (
         username text NOT NULL, department text NOT NULL, PRIMARY KEY (username, department))""",
    # Each stored catalogue document's indicators and their owning departments, kept as the
    # document is stored: a contributor's write asks the owner of its figure, and reading it
    # out of the document (some 200 kB of JSON) cost milliseconds per figure.
    """CREATE TABLE IF NOT EXISTS esgdesk_indicator_owner (
         hash text NOT NULL, indicator text NOT NULL, owner text,
         PRIMARY KEY (hash, indicator))""",
    """CREATE OR REPLACE FUNCTION esgdesk_keep_owners() RETURNS trigger LANGUAGE plpgsql
       SECURITY DEFINER SET search_path FROM CURRENT AS $$ BEGIN
         DELETE FROM esgdesk_indicator_owner WHERE hash = NEW.hash;
         INSERT INTO esgdesk_indicator_owner (hash, indicator, owner)
           SELECT NEW.hash, i->>'id', i->>'owner'
             FROM jsonb_array_elements((NEW.content::jsonb)->'chapters') ch
             CROSS JOIN LATERAL jsonb_array_elements(ch->'indicators') i
           ON CONFLICT DO NOTHING;
         RETURN NULL;
       END $$""",
    "DROP TRIGGER IF EXISTS catalogue_content_owners ON catalogue_content",
    """CREATE TRIGGER catalogue_content_owners AFTER INSERT OR UPDATE ON catalogue_content
       FOR EACH ROW EXECUTE FUNCTION esgdesk_keep_owners()""",
    """INSERT INTO esgdesk_indicator_owner (hash, indicator, owner)
         SELECT c.hash, i->>'id', i->>'owner' FROM catalogue_content c
           CROSS JOIN LATERAL jsonb_array_elements((c.content::jsonb)->'chapters') ch
           CROSS JOIN LATERAL jsonb_array_elements(ch->'indicators') i
         ON CONFLICT DO NOTHING""",
    """CREATE OR REPLACE FUNCTION esgdesk_owner(ind text, yr integer) RETURNS text
       LANGUAGE sql STABLE AS $$
         SELECT o.owner FROM esgdesk_indicator_owner o
          WHERE o.hash = (SELECT e.hash FROM catalogue_edition e
                           ORDER BY (e.year > yr),
                                    CASE WHEN e.year <= yr THEN -e.year ELSE e.year END,
                                    e.number DESC LIMIT 1)
            AND o.indicator = ind $$""",
    """CREATE OR REPLACE FUNCTION esgdesk_may_write(ind text, yr integer, st text)
       RETURNS boolean LANGUAGE sql STABLE AS $$
         SELECT st NOT IN ('approved', 'locked') AND EXISTS (
           SELECT 1 FROM esgdesk_department_grant g
            WHERE g.username = current_user AND g.department = esgdesk_owner(ind, yr)) $$""",
)

ROLES = ("coordinator", "contributor", "reader")
SERVER_TABLES = ("esgdesk_department_grant", "esgdesk_indicator_owner")  # beside the schema's


def role_name(role: str) -> str:
    return f"esgdesk_{role}"


def _rights_statements() -> list[str]:
    """The three group roles' privileges and the row-level policies on figures (run again
    after every `server init`: each statement may be repeated)."""
    coordinator, contributor, reader = (role_name(r) for r in ROLES)
    every = f"{coordinator}, {contributor}, {reader}"
    statements = [
        f"""DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN
                CREATE ROLE {name} NOLOGIN;
              END IF;
            END $$""" for name in (coordinator, contributor, reader)]
    statements += [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {every}",
        f"GRANT USAGE ON SCHEMA public TO {every}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {every}",
        f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {coordinator}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {coordinator}, {contributor}",
        f"GRANT INSERT, UPDATE ON value TO {contributor}",
        f"GRANT INSERT ON audit TO {contributor}",
        # The audit log: insert-only for every role (the trigger refuses even the owner).
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM PUBLIC, {every}",
        f"REVOKE INSERT, UPDATE, DELETE ON esgdesk_department_grant FROM {every}",
        f"REVOKE INSERT, UPDATE, DELETE ON esgdesk_indicator_owner FROM {every}",
        "ALTER TABLE value ENABLE ROW LEVEL SECURITY",
    ]
    policies = {
        "esgdesk_read": "FOR SELECT USING (true)",
        "esgdesk_coordinator": f"FOR ALL TO {coordinator} USING (true) WITH CHECK (true)",
        "esgdesk_contributor_insert": f"""FOR INSERT TO {contributor}
            WITH CHECK (esgdesk_may_write(indicator, year, status))""",
        # Every row is visible to an update, so a refused one is an error, not "UPDATE 0":
        # the new row must be the contributor's to write, and the trigger below checks the
        # old one (another department's, approved or locked).
        "esgdesk_contributor_update": f"""FOR UPDATE TO {contributor}
            USING (true) WITH CHECK (esgdesk_may_write(indicator, year, status))""",
    }
    xact = "(txid_current() % 4294967296)::text"  # a row's xmin, when this transaction's
    statements += [
        *_contributor_check(
            "esgdesk_contributor_guard", "value_contributor_guard",
            "BEFORE UPDATE OR DELETE ON value", "RETURN NEW",
            "NOT esgdesk_may_write(OLD.indicator, OLD.year, OLD.status)",
            "'the figure % of % is not yours to change (another department''s, or approved "
            "or locked)', OLD.indicator, OLD.year"),
        # Every figure a contributor changes has its audit row, written by the same
        # transaction (the audit row's xmin is the transaction's id) and naming the server's
        # user: checked at commit, so a change made with psql alone is refused, not unseen.
        *_contributor_check(
            "esgdesk_contributor_audited", "value_contributor_audited",
            "AFTER INSERT OR UPDATE ON value DEFERRABLE INITIALLY DEFERRED", "RETURN NULL",
            "NOT EXISTS (SELECT 1 FROM audit a WHERE a.entity_id = NEW.entity_id "
            "AND a.year = NEW.year AND a.indicator = NEW.indicator "
            f"AND a.db_user = current_user AND a.xmin::text = {xact})",
            "'the figure % of % was changed without its audit row (esgdesk writes one with "
            "every change)', NEW.indicator, NEW.year"),
        # A contributor's audit row names the server's user it writes as, never another ...
        *_contributor_check(
            "esgdesk_audit_names_its_writer", "audit_names_its_writer",
            "BEFORE INSERT ON audit", "RETURN NEW",
            "NEW.db_user IS DISTINCT FROM current_user::text",
            "'an audit row must name the server''s user who writes it (%)', current_user"),
        # ... and goes with a change of the figure it names, made by the same transaction: a
        # contributor writes no audit row of its own making.
        *_contributor_check(
            "esgdesk_contributor_audit_row", "audit_contributor_row",
            "AFTER INSERT ON audit DEFERRABLE INITIALLY DEFERRED", "RETURN NULL",
            "NOT EXISTS (SELECT 1 FROM value v WHERE v.entity_id = NEW.entity_id "
            "AND v.year = NEW.year AND v.indicator = NEW.indicator "
            f"AND v.xmin::text = {xact})",
            "'an audit row of % % goes with no change of that figure', NEW.indicator, NEW.year"),
    ]
    for name, rule in policies.items():
        statements += [f"DROP POLICY IF EXISTS {name} ON value",
                       f"CREATE POLICY {name} ON value {rule}"]
    return statements


def _contributor_check(function: str, trigger: str, event: str, returns: str,
                       refused_when: str, message: str) -> list[str]:
    """A trigger (`event`: when, on which table) that refuses a row to a contributor who is
    no coordinator when `refused_when` holds, saying `message` (RAISE's format and its
    arguments). A deferred event makes a constraint trigger, checked at commit."""
    contributor, coordinator = role_name("contributor"), role_name("coordinator")
    table = event.split(" ON ")[1].split()[0]
    kind = "CONSTRAINT TRIGGER" if "DEFERRED" in event else "TRIGGER"
    return [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF pg_has_role(current_user, '{contributor}', 'member')
                 AND NOT pg_has_role(current_user, '{coordinator}', 'member')
                 AND {refused_when} THEN
                RAISE EXCEPTION {message} USING ERRCODE = '42501';
              END IF;
              {returns};
            END $$""",
        f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
        f"CREATE {kind} {trigger} {event} FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def install_rights(url: ServerUrl) -> None:
    """Make the server's own objects (again: a database at the head already may have been
    made by an earlier esgdesk), the group roles and the database's privileges and policies
    (by its owner)."""
    run_all(url, [(statement, None) for statement in (*SERVER_OBJECTS, *_rights_statements())])


Statement = tuple[str, "tuple[Any, ...] | None"]


def run_all(url: ServerUrl, statements: list[Statement]) -> None:
    """Statements in one transaction, the server's refusal as esgdesk's error."""
    connection = connect(url)
    try:
        with connection.transaction():
            for statement, params in statements:
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
    """Give a login its group role (the login is made when it does not exist, without a
    password: the administrator sets one, or the server trusts its own means) and a
    contributor its departments (replacing those it had)."""
    if role not in ROLES:
        raise DatabaseError(url.shown, f"no role {role!r}: coordinator, contributor or reader",
                            f"没有角色 {role!r}：coordinator、contributor 或 reader")
    who = _identifier(user)
    statements: list[Statement] = [
        (f"""DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {_literal(user)}) THEN
                CREATE ROLE {who} LOGIN;
              END IF;
            END $$""", None),
        *((f"REVOKE {role_name(other)} FROM {who}", None) for other in ROLES if other != role),
        (f"GRANT {role_name(role)} TO {who}", None),
        ("DELETE FROM esgdesk_department_grant WHERE username = %s", (user,)),
    ]
    statements += [("INSERT INTO esgdesk_department_grant (username, department) "
                    "VALUES (%s, %s)", (user, department)) for department in departments]
    run_all(url, statements)


def revoke(url: ServerUrl, user: str) -> None:
    """Take every esgdesk role and department from a login (the login itself stays)."""
    who = _identifier(user)
    run_all(url, [*((f"REVOKE {role_name(r)} FROM {who}", None) for r in ROLES),
                  ("DELETE FROM esgdesk_department_grant WHERE username = %s", (user,))])


def _literal(text: str) -> str:
    from psycopg import sql

    return sql.Literal(text).as_string(None)


# The connected user's name, the owner of the tables, whether a superuser, each esgdesk
# role's membership and the departments granted: `role_from` reads them.
_ROLE_COLUMNS = (
    "current_user AS who, "
    "(SELECT tableowner FROM pg_tables WHERE tablename = 'value' "
    " AND schemaname = current_schema()) AS owner, "
    "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS super, "
    + ", ".join(f"EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = '{role_name(name)}' "
                f"AND pg_has_role(current_user, r.oid, 'member')) AS {name}" for name in ROLES)
    + ", ARRAY(SELECT department FROM esgdesk_department_grant "
    "      WHERE username = current_user ORDER BY department) AS departments")


ROLE_QUERY = f"SELECT {_ROLE_COLUMNS}"


def role_from(row: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The role and departments in a row of `ROLE_QUERY` (the owner of the tables, or a
    superuser, counts as coordinator)."""
    if row["who"] == row["owner"] or row["super"]:
        return "coordinator", ()
    role = next((name for name in ROLES if row[name]), "none")
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
