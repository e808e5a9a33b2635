"""Where a printed sheet's text and pages break: a text too long for one row split into
continuation rows, and the page breaks that keep a table's title and header with its first
rows and never leave one row alone on a page."""

from __future__ import annotations

import re

from esgdesk.exchange.workbook import lines_needed

# A piece that never breaks inside: a Chinese (or full-width) character, else a run of
# other characters with the spaces after it.
_PIECES = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef][\s]*|[^\s\u2e80-\u9fff"
                     r"\uf900-\ufaff\uff00-\uffef]+\s*|\s+")


def continued(text: str, width: float, most_lines: int, bold: bool = False) -> list[str]:
    """A text as parts each wrapping onto at most `most_lines` lines of a column `width`
    wide, cut between words (a list's items where it is one: after "; "), never inside
    one; the text itself when it fits."""
    if lines_needed(text, width, bold) <= most_lines:
        return [text]
    parts: list[str] = []
    current = ""
    for piece in _items(text):
        if current and lines_needed(current + piece, width, bold) > most_lines:
            parts.append(current.rstrip())
            current = ""
        if lines_needed(piece, width, bold) > most_lines:  # one item longer than a row
            for word in _PIECES.findall(piece):
                if current and lines_needed(current + word, width, bold) > most_lines:
                    parts.append(current.rstrip())
                    current = ""
                current += word
            continue
        current += piece
    if current.strip():
        parts.append(current.rstrip())
    return parts


def _items(text: str) -> list[str]:
    """A text's list items ("a; b; c" → "a; ", "b; ", "c"), or its words."""
    if "; " in text:
        items = text.split("; ")
        return [f"{item}; " for item in items[:-1]] + [items[-1]]
    return _PIECES.findall(text)


def paginate(heights: list[float], keeps: list[int], headers: list[int | None],
             room: float, repeated: float = 0.0) -> tuple[list[int], list[int]]:
    """The rows as printed and the rows that start a new page, for rows of `heights`
    points on pages `room` points high whose first `repeated` points are the title rows
    printed on each page: a row with `keeps[i]` > 0 goes on the page of the next
    `keeps[i]` rows, so a table's title and header start a page rather than end one and
    no page is left holding a table's last row alone; a page that begins inside a table
    (`headers[i]`: the row of its header) begins with that header again. The rows are
    given as the index of each line written (a header repeated appears twice), the breaks
    as the rows written that start a page."""
    order: list[int] = []
    breaks: list[int] = []
    used = 0.0
    row = 0
    while row < len(heights):
        end = row
        while end < len(heights) - 1 and keeps[end] > 0 and end - row < 12:
            end = min(end + keeps[end], len(heights) - 1)
        block = sum(heights[row:end + 1])
        if used > repeated and used + block > room:
            breaks.append(len(order))
            used = repeated
            header = headers[row]
            if header is not None and header != row:
                order.append(header)
                used += heights[header]
        order.extend(range(row, end + 1))
        used += block
        row = end + 1
    return order, breaks
