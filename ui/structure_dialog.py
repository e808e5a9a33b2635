"""The Group structure dialog: the tree of the year in view (provinces, years, equity share,
control), its entities added, renamed, moved and closed, and the structure workbook exported
and imported with its difference shown first. Presentation only: every change is a session
method run through SessionOps; on a server only coordinators may change anything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from esgdesk.application.session import Changes
from esgdesk.errors import EsgdeskError
from esgdesk.model.entities import EntityInfo
from ui.folders import open_file, save_file
from ui.i18n import tr
from ui.operations import SessionOps

COLUMNS = ("Code", "Name", "Kind", "Province", "Years", "Equity share", "Control")
KINDS = {"group": "Group", "company": "Company", "site": "Site"}  # as shown, in tr()


class EntityForm(QDialog):
    """The fields of an entity to add: code, names, kind, parent, province, first year."""

    def __init__(self, parents: list[str], year: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Add entity"))
        self.code, self.zh, self.en = QLineEdit(), QLineEdit(), QLineEdit()
        self.province = QLineEdit()
        self.kind = QComboBox()
        for kind in ("site", "company"):
            self.kind.addItem(tr(KINDS[kind]), kind)
        self.parent_code = QComboBox()
        self.parent_code.addItems(parents)
        self.from_year = _year_box(year)
        form = QFormLayout(self)
        for label, field in ((tr("Code"), self.code), (tr("Chinese name"), self.zh),
                             (tr("English name"), self.en), (tr("Kind"), self.kind),
                             (tr("Parent"), self.parent_code), (tr("Province"), self.province),
                             (tr("Counts from"), self.from_year)):
            form.addRow(label, field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def _year_box(year: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(1990, 2100)
    box.setValue(year)
    return box


class StructureDialog(QDialog):
    def __init__(self, ops: SessionOps, settings: QSettings, parent: QWidget) -> None:
        super().__init__(parent)
        self.ops, self.session, self.settings = ops, ops.session, settings
        workspace = self.session.workspace
        self.year = workspace.year if workspace is not None else None
        self.restating = ""  # the published figures the last change restated, as named
        self.setWindowTitle(tr("Group structure"))
        self.resize(820, 480)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr(c) for c in COLUMNS])
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name, text, slot in (
                ("add", tr("Add…"), self.add_entity), ("rename", tr("Rename…"),
                                                        self.rename_selected),
                ("move", tr("Move…"), self.move_selected),
                ("close", tr("Close…"), self.close_selected),
                ("export", tr("Export workbook…"), self.export_book),
                ("import", tr("Import workbook…"), self.import_book)):
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, run=slot: run())
            row.addWidget(button)
            self.buttons[name] = button
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addLayout(row)
        allowed = self.session.may("structure")
        for name in ("add", "rename", "move", "close", "import"):
            self.buttons[name].setEnabled(allowed)
            if not allowed:
                self.buttons[name].setToolTip(self.session.who_may("structure", ops.lang))
        ops.changed.connect(self._redraw)
        self.refresh()

    # -- showing ---------------------------------------------------------------------------
    def _redraw(self, changes: Changes) -> None:
        if changes.scope or changes.saved or changes.database:
            self.refresh()

    def refresh(self) -> None:
        """The tree of the year in view, each entity under its parent of that year."""
        kept = self.selected()
        self.tree.clear()
        if self.session.store is None:
            return
        tree = self.session.entity_tree(self.year)
        items: dict[str, QTreeWidgetItem] = {}
        lang = self.ops.lang
        for entity in tree:
            above = items.get(entity.parent or "")
            item = QTreeWidgetItem(above) if above is not None else QTreeWidgetItem(self.tree)
            for column, text in enumerate(_cells(entity, lang)):
                item.setText(column, text)
            item.setData(0, Qt.ItemDataRole.UserRole, entity.code)
            items[entity.code] = item
        self.tree.expandAll()
        for column in (0, 1):  # a nested code or a long name shown whole
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, self.tree.columnWidth(column) + 16)
        if kept is not None:
            self.select(kept)
        title = tr("Group structure") + (f" · {self.year}" if self.year else "")
        self.setWindowTitle(title)

    def codes(self) -> list[str]:
        """The entities shown, in tree order."""
        found: list[str] = []

        def walk(item: QTreeWidgetItem) -> None:
            found.append(item.data(0, Qt.ItemDataRole.UserRole))
            for n in range(item.childCount()):
                walk(item.child(n))

        for n in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(n))
        return found

    def select(self, code: str) -> None:
        for item in self.tree.findItems(code, Qt.MatchFlag.MatchExactly
                                        | Qt.MatchFlag.MatchRecursive, 0):
            self.tree.setCurrentItem(item)

    def selected(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    # -- changing --------------------------------------------------------------------------
    def add_entity(self, fields: dict | None = None, reason: str | None = None) -> bool:
        """Add an entity: `fields` (code, zh, en, kind, parent, province, from_year) or
        those the form asks for; asks for the reason when it would change published totals
        (`reason` answers for the user)."""
        if fields is None:
            form = EntityForm([c for c in self.codes()
                               if self._kind(c) != "site"], self.year or 2024, self)
            if form.exec() != QDialog.DialogCode.Accepted:
                return False
            fields = {"code": form.code.text().strip(), "zh": form.zh.text().strip(),
                      "en": form.en.text().strip(), "kind": form.kind.currentData(),
                      "parent": form.parent_code.currentText(),
                      "province": form.province.text().strip() or None,
                      "from_year": form.from_year.value()}
        return self._restating(lambda kind, why: self.session.add_entity(
            fields["code"], fields["zh"], fields["en"], fields["kind"], fields["parent"],
            fields.get("province"), from_year=fields.get("from_year"), restate=kind,
            reason=why), reason)

    def rename_selected(self, zh: str | None = None, en: str | None = None) -> bool:
        code = self.selected()
        if code is None:
            return False
        if zh is None and en is None:
            from PySide6.QtWidgets import QInputDialog

            entity = self.session.require_store().entity(code)
            zh, ok = QInputDialog.getText(self, tr("Rename"), tr("Chinese name"),
                                          text=entity.name_zh)
            if not ok:
                return False
            en, ok = QInputDialog.getText(self, tr("Rename"), tr("English name"),
                                          text=entity.name_en)
            if not ok:
                return False
        return self.ops.run(lambda: self.session.rename_entity(code, zh, en))

    def move_selected(self, parent: str | None = None, from_year: int | None = None,
                      reason: str | None = None) -> bool:
        code = self.selected()
        if code is None:
            return False
        if parent is None or from_year is None:
            from PySide6.QtWidgets import QInputDialog

            choices = [c for c in self.codes() if c != code and self._kind(c) != "site"]
            parent, ok = QInputDialog.getItem(self, tr("Move"), tr("Parent"), choices, 0, False)
            if not ok:
                return False
            from_year, ok = QInputDialog.getInt(self, tr("Move"), tr("From the year"),
                                                self.year or 2024, 1990, 2100)
            if not ok:
                return False
        return self._restating(lambda kind, why: self.session.move_entity(
            code, parent, from_year, kind, why), reason)

    def close_selected(self, from_year: int | None = None, reason: str | None = None) -> bool:
        code = self.selected()
        if code is None:
            return False
        if from_year is None:
            from PySide6.QtWidgets import QInputDialog

            from_year, ok = QInputDialog.getInt(
                self, tr("Close"), tr("Closed or sold from the year (nothing is expected "
                                      "from then; its history stays)"),
                self.year or 2024, 1990, 2100)
            if not ok:
                return False
        return self._restating(lambda kind, why: self.session.close_entity(
            code, from_year, kind, why), reason)

    def _kind(self, code: str) -> str:
        return self.session.require_store().entity(code).kind

    def _listing(self, refused: EsgdeskError) -> str:
        """What a change would move (a published_would_move refusal), a figure a line by its
        label in the window's language."""
        lang = self.ops.lang
        indicators = self.session.catalogue.indicators

        def label(indicator: str) -> str:
            found = indicators.get(indicator)
            return getattr(found.label, lang) if found is not None else indicator

        return refused.listing(lang, label)  # type: ignore[attr-defined]

    def _restating(self, change: Callable[[str | None, str], Changes],
                   reason: str | None = None) -> bool:
        """Run a change of structure; when the session says it would move published
        figures, show them and ask why (`reason` answers for the user), then make it as a
        boundary restatement. False when refused or not made."""
        refused: list[EsgdeskError] = []

        def first() -> Changes:
            try:
                return change(None, "")
            except EsgdeskError as exc:
                if exc.kind != "published_would_move":
                    raise
                refused.append(exc)
                return Changes()

        done = self.ops.run(first)
        if not refused:
            return done
        if reason is None:
            from PySide6.QtWidgets import QInputDialog

            reason, ok = QInputDialog.getMultiLineText(
                self, tr("Restate as a change of boundary"),
                self._listing(refused[0]) + "\n\n" + tr("Reason for the restatement"))
            if not ok:
                return False
        self.restating = self._listing(refused[0])
        why = reason
        return self.ops.run(lambda: change("boundary", why))

    # -- the structure workbook ------------------------------------------------------------
    def export_book(self, path: Path | None = None) -> Path | None:
        if path is None:
            name = save_file(self, self.settings, tr("Export workbook…"), "structure.xlsx",
                             tr("Excel workbooks (*.xlsx)"))
            if not name:
                return None
            path = Path(name)
        try:
            return self.session.export_structure(path, self.ops.lang)
        except EsgdeskError as exc:
            self.ops.refuse(exc)
            return None

    def import_book(self, path: Path | None = None, apply: bool | None = None,
                    reason: str | None = None) -> bool:
        """Check a structure workbook; show its problems (nothing is written) or its
        difference, and store it when the user applies it (`apply` answers for them)."""
        if path is None:
            name = open_file(self, self.settings, tr("Import workbook…"),
                             tr("Excel workbooks (*.xlsx)"))
            if not name:
                return False
            path = Path(name)
        try:
            plan = self.session.plan_structure(path)
        except EsgdeskError as exc:
            self.ops.refuse(exc)
            return False
        lang = self.ops.lang
        if plan.problems:
            self.problems = [p.message(lang) for p in plan.problems]
            if apply is None:
                QMessageBox.warning(self, tr("Group structure"), "\n".join(self.problems))
            return False
        if not plan.changes:
            return False
        self.difference = plan.lines(lang)
        if apply is None:
            answer = QMessageBox.question(self, tr("Group structure"),
                                          "\n".join(self.difference))
            apply = answer == QMessageBox.StandardButton.Yes
        if not apply:
            return False
        return self._restating(lambda kind, why: self.session.import_structure(
            plan, path.name, kind, why), reason)


def _cells(entity: EntityInfo, lang: str) -> list[str]:
    years = ("" if entity.from_year is None and entity.to_year is None
             else f"{entity.from_year or '…'}–{entity.to_year or ''}")
    from esgdesk.model.provinces import provinces

    province = provinces().get(entity.province or "")
    shown = "" if not entity.province else entity.province if province is None else (
        province.zh if lang == "zh" else province.en)
    return [entity.code, entity.name(lang), tr(KINDS.get(entity.kind, entity.kind)), shown, years,
            f"{entity.equity_share} %" if entity.equity_share else "",
            tr("yes") if entity.control else tr("no")]
