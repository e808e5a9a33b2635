"""The window on small screens: it fits the free area at first run, status bar included;
the current cell has two rows below it in sight, the years of its table are always shown,
and a chapter's last row can be seen whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from pytestqt.qtbot import QtBot

from ui.chapter_form import ChapterForm
from ui.form_view import FormTableView
from ui.main_window import MainWindow
from ui.panes import TITLE_BAR, first_run_geometry


def _window(qtbot: QtBot, path: Path, tmp_path: Path, lang: str = "en") -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, lang=lang)
    qtbot.addWidget(win)
    win.open_database(path, year=2024, chapter="people")
    return win


@pytest.mark.parametrize("screen", [(1366, 768), (1280, 720), (1920, 1080)])
def test_the_first_run_window_fits_the_screen_with_its_status_bar(
        qtbot: QtBot, sample_path: Path, tmp_path: Path, screen: tuple[int, int]) -> None:
    available = QRect(0, 0, screen[0], screen[1] - 40)  # a task bar along the bottom
    geometry = first_run_geometry(available)
    assert geometry.top() - TITLE_BAR >= available.top()
    assert available.contains(geometry)
    window = _window(qtbot, sample_path, tmp_path, "zh")
    window.setGeometry(geometry)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(10)
    assert window.size() == geometry.size()  # nothing in it asks for more
    status = window.statusBar()
    assert status.isVisible()
    shown = QRect(status.mapTo(window, QPoint(0, 0)), status.size())
    assert window.rect().contains(shown)
    assert window.status.saved.text()  # "所有更改已保存", where it can be read


def _in_sight(form: ChapterForm, view: FormTableView, row: int, column: int) -> bool:
    rect = view.visualRect(view.model().index(row, column))
    top_left = view.viewport().mapTo(form.viewport(), rect.topLeft())
    bottom_right = view.viewport().mapTo(form.viewport(), rect.bottomRight())
    return form.viewport().rect().contains(top_left) \
        and form.viewport().rect().contains(bottom_right)


def _under_sticky(form: ChapterForm, view: FormTableView, row: int, column: int) -> bool:
    rect = view.visualRect(view.model().index(row, column))
    top = view.viewport().mapTo(form.viewport(), rect.topLeft()).y()
    return form.sticky.isVisible() and top < form.sticky.geometry().bottom()


def test_enter_keeps_two_rows_below_in_sight_and_the_years_shown(
        qtbot: QtBot, sample_path: Path, tmp_path: Path) -> None:
    window = _window(qtbot, sample_path, tmp_path)
    window.resize(1366, 768 - 40 - TITLE_BAR)
    window.show()
    qtbot.waitExposed(window)
    window.keyboard.open_chapter("people")
    form = window.current_form()
    assert form is not None
    seen_sticky = False
    for _ in range(60):
        view = next(v for v in form.views if v.currentIndex().isValid())
        index = view.currentIndex()
        assert _in_sight(form, view, index.row(), index.column())
        assert not _under_sticky(form, view, index.row(), index.column())
        below = [r for r in range(index.row() + 1, index.row() + 3)
                 if r < view.model().rowCount()]
        for row in below:  # what comes next is seen before Enter goes there
            assert _in_sight(form, view, row, index.column())
        # the years of the table being filled: its own header, or the one held at the top
        header_top = view.mapTo(form.viewport(), QPoint(0, 0)).y()
        if header_top < 0:
            seen_sticky = True
            assert form.sticky.isVisible() and form.sticky.model() is view.model()
            titles = [form.sticky.model().headerData(c, Qt.Orientation.Horizontal)
                      for c in range(form.sticky.count())]
            assert "2024" in " ".join(str(t) for t in titles)
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert seen_sticky  # the people chapter has tables longer than the window


def test_the_chapters_last_row_is_seen_whole(qtbot: QtBot, sample_path: Path,
                                             tmp_path: Path) -> None:
    window = _window(qtbot, sample_path, tmp_path)
    window.resize(1280, 720 - 40 - TITLE_BAR)
    window.show()
    qtbot.waitExposed(window)
    window.keyboard.open_chapter("people")
    form = window.current_form()
    view = form.views[-1]
    grid = view.model().grid
    column = next(c for c in range(len(grid.columns)) if grid.is_current(c))
    row = view.first_editable_row(column, view.model().rowCount() - 1, -1)
    assert row is not None
    view.setFocus()
    view.setCurrentIndex(view.model().index(row, column))
    qtbot.wait(10)
    assert _in_sight(form, view, row, column)
    last = view.visualRect(view.model().index(view.model().rowCount() - 1, 0))
    bottom = view.viewport().mapTo(form.viewport(), last.bottomLeft()).y()
    assert bottom <= form.viewport().height()
