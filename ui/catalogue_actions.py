"""The Catalogue menu: the year's edition exported for editing, an edited workbook imported
with its difference shown first, a template's block added after its difference is shown, a new
reporting year opened, the frameworks' coverage, and the group's structure."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QStatusBar, QWidget

from esgdesk.errors import EsgdeskError
from ui.folders import open_file, save_file
from ui.i18n import tr
from ui.operations import SessionOps

if TYPE_CHECKING:
    from ui.catalogue_dialogs import BlockDialog, CoverageDialog
    from ui.structure_dialog import StructureDialog


def __getattr__(name: str) -> Any:
    """The dialogs, as `ui.catalogue_actions.CataloguePreview`: their module (and the Qt
    classes it needs) is imported when a dialog is first shown, not at start-up."""
    if name in ("BlockDialog", "CataloguePreview", "CoverageDialog"):
        from ui import catalogue_dialogs

        return getattr(catalogue_dialogs, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class CatalogueActions(QObject):
    def __init__(self, ops: SessionOps, settings: QSettings, status: QStatusBar,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.ops, self.session, self.settings = ops, ops.session, settings
        self.status, self.dialog_parent = status, parent

    def export_for_editing(self, path: Path | None = None) -> Path | None:
        """Write the year's catalogue as a workbook to edit in Excel or LibreOffice."""

        workspace = self.session.workspace
        if workspace is None:
            return None
        if path is None:
            name = save_file(self.dialog_parent, self.settings, tr("Export catalogue for editing"),
                             f"catalogue-{workspace.year}.xlsx", tr("Excel workbooks (*.xlsx)"))
            if not name:
                return None
            path = Path(name)
        try:
            written = self.session.export_catalogue(path, self.ops.lang)
        except EsgdeskError as exc:
            self.ops.refuse(exc)
            return None
        self.status.showMessage(tr("Exported {path}").format(path=written), 8000)
        return written

    def import_edited(self, path: Path | None = None, apply: bool | None = None) -> bool:
        """Check an edited catalogue workbook, show its problems or its difference, and
        store it as the year's edition when the user applies it (`apply` answers for
        them). The forms redraw from the new edition."""
        from PySide6.QtWidgets import QDialog

        from ui.catalogue_dialogs import CataloguePreview

        if self.session.workspace is None:
            return False
        if path is None:
            name = open_file(self.dialog_parent, self.settings, tr("Import edited catalogue"),
                             tr("Excel workbooks (*.xlsx)"))
            if not name:
                return False
            path = Path(name)
        try:
            plan = self.session.plan_catalogue(path)
        except EsgdeskError as exc:
            self.ops.refuse(exc)
            return False
        preview = CataloguePreview(plan, path, self.ops.lang, self.dialog_parent)
        if apply is None:
            apply = preview.exec() == QDialog.DialogCode.Accepted
        if not apply or plan.problems or plan.unchanged:
            return False
        done = self.ops.run(lambda: self.session.apply_catalogue(plan, path.name))
        if done:
            self.status.showMessage(tr("The {year} catalogue was updated from "
                                                   "{name}").format(
                year=self.session.require_workspace().year, name=path.name), 10000)
        return done

    def add_block(self, chosen: tuple[str, str] | None = None, apply: bool | None = None,
                  ) -> bool:
        """Show a template's block (`chosen`: template and block, else the first offered)
        and what taking it would change, and take it into the year's edition when the user
        applies it (`apply` answers for them). The forms redraw from the new edition."""
        from PySide6.QtWidgets import QDialog

        if self.session.workspace is None:
            return False
        dialog = self.block_dialog(chosen)
        if apply is None:
            apply = dialog.exec() == QDialog.DialogCode.Accepted
        plan = dialog.plan
        dialog.deleteLater()
        if not apply or plan is None or plan.unchanged:
            return False
        done = self.ops.run(lambda: self.session.add_block(plan))
        if done:
            self.status.showMessage(tr("The {year} catalogue now has the block {block}").format(
                year=self.session.require_workspace().year, block=plan.block), 10000)
        return done

    def block_dialog(self, chosen: tuple[str, str] | None = None) -> BlockDialog:
        from ui.catalogue_dialogs import BlockDialog

        dialog = BlockDialog(self.ops, self.dialog_parent)
        if chosen is not None:
            dialog.choose(*chosen)
        return dialog

    def open_next_year(self) -> bool:
        """Open the reporting year after the latest one, with a copy of its catalogue."""
        if self.session.store is None:
            return False
        _years, latest = self.session.years()
        return self.ops.run(lambda: self.session.open_year(latest + 1))

    def show_coverage(self) -> CoverageDialog | None:
        from ui.catalogue_dialogs import CoverageDialog

        if self.session.workspace is None:
            return None
        dialog = CoverageDialog(self.ops, self.dialog_parent)
        dialog.show()
        return dialog

    def show_structure(self) -> StructureDialog | None:
        """The Group structure dialog, on the year in view."""
        from ui.structure_dialog import StructureDialog

        if self.session.store is None:
            return None
        dialog = StructureDialog(self.ops, self.settings, self.dialog_parent)
        dialog.show()
        return dialog
