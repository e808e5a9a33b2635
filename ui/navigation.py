"""The report's structure on the left: chapters and their tables with filled/required badges,
and the user's department's tables first when asked. It follows the scope and the edition,
and counts again when figures change."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from esgdesk.application.session import Changes
from esgdesk.model.catalogue import Catalogue, Table
from esgdesk.rules.workspace import Workspace
from ui.first_paint import after_next_paint, starting_up
from ui.i18n import tr
from ui.operations import SessionOps

TABLE_ROLE = Qt.ItemDataRole.UserRole
CHAPTER_ROLE = Qt.ItemDataRole.UserRole + 1


class NavigationTree(QTreeWidget):
    chosen = Signal(str, str)  # chapter id, table id ("" for a chapter)

    def __init__(self, ops: SessionOps, department: Callable[[], str],
                 mine_first: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.session = ops, ops.session
        self.catalogue: Catalogue | None = None  # the year's edition, once a database is open
        self.department, self.mine_first = department, mine_first
        self.setColumnCount(2)
        self.setRootIsDecorated(True)
        self.itemClicked.connect(self._choose)
        self.itemActivated.connect(self._choose)
        ops.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        workspace = self.session.workspace
        if changes.scope:  # titles naming the year follow it; badges for the scope
            if workspace is not None:
                self.catalogue = workspace.catalogue
            if starting_up():  # the window's first paint shows the badges too
                self.refill()
                return
            # the badges, counted over the scope's figures, come just after the window has
            # painted its form
            self.fill_titles(self.ops.lang, self.department(), self.mine_first(), workspace)
            after_next_paint(self, lambda: self.update_badges(self.session.workspace))
        elif changes.figures or changes.reloaded or changes.notes:  # not findings: the
            self.update_badges(workspace)  # badges count the figures typed, whatever is found

    def refill(self) -> None:
        """The tree again, in the interface language, the user's department first if asked."""
        self.fill(self.ops.lang, self.department(), self.mine_first(), self.session.workspace)

    def fill(self, lang: str, department: str, mine_first: bool,
             workspace: Workspace | None) -> None:
        self.fill_titles(lang, department, mine_first, workspace)
        self.update_badges(workspace)

    def fill_titles(self, lang: str, department: str, mine_first: bool,
                    workspace: Workspace | None) -> None:
        """The chapters and tables, without their badges."""
        self.clear()
        year = workspace.year if workspace is not None else None
        self.setHeaderLabels([tr("Report"), tr("Filled")])
        if self.catalogue is None:
            return
        if mine_first and department:
            label = self.catalogue.departments.get(department)
            mine = QTreeWidgetItem([tr("My tables: {department}").format(
                department=label(lang) if label else department), ""])
            for table in self.catalogue.department_tables(department):
                mine.addChild(self._table_item(table, lang, year))
            self.addTopLevelItem(mine)
            mine.setExpanded(True)
        for chapter in self.catalogue.chapters:
            item = QTreeWidgetItem([f"{chapter.number} {chapter.title(lang, year)}".strip(), ""])
            item.setData(0, CHAPTER_ROLE, chapter.id)
            for table in chapter.tables:
                item.addChild(self._table_item(table, lang, year))
            self.addTopLevelItem(item)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def _table_item(self, table: Table, lang: str, year: int | None) -> QTreeWidgetItem:
        item = QTreeWidgetItem([table.title(lang, year), ""])
        item.setData(0, TABLE_ROLE, table.id)
        item.setData(0, CHAPTER_ROLE, table.chapter)
        item.setToolTip(0, table.title(lang, year))
        return item

    def update_badges(self, workspace: Workspace | None) -> None:
        """Filled/required figures of the reporting year, per chapter and table."""
        if workspace is None:
            return
        for top in range(self.topLevelItemCount()):
            item = self.topLevelItem(top)
            chapter_id = item.data(0, CHAPTER_ROLE)
            if chapter_id:
                filled, required = workspace.chapter_completion(
                    self.catalogue.chapter(chapter_id))
                item.setText(1, f"{filled}/{required}")
            for child in range(item.childCount()):
                table_item = item.child(child)
                table = self.catalogue.tables[table_item.data(0, TABLE_ROLE)]
                filled, required = workspace.completion(table)
                table_item.setText(1, f"{filled}/{required}" if required else "")

    def _choose(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        chapter_id = item.data(0, CHAPTER_ROLE)
        if chapter_id is not None:
            self.chosen.emit(chapter_id, item.data(0, TABLE_ROLE) or "")
