"""The findings panel: everything the validator says for the entity and year, filterable; it
shows new findings as they come and follows the scope and the edition."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from esgdesk.application.session import Changes
from esgdesk.model.catalogue import Catalogue
from esgdesk.rules.validation import SEVERITIES, Finding
from ui.first_paint import after_next_paint
from ui.i18n import counted, severity_word
from ui.icons import icon
from ui.operations import SessionOps

FINDING_ROLE = Qt.ItemDataRole.UserRole
MANY_ROWS = 500  # findings a list takes milliseconds to lay out: shown after the paint
DISPLAY, DECORATION, TOOLTIP = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole,
                                Qt.ItemDataRole.ToolTipRole)
AnyIndex = QModelIndex | QPersistentModelIndex


class FindingsModel(QAbstractTableModel):
    """The findings shown, a row each (severity, entity, message): a row's texts are made
    when the list first asks for them, so a group's thousands of findings are shown at
    once, whatever their number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings: list[Finding] = []
        self.names: dict[str, str] = {}  # entity code → name in the interface language
        self.lang = "zh"
        self.headers: list[str] = []
        self._words: dict[tuple[str, bool], tuple[str, QIcon]] = {}
        self._texts: dict[int, str] = {}  # a row's message, made when first asked

    def show(self, findings: list[Finding], names: dict[str, str], lang: str) -> None:
        self.beginResetModel()
        self.findings, self.names, self.lang = findings, names, lang
        self._words, self._texts = {}, {}
        self.endResetModel()

    def set_headers(self, headers: list[str]) -> None:
        self.headers = headers
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(headers) - 1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.findings)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY \
                and section < len(self.headers):
            return self.headers[section]
        return None

    def finding(self, row: int) -> Finding:
        return self.findings[row]

    def text(self, row: int, column: int) -> str:
        """A cell's text, as the list shows it."""
        finding = self.findings[row]
        if column == 0:
            return self._severity(finding)[0]
        if column == 1:
            return self.names.get(finding.entity, finding.entity)
        return self._message(row)

    def _severity(self, finding: Finding) -> tuple[str, QIcon]:
        explained = finding.explained
        key = (finding.severity, explained)
        found = self._words.get(key)
        if found is None:
            found = (severity_word(finding.severity, explained),
                     icon("explained" if explained else finding.severity))
            self._words[key] = found
        return found

    def _message(self, row: int) -> str:
        text = self._texts.get(row)
        if text is None:
            finding = self.findings[row]
            text = finding.message(self.lang)
            if finding.explanation:
                text += "\n↳ " + finding.explanation
            self._texts[row] = text
        return text

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == DISPLAY:
            return self.text(row, column)
        if role == DECORATION and column == 0:
            return self._severity(self.findings[row])[1]
        if role == TOOLTIP and column == 2:
            return self._message(row)
        if role == FINDING_ROLE and column == 0:
            return self.findings[row]
        return None


