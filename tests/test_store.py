import sqlite3
from pathlib import Path

import pytest
from conftest import BOTH
from sqlalchemy import text

from esgdesk.errors import (
    DatabaseError,
    DerivedIndicator,
    InvalidValue,
    Published,
    StaleValue,
    UnknownEntity,
    UnknownIndicator,
    ValueLocked,
)
from esgdesk.storage.store import (
    SCHEMA_HEAD,
    SCHEMA_REVISIONS,
    Change,
    Store,
    create_at_revision,
    open_database,
    sqlite_has_wal_reset_fix,
)

ENGINES = BOTH


@pytest.fixture
def fresh(tmp_path: Path, engine: str, request: pytest.FixtureRequest) -> Store:
    where = request.getfixturevalue("pg_url") if engine == "postgres" else tmp_path / "fresh.db"
    store = open_database(where, create=True)
    store.add_entity("group", "集团", "Group", "group")
    store.add_entity("acme", "甲公司", "Acme", "company", "group")
    yield store
    store.close()


def test_a_figure_round_trips_through_a_real_file(fresh: Store, tmp_path: Path) -> None:
    fresh.set_value(Change("acme", 2023, "people.employees.total", "1,234", note="HR ledger"),
                    user="li")
    fresh.close()
    reopened = open_database(fresh.path)
    stored = reopened.get("acme", 2023, "people.employees.total")
    assert stored is not None
    assert (stored.value, stored.note, stored.changed_by, stored.version) == (
        "1234", "HR ledger", "li", 1)
    reopened.close()


def test_every_change_is_audited_with_old_and_new(fresh: Store) -> None:
    fresh.set_value(Change("acme", 2023, "people.employees.total", "4106"), user="li")
    fresh.set_value(Change("acme", 2023, "people.employees.total", "4120"), user="wang",
                    reason="late hires")
    history = fresh.history("acme", 2023, "people.employees.total")
    assert [(h.user, h.old_value, h.new_value) for h in history] == [
        ("li", None, "4106"), ("wang", "4106", "4120")]
    assert history[1].reason == "late hires"


def test_an_unchanged_value_writes_no_audit_row(fresh: Store) -> None:
    fresh.set_value(Change("acme", 2023, "people.employees.total", "4106"), user="li")
    fresh.set_value(Change("acme", 2023, "people.employees.total", "4,106"), user="li")
    assert len(fresh.history("acme", 2023, "people.employees.total")) == 1


