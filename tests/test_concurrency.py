"""Two programs on one database (a file, or a server's): nothing is silently overwritten, and
a busy database is a short wait or a clear message, never a crash."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_runner import run_cli
from conftest import BOTH
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from esgdesk.model.layout import FigureRef
from esgdesk.storage import engine
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
REF = FigureRef("group", 2023, "people.employees.total")
ENGINES = BOTH


def _other_user_sets(path: Path, value: str) -> None:
    """Another process (the command line, as another user) changes the figure."""
    result = subprocess.run(
        [sys.executable, "-m", "esgdesk", "set", str(path), "--year", "2023", "--user",
         "Zhao Lei", "people.employees.total", value], capture_output=True, text=True,
        cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def window(qtbot: QtBot, sample_path: Path, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("profile/name", "Li Na")
    win = MainWindow(settings, lang="en")
    qtbot.addWidget(win)
    win.open_database(sample_path, "group", 2023)
    return win


@pytest.mark.parametrize("keep", [True, False])
def test_a_figure_changed_by_another_process_is_not_silently_overwritten(
        window: MainWindow, sample_path: Path, monkeypatch: pytest.MonkeyPatch,
        keep: bool) -> None:
    asked: list[tuple[str, str]] = []

    def choose(ref: FigureRef, stale, mine):  # type: ignore[no-untyped-def]
        asked.append((stale.changed_by, stale.changed_at))
        return keep

    monkeypatch.setattr(window.editor, "keep_mine", choose)
    _other_user_sets(sample_path, "4200")  # after the window read 4,106
    window.commit_edit(REF, "4150")
    assert asked and asked[0][0] == "Zhao Lei" and asked[0][1]
    assert window.store is not None
    stored = window.store.get("group", 2023, "people.employees.total")
    assert stored.value == ("4150" if keep else "4200")
    assert window.workspace is not None
    assert window.workspace.display(REF) == ("4,150" if keep else "4,200")
    users = [r.user for r in window.store.history("group", 2023, "people.employees.total")]
    assert "Zhao Lei" in users  # the other change stays in the history either way


@pytest.mark.sqlite_only
def test_a_busy_database_is_a_clear_message_not_a_crash(
        sample_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert engine.BUSY_TIMEOUT_MS == 5000  # a user's command waits 5 s for another's write
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 1000)  # here a second is as good a wait
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(sample_path)!r}, isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE')\n"
         "print('locked', flush=True)\n"
         "time.sleep(12)\n"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        start = time.perf_counter()
        result = run_cli("set", str(sample_path), "--year", "2023", "people.employees.total",
                         "4200")
        waited = time.perf_counter() - start
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert "busy" in result.stderr and "Traceback" not in result.stderr
    assert waited >= 0.9  # it waited (busy_timeout) before saying so
