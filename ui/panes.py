"""The window's docks and its status bar's labels (when the last change was saved, who works,
which database is open), with the sizes the docks take on the first run (later runs restore
the user's)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QRect, QSettings, QSize, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QStatusBar, QWidget

from esgdesk.application.session import Changes
from ui.detail_pane import DETAIL_WIDTH
from ui.i18n import tr, user_caption
from ui.operations import SessionOps

FINDINGS_HEIGHT = 150
FIRST_RUN = QSize(1280, 800)  # on a screen with room for it
TITLE_BAR = 40  # the window manager's frame above the window, outside its geometry


def dock(main: QMainWindow, widget: QWidget, name: str,
         area: Qt.DockWidgetArea) -> QDockWidget:
    """`widget` in a dock of `main`, on its `area` side."""
    docked = QDockWidget()
    docked.setObjectName(name)
    docked.setWidget(widget)
    main.addDockWidget(area, docked)
    return docked


def first_run_geometry(available: QRect) -> QRect:
    """The window on its first run: FIRST_RUN, or as much of the screen's free area (without
    its task bar) as there is, title bar and status bar included; centred."""
    size = QSize(min(FIRST_RUN.width(), available.width()),
                 min(FIRST_RUN.height(), available.height() - TITLE_BAR))
    left = available.left() + (available.width() - size.width()) // 2
    top = available.top() + TITLE_BAR + (available.height() - TITLE_BAR - size.height()) // 2
    return QRect(left, top, size.width(), size.height())


def first_run_sizes(main: QMainWindow, detail_dock: QDockWidget,
                    findings_dock: QDockWidget) -> None:
    """The docks' sizes before the user sets their own: the details narrow, the findings a
    fifth of the window's height (three rows or more), so a form at 1366×768 shows some
    twenty rows."""
    main.resizeDocks([detail_dock], [DETAIL_WIDTH], Qt.Orientation.Horizontal)
    main.resizeDocks([findings_dock], [max(FINDINGS_HEIGHT, main.height() // 5)],
                     Qt.Orientation.Vertical)


class StatusLabels(QObject):
    """The status bar's labels: "Saved 10:42:07" as changes are written, "Validating…" while
    a run goes on, the user and their department, and the database open (with the role on
    a server)."""

    def __init__(self, ops: SessionOps, settings: QSettings, status: QStatusBar) -> None:
        super().__init__(status)
        self.ops, self.session, self.settings = ops, ops.session, settings
        self.saved_at: str | None = None  # when the last change was saved, this session
        self.saved, self.user, self.database = QLabel(), QLabel(), QLabel()
        self.validating = QLabel()
        self.validating.setVisible(False)
        status.addWidget(self.saved, 1)
        status.addPermanentWidget(self.validating)
        status.addPermanentWidget(self.user)
        status.addPermanentWidget(self.database)
        ops.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        if changes.database:
            self.saved_at = None
            self.show_database()
        if changes.saved and not changes.database:
            self.saved_at = datetime.now().strftime("%H:%M:%S")
        if changes.saved or changes.database:
            self.show_saved()
        if changes.scope:  # the edition's departments
            self.show_user()

    def retranslate(self) -> None:
        self.validating.setText(tr("Validating…"))
        self.show_saved()
        self.show_user()

    def show_saved(self) -> None:
        if self.session.store is None:
            self.saved.setText("")
        elif self.saved_at is None:
            self.saved.setText(tr("All changes are saved"))
        else:
            self.saved.setText(tr("Saved {time}").format(time=self.saved_at))

    def show_user(self) -> None:
        catalogue = self.session.catalogue if self.session.workspace is not None else None
        self.user.setText(user_caption(catalogue, self.settings, self.session.user,
                                       self.ops.lang))

    def show_database(self) -> None:
        offline = self.session.offline
        if self.session.store is None:
            return
        self.database.setText(str(offline.workbook) if offline else self._where())
        self.database.setToolTip(self.session.engine_facts())

    def _where(self) -> str:
        """The open database as the status bar names it; on a server, with the user's role."""
        store = self.session.require_store()
        if not store.server:
            return str(store.path)
        role, departments = store.server_role()
        words = {"coordinator": tr("coordinator"), "contributor": tr("contributor"),
                 "reader": tr("reader")}
        named = words.get(role, role) + (f" ({', '.join(departments)})" if departments else "")
        return f"{store.shown} · {named}"
