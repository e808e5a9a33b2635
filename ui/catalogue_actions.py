"""The Catalogue menu: the year's edition exported for editing, an edited workbook imported
with its difference shown first, a new reporting year opened, and the frameworks' coverage."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from esgdesk.errors import EsgdeskError
from ui.i18n import tr

if TYPE_CHECKING:
    from esgdesk.exchange.catalogue_book import CatalogueImport
    from ui.main_window import MainWindow


class CatalogueActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session

    def export_for_editing(self, path: Path | None = None) -> Path | None:
        """Write the year's catalogue as a workbook to edit in Excel or LibreOffice."""
        workspace = self.session.workspace
        if workspace is None:
            return None
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self.window, tr("Export catalogue for editing"),
                f"catalogue-{workspace.year}.xlsx", tr("Excel workbooks (*.xlsx)"))
            if not name:
                return None
            path = Path(name)
        try:
            written = self.session.export_catalogue(path, self.window.lang)
        except EsgdeskError as exc:
            self.window.ops.refuse(exc)
            return None
        self.window.statusBar().showMessage(tr("Exported {path}").format(path=written), 8000)
        return written

    def import_edited(self, path: Path | None = None, apply: bool | None = None) -> bool:
        """Check an edited catalogue workbook, show its problems or its difference, and
        store it as the year's edition when the user applies it (`apply` answers for
        them). The forms redraw from the new edition."""
        if self.session.workspace is None:
            return False
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self.window, tr("Import edited catalogue"),
                                                  "", tr("Excel workbooks (*.xlsx)"))
            if not name:
                return False
            path = Path(name)
        try:
            plan = self.session.plan_catalogue(path)
        except EsgdeskError as exc:
            self.window.ops.refuse(exc)
            return False
        preview = CataloguePreview(plan, path, self.window.lang, self.window)
        if apply is None:
            apply = preview.exec() == QDialog.DialogCode.Accepted
        if not apply or plan.problems or plan.unchanged:
            return False
        done = self.window.ops.run(lambda: self.session.apply_catalogue(plan, path.name))
        if done:
            self.window.statusBar().showMessage(tr("The {year} catalogue was updated from "
                                                   "{name}").format(
                year=self.session.require_workspace().year, name=path.name), 10000)
        return done

    def open_next_year(self) -> bool:
        """Open the reporting year after the latest one, with a copy of its catalogue."""
        if self.session.store is None:
            return False
        _years, latest = self.session.years()
        return self.window.ops.run(lambda: self.session.open_year(latest + 1))

    def show_coverage(self) -> CoverageDialog | None:
        if self.session.workspace is None:
            return None
        dialog = CoverageDialog(self.window)
        dialog.show()
        return dialog


class CataloguePreview(QDialog):
    """What an edited catalogue would change, or why it cannot be taken."""

    def __init__(self, plan: CatalogueImport, path: Path, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Import edited catalogue"))
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        if plan.problems:
            head = tr("{name} cannot be imported: {count} problem(s). Nothing was changed.")
            lines = [problem.message(lang) for problem in plan.problems]
        elif plan.unchanged:
            head = tr("{name} is the same as this year's catalogue: nothing to change.")
            lines = []
        else:
            head = tr("{name} changes this year's catalogue as follows:")
            lines = plan.diff.lines(lang)
        self.summary = QLabel(head.format(name=path.name, count=len(plan.problems)))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setReadOnly(True)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        if not plan.problems and not plan.unchanged:
            apply = buttons.addButton(tr("Apply"), QDialogButtonBox.ButtonRole.AcceptRole)
            apply.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class CoverageDialog(QDialog):
    """Each framework's disclosures and whether the year's figures cover them."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.session = window.session
        self.setWindowTitle(tr("Framework coverage"))
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.framework = QComboBox()
        from esgdesk.model.frameworks import framework

        for framework_id in self.session.frameworks_used():
            self.framework.addItem(framework(framework_id).title(window.lang) or framework_id,
                                   framework_id)
        self.missing = QCheckBox(tr("Only what is not covered"))
        top.addWidget(QLabel(tr("Framework")))
        top.addWidget(self.framework, 1)
        top.addWidget(self.missing)
        layout.addLayout(top)
        self.counts = QLabel()
        layout.addWidget(self.counts)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("Code"), tr("Disclosure"), tr("State"),
                                              tr("Indicators")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table)
        self.framework.currentIndexChanged.connect(lambda _i: self.fill())
        self.missing.toggled.connect(lambda _on: self.fill())
        self.fill()

    def fill(self) -> None:
        from esgdesk.rules.coverage import summary

        framework_id = self.framework.currentData()
        lang = self.window_.lang
        rows = self.session.coverage(framework_id) if framework_id else []
        counts = summary(rows)
        self.counts.setText(tr("{covered} covered, {empty} collected but empty, {missing} not "
                               "covered, of {total}").format(
            covered=counts["covered"], empty=counts["empty"], missing=counts["not_covered"],
            total=len(rows)))
        shown = [r for r in rows if r.state != "covered"] if self.missing.isChecked() else rows
        self.table.setRowCount(len(shown))
        for number, row in enumerate(shown):
            title = row.disclosure.title(lang) or row.disclosure.title(
                "en" if lang == "zh" else "zh")
            if not row.disclosure.verified:
                title += " " + tr("(wording not verified)")
            indicators = self.session.catalogue.indicators
            labels = [indicators[i].label(lang) for i in row.indicators if i in indicators]
            for column, text in enumerate((row.disclosure.code, title, row.word(lang),
                                           "; ".join(labels))):
                item = QTableWidgetItem(text)
                if column == 3 and labels:  # every indicator, with its id, on hovering
                    item.setToolTip("\n".join(f"{label} ({iid})" for label, iid
                                              in zip(labels, row.indicators, strict=False)))
                self.table.setItem(number, column, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)
        self.table.setColumnWidth(3, 300)
