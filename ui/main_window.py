"""The main window: report navigation, entity and year, chapter forms, details, undo."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QProcess, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from esgdesk.errors import EsgdeskError, StaleValue
from esgdesk.exchange.offline import OfflineRequest
from esgdesk.model.catalogue import Catalogue, Table, load
from esgdesk.model.layout import FigureRef
from esgdesk.rules.workspace import ValidationRun, Workspace, reporting_years
from esgdesk.storage.health import location_warning, sqlite_facts
from esgdesk.storage.store import Store, current_user, open_database
from ui.chapter_form import ChapterForm
from ui.collection import (
    DashboardPanel,
    ImportDialog,
    RequestsDialog,
    SubmitDialog,
    progress_dialog,
)
from ui.detail_pane import DetailPane
from ui.dialogs import (
    ExportOptionsDialog,
    FindDialog,
    NewDatabaseDialog,
    ProfileDialog,
    RestateDialog,
)
from ui.findings_panel import FindingsPanel
from ui.i18n import install_translator

TABLE_ROLE = Qt.ItemDataRole.UserRole
CHAPTER_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_RECENT = 8


class SetFigureCommand(QUndoCommand):
    """One committed cell; undo and redo write again (each audited)."""

    def __init__(self, window: MainWindow, ref: FigureRef, old: str | None,
                 new: str | None) -> None:
        super().__init__(f"{ref.indicator} {old or '—'} → {new or '—'}")
        self.window, self.ref, self.old, self.new = window, ref, old, new
        self.first = True  # the write happened before the command was pushed

    def redo(self) -> None:
        if self.first:
            self.first = False
            return
        self.window.write(self.ref, self.new)

    def undo(self) -> None:
        self.window.write(self.ref, self.old)


class MainWindow(QMainWindow):
    # After a file check: database path, integrity problem or None, ChainReport or None.
    file_checked = Signal(str, object, object)

    def __init__(self, settings: QSettings | None = None, lang: str | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.lang = lang or str(self.settings.value("lang", "zh"))
        install_translator(self.lang)
        self.catalogue: Catalogue = load()
        self.store: Store | None = None
        self.workspace: Workspace | None = None
        self.forms: dict[str, ChapterForm] = {}
        self.offline: OfflineRequest | None = None  # a request workbook opened offline
        self._warnings: dict[str, str] = {}  # standing warnings shown above the forms
        self._checkers: list[QProcess] = []  # processes checking a file just opened
        self.undo_stack = QUndoStack(self)
        self.file_checked.connect(self._file_checked)
        self._validation: ValidationRun | None = None
        self.setWindowTitle("esgdesk")
        self._build_toolbar()
        self._build_centre()
        self._build_menus()
        self._build_status()
        self.retranslate()
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            self.restoreState(self.settings.value("window/state"))

    # -- construction -----------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = self.addToolBar("main")
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        self.entity_caption, self.year_caption = QLabel(), QLabel()
        self.entity_picker, self.year_picker = QComboBox(), QComboBox()
        self.entity_picker.setMinimumWidth(220)
        self.mine_only = QCheckBox()
        self.mine_only.setChecked(self.settings.value("mine_first", False, type=bool))
        for widget in (self.entity_caption, self.entity_picker, self.year_caption,
                       self.year_picker, self.mine_only):
            bar.addWidget(widget)
            bar.addSeparator()
        self.entity_picker.activated.connect(lambda _i: self._scope_changed())
        self.year_picker.activated.connect(lambda _i: self._scope_changed())
        self.mine_only.toggled.connect(self._mine_toggled)

    def _build_centre(self) -> None:
        self.navigation = QTreeWidget()
        self.navigation.setColumnCount(2)
        self.navigation.setRootIsDecorated(True)
        self.navigation.itemClicked.connect(self._navigate)
        self.navigation.itemActivated.connect(self._navigate)
        self.pages = QStackedWidget()
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.placeholder)
        splitter = QSplitter()
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([290, 800])
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fde2e1; color: #8a1c1c; padding: 6px; "
                                  "font-weight: bold;")
        self.banner.hide()
        centre = QWidget()
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner)
        column.addWidget(splitter, 1)
        self.setCentralWidget(centre)
        self.detail = DetailPane()
        self.detail.note_saved.connect(self._save_note)
        self.detail_dock = QDockWidget()
        self.detail_dock.setObjectName("detail-dock")
        self.detail_dock.setWidget(self.detail)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.detail_dock)
        self.findings = FindingsPanel(self.catalogue)
        self.findings.finding_chosen.connect(
            lambda finding: self.jump_to(finding.indicators[0], finding.entity))
        self.findings_dock = QDockWidget()
        self.findings_dock.setObjectName("findings-dock")
        self.findings_dock.setWidget(self.findings)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.findings_dock)
        self.dashboard = DashboardPanel()
        self.dashboard.changed.connect(self._reload_figures)
        self.dashboard_dock = QDockWidget()
        self.dashboard_dock.setObjectName("dashboard-dock")
        self.dashboard_dock.setWidget(self.dashboard)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dashboard_dock)
        self.tabifyDockWidget(self.findings_dock, self.dashboard_dock)
        self.findings_dock.raise_()
        self.dashboard_dock.visibilityChanged.connect(
            lambda visible: visible and self._refresh_dashboard())
        self.setAcceptDrops(True)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.new_action = self._action(self.file_menu, QKeySequence.StandardKey.New,
                                       self.new_database)
        self.open_action = self._action(self.file_menu, QKeySequence.StandardKey.Open,
                                        self.choose_database)
        self.sample_action = self._action(self.file_menu, None, self.open_sample)
        self.recent_menu = self.file_menu.addMenu("")
        self.file_menu.addSeparator()
        self.export_action = self._action(self.file_menu, QKeySequence("Ctrl+E"),
                                          self.export_report)
        self.file_menu.addSeparator()
        self.quit_action = self._action(self.file_menu, QKeySequence.StandardKey.Quit, self.close)
        self.collection_menu = bar.addMenu("")
        self.open_request_action = self._action(self.collection_menu, None, self.open_request)
        self.submit_action = self._action(self.collection_menu, None, self.submit_request)
        self.collection_menu.addSeparator()
        self.requests_action = self._action(self.collection_menu, None, self.make_requests)
        self.import_action = self._action(self.collection_menu, QKeySequence("Ctrl+I"),
                                          self.import_workbooks)
        self.status_action = self.dashboard_dock.toggleViewAction()
        self.collection_menu.addAction(self.status_action)
        self.edit_menu = bar.addMenu("")
        self.undo_action = self.undo_stack.createUndoAction(self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.edit_menu.addActions([self.undo_action, self.redo_action])
        self.edit_menu.addSeparator()
        self.find_action = self._action(self.edit_menu, QKeySequence.StandardKey.Find,
                                        self.find_indicator)
        self.restate_action = self._action(self.edit_menu, None, self.restate_figure)
        self.profile_action = self._action(self.edit_menu, None, self.edit_profile)
        self.view_menu = bar.addMenu("")
        self.zh_action = self._action(self.view_menu, None, lambda: self.set_language("zh"))
        self.en_action = self._action(self.view_menu, None, lambda: self.set_language("en"))
        self._fill_recent()

    def _action(self, menu, shortcut, slot) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_status(self) -> None:
        self.saved_label, self.user_label, self.database_label = QLabel(), QLabel(), QLabel()
        status = self.statusBar()
        status.addWidget(self.saved_label, 1)
        self.validating_label = QLabel()
        self.validating_label.setVisible(False)
        status.addPermanentWidget(self.validating_label)
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.database_label)

    def retranslate(self) -> None:
        """Every interface text in the chosen language (no restart needed)."""
        self.entity_caption.setText(self.tr("Entity"))
        self.year_caption.setText(self.tr("Year"))
        self.validating_label.setText(self.tr("Validating…"))
        self.mine_only.setText(self.tr("My department first"))
        self.navigation.setHeaderLabels([self.tr("Report"), self.tr("Filled")])
        self.placeholder.setText(self.tr("Open a database: File → Open, or File → Open sample"))
        self.file_menu.setTitle(self.tr("&File"))
        self.new_action.setText(self.tr("&New database…"))
        self.open_action.setText(self.tr("&Open…"))
        self.sample_action.setText(self.tr("Open &sample"))
        self.recent_menu.setTitle(self.tr("Recent files"))
        self.export_action.setText(self.tr("&Export report workbook…"))
        self.quit_action.setText(self.tr("&Quit"))
        self.collection_menu.setTitle(self.tr("&Collection"))
        self.open_request_action.setText(self.tr("Open &request workbook…"))
        self.submit_action.setText(self.tr("&Submit request…"))
        self.requests_action.setText(self.tr("&Make data requests…"))
        self.import_action.setText(self.tr("&Import returned workbooks…"))
        self.dashboard_dock.setWindowTitle(self.tr("Collection status"))
        self.dashboard.retranslate()
        self._update_modes()
        self.edit_menu.setTitle(self.tr("&Edit"))
        self.undo_action.setText(self.tr("&Undo"))
        self.redo_action.setText(self.tr("&Redo"))
        self.find_action.setText(self.tr("&Find indicator…"))
        self.restate_action.setText(self.tr("&Restate published figure…"))
        self.profile_action.setText(self.tr("&Profile…"))
        self.view_menu.setTitle(self.tr("&View"))
        self.zh_action.setText("中文")
        self.en_action.setText("English")
        self.detail_dock.setWindowTitle(self.tr("Details"))
        self.findings_dock.setWindowTitle(self.tr("Findings"))
        self.findings.retranslate(self.lang)
        self.detail.lang = self.lang
        self.detail.retranslate()
        self._show_user()
        self._fill_navigation()
        self._fill_entities()

    # -- database -----------------------------------------------------------------------
    _opened_head = ""

    def open_database(self, path: Path, entity: str | None = None, year: int | None = None,
                      chapter: str | None = None, offline: OfflineRequest | None = None,
                      ) -> None:
        """Open a database at an entity, year and chapter; on failure nothing changes."""
        store = open_database(path, self.catalogue)
        if self.store is not None:
            self.store.close()
        self.store = store
        self.offline = offline
        self.undo_stack.clear()
        self.database_label.setText(str(offline.workbook if offline else path))
        if offline is None:
            self.settings.setValue("last_db", str(path))
            recent = [str(path)] + [p for p in self._recent() if p != str(path)]
            self.settings.setValue("recent", recent[:MAX_RECENT])
            self._fill_recent()
        self._update_modes()
        self._fill_entities()
        self._fill_years()
        self._pick(entity, year)
        self._scope_changed(chapter or self.catalogue.chapters[0].id)
        self.saved_label.setText(self.tr("All changes are saved"))
        self._warnings: dict[str, str] = {}
        self._warn("location", location_warning(path))
        self.database_label.setToolTip(sqlite_facts())
        self._opened_head = store.audit_head()
        self._check_in_background(path)

    def check_file(self, restore: bool | None = None) -> bool:
        """SQLite's integrity check once the window is up; a damaged file is never written to,
        and the latest automatic backup is offered in its place."""
        from esgdesk.storage.backup import backups
        from esgdesk.storage.backup import restore as put_back

        if self.store is None:
            return True
        try:
            self.store.check()
            return True
        except EsgdeskError as exc:
            path = self.store.path
            latest = next(iter(backups(path)), None)
            if latest is None:
                QMessageBox.critical(self, "esgdesk", exc.message())
                return False
            if restore is None:
                restore = QMessageBox.question(
                    self, "esgdesk", exc.message() + "\n\n" + self.tr(
                        "Restore the latest backup, {backup}? The damaged file is kept beside "
                        "it.").replace("{backup}", latest.name)) == QMessageBox.StandardButton.Yes
            if not restore:
                return False
            self.store.close()
            self.store = None
            try:
                put_back(latest, path)
                self.open_database(path)
            except EsgdeskError as again:
                QMessageBox.critical(self, "esgdesk", again.message())
                return False
            self.statusBar().showMessage(self.tr("Restored from {backup}")
                                         .replace("{backup}", latest.name), 10000)
            return True

    def _backup_if_changed(self) -> None:
        """On closing: an automatic backup when anything was written since opening."""
        from esgdesk.storage.backup import backup_if_changed

        if self.store is None or self.offline is not None:
            return
        try:
            backup_if_changed(self.store, self._opened_head)
        except (EsgdeskError, OSError, ValueError) as exc:
            QMessageBox.warning(self, "esgdesk", self.tr("The automatic backup failed: {why}")
                                .replace("{why}", str(exc)))

    def _check_in_background(self, path: Path) -> None:
        """SQLite's integrity check and the audit chain take seconds on a large file: run
        them in a separate process (`esgdesk check --json`, read-only), so the window stays
        quick, and act on the result when it comes (a write before then runs the check
        itself)."""
        import esgdesk

        process = QProcess(self)
        self._checkers.append(process)
        process.finished.connect(lambda *_: self._check_ended(process, path))
        process.setWorkingDirectory(str(Path(esgdesk.__file__).resolve().parent.parent))
        process.start(sys.executable, ["-m", "esgdesk", "check", "--json", str(path)])

    def _check_ended(self, process: QProcess, path: Path) -> None:
        from esgdesk.storage.audit import ChainReport

        output = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
        self._checkers.remove(process)
        process.deleteLater()
        try:
            result = json.loads(output.strip().splitlines()[-1])
        except (ValueError, IndexError):  # the check itself failed: the next write checks
            return
        report = None if result["problem"] is not None else ChainReport(
            int(result["rows"]), result["broken_at"], str(result["reason"]))
        self.file_checked.emit(str(path), result["problem"], report)

    def _file_checked(self, path: str, problem: object, report: object) -> None:
        if self.store is None or str(self.store.path) != path:
            return
        if problem is not None:
            self.check_file()  # says what is wrong and offers the latest backup
            return
        self.store.mark_sound()
        self._show_audit(report)

    def check_audit(self) -> bool:
        """Check the audit log's hash chain now; a warning banner while it is broken."""
        if self.store is None:
            return True
        return self._show_audit(self.store.verify_audit())

    def _show_audit(self, report: Any) -> bool:
        self._warn("audit", None if report.intact else self.tr(
            "Warning: this database was edited outside esgdesk. The audit log is broken at "
            "row {row}; its history cannot be trusted from there on.")
            .replace("{row}", str(report.broken_at)))
        return report.intact

    def _warn(self, key: str, text: str | None) -> None:
        """A standing warning above the forms (or its removal)."""
        if text:
            self._warnings[key] = text
        else:
            self._warnings.pop(key, None)
        self.banner.setText("\n".join(self._warnings.values()))
        self.banner.setVisible(bool(self._warnings))

    def _recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self._recent():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self._open_reporting(Path(p)))

    def _open_reporting(self, path: Path) -> None:
        try:
            self.open_database(path)
        except EsgdeskError as exc:
            QMessageBox.warning(self, "esgdesk", exc.message())

    def choose_database(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Open database"), "",
                                              self.tr("esgdesk databases (*.db);;All files (*)"))
        if name:
            self._open_reporting(Path(name))

    def open_sample(self) -> None:
        from esgdesk.application.sample import create_sample
        from esgdesk.paths import default_database

        path = default_database().with_name("sample.db")
        try:
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                create_sample(path).close()
            self.open_database(path)
        except EsgdeskError as exc:
            QMessageBox.warning(self, "esgdesk", exc.message())

    def new_database(self) -> None:
        from esgdesk.storage.newdb import create_database, parse_entity_lines

        dialog = NewDatabaseDialog(datetime.now().year - 1, self)
        if dialog.exec() != NewDatabaseDialog.DialogCode.Accepted:
            return
        name, _ = QFileDialog.getSaveFileName(self, self.tr("New database"), "esgdesk.db",
                                              self.tr("esgdesk databases (*.db)"))
        if not name:
            return
        try:
            store = create_database(Path(name), dialog.company.text().strip(),
                                    dialog.first_year.value(),
                                    parse_entity_lines(dialog.entities.toPlainText()))
            store.close()
            self.open_database(Path(name))
        except EsgdeskError as exc:
            QMessageBox.warning(self, "esgdesk", exc.message())

    def export_report(self, path: Path | None = None, by_entity: bool = False,
                      per_child: bool = False) -> Path | None:
        """Write the report workbook for the entity and year, with progress and a cancel.

        Without a path the user picks the file and, for a parent entity, the extra sheets."""
        from esgdesk.exchange.export import export_workbook

        if self.workspace is None or self.store is None:
            return None
        if path is None:
            suggested = f"esgdesk-{self.workspace.entity}-{self.workspace.year}.xlsx"
            name, _ = QFileDialog.getSaveFileName(self, self.tr("Export report workbook"),
                                                  suggested, self.tr("Excel workbooks (*.xlsx)"))
            if not name:
                return None
            path = Path(name)
            children = len(self.store.children(self.workspace.entity))
            if children:
                options = ExportOptionsDialog(children, self)
                if options.exec() != QDialog.DialogCode.Accepted:
                    return None
                by_entity, per_child = options.values()
        dialog, progress = progress_dialog(self, self.tr("Writing the report workbook…"),
                                           self.tr("Cancel"))
        try:
            written = export_workbook(self.store, self.workspace.year, path,
                                      self.workspace.entity, self.lang, progress,
                                      by_entity=by_entity, per_child=per_child)
        except EsgdeskError as exc:
            dialog.close()
            QMessageBox.warning(self, "esgdesk", exc.message())
            return None
        dialog.close()
        self.statusBar().showMessage(self.tr("Exported {path}").format(path=written), 8000)
        return written

    # -- scope: entity and year -----------------------------------------------------------
    def _fill_entities(self) -> None:
        current = self.entity_picker.currentData()
        self.entity_picker.clear()
        if self.store is None:
            return
        for entity in self.store.entities():
            depth, parent = 0, entity.parent
            while parent:
                depth, parent = depth + 1, self.store.entity(parent).parent
            self.entity_picker.addItem("    " * depth + entity.name(self.lang), entity.code)
        self.entity_picker.setCurrentIndex(max(self.entity_picker.findData(current), 0))

    def _fill_years(self) -> None:
        assert self.store is not None
        years, latest = reporting_years(self.store)
        self.year_picker.clear()
        for year in years:
            self.year_picker.addItem(str(year), year)
        self.year_picker.setCurrentIndex(self.year_picker.findData(latest))

    def select(self, entity: str | None = None, year: int | None = None) -> None:
        """Show an entity and reporting year."""
        self._pick(entity, year)
        self._scope_changed()

    def _pick(self, entity: str | None, year: int | None) -> None:
        if entity is not None:
            found = self.entity_picker.findData(entity)
            if found < 0:
                raise EsgdeskError(f"unknown entity '{entity}'")
            self.entity_picker.setCurrentIndex(found)
        if year is not None:
            found = self.year_picker.findData(year)
            if found < 0:
                self.year_picker.addItem(str(year), year)
                found = self.year_picker.count() - 1
            self.year_picker.setCurrentIndex(found)

    def _scope_changed(self, chapter: str | None = None) -> None:
        if self.store is None or self.entity_picker.currentData() is None:
            return
        self.workspace = Workspace(self.store, self.entity_picker.currentData(),
                                   int(self.year_picker.currentData()))
        shown = self.pages.currentWidget()
        for form in self.forms.values():  # forms out of sight catch up when shown
            form.set_workspace(self.workspace, defer=form is not shown)
        self.undo_stack.clear()
        self._update_badges()
        self.findings.show_findings([])
        # Validate in slices between events; later edits re-validate incrementally.
        self._validate_in_background()
        if chapter is not None:
            self.show_chapter(chapter)
        elif self.pages.currentWidget() is self.placeholder:
            self.show_chapter(self.catalogue.chapters[0].id)
        self._refresh_dashboard()

    # -- navigation ---------------------------------------------------------------------
    def _fill_navigation(self) -> None:
        self.navigation.clear()
        department = str(self.settings.value("profile/department", ""))
        if self.mine_only.isChecked() and department:
            label = self.catalogue.departments.get(department)
            mine = QTreeWidgetItem([self.tr("My tables: {department}").format(
                department=label(self.lang) if label else department), ""])
            for table in self.catalogue.department_tables(department):
                mine.addChild(self._table_item(table))
            self.navigation.addTopLevelItem(mine)
            mine.setExpanded(True)
        for chapter in self.catalogue.chapters:
            item = QTreeWidgetItem([f"{chapter.number} {chapter.title(self.lang)}".strip(), ""])
            item.setData(0, CHAPTER_ROLE, chapter.id)
            for table in chapter.tables:
                item.addChild(self._table_item(table))
            self.navigation.addTopLevelItem(item)
        self._update_badges()
        self.navigation.header().setStretchLastSection(False)
        self.navigation.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.navigation.header().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)

    def _table_item(self, table: Table) -> QTreeWidgetItem:
        item = QTreeWidgetItem([table.title(self.lang), ""])
        item.setData(0, TABLE_ROLE, table.id)
        item.setData(0, CHAPTER_ROLE, table.chapter)
        item.setToolTip(0, table.title(self.lang))
        return item

    def _update_badges(self) -> None:
        if self.workspace is None:
            return
        for top in range(self.navigation.topLevelItemCount()):
            item = self.navigation.topLevelItem(top)
            chapter_id = item.data(0, CHAPTER_ROLE)
            if chapter_id:
                filled, required = self.workspace.chapter_completion(
                    self.catalogue.chapter(chapter_id))
                item.setText(1, f"{filled}/{required}")
            for child in range(item.childCount()):
                table_item = item.child(child)
                table = self.catalogue.tables[table_item.data(0, TABLE_ROLE)]
                filled, required = self.workspace.completion(table)
                table_item.setText(1, f"{filled}/{required}" if required else "")

    def _mine_toggled(self, checked: bool) -> None:
        self.settings.setValue("mine_first", checked)
        if checked and not self.settings.value("profile/department"):
            self.edit_profile()
        self._fill_navigation()

    def _navigate(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        chapter_id = item.data(0, CHAPTER_ROLE)
        if chapter_id is None:
            return
        form = self.show_chapter(chapter_id)
        table_id = item.data(0, TABLE_ROLE)
        if form is not None and table_id:
            form.show_figure(self.catalogue.tables[table_id])

    def show_chapter(self, chapter_id: str) -> ChapterForm | None:
        """Show a chapter's form (built on first visit, kept afterwards)."""
        form = self._form(chapter_id)
        if form is not None:
            form.catch_up()
            self.pages.setCurrentWidget(form)
        return form

    def _form(self, chapter_id: str) -> ChapterForm | None:
        if self.workspace is None:
            return None
        form = self.forms.get(chapter_id)
        if form is None:
            form = ChapterForm(self.catalogue.chapter(chapter_id), self.workspace, self.lang)
            form.edit_requested.connect(self.commit_edit)
            form.figure_selected.connect(self._figure_selected)
            form.refused.connect(lambda reason: self.statusBar().showMessage(reason, 6000))
            self.forms[chapter_id] = form
            self.pages.addWidget(form)
        return form

    def prebuild_forms(self) -> None:
        """Build the other chapters' forms while the user reads, one per event-loop turn."""
        for chapter in self.catalogue.chapters:
            if chapter.id not in self.forms:
                self._form(chapter.id)
                QTimer.singleShot(0, self.prebuild_forms)
                return

    def current_form(self) -> ChapterForm | None:
        widget = self.pages.currentWidget()
        return widget if isinstance(widget, ChapterForm) else None

    def jump_to(self, indicator_id: str, entity: str | None = None) -> bool:
        """Show the chapter and select the reporting-year cell of an indicator."""
        if entity is not None and self.workspace is not None \
                and entity not in self.workspace.scope():
            self.select(entity=entity)
        table = self.catalogue.home_table(indicator_id)
        form = self.show_chapter(table.chapter)
        return bool(form and form.show_figure(table, indicator=indicator_id, entity=entity))

    def validate(self) -> None:
        """Run the validator for the entity and year now, and show its findings."""
        if self.workspace is None:
            return
        self._cancel_validation()
        self.findings.show_findings(self.workspace.validate())
        self._refresh_forms()

    def _validate_in_background(self) -> None:
        """Validating a whole group takes most of a second: do it in slices between the
        user's events, so the form is usable at once; findings appear when it ends."""
        self._cancel_validation()
        assert self.workspace is not None
        run = ValidationRun(self.workspace)
        self._validation = run
        self.validating_label.setVisible(True)
        QTimer.singleShot(0, lambda: self._validation_step(run))

    def _validation_step(self, run: ValidationRun) -> None:
        if run is not self._validation:
            return  # cancelled, or replaced by a run for another scope
        try:
            done = run.step()
        except EsgdeskError as exc:  # a file damaged under us
            self._cancel_validation()
            self.statusBar().showMessage(self.tr("Validation failed: {why}")
                                         .replace("{why}", exc.message()), 10000)
            return
        if not done:
            QTimer.singleShot(0, lambda: self._validation_step(run))
            return
        self._validation = None
        self.validating_label.setVisible(False)
        if self.workspace is not None and self.workspace.adopt(run):
            self.findings.show_findings(self.workspace.findings())
            self._refresh_forms()

    def _cancel_validation(self) -> None:
        self._validation = None
        self.validating_label.setVisible(False)

    def validation_running(self) -> bool:
        return self._validation is not None

    def find_indicator(self) -> None:
        dialog = FindDialog(self.catalogue, self.lang, self)
        if dialog.exec() == FindDialog.DialogCode.Accepted and dialog.chosen():
            self.jump_to(str(dialog.chosen()))

    # -- editing ------------------------------------------------------------------------
    def user(self) -> str:
        return str(self.settings.value("profile/name", "")) or current_user()

    def commit_edit(self, ref: FigureRef, text: str | None) -> None:
        """A cell was committed: write it now (autosave), then make it undoable."""
        assert self.workspace is not None
        old = self.workspace.edit_text(ref) or None
        if self.write(ref, text):
            self.undo_stack.push(SetFigureCommand(self, ref, old, text))

    def write(self, ref: FigureRef, text: str | None) -> bool:
        """Write one figure in its own transaction; say clearly when it cannot be."""
        assert self.workspace is not None
        try:
            try:
                self.workspace.set(ref, text, self.user())
            except StaleValue as stale:
                if not self.keep_mine(ref, stale, text):
                    self.workspace.reload()
                    self._refresh_forms()
                    self.statusBar().showMessage(self.tr("Took {who}'s figure").replace(
                        "{who}", stale.changed_by), 8000)
                    return False
                self.workspace.overwrite(ref, text, self.user())
        except EsgdeskError as exc:
            self.workspace.reload()
            if self.validation_running():  # it read the figures before they changed
                self._validate_in_background()
            self._refresh_forms()
            QMessageBox.warning(self, "esgdesk", exc.message())
            return False
        self._refresh_forms()
        self.findings.show_findings(self.workspace.findings())
        self.saved_label.setText(self.tr("Saved {time}").format(
            time=datetime.now().strftime("%H:%M:%S")))
        self.detail.show_figure(ref, self.workspace)
        return True

    def restate_figure(self, answer: tuple[str, str, str] | None = None) -> bool:
        """Change the selected locked (published) figure as a restatement (GRI 2-4)."""
        from esgdesk.storage.store import RESTATEMENT_REASONS

        ref = self.detail.ref
        if ref is None or self.workspace is None or self.store is None:
            return False
        if not self.workspace.is_locked(ref):
            QMessageBox.information(self, "esgdesk", self.tr(
                "Select a locked (published) figure to restate; other figures are simply "
                "changed in the form."))
            return False
        if answer is None:
            label = self.catalogue.indicators[ref.indicator].label(self.lang)
            dialog = RestateDialog(f"{label} · {ref.year}", self.workspace.display(ref),
                                   RESTATEMENT_REASONS, self.lang, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            answer = dialog.values()
        value, kind, reason = answer
        try:
            self.store.restate(ref.entity, ref.year, ref.indicator, value, kind, reason,
                               self.user())
        except EsgdeskError as exc:
            QMessageBox.warning(self, "esgdesk", exc.message())
            return False
        self._reload_figures()
        self.detail.show_figure(ref, self.workspace)
        return True

    def keep_mine(self, ref: FigureRef, stale: StaleValue, mine: str | None) -> bool:
        """Someone changed the figure since it was read: say who and when, and let the user
        keep their own figure or take the other one."""
        current = self.store.get(ref.entity, ref.year, ref.indicator) if self.store else None
        theirs = (self.catalogue.indicators[ref.indicator].type.format(current.value)
                  if current is not None and current.value is not None else "—")
        box = QMessageBox(QMessageBox.Icon.Question, "esgdesk", self.tr(
            "{who} changed this figure to {theirs} at {when}, after you opened it.\n"
            "Keep your {mine}, or take {theirs}?").replace("{who}", stale.changed_by)
            .replace("{when}", stale.changed_at[:19].replace("T", " "))
            .replace("{theirs}", theirs).replace("{mine}", mine or "—"), parent=self)
        keep = box.addButton(self.tr("Keep mine"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Take theirs"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is keep

    def _save_note(self, ref: FigureRef, note: str) -> None:
        assert self.workspace is not None
        try:
            self.workspace.set_note(ref, note, self.user())
        except EsgdeskError as exc:
            QMessageBox.warning(self, "esgdesk", exc.message())
            return
        self._refresh_forms()
        self.findings.show_findings(self.workspace.findings())
        self.detail.show_figure(ref, self.workspace)

    def _refresh_forms(self) -> None:
        for form in self.forms.values():
            form.refresh()
        self._update_badges()

    def _figure_selected(self, ref: FigureRef | None) -> None:
        self.detail.show_figure(ref, self.workspace)

    # -- profile and language -------------------------------------------------------------
    def edit_profile(self) -> None:
        dialog = ProfileDialog(self.catalogue, self.lang,
                               str(self.settings.value("profile/name", "")),
                               str(self.settings.value("profile/department", "")), self)
        if dialog.exec() == ProfileDialog.DialogCode.Accepted:
            name, department = dialog.values()
            self.settings.setValue("profile/name", name)
            self.settings.setValue("profile/department", department)
            self._show_user()
            self._fill_navigation()

    def _show_user(self) -> None:
        department = self.catalogue.departments.get(
            str(self.settings.value("profile/department", "")))
        suffix = f" · {department(self.lang)}" if department else ""
        self.user_label.setText(self.user() + suffix)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.settings.setValue("lang", lang)
        install_translator(lang)
        self.retranslate()
        for form in self.forms.values():
            form.set_language(lang)

    # -- collection -----------------------------------------------------------------------
    def _update_modes(self) -> None:
        """A request opened offline can be submitted; a database can send and import."""
        offline = self.offline is not None
        self.submit_action.setEnabled(offline)
        for action in (self.requests_action, self.import_action, self.export_action):
            action.setEnabled(self.store is not None and not offline)
        self.status_action.setEnabled(not offline)
        if offline:
            assert self.offline is not None
            self.dashboard_dock.hide()
            # A contributor answers for their department's figures, not the rest.
            self.findings.show_department(self.offline.department)
            department = self.catalogue.departments[self.offline.department](self.lang)
            self.setWindowTitle(f"esgdesk — {self.offline.workbook.name} · {department} · "
                                f"{self.offline.year}")
        else:
            self.setWindowTitle("esgdesk")

    def open_request(self, path: Path | None = None) -> bool:
        """Open a collection workbook as forms, with no database (contributor)."""
        from esgdesk.exchange.offline import open_request

        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, self.tr("Open request workbook"), "",
                                                  self.tr("Excel workbooks (*.xlsx)"))
            if not name:
                return False
            path = Path(name)
        try:
            offline, store = open_request(path, self._request_folder())
            store.close()
            self.open_database(offline.database, offline.entity, offline.year,
                               offline=offline)
        except EsgdeskError as exc:
            QMessageBox.warning(self, "esgdesk", exc.message())
            return False
        department = self.catalogue.departments[offline.department]
        self.statusBar().showMessage(self.tr("Request for {department}: fill in the white "
                                             "cells, then Collection → Submit request")
                                     .replace("{department}", department(self.lang)), 10000)
        self.jump_to(next(i.id for i in self.catalogue.indicators.values()
                          if i.owner == offline.department and not i.derived))
        return True

    def _request_folder(self) -> Path | None:
        folder = self.settings.value("request_folder")
        return Path(str(folder)) if folder else None

    def submit_request(self, name: str | None = None, out: Path | None = None) -> Path | None:
        """Write the figures back into the request workbook, ready to send back."""
        from esgdesk.exchange.offline import submit_request

        if self.offline is None or self.store is None:
            return None
        if name is None:
            dialog = SubmitDialog(self.user(), self.offline.workbook, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            name = dialog.name.text()
            if dialog.copy.isChecked():
                chosen, _ = QFileDialog.getSaveFileName(
                    self, self.tr("Submit request"),
                    str(self.offline.workbook.with_stem(self.offline.workbook.stem + "-filled")),
                    self.tr("Excel workbooks (*.xlsx)"))
                if not chosen:
                    return None
                out = Path(chosen)
        try:
            written = submit_request(self.store, self.offline, name, out)
        except EsgdeskError as exc:
            QMessageBox.warning(self, "esgdesk", exc.message())
            return None
        self.statusBar().showMessage(self.tr("Saved into {file}; send it back to the "
                                             "coordinator").replace("{file}", str(written)),
                                     10000)
        return written

    def make_requests(self) -> list[Path]:
        if self.store is None or self.workspace is None:
            return []
        dialog = RequestsDialog(self.store, self.workspace.year, self.lang, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return []
        try:
            written = dialog.write(self.user())
        except EsgdeskError as exc:
            QMessageBox.warning(self, "esgdesk", exc.message())
            return []
        self.statusBar().showMessage(self.tr("{n} request workbooks written")
                                     .replace("{n}", str(len(written))), 8000)
        self._refresh_dashboard()
        return written

    def import_workbooks(self, paths: list[Path] | None = None, answer: bool | None = None,
                         ) -> int:
        """Preview returned workbooks, then write the files the coordinator accepts."""
        if self.store is None or self.offline is not None:
            return 0
        if paths is None:
            names, _ = QFileDialog.getOpenFileNames(self, self.tr("Import returned workbooks"),
                                                    "", self.tr("Excel workbooks (*.xlsx)"))
            paths = [Path(n) for n in names]
        if not paths:
            return 0
        dialog = ImportDialog(self.store, paths, self.lang, self)
        if answer is None and dialog.exec() != QDialog.DialogCode.Accepted:
            return 0

        def confirm(question: str) -> bool:
            if answer is not None:
                return answer
            reply = QMessageBox.question(self, "esgdesk", question)
            return reply == QMessageBox.StandardButton.Yes

        try:
            written = dialog.accept_ticked(self.user(), confirm)
        except EsgdeskError as exc:
            QMessageBox.warning(self, "esgdesk", exc.message())
            written = 0
        self._reload_figures()
        self.statusBar().showMessage(self.tr("{n} figures imported")
                                     .replace("{n}", str(written)), 8000)
        return written

    def _reload_figures(self) -> None:
        if self.workspace is not None:
            self.workspace.reload()
            self.validate()
        self._refresh_dashboard()

    def _refresh_dashboard(self) -> None:
        if self.dashboard_dock.isVisible() and self.workspace is not None:
            self.dashboard.show_year(self.store, self.workspace.year, self.lang, self.user())

    def dragEnterEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.offline is None and self.store is not None and any(
                u.toLocalFile().lower().endswith(".xlsx") for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls()
                 if u.toLocalFile().lower().endswith(".xlsx")]
        event.acceptProposedAction()
        QTimer.singleShot(0, lambda: self.import_workbooks(paths))

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self._backup_if_changed()
        self._cancel_validation()
        for process in list(self._checkers):  # a file check still running is not needed now
            process.finished.disconnect()
            process.kill()
            process.waitForFinished(3000)
        self._checkers.clear()
        if self.store is not None:
            self.store.close()
        super().closeEvent(event)

