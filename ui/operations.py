"""The session as the window sees it: every change runs through `run`, and one `changed`
signal tells whoever subscribed (the forms, navigation, findings, details, dashboard, the
scope bar, the status bar, the menus) what changed; each decides what to redraw. Errors the
user caused become one message box."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from esgdesk.application.session import Changes, Session
from esgdesk.errors import EsgdeskError, Unreachable


class SessionOps(QObject):
    changed = Signal(object)  # Changes

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.parent_widget = parent  # the message boxes' parent
        self.lang = "zh"  # the interface language, which every pane reads here

    def run(self, operation: Callable[[], Changes]) -> bool:
        """Run a change; tell every subscriber what it changed, or say why it could not be."""
        changes = self.attempt(operation)
        if changes is None:
            return False
        self.changed.emit(changes)
        return True

    def attempt(self, operation: Callable[[], Changes]) -> Changes | None:
        """Run a change and return what it changed, or say why it could not be (None); the
        caller announces it (opening a database is announced once it is shown)."""
        try:
            return operation()
        except EsgdeskError as exc:
            if exc.kind == "unreachable":  # a read before the write found the server away
                exc = Unreachable(getattr(exc, "path", ""), "the server cannot be reached; "
                                  "nothing was written", "无法连接服务器；没有写入任何内容")
            self.refuse(exc)
            return None

    def refuse(self, exc: EsgdeskError) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self.parent_widget, "esgdesk", exc.message(self.lang))

    def announce(self, changes: Changes) -> None:
        """Tell the subscribers about a change made elsewhere (a finished validation run)."""
        self.changed.emit(changes)
