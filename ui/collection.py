"""Collection: making data requests, importing returned workbooks with a preview, and the
coordinator's status dashboard. Presentation only: the work is done by esgdesk.exchange.requests,
esgdesk.exchange.intake and esgdesk.rules.review."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from esgdesk.exchange.intake import FileReport
from esgdesk.storage.store import Store
from ui.operations import SessionOps

CODE_ROLE = Qt.ItemDataRole.UserRole


def progress_dialog(parent: QWidget, text: str, cancel: str) -> tuple[QProgressDialog,
                                                                      Callable[..., bool]]:
    """A modal progress dialog and the callback the domain's long work reports to."""
    dialog = QProgressDialog(text, cancel, 0, 100, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)

    def progress(done: int, total: int, _what: str) -> bool:
        dialog.setMaximum(total)
        dialog.setValue(done)
        QApplication.processEvents()
        return not dialog.wasCanceled()

    return dialog, progress


class RequestsDialog(QDialog):
    """Data requests for many entities and departments at once, into a folder."""

    def __init__(self, store: Store, year: int, lang: str, parent: QWidget | None = None,
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Make data requests"))
        self.store, self.lang = store, lang
        layout = QFormLayout(self)
        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setValue(year)
        self.entities = QListWidget()
        self.entities.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for entity in store.entities():
            item = QListWidgetItem(f"{entity.name(lang)} ({entity.code})")
            item.setData(CODE_ROLE, entity.code)
            self.entities.addItem(item)
            item.setSelected(entity.kind == "company")
        self.departments = QListWidget()
        self.departments.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for key, label in store.catalogue.departments.items():
            item = QListWidgetItem(label(lang))
            item.setData(CODE_ROLE, key)
            self.departments.addItem(item)
        self.assignee = QLineEdit()
        self.due = QDateEdit(QDate.currentDate().addDays(30))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.folder = QLineEdit()
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout.addRow(self.tr("Reporting year"), self.year)
        layout.addRow(self.tr("Entities"), self.entities)
        layout.addRow(self.tr("Departments"), self.departments)
        layout.addRow(self.tr("Assignee"), self.assignee)
        layout.addRow(self.tr("Due"), self.due)
        layout.addRow(self.tr("Folder"), row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the workbooks"))
        if folder:
            self.folder.setText(folder)

    def chosen(self) -> tuple[int, list[str], list[str], str, str, Path]:
        return (self.year.value(),
                [i.data(CODE_ROLE) for i in self.entities.selectedItems()],
                [i.data(CODE_ROLE) for i in self.departments.selectedItems()],
                self.assignee.text().strip(), self.due.date().toString("yyyy-MM-dd"),
                Path(self.folder.text().strip()))

    def write(self, user: str) -> list[Path]:
        """Write one workbook per entity and department, with progress; the files written."""
        from esgdesk.exchange.requests import write_requests

        year, entities, departments, assignee, due, folder = self.chosen()
        dialog, progress = progress_dialog(self, self.tr("Writing the request workbooks…"),
                                           self.tr("Cancel"))
        try:
            return write_requests(self.store, year, entities, departments, folder, user,
                                  self.lang, assignee or None, due, progress)
        finally:
            dialog.close()


class ImportDialog(QDialog):
    """The preview of returned workbooks: per file, what it adds and changes and what the
    validator finds; the coordinator ticks the files to accept."""

    def __init__(self, store: Store, paths: list[Path], lang: str,
                 parent: QWidget | None = None) -> None:
        from esgdesk.exchange.intake import preview

        super().__init__(parent)
        self.setWindowTitle(self.tr("Import returned workbooks"))
        self.resize(980, 560)
        self.store, self.lang = store, lang
        dialog, progress = progress_dialog(self, self.tr("Reading the returned workbooks…"),
                                           self.tr("Cancel"))
        self.reports = preview(store, paths, progress)
        dialog.close()
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.files = QListWidget()
        for report in self.reports:
            item = QListWidgetItem(self._summary(report))
            usable = report.would_write
            flags = item.flags() | Qt.ItemFlag.ItemIsUserCheckable
            if not usable:
                flags &= ~Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if usable and not report.needs_confirmation
                               else Qt.CheckState.Unchecked)
            self.files.addItem(item)
        self.files.currentRowChanged.connect(self._show)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        splitter.addWidget(self.files)
        splitter.addWidget(self.details)
        splitter.setSizes([200, 360])
        layout.addWidget(splitter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Accept ticked files"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if self.reports:
            self.files.setCurrentRow(0)

    def _summary(self, report: FileReport) -> str:
        if not report.acceptable or report.already is not None:
            return report.summary(self.lang)  # the domain's reason, as the CLI prints it
        text = (self.tr("{file}: {new} new, {changed} changed, {unchanged} unchanged; "
                        "{errors} errors, {warnings} open warnings")
                .replace("{file}", report.path.name).replace("{new}", str(len(report.new)))
                .replace("{changed}", str(len(report.changed)))
                .replace("{unchanged}", str(report.unchanged))
                .replace("{errors}", str(report.errors))
                .replace("{warnings}", str(report.open_warnings)))
        if report.newer:
            text += self.tr("; {n} figures newer in the database").replace(
                "{n}", str(len(report.newer)))
        return text

    def _show(self, row: int) -> None:
        if row < 0:
            return
        report = self.reports[row]
        lines = [self._summary(report), ""]
        lines += [f"✗ {r}" for r in report.refused]
        lines += [f"! {n}" for n in report.newer]
        lines += [f"· {n}" for n in report.notices]
        indicators = self.store.catalogue.indicators
        for kind, items in ((self.tr("new"), report.new), (self.tr("changed"), report.changed)):
            for d in items:
                label = indicators[d.indicator].label(self.lang)
                lines.append(f"{kind}\t{d.address}\t{label}\t{d.old or '—'} → {d.new or '—'}"
                             + (f"\t({d.note})" if d.note else ""))
        severities = {"error": self.tr("Error"), "warning": self.tr("Warning"),
                      "info": self.tr("Info")}
        for finding in report.findings:
            state = self.tr("explained") if finding.explained else severities[finding.severity]
            lines.append(f"{state}\t{finding.message(self.lang)}")
        self.details.setPlainText("\n".join(lines))

    def ticked(self) -> list[int]:
        return [n for n in range(self.files.count())
                if self.files.item(n).checkState() == Qt.CheckState.Checked]

    def accept_ticked(self, user: str, confirm: Callable[[str], bool]) -> int:
        """Write each ticked file (each all or nothing); the number of figures written."""
        from esgdesk.exchange.intake import accept, may_accept

        written = 0
        for index in self.ticked():
            report = self.reports[index]
            overwrite = report.needs_confirmation and confirm(
                self.tr("{file}: {n} figures were changed in the database after the file was "
                        "saved. Overwrite them?").replace("{file}", report.path.name)
                .replace("{n}", str(len(report.newer))))
            if may_accept(report, overwrite):
                written += accept(self.store, report, user, overwrite_newer=overwrite)
        return written


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

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([
            self.tr("Entity"), self.tr("Department"), self.tr("Status"), self.tr("Due"),
            self.tr("Assignee"), self.tr("Filled"), self.tr("Errors"), self.tr("Warnings")])
        self.approve.setText(self.tr("Approve"))
        self.lock.setText(self.tr("Lock"))
        self.back.setText(self.tr("Send back…"))
        self.refresh_button.setText(self.tr("Refresh"))

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
            cells = (entity, department, status, request.due or "—", request.assignee or "—",
                     f"{row.filled}/{row.expected}", str(row.errors), str(row.warnings))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2 and row.late:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(number, column, item)

    def move(self, status: str) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        request = self.rows[row].request
        reason = ""
        if status == "submitted" or request.status == "locked":
            reason, ok = QInputDialog.getText(self, self.tr("Reason"),
                                              self.tr("Why is it sent back or unlocked?"))
            if not ok:
                return
        self.ops.run(lambda: self.session.move_request(request.id, status, reason))


class SubmitDialog(QDialog):
    """The contributor's name before the figures are written back into the workbook."""

    def __init__(self, name: str, workbook: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Submit request"))
        layout = QFormLayout(self)
        self.name = QLineEdit(name)
        self.copy = QCheckBox(self.tr("Write a copy instead of updating {file}")
                              .replace("{file}", workbook.name))
        layout.addRow(self.tr("Your name"), self.name)
        layout.addRow(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
