"""The coordinator's dashboard: where each data request of the year stands; approve, lock or
send back (the review's rules decide, in esgdesk.rules.review). Shown, it redraws when a
request moves, the figures are read again or the scope changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from esgdesk.application.session import Changes
from ui.operations import SessionOps


class DashboardPanel(QWidget):
    """Where each data request of the year stands: status, due, who is late, what is
    missing, open findings; approve, lock or send back the selected one."""

    COLUMNS = 8

    def __init__(self, ops: SessionOps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.session = ops.session
        self.rows: list = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.
                                                           ResizeToContents)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.approve = QPushButton()
        self.lock = QPushButton()
        self.back = QPushButton()
        self.refresh_button = QPushButton()
        for button, status in ((self.approve, "approved"), (self.lock, "locked"),
                               (self.back, "submitted")):
            button.clicked.connect(lambda _c=False, s=status: self.move(s))
            buttons.addWidget(button)
        self.refresh_button.clicked.connect(self.refresh)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout.addLayout(buttons)
        self.retranslate()
        ops.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        if changes.database and self.session.offline is None \
                and self.session.store is not None:
            self.show_role()
        if changes.database:
            return  # the scope bar and forms show the database first; refreshed when shown
        if (changes.requests or changes.reloaded or changes.scope) and self.isVisible():
            self.refresh()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([
            self.tr("Entity"), self.tr("Department"), self.tr("Status"), self.tr("Due"),
            self.tr("Assignee"), self.tr("Filled"), self.tr("Errors"), self.tr("Warnings")])
        self.approve.setText(self.tr("Approve"))
        self.lock.setText(self.tr("Lock"))
        self.back.setText(self.tr("Send back…"))
        self.refresh_button.setText(self.tr("Refresh"))

    def show_role(self) -> None:
        """Approve, lock and send back only for a role that may; else disabled, saying who
        may."""
        for button, action in ((self.approve, "approve"), (self.lock, "lock"),
                               (self.back, "send_back")):
            allowed = self.session.may(action)
            button.setEnabled(allowed)
            button.setToolTip("" if allowed else self.session.who_may(action, self.ops.lang))

    def refresh(self) -> None:
        self.rows = self.session.dashboard()
        lang = self.ops.lang
        self.table.setRowCount(len(self.rows))
        statuses = {"requested": self.tr("requested"), "submitted": self.tr("submitted"),
                    "approved": self.tr("approved"), "locked": self.tr("locked")}
        for number, row in enumerate(self.rows):
            request = row.request
            entity = self.session.require_store().entity(request.entity).name(lang)
            department = self.session.catalogue.departments[request.department](lang)
            status = statuses[request.status] + (self.tr(" (late)") if row.late else "")
            if row.sent_back:
                status += self.tr(" (sent back: {reason})").replace("{reason}", row.sent_back)
            cells = (entity, department, status, request.due or "—", request.assignee or "—",
                     f"{row.filled}/{row.expected}", str(row.errors), str(row.warnings))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2 and row.late:
                    item.setForeground(Qt.GlobalColor.red)
                if column == 2 and row.sent_back:
                    item.setToolTip(row.sent_back)
                self.table.setItem(number, column, item)

    def move(self, status: str) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        request = self.rows[row].request
        reason = ""
        if status == "submitted" or request.status == "locked":
            from PySide6.QtWidgets import QInputDialog

            reason, ok = QInputDialog.getText(self, self.tr("Reason"),
                                              self.tr("Why is it sent back or unlocked?"))
            if not ok:
                return
        self.ops.run(lambda: self.session.move_request(request.id, status, reason))
