"""Whose cells: another department's rows are marked with it, and skipped by Enter and F8
once the user's department is set; F8 says when it starts again from the top; the file
dialogs start in the last folder used; reopening takes the selected cell and the findings'
department filter again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
from pytestqt.qtbot import QtBot

from esgdesk.model.layout import FigureRef
from ui.chapter_form import ChapterForm
from ui.folders import open_file, start_folder
from ui.main_window import MainWindow


def _window(qtbot: QtBot, path: Path, settings: QSettings, department: str = "") -> MainWindow:
    settings.setValue("profile/department", department)
    win = MainWindow(settings, lang="en")
    qtbot.addWidget(win)
    win.open_where_left(path, year=2024)
    win.resize(1366, 688)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _rows_of_others(form: ChapterForm, department: str) -> list[tuple[int, int]]:
    return [(position, row) for position, view in enumerate(form.views)
            for row in range(view.model().rowCount())
            if view.model().owner(row) not in (None, department)]


def _walk(qtbot: QtBot, window: MainWindow, key: Qt.Key, presses: int) -> list[FigureRef]:
    """Press Enter (on the current cell) or F8 (Go → Next empty or flagged cell) again and
    again: the cells it stops on."""
    form = window.current_form()
    seen = []
    for _ in range(presses):
        view = next(v for v in form.views if v.currentIndex().isValid())
        seen.append(view.model().figure(view.currentIndex()))
        if key == Qt.Key.Key_F8:
            window.keyboard.to_fill_action.trigger()
        else:
            qtbot.keyClick(view, key)
    return seen


def test_with_a_department_enter_and_f8_pass_other_departments_rows(
        qtbot: QtBot, sample_path: Path, settings: QSettings) -> None:
    window = _window(qtbot, sample_path, settings, "hr")
    window.keyboard.open_chapter("people")
    form = window.current_form()
    others = _rows_of_others(form, "hr")
    assert others  # EHS's safety rows and IR's in the people chapter
    position, row = others[0]
    model = form.views[position].model()
    label = model.index(row, 0).data()
    owner = window.catalogue.departments[model.owner(row)]("en")
    assert label.endswith(f"· {owner}")
    catalogue = window.catalogue
    seen = _walk(qtbot, window, Qt.Key.Key_Return, 120)
    assert len(set(seen)) > 20
    assert all(catalogue.indicators[ref.indicator].owner == "hr" for ref in seen)
    seen = _walk(qtbot, window, Qt.Key.Key_F8, 80)
    assert len(set(seen)) > 20
    assert all(catalogue.indicators[ref.indicator].owner == "hr" for ref in seen)


def test_without_a_department_other_rows_are_marked_and_f8_says_it_wrapped(
        qtbot: QtBot, sample_path: Path, settings: QSettings) -> None:
    window = _window(qtbot, sample_path, settings)
    window.keyboard.open_chapter("people")
    form = window.current_form()
    others = _rows_of_others(form, "hr")
    position, row = others[0]
    model = form.views[position].model()
    owner = window.catalogue.departments[model.owner(row)]("en")  # IR: the buybacks
    assert model.index(row, 0).data().endswith(f"· {owner}")
    ref_column = next(c for c in range(model.columnCount()) if model.grid.is_current(c))
    tip = model.index(row, ref_column).data(Qt.ItemDataRole.ToolTipRole)
    assert f"Supplied by {owner}" in tip
    assert not model.skipped(row)
    # F8 from the chapter's last cell to fill goes back to the top, and says so
    last = form.views[-1]
    column = next(c for c in range(last.model().columnCount()) if last.model().grid.is_current(c))
    last.setFocus()
    last.setCurrentIndex(last.model().index(last.model().rowCount() - 1, column))
    window.keyboard.to_fill_action.trigger()  # F8
    assert "top" in window.statusBar().currentMessage()


def test_file_dialogs_start_in_the_last_folder_used(
        qtbot: QtBot, sample_path: Path, settings: QSettings, tmp_path: Path) -> None:
    window = _window(qtbot, sample_path, settings)
    chosen = tmp_path / "returned"
    chosen.mkdir()
    (chosen / "a.xlsx").write_bytes(b"")
    starts: list[str] = []

    def answer(pick: Path | None) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        starts.append(dialog.directory().absolutePath())
        if pick is None:
            dialog.reject()
        else:
            dialog.findChild(QLineEdit, "fileNameEdit").setText(str(pick))  # typed
            dialog.accept()

    QTimer.singleShot(100, lambda: answer(None))
    window.files.choose()  # File → Open: the user's documents at first
    QTimer.singleShot(100, lambda: answer(chosen / "a.xlsx"))
    assert open_file(window, settings, "Import", "*.xlsx") == str(chosen / "a.xlsx")
    QTimer.singleShot(100, lambda: answer(None))
    window.collection.import_workbooks()  # then where the last file was chosen
    assert starts[0] != str(Path.cwd())  # never the program's folder
    assert starts[0] == str(start_folder(QSettings(str(tmp_path / "none.ini"),
                                                   QSettings.Format.IniFormat)))
    assert starts[2] == str(chosen)


def test_reopening_takes_the_cell_and_the_department_filter_again(
        qtbot: QtBot, sample_path: Path, settings: QSettings) -> None:
    window = _window(qtbot, sample_path, settings)
    assert window.jump_to("people.employees.female")
    window.findings.show_department("ehs")
    window.close()
    again = _window(qtbot, sample_path, settings)
    assert again.current_form().current_figure() == FigureRef(
        "group", 2024, "people.employees.female")
    assert again.findings.department.currentData() == "ehs"
