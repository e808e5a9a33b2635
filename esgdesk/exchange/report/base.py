"""The report workbook's common ground: the export's figures and names, each figure as a
cell prints it, and a laid-out page written row by row with its print set-up."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from esgdesk.exchange.pages import continued, paginate
from esgdesk.exchange.report.page import (
    Cell,
    Line,
    Page,
    header_lines,
    indent_of,
    is_bold,
)
from esgdesk.exchange.workbook import (
    DEFAULT_HEIGHT,
    LINE_HEIGHT,
    PRINTABLE_HEIGHT,
    ROW_HEIGHT_MOST,
    Style,
    XlsxCells,
    height_for,
    lines_needed,
    print_scale,
    text_width,
    xlsx_fit_a4,
)
from esgdesk.model.catalogue import Catalogue, Indicator, name_in
from esgdesk.model.evidence import ESTIMATED
from esgdesk.model.states import VALUE
from esgdesk.rules.consolidate import Consolidation
from esgdesk.rules.figures import rounded
from esgdesk.storage.store import PrintedFigure, Store

# Points a row of default height may print at, the spreadsheet program fitting it to its
# text: a line of a Chinese font is taller.
DEFAULT_PRINTED = {False: 15.5, True: 16.5}
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


class ReportBase:
    """What every kind of sheet of the report reads (the figures of the entity's tree, its
    names, the workbook's language) and how a laid-out Page is written to a sheet."""

    def __init__(self, store: Store, year: int, entity: str | None, lang: str,
                 by_entity: bool = False, per_child: bool = False) -> None:
        self.store = store
        self.catalogue: Catalogue = store.edition(year)
        self.year = year
        self.entity = store.entity(entity).code if entity else store.root().code
        self.lang = lang
        self.by_entity = by_entity
        self.per_child = per_child
        self.figures = Consolidation(store, range(year - 2, year + 1), self.entity)
        self.tree = store.tree(year)  # the structure of the report's year
        self.everyone = store.tree()  # every entity ever held, to name those of other years
        self.taken: set[str] = set()
        self.cells: XlsxCells
        self._printed: dict[tuple[str, str, int], PrintedFigure] | None = None

    def estimated(self, entity: str, indicator: str, year: int) -> list[str]:
        """The methods of the estimates a figure holds: its own, stored estimated, or those of
        the figures below it that it consolidates (empty when none is an estimate)."""
        estimates = self._estimates()
        if not estimates:
            return []
        return [estimates[code, indicator, year] for code in self.tree.subtree(entity)
                if (code, indicator, year) in estimates]

    def _estimates(self) -> dict[tuple[str, str, int], str]:
        """Every estimated figure of the export's years: its method, by (entity,
        indicator, year), read once."""
        found = getattr(self, "_estimated", None)
        if found is None:
            found = {}
            for year in range(self.year - 2, self.year + 1):
                for (entity, indicator), (quality, method) in self.store.qualities(year).items():
                    if quality == ESTIMATED:
                        found[entity, indicator, year] = method
            self._estimated = found
        return found

    def _number(self, indicator: Indicator, number: Decimal) -> float | int:
        return indicator.type.excel_number(rounded(indicator, number))

    def printed(self, indicator: Indicator, year: int, entity: str) -> PrintedFigure | None:
        """How the report prints a computed figure otherwise than computed (read for the
        export's entities and years when first asked), None when as computed."""
        if indicator.formula is None:
            return None
        if self._printed is None:
            self._printed = self.store.printed_figures(self.figures.codes, self.figures.years)
        return self._printed.get((entity, indicator.id, year))

    def value_of(self, indicator: Indicator, year: int, entity: str | None = None) -> Any:
        entity = entity or self.entity
        mark = self._mark(indicator, year, entity)
        if mark is not None:
            return mark
        printed = self.printed(indicator, year, entity)
        if printed is not None:  # as the report rounds it; a footnote says so
            return indicator.type.excel_number(Decimal(printed.printed))
        if indicator.type.numeric:
            number = self.figures.whole(entity, indicator.id, year)
            return None if number is None else self._number(indicator, number)
        text = self.figures.text(entity, indicator.id, year)
        if text is None:
            return None
        return indicator.type.display(text, self.lang)

    def _mark(self, indicator: Indicator, year: int, entity: str) -> str | None:
        """What the report prints for a figure the entity marked n/a or not available
        ("/", "—", as the edition says), never a blank that reads as missing."""
        stored = self.figures.book.stored(entity, indicator.id, year)
        if stored is None or stored.state == VALUE:
            return None
        return self.catalogue.marks.get(stored.state)

    def _name(self, code: str) -> str:
        found = self.everyone.get(code)
        return found.name(self.lang) if found is not None else code

    def _approach(self) -> str:
        """The consolidation approach of the method, as the method's choice words it."""
        from esgdesk.model.method import choices
        from esgdesk.rules.consolidate import APPROACH

        choice = choices()[APPROACH]
        return choice.options[self.figures.approach].label(self.lang)

    def _company(self) -> str:
        """The company as the cover names it: a name given as "中文 / English" in the
        workbook's language, else as given, else the catalogue's, else the entity's name."""
        given = name_in(self.store.setting("company"), self.lang)
        return given or self.catalogue.company(self.lang) or self._name(self.entity)

    def _put(self, page: Page, sheet: Any, freeze: tuple[int, int] | None,
             one_page: bool = False) -> None:
        """Write a laid-out page row by row, with its widths, row heights and print set-up:
        a text longer than a row holds continued on the rows below, page breaks before a
        table that would not start with its first rows, and a table's header row printed
        again at the top of each page it goes on to."""
        widths, landscape = page.widths()
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        lines = list(self._continued(page.lines, widths))
        laid = [self._row_layout(line, widths) for line in lines]
        heights = [height or DEFAULT_PRINTED[chinese] for height, chinese, _s in laid]
        scale = print_scale(widths, landscape)
        order, breaks = list(range(len(lines))), []
        if freeze is not None:
            keeps = [line.keep for line in lines]
            if len(keeps) > 2:
                keeps[-2] = max(keeps[-2], 1)  # no page holds the last row alone
            order, breaks = paginate(heights, keeps, header_lines(lines),
                                     PRINTABLE_HEIGHT[landscape] * 100 / scale,
                                     repeated=heights[0] if heights else 0.0)
        last = len(widths) - 1
        for row, index in enumerate(order):
            line, (height, _chinese, styles) = lines[index], laid[index]
            if height is not None:
                sheet.set_row(row, height)
            for column, cell in line.cells.items():
                if styles[column] is not cell.style:  # merged over the sheet's columns
                    sheet.merge_range(row, 0, row, last, "", self.cells.format(styles[column]))
                self.cells.write(sheet, row, column, cell.value, styles[column])
                if cell.comment is not None and cell.value is not None:
                    sheet.write_comment(row, column, cell.comment, {"author": "esgdesk"})
        if freeze is not None:
            sheet.freeze_panes(*freeze)
            sheet.repeat_rows(0)
            if breaks:
                sheet.set_h_pagebreaks(breaks[:1023])
        xlsx_fit_a4(sheet, landscape=landscape, one_page=one_page,
                    scale=None if one_page else scale)

    def _row_layout(self, line: Line, widths: list[float]
                    ) -> tuple[float | None, bool, dict[int, Style]]:
        """A line's row height (None: the default), whether it holds Chinese, and each
        cell's style (a spanning text wider than the first column merged over the sheet's
        columns and wrapped within them)."""
        across, last = sum(widths), len(widths) - 1
        height, chinese = None, False
        styles = {column: cell.style for column, cell in line.cells.items()}
        for column, cell in line.cells.items():
            if not isinstance(cell.value, str):
                continue
            size = dict(cell.style).get("font_size", 11)
            chinese = chinese or bool(_CJK.search(cell.value))
            room = widths[column] - indent_of(cell.style)
            if line.spanning and text_width(cell.value) + 2 > widths[0] and last > 0:
                room = across
                styles[column] = (*cell.style, ("text_wrap", True), ("valign", "top"))
            if not line.spanning or room == across:
                # widths are in digits of 11-point text: a smaller font fits more on a line
                lines = lines_needed(cell.value, room * 11 / size, is_bold(cell.style))
                needed = height_for(lines, size, bool(_CJK.search(cell.value)))
                if needed is not None:
                    height = max(height or 0.0, needed)
        if height is not None:
            height = min(max(height, DEFAULT_HEIGHT), ROW_HEIGHT_MOST)
        return height, chinese, styles

    def _continued(self, lines: list[Line], widths: list[float]) -> Iterator[Line]:
        """The lines, each text too long for one row (409 points) split into parts on
        rows of their own below it, the other cells of those rows left blank."""
        for line in lines:
            parts: dict[int, list[str]] = {}
            if not line.spanning:
                for column, cell in line.cells.items():
                    if isinstance(cell.value, str):
                        size = dict(cell.style).get("font_size", 11)
                        most = int((ROW_HEIGHT_MOST - 3) / (LINE_HEIGHT * size / 11))
                        found = continued(cell.value, widths[column] - indent_of(cell.style),
                                          most, is_bold(cell.style))
                        if len(found) > 1:
                            parts[column] = found
            if not parts:
                yield line
                continue
            rows = max(len(p) for p in parts.values())
            for index in range(rows):
                yield Line({column: Cell(
                    parts[column][index] if index < len(parts[column]) else None, cell.style)
                    if column in parts else Cell(cell.value if index == 0 else None,
                                                 cell.style, cell.comment)
                    for column, cell in line.cells.items()},
                    keep=line.keep if index == rows - 1 else 0)
