"""Standing warnings above the forms: a database on a network share, a broken audit log."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class WarningBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("background: #fde2e1; color: #8a1c1c; padding: 6px; "
                           "font-weight: bold;")
        self.warnings: dict[str, str] = {}
        self.hide()

    def warn(self, key: str, text: str | None) -> None:
        """Show a warning under a key, or remove it (text None)."""
        if text:
            self.warnings[key] = text
        else:
            self.warnings.pop(key, None)
        self.setText("\n".join(self.warnings.values()))
        self.setVisible(bool(self.warnings))

    def clear_warnings(self) -> None:
        self.warnings.clear()
        self.warn("", None)
