"""The main window's menus: built once, named in the interface language on every switch; what
the open database and the user's role allow is enabled, the rest says which role may."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget, QMenu, QMenuBar, QWidget
from shiboken6 import isValid

from esgdesk.application.session import Changes
from ui.i18n import tr
from ui.operations import SessionOps

if TYPE_CHECKING:  # actions and keys are made after the first paint (see `Menus.fill`)
    from PySide6.QtGui import QAction, QKeySequence

    from ui.catalogue_actions import CatalogueActions
    from ui.collection_actions import CollectionActions
    from ui.database_actions import DatabaseActions
    from ui.editing import Editor

Slot = Callable[[], object]


def add_action(menu: QMenu, shortcut: QKeySequence | QKeySequence.StandardKey | None,
               slot: Slot) -> QAction:
    """An item of `menu` that calls `slot` (its shortcut works anywhere in the window)."""
    from PySide6.QtGui import QAction

    action = QAction(menu)
    if shortcut is not None:
        action.setShortcut(shortcut)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


class Menus(QObject):
    """File, Collection, Catalogue, Edit, View and Help. The window's own commands come as
    `commands`: export, quit, import, find, restate, profile, and `language(lang)`.

    The menu bar's titles are there at once; the menus' items are made by `fill` (at
    start-up, just after the window's first paint, which shows only the titles)."""

    def __init__(self, ops: SessionOps, bar: QMenuBar, files: DatabaseActions,
                 collection: CollectionActions, catalogue: CatalogueActions, editor: Editor,
                 dashboard_dock: QDockWidget, commands: dict[str, Slot],
                 language: Callable[[str], None], set_title: Callable[[str], None]) -> None:
        super().__init__(bar)
        self.ops, self.session, self.editor = ops, ops.session, editor
        self.dashboard_dock, self.set_title = dashboard_dock, set_title
        self.filled = False
        self.file_menu = bar.addMenu("")
        self.collection_menu = bar.addMenu("")
        self.catalogue_menu = bar.addMenu("")
        self.edit_menu = bar.addMenu("")
        self.view_menu = bar.addMenu("")
        self.help_menu = bar.addMenu("")
        self._sources = bar, files, collection, catalogue, commands, language
        ops.changed.connect(self._changed)

    def fill(self) -> None:
        """Make the menus' items, named in the interface language (once)."""
        if self.filled:
            return
        self._add_items(*self._sources)
        self.filled = True
        self.retranslate()

    def _add_items(self, bar: QMenuBar, files: DatabaseActions, collection: CollectionActions,
                   catalogue: CatalogueActions, commands: dict[str, Slot],
                   language: Callable[[str], None]) -> None:
        from PySide6.QtGui import QKeySequence

        editor, dashboard_dock = self.editor, self.dashboard_dock
        act = add_action
        self.new_action = act(self.file_menu, QKeySequence.StandardKey.New, files.new_database)
        self.open_action = act(self.file_menu, QKeySequence.StandardKey.Open, files.choose)
        self.connect_action = act(self.file_menu, None, files.connect_server)
        self.sample_action = act(self.file_menu, None, files.open_sample)
        self.recent_menu = files.recent_menu
        self.file_menu.addMenu(self.recent_menu)
        self.file_menu.addSeparator()
        self.export_action = act(self.file_menu, QKeySequence("Ctrl+E"), commands["export"])
        self.file_menu.addSeparator()
        self.quit_action = act(self.file_menu, QKeySequence.StandardKey.Quit, commands["quit"])
        self.open_request_action = act(self.collection_menu, None, collection.open_request)
        self.submit_action = act(self.collection_menu, None, collection.submit_request)
        self.collection_menu.addSeparator()
        self.requests_action = act(self.collection_menu, None, collection.make_requests)
        self.import_action = act(self.collection_menu, QKeySequence("Ctrl+I"),
                                 commands["import"])
        self.status_action = dashboard_dock.toggleViewAction()
        self.collection_menu.addAction(self.status_action)
        self.catalogue_export_action = act(self.catalogue_menu, None,
                                           catalogue.export_for_editing)
        self.catalogue_import_action = act(self.catalogue_menu, None, catalogue.import_edited)
        self.add_block_action = act(self.catalogue_menu, None, catalogue.add_block)
        self.catalogue_menu.addSeparator()
        self.open_year_action = act(self.catalogue_menu, None, catalogue.open_next_year)
        self.coverage_action = act(self.catalogue_menu, None, catalogue.show_coverage)
        self.structure_action = act(self.catalogue_menu, None, catalogue.show_structure)
        stack = editor.undo_stack
        self.undo_action = act(self.edit_menu, QKeySequence.StandardKey.Undo, stack.undo)
        self.redo_action = act(self.edit_menu, QKeySequence("Ctrl+Shift+Z"), stack.redo)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        stack.indexChanged.connect(lambda _index: self.name_undo())
        stack.cleanChanged.connect(lambda _clean: self.name_undo())
        self.edit_menu.addSeparator()
        self.find_action = act(self.edit_menu, QKeySequence.StandardKey.Find, commands["find"])
        self.restate_action = act(self.edit_menu, None, commands["restate"])
        self.profile_action = act(self.edit_menu, None, commands["profile"])
        self.zh_action = act(self.view_menu, None, lambda: language("zh"))
        self.en_action = act(self.view_menu, None, lambda: language("en"))
        self.about_action = act(self.help_menu, None,
                                lambda: show_about(bar.window(), self.ops.lang))
        files.fill_recent()
        for menu in (self.collection_menu, self.catalogue_menu, self.edit_menu):
            menu.setToolTipsVisible(True)  # a disabled action says which role may take it

    def _changed(self, changes: Changes) -> None:
        if changes.database:
            self.show_modes()

    def show_modes(self) -> None:
        """A request opened offline can be submitted; a database can send and import. (The
        window's title and the collection status follow before the items are made.)"""
        offline, store = self.session.offline, self.session.store
        if self.filled:
            self.submit_action.setEnabled(offline is not None)
            for action in (self.requests_action, self.import_action, self.export_action):
                action.setEnabled(store is not None and offline is None)
            self.status_action.setEnabled(offline is None)
            if offline is None and store is not None:
                self.show_role()
        if offline is None:
            self.set_title("esgdesk")
            return
        self.dashboard_dock.hide()
        department = self.session.catalogue.departments[offline.department](self.ops.lang)
        self.set_title(f"esgdesk — {offline.workbook.name} · {department} · {offline.year}")

    def show_role(self) -> None:
        """Only what the user's role may do is offered: the rest is disabled, its tooltip
        naming the role that may (the session says which)."""
        for action, name in ((self.requests_action, "make_requests"),
                             (self.import_action, "import_returned"),
                             (self.catalogue_import_action, "import_catalogue"),
                             (self.add_block_action, "import_catalogue"),
                             (self.open_year_action, "open_year"),
                             (self.restate_action, "restate")):
            allowed = self.session.may(name)
            action.setEnabled(allowed and action.isEnabled())
            action.setToolTip("" if allowed else self.session.who_may(name, self.ops.lang))

    def retranslate(self) -> None:
        self.file_menu.setTitle(tr("&File"))
        self.collection_menu.setTitle(tr("&Collection"))
        self.catalogue_menu.setTitle(tr("Ca&talogue"))
        self.edit_menu.setTitle(tr("&Edit"))
        self.view_menu.setTitle(tr("&View"))
        self.help_menu.setTitle(tr("&Help"))
        if self.filled:
            self._name_items()
        self.show_modes()

    def _name_items(self) -> None:
        self.new_action.setText(tr("&New database…"))
        self.open_action.setText(tr("&Open…"))
        self.connect_action.setText(tr("Connect to &server…"))
        self.sample_action.setText(tr("Open &sample"))
        self.recent_menu.setTitle(tr("Recent files"))
        self.export_action.setText(tr("&Export report workbook…"))
        self.quit_action.setText(tr("&Quit"))
        self.open_request_action.setText(tr("Open &request workbook…"))
        self.submit_action.setText(tr("&Submit request…"))
        self.requests_action.setText(tr("&Make data requests…"))
        self.import_action.setText(tr("&Import returned workbooks…"))
        self.catalogue_export_action.setText(tr("&Export catalogue for editing…"))
        self.catalogue_import_action.setText(tr("&Import edited catalogue…"))
        self.add_block_action.setText(tr("&Add from a template…"))
        self.open_year_action.setText(tr("&Open the next reporting year"))
        self.coverage_action.setText(tr("Framework &coverage…"))
        self.structure_action.setText(tr("&Group structure…"))
        self.name_undo()
        self.find_action.setText(tr("&Find indicator…"))
        self.restate_action.setText(tr("&Restate published figure…"))
        self.profile_action.setText(tr("&Profile…"))
        self.about_action.setText(tr("&About esgdesk"))
        self.zh_action.setText("中文")
        self.en_action.setText("English")

    def name_undo(self) -> None:
        """Undo and redo say what they would change, in the interface language."""
        stack = self.editor.undo_stack
        if not isValid(stack) or not isValid(self.undo_action):  # as the window goes
            return
        undo, redo = self.editor.undo_texts()
        self.undo_action.setText(undo)
        self.redo_action.setText(redo)
        self.undo_action.setEnabled(stack.canUndo())
        self.redo_action.setEnabled(stack.canRedo())


def show_about(parent: QWidget, lang: str) -> None:
    """Help → About: the versions esgdesk runs on, as `esgdesk --version` prints them."""
    from PySide6.QtWidgets import QMessageBox

    from esgdesk.application.version import about_text

    QMessageBox.about(parent, tr("About esgdesk"), about_text(lang))
