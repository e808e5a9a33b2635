"""The session as the window sees it: every change runs through `run`, and one `changed`
signal tells the forms, findings, details and dashboard what changed (they decide what to
redraw). Errors the user caused become one message box."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from esgdesk.application.session import Changes, Session
from esgdesk.errors import EsgdeskError, Unreachable


class SessionOps(QObject):
    changed = Signal(object)  # Changes

    def __init__(self, session: Session, window: QWidget) -> None:
        super().__init__(window)
        self.session = session
        self.window = window
        self.lang = "zh"

    def run(self, operation: Callable[[], Changes]) -> bool:
        """Run a change; tell every subscriber what it changed, or say why it could not be."""
        try:
            changes = operation()
        except EsgdeskError as exc:
            if exc.kind == "unreachable":  # a read before the write found the server away
                exc = Unreachable(getattr(exc, "path", ""), "the server cannot be reached; "
                                  "nothing was written", "无法连接服务器；没有写入任何内容")
            self.refuse(exc)
            return False
        self.changed.emit(changes)
        return True

    def refuse(self, exc: EsgdeskError) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self.window, "esgdesk", exc.message(self.lang))

    def announce(self, changes: Changes) -> None:
        """Tell the subscribers about a change made elsewhere (a finished validation run)."""
        self.changed.emit(changes)
