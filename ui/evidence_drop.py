"""Files dropped on a figure (a form's cell, or the details pane showing it) become its
evidence: each is attached through the session, which refuses what is not a document."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from esgdesk.model.layout import FigureRef
from ui.operations import SessionOps

FigureAt = Callable[[QPoint], "FigureRef | None"]


def dropped_files(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    """The local files a drag carries (none for text, or for a web address)."""
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class FileDrop(QObject):
    """Watches a widget for files dragged onto a figure (`figure_at` the drop's position)
    and attaches each, one audited change a file."""

    def __init__(self, ops: SessionOps, figure_at: FigureAt, widget: QWidget) -> None:
        super().__init__(widget)
        self.ops, self.figure_at = ops, figure_at
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(
                event, (QDragEnterEvent, QDragMoveEvent)):
            if dropped_files(event) and self.figure_at(event.position().toPoint()) is not None:
                event.acceptProposedAction()
                return True
            return False
        if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            files = dropped_files(event)
            ref = self.figure_at(event.position().toPoint())
            if not files or ref is None:
                return False
            event.acceptProposedAction()
            session = self.ops.session
            for path in files:
                if not self.ops.run(lambda p=path: session.attach_evidence(ref, p)):
                    break  # refused, and said why: the rest wait for the user
            return True
        return False
