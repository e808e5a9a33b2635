"""A chapter's form: its tables stacked in the report's order, one model and view per table,
with one current cell across them that the form keeps in sight (with two rows below it), and
the header of the table at the top of the form kept in sight while its rows are."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QScrollArea, QVBoxLayout, QWidget

from esgdesk.model.catalogue import Chapter, Table
from esgdesk.model.layout import FigureRef
from esgdesk.rules.workspace import Workspace
from ui.form_view import FormTableView, own_viewport
from ui.table_model import FormTableModel


class ChapterForm(QScrollArea):
    """Scrolls through a chapter; Enter past a table's last row continues in the next table."""

    figure_selected = Signal(object)  # FigureRef | None
    edit_requested = Signal(object, object, object)  # FigureRef, str | None, Entry
    refused = Signal(str)
    reached_end = Signal()  # Enter (or Down) on the chapter's last figure

    def __init__(self, chapter: Chapter, workspace: Workspace, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chapter = chapter
        self.lang = lang
        self.setWidgetResizable(True)
        self.setViewport(own_viewport(QPalette.ColorRole.NoRole))  # as QScrollArea makes it
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 12, 24)
        layout.setSpacing(4)
        self.titles: dict[str, QLabel] = {}
        self.notes: dict[str, QLabel] = {}
        self.views: list[FormTableView] = []
        self.tables: list[Table] = list(chapter.tables)
        self._pending: Workspace | None = None
        self.year = workspace.year  # titles that name the year follow it
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
            view.current_figure_changed.connect(
                lambda ref, v=view: self._current_moved(v, ref))
            view.left_bottom.connect(
                lambda _column, p=position: self._continue(p, 1) or self.reached_end.emit())
            view.left_top.connect(lambda _column, p=position: self._continue(p, -1))
            layout.addWidget(view)
            self.views.append(view)
            notes = QLabel()  # the numbered notes the report prints under the table
            notes.setWordWrap(True)
            notes.setTextFormat(Qt.TextFormat.PlainText)
            notes.setObjectName(f"notes:{table.id}")
            layout.addWidget(notes)
            self.notes[table.id] = notes
        layout.addStretch(1)
        self.setWidget(body)
        # The years of a long table stay in sight: its header, held at the form's top.
        self.sticky = QHeaderView(Qt.Orientation.Horizontal, self.viewport())
        self.sticky.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.sticky.hide()
        self.verticalScrollBar().valueChanged.connect(lambda _value: self.place_sticky())
        self.horizontalScrollBar().valueChanged.connect(lambda _value: self.place_sticky())
        self.retitle()

    def retitle(self) -> None:
        for table in self.tables:
            self.titles[table.id].setText(table.title(self.lang, self.year))
            notes = self.notes[table.id]
            notes.setText("\n".join(note.printed(self.lang, self.year) for note in table.notes))
            notes.setVisible(bool(table.notes))

    def set_workspace(self, workspace: Workspace, defer: bool = False) -> None:
        """Show another entity or year: new grids, same widgets where the shape allows.
        A form out of sight may `defer` it until `catch_up` (when it is shown again)."""
        if defer:
            self._pending = workspace
            return
        kept = self._current_place()
        self._pending = None
        # Another year reads its own edition: the same tables (the forms are rebuilt for
        # another content), but its objects, whose titles and grids name that year.
        self.chapter = workspace.catalogue.chapter(self.chapter.id)
        self.tables = [workspace.catalogue.tables[table.id] for table in self.tables]
        if workspace.year != self.year:
            self.year = workspace.year
        self.retitle()  # the year's titles, and its edition's notes
        for view, table in zip(self.views, self.tables, strict=True):
            model = view.model()
            rows = model.rowCount()
            model.beginResetModel()
            model.grid = workspace.grid(table)
            model.workspace = workspace
            model.endResetModel()
            if model.rowCount() != rows:
                view.fit_height()
            view.fit_columns()
        if kept is not None:
            self._take_place(*kept)

    def current_place(self) -> tuple[str, str] | None:
        """The current cell's table and indicator (to take it again at the next start)."""
        place = self._current_place()
        return (self.tables[place[0]].id, place[1].indicator) if place is not None else None

    def _current_place(self) -> tuple[int, FigureRef] | None:
        """The current cell's table (its position) and figure, to select again after a
        switch of entity or year."""
        for position, view in enumerate(self.views):
            ref = view.model().figure(view.currentIndex())
            if ref is not None:
                return position, ref
        return None

    def _take_place(self, position: int, ref: FigureRef) -> None:
        """Select the same indicator in the same table for the new entity or year: a site's
        column stays that site's when the new grid shows it."""
        view = self.views[position]
        grid = view.model().grid
        cell = grid.locate(ref.indicator, ref.entity) or grid.locate(ref.indicator)
        if cell is None:
            self.figure_selected.emit(None)
            return
        view.setCurrentIndex(view.model().index(*cell))
        self._keep_in_sight(view, view.currentIndex())

    def catch_up(self) -> None:
        """Take the workspace a deferred `set_workspace` left for later."""
        if self._pending is not None:
            self.set_workspace(self._pending)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        for view in self.views:
            view.model().set_language(lang)
        self.retitle()

    def set_department(self, department: str) -> None:
        """The user's department: in a chapter holding its figures, other departments' rows
        are marked with theirs and skipped by Enter and F8 (a chapter without any is
        someone else's, visited on purpose: nothing in it is skipped)."""
        owners = {view.model().owner(row) for view in self.views
                  for row in range(view.model().rowCount())}
        applies = department if department in owners else ""
        for view in self.views:
            view.model().department = applies
            view.model().refresh()

    def refresh(self) -> None:
        if self._pending is not None:
            return  # shown afresh when it catches up
        for view in self.views:
            view.model().refresh()

    def refresh_findings(self) -> None:
        """Only the findings changed: the cells they mark differently are painted again."""
        if self._pending is not None:
            return  # shown afresh when it catches up
        for view in self.views:
            view.model().refresh_findings()

    def _current_moved(self, view: FormTableView, ref: FigureRef | None) -> None:
        """One current cell across the chapter, always in sight."""
        for other in self.views:
            if other is not view and other.currentIndex().isValid():
                other.selectionModel().clear()
        self._keep_in_sight(view, view.currentIndex())
        self.figure_selected.emit(ref)

    def _enter(self, view: FormTableView, row: int, column: int) -> None:
        view.enter_at(row, column)
        self._keep_in_sight(view, view.currentIndex())

    def _keep_in_sight(self, view: FormTableView, index: QModelIndex) -> None:
        """The cell with two rows below it (what comes next), and room above it for the
        table's header held at the top."""
        rect = view.visualRect(index)
        centre = view.viewport().mapTo(self.widget(), rect.center())
        row = rect.height()
        above = view.horizontalHeader().height() + row
        self.ensureVisible(centre.x(), centre.y(), rect.width() // 2 + 8,
                           max(2 * row + row // 2, above) + 4)
        self.place_sticky()

    def sticky_view(self) -> FormTableView | None:
        """The table whose header has scrolled above the form's top while rows of it are
        still in sight: its header is held there."""
        for view in self.views:
            top = view.mapTo(self.viewport(), QPoint(0, 0)).y()
            header = view.horizontalHeader().height()
            if top < 0 and top + view.height() - header > header:
                return view
        return None

    def place_sticky(self) -> None:
        view = self.sticky_view()
        if view is None:
            self.sticky.hide()
            return
        if self.sticky.model() is not view.model():
            self.sticky.setModel(view.model())
        header = view.horizontalHeader()
        for column in range(header.count()):
            self.sticky.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.sticky.resizeSection(column, header.sectionSize(column))
        left = view.viewport().mapTo(self.viewport(), QPoint(0, 0)).x()
        self.sticky.setGeometry(left, 0, view.viewport().width(), header.height())
        self.sticky.show()
        self.sticky.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.place_sticky()

    def chain_tabs(self, before: QWidget, after: QWidget) -> None:
        """Tab goes from `before` through the tables in order to `after`."""
        for first, second in pairwise([before, *self.views, after]):
            QWidget.setTabOrder(first, second)

    def current_figure(self) -> FigureRef | None:
        """The figure at the chapter's current cell, if any."""
        for view in self.views:
            if view.currentIndex().isValid():
                return view.model().figure(view.currentIndex())
        return None

    def focus_current(self) -> None:
        """Put the keyboard focus back on the current cell (or the first editable one)."""
        for view in self.views:
            if view.currentIndex().isValid():
                view.setFocus(Qt.FocusReason.OtherFocusReason)
                self._keep_in_sight(view, view.currentIndex())
                return
        self.focus_first()

    def select_figure(self, ref: FigureRef) -> bool:
        """Make the cell showing a figure current (the first table showing it)."""
        for view in self.views:
            grid = view.model().grid
            for row in range(len(grid.rows)):
                for column in range(len(grid.columns)):
                    if grid.figure(row, column) == ref:
                        self._enter(view, row, column)
                        return True
        return False

    def next_to_fill(self) -> str:
        """Move to the next reporting-year cell after the current one (wrapping round) that
        is empty and may be typed into, or holds an open finding, of the user's department
        when one is set: "next", "wrapped" (found from the chapter's top again) or ""
        (there is none)."""
        workspace = self.views[0].model().workspace if self.views else None
        if workspace is None:
            return ""
        cells = [(view, row, column) for view in self.views
                 for row in range(view.model().rowCount())
                 for column in range(view.model().columnCount())
                 if view.model().grid.is_current(column)]
        start = next((n + 1 for n, (view, row, column) in enumerate(cells)
                      if view.currentIndex().isValid()
                      and (view.currentIndex().row(), view.currentIndex().column())
                      == (row, column)), 0)
        for position, (view, row, column) in enumerate(cells[start:] + cells[:start]):
            ref = view.model().figure(view.model().index(row, column))
            if ref is None or view.model().skipped(row):
                continue
            empty = workspace.is_editable(ref) and not workspace.edit_text(ref)
            if empty or any(not f.explained for f in workspace.findings_at(ref)):
                self._enter(view, row, column)
                return "wrapped" if start > 0 and position >= len(cells) - start else "next"
        return ""

    def _continue(self, position: int, step: int) -> bool:
        """Enter the first editable reporting-year cell of the next (or previous) table
        with one; False when there is none."""
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
                    self._enter(view, row, column)
                    return True
            target += step
        return False

    def focus_first(self, table: Table | None = None) -> None:
        """Put the cursor on the first editable cell of the reporting year (of a table)."""
        position = self._position(table) if table is not None else None
        self._continue(-1 if position is None else position - 1, 1)

    def show_figure(self, table: Table, indicator: str | None = None,
                    entity: str | None = None) -> bool:
        """Scroll to a table (and select an indicator's reporting-year cell in it)."""
        position = self._position(table)
        if position is None:
            return False
        view = self.views[position]
        self.ensureWidgetVisible(self.titles[table.id], 0, 0)
        if indicator is None:
            return True
        cell = view.model().grid.locate(indicator, entity)
        if cell is None:
            return False
        self._enter(view, *cell)
        return True

    def _position(self, table: Table) -> int | None:
        """Where a table stands in the form, by its id (the table may come from another
        year's reading of the same edition)."""
        ids = [t.id for t in self.tables]
        return ids.index(table.id) if table.id in ids else None

    def view_of(self, table_id: str) -> FormTableView:
        return self.views[[t.id for t in self.tables].index(table_id)]

    def current_view(self) -> FormTableView | None:
        focused = self.focusWidget()
        while focused is not None and not isinstance(focused, FormTableView):
            focused = focused.parentWidget()
        return focused if isinstance(focused, FormTableView) else None
