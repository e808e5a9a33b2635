"""Validating a whole group takes most of a second: the session's run is stepped in slices
between the user's events, so the form is usable at once; findings appear when it ends."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from esgdesk.errors import EsgdeskError
from esgdesk.rules.workspace import ValidationRun
from ui.first_paint import after_first_paint
from ui.i18n import tr

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class ValidationRunner(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.wanted = False  # a run is asked for and waits for the window's first paint

    def start(self) -> None:
        """Validate the scope shown, after the window's first paint at start-up."""
        self.wanted = True
        self.window.validating_label.setVisible(True)
        after_first_paint(self._begin)

    def _begin(self) -> None:
        wanted, self.wanted = self.wanted, False
        if not wanted or self.session.workspace is None:  # cancelled, begun already, closed
            return
        run = self.session.start_validation()
        QTimer.singleShot(0, lambda: self._step(run))

    def _step(self, run: ValidationRun) -> None:
        try:
            changes = self.session.step_validation(run)
        except EsgdeskError as exc:  # a file damaged under us
            self.cancel()
            self.window.statusBar().showMessage(tr("Validation failed: {why}")
                                                .replace("{why}", exc.message()), 10000)
            return
        if changes is None:
            QTimer.singleShot(0, lambda: self._step(run))
            return
        if run is self.session.validation or self.session.validation is None:
            self.window.validating_label.setVisible(False)
        if changes.findings:
            self.window.ops.announce(changes)

    def cancel(self) -> None:
        self.wanted = False
        self.session.cancel_validation()
        self.window.validating_label.setVisible(False)

    def running(self) -> bool:
        return self.wanted or self.session.validation is not None
