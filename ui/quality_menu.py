"""A form cell's context menu: how its figure was obtained (measured, calculated, or
estimated with the method asked for), set through the session as the details pane sets it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt
from PySide6.QtWidgets import QMenu, QTableView, QWidget

from esgdesk.model.evidence import QUALITIES, quality_words
from esgdesk.model.layout import FigureRef
from ui.operations import SessionOps

# Asks the user for an estimate's method (the parent, the method held): the text, or None
# when the user cancels.
AskMethod = Callable[[QWidget, str], "str | None"]


def _words(text: str) -> str:
    """The details pane's words for how a figure was obtained, in the interface language."""
    return QCoreApplication.translate("DetailPane", text)


def ask_method(parent: QWidget, held: str) -> str | None:
    """The method of an estimate, asked in a small dialog (None: cancelled)."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    text, given = QInputDialog.getText(parent, _words("Obtained"),
                                       _words("An estimate's method"),
                                       QLineEdit.EchoMode.Normal, held)
    return text.strip() if given else None


class QualityMenu(QObject):
    """The context menu of a form's cells: its one submenu says how the figure was
    obtained; a cell the user may not change, or that holds no value, has none."""

    def __init__(self, ops: SessionOps, view: QTableView, ask: AskMethod = ask_method) -> None:
        super().__init__(view)
        self.ops, self.view, self.ask = ops, view, ask
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._show)

    def menu_at(self, position: QPoint) -> QMenu | None:
        """The menu for the cell at a point of the view's viewport (None: no typed figure
        there)."""
        model = self.view.model()
        figure = getattr(model, "figure", None)
        ref = figure(self.view.indexAt(position)) if figure is not None else None
        workspace = self.ops.session.workspace
        if ref is None or workspace is None or not workspace.is_editable(ref):
            return None
        stored = workspace.stored(ref)  # said of a figure held, as in the details pane
        if stored is None or stored.value is None:
            return None
        held, method = self.ops.session.quality_of(ref)
        menu = QMenu(self.view)
        obtained = menu.addMenu(_words("Obtained"))
        for quality in ("", *QUALITIES):
            action = obtained.addAction(quality_words(quality, self.ops.lang) or "—")
            action.setCheckable(True)
            action.setChecked(quality == held)
            action.setData(quality)
            action.triggered.connect(
                lambda _checked=False, q=quality: self._choose(ref, q, method))
        return menu

    def _show(self, position: QPoint) -> None:
        menu = self.menu_at(position)
        if menu is not None:
            menu.exec(self.view.viewport().mapToGlobal(position))
            menu.deleteLater()

    def _choose(self, ref: FigureRef, quality: str, held_method: str) -> None:
        method = ""
        if quality == "estimated":
            asked = self.ask(self.view, held_method)
            if asked is None:
                return
            method = asked
        session = self.ops.session
        self.ops.run(lambda: session.set_quality(ref, quality, method))
