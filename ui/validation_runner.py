"""Validating a whole group takes most of a second: the session's run is stepped in slices
between the user's events, so the form is usable at once; the findings of the entities done
so far appear as soon as the first companies are read, and the rest as they come. A new
scope (another entity, year or database) starts a run just after the window has painted its
figures; later edits re-validate incrementally. The figures of the scope left are freed after
the new one's findings, a part at a time, never before the new scope's paint."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from esgdesk.application.session import Changes
from esgdesk.errors import EsgdeskError
from esgdesk.rules.workspace import ValidationRun
from ui.first_paint import after_next_paint
from ui.i18n import tr
from ui.operations import SessionOps


class ValidationRunner(QObject):
    def __init__(self, ops: SessionOps, label: QLabel, status: QStatusBar,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops, self.session = ops, ops.session
        self.label, self.status = label, status  # "Validating…" while a run goes on
        self.wanted = False  # a run is asked for and waits for the window's (first) paint
        self.letting_go = False  # the figures of the scopes left are being freed
        ops.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        if changes.scope:
            self.start()

    def start(self) -> None:
        """Validate the scope shown, once the window has painted it (at start-up, after its
        first paint)."""
        self.wanted = True
        self.label.setVisible(True)
        after_next_paint(self.label, self._begin)

    def _begin(self) -> None:
        wanted, self.wanted = self.wanted, False
        if not wanted or self.session.workspace is None:  # cancelled, begun already, closed
            return
        run = self.session.start_validation()
        if run.findings_complete:  # found before, and nothing written since: shown at once
            self.ops.announce(Changes(findings=True))
        self._step(run)  # in the turn after the paint: a company's findings paint next

    def _step(self, run: ValidationRun) -> None:
        try:
            changes = self.session.step_validation(run)
        except EsgdeskError as exc:  # a file damaged under us
            self.cancel()
            self.status.showMessage(tr("Validation failed: {why}")
                                                .replace("{why}", exc.message()), 10000)
            return
        going = run is self.session.validation  # the findings so far were shown
        if changes is None or going:
            QTimer.singleShot(0, lambda: self._step(run))
        if changes is None:
            return
        if changes.findings:
            self.ops.announce(changes)
        if not going and self.session.validation is None:
            self.label.setVisible(False)
            # the writing side's libraries, imported beside the window once a run has ended
            # (not while one goes on: the import would share the processor with it)
            self.session.warm_up()
            if not self.letting_go:  # a first part at once, after the findings: a user
                self.letting_go = True  # going from scope to scope without a pause still
                self._let_go()  # frees the scopes left, a part with each one's findings

    def _let_go(self) -> None:
        """The figures of the scopes left are freed a part at a time between the user's
        events, once the new scope's findings are shown: a scope chosen meanwhile is painted
        and validated first, and the end of its run takes the freeing up again. (Before a
        large tree is read the session frees them itself.)"""
        if self.wanted or self.session.validation is not None:
            self.letting_go = False
            return
        self.letting_go = not self.session.let_go_a_part()
        if self.letting_go:
            QTimer.singleShot(0, self._let_go)

    def cancel(self) -> None:
        self.wanted = False
        self.session.cancel_validation()
        self.label.setVisible(False)

    def running(self) -> bool:
        return self.wanted or self.session.validation is not None
