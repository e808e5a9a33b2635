"""The findings panel: everything the validator says for the entity and year, filterable; it
shows new findings as they come and follows the scope and the edition."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
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
MANY_ROWS = 500  # rows that take milliseconds to remove: another scope is painted first


class FindingsPanel(QWidget):
    finding_chosen = Signal(object)  # Finding

    def __init__(self, catalogue: Catalogue | None, parent: QWidget | None = None,
                 ops: SessionOps | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.lang = "zh"
        self.all: list[Finding] = []
        self.names: dict[str, str] = {}  # entity code → name in the interface language
        self._filling = False  # the list waits for the window's paint to show `all`
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
        self.list = QTreeWidget()
        self.list.setRootIsDecorated(False)
        self.list.setWordWrap(True)
        self.list.setUniformRowHeights(False)
        # three rows at least (a row holds the severity icon and some padding): at 1366×768
        # the form keeps the rest
        self.list.setMinimumHeight(3 * (self.fontMetrics().height() + 16) + 30)
        layout.addWidget(self.list)
        self.severity.currentIndexChanged.connect(lambda _i: self._fill())
        self.department.currentIndexChanged.connect(lambda _i: self._fill())
        self.list.itemClicked.connect(self._chosen)
        self.list.itemActivated.connect(self._chosen)
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
            self.names = self.entity_names()
            if session.offline is not None:  # a contributor answers for their department's
                self.show_department(session.offline.department)
        if changes.scope and self.list.topLevelItemCount() > MANY_ROWS:
            self._show_after_paint(session.findings())
        elif changes.findings or changes.scope:
            self.show_findings(session.findings())

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
        self.list.setHeaderLabels([self.tr("Severity"), self.tr("Entity"), self.tr("Finding")])
        self._fill()

    def show_findings(self, findings: list[Finding]) -> None:
        self.all = findings
        self._fill()

    def _show_after_paint(self, findings: list[Finding]) -> None:
        """Another scope's findings where the scope left had thousands (a group's): its rows
        take tens of milliseconds to remove, which the window's paint of the new scope would
        wait for. The list shows none at once (the view shows the children of its first row,
        which has none), and the new findings just after the paint."""
        self.all = findings
        self.list.setRootIndex(self.list.indexFromItem(self.list.topLevelItem(0)))
        self._count()
        self._filling = True
        after_next_paint(self, self._fill_waiting)

    def _fill_waiting(self) -> None:
        if self._filling:  # else filled meanwhile
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
        self._filling = False
        self.list.clear()
        self.list.setRootIndex(QModelIndex())
        for finding in self.visible():
            state = severity_word(finding.severity, finding.explained)
            text = finding.message(self.lang)
            if finding.explanation:
                text += "\n↳ " + finding.explanation
            item = QTreeWidgetItem([state, self.names.get(finding.entity, finding.entity), text])
            item.setIcon(0, icon("explained" if finding.explained else finding.severity))
            item.setData(0, FINDING_ROLE, finding)
            item.setToolTip(2, text)
            self.list.addTopLevelItem(item)
        self._count()
        self.list.resizeColumnToContents(0)
        self.list.resizeColumnToContents(1)

    def _count(self) -> None:
        """The summary: the findings of each severity not explained."""
        own = self._of_department()  # the counts follow the department
        counts = {s: sum(1 for f in own if f.severity == s and not f.explained)
                  for s in SEVERITIES}
        self.summary.setText(" · ".join((
            counted(counts["error"], "{n} error", "{n} errors", "FindingsPanel"),
            counted(counts["warning"], "{n} warning", "{n} warnings", "FindingsPanel"),
            counted(counts["info"], "{n} info", "{n} info", "FindingsPanel"))))

    def _chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.finding_chosen.emit(item.data(0, FINDING_ROLE))
