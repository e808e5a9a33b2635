"""The Qt binding keeps Python's reference counts whole.

PySide6 6.12.0 on Python 3.11 (where None is an ordinary, counted object) drops a
reference to None on every Qt call that returns nothing; a working session makes
hundreds of thousands of such calls, and the process ends in "Fatal Python error:
deallocating None". pyproject.toml excludes that release; this catches any other.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QStringListModel
from PySide6.QtWidgets import QLabel


def test_calls_returning_nothing_keep_their_reference_to_none(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    model = QStringListModel()
    before = sys.getrefcount(None)
    for number in range(2000):
        label.setText(str(number))
        model.beginResetModel()
        model.endResetModel()
        QCoreApplication.processEvents()
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"{lost} references to None lost in 8,000 Qt calls"
