"""What waits for the window's first paint. At start-up the window shows the forms first; the
validation run, the file check, the writing side and the other chapters' forms begin just
after, so the window appears as soon as it can. Later, what a change of scope or database
needs beside its form (its validation run, the tree's badges, a group's findings taken off
the list) waits for the window's next paint in the same way, so the new figures show first.

Start-up also makes some fifty thousand Python objects that live as long as the app (modules,
the catalogue, the widgets' wrappers): the cyclic garbage collector is off until the first
paint, then those objects are frozen out of its later passes and it is on again."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

Work = Callable[[], None]
_waiting: list[Work] | None = None  # None: no start-up is holding work back
LONGEST_WAIT_MS = 2000  # a window never exposed (started minimised) still gets its work


def hold() -> None:
    """A start-up begins: keep the work asked for back until `release`. (This module imports
    Qt only once a window is shown, so a start-up can begin before Qt is imported.)"""
    global _waiting
    _waiting = []
    gc.disable()


def after_first_paint(work: Work) -> None:
    """Run `work` now, or just after the window's first paint while a start-up awaits it."""
    if _waiting is None:
        work()
    else:
        _waiting.append(work)


def starting_up() -> bool:
    """True while a start-up holds work back for the window's first paint."""
    return _waiting is not None


LONGEST_PAINT_WAIT_MS = 100  # work waiting for a paint that does not come (nothing changed)


def after_next_paint(shown: QWidget, work: Work) -> None:
    """Run `work` in the event loop's turn after the window of `shown` next paints, or, while
    a start-up holds work back, after its first paint. Qt paints last in a turn, after the
    work posted meanwhile: posted now, a slice of background work would delay the paint of
    what the user just chose. A window not shown runs the work in the next turn."""
    if _waiting is not None:
        _waiting.append(work)
        return
    from PySide6.QtCore import QObject, Qt, QTimer

    top = shown.window()
    handle = top.windowHandle()
    if not top.isVisible() or handle is None or not handle.isExposed():
        QTimer.singleShot(0, work)
        return
    waiter = top.findChild(QObject, NEXT_PAINT, Qt.FindChildOption.FindDirectChildrenOnly)
    if waiter is None:
        waiter = _next_paint_class()(top)
    waiter.waiting.append(work)
    QTimer.singleShot(LONGEST_PAINT_WAIT_MS, waiter, waiter.painted)


NEXT_PAINT = "next-paint"  # the object name of a window's filter waiting for its paint
_next_paint: type | None = None


def _next_paint_class() -> type:
    """The event filter that runs the work waiting for a window's next paint (its class is
    made once Qt is imported)."""
    global _next_paint
    if _next_paint is not None:
        return _next_paint
    from PySide6.QtCore import QEvent, QObject, QTimer

    class NextPaint(QObject):
        def __init__(self, top: QWidget) -> None:
            super().__init__(top)
            self.setObjectName(NEXT_PAINT)
            self.waiting: list[Work] = []
            top.installEventFilter(self)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.UpdateRequest and self.waiting:
                self.painted()  # the paint follows at once; the work, in the next turn
            return False

        def painted(self) -> None:
            waiting, self.waiting = self.waiting, []
            for work in waiting:
                QTimer.singleShot(0, work)

    _next_paint = NextPaint
    return NextPaint


def release() -> None:
    """The window has painted: run the work held back, in the order asked, each in its own
    turn of the event loop (so the window answers between them); later work runs at once."""
    from PySide6.QtCore import QTimer

    for work in _painted():
        QTimer.singleShot(0, work)


def discard() -> None:
    """The window has painted and the run ends there (a screenshot): drop the work."""
    _painted()


def _painted() -> list[Work]:
    global _waiting
    waiting, _waiting = _waiting, None
    if waiting is None:  # released already
        return []
    gc.freeze()  # start-up's objects stay: later collections need not walk them
    gc.enable()
    return waiting


def release_after_first_paint(shown: QWidget) -> None:
    """Release the work held back now once the window `shown` has painted."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    held = _waiting

    def release_held() -> None:  # not a later start-up's work (a test starts many)
        if _waiting is held:
            release()

    class FirstExpose(QObject):
        """Releases the work once the window is exposed: Qt paints it while handling that
        event, so the work posted from here runs after the paint."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Expose and getattr(watched, "isExposed", bool)():
                watched.removeEventFilter(self)
                QTimer.singleShot(0, release_held)
            return False

    handle = shown.windowHandle()
    if handle is None or handle.isExposed():
        QTimer.singleShot(0, release_held)
        return
    handle.installEventFilter(FirstExpose(shown))
    QTimer.singleShot(LONGEST_WAIT_MS, release_held)
