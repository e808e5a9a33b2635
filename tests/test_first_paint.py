"""At start-up the window paints the database's forms first: the validation run and the file
check wait for its first paint, and Python's collector is off until then."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ui import first_paint
from ui.database_actions import DatabaseActions


@pytest.fixture
def starting() -> Iterator[None]:
    first_paint.hold()
    try:
        yield
    finally:
        first_paint.discard()
        gc.unfreeze()
        gc.enable()


def test_work_asked_for_while_starting_runs_after_the_first_paint(
        qtbot: QtBot, starting: None) -> None:
    ran: list[str] = []
    assert not gc.isenabled()
    first_paint.after_first_paint(lambda: ran.append("validation"))
    first_paint.after_first_paint(lambda: ran.append("file check"))
    window = QLabel("esgdesk")
    qtbot.addWidget(window)
    window.show()
    assert ran == []
    first_paint.release_after_first_paint(window)
    qtbot.waitUntil(lambda: ran == ["validation", "file check"])
    assert gc.isenabled()
    first_paint.after_first_paint(lambda: ran.append("later"))  # no start-up holds it now
    assert ran[-1] == "later"


def test_the_window_opened_at_start_up_validates_and_checks_after_its_first_paint(
        qtbot: QtBot, sample_path: Path, tmp_path: Path, starting: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.main_window import MainWindow

    checked: list[Path] = []
    monkeypatch.setattr(DatabaseActions, "_start_check", lambda _self, path: checked.append(path))
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), "en")
    qtbot.addWidget(window)
    window.open_database(sample_path)
    assert window.current_form() is not None  # the forms are there for the first paint
    assert window.validation_running() and not window.status.validating.isHidden()
    assert window.session.validation is None and checked == []  # neither has begun
    window.show()
    first_paint.release_after_first_paint(window)
    qtbot.waitUntil(lambda: checked == [sample_path])
    qtbot.waitUntil(lambda: not window.validation_running(), timeout=10000)
    assert window.status.validating.isHidden() and window.findings.all


def test_the_menus_items_and_the_collection_status_come_just_after_the_first_paint(
        qtbot: QtBot, sample_path: Path, tmp_path: Path, starting: None) -> None:
    """The first paint shows the menu bar's titles only, and the collection status dock's
    tab behind the findings': the menus' items (and their shortcuts) and the status panel
    come just after it, named in the interface language."""
    from ui.dashboard import DashboardPanel
    from ui.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), "en")
    qtbot.addWidget(window)
    window.open_database(sample_path)
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&File", "&Collection", "Ca&talogue", "&Edit", "&View", "&Help", "&Go"]
    assert window.menus.file_menu.actions() == [] and window.keyboard.menu.actions() == []
    assert not isinstance(window.dashboard_dock.widget(), DashboardPanel)
    window.show()
    first_paint.release_after_first_paint(window)
    qtbot.waitUntil(lambda: window.menus.filled and bool(window.keyboard.chapter_actions))
    assert window.menus.open_action.text() == "&Open…"
    assert window.menus.export_action.isEnabled()  # the database opened before they were made
    assert window.keyboard.chapter_actions[0].isVisible()
    assert window.keyboard.chapter_actions[0].shortcut().toString() == "Ctrl+1"
    panel = window.dashboard_dock.widget()
    assert isinstance(panel, DashboardPanel) and panel is window.dashboard
    assert panel.approve.text() == "Approve" and panel.approve.isEnabled()  # the owner may
    window.set_language("zh")
    assert window.menus.open_action.text() == "打开(&O)…"
    assert panel.approve.text() != "Approve"
