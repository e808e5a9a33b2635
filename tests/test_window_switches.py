"""The window after a switch of year, entity or database: Find, the tree and the findings
still jump to their cell; Find says where each match is and when nothing matched; the
selected indicator and the details follow the switch."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from esgdesk.model.layout import FigureRef
from ui.dialogs import FindDialog
from ui.main_window import MainWindow


def _window(qtbot: QtBot, path: Path, tmp_path: Path, lang: str = "en") -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, lang=lang)
    qtbot.addWidget(win)
    win.open_database(path, year=2024)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


@pytest.fixture
def window(qtbot: QtBot, sample_path: Path, tmp_path: Path) -> MainWindow:
    return _window(qtbot, sample_path, tmp_path)


def _find(qtbot: QtBot, window: MainWindow, words: str) -> None:
    """Ctrl+F, type the words, Enter: as the user does it."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, FindDialog)
        qtbot.keyClicks(dialog.query, words)
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier)


def test_find_enter_selects_the_cell_after_the_year_is_switched(
        qtbot: QtBot, window: MainWindow) -> None:
    window.keyboard.open_chapter("people")
    window.prebuild_forms()  # every chapter's form built before the switch, as after a while
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.year == 2023
    _find(qtbot, window, "people.employees.total")
    form = window.current_form()
    assert form is not None and form.chapter.id == "people"
    assert form.current_figure() == FigureRef("group", 2023, "people.employees.total")
    # The tree's table and a finding jump as well, in a chapter built before the switch.
    navigation = window.navigation
    innovation = next(navigation.topLevelItem(i) for i in range(navigation.topLevelItemCount())
                      if navigation.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1)
                      == "innovation")
    navigation.itemActivated.emit(innovation.child(0), 0)
    form = window.current_form()
    assert form.chapter.id == "innovation"
    current = form.current_figure()
    assert current is not None and current.year == 2023
    assert window.catalogue.home_table(current.indicator).id == innovation.child(0).data(
        0, Qt.ItemDataRole.UserRole)
    assert window.jump_to("environment.energy.electricity")
    assert window.current_form().current_figure() == FigureRef(
        "group", 2023, "environment.energy.electricity")


def test_find_prefers_the_chapter_being_filled_and_names_chapter_and_table(
        qtbot: QtBot, window: MainWindow) -> None:
    window.keyboard.open_chapter("people")
    dialog = FindDialog(window.catalogue, "en", window, chapter="people", year=2024)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.query.setText("累计")  # R&D's patents come first in the catalogue (an IME types it)
    chosen = dialog.chosen()
    assert chosen is not None and window.catalogue.home_table(chosen).chapter == "people"
    first = dialog.results.item(0).text()
    table = window.catalogue.home_table(chosen)
    assert table.title("en", 2024) in first and "People" in first
    # innovation's matches are still listed, below, each with its own chapter
    texts = [dialog.results.item(i).text() for i in range(dialog.results.count())]
    assert any("Innovation" in text for text in texts[1:])
    assert not dialog.nothing.isVisible()
    dialog.query.clear()
    qtbot.keyClicks(dialog.query, "zzqx")
    assert dialog.results.count() == 0
    assert dialog.nothing.isVisible() and "zzqx" in dialog.nothing.text()
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)  # nothing to open: the dialog stays
    assert dialog.isVisible()


def test_switching_entity_or_year_keeps_the_indicator_and_the_details_follow(
        qtbot: QtBot, sample_tree_path: Path, tmp_path: Path) -> None:
    window = _window(qtbot, sample_tree_path, tmp_path)
    window.select(entity="dongguan")
    assert window.jump_to("environment.energy.electricity")
    electricity = FigureRef("dongguan", 2024, "environment.energy.electricity")
    assert window.current_form().current_figure() == electricity
    window.select(entity="zkteco-hq")
    moved = FigureRef("zkteco-hq", 2024, "environment.energy.electricity")
    assert window.current_form().current_figure() == moved
    assert window.detail.ref == moved
    window.keyboard.previous_year_action.trigger()  # Go → Previous year (Ctrl+PgUp)
    assert window.workspace.year == 2023
    earlier = FigureRef("zkteco-hq", 2023, "environment.energy.electricity")
    assert window.current_form().current_figure() == earlier
    assert window.detail.ref == earlier
    assert window.detail.title.text().endswith("2023")


def test_a_new_figures_details_open_at_their_top(qtbot: QtBot, window: MainWindow) -> None:
    window.detail_dock.resize(260, 300)
    assert window.jump_to("people.employees.total")
    bar = window.detail.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    assert window.jump_to("people.employees.female")
    assert bar.value() == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_computed_figures_details_read_as_a_sentence(
        qtbot: QtBot, sample_tree_path: Path, tmp_path: Path, lang: str) -> None:
    window = _window(qtbot, sample_tree_path, tmp_path, lang)
    window.select(entity="dongguan")
    window.commit_edit(FigureRef("dongguan", 2024, "environment.energy.electricity"), "1200000")
    assert window.jump_to("environment.ghg.scope2")
    sentence = window.detail.fields["formula"].text().split("\n")[0]
    kwh, tonnes = ("千瓦时", "吨二氧化碳当量") if lang == "zh" else ("kWh", "tCO₂e")
    source = "生态环境部、国家统计局" if lang == "zh" else "(MEE, NBS)"
    label, province = ("外购电网电力", "广东") if lang == "zh" else (
        "Purchased grid electricity", "Guangdong")
    assert sentence.startswith(f"{label} 1,200,000 {kwh} × 0.4419 kg/kWh ({province}, 2023")
    assert source in sentence and sentence.endswith(f"= 530.28 {tonnes}")
    assert "environment." not in sentence and "factor." not in sentence


def test_the_trend_chart_shows_its_axis_every_years_value_and_the_band(
        qtbot: QtBot, window: MainWindow) -> None:
    window.commit_edit(FigureRef("group", 2024, "people.employees.total"), "4200")
    assert window.jump_to("people.employees.total")
    chart = window.detail.trend
    assert chart.isVisible()
    low, high = chart.axis_labels()
    assert low and high and low != high
    assert chart.value_text(2023) == "2023: 4,106"
    assert chart.value_text(2024) == "2024: 4,200"
    band = chart.band()  # last year's ± the prior-year check's limit
    assert band is not None and band[0] < 4106 < band[1]
    years = [year for year, _value in chart.trend.points]
    for year in years:  # hovering each year says its value
        x = chart._margin() + (chart.width() - chart._margin() - 8) \
            * years.index(year) / max(len(years) - 1, 1)
        assert chart._year_at(x) == year
