"""The main window: the report's chapters and tables, and the open database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QMainWindow, QTreeWidget, QTreeWidgetItem

from esgdesk.catalogue import load
from esgdesk.store import Store, open_database


class MainWindow(QMainWindow):
    def __init__(self, lang: str = "zh") -> None:
        super().__init__()
        self.lang = lang
        self.store: Store | None = None
        self.setWindowTitle("esgdesk")
        self.chapters = QTreeWidget()
        self.chapters.setHeaderLabels(["章节 / Chapter", "表格 / Tables"])
        self.setCentralWidget(self.chapters)
        self.database_label = QLabel()
        self.statusBar().addPermanentWidget(self.database_label)
        self._fill_chapters()

    def _fill_chapters(self) -> None:
        catalogue = load()
        for chapter in catalogue.chapters:
            item = QTreeWidgetItem([f"{chapter.number} {chapter.title(self.lang)}".strip(),
                                    str(len(chapter.tables))])
            for table in chapter.tables:
                item.addChild(QTreeWidgetItem([table.title(self.lang), ""]))
            self.chapters.addTopLevelItem(item)
        self.chapters.expandToDepth(0)
        self.chapters.resizeColumnToContents(0)

    def open_database(self, path: Path) -> None:
        if self.store is not None:
            self.store.close()
        self.store = open_database(path)
        self.database_label.setText(str(path))
