"""The details pane follows the chapter and the cell, shows the cell's findings and its trend
over the years; the findings panel names entities and shows enough rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap
from pytestqt.qtbot import QtBot

from esgdesk.model.layout import FigureRef
from ui.main_window import MainWindow
from ui.trend_chart import CHOSEN, TrendChart


@pytest.fixture
def window(people_window: MainWindow) -> MainWindow:
    return people_window


def test_the_details_follow_the_chapter_and_show_the_cells_findings(
        qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: bool(window.findings.all))
    assert window.jump_to("people.employees.finance")
    assert window.detail.ref == FigureRef("group", 2023, "people.employees.finance")
    findings = window.detail.findings
    assert findings.isVisible() and findings.text().startswith("Warning: ")
    window.keyboard.open_chapter("governance")
    governance = window.current_form()
    assert governance.chapter.id == "governance"
    assert window.detail.ref == governance.current_figure() != FigureRef(
        "group", 2023, "people.employees.finance")
    assert not window.detail.findings.text().startswith("Warning: “Number of financial")
    window.keyboard.open_chapter("people")
    assert window.detail.ref == FigureRef("group", 2023, "people.employees.finance")


def test_detail_captions_are_not_clipped(qtbot: QtBot, window: MainWindow) -> None:
    window.jump_to("people.employees.total")
    qtbot.wait(20)
    captions = list(window.detail.captions.values())
    assert len(captions) >= 3
    for caption in captions:
        assert caption.height() >= caption.sizeHint().height(), caption.text()


def test_the_findings_panel_names_entities_and_shows_rows(qtbot: QtBot,
                                                          window: MainWindow) -> None:
    qtbot.waitUntil(lambda: bool(window.findings.all))
    panel = window.findings
    entities = {panel.row_texts(r)[1] for r in range(panel.count())}
    assert "ZKTeco Group (consolidated)" in entities and "group" not in entities
    row = panel.list.visualRect(panel.model.index(0, 0)).height()
    assert panel.list.viewport().height() >= 5 * row
    combo = panel.severity
    assert combo.width() >= combo.fontMetrics().horizontalAdvance("All severities") + 20


def test_the_trend_shows_every_year_held_the_change_and_its_threshold(
        qtbot: QtBot, window: MainWindow) -> None:
    window.jump_to("people.employees.total")
    chart = window.detail.trend
    assert chart.isVisible()
    assert chart.points() == [(2021, Decimal(3834)), (2022, Decimal(3788)),
                              (2023, Decimal(4106))]
    low, high = chart.band()
    assert (low, high) == (Decimal(3788) * Decimal("0.7"), Decimal(3788) * Decimal("1.3"))
    assert window.detail.change.text() == "+8.4 % on 2022 · flagged beyond ±30 %"
    pixmap = QPixmap(chart.size())
    pixmap.fill(Qt.GlobalColor.white)
    chart.render(pixmap)
    image = pixmap.toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2)
               for y in range(0, image.height(), 2)}
    assert CHOSEN.name() in colours  # the chosen year is marked
    assert QColor("#3b6ea8").name() in colours  # the line


def test_a_trend_with_no_figures_says_so(qtbot: QtBot) -> None:
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.empty_text = "No figures held in any year"
    chart.show_trend(None, str)
    chart.resize(240, 110)
    pixmap = QPixmap(chart.size())
    chart.render(pixmap)
    assert chart.points() == [] and chart.band() is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_details_fit_their_first_width_at_1366_by_768(
        qtbot: QtBot, sample_path: Path, tmp_path: Path, lang: str) -> None:
    """On the first run at 1366×768 the detail pane is narrow; a figure's details fit it in
    both languages: no row is wider than the pane, so nothing is cut at its right edge."""
    from PySide6.QtCore import QSettings

    from ui.detail_pane import DETAIL_WIDTH
    from ui.panes import first_run_sizes

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, lang=lang)
    qtbot.addWidget(win)
    win.open_database(sample_path, year=2023, chapter="people")
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    first_run_sizes(win, win.detail_dock, win.findings_dock)
    assert win.jump_to("people.employees.total")
    pane = win.detail
    qtbot.waitUntil(lambda: pane.viewport().width() <= DETAIL_WIDTH)
    body = pane.widget()
    qtbot.waitUntil(lambda: body.width() == pane.viewport().width())
    assert body.minimumSizeHint().width() <= pane.viewport().width()
    assert not pane.horizontalScrollBar().isVisible()
    for row in (pane.quality, pane.save_quality, pane.method, pane.save_note, pane.reuse_note,
                *pane.fields.values()):
        right = row.mapTo(body, row.rect().topRight()).x()
        assert right <= pane.viewport().width(), (row, right)
