"""The keyboard's routes through the window: the Go menu (chapters by Ctrl+1…, the previous
and next year, the next cell to fill, the panes in turn by F6) and where focus lands."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMenuBar, QStatusBar, QWidget

from esgdesk.application.session import Changes
from ui.detail_pane import DetailPane
from ui.findings_panel import FindingsPanel
from ui.form_pages import FormPages
from ui.i18n import tr
from ui.menus import add_action
from ui.navigation import NavigationTree
from ui.operations import SessionOps
from ui.scope_bar import ScopeBar

if TYPE_CHECKING:  # the Go menu's items are made after the first paint (see `fill`)
    from PySide6.QtGui import QAction

CHAPTER_KEYS = 9  # Ctrl+1 … Ctrl+9


class Keyboard(QObject):
    """The Go menu and the moves it offers."""

    def __init__(self, ops: SessionOps, scope: ScopeBar, panes: tuple[
                     NavigationTree, FormPages, DetailPane, FindingsPanel],
                 docks: tuple[QDockWidget, QDockWidget], status: QStatusBar,
                 select_year: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops, self.session, self.scope, self.status = ops, ops.session, scope, status
        self.navigation, self.pages, self.detail, self.findings = panes  # as F6 visits them
        self.detail_dock, self.findings_dock = docks
        self.select_year = select_year
        self.chapter_actions: list[QAction] = []
        ops.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        if changes.scope:  # Ctrl+1…: the edition's chapters, their titles naming the year
            self.retranslate()

    def build_menu(self, bar: QMenuBar) -> None:
        """The Go menu's title; its items are made by `fill` (at start-up, just after the
        window's first paint, which shows only the title)."""
        self.menu = bar.addMenu("")

    def fill(self) -> None:
        """Make the Go menu's items, named in the interface language (once)."""
        from PySide6.QtGui import QKeySequence

        if self.chapter_actions:
            return
        for number in range(1, CHAPTER_KEYS + 1):  # the Nth chapter of the year's edition
            self.chapter_actions.append(add_action(
                self.menu, QKeySequence(f"Ctrl+{number}"),
                lambda n=number: self.open_nth_chapter(n)))
        self.menu.addSeparator()
        self.entity_action = add_action(self.menu, None, lambda: self._pick(
            self.scope.entity_picker))
        self.year_action = add_action(self.menu, None, lambda: self._pick(
            self.scope.year_picker))
        self.previous_year_action = add_action(self.menu, QKeySequence("Ctrl+PgUp"),
                                               lambda: self.step_year(-1))
        self.next_year_action = add_action(self.menu, QKeySequence("Ctrl+PgDown"),
                                           lambda: self.step_year(1))
        self.menu.addSeparator()
        self.to_fill_action = add_action(self.menu, QKeySequence("F8"), self.next_to_fill)
        self.next_pane_action = add_action(self.menu, QKeySequence("F6"), lambda: self.cycle(1))
        self.previous_pane_action = add_action(self.menu, QKeySequence("Shift+F6"),
                                               lambda: self.cycle(-1))
        self.details_action = self.detail_dock.toggleViewAction()
        self.menu.addAction(self.details_action)
        self.retranslate()

    def retranslate(self) -> None:
        workspace = self.session.workspace
        self.menu.setTitle(tr("&Go"))
        if not self.chapter_actions:  # the items are not made yet
            return
        chapters = workspace.catalogue.chapters if workspace is not None else ()
        for number, action in enumerate(self.chapter_actions):
            chapter = chapters[number] if number < len(chapters) else None
            action.setVisible(chapter is not None)
            if chapter is not None and workspace is not None:
                title = chapter.title(self.ops.lang, workspace.year)
                action.setText(f"{chapter.number} {title}".strip())
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
        workspace = self.session.workspace
        chapters = workspace.catalogue.chapters if workspace is not None else ()
        if number <= len(chapters):
            self.open_chapter(chapters[number - 1].id)

    def open_chapter(self, chapter_id: str, table_id: str = "") -> None:
        """Show a chapter (at a table) with the cursor in its form, ready to type."""
        form = self.pages.show_chapter(chapter_id)
        if form is None:
            return
        if table_id:
            table = self.session.catalogue.tables[table_id]
            form.show_figure(table)
            form.focus_first(table)
        else:
            form.focus_current()

    def step_year(self, step: int) -> None:
        picker = self.scope.year_picker
        target = picker.currentIndex() + step
        if 0 <= target < picker.count() and self.session.store is not None:
            self.select_year(int(picker.itemData(target)))

    def next_to_fill(self) -> None:
        form = self.pages.current_form()
        if form is None:
            return
        found = form.next_to_fill()
        if not found:
            self.status.showMessage(
                tr("Every figure of this chapter is filled and without open findings"), 6000)
        elif found == "wrapped":
            self.status.showMessage(
                tr("F8 went back to the chapter's top: nothing to fill below"), 6000)

    def _pick(self, picker: QWidget) -> None:
        picker.setFocus(Qt.FocusReason.ShortcutFocusReason)
        picker.showPopup()  # type: ignore[attr-defined]

    def panes(self) -> list[QWidget]:
        """The panes F6 visits in turn: tree, form, details, findings (those shown)."""
        panes: list[QWidget] = [self.navigation, self.pages]
        if self.detail_dock.isVisible():
            panes.append(self.detail)
        if self.findings_dock.isVisible():
            panes.append(self.findings.list)
        return panes

    def cycle(self, step: int) -> None:
        """Move the focus to the next (or previous) pane."""
        panes = self.panes()
        focused = self.pages.window().focusWidget()
        here = next((n for n, pane in enumerate(panes)
                     if focused is not None and (pane is focused or pane.isAncestorOf(focused))),
                    -1 if step > 0 else 0)
        self.focus_pane(panes[(here + step) % len(panes)])

    def focus_pane(self, pane: QWidget) -> None:
        form, findings = self.pages.current_form(), self.findings.list
        if pane is self.pages and form is not None:
            form.focus_current()
        elif pane is self.detail:
            self.detail.take_focus()
        elif pane is findings and findings.model().rowCount():
            if not findings.currentIndex().isValid():
                findings.setCurrentIndex(findings.model().index(0, 0))
            findings.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            pane.setFocus(Qt.FocusReason.ShortcutFocusReason)
