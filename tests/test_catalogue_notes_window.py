"""The forms show a table's numbered notes under it, in the interface language."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from test_catalogue_notes import STRUCTURE, YEAR, with_notes

from esgdesk.storage.store import Store
from ui.main_window import MainWindow


def test_the_form_shows_a_table_s_notes_under_it(qtbot: QtBot, sample: Store,
                                                 sample_path: Path, tmp_path: Path) -> None:
    with_notes(sample, tmp_path)
    sample.close()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, lang="zh")
    qtbot.addWidget(window)
    window.open_database(sample_path, year=YEAR, chapter="people")
    window.show()
    qtbot.waitExposed(window)
    form = window.current_form()
    notes = form.notes[STRUCTURE]
    assert notes.isVisible()
    assert notes.text() == "注1：员工总数含劳务派遣人员。\n注2：2023 年新设两家子公司。"
    layout = notes.parentWidget().layout()
    view = form.views[[t.id for t in form.tables].index(STRUCTURE)]
    assert layout.indexOf(notes) == layout.indexOf(view) + 1  # right under its table
    others = [label for table_id, label in form.notes.items() if table_id != STRUCTURE]
    assert others and not any(label.isVisible() for label in others)
    window.set_language("en")
    assert notes.text().startswith("Note 1: Employees include dispatched workers.\nNote 2:")
