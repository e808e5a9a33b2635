"""Where the file dialogs start: the folder the user last chose a file in (kept in the
settings), else their documents folder; never the program's own folder. Qt's file dialog is
imported when the first one opens, not at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QFileDialog, QWidget

KEY = "files/last_folder"


def start_folder(settings: Any) -> Path:
    """The last folder used, if it is still there; else the user's documents (or home)."""
    last = str(settings.value(KEY, "") or "")
    if last and Path(last).is_dir():
        return Path(last)
    from PySide6.QtCore import QStandardPaths

    documents = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def _file_dialog() -> type[QFileDialog]:
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog


def _remember(settings: Any, chosen: str) -> None:
    if chosen:
        path = Path(chosen)
        settings.setValue(KEY, str(path if path.is_dir() else path.parent))


def open_file(parent: QWidget, settings: Any, title: str, filters: str) -> str:
    name, _ = _file_dialog().getOpenFileName(parent, title, str(start_folder(settings)), filters)
    _remember(settings, name)
    return name


def open_files(parent: QWidget, settings: Any, title: str, filters: str) -> list[str]:
    names, _ = _file_dialog().getOpenFileNames(parent, title, str(start_folder(settings)), filters)
    if names:
        _remember(settings, names[0])
    return names


def save_file(parent: QWidget, settings: Any, title: str, suggested: str, filters: str) -> str:
    """A file to write, suggested by name in the last folder used (a suggestion with a
    folder of its own keeps it)."""
    start = Path(suggested) if Path(suggested).is_absolute() \
        else start_folder(settings) / suggested
    name, _ = _file_dialog().getSaveFileName(parent, title, str(start), filters)
    _remember(settings, name)
    return name


def folder(parent: QWidget, settings: Any, title: str) -> str:
    chosen = _file_dialog().getExistingDirectory(parent, title, str(start_folder(settings)))
    _remember(settings, chosen)
    return chosen
