"""A chapter's form: its tables stacked in the report's order, one model and view per table."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from esgdesk.model.catalogue import Chapter, Table
from esgdesk.rules.workspace import Workspace
from ui.form_view import FormTableView
from ui.table_model import FormTableModel


class ChapterForm(QScrollArea):
    """Scrolls through a chapter; Enter past a table's last row continues in the next table."""

    figure_selected = Signal(object)  # FigureRef | None
    edit_requested = Signal(object, object)  # FigureRef, str | None
    refused = Signal(str)

    def __init__(self, chapter: Chapter, workspace: Workspace, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chapter = chapter
        self.lang = lang
        self.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 12, 24)
        layout.setSpacing(4)
        self.titles: dict[str, QLabel] = {}
        self.views: list[FormTableView] = []
        self.tables: list[Table] = list(chapter.tables)
        self._pending: Workspace | None = None
        title_font = QFont()
        title_font.setBold(True)
        title_font.setPointSize(title_font.pointSize() + 1)
        for position, table in enumerate(self.tables):
            title = QLabel()
            title.setFont(title_font)
            title.setContentsMargins(0, 12 if position else 0, 0, 2)
            layout.addWidget(title)
            self.titles[table.id] = title
            view = FormTableView(FormTableModel(workspace.grid(table), workspace, lang))
            view.model().edit_requested.connect(self.edit_requested)
            view.refused_text.connect(self.refused)
            view.current_figure_changed.connect(self.figure_selected)
            view.left_bottom.connect(lambda column, p=position: self._continue(p, 1))
            view.left_top.connect(lambda column, p=position: self._continue(p, -1))
            layout.addWidget(view)
            self.views.append(view)
        layout.addStretch(1)
        self.setWidget(body)
        self.retitle()

    def retitle(self) -> None:
        for table in self.tables:
            self.titles[table.id].setText(table.title(self.lang))

    def set_workspace(self, workspace: Workspace, defer: bool = False) -> None:
        """Show another entity or year: new grids, same widgets where the shape allows.
        A form out of sight may `defer` it until `catch_up` (when it is shown again)."""
        if defer:
            self._pending = workspace
            return
        self._pending = None
        for view, table in zip(self.views, self.tables, strict=True):
            model = view.model()
            rows = model.rowCount()
            model.beginResetModel()
            model.grid = workspace.grid(table)
            model.workspace = workspace
            model.endResetModel()
            if model.rowCount() != rows:
                view.fit_height()

    def catch_up(self) -> None:
        """Take the workspace a deferred `set_workspace` left for later."""
        if self._pending is not None:
            self.set_workspace(self._pending)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        for view in self.views:
            view.model().set_language(lang)
        self.retitle()

    def refresh(self) -> None:
        if self._pending is not None:
            return  # shown afresh when it catches up
        for view in self.views:
            view.model().refresh()

    def _continue(self, position: int, step: int) -> None:
        target = position + step
        while 0 <= target < len(self.views):
            view = self.views[target]
            grid = view.model().grid
            for column in range(len(grid.columns)):
                if not grid.is_current(column):
                    continue
                start = 0 if step > 0 else view.model().rowCount() - 1
                row = view.first_editable_row(column, start, step)
                if row is not None:
                    view.enter_at(row, column)
                    self.ensureWidgetVisible(view, 0, 40)
                    return
            target += step

    def focus_first(self) -> None:
        """Put the cursor on the first editable cell of the reporting year."""
        self._continue(-1, 1)

    def show_figure(self, table: Table, indicator: str | None = None,
                    entity: str | None = None) -> bool:
        """Scroll to a table (and select an indicator's reporting-year cell in it)."""
        if table not in self.tables:
            return False
        view = self.views[self.tables.index(table)]
        self.ensureWidgetVisible(self.titles[table.id], 0, 0)
        if indicator is None:
            return True
        cell = view.model().grid.locate(indicator, entity)
        if cell is None:
            return False
        view.enter_at(*cell)
        rect = view.visualRect(view.model().index(*cell))
        self.ensureVisible(rect.center().x(), view.y() + rect.center().y(), 40, 80)
        return True

    def view_of(self, table_id: str) -> FormTableView:
        return self.views[[t.id for t in self.tables].index(table_id)]

    def current_view(self) -> FormTableView | None:
        focused = self.focusWidget()
        while focused is not None and not isinstance(focused, FormTableView):
            focused = focused.parentWidget()
        return focused if isinstance(focused, FormTableView) else None
