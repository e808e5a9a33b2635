"""The data sheet: every stored figure in long format, written straight (most of a large
group's workbook)."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from esgdesk.exchange.report.base import ReportBase
from esgdesk.exchange.workbook import (
    PRINT_SCALE_LEAST,
    height_for,
    lines_needed,
    longest_word,
    narrowed,
    print_room,
    text_width,
    word,
    xlsx_fit_a4,
)
from esgdesk.model.catalogue import Indicator
from esgdesk.model.states import STATES

DATA_SECOND_PAGE = 4  # the data sheet's column printed first on a second page across
# … and on a third: who changed it and when, and how it was obtained (every row has the
# first two, so no page of a row band prints its headings alone)
DATA_THIRD_PAGE = 9
DATA_ROWS_A_STEP = 5000  # the data sheet reports progress (and may be cancelled) this often


class DataSheet(ReportBase):
    """The long-format data sheet."""

    def _data_sheet(self, sheet: Any, step: Callable[[str], None]) -> None:
        """Long format, one stored figure a row, for a pivot table or pandas; an explicit
        state (n/a, not available) in its own column, so it never reads as missing. Written
        straight, without a Page: on a large group it is most of the workbook."""
        lang = self.lang
        cells = self.cells
        keys = ("entity", "year", "indicator_id", "label", "unit", "value", "state", "status",
                "note", "changed_by", "changed_at", "quality", "estimate_method")
        names = {code: self._name(code) for code in self.figures.children}
        units = [indicator.unit(lang) for indicator in self.catalogue.indicators.values()]
        headings = [longest_word(word(key, lang), bold=True) + 2 for key in keys]
        wanted = [max(width, least) for least, width in zip(
            headings, (min(max(map(text_width, names.values()), default=0) + 2, 40), 6,
                       max(map(len, self.catalogue.indicators), default=0) + 2, 40,
                       min(max(map(text_width, units), default=0) + 2, 24), 14, 10, 10, 36,
                       12, 34, 10, 30), strict=True)]
        least = [max(h, w) for h, w in zip(headings, (
            max((longest_word(n) + 2 for n in names.values()), default=8), 6, wanted[2],
            max((longest_word(i.label(lang)) + 2 for i in self.catalogue.indicators.values()),
                default=8), max((longest_word(u) + 2 for u in units), default=6),
            14, 10, 10, 14, 12, 34, 10, 14), strict=True)]
        # Three pages across at the least scale, each narrowed to its page (wrapped where it
        # can): what the figure is on the first, the figure and its review on the second, who
        # changed it when and how it was obtained on the third.
        room = print_room(True)
        widths = (narrowed(wanted[:DATA_SECOND_PAGE], least[:DATA_SECOND_PAGE], room)
                  + narrowed(wanted[DATA_SECOND_PAGE:DATA_THIRD_PAGE],
                             least[DATA_SECOND_PAGE:DATA_THIRD_PAGE], room)
                  + narrowed(wanted[DATA_THIRD_PAGE:], least[DATA_THIRD_PAGE:], room))
        for column, key in enumerate(keys):
            cells.write(sheet, 0, column, word(key, lang), cells.style("bold", "header",
                                                                        "middle"))
            sheet.set_column(column, column, widths[column])
        sheet.set_row(0, height_for(2))
        wrap = cells.style("wrap")
        plain = cells.format(wrap)
        shown: dict[str, tuple[Indicator, str, str, Any, int]] = {}
        for indicator in self.catalogue.indicators.values():
            label = indicator.label(lang)
            number_format = cells.format(cells.style("wrap",
                                                     num_format=indicator.type.entry_format()))
            unit = indicator.unit(lang)
            shown[indicator.id] = (indicator, label, unit, number_format,
                                   max(lines_needed(label, widths[3]),
                                       lines_needed(unit, widths[4])))
        name_lines = {code: lines_needed(name, widths[0]) for code, name in names.items()}
        states = {s.id: s.word(lang) for s in STATES.values()}
        statuses = {s: word(s, lang) for s in ("draft", "submitted", "approved", "locked")}
        numbers: dict[tuple[str, str], float | int] = {}
        texts: dict[tuple[str, str], str] = {}  # text figures as shown, each worked out once
        heights: dict[int, float | None] = {}
        known: dict[str, Any] = {}  # names and users, checked once by write(): their Format
        write, write_string, write_number = cells.write, sheet.write_string, sheet.write_number
        values = self.figures.book.values
        qualities = {year: self.store.qualities(year) for year in {key[2] for key in values}}
        obtained = {q: word(q, lang) for q in ("measured", "calculated", "estimated")}
        row = 0
        for key in sorted(values):
            entity, indicator_id, year = key
            found = shown.get(indicator_id)
            if found is None:
                continue
            indicator, label, unit, number_format, lines = found
            stored = values[key]
            row += 1
            note, by, value = stored.note, stored.changed_by, stored.value
            lines = max(lines, name_lines.get(entity, 1))
            quality = qualities[year].get((entity, indicator_id))
            if quality is not None and len(quality[1]) * 2 > widths[12] - 2:
                lines = max(lines, lines_needed(quality[1], widths[12]))
            if len(note) * 2 > widths[8] - 2:  # long texts wrap onto more lines
                lines = max(lines, lines_needed(note, widths[8]))
            if len(by) * 2 > widths[9] - 2:
                lines = max(lines, lines_needed(by, widths[9]))
            if value is not None and not indicator.type.numeric:
                text = texts.get((indicator_id, value))
                if text is None:
                    text = texts[indicator_id, value] = indicator.type.display(value, lang)
                value = text
                lines = max(lines, lines_needed(value, widths[5]))
            if lines > 1:
                height = heights.get(lines)
                if height is None:
                    height = heights[lines] = height_for(lines)
                sheet.set_row(row, height)
            name = names.get(entity, entity)
            name_format = known.get(name)
            if name_format is None:
                write(sheet, row, 0, name, wrap)
                known[name] = cells.text_format(name, wrap)
            else:
                write_string(row, 0, name, name_format)
            write_number(row, 1, year, plain)
            write_string(row, 2, indicator_id, plain)
            write_string(row, 3, label, plain)
            if unit:
                write_string(row, 4, unit, plain)
            if value is None:
                if stored.state in states:
                    write_string(row, 6, states[stored.state], plain)
            elif not indicator.type.numeric:
                write(sheet, row, 5, value, wrap)
            else:
                number = numbers.get((indicator_id, value))
                if number is None:
                    number = numbers[indicator_id, value] = self._number(indicator,
                                                                         Decimal(value))
                write_number(row, 5, number, number_format)
            write_string(row, 7, statuses.get(stored.status, stored.status), plain)
            if note:
                write(sheet, row, 8, note, wrap)
            if by:
                by_format = known.get(by)
                if by_format is None:
                    write(sheet, row, 9, by, wrap)
                    known[by] = cells.text_format(by, wrap)
                else:
                    write_string(row, 9, by, by_format)
            if stored.changed_at:
                write_string(row, 10, stored.changed_at, plain)
            if quality is not None:
                write_string(row, 11, obtained.get(quality[0], quality[0]), plain)
                if quality[1]:
                    write(sheet, row, 12, quality[1], wrap)
            if row % DATA_ROWS_A_STEP == 0:
                step("data")
        sheet.freeze_panes(1, 0)
        sheet.repeat_rows(0)
        sheet.autofilter(0, 0, max(row, 1), len(keys) - 1)
        sheet.set_v_pagebreaks([DATA_SECOND_PAGE, DATA_THIRD_PAGE])
        sheet.print_across()  # a row band's two pages one after the other
        xlsx_fit_a4(sheet, landscape=True, scale=math.ceil(PRINT_SCALE_LEAST * 100))
        step("data")
