"""One Qt table model that renders any catalogue table from its form grid and workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from esgdesk.model.layout import FigureRef, FormGrid
from esgdesk.model.types import CLEARED, Entry, ValueRefused
from esgdesk.rules.workspace import Workspace
from ui.i18n import finding_line
from ui.icons import icon

if TYPE_CHECKING:
    from esgdesk.rules.validation import Finding

FIGURE_ROLE = Qt.ItemDataRole.UserRole + 1
# The roles as plain numbers: `data` and `flags` run for every cell the window paints, and an
# enum member looked up on Qt's namespace costs several attribute lookups each time.
DISPLAY, EDIT, ALIGNMENT, FONT, BACKGROUND, DECORATION, TOOLTIP = (int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.ToolTipRole))
ALIGN_NUMBER = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALIGN_TEXT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
EDITABLE = SELECTABLE | Qt.ItemFlag.ItemIsEditable
PRIOR_YEAR = QColor("#eef1f5")
DERIVED = QColor("#f3f0e6")
LOCKED = QColor("#f7eaea")
FINDING_COLOURS = {"error": QColor("#f6c9c4"), "warning": QColor("#fbe3b0"),
                   "info": QColor("#d9e7f5")}
GROUP_ROW = QColor("#dde6f0")
# The roles `data` answers (a view asks each cell for others too: size hints, foreground,
# check state, accessibility): checked first, as the window paints some thousand cells.
ROLES_SHOWN = frozenset((int(FIGURE_ROLE), DISPLAY, EDIT, ALIGNMENT, FONT, BACKGROUND,
                         DECORATION, TOOLTIP))
Index = QModelIndex | QPersistentModelIndex
SOLID = Qt.BrushStyle.SolidPattern


def _solid(colour: QColor) -> QBrush:
    """A cell's background. Made with its style given, so that PySide6 need not weigh the
    constructors taking an image or a gradient: it would set up their classes' enums, some
    two hundred members, before the first paint."""
    return QBrush(colour, SOLID)


class FormTableModel(QAbstractTableModel):
    """Rows, group headers, units and year or site columns of one table, as the report lays it out.

    Edits are not written here: `edit_requested` asks the window to write them
    (through its undo stack); `refused` says why a typed text was not accepted.
    """

    # FigureRef, text (str | None to clear), and the Entry it was parsed into (written as is)
    edit_requested = Signal(object, object, object)
    refused = Signal(QModelIndex, str)

    def __init__(self, grid: FormGrid, workspace: Workspace, lang: str) -> None:
        super().__init__()
        self.grid = grid
        self.workspace = workspace
        self.lang = lang
        self.department = ""  # the user's (Edit → Profile); "" when none is set
        self._main: tuple[FormGrid, str] | None = None
        self._bold: QFont | None = None
        # each cell's findings as shown (those with any), to repaint only the cells whose
        # findings a validation run changed
        self._shown_findings: dict[tuple[int, int], tuple[Finding, ...]] = {}
        self._note_findings_shown()
        self.modelReset.connect(self._note_findings_shown)

    # -- whose rows ---------------------------------------------------------------
    def owner(self, row: int) -> str | None:
        """The department that supplies a row's figures (None for a heading)."""
        ids = list(self.grid.rows[row].indicators())
        return self.workspace.catalogue.indicators[ids[0]].owner if ids else None

    def owner_elsewhere(self, row: int) -> str | None:
        """A row's department when it is not the user's (with no department set: not the
        one supplying most of the table), to mark the row with it; else None."""
        owner = self.owner(row)
        if owner is None:
            return None
        return owner if owner != (self.department or self._main_owner()) else None

    def _main_owner(self) -> str:
        """The department supplying most of the table's rows (worked out once a grid)."""
        if self._main is None or self._main[0] is not self.grid:
            owners = [o for r in range(len(self.grid.rows)) if (o := self.owner(r))]
            self._main = self.grid, max(owners, key=owners.count) if owners else ""
        return self._main[1]

    def skipped(self, row: int) -> bool:
        """Enter and F8 pass over another department's rows once the user's is set."""
        return bool(self.department) and self.owner_elsewhere(row) is not None

    def _owner_name(self, department: str) -> str:
        label = self.workspace.catalogue.departments.get(department)
        return label(self.lang) if label is not None else department

    def _bold_font(self) -> QFont:
        """The group rows' font, made once: a view asks for it on every paint of each cell."""
        if self._bold is None:
            self._bold = QFont()
            self._bold.setBold(True)
        return self._bold

    # -- shape ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.grid.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.grid.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        column = self.grid.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            if column.group is not None:
                return f"{column.group(self.lang)}\n{column.title(self.lang)}"
            return column.title(self.lang)
        if role == Qt.ItemDataRole.ToolTipRole and column.year not in (None, self.grid.year):
            return self.tr("Prior year: for reference, not editable")
        return None

    def figure(self, index: Index) -> FigureRef | None:
        return self.grid.figure(index.row(), index.column()) if index.isValid() else None

    # -- content ------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ROLES_SHOWN or not index.isValid():  # a view asks for a dozen roles
            return None
        row, column = index.row(), index.column()
        kind = self.grid.columns[column].kind
        ref = self.grid.figure(row, column)
        is_group = self.grid.rows[row].kind == "group"
        if role == FIGURE_ROLE:
            return ref
        if role == DISPLAY:
            if kind == "label":
                label = ("    " * self.grid.rows[row].indent) + self.grid.row_label(row, self.lang)
                elsewhere = self.owner_elsewhere(row)
                return label if elsewhere is None else f"{label}  · {self._owner_name(elsewhere)}"
            if kind == "unit":
                return self.grid.row_unit(row, self.lang)
            return self.workspace.display(ref, self.lang) if ref else None
        if role == EDIT:
            return self.workspace.edit_text(ref) if ref else None
        if role == ALIGNMENT and kind == "value" and ref:
            numeric = self.workspace.catalogue.indicators[ref.indicator].type.numeric
            return ALIGN_NUMBER if numeric else ALIGN_TEXT
        if role == FONT and is_group:
            return self._bold_font()
        if role == BACKGROUND:
            return self._background(ref, is_group, kind)
        if role == DECORATION and ref is not None:
            if self.workspace.is_locked(ref):
                return icon("lock")
            found = self.workspace.findings_at(ref)
            if found:
                return icon("explained" if found[0].explained else found[0].severity)
            if self.workspace.figure(ref).missing and self.workspace.display(ref):
                return icon("warning")
            if self.workspace.is_derived(ref) and self.workspace.number(ref) is not None:
                return icon("formula")
        if role == TOOLTIP:
            return self._tooltip(row, ref)
        return None

    def _background(self, ref: FigureRef | None, is_group: bool, kind: str) -> QBrush | None:
        if is_group:
            return _solid(GROUP_ROW)
        if ref is None:
            return None
        if self.workspace.is_locked(ref):
            return _solid(LOCKED)
        open_findings = [f for f in self.workspace.findings_at(ref) if not f.explained]
        if open_findings:
            return _solid(FINDING_COLOURS[open_findings[0].severity])
        if self.workspace.is_derived(ref) or self.workspace.is_consolidated(ref):
            return _solid(DERIVED)
        if ref.year != self.grid.year or not self.workspace.may_write(ref):
            return _solid(PRIOR_YEAR)  # read only, as the prior years are
        return None

    def _tooltip(self, row: int, ref: FigureRef | None) -> str | None:
        item = self.grid.rows[row]
        ids = list(item.indicators())
        if ref is None:
            if not ids:  # a group heading, whole where the column elides it
                return self.grid.row_label(row, self.lang) or None
            indicator = self.workspace.catalogue.indicators[ids[0]]
            shown = self.grid.row_label(row, self.lang)
            lines = [shown] if shown != indicator.label(self.lang) else []
            return "\n".join([*lines, indicator.label.zh, indicator.label.en, indicator.id])
        indicator = self.workspace.catalogue.indicators[ref.indicator]
        lines = [indicator.label(self.lang)]
        if self.owner_elsewhere(row) is not None:
            lines.append(self.tr("Supplied by {department}").replace(
                "{department}", self._owner_name(indicator.owner)))
        if indicator.formula is not None:
            lines.append(self.tr("Computed: {formula}").format(formula=indicator.formula.text))
        elif self.workspace.is_locked(ref):
            lines.append(self.tr("Locked: cannot be changed"))
        elif ref.year != self.grid.year:
            lines.append(self.tr("Prior year: for reference"))
        elif not self.workspace.may_write(ref):
            lines.append(self.tr("Read only: your role on the server may not change it"))
        lines.extend(self.workspace.origin(ref, self.lang))
        stored = self.workspace.stored(ref)
        if stored is not None and stored.note:
            lines.append(stored.note)
        restated = self.workspace.restatement(ref, self.lang)
        if restated is not None:
            lines.append(self.tr("Restated ({why}); published: {published}")
                         .replace("{why}", restated[1]).replace("{published}", restated[0]))
        last = self.workspace.last_explanation(ref)
        if last and not (stored is not None and stored.note):
            lines.append(self.tr("Last year's explanation: {note}").replace("{note}", last))
        for finding in self.workspace.findings_at(ref):
            lines.append(finding_line(finding.severity, finding.explained,
                                      finding.message(self.lang)))
        return "\n".join(lines)

    def flags(self, index: Index) -> Qt.ItemFlag:
        ref = self.figure(index)
        return EDITABLE if ref is not None and self.workspace.is_editable(ref) else SELECTABLE

    # -- editing --------------------------------------------------------------------
    def refusal(self, index: Index, text: str) -> str | None:
        """Why `text` cannot go into this cell, or None when it can."""
        return self.entry(index, text)[1]

    def entry(self, index: Index, text: str) -> tuple[Entry | None, str | None]:
        """What `text` typed into this cell writes, parsed once by its figure's type (a
        state in any spelling, a value; an empty text clears the figure), or why it cannot
        go in."""
        ref = self.figure(index)
        if ref is None or not self.workspace.is_editable(ref):
            return None, self.tr("This cell cannot be edited")
        if not text.strip():
            return CLEARED, None
        indicator = self.workspace.catalogue.indicators[ref.indicator]
        try:
            return indicator.type.entry(text), None
        except ValueRefused as exc:  # said with the row's label, not the indicator's id
            return None, self.tr("{label}: “{text}” is not accepted: {reason}").replace(
                "{label}", indicator.label(self.lang)).replace("{text}", text.strip()).replace(
                "{reason}", exc.message(self.lang))

    def setData(self, index: Index, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole:
            return False
        text = "" if value is None else str(value)
        entry, reason = self.entry(index, text)
        if reason is not None:
            self.refused.emit(QModelIndex(index), reason)
            return False
        ref = self.figure(index)
        current = self.workspace.edit_text(ref) if ref else ""
        if ref is None or text.strip() == current:
            return False
        self.edit_requested.emit(ref, text if text.strip() else None, entry)
        return True

    def refresh(self) -> None:
        """Everything may have changed (a write, a derived figure, a language)."""
        self._note_findings_shown()
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def refresh_findings(self) -> None:
        """Only the findings changed (a validation run's): the cells whose findings differ
        from those shown are painted again (their colour, icon and tooltip), not every cell
        of the table."""
        before = self._shown_findings
        self._note_findings_shown()
        after = self._shown_findings
        for row, column in {cell for cell in before.keys() | after.keys()
                            if before.get(cell) != after.get(cell)}:
            index = self.index(row, column)
            self.dataChanged.emit(index, index)

    def _note_findings_shown(self) -> None:
        grid, workspace = self.grid, self.workspace
        if not workspace.findings():  # a scope just chosen, not validated yet
            self._shown_findings = {}
            return
        self._shown_findings = {
            (row, column): tuple(found) for row in range(len(grid.rows))
            for column in range(len(grid.columns))
            if (ref := grid.figure(row, column)) is not None
            and (found := workspace.findings_at(ref))}

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.refresh()
