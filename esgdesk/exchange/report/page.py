"""A sheet laid out before it is written: its lines of cells (a title, a table's header
row, its rows, a footnote) and the widths its text needs on A4."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from esgdesk.exchange.workbook import (
    Style,
    longest_word,
    narrowed,
    print_room,
    text_width,
)

LONGEST_UNBROKEN = 30  # a longer word (an address, a path) may break anywhere at print


class Cell(NamedTuple):
    value: Any
    style: Style = ()
    comment: str | None = None


@dataclass
class Line:
    """One row of a sheet: its cells by column; `spanning` text runs across the sheet's
    columns (a title, a footnote) and is merged over them where it needs the room."""

    cells: dict[int, Cell] = field(default_factory=dict)
    spanning: bool = False
    keep: int = 0  # printed on the same page as this many lines after it
    header: bool = False  # a table's header row, printed again on each page it goes on to


@dataclass
class Page:
    """A sheet laid out before it is written: its lines, the least and most width of each
    column, and the widths the text needs within them."""

    least: dict[int, float]
    most: dict[int, float]
    lines: list[Line] = field(default_factory=list)

    def add(self, line: Line) -> None:
        self.lines.append(line)

    def gap(self) -> None:
        self.lines.append(Line())

    def widths(self) -> tuple[list[float], bool]:
        """Each column's width, and whether the sheet prints landscape: as wide as its text
        wants, else its wrapping columns narrowed (none below its longest word) to what A4
        prints at no less than 8 points, portrait where that is room enough."""
        needs: dict[int, float] = dict(self.least)
        words: dict[int, float] = {}  # no column narrower than a word it holds
        fixed: dict[int, float] = {}  # numbers do not wrap
        for line in self.lines:
            if line.spanning:
                continue
            for column, cell in line.cells.items():
                needs[column] = max(needs.get(column, 0), needed_width(cell))
                if isinstance(cell.value, str):
                    words[column] = max(words.get(column, 0), longest_word(
                        cell.value, is_bold(cell.style)) + indent_of(cell.style) + 2)
                elif cell.value is not None:
                    fixed[column] = max(fixed.get(column, 0), needed_width(cell))
        count = max(needs, default=-1) + 1
        wanted = [round(max(min(needs.get(c, 8), self.most.get(c, 40)), words.get(c, 0),
                            fixed.get(c, 0)), 1) for c in range(count)]
        least = [max(min(words.get(c, 0), LONGEST_UNBROKEN), fixed.get(c, 0), 6.0)
                 for c in range(count)]
        landscape = sum(wanted) > print_room(False) + 8
        return narrowed(wanted, least, print_room(landscape)), landscape


def header_lines(lines: list[Line]) -> list[int | None]:
    """For each line, the header line of the table it is a row of (None: not in a table):
    a table's rows run from its header to the next empty or spanning line."""
    found: list[int | None] = []
    current: int | None = None
    for index, line in enumerate(lines):
        if line.header:
            current = index
        elif line.spanning or not line.cells:
            current = None
        found.append(current)
    return found


def is_bold(style: Style) -> bool:
    return ("bold", True) in style


def indent_of(style: Style) -> int:
    return dict(style).get("indent", 0) * 2


def needed_width(cell: Cell) -> float:
    """The width a cell's content wants, on one line (a wrapped heading: its longest word)."""
    value, style = cell.value, cell.style
    if value is None:
        return 0
    if isinstance(value, str):
        if ("align", "center") in style and " " in value:
            words = max(text_width(w, is_bold(style)) for w in value.split())
            return max(words, min(text_width(value, is_bold(style)), 14)) + 2
        return text_width(value, is_bold(style)) + indent_of(style) + 2
    number_format = dict(style).get("num_format", "")
    places = number_format.count("0") - 1 if "." in number_format else 0
    shown = value * 100 if "%" in number_format else value
    return len(f"{shown:,.{max(places, 0)}f}") + 3
