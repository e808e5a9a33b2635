"""The audit log is hash-chained: an edit made outside esgdesk is found at its row."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_cli
from conftest import BOTH

from esgdesk.storage import audit
from esgdesk.storage.audit import verify
from esgdesk.storage.store import Change, Store, create_at_revision, open_database

ENGINES = BOTH  # each test on the sample runs on SQLite and on a PostgreSQL server
FILE_CHECK = True  # the window checks the file it opens in the background (conftest.py)

ROOT = Path(__file__).resolve().parent.parent


def _tamper(path: Path, sql: str) -> None:
    """What someone with a SQLite tool could do: drop the guard, edit, put it back."""
    connection = sqlite3.connect(path)
    connection.executescript(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;" + sql +
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN "
        "SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN "
        "SELECT RAISE(ABORT, 'the audit log is append-only'); END;")
    connection.close()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "esgdesk", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_every_write_extends_an_intact_chain(sample: Store) -> None:
    sample.set_value(Change("group", 2023, "people.employees.total", "4107"), "a")
    sample.set_note("group", 2023, "people.employees.total", "recount", "b")
    sample.set_status("group", 2023, "people.employees.total", "locked", "c")
    report = sample.verify_audit()
    assert report.intact and report.rows == len(sample.audit_log()) > 288
    result = run_cli("audit", "verify", str(sample.path))
    assert result.returncode == 0 and "intact" in result.stdout


@pytest.mark.sqlite_only
def test_an_edited_row_breaks_the_chain_there(sample: Store) -> None:
    sample.set_value(Change("group", 2023, "people.employees.total", "4107"), "a")
    target = sample.audit_log()[100].id
    sample.close()
    _tamper(sample.path, f"UPDATE audit SET new_value = '9999' WHERE id = {target};")
    report = verify(sample.path)
    assert report.broken_at == target
    result = run_cli("audit", "verify", str(sample.path))
    assert result.returncode == 1 and f"audit row {target}" in result.stderr


@pytest.mark.sqlite_only
def test_a_deleted_row_breaks_the_chain_at_the_next(sample: Store) -> None:
    target = sample.audit_log()[50].id
    sample.close()
    _tamper(sample.path, f"DELETE FROM audit WHERE id = {target};")
    assert verify(sample.path).broken_at == target + 1


def test_an_upgraded_database_chains_its_existing_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    create_at_revision(path, "0003")
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO entity (code, name_zh, name_en, kind) VALUES "
                       "('g', '集团', 'Group', 'group')")
    connection.execute("INSERT INTO audit (at, user, action, entity_id, year, indicator, "
                       "new_value, reason, source) VALUES ('2024-01-01', 'x', 'set', 1, 2023, "
                       "'people.employees.total', '5', '', '')")
    connection.commit()
    connection.close()
    store = open_database(path)
    assert store.verify_audit().intact and store.verify_audit().rows == 1
    store.set_value(Change("g", 2023, "people.employees.total", "6"), "y")
    assert store.verify_audit().intact and store.verify_audit().rows == 2
    store.close()


def _window_on(qtbot, path: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
               lang: str = "en"):
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), lang)
    qtbot.addWidget(window)
    window.open_database(path)
    return window


@pytest.mark.sqlite_only
def test_the_app_warns_when_the_chain_is_broken(qtbot, sample_path: Path,  # type: ignore[no-untyped-def]
                                                tmp_path: Path) -> None:
    _tamper(sample_path, "UPDATE audit SET user = 'someone else' WHERE id = 7;")
    window = _window_on(qtbot, sample_path, tmp_path)
    assert not window.check_audit()
    assert not window.banner.isHidden() and "row 7" in window.banner.text()


@pytest.mark.sqlite_only
def test_the_app_checks_the_chain_in_the_background(qtbot, sample_path: Path,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
    _tamper(sample_path, "DELETE FROM audit WHERE id = 9;")
    window = _window_on(qtbot, sample_path, tmp_path)
    qtbot.waitUntil(lambda: not window.banner.isHidden(), timeout=10000)
    assert "row 10" in window.banner.text()


@pytest.mark.sqlite_only
def test_the_file_check_says_its_steps_and_the_app_shows_them_while_it_runs(
        qtbot, sample_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from esgdesk.application.session import Session

    said = _cli("check", "--json", "--progress", str(sample_path))
    assert said.returncode == 0, said.stderr
    lines = said.stderr.splitlines()
    assert lines[0] == "checking integrity 0 1" and lines[1] == "checking figures 0 1"
    assert lines[2].startswith("checking chain 0 ")
    last = lines[-1].split()
    assert last[:2] == ["checking", "chain"] and last[2] == last[3] and int(last[3]) >= 288
    assert Session.file_check_progress(said.stderr) == ("chain", 100)
    assert Session.file_check_progress("checking integrity 0 1\nchecking chain 50 200\n"
                                       "checking cha") == ("chain", 25)
    assert Session.file_check_progress("") == ("integrity", None)
    window = _window_on(qtbot, sample_path, tmp_path)
    qtbot.waitUntil(lambda: not window.files.checking.isHidden(), timeout=10000)
    assert window.files.checking.text().startswith("Checking the")
    assert window.files.checking.text().endswith(" s")
    qtbot.waitUntil(lambda: not window.files.checkers, timeout=30000)
    assert window.files.checking.isHidden()
    window.close()


@pytest.mark.sqlite_only
def test_check_reports_a_sound_file_a_broken_chain_and_a_damaged_file(
        sample_path: Path, tmp_path: Path) -> None:
    import json

    sound = _cli("check", str(sample_path))
    assert sound.returncode == 0 and "rows are intact" in sound.stdout
    answer = json.loads(run_cli("check", "--json", str(sample_path)).stdout)
    assert answer["problem"] is None and answer["broken_at"] is None and answer["rows"] >= 288
    _tamper(sample_path, "UPDATE audit SET new_value = '9999' WHERE id = 12;")
    broken = run_cli("check", "--json", str(sample_path))
    assert broken.returncode == 1 and json.loads(broken.stdout)["broken_at"] == 12
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)
    damaged = run_cli("check", str(junk))
    assert damaged.returncode == 1 and "damaged" in damaged.stderr
    missing = run_cli("check", str(tmp_path / "none.db"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert not (tmp_path / "none.db").exists()


@pytest.mark.sqlite_only
def test_opening_another_database_or_closing_stops_the_file_check_running(  # type: ignore[no-untyped-def]
        qtbot, sample_path: Path, tmp_path: Path) -> None:
    from PySide6.QtCore import QProcess

    window = _window_on(qtbot, sample_path, tmp_path)
    first = list(window.files.checkers)
    other = tmp_path / "other.db"
    shutil.copyfile(sample_path, other)
    window.open_database(other)  # the first file's check is not needed now
    window.open_database(sample_path)
    assert len(first) == 1 and len(window.files.checkers) == 1
    running = window.files.checkers[0]
    assert running not in first and running.state() != QProcess.ProcessState.NotRunning
    assert all(p.state() == QProcess.ProcessState.NotRunning for p in first)
    window.close()
    assert running.state() == QProcess.ProcessState.NotRunning
    assert window.files.checkers == []


@pytest.mark.sqlite_only
def test_a_figure_that_differs_from_its_audit_rows_is_found_on_a_file(sample_path: Path) -> None:
    """Someone with a SQLite tool changes a figure (or a status) and leaves the log alone,
    or adds a figure with no audit row: the chain holds, and check still finds each."""
    connection = sqlite3.connect(sample_path)
    connection.executescript(
        "UPDATE value SET value = '9999' WHERE indicator = 'people.employees.total' "
        "AND year = 2023 AND entity_id = (SELECT id FROM entity WHERE code = 'group');"
        "UPDATE value SET status = 'approved' WHERE indicator = 'people.employees.female' "
        "AND year = 2023 AND entity_id = (SELECT id FROM entity WHERE code = 'group');"
        "INSERT INTO value (entity_id, year, indicator, value, state, note, status, "
        "changed_by, changed_at, version, restated, provenance) SELECT id, 2031, "
        "'people.employees.total', '1', 'value', '', 'draft', 'x', 'now', 1, '', '' "
        "FROM entity WHERE code = 'group';"
        "DELETE FROM value WHERE indicator = 'people.employees.male' AND year = 2023 "
        "AND entity_id = (SELECT id FROM entity WHERE code = 'group');")
    connection.commit()
    connection.close()
    report = verify(sample_path)
    assert report.intact and not report.sound
    assert [(m.entity, m.year, m.indicator, m.what, m.stored) for m in report.mismatches] == [
        ("group", 2023, "people.employees.female", "status", "approved"),
        ("group", 2023, "people.employees.male", "gone", None),
        ("group", 2023, "people.employees.total", "value", "9999"),
        ("group", 2031, "people.employees.total", "no audit row", None)]
    result = run_cli("check", str(sample_path))
    assert result.returncode == 1
    assert "group 2023 people.employees.total: the value is '9999'" in result.stderr
    assert "group 2031 people.employees.total: no audit row" in result.stderr
    assert ("group 2023 people.employees.male: the figure is gone, the audit log says '2592'"
            in result.stderr)
    assert [m.describe("zh") for m in report.mismatches][1:3] == [
        "group 2023 people.employees.male：数据已不存在，审计日志记为 '2592'",
        "group 2023 people.employees.total：数值为 '9999'，审计日志记为 '4106'"]
    assert run_cli("audit", "verify", str(sample_path)).returncode == 1
    store = open_database(sample_path)
    try:  # each written again through esgdesk: in the log, and found no more
        store.set_value(Change("group", 2023, "people.employees.total", "4200"), "zhao")
        store.set_status("group", 2023, "people.employees.female", "locked", "zhao")
        store.set_value(Change("group", 2031, "people.employees.total", "2"), "zhao")
        store.set_value(Change("group", 2023, "people.employees.male", "2592"), "zhao")
        assert store.verify_audit().sound
    finally:
        store.close()


@pytest.mark.sqlite_only
def test_every_broken_row_is_listed_and_the_owner_seals_them(sample_path: Path) -> None:
    _tamper(sample_path, "UPDATE audit SET reason = 'x' WHERE id IN (12, 40);"
                         "DELETE FROM audit WHERE id = 60;")
    report = verify(sample_path)
    assert report.broken == (12, 40, 61) and report.broken_at == 12
    assert "and 2 more: 40, 61" in report.reason
    listed = run_cli("audit", "verify", str(sample_path))
    assert listed.returncode == 1
    assert all(f"audit row {row} " in listed.stderr for row in (12, 40, 61))
    refused = run_cli("audit", "seal", str(sample_path))
    assert refused.returncode == 2 and "reason" in refused.stderr
    sealed = run_cli("audit", "seal", str(sample_path), "--reason", "restored rows by hand",
                     "--user", "zhao")
    assert sealed.returncode == 0 and "12, 40, 61" in sealed.stdout, sealed.stderr
    report = verify(sample_path)
    assert report.sound and report.sealed == (12, 40, 61)
    assert run_cli("check", str(sample_path)).returncode == 0
    nothing = run_cli("audit", "seal", str(sample_path), "--reason", "again")
    assert nothing.returncode == 2 and "nothing to seal" in nothing.stderr
    store = open_database(sample_path)
    try:  # the chain goes on from the seal; a later edit is found, the sealed rows stay so
        store.set_value(Change("group", 2023, "people.employees.total", "4200"), "zhao")
        assert store.verify_audit().sound
        last = store.audit_log()[-1].id
    finally:
        store.close()
    _tamper(sample_path, f"UPDATE audit SET reason = 'y' WHERE id = {last};")
    assert verify(sample_path).broken == (last,) and verify(sample_path).sealed == (12, 40, 61)


@pytest.mark.sqlite_only
def test_the_chain_is_read_in_pages_and_a_row_deep_in_it_is_still_named(
        sample_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chain is verified a page of rows at a time, so its memory does not grow with the
    log: rows broken on a page's last row, the next page's first and many pages in are all
    named, every row is counted, and a seal many pages after them still seals them."""
    every = verify(sample_path).rows
    assert every > 250
    connection = sqlite3.connect(sample_path)
    connection.row_factory = sqlite3.Row
    ids = [row["id"] for row in connection.execute("SELECT id FROM audit ORDER BY id")]
    pages: list[int] = []

    def query(sql: str, params: tuple[object, ...]) -> list[sqlite3.Row]:
        rows = connection.execute(sql, params).fetchall()
        pages.append(len(rows))
        return rows

    assert [row["id"] for row in audit.chain_rows(query, page=7)] == ids
    connection.close()
    assert max(pages) == 7 and len(pages) == len(ids) // 7 + 1
    _tamper(sample_path, "UPDATE audit SET reason = 'x' WHERE id IN (7, 8, 250);")
    report = verify(sample_path, page=7)
    assert report.broken == (7, 8, 250) and report.rows == every
    assert report.reason.startswith("audit row 7 was changed")
    monkeypatch.setattr(audit, "CHAIN_PAGE", 7)
    store = open_database(sample_path)
    try:
        store.seal_audit("restored by hand", "zhao")
        assert store.verify_audit().sealed == (7, 8, 250)
    finally:
        store.close()
    assert verify(sample_path, page=7).sound


