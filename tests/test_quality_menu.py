"""How a figure was obtained, set from its cell's context menu in the form (a real menu on
a real window, through the session and the store), as the details pane sets it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QWidget
from pytestqt.qtbot import QtBot

from esgdesk.model.evidence import quality_words
from esgdesk.model.layout import FigureRef
from ui.main_window import MainWindow
from ui.quality_menu import QualityMenu

TOTAL = "people.employees.total"
METHOD = "November's head-count plus the December hires"


@pytest.fixture
def window(people_window: MainWindow) -> MainWindow:
    return people_window


def _cell(window: MainWindow, ref: FigureRef) -> tuple[QualityMenu, QPoint]:
    form = window.current_form()
    view, index = next((v, v.model().index(r, c)) for v in form.views
                       for r in range(v.model().rowCount())
                       for c in range(v.model().columnCount())
                       if v.model().figure(v.model().index(r, c)) == ref)
    quality_menu = view.findChild(QualityMenu)
    assert quality_menu is not None
    return quality_menu, view.visualRect(index).center()


def _choose(menu: QMenu, words: str) -> None:
    [obtained] = [a.menu() for a in menu.actions() if a.menu() is not None]
    [action] = [a for a in obtained.actions() if a.text() == words]
    action.trigger()


def test_a_cells_context_menu_says_how_its_figure_was_obtained(
        qtbot: QtBot, window: MainWindow) -> None:
    ref = FigureRef("group", 2023, TOTAL)
    assert window.jump_to(TOTAL)
    quality_menu, point = _cell(window, ref)
    asked: list[str] = []

    def cancel(_parent: QWidget, held: str) -> str | None:
        asked.append(held)
        return None

    quality_menu.ask = cancel
    menu = quality_menu.menu_at(point)
    assert menu is not None
    _choose(menu, quality_words("estimated", "en"))
    assert asked == [""] and window.session.quality_of(ref) == ("", "")

    quality_menu.ask = lambda _parent, _held: METHOD
    _choose(quality_menu.menu_at(point), quality_words("estimated", "en"))
    assert window.session.quality_of(ref) == ("estimated", METHOD)
    assert window.detail.quality.currentData() == "estimated"
    assert window.detail.method.text() == METHOD
    menu = quality_menu.menu_at(point)
    [obtained] = [a.menu() for a in menu.actions() if a.menu() is not None]
    assert [a.text() for a in obtained.actions() if a.isChecked()] == [
        quality_words("estimated", "en")]

    _choose(menu, quality_words("measured", "en"))
    assert window.session.quality_of(ref) == ("measured", "")
    store = window.session.require_store()
    assert [r.new_value for r in store.history("group", 2023, TOTAL)
            if r.action == "quality"] == [f"estimated: {METHOD}", "measured"]
    assert store.verify_audit().sound


def test_a_cell_without_a_figure_has_no_such_menu(qtbot: QtBot, window: MainWindow) -> None:
    quality_menu, _point = _cell(window, FigureRef("group", 2023, TOTAL))
    assert quality_menu.menu_at(QPoint(1, 1)) is None  # the labels' column
