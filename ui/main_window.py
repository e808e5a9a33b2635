"""The main window: lays out navigation, forms, details, findings and the collection dock,
builds the menus, and wires them to the session. The work is done by the session
(esgdesk.application.session); every change reaches the panes through one `changed`, to
which each pane subscribes itself and redraws what the change touched."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

from esgdesk.application.session import SCOPE, Changes, Session
from esgdesk.model.layout import FigureRef
from ui.banner import WarningBanner
from ui.catalogue_actions import CatalogueActions
from ui.chapter_form import ChapterForm
from ui.collection_actions import CollectionActions
from ui.database_actions import DatabaseActions
from ui.detail_pane import DetailPane
from ui.editing import Editor
from ui.findings_panel import FindingsPanel
from ui.first_paint import after_first_paint
from ui.form_pages import FormPages
from ui.i18n import install_translator
from ui.live import LiveUpdates
from ui.menus import Menus
from ui.navigation import NavigationTree
from ui.operations import SessionOps
from ui.panes import StatusLabels, dock, first_run_sizes
from ui.resume import PlaceMemory
from ui.scope_bar import ScopeBar
from ui.shortcuts import Keyboard
from ui.status_bar import ElidingStatusBar
from ui.validation_runner import ValidationRunner

if TYPE_CHECKING:
    from esgdesk.application.databases import Location
    from esgdesk.application.session import Store
    from esgdesk.model.catalogue import Catalogue
    from esgdesk.rules.workspace import Workspace
    from ui.dashboard import DashboardPanel

OPENED = SCOPE | Changes(database=True)  # a database (or a request offline) opened


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, lang: str | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.lang = lang or str(self.settings.value("lang", "zh"))
        install_translator(self.lang)
        self.session = Session(user_name=str(self.settings.value("profile/name", "")),
                               defer_tree=True)
        self.ops = SessionOps(self.session, self)
        self.ops.lang = self.lang
        self.setWindowTitle("esgdesk")
        self.setStatusBar(ElidingStatusBar(self))  # messages fit; whole on hover
        status = self.statusBar()
        self._build_panes()
        self.status = StatusLabels(self.ops, self.settings, status)
        self.validation = ValidationRunner(self.ops, self.status.validating, status, self)
        self.files = DatabaseActions(self.ops, self.settings, self.banner, status,
                                     self.database_opened, self)
        self.live = LiveUpdates(self.ops, self.banner, status, self)
        self.editor = Editor(self.ops, self.pages, self.validation, status, self.jump_to, self)
        self.undo_stack = self.editor.undo_stack
        self.collection = CollectionActions(self.ops, self.settings, status,
                                            self.database_opened, self.jump_to, self)
        self.catalogue_actions = CatalogueActions(self.ops, self.settings, status, self)
        self.keyboard = Keyboard(self.ops, self.scope,
                                 (self.navigation, self.pages, self.detail, self.findings),
                                 (self.detail_dock, self.findings_dock), status,
                                 lambda year: self.select(year=year), self)
        self.place = PlaceMemory(self.ops, self.settings, self.pages, self.findings,
                                 self.open_database, self)
        self._wire()
        self.menus = Menus(self.ops, self.menuBar(), self.files, self.collection,
                           self.catalogue_actions, self.editor, self.dashboard_dock, {
                               "export": self.export_report, "quit": self.close,
                               "import": self.import_workbooks, "find": self.find_indicator,
                               "restate": self.restate_figure, "profile": self.edit_profile},
                           self.set_language, self.setWindowTitle)
        self.keyboard.build_menu(self.menuBar())
        self.retranslate()
        after_first_paint(self.menus.fill)  # the first paint shows only the menus' titles
        after_first_paint(self.keyboard.fill)
        after_first_paint(self._make_dashboard)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            self.restoreState(self.settings.value("window/state"))
        else:  # once the window has its size
            QTimer.singleShot(0, self, lambda: first_run_sizes(self, self.detail_dock,
                                                               self.findings_dock))

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
    def _build_panes(self) -> None:
        """The scope bar, the tree, the forms and the docks; each subscribes to `changed`,
        the forms first (the details show their current cell)."""
        self.scope = ScopeBar(self.ops, self.settings.value("mine_first", False, type=bool))
        self.addToolBar(self.scope)
        self.entity_picker, self.year_picker = self.scope.entity_picker, self.scope.year_picker
        self.mine_only = self.scope.mine_only
        self.pages = FormPages(self.ops, self._department)
        self.navigation = NavigationTree(self.ops, self._department, self.mine_only.isChecked)
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
        right, bottom = Qt.DockWidgetArea.RightDockWidgetArea, \
            Qt.DockWidgetArea.BottomDockWidgetArea
        self.detail = DetailPane(self.ops)
        self.detail_dock = dock(self, self.detail, "detail-dock", right)
        self.findings = FindingsPanel(None, ops=self.ops)  # the year's edition, once open
        self.findings_dock = dock(self, self.findings, "findings-dock", bottom)
        # Behind the findings' tab: its panel is made when first needed (`dashboard`).
        self._dashboard: DashboardPanel | None = None
        self.dashboard_dock = dock(self, QWidget(), "dashboard-dock", bottom)
        self.tabifyDockWidget(self.findings_dock, self.dashboard_dock)
        self.findings_dock.raise_()
        self.setAcceptDrops(True)

    @property
    def dashboard(self) -> DashboardPanel:
        """The collection status panel, made when first needed: at start-up just after the
        first paint (which shows its dock's tab only), or when its dock is shown first."""
        self._make_dashboard()
        assert self._dashboard is not None
        return self._dashboard

    def _make_dashboard(self) -> None:
        if self._dashboard is not None:
            return
        from ui.dashboard import DashboardPanel

        panel = DashboardPanel(self.ops)
        if self.store is not None and self.session.offline is None:
            panel.show_role()  # as it would on the database's opening
        placeholder = self.dashboard_dock.widget()
        self.dashboard_dock.setWidget(panel)
        placeholder.deleteLater()
        self._dashboard = panel

    def _wire(self) -> None:
        """What one part asks of another, beyond the changes they all hear."""
        self.scope.scope_chosen.connect(lambda entity, year: self.ops.run(
            lambda: self.session.select(entity, year)))
        self.scope.mine_toggled.connect(self._mine_toggled)
        self.navigation.chosen.connect(self.keyboard.open_chapter)
        pages = self.pages
        pages.chain_tabs(self.navigation, self.detail)
        pages.figure_shown.connect(self.detail.show_current)
        pages.edit_requested.connect(self.editor.commit_edit)
        pages.refused.connect(lambda reason: self.statusBar().showMessage(reason, 6000))
        pages.reached_end.connect(lambda: self.statusBar().showMessage(self.tr(
            "That was the chapter's last figure: F8 finds the next empty or flagged "
            "cell, Ctrl+1…6 opens another chapter"), 8000))
        self.detail.note_saved.connect(self.editor.save_note)
        self.findings.finding_chosen.connect(
            lambda finding: self.jump_to(finding.indicators[0], finding.entity))
        self.dashboard_dock.visibilityChanged.connect(
            lambda visible: visible and self.dashboard.refresh())

    def retranslate(self) -> None:
        """Every interface text in the chosen language (no restart needed)."""
        self.pages.retranslate()
        self.menus.retranslate()
        self.keyboard.retranslate()
        self.status.retranslate()
        self.dashboard_dock.setWindowTitle(self.tr("Collection status"))
        if self._dashboard is not None:
            self._dashboard.retranslate()
        self.detail_dock.setWindowTitle(self.tr("Details"))
        self.findings_dock.setWindowTitle(self.tr("Findings"))
        self.findings.retranslate(self.lang)
        self.findings.set_entity_names(self.findings.entity_names())
        self.detail.lang = self.lang
        self.detail.retranslate()
        self.navigation.refill()
        self.scope.retranslate(self.lang)

    # -- database -----------------------------------------------------------------------
    def open_database(self, path: Location, entity: str | None = None,
                      year: int | None = None, chapter: str | None = None) -> None:
        """Open a database at an entity, year and chapter; on failure nothing changes. A
        file too damaged to open offers its latest backup in its place."""
        self.files.open_database(path, entity, year, chapter)

    def open_where_left(self, path: Location, entity: str | None = None,
                        year: int | None = None, chapter: str | None = None) -> None:
        """Open a database where the user left it, unless told otherwise."""
        self.place.open_where_left(path, entity, year, chapter)

    def database_opened(self, chapter: str | None) -> None:
        """The session opened a database (or a request offline): every pane shows it, then
        the chapter asked for (else the first)."""
        self.ops.announce(OPENED)
        self.show_chapter(chapter or self.catalogue.chapters[0].id)

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

    # -- navigation ---------------------------------------------------------------------
    def _department(self) -> str:
        """The user's department (Edit → Profile), "" when none is set."""
        return str(self.settings.value("profile/department", "") or "")

    def _mine_toggled(self, checked: bool) -> None:
        self.settings.setValue("mine_first", checked)
        if checked and not self.settings.value("profile/department"):
            self.edit_profile()
        self.navigation.refill()

    def show_chapter(self, chapter_id: str) -> ChapterForm | None:
        """Show a chapter's form (built on first visit, kept afterwards); the details
        follow its current cell."""
        return self.pages.show_chapter(chapter_id)

    def prebuild_forms(self) -> None:
        """Build the other chapters' forms while the user reads, one per event-loop turn."""
        self.pages.prebuild()

    def current_form(self) -> ChapterForm | None:
        return self.pages.current_form()

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

        if edit_profile(self.settings, self.catalogue, self.lang, self):
            self.session.user_name = str(self.settings.value("profile/name", ""))
            self.status.show_user()
            self.navigation.refill()
            self.pages.set_department(self._department())

    def set_language(self, lang: str) -> None:
        self.lang = self.ops.lang = lang
        self.settings.setValue("lang", lang)
        install_translator(lang)
        self.retranslate()
        self.pages.set_language(lang)

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
