"""Forms: how a catalogue table is laid out for data entry, for one entity and reporting year.

A form grid has label, unit and value columns; each value cell names the figure
it shows (entity, year, indicator) and whether it may be typed into. The Qt
models in ui/ only render this; they decide nothing. Request workbooks use the same
grid, and the report workbook a variant of it (ReportGrid) with the printed years.
"""

from __future__ import annotations

from esgdesk.model.catalogue import Catalogue, Label, Row, Table
from esgdesk.model.frozen import Frozen

FORM_YEARS = 3  # the reporting year and the two before it, prior years read-only


class FigureRef(Frozen):
    """Which figure a cell shows."""

    _fields = ("entity", "year", "indicator")
    entity: str
    year: int
    indicator: str

    def __init__(self, entity: str, year: int, indicator: str) -> None:
        self.__dict__.update(entity=entity, year=year, indicator=indicator)


class GridColumn(Frozen):
    """A column of a form's grid: the label, the unit, or a year's (or a site's) figures."""

    _fields = ("kind", "title", "year", "entity", "key", "group")
    kind: str  # "label" | "unit" | "value"
    title: Label
    year: int | None
    entity: str | None
    key: str | None  # matrix column key
    group: Label | None  # a site column's year, shown above the site name

    def __init__(self, kind: str, title: Label, year: int | None = None,
                 entity: str | None = None, key: str | None = None,
                 group: Label | None = None) -> None:
        self.__dict__.update(kind=kind, title=title, year=year, entity=entity, key=key,
                             group=group)

    def heading(self, lang: str) -> str:
        """The title with its year on one line ("2023 年 东莞"), as a printed header row has it."""
        if self.group is None:
            return self.title(lang)
        return f"{self.group(lang)} {self.title(lang)}"


class SiteInfo(Frozen):
    """A site a per-site table shows, by code, with its name."""

    _fields = ("code", "name")
    code: str
    name: Label

    def __init__(self, code: str, name: Label) -> None:
        self.__dict__.update(code=code, name=name)


class FormGrid:
    """The cells of one catalogue table for one entity and reporting year."""

    def __init__(self, catalogue: Catalogue, table: Table, entity: str, year: int,
                 sites: list[SiteInfo] | None = None) -> None:
        self.catalogue = catalogue
        self.table = table
        self.entity = entity
        self.year = year
        self.rows: tuple[Row, ...] = table.rows
        self.columns: list[GridColumn] = self._columns(sites or [])
        self._cells: list[list[FigureRef | None]] | None = None  # worked out when first asked

    def _columns(self, sites: list[SiteInfo]) -> list[GridColumn]:
        table = self.table
        columns = [GridColumn("label", table.header)]
        if self._shows_units():
            columns.append(GridColumn("unit", Label("单位", "Unit")))
        if table.layout == "matrix":
            for column in table.columns:
                title = Label(column.title("zh", self.year), column.title("en", self.year))
                columns.append(GridColumn("value", title, year=self.year, entity=self.entity,
                                          key=column.key))
            return columns
        years = range(self.year - self._year_count() + 1, self.year + 1)
        if table.layout == "sites":
            for year in years:
                for site in sites or [SiteInfo(self.entity, Label(self.entity, self.entity))]:
                    columns.append(GridColumn("value", site.name, year=year, entity=site.code,
                                              group=Label(f"{year} 年", str(year))))
            return columns
        for year in years:
            columns.append(GridColumn("value", Label(f"{year} 年", str(year)), year=year,
                                      entity=self.entity))
        return columns

    def _year_count(self) -> int:
        return FORM_YEARS

    def _shows_units(self) -> bool:
        return self.table.unit_column

    def figure(self, row: int, column: int) -> FigureRef | None:
        """The figure at a cell, or None for labels, units, group rows and empty cells."""
        return self._grid()[row][column]

    def _grid(self) -> list[list[FigureRef | None]]:
        """Every cell's figure, worked out once: a form asks for each cell's on every paint."""
        if self._cells is None:
            self._cells = [[self._figure(row, column) for column in range(len(self.columns))]
                           for row in range(len(self.rows))]
        return self._cells

    def _figure(self, row: int, column: int) -> FigureRef | None:
        col = self.columns[column]
        item = self.rows[row]
        if col.kind != "value" or col.year is None or col.entity is None:
            return None
        if item.kind == "indicator" and item.indicator:
            return FigureRef(col.entity, col.year, item.indicator)
        if item.kind == "cells" and col.key in item.cells:
            return FigureRef(col.entity, col.year, item.cells[col.key])
        return None

    def is_current(self, column: int) -> bool:
        """True for the reporting year's columns (prior years are for reference only)."""
        return self.columns[column].year == self.year

    def row_label(self, row: int, lang: str) -> str:
        item = self.rows[row]
        if item.label is not None:
            return item.label(lang)
        if item.indicator:
            return self.catalogue.indicators[item.indicator].label(lang)
        return ""

    def row_unit(self, row: int, lang: str) -> str:
        item = self.rows[row]
        ids = list(item.indicators())
        return self.catalogue.indicators[ids[0]].unit(lang) if ids else ""

    def figures(self, current_only: bool = False) -> list[FigureRef]:
        """Every figure the grid shows, row by row (or only the reporting year's)."""
        if current_only and self._cells is None:  # a chapter's progress, before its form:
            columns = [c for c, column in enumerate(self.columns) if column.year == self.year]
            return [ref for row in range(len(self.rows)) for column in columns
                    if (ref := self._figure(row, column)) is not None]
        return [ref for cells in self._grid() for ref in cells
                if ref is not None and (not current_only or ref.year == self.year)]

    def locate(self, indicator: str, entity: str | None = None) -> tuple[int, int] | None:
        """The reporting year's cell of an indicator (for an entity), if this grid shows it."""
        for row in range(len(self.rows)):
            for column in range(len(self.columns)):
                ref = self.figure(row, column)
                if ref is not None and ref.indicator == indicator and ref.year == self.year \
                        and entity in (None, ref.entity):
                    return row, column
        return None


class ReportGrid(FormGrid):
    """A table as the report workbook prints it: the years the catalogue gives the table (a
    target table prints one), and a unit beside each figure row, except in a matrix, whose
    column titles say what its cells hold."""

    def _year_count(self) -> int:
        return self.table.years

    def _shows_units(self) -> bool:
        return self.table.layout != "matrix"
