"""The Catalogue menu's dialogs: an edited catalogue's difference (or why it cannot be
taken), a template's block and what taking it changes, and the frameworks' coverage."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import counted, tr

if TYPE_CHECKING:
    from esgdesk.exchange.catalogue_book import CatalogueImport
    from esgdesk.model.blocks import BlockAddition
    from ui.operations import SessionOps


class CataloguePreview(QDialog):
    """What an edited catalogue would change, or why it cannot be taken."""

    def __init__(self, plan: CatalogueImport, path: Path, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Import edited catalogue"))
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        if plan.problems:
            head = counted(len(plan.problems),
                           "{name} cannot be imported: {n} problem. Nothing was changed.",
                           "{name} cannot be imported: {n} problems. Nothing was changed.")
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


class BlockDialog(QDialog):
    """A template's block to take into this year's catalogue: the blocks the templates offer,
    and for the one chosen what taking it would change, or why it cannot be taken (the session
    plans it; nothing is written here)."""

    def __init__(self, ops: SessionOps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.session = ops, ops.session
        self.plan: BlockAddition | None = None
        self.setWindowTitle(tr("Add from a template"))
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.block = QComboBox()
        for found in self.session.template_blocks():
            self.block.addItem(f"{found.template} · {found.title(ops.lang)}",
                               (found.template, found.id))
        top.addWidget(QLabel(tr("Block")))
        top.addWidget(self.block, 1)
        layout.addLayout(top)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply = buttons.addButton(tr("Apply"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.block.currentIndexChanged.connect(lambda _i: self.preview())
        self.preview()

    def choose(self, template_id: str, block_id: str) -> None:
        index = self.block.findData((template_id, block_id))
        if index >= 0:
            self.block.setCurrentIndex(index)

    def preview(self) -> None:
        from esgdesk.errors import EsgdeskError

        chosen = self.block.currentData()
        self.plan, lines = None, []
        if chosen is None:
            head = tr("No template offers a block.")
        else:
            try:
                self.plan = self.session.plan_block(*chosen)
            except EsgdeskError as exc:
                head = tr("This block cannot be added. Nothing was changed.")
                lines = [exc.message(self.ops.lang)]
            else:
                if self.plan.unchanged:
                    head = tr("This year's catalogue has this block already: nothing to change.")
                else:
                    head = tr("Adding this block changes this year's catalogue as follows:")
                    lines = self.plan.lines(self.ops.lang)
        self.summary.setText(head)
        self.text.setPlainText("\n".join(lines))
        self.apply.setEnabled(self.plan is not None and not self.plan.unchanged)


class CoverageDialog(QDialog):
    """Each framework's disclosures and whether the year's figures cover them."""

    def __init__(self, ops: SessionOps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.session = ops, ops.session
        self.setWindowTitle(tr("Framework coverage"))
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.framework = QComboBox()
        from esgdesk.model.frameworks import framework

        for framework_id in self.session.frameworks_used():
            self.framework.addItem(framework(framework_id).title(ops.lang) or framework_id,
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
        lang = self.ops.lang
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