@pytest.mark.sqlite_only
def test_the_app_warns_when_figures_differ_from_the_audit_log(
        qtbot, sample_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    connection = sqlite3.connect(sample_path)
    connection.execute("UPDATE value SET value = '9999' WHERE indicator = "
                       "'people.employees.total' AND year = 2023 AND entity_id = "
                       "(SELECT id FROM entity WHERE code = 'group')")
    connection.commit()
    connection.close()
    window = _window_on(qtbot, sample_path, tmp_path)
    qtbot.waitUntil(lambda: "differs" in window.banner.warnings, timeout=10000)
    assert "1 figure differs" in window.banner.text()
    assert "group 2023 people.employees.total: the value is '9999'" in window.banner.text()
    assert not window.check_audit()  # the chain holds; the figure does not
    window.close()
    # In Chinese the first difference is said in Chinese too, from the file check and from
    # checking the log now.
    chinese = _window_on(qtbot, sample_path, tmp_path, "zh")
    qtbot.waitUntil(lambda: "differs" in chinese.banner.warnings, timeout=10000)
    said = "group 2023 people.employees.total：数值为 '9999'，审计日志记为 "
    assert "有 1 个数据与审计日志不符" in chinese.banner.text()
    assert said in chinese.banner.text() and "the value" not in chinese.banner.text()
    assert not chinese.check_audit()
    assert said in chinese.banner.text() and "the value" not in chinese.banner.text()


@pytest.mark.sqlite_only
def test_a_printed_figure_changed_behind_esgdesk_is_found(sample_path: Path) -> None:
    """What a report prints instead of a computed figure is compared with its newest
    "printed" audit row, as a figure's value is with its own."""
    ratio = "people.employees.female_ratio"
    store = open_database(sample_path)
    try:
        store.set_printed("group", 2023, ratio, "36.9", "rounded so the column adds up",
                          "zhao")
        assert store.verify_audit().sound
    finally:
        store.close()
    connection = sqlite3.connect(sample_path)
    connection.execute("UPDATE value SET printed = '40.0' WHERE indicator = ? AND year = 2023 "
                       "AND entity_id = (SELECT id FROM entity WHERE code = 'group')", (ratio,))
    connection.commit()
    connection.close()
    report = verify(sample_path)
    assert report.intact and not report.sound
    assert [(m.indicator, m.what, m.stored, m.logged) for m in report.mismatches] == [
        (ratio, "printed", "40.0", "36.9")]
    assert report.mismatches[0].describe() == (
        f"group 2023 {ratio}: the printed figure is '40.0', the audit log says '36.9'")
    assert report.mismatches[0].describe("zh") == (
        f"group 2023 {ratio}：报告所印数据为 '40.0'，审计日志记为 '36.9'")
    store = open_database(sample_path)
    try:  # printed again through esgdesk: in the log, and found no more
        store.set_printed("group", 2023, ratio, None, "", "zhao")
        assert store.verify_audit().sound
    finally:
        store.close()
