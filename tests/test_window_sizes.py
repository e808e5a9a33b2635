"""The people chapter at ordinary screen sizes, in both languages: the labels and the
reporting year's column in sight, figures shown whole; screenshots kept for a look."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from esgdesk.model.layout import FigureRef
from ui.main_window import MainWindow

LABEL_AT_LEAST = 150


def _window(qtbot: QtBot, sample_path: Path, settings_path: Path, lang: str,
            size: tuple[int, int]) -> MainWindow:
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    win = MainWindow(settings, lang=lang)
    qtbot.addWidget(win)
    win.open_database(sample_path, year=2024, chapter="people")
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(1024, 768), (1366, 768), (1920, 1080)])
def test_labels_and_the_reporting_year_are_in_sight(qtbot: QtBot, sample_path: Path,
                                                    tmp_path: Path, lang: str,
                                                    size: tuple[int, int],
                                                    screenshots: Path) -> None:
    window = _window(qtbot, sample_path, tmp_path / "settings.ini", lang, size)
    ref = FigureRef("group", 2024, "people.employees.total")
    window.commit_edit(ref, "4229")
    form = window.current_form()
    assert form is not None and form.chapter.id == "people"
    view = form.view_of("people.structure")
    row, column = view.model().grid.locate("people.employees.total")
    assert form.show_figure(window.catalogue.tables["people.structure"], ref.indicator)
    qtbot.wait(20)
    cell = view.visualRect(view.model().index(row, column))
    in_form = view.viewport().mapTo(form.viewport(), cell.topLeft())
    bottom_right = view.viewport().mapTo(form.viewport(), cell.bottomRight())
    assert form.viewport().rect().contains(in_form), (size, lang)
    assert form.viewport().rect().contains(bottom_right), (size, lang)
    assert view.columnWidth(0) >= LABEL_AT_LEAST
    shown = view.model().index(row, column).data()
    assert shown == "4,229"
    room = cell.width() - 16 - 12  # the finding's icon and the cell's margins
    assert view.fontMetrics().horizontalAdvance(shown) <= room
    (screenshots / "sizes").mkdir(exist_ok=True)
    assert window.grab().save(str(screenshots / "sizes" / f"people-{lang}-{size[0]}x{size[1]}.png"))


def test_a_long_label_elides_and_says_itself_in_its_tooltip(qtbot: QtBot, sample_path: Path,
                                                            tmp_path: Path) -> None:
    window = _window(qtbot, sample_path, tmp_path / "settings.ini", "en", (1024, 768))
    view = window.current_form().view_of("people.structure")
    assert view.textElideMode() == Qt.TextElideMode.ElideRight
    header = view.horizontalHeader()
    fixed = [header.sectionResizeMode(c) for c in range(1, view.model().columnCount())]
    assert header.sectionResizeMode(0) == header.ResizeMode.Stretch
    assert set(fixed) == {header.ResizeMode.Fixed}
    tip = view.model().index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Total number of employees" in tip


def test_the_details_pane_collapses_and_keeps_its_width(qtbot: QtBot, sample_path: Path,
                                                       tmp_path: Path) -> None:
    settings_path = tmp_path / "settings.ini"
    window = _window(qtbot, sample_path, settings_path, "en", (1366, 768))
    qtbot.wait(20)  # the first run's sizes are set once the window has its own
    window.resizeDocks([window.detail_dock], [330], Qt.Orientation.Horizontal)
    qtbot.wait(20)
    width = window.detail_dock.width()
    long_id = FigureRef("group", 2024, "people.health.exam.passed")
    window.detail.show_figure(long_id, window.workspace)
    qtbot.wait(20)
    assert window.detail_dock.width() == width  # a long id wraps, the pane keeps its width
    window.keyboard.details_action.trigger()
    assert not window.detail_dock.isVisible()
    window.keyboard.details_action.trigger()
    assert window.detail_dock.isVisible()
    window.close()
    again = _window(qtbot, sample_path, settings_path, "en", (1366, 768))
    assert abs(again.detail_dock.width() - width) <= 2
