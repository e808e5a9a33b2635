"""SQLite's integrity check, seconds on a large file, is never run on the window's turn when
the file check beside it has passed it: after the first paint only the writing side is
connected, and once the running file check says it is past the integrity check, the first
write does not run that check again. A damaged file is still never written to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from test_backup import damage

from esgdesk.application.session import Session
from esgdesk.errors import DatabaseDamaged
from esgdesk.model.layout import FigureRef
from esgdesk.storage import base
from esgdesk.storage.engine import check_file
from esgdesk.storage.health import check_database_file, progress_line

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

FIGURE = FigureRef("group", 2023, "people.employees.total")


def _said(path: Path) -> str:
    """What the file check (as the app runs it) says as it goes, all of it."""
    lines: list[str] = []
    check_database_file(path, lambda step, done, total: lines.append(
        progress_line(step, done, total)))
    return "\n".join(lines)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the store runs SQLite's integrity check on itself."""
    ran: list[Path] = []

    def counted(path: Path, full: bool = False) -> str | None:
        ran.append(path)
        return check_file(path, full)

    monkeypatch.setattr(base, "check_file", counted)
    return ran


WARMED = """
import sys
from esgdesk.application.session import Session
session = Session()
session.open(sys.argv[1], "group", 2023)
assert "sqlalchemy" not in sys.modules
thread = session.warm_up()
assert session.warming_up() or not thread.is_alive()
thread.join(60)
assert not session.warming_up()
print(sorted(m for m in ("sqlalchemy", "sqlalchemy.dialects.sqlite.pysqlite") if m in sys.modules))
"""


def test_warming_up_imports_the_writing_side_beside_the_window(sample_path: Path) -> None:
    found = subprocess.run([sys.executable, "-c", WARMED, str(sample_path)], check=True,
                           capture_output=True, text=True, timeout=120)
    assert found.stdout.split("\n")[-2] == "['sqlalchemy', 'sqlalchemy.dialects.sqlite.pysqlite']"


def test_warming_up_after_the_first_paint_leaves_the_integrity_check_to_the_file_check(
        sample_path: Path, checks: list[Path]) -> None:
    session = Session()
    session.open(sample_path, "group", 2023)
    thread = session.warm_up()  # None in this process: SQLAlchemy is imported already
    if thread is not None:
        thread.join(60)
    assert checks == []
    session.set_figure(FIGURE, "1001")  # no file check heard: the write checks first
    assert checks == [sample_path]
    session.close()


def test_a_file_check_past_the_integrity_check_spares_the_first_write_its_own(
        sample_path: Path, checks: list[Path]) -> None:
    said = _said(sample_path)
    assert "checking figures" in said
    session = Session()
    session.open(sample_path, "group", 2023)
    session.file_check_heard(sample_path, said.split("checking figures")[0])  # at integrity
    session.file_check_heard(sample_path.with_name("other.db"), said)  # another file's
    session.file_check_heard(sample_path, "")
    session.set_figure(FIGURE, "1001")
    assert checks == [sample_path]  # none of those is past this file's integrity check
    session.close()
    checks.clear()
    session.open(sample_path, "group", 2023)
    session.file_check_heard(sample_path, said)
    session.set_figure(FIGURE, "1002")
    assert checks == []
    assert session.current(FIGURE).value == "1002"
    session.close()


def test_a_file_damaged_once_open_is_never_written_whatever_its_check_said(
        sample_path: Path) -> None:
    session = Session()
    session.open(sample_path, "group", 2023)
    session.warm_up()
    damage(sample_path)
    said = _said(sample_path)
    assert said and "checking figures" not in said  # it stops at the integrity check
    session.file_check_heard(sample_path, said)
    before = sample_path.read_bytes()
    with pytest.raises(DatabaseDamaged):
        session.set_figure(FIGURE, "1001")
    session.close()
    assert sample_path.read_bytes() == before


def test_the_figures_compared_a_few_entities_at_a_time_are_those_of_one_pass(
        sample_tree_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file check compares the figures with the log a few entities at a time (each a
    short read, so a write waits a tenth of a second at most): what it finds is what one
    pass over every figure finds."""
    import sqlite3

    from esgdesk.storage import audit

    with sqlite3.connect(sample_tree_path) as raw:  # changed outside esgdesk, unaudited
        entities = [row[0] for row in raw.execute(
            "SELECT DISTINCT entity_id FROM value ORDER BY entity_id")]
        assert len(entities) > 3
        for entity in (entities[1], entities[-1]):
            raw.execute("UPDATE value SET value = '424242' WHERE rowid = (SELECT min(rowid) "
                        "FROM value WHERE entity_id = ? AND value IS NOT NULL)", (entity,))
    raw.close()
    with sqlite3.connect(sample_tree_path) as raw:
        raw.row_factory = sqlite3.Row
        whole = audit.reconcile(raw.execute(audit.differing_figures_sql()).fetchall())
    raw.close()
    assert len(whole) == 2 and all(m.what == "value" for m in whole)
    for at_once in (1, 2, 1000):
        monkeypatch.setattr(audit, "FIGURES_COMPARED_AT_ONCE", at_once)
        assert list(audit.verify(sample_tree_path).mismatches) == whole


def test_the_window_imports_the_writing_side_once_a_run_has_ended(
        qtbot: QtBot, sample_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    asked: list[object] = []  # the run going on when the window asked (None: none)
    monkeypatch.setattr(Session, "warm_up", lambda self: asked.append(self.validation))
    window = MainWindow(QSettings(str(tmp_path / "settings.ini"),
                                  QSettings.Format.IniFormat), lang="en")
    qtbot.addWidget(window)
    window.open_database(sample_path, year=2023)
    assert asked == []  # not as it opens: the run is about to go
    window.show()
    qtbot.waitUntil(lambda: not window.validation_running() and bool(asked), timeout=20000)
    assert asked == [None] * len(asked)
