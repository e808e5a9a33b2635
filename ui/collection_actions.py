"""Collection menu work: a request workbook opened and submitted offline by a contributor,
data requests made and returned workbooks imported by a coordinator."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from esgdesk.application.session import Changes
from esgdesk.errors import EsgdeskError
from ui.folders import open_file, open_files, save_file
from ui.i18n import counted, tr

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class CollectionActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session

    def update_modes(self) -> None:
        """A request opened offline can be submitted; a database can send and import."""
        window, offline = self.window, self.session.offline
        window.submit_action.setEnabled(offline is not None)
        for action in (window.requests_action, window.import_action, window.export_action):
            action.setEnabled(self.session.store is not None and offline is None)
        window.status_action.setEnabled(offline is None)
        if offline is None and self.session.store is not None:
            self.show_role()
        if offline is None:
            window.setWindowTitle("esgdesk")
            return
        window.dashboard_dock.hide()
        # A contributor answers for their department's figures, not the rest.
        window.findings.show_department(offline.department)
        department = self.session.catalogue.departments[offline.department](window.lang)
        window.setWindowTitle(f"esgdesk — {offline.workbook.name} · {department} · "
                              f"{offline.year}")


    def show_role(self) -> None:
        """Only what the user's role may do is offered: the rest is disabled, its tooltip
        naming the role that may (the session says which)."""
        window, session = self.window, self.session
        for action, name in ((window.requests_action, "make_requests"),
                             (window.import_action, "import_returned"),
                             (window.catalogue_import_action, "import_catalogue"),
                             (window.open_year_action, "open_year"),
                             (window.restate_action, "restate")):
            allowed = session.may(name)
            action.setEnabled(allowed and action.isEnabled())
            action.setToolTip("" if allowed else session.who_may(name, window.lang))
        window.dashboard.show_role()

    def open_request(self, path: Path | None = None) -> bool:
        """Open a collection workbook as forms, with no database (contributor)."""

        window = self.window
        if path is None:
            name = open_file(window, window.settings, tr("Open request workbook"),
                             tr("Excel workbooks (*.xlsx)"))
            if not name:
                return False
            path = Path(name)
        folder = window.settings.value("request_folder")
        chosen = path
        if not window.ops.run(lambda: self.session.open_request(
                chosen, Path(str(folder)) if folder else None)):
            return False
        window.database_opened(None)
        offline = self.session.offline
        assert offline is not None
        department = self.session.catalogue.departments[offline.department]
        window.statusBar().showMessage(tr("Request for {department}: fill in the white "
                                          "cells, then Collection → Submit request")
                                       .replace("{department}", department(window.lang)), 10000)
        first = self.session.first_indicator_of(offline.department)
        if first is not None:
            window.jump_to(first)
        return True

    def submit_request(self, name: str | None = None, out: Path | None = None) -> Path | None:
        """Write the figures back into the request workbook, ready to send back."""
        from PySide6.QtWidgets import QDialog

        from ui.collection import SubmitDialog

        window, offline = self.window, self.session.offline
        if offline is None:
            return None
        if name is None:
            dialog = SubmitDialog(window.user(), offline.workbook, window)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            name = dialog.name.text()
            if dialog.copy.isChecked():
                chosen = save_file(
                    window, window.settings, tr("Submit request"),
                    str(offline.workbook.with_stem(offline.workbook.stem + "-filled")),
                    tr("Excel workbooks (*.xlsx)"))
                if not chosen:
                    return None
                out = Path(chosen)
        try:
            written = self.session.submit_request(name, out)
        except EsgdeskError as exc:
            window.ops.refuse(exc)
            return None
        window.statusBar().showMessage(tr("Saved into {file}; send it back to the "
                                          "coordinator").replace("{file}", str(written)), 10000)
        return written

    def make_requests(self) -> list[Path]:
        from PySide6.QtWidgets import QDialog

        from ui.collection import RequestsDialog

        window, workspace = self.window, self.session.workspace
        if self.session.store is None or workspace is None:
            return []
        dialog = RequestsDialog(self.session, workspace.year, window.lang, window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return []
        try:
            written = dialog.write()
        except EsgdeskError as exc:
            window.ops.refuse(exc)
            return []
        window.statusBar().showMessage(counted(len(written), "{n} request workbook written",
                                               "{n} request workbooks written"), 8000)
        window.ops.announce(Changes(requests=True))
        return written

    def import_workbooks(self, paths: list[Path] | None = None, answer: bool | None = None,
                         ) -> int:
        """Preview returned workbooks, then write the files the coordinator accepts."""
        from PySide6.QtWidgets import QDialog, QMessageBox

        from ui.collection import ImportDialog

        window = self.window
        if self.session.store is None or self.session.offline is not None:
            return 0
        if paths is None:
            names = open_files(window, window.settings, tr("Import returned workbooks"),
                               tr("Excel workbooks (*.xlsx)"))
            paths = [Path(n) for n in names]
        if not paths:
            return 0
        try:
            dialog = ImportDialog(self.session, paths, window.lang, window)
        except EsgdeskError as exc:
            window.ops.refuse(exc)
            return 0
        if answer is None and dialog.exec() != QDialog.DialogCode.Accepted:
            return 0

        def confirm(question: str) -> bool:
            if answer is not None:
                return answer
            reply = QMessageBox.question(window, "esgdesk", question)
            return reply == QMessageBox.StandardButton.Yes

        try:
            written, changes = dialog.accept_ticked(confirm)
        except EsgdeskError as exc:
            window.ops.refuse(exc)
            written, changes = 0, self.session.take_theirs()
        window.ops.announce(changes)
        window.statusBar().showMessage(
            counted(written, "{n} figure imported", "{n} figures imported"), 8000)
        return written
