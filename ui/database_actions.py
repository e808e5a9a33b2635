"""File menu work: opening a database (recent files, the sample, a new one), the file check
in its own process, the latest backup offered for a damaged file, the audit banner. A
database opened is remembered among the recent ones and checked in the background."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMenu, QStatusBar, QWidget

from esgdesk.application.databases import Location, is_url, location, shown
from esgdesk.application.session import Changes
from esgdesk.errors import DatabaseDamaged, EsgdeskError, FileRefused
from esgdesk.paths import user_data_folder
from ui.banner import WarningBanner
from ui.first_paint import after_first_paint
from ui.folders import open_file, save_file
from ui.i18n import tr
from ui.operations import SessionOps

if TYPE_CHECKING:
    from PySide6.QtCore import QProcess

    from esgdesk.application.session import FileCheck

MAX_RECENT = 8


Opened = Callable[[str | None], None]  # shows the database opened, at a chapter


class DatabaseActions(QObject):
    file_checked = Signal(object)  # FileCheck of a database just opened

    def __init__(self, ops: SessionOps, settings: QSettings, banner: WarningBanner,
                 status: QStatusBar, opened: Opened, parent: QWidget) -> None:
        super().__init__(parent)
        self.ops, self.session, self.settings = ops, ops.session, settings
        self.banner, self.status, self.opened = banner, status, opened
        self.dialog_parent = parent
        self.recent_menu = QMenu(parent)
        self.checkers: list[QProcess] = []  # processes checking a file just opened
        # "Checking the audit chain… 40% · 6 s" in the status bar while a check runs
        self.checking = QLabel()
        self.checking.setVisible(False)
        status.addPermanentWidget(self.checking)
        self._check_clock = QTimer(self)
        self._check_clock.setInterval(1000)
        self._check_clock.timeout.connect(self._show_checking)
        self._check_started, self._check_said = 0.0, ""
        self.file_checked.connect(self.show_file_check)
        ops.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        """A database opened: remember it, say where it is, check it in the background."""
        store = self.session.store
        if not changes.database or store is None:
            return
        if self.session.offline is None:
            self.remember(store.path)
        self.banner.clear_warnings()
        self.banner.warn("location", self.session.location_warning())
        self.stop_checks()  # the database shown before needs none now
        if not store.server:  # the server keeps its own pages sound
            self.check_in_background(store.path)

    # -- recent files --------------------------------------------------------------------
    def recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def remember(self, path: Location) -> None:
        """Keep a database among the recent ones (a server's URL without its password)."""
        settings = self.settings
        settings.setValue("last_db", shown(path))
        recent = [shown(path)] + [p for p in self.recent() if p != shown(path)]
        settings.setValue("recent", recent[:MAX_RECENT])
        self.fill_recent()

    def fill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        for path in self.recent():
            action = menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_reporting(location(p)))

    # -- opening -------------------------------------------------------------------------
    def connect_server(self) -> None:
        """Open a group's server database by its URL (the password, if one is needed, comes
        from the user's ~/.pgpass or service file: esgdesk never keeps one)."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        last = next((p for p in self.recent() if is_url(p)), "postgresql://")
        text, ok = QInputDialog.getText(
            self.dialog_parent, tr("Connect to server"),
            tr("Server database URL (postgresql://user@host:port/database).\nThe password "
               "comes from your ~/.pgpass or service file; esgdesk never stores it."),
            QLineEdit.EchoMode.Normal, last)
        if ok and text.strip():
            try:
                where = location(text.strip())
            except EsgdeskError as exc:  # a password in it: refused, nothing opened or kept
                self.ops.refuse(exc)
                return
            if not is_url(where):
                self.ops.refuse(FileRefused(
                    "is not a server URL (postgresql://user@host:port/database)",
                    "不是服务器地址（postgresql://用户@主机:端口/数据库）", where=text.strip()))
                return
            self.open_reporting(where)

    def open_database(self, path: Location, entity: str | None = None,
                      year: int | None = None, chapter: str | None = None) -> None:
        """Open a database at an entity, year and chapter; on failure nothing changes. A
        file too damaged to open offers its latest backup in its place."""
        try:
            self.session.open(path, entity, year)
        except DatabaseDamaged as exc:
            if not self.restore_unopenable(path, exc):
                raise
        self.opened(chapter)

    def open_reporting(self, path: Location) -> None:
        """Open a database chosen by the user; say why when it cannot be."""
        try:
            self.open_database(path)
        except EsgdeskError as exc:
            self.ops.refuse(exc)

    def choose(self) -> None:

        name = open_file(self.dialog_parent, self.settings, tr("Open database"),
                         tr("esgdesk databases (*.db);;All files (*)"))
        if name:
            self.open_reporting(Path(name))

    def open_sample(self) -> None:
        if self.ops.attempt(lambda: self.session.open_sample(user_data_folder())) is not None:
            self.opened(None)

    def new_database(self) -> None:

        from ui.dialogs import NewDatabaseDialog

        dialog = NewDatabaseDialog(datetime.now().year - 1, self.dialog_parent)
        if dialog.exec() != NewDatabaseDialog.DialogCode.Accepted:
            return
        name = save_file(self.dialog_parent, self.settings, tr("New database"), "esgdesk.db",
                         tr("esgdesk databases (*.db)"))
        if not name:
            return
        if self.ops.attempt(lambda: self.session.create(
                Path(name), dialog.company.text().strip(), dialog.first_year.value(),
                dialog.entities.toPlainText())) is not None:
            self.opened(None)

    def export_report(self, path: Path | None = None, by_entity: bool = False,
                      per_child: bool = False) -> Path | None:
        """Write the report workbook for the entity and year, with progress and a cancel.

        Without a path the user picks the file and, for a parent entity, the extra sheets."""
        from PySide6.QtWidgets import QDialog

        from ui.dialogs import ExportOptionsDialog
        from ui.progress import progress_dialog

        if self.session.workspace is None:
            return None
        if path is None:
            name = save_file(self.dialog_parent, self.settings, tr("Export report workbook"),
                             self.session.suggested_export_name(), tr("Excel workbooks (*.xlsx)"))
            if not name:
                return None
            path = Path(name)
            children = self.session.children_count()
            if children:
                options = ExportOptionsDialog(children, self.dialog_parent)
                if options.exec() != QDialog.DialogCode.Accepted:
                    return None
                by_entity, per_child = options.values()
        dialog, progress = progress_dialog(self.dialog_parent, tr("Writing the report workbook…"),
                                           tr("Cancel"))
        try:
            written = self.session.export(path, self.ops.lang, progress, by_entity, per_child)
        except EsgdeskError as exc:
            dialog.close()
            self.ops.refuse(exc)
            return None
        dialog.close()
        self.status.showMessage(tr("Exported {path}").format(path=written), 8000)
        return written

    # -- the file check ------------------------------------------------------------------
    def check_in_background(self, path: Path) -> None:
        """SQLite's integrity check and the audit chain take seconds on a large file: run
        them in a separate process, so the window stays quick, and act on the result when
        it comes (a write before then runs the check itself). At start-up it begins after the
        window's first paint."""
        after_first_paint(lambda: self._start_check(path))

    def _start_check(self, path: Path) -> None:
        from PySide6.QtCore import QProcess

        process = QProcess(self)
        self.checkers.append(process)
        process.finished.connect(lambda *_: self._check_ended(process, path))
        process.readyReadStandardError.connect(lambda: self._check_heard(process, path))
        program, arguments = self.session.file_check_command(path)
        self._check_started, self._check_said = time.monotonic(), ""
        process.start(program, arguments)
        self.session.yield_to_the_window(process.processId())
        self._check_clock.start()
        self._show_checking()

    def _check_heard(self, process: QProcess, path: Path) -> None:
        """The check said how far it is (its newest lines are enough)."""
        said = bytes(process.readAllStandardError().data()).decode("utf-8", "replace")
        if process is self.checkers[-1]:
            self._check_said = (self._check_said + said)[-400:]
            self.session.file_check_heard(path, self._check_said)
            self._show_checking()

    def _show_checking(self) -> None:
        """The running check's step and the seconds since it began, in the status bar."""
        if not self.checkers:
            self._check_clock.stop()
            self.checking.setVisible(False)
            return
        seconds = str(int(time.monotonic() - self._check_started))
        _step, percent = self.session.file_check_progress(self._check_said)
        text = tr("Checking the audit chain… {percent}% · {seconds} s").replace(
            "{percent}", str(percent)) if percent is not None else \
            tr("Checking the file… {seconds} s")
        self.checking.setText(text.replace("{seconds}", seconds))
        self.checking.setVisible(True)

    def _check_ended(self, process: QProcess, path: Path) -> None:
        output = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
        self.checkers.remove(process)
        process.deleteLater()
        self._show_checking()
        check = self.session.read_file_check(path, output)
        if check is not None:  # else the check itself failed: the next write checks
            self.file_checked.emit(check)

    def show_file_check(self, check: FileCheck) -> None:
        if not self.session.file_checked(check):
            return
        if check.problem is not None:
            self.check_file()  # says what is wrong and offers the latest backup
            return
        self.show_audit(check.broken_at)
        self.show_differences(check.mismatches, check.first_difference())

    def stop_checks(self) -> None:
        """On closing, or opening another database: a file check still running is not
        needed now (and would hold a processor while the user works)."""
        for process in list(self.checkers):
            process.finished.disconnect()
            process.readyReadStandardError.disconnect()
            process.kill()
            process.waitForFinished(3000)
        self.checkers.clear()
        self._show_checking()

    def check_file(self, restore: bool | None = None) -> bool:
        """SQLite's integrity check now; a damaged file is never written to, and the latest
        automatic backup is offered in its place."""
        from PySide6.QtWidgets import QMessageBox

        if self.session.store is None:
            return True
        found = self.session.damaged_and_backup()
        if found is None:
            return True
        exc, latest = found
        parent, lang = self.dialog_parent, self.ops.lang
        if latest is None:
            QMessageBox.critical(parent, "esgdesk", exc.message(lang))
            return False
        if restore is None:
            restore = QMessageBox.question(
                parent, "esgdesk", exc.message(lang) + "\n\n" + tr(
                    "Restore the latest backup, {backup}? The damaged file is kept beside "
                    "it.").replace("{backup}", latest.name)) == QMessageBox.StandardButton.Yes
        if not restore:
            return False
        if self.ops.attempt(lambda: self.session.restore(latest)) is None:
            return False
        self.opened(None)
        self.status.showMessage(tr("Restored from {backup}")
                                       .replace("{backup}", latest.name), 10000)
        return True

    def restore_unopenable(self, path: Location, exc: EsgdeskError) -> bool:
        """A file too damaged to open: offer its latest backup in its place (the damaged
        file is kept beside it); True when it was restored and opened."""
        from PySide6.QtWidgets import QMessageBox

        latest = self.session.latest_backup(path)
        if latest is None or QMessageBox.question(
                self.dialog_parent, "esgdesk", exc.message(self.ops.lang) + "\n\n" + tr(
                    "Restore the latest backup, {backup}? The damaged file is kept beside "
                    "it.").replace("{backup}", latest.name)) != QMessageBox.StandardButton.Yes:
            return False
        self.session.restore(latest, path)
        self.status.showMessage(tr("Restored from {backup}")
                                       .replace("{backup}", latest.name), 10000)
        return True

    def check_audit(self) -> bool:
        """Check the audit log's hash chain now; a warning banner while it is broken."""
        if self.session.store is None:
            return True
        report = self.session.verify_audit()
        self.show_differences(len(report.mismatches), report.first_mismatch())
        return self.show_audit(report.broken_at) and not report.mismatches

    def show_differences(self, count: int, first: tuple[str, str]) -> None:
        """A warning banner while figures differ from the audit log."""
        english, chinese = self.session.differs_warning(count, first)
        self.banner.warn("differs", (chinese if self.ops.lang == "zh" else english)
                                if count else None)

    def show_audit(self, broken_at: int | None) -> bool:
        self.banner.warn("audit", None if broken_at is None else tr(
            "Warning: this database was edited outside esgdesk. The audit log is broken at "
            "row {row}; its history cannot be trusted from there on.")
            .replace("{row}", str(broken_at)))
        return broken_at is None

    def close(self) -> None:
        """On closing: an automatic backup when anything was written since opening."""
        try:
            self.session.close()
        except (EsgdeskError, OSError, ValueError) as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self.dialog_parent, "esgdesk", tr(
                "The automatic backup failed: {why}").replace("{why}", str(exc)))
