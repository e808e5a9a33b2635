"""An error nothing caught in the app is written to the rotating log in the user data folder
and shown in a dialog with its details and the log's place; nothing is sent anywhere."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from ui import app


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    path = app.start_log()
    assert path == tmp_path / "esgdesk" / "logs" / "esgdesk.log"
    yield path
    for handler in list(app.LOG.handlers):
        app.LOG.removeHandler(handler)
        handler.close()


def test_an_error_in_a_slot_is_logged_and_shown_with_its_details(
        qtbot: QtBot, log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[QMessageBox] = []

    def click_copy(box: QMessageBox) -> int:
        shown.append(box)
        copy = next(b for b in box.buttons() if "Copy" in b.text())
        copy.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_copy)
    app.report_unexpected_errors()

    def broken_slot() -> None:
        raise ZeroDivisionError("the figure divided by nothing")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: shown != [])
    box = shown[0]
    assert str(log) in box.informativeText() and "Nothing was sent" in box.informativeText()
    details = box.detailedText()
    assert "ZeroDivisionError: the figure divided by nothing" in details
    assert "esgdesk" in details.splitlines()[0]  # the versions come first
    assert QApplication.clipboard().text() == details
    assert "ZeroDivisionError: the figure divided by nothing" in log.read_text(encoding="utf-8")


def test_the_log_rotates_instead_of_growing(log: Path) -> None:
    for _ in range(app.LOG_BYTES // 1000 * (app.LOG_BACKUPS + 2)):
        app.LOG.info("x" * 1000)
    logs = sorted(log.parent.iterdir())
    assert [p.name for p in logs] == ["esgdesk.log", *(f"esgdesk.log.{n}" for n in
                                                       range(1, app.LOG_BACKUPS + 1))]
    assert all(p.stat().st_size <= app.LOG_BYTES for p in logs)


def test_the_app_runs_on_when_the_log_cannot_be_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocked))  # a file where the folder should be
    assert app.start_log() is None
    assert not logging.getLogger("esgdesk").handlers
