"""A second floor for start-up (bench/startup.py): what any data-entry window has (a menu
bar, a tool bar, a tree of 30 entities, a table of 40 rows and 5 columns, a status bar),
with none of esgdesk's own code, shown, painted, saved to a PNG as the bare window is."""
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QTableView, QToolBar, QTreeView

app = QApplication(sys.argv[:1])
window = QMainWindow()
for name in ("File", "Edit", "View", "Data", "Help"):
    menu = window.menuBar().addMenu(name)
    for n in range(8):
        menu.addAction(f"{name} {n}")
bar = QToolBar()
for n in range(10):
    bar.addAction(f"Act {n}")
window.addToolBar(bar)
tree = QTreeView()
tm = QStandardItemModel()
for n in range(30):
    tm.appendRow(QStandardItem(f"Company {n}"))
tree.setModel(tm)
table = QTableView()
model = QStandardItemModel(40, 5)
for r in range(40):
    for c in range(5):
        item = QStandardItem(f"{r * c * 1.5:,.2f}")
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        model.setItem(r, c, item)
table.setModel(model)
split = QSplitter()
split.addWidget(tree)
split.addWidget(table)
window.setCentralWidget(split)
window.statusBar().showMessage("ready")
window.resize(1280, 800)
window.show()
app.processEvents()
window.screen().grabWindow(window.winId()).save(sys.argv[1])  # as esgdesk's --screenshot
