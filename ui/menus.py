"""The main window's menus: built once, named in the interface language on every switch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence

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
    window.edit_menu = bar.addMenu("")
    window.undo_action = window.undo_stack.createUndoAction(window)
    window.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
    window.redo_action = window.undo_stack.createRedoAction(window)
    window.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    window.edit_menu.addActions([window.undo_action, window.redo_action])
    window.edit_menu.addSeparator()
    window.find_action = act(window.edit_menu, QKeySequence.StandardKey.Find,
                             window.find_indicator)
    window.restate_action = act(window.edit_menu, None, window.restate_figure)
    window.profile_action = act(window.edit_menu, None, window.edit_profile)
    window.view_menu = bar.addMenu("")
    window.zh_action = act(window.view_menu, None, lambda: window.set_language("zh"))
    window.en_action = act(window.view_menu, None, lambda: window.set_language("en"))
    window.files.fill_recent()


def retranslate_menus(window: MainWindow) -> None:
    window.file_menu.setTitle(tr("&File"))
    window.new_action.setText(tr("&New database…"))
    window.open_action.setText(tr("&Open…"))
    window.sample_action.setText(tr("Open &sample"))
    window.recent_menu.setTitle(tr("Recent files"))
    window.export_action.setText(tr("&Export report workbook…"))
    window.quit_action.setText(tr("&Quit"))
    window.collection_menu.setTitle(tr("&Collection"))
    window.open_request_action.setText(tr("Open &request workbook…"))
    window.submit_action.setText(tr("&Submit request…"))
    window.requests_action.setText(tr("&Make data requests…"))
    window.import_action.setText(tr("&Import returned workbooks…"))
    window.edit_menu.setTitle(tr("&Edit"))
    window.undo_action.setText(tr("&Undo"))
    window.redo_action.setText(tr("&Redo"))
    window.find_action.setText(tr("&Find indicator…"))
    window.restate_action.setText(tr("&Restate published figure…"))
    window.profile_action.setText(tr("&Profile…"))
    window.view_menu.setTitle(tr("&View"))
    window.zh_action.setText("中文")
    window.en_action.setText("English")
