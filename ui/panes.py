"""The window's docked panes (details, findings, collection status) and its status bar, with
the sizes they take on the first run (later runs restore the user's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QWidget

from ui.dashboard import DashboardPanel
from ui.detail_pane import DETAIL_WIDTH, DetailPane
from ui.findings_panel import FindingsPanel

if TYPE_CHECKING:
    from ui.main_window import MainWindow

FINDINGS_HEIGHT = 150
FIRST_RUN = QSize(1280, 800)  # on a screen with room for it
TITLE_BAR = 40  # the window manager's frame above the window, outside its geometry


def _dock(window: MainWindow, widget: QWidget, name: str,
          area: Qt.DockWidgetArea) -> QDockWidget:
    dock = QDockWidget()
    dock.setObjectName(name)
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    return dock


def build_docks(window: MainWindow) -> None:
    window.detail = DetailPane()
    window.detail.trend_of = window.session.trend
    window.detail.note_saved.connect(window.editor.save_note)
    window.detail_dock = _dock(window, window.detail, "detail-dock",
                               Qt.DockWidgetArea.RightDockWidgetArea)
    window.findings = FindingsPanel(None)  # the year's edition, once a database is open
    window.findings.finding_chosen.connect(
        lambda finding: window.jump_to(finding.indicators[0], finding.entity))
    window.findings_dock = _dock(window, window.findings, "findings-dock",
                                 Qt.DockWidgetArea.BottomDockWidgetArea)
    window.dashboard = DashboardPanel(window.ops)
    window.dashboard_dock = _dock(window, window.dashboard, "dashboard-dock",
                                  Qt.DockWidgetArea.BottomDockWidgetArea)
    window.tabifyDockWidget(window.findings_dock, window.dashboard_dock)
    window.findings_dock.raise_()
    window.dashboard_dock.visibilityChanged.connect(
        lambda visible: visible and window.dashboard.refresh())


def first_run_geometry(available: QRect) -> QRect:
    """The window on its first run: FIRST_RUN, or as much of the screen's free area (without
    its task bar) as there is, title bar and status bar included; centred."""
    size = QSize(min(FIRST_RUN.width(), available.width()),
                 min(FIRST_RUN.height(), available.height() - TITLE_BAR))
    left = available.left() + (available.width() - size.width()) // 2
    top = available.top() + TITLE_BAR + (available.height() - TITLE_BAR - size.height()) // 2
    return QRect(left, top, size.width(), size.height())


def first_run_sizes(window: MainWindow) -> None:
    """The docks' sizes before the user sets their own: the details narrow, the findings a
    fifth of the window's height (three rows or more), so a form at 1366×768 shows some
    twenty rows."""
    window.resizeDocks([window.detail_dock], [DETAIL_WIDTH], Qt.Orientation.Horizontal)
    window.resizeDocks([window.findings_dock], [max(FINDINGS_HEIGHT, window.height() // 5)],
                       Qt.Orientation.Vertical)


def build_status(window: MainWindow) -> None:
    window.saved_label, window.user_label = QLabel(), QLabel()
    window.database_label = QLabel()
    status = window.statusBar()
    status.addWidget(window.saved_label, 1)
    window.validating_label = QLabel()
    window.validating_label.setVisible(False)
    status.addPermanentWidget(window.validating_label)
    status.addPermanentWidget(window.user_label)
    status.addPermanentWidget(window.database_label)
