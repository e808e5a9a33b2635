"""The store's parts: records read back by column name, one guard before every figure or note
is changed, request audit rows that name their department, the 0004 → 0005 upgrade keeping
the audit chain, and a database locked by another program reading as busy, never damaged."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from esgdesk.errors import DatabaseBusy, StaleValue, ValueLocked
from esgdesk.storage import engine
from esgdesk.storage.audit import verify
from esgdesk.storage.backup import backups
from esgdesk.storage.store import (
    SCHEMA_HEAD,
    Change,
    Store,
    StoredValue,
    SubmissionInfo,
    create_at_revision,
    journal_mode,
    now,
    open_database,
)

FIGURE = "people.employees.total"  # supplied by hr


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Store]:
    store = open_database(tmp_path / "fresh.db", create=True)
    store.add_entity("group", "集团", "Group", "group")
    store.add_entity("acme", "甲公司", "Acme", "company", "group")
    yield store
    store.close()


def test_a_restated_figure_reads_back_with_every_field_by_name(fresh: Store) -> None:
    fresh.set_value(Change("acme", 2023, FIGURE, "1,200", note="HR ledger"), "li")
    fresh.set_status("acme", 2023, FIGURE, "locked", "wang")
    written = fresh.restate("acme", 2023, FIGURE, "1250", "error", "late hires", "zhao")
    stored = fresh.get("acme", 2023, FIGURE)
    assert stored == written == StoredValue(
        entity="acme", year=2023, indicator=FIGURE, value="1250", state="value",
        note="HR ledger", status="locked", changed_by="zhao", changed_at=written.changed_at,
        version=3, published="1200", restated="error: late hires")
    assert fresh.values("acme", [2023]) == {(FIGURE, 2023): stored}
    assert list(fresh.all_values()) == [stored]


def test_requests_and_submissions_read_back_by_name(fresh: Store) -> None:
    request = fresh.assign("acme", 2023, "hr", "Zhang Wei", "2024-03-31", "li")
    assert (request.entity, request.year, request.department, request.assignee, request.due,
            request.status, request.changed_by) == (
        "acme", 2023, "hr", "Zhang Wei", "2024-03-31", "requested", "li")
    assert fresh.request(request.id) == request == fresh.request_for("acme", 2023, "hr")
    assert fresh.requests(2023) == [request]
    submission = SubmissionInfo(sha256="ab" * 32, request_id=request.id, file_name="hr.xlsx",
                                submitted_by="Zhang Wei", saved_at="2024-03-30T10:00",
                                imported_by="li", imported_at=now(), figures=1)
    fresh.import_submission([Change("acme", 2023, FIGURE, "88")], submission)
    assert fresh.submission(submission.sha256) == submission
    assert fresh.submissions(request.id) == [submission]
    assert fresh.request(request.id).status == "submitted"  # type: ignore[union-attr]


def test_one_guard_refuses_a_locked_or_stale_figure_and_note_writing_nothing(
        fresh: Store) -> None:
    first = fresh.set_value(Change("acme", 2023, FIGURE, "10", note="count"), "li")
    fresh.set_value(Change("acme", 2023, FIGURE, "11"), "wang")
    before = len(fresh.audit_log())
    with pytest.raises(StaleValue, match="wang"):
        fresh.set_value(Change("acme", 2023, FIGURE, "12", expected_version=first.version),
                        "li")
    with pytest.raises(StaleValue, match="wang"):
        fresh.set_note("acme", 2023, FIGURE, "recount", "li", expected_version=first.version)
    assert len(fresh.audit_log()) == before
    assert fresh.get("acme", 2023, FIGURE).value == "11"  # type: ignore[union-attr]
    fresh.set_status("acme", 2023, FIGURE, "locked", "zhao")
    locked = fresh.get("acme", 2023, FIGURE)
    assert locked is not None
    before = len(fresh.audit_log())
    with pytest.raises(ValueLocked):
        fresh.set_value(Change("acme", 2023, FIGURE, "12"), "li")
    with pytest.raises(ValueLocked):
        fresh.set_note("acme", 2023, FIGURE, "recount", "li")
    assert len(fresh.audit_log()) == before
    assert fresh.get("acme", 2023, FIGURE) == locked


def test_request_audit_rows_name_the_department_not_an_indicator(fresh: Store) -> None:
    request = fresh.assign("acme", 2023, "hr", "Zhang Wei", "2024-03-31", "li")
    fresh.set_value(Change("acme", 2023, FIGURE, "10"), "li")
    fresh.set_request_status(request.id, "submitted", "li")
    fresh.set_request_status(request.id, "locked", "wang", lock_figures=True)
    rows = fresh.audit_log()
    about_request = [r for r in rows if r.action in ("request", "review")]
    assert [(r.action, r.indicator, r.department, r.new_status) for r in about_request] == [
        ("request", "", "hr", "requested"), ("review", "", "hr", "submitted"),
        ("review", "", "hr", "locked")]
    figure_rows = [r for r in rows if r.action in ("set", "status")]
    assert figure_rows and all(r.indicator == FIGURE and r.department is None
                               for r in figure_rows)
    assert not any(r.indicator.startswith("request:") for r in rows)
    assert fresh.verify_audit().intact


def _hash_before_0005(previous: str, row: dict[str, object]) -> str:
    """How schema 0004 hashed a row, written out here so the test pins the old format."""
    keys = ("at", "user", "action", "entity_id", "year", "indicator", "old_value",
            "new_value", "old_status", "new_status", "reason", "source")
    body = json.dumps([previous, *(row[k] for k in keys)], ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def test_an_upgrade_from_0004_keeps_the_chain_and_new_rows_carry_the_department(
        tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    create_at_revision(path, "0004")
    old_rows = [
        {"at": "2024-01-01", "user": "li", "action": "set", "entity_id": 1, "year": 2023,
         "indicator": FIGURE, "old_value": None, "new_value": "5", "old_status": None,
         "new_status": None, "reason": "", "source": ""},
        {"at": "2024-01-02", "user": "li", "action": "review", "entity_id": 1, "year": 2023,
         "indicator": "request:hr", "old_value": None, "new_value": None,
         "old_status": "requested", "new_status": "submitted", "reason": "", "source": ""},
    ]
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO entity (code, name_zh, name_en, kind) VALUES "
                    "('group', '集团', 'Group', 'group')")
        head = ""
        for row in old_rows:
            head = _hash_before_0005(head, row)
            raw.execute(f"INSERT INTO audit ({', '.join(row)}, hash) VALUES "
                        f"({', '.join('?' * len(row))}, ?)", [*row.values(), head])
    raw.close()
    assert verify(path).intact

    store = open_database(path)
    assert any(f"before-{SCHEMA_HEAD}" in p.name for p in backups(path))  # upgraded to the head
    assert verify(path).intact and verify(path).rows == 2
    old_review = store.audit_log()[1]
    assert (old_review.indicator, old_review.department) == ("request:hr", None)
    request = store.assign("group", 2023, "hr", "Zhang Wei", "", "wang")
    store.set_request_status(request.id, "submitted", "wang")
    new_rows = store.audit_log()[2:]
    assert [(r.indicator, r.department) for r in new_rows] == [("", "hr"), ("", "hr")]
    report = verify(path)
    assert report.intact and report.rows == 4
    store.close()
    with sqlite3.connect(path) as raw, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("UPDATE audit SET department = 'ehs'")
    raw.close()


@pytest.fixture
def quick_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wait 0.1 s for a lock instead of 5 s."""
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)


