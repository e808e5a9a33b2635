"""Other users' changes on a server database, shown as they happen: a short timer asks the
session what they changed, and the window's one `changed` signal redraws it (the forms,
findings and dashboard each decide what). A SQLite file announces nothing, so nothing runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from esgdesk.errors import EsgdeskError
from ui.i18n import counted

if TYPE_CHECKING:
    from ui.main_window import MainWindow

POLL_MS = 250  # well under the second a change may take to show


class LiveUpdates(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)

    def follow(self) -> None:
        """Listen when the open database is a server's; stop otherwise."""
        try:
            listening = self.window.session.listen()
        except EsgdeskError:
            listening = False
        if listening:
            self.timer.start()
        else:
            self.timer.stop()

    def poll(self) -> None:
        try:
            changes = self.window.session.others_changed()
        except EsgdeskError as exc:  # the server went away: say so once, stop asking
            self.timer.stop()
            self.window.statusBar().showMessage(exc.message(self.window.lang), 10000)
            return
        if changes.figures:
            self.window.ops.announce(changes)
            self.window.statusBar().showMessage(
                counted(len(changes.figures), "{n} figure changed by another user",
                        "{n} figures changed by another user"), 5000)
        elif changes.requests:
            self.window.ops.announce(changes)
