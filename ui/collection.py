"""Collection: making data requests, importing returned workbooks with a preview, and the
coordinator's status dashboard. Presentation only: the work is done by esgdesk.exchange.requests,
esgdesk.exchange.intake and esgdesk.rules.review."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.folders import folder as choose_folder
from ui.i18n import counted
from ui.progress import progress_dialog

if TYPE_CHECKING:
    from esgdesk.application.session import Changes, Session
    from esgdesk.exchange.intake import FileReport

CODE_ROLE = Qt.ItemDataRole.UserRole


class RequestsDialog(QDialog):
    """Data requests for many entities and departments at once, into a folder."""

    def __init__(self, session: Session, year: int, lang: str, parent: QWidget | None = None,
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Make data requests"))
        self.session, self.lang = session, lang
        layout = QFormLayout(self)
        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setValue(year)
        self.entities = QListWidget()
        self.entities.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for entity, _depth in session.entities():
            item = QListWidgetItem(f"{entity.name(lang)} ({entity.code})")
            item.setData(CODE_ROLE, entity.code)
            self.entities.addItem(item)
            item.setSelected(entity.kind == "company")
        self.departments = QListWidget()
        self.departments.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for key, label in session.catalogue.departments.items():
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
        settings = getattr(self.parent(), "settings", None) or QSettings()
        folder = choose_folder(self, settings, self.tr("Folder for the workbooks"))
        if folder:
            self.folder.setText(folder)

    def chosen(self) -> tuple[int, list[str], list[str], str, str, Path]:
        return (self.year.value(),
                [i.data(CODE_ROLE) for i in self.entities.selectedItems()],
                [i.data(CODE_ROLE) for i in self.departments.selectedItems()],
                self.assignee.text().strip(), self.due.date().toString("yyyy-MM-dd"),
                Path(self.folder.text().strip()))

    def write(self) -> list[Path]:
        """Write one workbook per entity and department, with progress; the files written."""
        year, entities, departments, assignee, due, folder = self.chosen()
        dialog, progress = progress_dialog(self, self.tr("Writing the request workbooks…"),
                                           self.tr("Cancel"))
        try:
            return self.session.write_requests(year, entities, departments, folder, self.lang,
                                               due, assignee, progress)
        finally:
            dialog.close()


class ImportDialog(QDialog):
    """The preview of returned workbooks: per file, what it adds and changes and what the
    validator finds; the coordinator ticks the files to accept."""

    def __init__(self, session: Session, paths: list[Path], lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import returned workbooks"))
        self.resize(980, 560)
        self.session, self.lang = session, lang
        dialog, progress = progress_dialog(self, self.tr("Reading the returned workbooks…"),
                                           self.tr("Cancel"))
        try:
            self.reports = session.preview_import(paths, progress)
        finally:
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
                        "{errors}, {warnings}")
                .replace("{file}", report.path.name).replace("{new}", str(len(report.new)))
                .replace("{changed}", str(len(report.changed)))
                .replace("{unchanged}", str(report.unchanged))
                .replace("{errors}", counted(report.errors, "{n} error", "{n} errors"))
                .replace("{warnings}", counted(report.open_warnings, "{n} open warning",
                                               "{n} open warnings")))
        if report.newer:
            text += counted(len(report.newer), "; {n} figure newer in the database",
                            "; {n} figures newer in the database")
        return text

    def _show(self, row: int) -> None:
        if row < 0:
            return
        report = self.reports[row]
        lines = [self._summary(report), ""]
        lines += [f"✗ {r}" for r in report.refused]
        lines += [f"! {n}" for n in report.newer]
        lines += [f"· {n}" for n in report.notices]
        indicators = self.session.catalogue.indicators
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

    def accept_ticked(self, confirm: Callable[[str], bool]) -> tuple[int, Changes]:
        """Write each ticked file (each all or nothing): the figures written and what
        changed."""
        def overwrite(report: FileReport) -> bool:
            return confirm(self.tr("{file}: {n} figures were changed in the database after the "
                                   "file was saved. Overwrite them?")
                           .replace("{file}", report.path.name)
                           .replace("{n}", str(len(report.newer))))

        return self.session.accept_import([self.reports[n] for n in self.ticked()], overwrite)


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