@pytest.fixture
def held(fresh: Store) -> Iterator[sqlite3.Connection]:
    """Another program holding the database's exclusive lock."""
    other = sqlite3.connect(fresh.path, isolation_level=None)
    yield other
    other.close()


@pytest.mark.skipif(journal_mode() == "wal", reason="in WAL mode a lock does not stop readers")
def test_a_database_locked_by_another_program_is_busy_on_opening(
        quick_busy: None, fresh: Store, held: sqlite3.Connection) -> None:
    held.execute("BEGIN EXCLUSIVE")
    with pytest.raises(DatabaseBusy, match="busy") as caught:
        open_database(fresh.path)
    assert caught.value.kind == "busy" and "damaged" not in str(caught.value)
    with pytest.raises(DatabaseBusy):
        verify(fresh.path)


def test_a_database_locked_by_another_program_is_busy_on_writing(
        tmp_path: Path, quick_busy: None, held: sqlite3.Connection) -> None:
    store = open_database(tmp_path / "fresh.db")
    store.warm_up()  # checked and connected before the other program takes the lock
    before = len(store.audit_log())
    held.execute("BEGIN EXCLUSIVE")
    with pytest.raises(DatabaseBusy, match="busy") as caught:
        store.set_value(Change("acme", 2023, FIGURE, "10"), "li")
    assert caught.value.kind == "busy"
    with pytest.raises(DatabaseBusy):
        store.set_note("acme", 2023, FIGURE, "note", "li")
    held.execute("ROLLBACK")
    assert len(store.audit_log()) == before
    store.set_value(Change("acme", 2023, FIGURE, "10"), "li")  # and works once it is free
    store.close()


@pytest.mark.skipif(journal_mode() == "wal", reason="in WAL mode a lock does not stop readers")
def test_a_lock_during_the_first_check_is_busy_not_damaged(
        tmp_path: Path, quick_busy: None, held: sqlite3.Connection) -> None:
    store = open_database(tmp_path / "fresh.db")
    store.entities()
    held.execute("BEGIN EXCLUSIVE")
    with pytest.raises(DatabaseBusy):
        store.set_value(Change("acme", 2023, FIGURE, "10"), "li")
    held.execute("ROLLBACK")
    assert store.set_value(Change("acme", 2023, FIGURE, "10"), "li").value == "10"
    store.close()
