"""A modal progress dialog for the domain's long work (export, requests, import), with a
cancel the work obeys."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget


def progress_dialog(parent: QWidget, text: str, cancel: str) -> tuple[QProgressDialog,
                                                                      Callable[..., bool]]:
    """A modal progress dialog and the callback the domain's long work reports to."""
    dialog = QProgressDialog(text, cancel, 0, 100, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)

    def progress(done: int, total: int, _what: str) -> bool:
        dialog.setMaximum(total)
        dialog.setValue(done)
        QApplication.processEvents()
        return not dialog.wasCanceled()

    return dialog, progress
