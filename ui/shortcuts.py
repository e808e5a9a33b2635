"""The keyboard's routes through the window: the Go menu (chapters by Ctrl+1…, the previous
and next year, the next cell to fill, the panes in turn by F6) and where focus lands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ui.i18n import tr

if TYPE_CHECKING:
    from ui.main_window import MainWindow

CHAPTER_KEYS = 9  # Ctrl+1 … Ctrl+9


class Keyboard(QObject):
    """The Go menu and the moves it offers."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.chapter_actions: list[QAction] = []

    def build_menu(self) -> None:
        window = self.window
        self.menu = window.menuBar().addMenu("")
        for number in range(1, CHAPTER_KEYS + 1):  # the Nth chapter of the year's edition
            self.chapter_actions.append(window.action(
                self.menu, QKeySequence(f"Ctrl+{number}"),
                lambda n=number: self.open_nth_chapter(n)))
        self.menu.addSeparator()
        self.entity_action = window.action(self.menu, None, lambda: self._pick(
            window.scope.entity_picker))
        self.year_action = window.action(self.menu, None, lambda: self._pick(
            window.scope.year_picker))
        self.previous_year_action = window.action(self.menu, QKeySequence("Ctrl+PgUp"),
                                                  lambda: self.step_year(-1))
        self.next_year_action = window.action(self.menu, QKeySequence("Ctrl+PgDown"),
                                              lambda: self.step_year(1))
        self.menu.addSeparator()
        self.to_fill_action = window.action(self.menu, QKeySequence("F8"), self.next_to_fill)
        self.next_pane_action = window.action(self.menu, QKeySequence("F6"),
                                              lambda: self.cycle(1))
        self.previous_pane_action = window.action(self.menu, QKeySequence("Shift+F6"),
                                                  lambda: self.cycle(-1))
        self.details_action = window.detail_dock.toggleViewAction()
        self.menu.addAction(self.details_action)

    def retranslate(self) -> None:
        window = self.window
        self.menu.setTitle(tr("&Go"))
        chapters = window.catalogue.chapters if window.workspace is not None else ()
        for number, action in enumerate(self.chapter_actions):
            chapter = chapters[number] if number < len(chapters) else None
            action.setVisible(chapter is not None)
            if chapter is not None:
                year = window.workspace.year if window.workspace is not None else None
                action.setText(f"{chapter.number} {chapter.title(window.lang, year)}".strip())
        self.entity_action.setText(tr("&Entity…"))
        self.year_action.setText(tr("&Year…"))
        self.previous_year_action.setText(tr("&Previous year"))
        self.next_year_action.setText(tr("&Next year"))
        self.to_fill_action.setText(tr("Next &empty or flagged cell"))
        self.next_pane_action.setText(tr("Next &pane"))
        self.previous_pane_action.setText(tr("Previous p&ane"))
        self.details_action.setText(tr("&Details pane"))

    # -- the moves ----------------------------------------------------------------------
    def open_nth_chapter(self, number: int) -> None:
        chapters = self.window.catalogue.chapters if self.window.workspace is not None else ()
        if number <= len(chapters):
            self.open_chapter(chapters[number - 1].id)

    def open_chapter(self, chapter_id: str, table_id: str = "") -> None:
        """Show a chapter (at a table) with the cursor in its form, ready to type."""
        window = self.window
        form = window.show_chapter(chapter_id)
        if form is None:
            return
        if table_id:
            table = window.catalogue.tables[table_id]
            form.show_figure(table)
            form.focus_first(table)
        else:
            form.focus_current()

    def step_year(self, step: int) -> None:
        picker = self.window.scope.year_picker
        target = picker.currentIndex() + step
        if 0 <= target < picker.count() and self.window.store is not None:
            self.window.select(year=int(picker.itemData(target)))

    def next_to_fill(self) -> None:
        form = self.window.current_form()
        if form is None:
            return
        found = form.next_to_fill()
        if not found:
            self.window.statusBar().showMessage(
                tr("Every figure of this chapter is filled and without open findings"), 6000)
        elif found == "wrapped":
            self.window.statusBar().showMessage(
                tr("F8 went back to the chapter's top: nothing to fill below"), 6000)

    def _pick(self, picker: QWidget) -> None:
        picker.setFocus(Qt.FocusReason.ShortcutFocusReason)
        picker.showPopup()  # type: ignore[attr-defined]

    def panes(self) -> list[QWidget]:
        """The panes F6 visits in turn: tree, form, details, findings (those shown)."""
        window = self.window
        panes: list[QWidget] = [window.navigation, window.pages]
        if window.detail_dock.isVisible():
            panes.append(window.detail)
        if window.findings_dock.isVisible():
            panes.append(window.findings.list)
        return panes

    def cycle(self, step: int) -> None:
        """Move the focus to the next (or previous) pane."""
        panes = self.panes()
        focused = self.window.focusWidget()
        here = next((n for n, pane in enumerate(panes)
                     if focused is not None and (pane is focused or pane.isAncestorOf(focused))),
                    -1 if step > 0 else 0)
        self.focus_pane(panes[(here + step) % len(panes)])

    def focus_pane(self, pane: QWidget) -> None:
        window = self.window
        form = window.current_form()
        if pane is window.pages and form is not None:
            form.focus_current()
        elif pane is window.detail:
            window.detail.take_focus()
        elif pane is window.findings.list and window.findings.list.topLevelItemCount():
            findings = window.findings.list
            if findings.currentItem() is None:
                findings.setCurrentItem(findings.topLevelItem(0))
            findings.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            pane.setFocus(Qt.FocusReason.ShortcutFocusReason)
