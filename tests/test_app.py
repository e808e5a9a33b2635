"""The desktop window opens on the sample and lists the report's chapters."""

from pathlib import Path

from pytestqt.qtbot import QtBot

from esgdesk.catalogue import Catalogue
from ui.main_window import MainWindow


def test_the_window_lists_every_chapter(qtbot: QtBot, sample_path: Path,
                                        catalogue: Catalogue) -> None:
    window = MainWindow(lang="en")
    qtbot.addWidget(window)
    window.open_database(sample_path)
    window.show()
    titles = [window.chapters.topLevelItem(i).text(0)
              for i in range(window.chapters.topLevelItemCount())]
    assert titles[0] == "Data of 2023"
    assert len(titles) == len(catalogue.chapters)
    assert str(sample_path) in window.database_label.text()
