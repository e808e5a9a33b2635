"""A table of a chapter form: typed editing, Enter moves down, block copy and paste."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from ui.table_model import FormTableModel

if TYPE_CHECKING:  # made when a cell is first edited, not before the first paint
    from PySide6.QtWidgets import QStyleOptionViewItem

LABEL_MIN_WIDTH = 150  # the label column takes the free width, never less (it elides)
WIDEST_FIGURE = "≥8,888,888"  # a value column shows at least this (an incomplete sum
# as its floor), beside its icon
WIDEST_COLUMN = 150
COMMIT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
Index = QModelIndex | QPersistentModelIndex


def own_viewport(role: QPalette.ColorRole) -> QWidget:
    """A scroll area's viewport as Qt makes its own (filled, with the background role its
    class gives it), but made in Python. Handed a widget Qt made, PySide6 works out which of
    Qt's widget classes it is, and the first time that sets up some forty of them: tens of
    milliseconds before the first paint. A widget made here is known to it already."""
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")
    viewport.setBackgroundRole(role)
    viewport.setAutoFillBackground(True)
    return viewport


class FigureDelegate(QStyledItemDelegate):
    """A line editor that keeps a refused text open, with a tooltip saying why."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.installEventFilter(self)
        editor.setProperty("row", index.row())
        editor.setProperty("column", index.column())
        model = index.model()
        if isinstance(model, FormTableModel):
            # Say what is wrong while the user types, before anything is committed.
            persistent = QPersistentModelIndex(index)
            editor.textChanged.connect(
                lambda text, e=editor, m=model, i=persistent: self._check_as_typed(e, m, i, text))
        return editor

    @staticmethod
    def _check_as_typed(editor: QLineEdit, model: FormTableModel, index: QPersistentModelIndex,
                        text: str) -> None:
        reason = model.refusal(model.index(index.row(), index.column()), text)
        editor.setStyleSheet("" if reason is None else "background: #fde2e2;")
        editor.setToolTip(reason or "")
        editor.setProperty("refusal", reason)  # the text as it stands, checked once

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if (isinstance(editor, QLineEdit) and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in COMMIT_KEYS):
            view = editor.parent().parent() if editor.parent() else None
            if isinstance(view, FormTableView):
                reason = editor.property("refusal")  # checked as it was typed
                if reason is not None:
                    from PySide6.QtWidgets import QToolTip

                    editor.setStyleSheet("background: #fde2e2;")
                    QToolTip.showText(editor.mapToGlobal(editor.rect().bottomLeft()), reason,
                                      editor)
                    view.refused_text.emit(reason)
                    return True
                if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    # Commit at once (Qt would queue it) and move down, as spreadsheets do.
                    self.commitData.emit(editor)
                    self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
                    view.move_down()
                    return True
        return super().eventFilter(editor, event)


