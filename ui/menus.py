"""The main window's menus: built once, named in the interface language on every switch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from shiboken6 import isValid

from ui.i18n import tr

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def build_menus(window: MainWindow) -> None:
    bar = window.menuBar()
    act = window.action
    window.file_menu = bar.addMenu("")
    window.new_action = act(window.file_menu, QKeySequence.StandardKey.New,
                            window.files.new_database)
    window.open_action = act(window.file_menu, QKeySequence.StandardKey.Open,
                             window.files.choose)
    window.connect_action = act(window.file_menu, None, window.files.connect_server)
    window.sample_action = act(window.file_menu, None, window.files.open_sample)
    window.recent_menu = window.file_menu.addMenu("")
    window.file_menu.addSeparator()
    window.export_action = act(window.file_menu, QKeySequence("Ctrl+E"), window.export_report)
    window.file_menu.addSeparator()
    window.quit_action = act(window.file_menu, QKeySequence.StandardKey.Quit, window.close)
    window.collection_menu = bar.addMenu("")
    window.open_request_action = act(window.collection_menu, None, window.collection.open_request)
    window.submit_action = act(window.collection_menu, None, window.collection.submit_request)
    window.collection_menu.addSeparator()
    window.requests_action = act(window.collection_menu, None,
                                 window.collection.make_requests)
    window.import_action = act(window.collection_menu, QKeySequence("Ctrl+I"),
                               window.import_workbooks)
    window.status_action = window.dashboard_dock.toggleViewAction()
    window.collection_menu.addAction(window.status_action)
    window.catalogue_menu = bar.addMenu("")
    catalogue = window.catalogue_actions
    window.catalogue_export_action = act(window.catalogue_menu, None,
                                         catalogue.export_for_editing)
    window.catalogue_import_action = act(window.catalogue_menu, None, catalogue.import_edited)
    window.catalogue_menu.addSeparator()
    window.open_year_action = act(window.catalogue_menu, None, catalogue.open_next_year)
    window.coverage_action = act(window.catalogue_menu, None, catalogue.show_coverage)
    window.edit_menu = bar.addMenu("")
    stack = window.undo_stack
    window.undo_action = act(window.edit_menu, QKeySequence.StandardKey.Undo, stack.undo)
    window.redo_action = act(window.edit_menu, QKeySequence("Ctrl+Shift+Z"), stack.redo)
    window.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    stack.indexChanged.connect(lambda _index: name_undo(window))
    stack.cleanChanged.connect(lambda _clean: name_undo(window))
    window.edit_menu.addSeparator()
    window.find_action = act(window.edit_menu, QKeySequence.StandardKey.Find,
                             window.find_indicator)
    window.restate_action = act(window.edit_menu, None, window.restate_figure)
    window.profile_action = act(window.edit_menu, None, window.edit_profile)
    window.view_menu = bar.addMenu("")
    window.zh_action = act(window.view_menu, None, lambda: window.set_language("zh"))
    window.en_action = act(window.view_menu, None, lambda: window.set_language("en"))
    window.help_menu = bar.addMenu("")
    window.about_action = act(window.help_menu, None, lambda: show_about(window))
    window.files.fill_recent()
    for menu in (window.collection_menu, window.catalogue_menu, window.edit_menu):
        menu.setToolTipsVisible(True)  # a disabled action says which role may take it


def retranslate_menus(window: MainWindow) -> None:
    window.file_menu.setTitle(tr("&File"))
    window.new_action.setText(tr("&New database…"))
    window.open_action.setText(tr("&Open…"))
    window.connect_action.setText(tr("Connect to &server…"))
    window.sample_action.setText(tr("Open &sample"))
    window.recent_menu.setTitle(tr("Recent files"))
    window.export_action.setText(tr("&Export report workbook…"))
    window.quit_action.setText(tr("&Quit"))
    window.collection_menu.setTitle(tr("&Collection"))
    window.open_request_action.setText(tr("Open &request workbook…"))
    window.submit_action.setText(tr("&Submit request…"))
    window.requests_action.setText(tr("&Make data requests…"))
    window.import_action.setText(tr("&Import returned workbooks…"))
    window.catalogue_menu.setTitle(tr("Ca&talogue"))
    window.catalogue_export_action.setText(tr("&Export catalogue for editing…"))
    window.catalogue_import_action.setText(tr("&Import edited catalogue…"))
    window.open_year_action.setText(tr("&Open the next reporting year"))
    window.coverage_action.setText(tr("Framework &coverage…"))
    window.edit_menu.setTitle(tr("&Edit"))
    name_undo(window)
    window.find_action.setText(tr("&Find indicator…"))
    window.restate_action.setText(tr("&Restate published figure…"))
    window.profile_action.setText(tr("&Profile…"))
    window.view_menu.setTitle(tr("&View"))
    window.help_menu.setTitle(tr("&Help"))
    window.about_action.setText(tr("&About esgdesk"))
    window.zh_action.setText("中文")
    window.en_action.setText("English")


def name_undo(window: MainWindow) -> None:
    """Undo and redo say what they would change, in the interface language."""
    if not isValid(window.undo_stack):  # the stack clears itself as the window goes
        return
    undo, redo = window.editor.undo_texts()
    window.undo_action.setText(undo)
    window.redo_action.setText(redo)
    window.undo_action.setEnabled(window.undo_stack.canUndo())
    window.redo_action.setEnabled(window.undo_stack.canRedo())


def show_about(window: MainWindow) -> None:
    """Help → About: the versions esgdesk runs on, as `esgdesk --version` prints them."""
    from PySide6.QtWidgets import QMessageBox

    from esgdesk.application.version import about_text

    QMessageBox.about(window, tr("About esgdesk"), about_text(window.lang))
