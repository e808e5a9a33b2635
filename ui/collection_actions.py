"""Collection menu work: a request workbook opened and submitted offline by a contributor,
data requests made and returned workbooks imported by a coordinator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QStatusBar, QWidget

from esgdesk.application.session import Changes
from esgdesk.errors import EsgdeskError
from ui.folders import open_file, open_files, save_file
from ui.i18n import counted, tr
from ui.operations import SessionOps


class CollectionActions(QObject):
    def __init__(self, ops: SessionOps, settings: QSettings, status: QStatusBar,
                 opened: Callable[[str | None], None], jump_to: Callable[[str], bool],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.ops, self.session, self.settings = ops, ops.session, settings
        self.status, self.opened, self.jump_to = status, opened, jump_to
        self.dialog_parent = parent

    def open_request(self, path: Path | None = None) -> bool:
        """Open a collection workbook as forms, with no database (contributor)."""

        if path is None:
            name = open_file(self.dialog_parent, self.settings, tr("Open request workbook"),
                             tr("Excel workbooks (*.xlsx)"))
            if not name:
                return False
            path = Path(name)
        folder = self.settings.value("request_folder")
        chosen = path
        if self.ops.attempt(lambda: self.session.open_request(
                chosen, Path(str(folder)) if folder else None)) is None:
            return False
        self.opened(None)
        offline = self.session.offline
        assert offline is not None
        department = self.session.catalogue.departments[offline.department]
        self.status.showMessage(tr("Request for {department}: fill in the white cells, then "
                                   "Collection → Submit request")
                                .replace("{department}", department(self.ops.lang)), 10000)
        first = self.session.first_indicator_of(offline.department)
        if first is not None:
            self.jump_to(first)
        return True

    def submit_request(self, name: str | None = None, out: Path | None = None) -> Path | None:
        """Write the figures back into the request workbook, ready to send back."""
        from PySide6.QtWidgets import QDialog

        from ui.collection import SubmitDialog

        offline = self.session.offline
        if offline is None:
            return None
        if name is None:
            dialog = SubmitDialog(self.session.user, offline.workbook, self.dialog_parent)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            name = dialog.name.text()
            if dialog.copy.isChecked():
                chosen = save_file(
                    self.dialog_parent, self.settings, tr("Submit request"),
                    str(offline.workbook.with_stem(offline.workbook.stem + "-filled")),
                    tr("Excel workbooks (*.xlsx)"))
                if not chosen:
                    return None
                out = Path(chosen)
        try:
            written = self.session.submit_request(name, out)
        except EsgdeskError as exc:
            self.ops.refuse(exc)
            return None
        self.status.showMessage(tr("Saved into {file}; send it back to the coordinator")
                                .replace("{file}", str(written)), 10000)
        return written

    def make_requests(self) -> list[Path]:
        from PySide6.QtWidgets import QDialog

        from ui.collection import RequestsDialog

        workspace = self.session.workspace
        if self.session.store is None or workspace is None:
            return []
        dialog = RequestsDialog(self.session, workspace.year, self.ops.lang, self.dialog_parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return []
        try:
            written = dialog.write()
        except EsgdeskError as exc:
            self.ops.refuse(exc)
            return []
        self.status.showMessage(counted(len(written), "{n} request workbook written",
                                        "{n} request workbooks written"), 8000)
        self.ops.announce(Changes(requests=True))
        return written

    def import_workbooks(self, paths: list[Path] | None = None, answer: bool | None = None,
                         ) -> int:
        """Preview returned workbooks, then write the files the coordinator accepts."""
        from PySide6.QtWidgets import QDialog, QMessageBox

        from ui.collection import ImportDialog

        parent = self.dialog_parent
        if self.session.store is None or self.session.offline is not None:
            return 0
        if paths is None:
            names = open_files(parent, self.settings, tr("Import returned workbooks"),
                               tr("Excel workbooks (*.xlsx)"))
            paths = [Path(n) for n in names]
        if not paths:
            return 0
        try:
            dialog = ImportDialog(self.session, paths, self.ops.lang, parent)
        except EsgdeskError as exc:
            self.ops.refuse(exc)
            return 0
        if answer is None and dialog.exec() != QDialog.DialogCode.Accepted:
            return 0

        def confirm(question: str) -> bool:
            if answer is not None:
                return answer
            reply = QMessageBox.question(parent, "esgdesk", question)
            return reply == QMessageBox.StandardButton.Yes

        try:
            written, changes = dialog.accept_ticked(confirm)
        except EsgdeskError as exc:
            self.ops.refuse(exc)
            written, changes = 0, self.session.take_theirs()
        self.ops.announce(changes)
        self.status.showMessage(
            counted(written, "{n} figure imported", "{n} figures imported"), 8000)
        return written
