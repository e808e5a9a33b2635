"""Where the user left off: the chapter, entity, year and selected cell last shown in a
database, and the findings' department filter, kept in the settings and taken again when
the app starts on that database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from esgdesk.application.session import Changes
from esgdesk.errors import EsgdeskError
from esgdesk.storage.location import shown

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class PlaceMemory(QObject):
    """Writes the place to the settings whenever the chapter or the scope changes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        window.ops.changed.connect(self._changed)
        window.pages.currentChanged.connect(lambda _index: self.remember())
        window.findings.department.currentIndexChanged.connect(
            lambda _index: window.settings.setValue(
                "findings/department", window.findings.department.currentData() or ""))

    def _changed(self, changes: Changes) -> None:
        if changes.scope:
            self.remember()

    def remember(self) -> None:
        window, settings = self.window, self.window.settings
        workspace, form = window.workspace, window.current_form()
        if window.store is None or workspace is None or window.session.offline is not None:
            return
        settings.setValue("place/db", window.store.shown)
        settings.setValue("place/entity", workspace.entity)
        settings.setValue("place/year", workspace.year)
        if form is not None:
            settings.setValue("place/chapter", form.chapter.id)
            place = form.current_place()
            if place is not None:
                settings.setValue("place/table", place[0])
                settings.setValue("place/indicator", place[1])


def open_where_left(window: MainWindow, path: Path, entity: str | None = None,
                    year: int | None = None, chapter: str | None = None) -> None:
    """Open a database on the place given, the rest taken from where the user left this
    database last time; a remembered place that no longer exists is dropped."""
    settings = window.settings
    if settings.value("place/db") != shown(path):
        window.open_database(path, entity, year, chapter)
        return
    remembered_year = settings.value("place/year")
    place = (entity or settings.value("place/entity") or None,
             year or (int(remembered_year) if remembered_year else None),
             chapter or settings.value("place/chapter") or None)
    try:
        window.open_database(path, *place)
    except (EsgdeskError, KeyError):
        window.open_database(path, entity, year, chapter)
        return
    _take_cell(window, chapter)


def _take_cell(window: MainWindow, chapter: str | None) -> None:
    """The cell selected when the database was last shown (unless another chapter is
    asked for), and the findings' department filter."""
    settings = window.settings
    window.findings.show_department(str(settings.value("findings/department", "")) or None)
    form = window.current_form()
    table_id = str(settings.value("place/table", "") or "")
    indicator = str(settings.value("place/indicator", "") or "")
    if form is None or not indicator or table_id not in window.catalogue.tables \
            or (chapter is not None and chapter != form.chapter.id):
        return
    form.show_figure(window.catalogue.tables[table_id], indicator=indicator)
