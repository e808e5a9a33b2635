"""Other users' changes on a server database, shown as they happen: a short timer asks the
session what they changed, and the one `changed` signal redraws it (the forms,
findings and dashboard each decide what). A SQLite file announces nothing, so nothing runs.

When the server goes away the window says so in its banner and tries again, waiting longer
each time (RETRY_MS); back, it reads the figures in view again and says how many changed.
Meanwhile reads give what they last read and writes are refused (esgdesk.storage.base)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QStatusBar

from esgdesk.application.session import Changes, Session
from esgdesk.errors import EsgdeskError
from ui.banner import WarningBanner
from ui.i18n import counted
from ui.operations import SessionOps

POLL_MS = 250  # well under the second a change may take to show
RETRY_MS = (1000, 2000, 4000, 8000, 15000, 30000)  # between tries to reconnect


class LiveUpdates(QObject):
    def __init__(self, ops: SessionOps, banner: WarningBanner, status: QStatusBar,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops, self.session = ops, ops.session
        self.banner, self.status = banner, status
        ops.changed.connect(self._changed)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self.retry)
        self.tries = 0  # since the server went away; 0 while it is there

    def _changed(self, changes: Changes) -> None:
        if changes.database:
            self.follow()

    @property
    def lost(self) -> bool:
        return self.tries > 0

    def follow(self) -> None:
        """Listen when the open database is a server's; stop otherwise."""
        self.retry_timer.stop()
        self.tries = 0
        self.banner.warn("server", None)
        try:
            listening = self.session.listen()
        except EsgdeskError:
            listening = False
        if listening:
            self.timer.start()
        else:
            self.timer.stop()

    def poll(self) -> None:
        try:
            changes = self.session.others_changed()
        except EsgdeskError as exc:
            if exc.kind == "unreachable":
                self.went_away()
                return
            self.timer.stop()  # anything else: say so once, stop asking
            self.status.showMessage(exc.message(self.ops.lang), 10000)
            return
        if changes.figures:
            self.ops.announce(changes)
            self.status.showMessage(
                counted(len(changes.figures), "{n} figure changed by another user",
                        "{n} figures changed by another user"), 5000)
        elif changes.requests:
            self.ops.announce(changes)

    def went_away(self) -> None:
        """The server cannot be reached: say so, and try again later (longer each time)."""
        self.timer.stop()
        english, chinese = Session.SERVER_LOST
        self.banner.warn("server", chinese if self.ops.lang == "zh" else english)
        self.retry_timer.start(RETRY_MS[min(self.tries, len(RETRY_MS) - 1)])
        self.tries += 1

    def retry(self) -> None:
        try:
            count = self.session.reconnect()
        except EsgdeskError as exc:
            if exc.kind == "unreachable":
                self.went_away()
                return
            self.tries = 0
            self.banner.warn("server", exc.message(self.ops.lang))
            return
        self.tries = 0
        self.banner.warn("server", None)
        self.ops.announce(Changes(reloaded=True, findings=True, requests=True))
        self.status.showMessage(Session.server_back(count, self.ops.lang), 15000)
        self.timer.start()
