"""The floor for start-up: a bare PySide6 window with a label, shown, painted, saved to a PNG."""

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("esgdesk"))
window.resize(1280, 800)
window.show()
app.processEvents()
window.screen().grabWindow(window.winId()).save(sys.argv[1])  # as esgdesk's --screenshot
