"""The main window: lays out navigation, forms, details, findings and the collection dock,
builds the menus, and wires them to the session. The work is done by the session
(esgdesk.application.session); every change reaches the panes through one `changed`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from esgdesk.application.session import Changes, Session
from esgdesk.errors import DatabaseDamaged
from esgdesk.model.layout import FigureRef
from ui.banner import WarningBanner
from ui.catalogue_actions import CatalogueActions
from ui.chapter_form import ChapterForm
from ui.collection_actions import CollectionActions
from ui.database_actions import DatabaseActions
from ui.editing import Editor
from ui.i18n import install_translator, tr, user_caption
from ui.live import LiveUpdates
from ui.menus import build_menus, retranslate_menus
from ui.navigation import NavigationTree
from ui.operations import SessionOps
from ui.panes import build_docks, build_status, first_run_sizes
from ui.resume import PlaceMemory
from ui.scope_bar import ScopeBar
from ui.shortcuts import Keyboard
from ui.status_bar import ElidingStatusBar
from ui.validation_runner import ValidationRunner

if TYPE_CHECKING:
    from esgdesk.model.catalogue import Catalogue
    from esgdesk.rules.workspace import Workspace
    from esgdesk.storage.store import Store


class MainWindow(QMainWindow):
    file_checked = Signal(object)  # FileCheck of a database just opened

    def __init__(self, settings: QSettings | None = None, lang: str | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.lang = lang or str(self.settings.value("lang", "zh"))
        install_translator(self.lang)
        self.session = Session(user_name=str(self.settings.value("profile/name", "")),
                               defer_tree=True)
        self.ops = SessionOps(self.session, self)
        self.ops.lang = self.lang
        self.forms: dict[str, ChapterForm] = {}
        self.files = DatabaseActions(self)
        self.live = LiveUpdates(self)
        self.editor = Editor(self)
        self.collection = CollectionActions(self)
        self.catalogue_actions = CatalogueActions(self)
        self._forms_edition = ""  # the content hash of the edition the forms were built from
        self.validation = ValidationRunner(self)
        self.keyboard = Keyboard(self)
        self.undo_stack = self.editor.undo_stack
        self.file_checked.connect(self.files.file_checked)
        self.setWindowTitle("esgdesk")
        self._build_toolbar()
        self._build_centre()
        build_menus(self)
        self.keyboard.build_menu()
        self.setStatusBar(ElidingStatusBar(self))  # messages fit; whole on hover
        build_status(self)
        self.saved_at: str | None = None  # when the last change was saved, this session
        self.place = PlaceMemory(self)
        self.ops.changed.connect(self._changed)
        self.retranslate()
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            self.restoreState(self.settings.value("window/state"))
        else:  # once the window has its size
            QTimer.singleShot(0, self, lambda: first_run_sizes(self))

    # -- what the window shows ----------------------------------------------------------
    @property
    def catalogue(self) -> Catalogue:
        return self.session.catalogue

    @property
    def store(self) -> Store | None:
        return self.session.store

    @property
    def workspace(self) -> Workspace | None:
        return self.session.workspace

    def user(self) -> str:
        return self.session.user

    # -- construction -----------------------------------------------------------------
    def _build_toolbar(self) -> None:
        self.scope = ScopeBar(self.session, self.settings.value("mine_first", False, type=bool))
        self.addToolBar(self.scope)
        self.entity_picker, self.year_picker = self.scope.entity_picker, self.scope.year_picker
        self.mine_only = self.scope.mine_only
        self.scope.scope_chosen.connect(lambda entity, year: self.ops.run(
            lambda: self.session.select(entity, year)))
        self.scope.mine_toggled.connect(self._mine_toggled)

    def _build_centre(self) -> None:
        self.navigation = NavigationTree(None)  # the year's edition, once a database is open
        self.navigation.chosen.connect(self.keyboard.open_chapter)
        self.pages = QStackedWidget()
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.placeholder)
        splitter = QSplitter()
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([190, 800])
        self.banner = WarningBanner()
        centre = QWidget()
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner)
        column.addWidget(splitter, 1)
        self.setCentralWidget(centre)
        build_docks(self)
        self.setAcceptDrops(True)

    def action(self, menu, shortcut, slot) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def retranslate(self) -> None:
        """Every interface text in the chosen language (no restart needed)."""
        self.validating_label.setText(self.tr("Validating…"))
        self.placeholder.setText(self.tr("Open a database: File → Open, or File → Open sample"))
        retranslate_menus(self)
        self.keyboard.retranslate()
        self._show_saved()
        self.dashboard_dock.setWindowTitle(self.tr("Collection status"))
        self.dashboard.retranslate()
        self.collection.update_modes()
        self.detail_dock.setWindowTitle(self.tr("Details"))
        self.findings_dock.setWindowTitle(self.tr("Findings"))
        self.findings.retranslate(self.lang)
        self.findings.set_entity_names({entity.code: entity.name(self.lang)
                                        for entity, _depth in self.session.entities()})
        self.detail.lang = self.lang
        self.detail.retranslate()
        self._show_user()
        self._fill_navigation()
        self.scope.retranslate(self.lang)

    # -- the one place changes arrive ---------------------------------------------------
    def _changed(self, changes: Changes) -> None:
        """Every pane redraws what a change touched."""
        workspace = self.workspace
        if changes.database:
            return  # database_opened shows it whole
        if changes.scope:
            self._show_scope()
            self.scope.pick(self.workspace.entity, self.workspace.year)
            form = self.current_form()  # the details follow the cell to the new scope
            self.detail.show_figure(form.current_figure() if form is not None else None,
                                    workspace)
        elif changes.figures or changes.reloaded or changes.findings or changes.notes:
            for form in self.forms.values():
                form.refresh()
            self.navigation.update_badges(workspace)
        if changes.findings or changes.scope:
            self.findings.show_findings(self.session.findings())
        if changes.saved:
            self.saved_at = datetime.now().strftime("%H:%M:%S")
            self._show_saved()
        if changes.touches(self.detail.ref) and not changes.scope:
            self.detail.show_figure(self.detail.ref, workspace)
        if (changes.requests or changes.reloaded or changes.scope) \
                and self.dashboard_dock.isVisible():
            self.dashboard.refresh()

    def _show_saved(self) -> None:
        if self.store is None:
            self.saved_label.setText("")
        elif self.saved_at is None:
            self.saved_label.setText(self.tr("All changes are saved"))
        else:
            self.saved_label.setText(self.tr("Saved {time}").format(time=self.saved_at))

    # -- database -----------------------------------------------------------------------
    def open_database(self, path: Path, entity: str | None = None, year: int | None = None,
                      chapter: str | None = None) -> None:
        """Open a database at an entity, year and chapter; on failure nothing changes. A
        file too damaged to open offers its latest backup in its place."""
        try:
            self.session.open(path, entity, year)
        except DatabaseDamaged as exc:
            if not self.files.restore_unopenable(path, exc):
                raise
        self.database_opened(chapter)

    def database_opened(self, chapter: str | None) -> None:
        """The session opened a database (or a request offline): show it."""
        store, offline = self.session.store, self.session.offline
        assert store is not None and self.workspace is not None
        self._follow_edition(self.workspace.catalogue)  # before the panes read it
        self.undo_stack.clear()
        self.database_label.setText(str(offline.workbook) if offline else self._where(store))
        if offline is None:
            self.files.remember(store.path)
        self.collection.update_modes()
        self.scope.fill_entities(self.lang)
        self.scope.fill_years()
        self.findings.set_entity_names({entity.code: entity.name(self.lang)
                                        for entity, _depth in self.session.entities()},
                                       new_database=True)
        self._show_scope(chapter or self.catalogue.chapters[0].id)
        self.saved_at = None
        self._show_saved()
        self.banner.clear_warnings()
        self.banner.warn("location", self.session.location_warning())
        self.database_label.setToolTip(self.session.engine_facts())
        self.files.stop_checks()  # the database shown before needs none now
        if not store.server:  # the server keeps its own pages sound
            self.files.check_in_background(store.path)
        self.live.follow()

    def _where(self, store: Store) -> str:
        """The open database as the status bar names it; on a server, with the user's role."""
        if not store.server:
            return str(store.path)
        role, departments = store.server_role()
        words = {"coordinator": tr("coordinator"), "contributor": tr("contributor"),
                 "reader": tr("reader")}
        named = words.get(role, role) + (f" ({', '.join(departments)})" if departments else "")
        return f"{store.shown} · {named}"

    def check_file(self, restore: bool | None = None) -> bool:
        return self.files.check_file(restore)

    def check_audit(self) -> bool:
        return self.files.check_audit()

    def export_report(self, path: Path | None = None, by_entity: bool = False,
                      per_child: bool = False) -> Path | None:
        return self.files.export_report(path, by_entity, per_child)

    # -- scope: entity and year -----------------------------------------------------------
    def select(self, entity: str | None = None, year: int | None = None) -> None:
        """Show an entity and reporting year."""
        self.scope.pick(entity, year)
        chosen_entity, chosen_year = self.scope.chosen()
        if self.store is not None and chosen_entity is not None:
            self.ops.run(lambda: self.session.select(chosen_entity, chosen_year))

    def _show_scope(self, chapter: str | None = None) -> None:
        """Forms take the new entity or year (those out of sight when shown)."""
        workspace = self.workspace
        assert workspace is not None
        self._follow_edition(workspace.catalogue)
        shown = self.pages.currentWidget()
        for form in self.forms.values():
            form.set_workspace(workspace, defer=form is not shown)
        self.undo_stack.clear()
        self._fill_navigation()  # titles naming the year follow it; badges for the scope
        self.findings.show_findings([])
        self.validation.start()  # later edits re-validate incrementally
        if chapter is not None:
            self.show_chapter(chapter)
        elif self.pages.currentWidget() is self.placeholder:
            self.show_chapter(self.catalogue.chapters[0].id)

    def _follow_edition(self, catalogue: Catalogue) -> None:
        """Another edition (another year's, or this year's edited): forms are built anew
        from it, navigation and findings read it."""
        if catalogue.content_hash == self._forms_edition:
            return
        self._forms_edition = catalogue.content_hash
        self.navigation.catalogue = catalogue
        self.findings.catalogue = catalogue
        self.findings.retranslate(self.lang)  # the edition's departments
        self.keyboard.retranslate()  # Ctrl+1…: the edition's chapters
        self._show_user()
        for form in self.forms.values():
            self.pages.removeWidget(form)
            form.deleteLater()
        self.forms.clear()
        self.pages.setCurrentWidget(self.placeholder)

    # -- navigation ---------------------------------------------------------------------
    def _department(self) -> str:
        """The user's department (Edit → Profile), "" when none is set."""
        return str(self.settings.value("profile/department", "") or "")

    def _fill_navigation(self) -> None:
        self.navigation.fill(self.lang, self._department(),
                             self.mine_only.isChecked(), self.workspace)

    def _mine_toggled(self, checked: bool) -> None:
        self.settings.setValue("mine_first", checked)
        if checked and not self.settings.value("profile/department"):
            self.edit_profile()
        self._fill_navigation()

    def show_chapter(self, chapter_id: str) -> ChapterForm | None:
        """Show a chapter's form (built on first visit, kept afterwards); the details
        follow its current cell."""
        form = self._form(chapter_id)
        if form is not None:
            form.catch_up()
            self.pages.setCurrentWidget(form)
            self.detail.show_figure(form.current_figure(), self.workspace)
        return form

    def _form(self, chapter_id: str) -> ChapterForm | None:
        if self.workspace is None:
            return None
        form = self.forms.get(chapter_id)
        if form is None:
            form = ChapterForm(self.catalogue.chapter(chapter_id), self.workspace, self.lang)
            form.edit_requested.connect(self.editor.commit_edit)
            form.figure_selected.connect(lambda ref: self.detail.show_figure(ref,
                                                                             self.workspace))
            form.figure_selected.connect(lambda _ref: self.place.remember())
            form.refused.connect(lambda reason: self.statusBar().showMessage(reason, 6000))
            form.reached_end.connect(lambda: self.statusBar().showMessage(self.tr(
                "That was the chapter's last figure: F8 finds the next empty or flagged "
                "cell, Ctrl+1…6 opens another chapter"), 8000))
            form.set_department(self._department())
            self.forms[chapter_id] = form
            self.pages.addWidget(form)
            form.chain_tabs(self.navigation, self.detail)
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

    def find_indicator(self) -> None:
        from ui.dialogs import FindDialog

        form = self.current_form()
        dialog = FindDialog(self.catalogue, self.lang, self,
                            chapter=form.chapter.id if form is not None else None,
                            year=self.workspace.year if self.workspace is not None else None)
        if dialog.exec() == FindDialog.DialogCode.Accepted and dialog.chosen():
            self.jump_to(str(dialog.chosen()))

    # -- validation ---------------------------------------------------------------------
    def validate(self) -> None:
        """Run the validator for the entity and year now, and show its findings."""
        if self.workspace is not None:
            self.validation.cancel()
            self.ops.run(self.session.validate_now)

    def validation_running(self) -> bool:
        return self.validation.running()

    # -- editing ------------------------------------------------------------------------
    def commit_edit(self, ref: FigureRef, text: str | None) -> None:
        self.editor.commit_edit(ref, text)

    def restate_figure(self, answer: tuple[str, str, str] | None = None) -> bool:
        return self.editor.restate(self.detail.ref, answer)

    # -- profile and language -------------------------------------------------------------
    def edit_profile(self) -> None:
        from ui.dialogs import edit_profile

        if edit_profile(self):
            self.session.user_name = str(self.settings.value("profile/name", ""))
            self._show_user()
            self._fill_navigation()
            for form in self.forms.values():
                form.set_department(self._department())

    def _show_user(self) -> None:
        catalogue = self.catalogue if self.workspace is not None else None
        self.user_label.setText(user_caption(catalogue, self.settings, self.user(), self.lang))

    def set_language(self, lang: str) -> None:
        self.lang = self.ops.lang = lang
        self.settings.setValue("lang", lang)
        install_translator(lang)
        self.retranslate()
        for form in self.forms.values():
            form.set_language(lang)

    # -- collection -----------------------------------------------------------------------
    def import_workbooks(self, paths: list[Path] | None = None, answer: bool | None = None,
                         ) -> int:
        return self.collection.import_workbooks(paths, answer)

    def dragEnterEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.session.offline is None and self.store is not None and any(
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
        self.validation.cancel()
        self.files.close()
        self.files.stop_checks()
        super().closeEvent(event)

