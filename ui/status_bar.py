"""The window's status bar, whose messages always fit: one wider than the room the permanent
labels leave is shortened with an ellipsis, and the whole text shows on hover."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStatusBar, QWidget

MARGIN = 24  # the status bar's own padding and the size grip


class ElidingStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.whole = ""  # the message as given
        self.permanent: list[QWidget] = []
        self.messageChanged.connect(self._message_changed)

    def addPermanentWidget(self, widget: QWidget, stretch: int = 0) -> None:
        self.permanent.append(widget)
        super().addPermanentWidget(widget, stretch)

    def room(self) -> int:
        """The width a message may take beside the permanent labels shown."""
        taken = sum(w.sizeHint().width() + 6 for w in self.permanent if w.isVisible())
        return max(self.width() - taken - MARGIN, 40)

    def showMessage(self, text: str, timeout: int = 0) -> None:
        self.whole = text
        shown = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, self.room())
        super().showMessage(shown, timeout)
        self.setToolTip(text if shown != text else "")

    def currentMessage(self) -> str:
        """The message as given (on screen it may be shortened)."""
        return self.whole if super().currentMessage() else ""

    def shown_message(self) -> str:
        """The message as it is on screen."""
        return super().currentMessage()

    def _message_changed(self, text: str) -> None:
        if not text:  # timed out or cleared
            self.whole = ""
            self.setToolTip("")