class FormTableView(QTableView):
    """One catalogue table, as tall as its rows, inside a scrolling chapter form."""

    left_bottom = Signal(int)  # the column the user moved down from, past the last row
    left_top = Signal(int)
    refused_text = Signal(str)
    current_figure_changed = Signal(object)  # FigureRef | None, when a cell becomes current

    def __init__(self, model: FormTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._advances: dict[str, int] = {}  # texts' widths in the view's font
        self._units: tuple[object, int] | None = None  # the rows measured, their units' width
        self.setViewport(own_viewport(QPalette.ColorRole.Base))  # as QTableView makes it
        self.setModel(model)
        self.setItemDelegate(FigureDelegate(self))
        self.verticalHeader().hide()
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setMinimumSectionSize(40)
        self.fit_columns()
        self.selectionModel().currentChanged.connect(self._current_changed)
        model.refused.connect(lambda _index, reason: self.refused_text.emit(reason))
        self.fit_height()

    def model(self) -> FormTableModel:  # type: ignore[override]
        return super().model()  # type: ignore[return-value]

    def fit_columns(self) -> None:
        """Units and figures keep a width that shows them whole (in either language, so a
        switch does not move them); the label column takes what is left, down to
        LABEL_MIN_WIDTH, and elides beyond (its tooltip gives it whole)."""
        model, header = self.model(), self.horizontalHeader()
        padding, icon = 16, 16  # cell margins; a finding's or lock's icon
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            grid_column = model.grid.columns[column]
            titles = [grid_column.title(lang) for lang in ("zh", "en")]
            if grid_column.kind == "unit":
                width = max(self._units_width(model), *map(self._advance, titles)) + padding
            else:
                width = max(self._advance(WIDEST_FIGURE) + icon + padding,
                            *(self._advance(t) + padding for t in titles))
            header.resizeSection(column, min(width, WIDEST_COLUMN))
        # Never narrower than its columns: the chapter form scrolls sideways instead.
        fixed = sum(header.sectionSize(c) for c in range(1, model.columnCount()))
        self.setMinimumWidth(LABEL_MIN_WIDTH + fixed + 2 * self.frameWidth())

    def _advance(self, text: str) -> int:
        """A text's width in the view's font, measured once: each switch of entity or year
        fits the columns again, mostly to the same titles."""
        width = self._advances.get(text)
        if width is None:
            width = self._advances[text] = self.fontMetrics().horizontalAdvance(text)
        return width

    def _units_width(self, model: FormTableModel) -> int:
        """The widest of the table's units in either language, measured once for its rows
        (another entity or year shows the same rows)."""
        rows = model.grid.rows
        if self._units is None or self._units[0] is not rows:
            units = (model.grid.row_unit(r, lang) for r in range(len(rows))
                     for lang in ("zh", "en"))
            self._units = rows, max(map(self._advance, units), default=0)
        return self._units[1]

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # the widths measured are another font's
            self._advances, self._units = {}, None
        super().changeEvent(event)

    def fit_height(self) -> None:
        """Show every row without a scroll bar. Cells hold one line each (no word wrap),
        so every row is as tall as the first: measuring one row, not every cell, keeps
        switching entities quick on forms of many tables."""
        rows = self.model().rowCount()
        header = self.verticalHeader()
        if rows:
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setDefaultSectionSize(max(self.sizeHintForRow(0), 1))
        self.setFixedHeight(rows * header.defaultSectionSize()
                            + self.horizontalHeader().sizeHint().height() + 4)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():  # another table taking the current cell clears this one's
            self.current_figure_changed.emit(self.model().figure(current))

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Tab past the table's last cell (Shift+Tab before its first) leaves the table for
        the next widget in the Tab order, rather than wrapping round inside it."""
        current, model = self.currentIndex(), self.model()
        last = (model.rowCount() - 1, model.columnCount() - 1)
        if action == QAbstractItemView.CursorAction.MoveNext and current.isValid() \
                and (current.row(), current.column()) == last:
            return QModelIndex()
        if action == QAbstractItemView.CursorAction.MovePrevious and current.isValid() \
                and (current.row(), current.column()) == (0, 0):
            return QModelIndex()
        return super().moveCursor(action, modifiers)

    def first_editable_row(self, column: int, from_row: int = 0, step: int = 1) -> int | None:
        """The first row from `from_row` (going by `step`) whose cell may be typed into and
        is the user's department's, when one is set."""
        row = from_row
        while 0 <= row < self.model().rowCount():
            index = self.model().index(row, column)
            if self.model().flags(index) & Qt.ItemFlag.ItemIsEditable \
                    and not self.model().skipped(row):
                return row
            row += step
        return None

    def enter_at(self, row: int, column: int) -> None:
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.setCurrentIndex(self.model().index(row, column))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        current = self.currentIndex()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.isValid():
            self._move_vertically(current, 1)
            return
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and current.isValid() \
                and not event.modifiers():
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            target = current.row() + step
            if 0 <= target < self.model().rowCount():
                super().keyPressEvent(event)
            elif step > 0:
                self.left_bottom.emit(current.column())
            else:
                self.left_top.emit(current.column())
            return
        from PySide6.QtGui import QKeySequence  # its seventy standard keys: not before the
        # first paint (the menus' shortcuts come just after it)

        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_block()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and current.isValid() \
                and self.state() != QAbstractItemView.State.EditingState:
            for index in self.selectedIndexes():
                if self.model().flags(index) & Qt.ItemFlag.ItemIsEditable \
                        and self.model().data(index, Qt.ItemDataRole.EditRole):
                    self.model().setData(index, "")
            return
        super().keyPressEvent(event)

    def move_down(self) -> None:
        self._move_vertically(self.currentIndex(), 1)

    def _move_vertically(self, current: QModelIndex, step: int) -> None:
        row = self.first_editable_row(current.column(), current.row() + step, step)
        if row is None:
            self.left_bottom.emit(current.column())
        else:
            self.setCurrentIndex(self.model().index(row, current.column()))

    # -- clipboard --------------------------------------------------------------------
    def copy_selection(self) -> None:
        """Copy the selected block as tab-separated text, as spreadsheets do."""
        indexes = self.selectedIndexes()
        if not indexes:
            return
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        model = self.model()
        lines = ["\t".join(str(model.data(model.index(r, c)) or "") for c in columns)
                 for r in rows]
        QGuiApplication.clipboard().setText("\n".join(lines))

    def paste_block(self) -> None:
        """Paste a block from a spreadsheet, starting at the current cell, into editable cells."""
        text = QGuiApplication.clipboard().text()
        start = self.currentIndex()
        if not text or not start.isValid():
            return
        model = self.model()
        for r, line in enumerate(text.rstrip("\n").split("\n")):
            for c, cell in enumerate(line.rstrip("\r").split("\t")):
                index = model.index(start.row() + r, start.column() + c)
                if index.isValid() and model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                    model.setData(index, cell)