class FindingsPanel(QWidget):
    finding_chosen = Signal(object)  # Finding

    def __init__(self, catalogue: Catalogue | None, parent: QWidget | None = None,
                 ops: SessionOps | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.lang = "zh"
        self.all: list[Finding] = []
        self.names: dict[str, str] = {}  # entity code → name in the interface language
        self._waiting: list[Finding] | None = None  # to show after the window's next paint
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.severity = QComboBox()
        self.department = QComboBox()
        for combo in (self.severity, self.department):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.summary = QLabel()
        filters.addWidget(self.severity)
        filters.addWidget(self.department)
        filters.addWidget(self.summary, 1)
        layout.addLayout(filters)
        self.list = QTreeView()
        self.model = FindingsModel(self.list)
        self.list.setModel(self.model)
        self.list.setRootIsDecorated(False)
        self.list.setWordWrap(True)
        self.list.setUniformRowHeights(False)
        self.list.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        # three rows at least (a row holds the severity icon and some padding): at 1366×768
        # the form keeps the rest
        self.list.setMinimumHeight(3 * (self.fontMetrics().height() + 16) + 30)
        layout.addWidget(self.list)
        self.severity.currentIndexChanged.connect(lambda _i: self._fill())
        self.department.currentIndexChanged.connect(lambda _i: self._fill())
        self.list.clicked.connect(self._chosen)
        self.list.activated.connect(self._chosen)
        self.retranslate(self.lang)
        self.ops = ops  # without it the panel shows what it is given
        if ops is not None:
            ops.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        assert self.ops is not None
        session = self.ops.session
        if changes.scope and session.workspace is not None:
            catalogue = session.workspace.catalogue
            if self.catalogue is None or catalogue.content_hash != self.catalogue.content_hash:
                self.catalogue = catalogue
                self.retranslate(self.lang)  # the edition's departments
        if changes.database:  # the findings shown are another database's
            self.set_entity_names(self.entity_names(), new_database=True)
            if session.offline is not None:  # a contributor answers for their department's
                self.show_department(session.offline.department)
        if changes.findings or changes.scope:
            findings = session.findings()
            if changes.scope and len(findings) > MANY_ROWS:
                # a scope's findings recalled (a group's thousands): counted at once, the list
                # filled just after the window paints the new scope
                self.all, self._waiting = findings, findings
                self.model.show([], self.names, self.lang)
                self._count()
                after_next_paint(self, self._fill_waiting)
            else:
                self.show_findings(findings)

    def _fill_waiting(self) -> None:
        if self._waiting is not None and self._waiting is self.all:  # else shown meanwhile
            self._fill()

    def entity_names(self) -> dict[str, str]:
        """Each entity's name (by code) in the interface language."""
        assert self.ops is not None
        return {entity.code: entity.name(self.lang)
                for entity, _depth in self.ops.session.entities()}

    def show_department(self, department: str | None) -> None:
        """Show only the findings on one department's figures (None: all departments)."""
        self.department.setCurrentIndex(max(self.department.findData(department), 0))

    def severity_name(self, severity: str) -> str:
        return severity_word(severity)

    def set_entity_names(self, names: dict[str, str], new_database: bool = False) -> None:
        """How to name each entity (by code) in the interface language; for a database just
        opened, the findings shown are another database's and go until its own come."""
        self.names = names
        if new_database:
            self.all = []
        self._fill()

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        for combo in (self.severity, self.department):
            combo.blockSignals(True)
        chosen_severity = self.severity.currentData()
        chosen_department = self.department.currentData()
        self.severity.clear()
        self.severity.addItem(self.tr("All severities"), None)
        for severity in SEVERITIES:
            self.severity.addItem(icon(severity), self.severity_name(severity), severity)
        self.severity.addItem(icon("explained"), self.tr("Explained"), "explained")
        self.severity.addItem(icon("info"), self.tr("Assurance marks"), "assurance")
        self.department.clear()
        self.department.addItem(self.tr("All departments"), None)
        for key, label in (self.catalogue.departments.items() if self.catalogue else ()):
            self.department.addItem(label(lang), key)
        self.severity.setCurrentIndex(max(self.severity.findData(chosen_severity), 0))
        self.department.setCurrentIndex(max(self.department.findData(chosen_department), 0))
        for combo in (self.severity, self.department):
            combo.blockSignals(False)
        self.model.set_headers([self.tr("Severity"), self.tr("Entity"), self.tr("Finding")])
        self._fill()

    def show_findings(self, findings: list[Finding]) -> None:
        """Show these findings; the same ones again (a run's end after its findings were all
        shown) are not drawn again."""
        if findings == self.all and self.model.rowCount() == len(self.visible()):
            self.all = findings
            return
        self.all = findings
        self._fill()

    def visible(self) -> list[Finding]:
        severity = self.severity.currentData()
        shown = []
        for finding in self._of_department():
            if severity == "assurance":  # a verifier's marks alone
                if finding.rule == "assurance":
                    shown.append(finding)
                continue
            if severity == "explained" and not finding.explained:
                continue
            if severity not in (None, "explained") and (
                    finding.severity != severity or finding.explained):
                continue
            shown.append(finding)
        return shown

    def _of_department(self) -> list[Finding]:
        """The findings of the department chosen (all of them when none is)."""
        department = self.department.currentData()
        if department is None:
            return self.all
        from esgdesk.rules.review import findings_of_department  # once a department is chosen

        return findings_of_department(self.all, self.catalogue, department)

    def _fill(self) -> None:
        """Show the findings the filters choose (each row's texts made when the list first
        asks for them), with the counts of the department's."""
        self._waiting = None
        self.model.show(self.visible(), self.names, self.lang)
        self._count()
        self._fit_columns()

    def _count(self) -> None:
        """The summary: the department's findings of each severity, not explained."""
        own = self._of_department()  # the counts follow the department
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in own:
            if not finding.explained:
                counts[finding.severity] += 1
        self.summary.setText(" · ".join((
            counted(counts["error"], "{n} error", "{n} errors", "FindingsPanel"),
            counted(counts["warning"], "{n} warning", "{n} warnings", "FindingsPanel"),
            counted(counts["info"], "{n} info", "{n} info", "FindingsPanel"))))

    def _fit_columns(self) -> None:
        """Size the severity and entity columns to their widest text, as
        resizeColumnToContents would from every row: a group's thousands of findings name a
        few severities and some hundreds of entities, so each distinct text is measured
        once (the entities' by the font, beside the margins of the first row's cell)."""
        header, model, findings = self.list.header(), self.model, self.model.findings
        if not findings:  # the headers' own widths
            for column in (0, 1):
                header.resizeSection(column, header.sectionSizeHint(column))
            return
        severities: dict[tuple[str, bool], int] = {}  # each distinct one's first row
        for row, finding in enumerate(findings):
            severities.setdefault((finding.severity, finding.explained), row)
        width = header.sectionSizeHint(0)
        for row in severities.values():
            width = max(width, self.list.sizeHintForIndex(model.index(row, 0)).width())
        header.resizeSection(0, width)
        names = {model.text(0, 1)} | {self.names.get(e, e) for e in
                                      {finding.entity for finding in findings}}
        metrics = self.list.fontMetrics()
        margin = self.list.sizeHintForIndex(model.index(0, 1)).width() \
            - metrics.horizontalAdvance(model.text(0, 1))
        widest = max(metrics.horizontalAdvance(name) for name in names)
        header.resizeSection(1, max(header.sectionSizeHint(1), widest + margin))

    def count(self) -> int:
        """How many findings the list shows."""
        return self.model.rowCount()

    def row_texts(self, row: int) -> list[str]:
        """The texts of a row of the list (severity, entity, message)."""
        return [self.model.text(row, column) for column in range(3)]

    def choose(self, row: int) -> None:
        """Choose a finding of the list, as a click on it does."""
        self._chosen(self.model.index(row, 0))

    def _chosen(self, index: QModelIndex) -> None:
        if index.isValid():
            self.finding_chosen.emit(self.model.finding(index.row()))
