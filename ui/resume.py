"""Where the user left off: the chapter, entity, year and selected cell last shown in a
database, and the findings' department filter, kept in the settings and taken again when
the app starts on that database."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings

from esgdesk.application.databases import Location, shown
from esgdesk.application.session import Changes
from esgdesk.errors import EsgdeskError
from ui.findings_panel import FindingsPanel
from ui.form_pages import FormPages
from ui.operations import SessionOps

OpenDatabase = Callable[[Location, str | None, int | None, str | None], None]


class PlaceMemory(QObject):
    """Writes the place to the settings whenever the chapter or the scope changes, and opens
    a database where the user left it."""

    def __init__(self, ops: SessionOps, settings: QSettings, pages: FormPages,
                 findings: FindingsPanel, open_database: OpenDatabase,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.settings = ops.session, settings
        self.pages, self.findings, self.open_database = pages, findings, open_database
        ops.changed.connect(self._changed)
        pages.currentChanged.connect(lambda _index: self.remember())
        pages.figure_selected.connect(lambda _ref: self.remember())
        findings.department.currentIndexChanged.connect(
            lambda _index: settings.setValue(
                "findings/department", findings.department.currentData() or ""))

    def _changed(self, changes: Changes) -> None:
        if changes.scope and not changes.database:  # a database opened: its chapter, shown
            self.remember()

    def remember(self) -> None:
        settings, store = self.settings, self.session.store
        workspace, form = self.session.workspace, self.pages.current_form()
        if store is None or workspace is None or self.session.offline is not None:
            return
        settings.setValue("place/db", store.shown)
        settings.setValue("place/entity", workspace.entity)
        settings.setValue("place/year", workspace.year)
        if form is not None:
            settings.setValue("place/chapter", form.chapter.id)
            place = form.current_place()
            if place is not None:
                settings.setValue("place/table", place[0])
                settings.setValue("place/indicator", place[1])

    def open_where_left(self, path: Location, entity: str | None = None,
                        year: int | None = None, chapter: str | None = None) -> None:
        """Open a database on the place given, the rest taken from where the user left this
        database last time; a remembered place that no longer exists is dropped."""
        settings = self.settings
        if settings.value("place/db") != shown(path):
            self.open_database(path, entity, year, chapter)
            return
        remembered_year = settings.value("place/year")
        place = (entity or settings.value("place/entity") or None,
                 year or (int(remembered_year) if remembered_year else None),
                 chapter or settings.value("place/chapter") or None)
        try:
            self.open_database(path, *place)
        except (EsgdeskError, KeyError):
            self.open_database(path, entity, year, chapter)
            return
        self._take_cell(chapter)

    def _take_cell(self, chapter: str | None) -> None:
        """The cell selected when the database was last shown (unless another chapter is
        asked for), and the findings' department filter."""
        settings = self.settings
        self.findings.show_department(str(settings.value("findings/department", "")) or None)
        form = self.pages.current_form()
        table_id = str(settings.value("place/table", "") or "")
        indicator = str(settings.value("place/indicator", "") or "")
        catalogue = self.session.catalogue
        if form is None or not indicator or table_id not in catalogue.tables \
                or (chapter is not None and chapter != form.chapter.id):
            return
        form.show_figure(catalogue.tables[table_id], indicator=indicator)
