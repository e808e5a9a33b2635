"""The forms from the keyboard alone: panes, chapters, entity and year, the next cell to fill,
one current cell kept in sight, undo that shows what it changed, and Find."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from esgdesk.model.layout import FigureRef
from ui.dialogs import FindDialog
from ui.form_view import FormTableView
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, sample_path: Path, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, lang="en")
    qtbot.addWidget(win)
    win.open_database(sample_path, year=2024)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


def _focused() -> object:
    return QApplication.focusWidget()


def _current(window: MainWindow) -> FigureRef | None:
    form = window.current_form()
    assert form is not None
    return form.current_figure()


def test_ctrl_number_opens_a_chapter_with_the_cursor_on_its_first_cell(
        qtbot: QtBot, window: MainWindow) -> None:
    chapters = window.catalogue.chapters
    window.navigation.setFocus()
    qtbot.keyClick(window.navigation, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    form = window.current_form()
    assert form is not None and form.chapter.id == chapters[3].id == "innovation"
    assert isinstance(_focused(), FormTableView) and form.isAncestorOf(_focused())
    ref = _current(window)
    assert ref is not None and ref.year == 2024 and window.workspace.is_editable(ref)
    # The tree chooses the same way: a table item puts the cursor in that table.
    people = next(window.navigation.topLevelItem(i) for i in range(
        window.navigation.topLevelItemCount()) if window.navigation.topLevelItem(i).data(
        0, Qt.ItemDataRole.UserRole + 1) == "people")
    structure = next(people.child(i) for i in range(people.childCount())
                     if people.child(i).data(0, Qt.ItemDataRole.UserRole) == "people.structure")
    window.navigation.itemActivated.emit(structure, 0)
    assert window.current_form().chapter.id == "people"
    assert _current(window) == FigureRef("group", 2024, "people.employees.total")
    assert window.current_form().view_of("people.structure").hasFocus()


def test_f6_cycles_the_panes_and_alt_keys_reach_entity_and_year(
        qtbot: QtBot, window: MainWindow) -> None:
    window.keyboard.open_chapter("people")
    seen = []
    for _ in range(4):
        qtbot.keyClick(_focused(), Qt.Key.Key_F6)
        focused = _focused()
        seen.append(next(name for name, pane in (
            ("tree", window.navigation), ("form", window.pages), ("details", window.detail),
            ("findings", window.findings.list))
            if pane is focused or pane.isAncestorOf(focused)))
    assert seen == ["details", "findings", "tree", "form"]
    qtbot.keyClick(_focused(), Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert window.navigation.hasFocus()
    qtbot.keyClick(_focused(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert window.entity_picker.hasFocus()
    qtbot.keyClick(_focused(), Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    assert window.year_picker.hasFocus()


def test_ctrl_page_keys_step_through_the_years(qtbot: QtBot, window: MainWindow) -> None:
    window.keyboard.open_chapter("people")
    qtbot.keyClick(_focused(), Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.year == 2023
    qtbot.keyClick(_focused(), Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.year == 2022
    qtbot.keyClick(_focused(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.year == 2023 and window.year_picker.currentData() == 2023


def test_tab_leaves_a_table_at_its_end_instead_of_wrapping(qtbot: QtBot,
                                                          window: MainWindow) -> None:
    form = window.keyboard.open_chapter("people") or window.current_form()
    first, second = form.views[0], form.views[1]
    model = first.model()
    first.setFocus()
    first.setCurrentIndex(model.index(model.rowCount() - 1, model.columnCount() - 1))
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    assert second.hasFocus()
    assert not first.currentIndex().isValid()  # one current cell across the chapter
    # From the tree, Tab goes into the form.
    window.navigation.setFocus()
    qtbot.keyClick(window.navigation, Qt.Key.Key_Tab)
    assert form.isAncestorOf(_focused())


def test_f8_goes_to_the_next_empty_or_flagged_cell(qtbot: QtBot, window: MainWindow) -> None:
    window.keyboard.open_chapter("people")
    start = _current(window)
    qtbot.keyClick(_focused(), Qt.Key.Key_F8)
    moved = _current(window)
    assert moved is not None and moved != start
    workspace = window.workspace
    assert not workspace.edit_text(moved) or workspace.findings_at(moved)


def test_the_form_keeps_the_current_cell_in_sight_and_says_when_the_chapter_ends(
        qtbot: QtBot, window: MainWindow) -> None:
    form = window.keyboard.open_chapter("people") or window.current_form()
    window.resize(1024, 600)
    qtbot.wait(10)
    last = form.views[-1]
    row = last.first_editable_row(last.model().columnCount() - 1,
                                  last.model().rowCount() - 1, -1)
    assert row is not None
    last.setFocus()
    last.setCurrentIndex(last.model().index(row, last.model().columnCount() - 1))
    rect = last.visualRect(last.currentIndex())
    top_left = last.viewport().mapTo(form.viewport(), rect.topLeft())
    assert form.viewport().rect().contains(top_left)
    assert [v for v in form.views if v.currentIndex().isValid()] == [last]
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    qtbot.keyClick(last, Qt.Key.Key_Return)
    assert any("last figure" in m for m in messages), messages


def test_undo_shows_the_cell_it_changed(qtbot: QtBot, window: MainWindow) -> None:
    ref = FigureRef("group", 2024, "people.employees.total")
    window.keyboard.open_chapter("people")
    window.commit_edit(ref, "4200")
    window.keyboard.open_chapter("governance")
    window.menus.undo_action.trigger()
    assert window.current_form().chapter.id == "people"
    assert _current(window) == ref
    assert window.workspace.edit_text(ref) == ""


def test_enter_in_find_takes_the_top_match_of_any_label_a_row_shows(
        qtbot: QtBot, window: MainWindow) -> None:
    dialog = FindDialog(window.catalogue, "en", window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.query, "worldwide")  # the row heading of "About Us"
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert dialog.result() == FindDialog.DialogCode.Accepted
    assert dialog.chosen() == "people.employees.total"
    assert [i.id for i in window.catalogue.search("全球员工")] == ["people.employees.total"]
    assert isinstance(dialog.query, QLineEdit)