@pytest.mark.sqlite_only
def test_the_audit_log_cannot_be_edited_even_with_sql(fresh: Store) -> None:
    fresh.set_value(Change("acme", 2023, "people.employees.total", "4106"), user="li")
    assert not hasattr(fresh, "delete_audit")
    connection = sqlite3.connect(fresh.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("UPDATE audit SET new_value = '1'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("DELETE FROM audit")
    connection.close()
    assert fresh.history("acme", 2023, "people.employees.total")[0].new_value == "4106"


def test_a_batch_with_one_bad_value_writes_nothing(fresh: Store) -> None:
    with pytest.raises(InvalidValue):
        fresh.set_values([
            Change("acme", 2023, "people.employees.total", "4106"),
            Change("acme", 2023, "people.employees.female", "many"),
        ], user="li")
    assert fresh.get("acme", 2023, "people.employees.total") is None
    assert [r.action for r in fresh.audit_log()] == ["entity", "entity"]  # the fixture's


@pytest.mark.parametrize("change,error", [
    (Change("acme", 2023, "people.no.such", "1"), UnknownIndicator),
    (Change("nowhere", 2023, "people.employees.total", "1"), UnknownEntity),
    (Change("acme", 2023, "people.employees.total", "12.5"), InvalidValue),
    (Change("acme", 2023, "people.employees.female_ratio", "36"), DerivedIndicator),
])
def test_refused_changes_say_why(fresh: Store, change: Change, error: type) -> None:
    with pytest.raises(error):
        fresh.set_value(change, user="li")
    assert [r.action for r in fresh.audit_log()] == ["entity", "entity"]  # the fixture's


def test_a_locked_value_is_published_and_changes_only_as_a_restatement(fresh: Store) -> None:
    fresh.set_value(Change("acme", 2023, "people.employees.total", "4106"), user="li")
    fresh.set_status("acme", 2023, "people.employees.total", "locked", user="coordinator")
    with pytest.raises(ValueLocked) as refused:
        fresh.set_value(Change("acme", 2023, "people.employees.total", "1"), user="li")
    assert "esgdesk restate" in refused.value.en and "unlock" not in refused.value.en
    assert "重述" in refused.value.zh
    for status in ("draft", "submitted", "approved"):
        with pytest.raises(Published) as unlocking:
            fresh.set_status("acme", 2023, "people.employees.total", status,
                             user="coordinator", reason="fix typo")
        assert unlocking.value.kind == "published" and "esgdesk restate" in unlocking.value.en
    restated = fresh.restate("acme", 2023, "people.employees.total", "4110", "error",
                             "counted twice", "coordinator")
    assert (restated.value, restated.published, restated.status) == ("4110", "4106", "locked")
    actions = [(h.action, h.new_status) for h in fresh.history("acme", 2023,
                                                                "people.employees.total")]
    assert actions == [("set", None), ("status", "locked"), ("restate", "locked")]


def test_a_value_changed_since_it_was_read_is_not_overwritten(fresh: Store) -> None:
    first = fresh.set_value(Change("acme", 2023, "people.employees.total", "4106"), user="li")
    fresh.set_value(Change("acme", 2023, "people.employees.total", "4110"), user="wang")
    with pytest.raises(StaleValue, match="wang"):
        fresh.set_value(Change("acme", 2023, "people.employees.total", "4120",
                               expected_version=first.version), user="li")
    assert fresh.get("acme", 2023, "people.employees.total").value == "4110"


@pytest.mark.sqlite_only
def test_every_connection_has_the_durability_pragmas(fresh: Store) -> None:
    with fresh.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        mode = connection.execute(text("PRAGMA journal_mode")).scalar()
    assert mode == ("wal" if sqlite_has_wal_reset_fix() else "delete")


@pytest.mark.parametrize("version,fixed", [
    ("3.40.1", False), ("3.44.5", False), ("3.44.6", True), ("3.50.6", False),
    ("3.50.7", True), ("3.51.2", False), ("3.51.3", True), ("3.52.0", True),
])
def test_wal_only_with_the_wal_reset_fix(version: str, fixed: bool) -> None:
    assert sqlite_has_wal_reset_fix(version) is fixed


def test_schema_revisions_match_the_migrations() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "esgdesk.storage:migrations")
    script = ScriptDirectory.from_config(config)
    chain = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert tuple(chain) == SCHEMA_REVISIONS
    assert script.get_current_head() == SCHEMA_HEAD


def test_a_database_made_at_the_first_revision_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    create_at_revision(path, SCHEMA_REVISIONS[0])
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO entity (code, name_zh, name_en, kind) "
                       "VALUES ('group', '集团', 'Group', 'group')")
    connection.execute("INSERT INTO audit (at, user, action, entity_id, year, indicator, "
                       "new_value, reason, source) VALUES ('t', 'li', 'set', 1, 2023, "
                       "'people.employees.total', '4106', '', '')")
    connection.commit()
    # At the first revision the audit log could still be edited.
    connection.execute("UPDATE audit SET reason = 'old'")
    connection.commit()
    connection.close()
    store = open_database(path)
    assert store.entity("group").name_en == "Group"
    assert len(store.audit_log()) == 1
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("UPDATE audit SET reason = 'edited'")
    store.close()


def test_a_database_from_a_newer_esgdesk_is_refused(tmp_path: Path, fresh: Store) -> None:
    with fresh.engine.begin() as raw:
        raw.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    fresh.close()
    with pytest.raises(DatabaseError, match="newer esgdesk"):
        open_database(fresh.path)


@pytest.mark.parametrize("content,reason", [
    (b"PK\x03\x04 this is a zip", "not a SQLite file"),
    (b"SQLite format 3\x00" + b"\x00" * 80, "cannot be read"),
])
def test_a_file_that_is_not_ours_is_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "odd.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseError, match=reason):
        open_database(path)
    assert path.read_bytes() == content


def test_a_sqlite_file_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(DatabaseError, match="another program"):
        open_database(path)


def test_a_missing_file_is_not_created_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no such database"):
        open_database(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_a_new_company_database_has_its_entities(tmp_path: Path) -> None:
    from esgdesk.storage.newdb import create_database, parse_entity_lines

    specs = parse_entity_lines("acme, 集团, ACME Group, group\nplant, 工厂, Plant 1, site, acme")
    store = create_database(tmp_path / "acme.db", "ACME", 2024, specs)
    assert [e.code for e in store.entities()] == ["acme", "plant"]
    assert store.setting("first_year") == "2024"
    store.close()
    with pytest.raises(Exception, match="kind"):
        parse_entity_lines("acme, 集团, ACME, galaxy")
    with pytest.raises(DatabaseError, match="exists already"):
        create_database(tmp_path / "acme.db", "ACME", 2024, specs)


def test_a_note_that_no_workbook_cell_could_hold_is_refused(sample: Store) -> None:
    before = len(sample.audit_log())
    with pytest.raises(InvalidValue, match="32,767"):
        sample.set_note("group", 2023, "people.employees.total", "x" * 40000, "a")
    with pytest.raises(InvalidValue, match="control character U\\+0007 at position 4"):
        sample.set_value(Change("group", 2023, "people.employees.total", "4106",
                                note="abc\x07"), "a")
    with pytest.raises(InvalidValue, match="U\\+001B"):
        sample.restate("group", 2023, "people.employees.total", "4107", "error",
                       "typo\x1b", "a")
    assert len(sample.audit_log()) == before
    sample.set_note("group", 2023, "people.employees.total", "line one\nline two\tend", "a")
