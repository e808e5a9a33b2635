"""Work that waits for the window's first paint: at start-up the window shows the forms first,
and the validation run, the file check, the writing side and the other chapters' forms begin
just after, so the window appears as soon as it can."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

Work = Callable[[], None]
_waiting: list[Work] | None = None  # None: no start-up is holding work back
LONGEST_WAIT_MS = 2000  # a window never exposed (started minimised) still gets its work


def hold() -> None:
    """Keep the work asked for from now on back until `release`."""
    global _waiting
    _waiting = []


def after_first_paint(work: Work) -> None:
    """Run `work` now, or just after the window's first paint while a start-up awaits it."""
    if _waiting is None:
        work()
    else:
        _waiting.append(work)


def release() -> None:
    """Run the work held back, in the order asked, each in its own turn of the event loop
    (so the window answers between them); later work runs at once."""
    global _waiting
    waiting, _waiting = _waiting or [], None
    for work in waiting:
        QTimer.singleShot(0, work)


def discard() -> None:
    """Drop the work held back (a screenshot run ends at its first paint)."""
    global _waiting
    _waiting = None


class _FirstExpose(QObject):
    """Releases the work once the window is exposed: Qt paints it while handling that
    event, so the work posted from here runs after the paint."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and getattr(watched, "isExposed", bool)():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, release)
        return False


def release_after_first_paint(window: QWidget) -> None:
    """Release the work held back once `window` (shown) has painted."""
    handle = window.windowHandle()
    if handle is None or handle.isExposed():
        QTimer.singleShot(0, release)
        return
    handle.installEventFilter(_FirstExpose(window))
    QTimer.singleShot(LONGEST_WAIT_MS, release)
