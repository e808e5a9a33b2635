"""Export speed: `python bench/export.py` prints the figures.

On the generated group (89 subsidiaries × 10 years): the consolidated 2023 workbook
with its by-entity comparison sheet, against two floors measured in the same run:
XlsxWriter alone (constant-memory mode, as the export uses it) and openpyxl alone, each
writing the same cells with the same number formats and styles (read back from the
exported workbook). Peak memory: the process's maximum resident size (generating the
group included) and the most Python held at once during one export (tracemalloc).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from copy import copy
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from esgdesk.application.generate import generate_group
from esgdesk.exchange.export import collector_paused, export_workbook

Cell = tuple[int, int, object, dict[str, object]]
AIM = 1.3  # the export at most this many times the XlsxWriter floor


def floor(cells: list[tuple[str, list[Cell]]], out: Path) -> float:
    """openpyxl alone: the same cells, each given only the styles the export gave it."""
    from openpyxl import Workbook

    start = time.perf_counter()
    book = Workbook()
    book.remove(book.active)
    for title, sheet_cells in cells:
        sheet = book.create_sheet(title)
        for row, column, value, style in sheet_cells:
            cell = sheet.cell(row=row, column=column, value=value)
            for key, setting in style.items():
                setattr(cell, key, setting)
    book.save(out)
    return time.perf_counter() - start


def xlsxwriter_floor(cells: list[tuple[str, list[Cell]]], out: Path) -> float:
    """XlsxWriter alone, row by row in constant-memory mode: the same cells with the same
    formats (one Format per distinct style, made as they are met), text written as text."""
    import xlsxwriter

    start = time.perf_counter()
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    formats: dict[tuple[tuple[str, int], ...], Any] = {}
    for title, sheet_cells in cells:
        sheet = book.add_worksheet(title)
        for row, column, value, style in sheet_cells:
            key = tuple((name, id(setting)) for name, setting in style.items())
            if key not in formats:
                settings = xlsxwriter_format(style)
                formats[key] = book.add_format(settings) if settings else None
            cell_format = formats[key]
            if isinstance(value, str):
                sheet.write_string(row - 1, column - 1, value, cell_format)
            elif value is None:
                sheet.write_blank(row - 1, column - 1, None, cell_format)
            else:
                sheet.write_number(row - 1, column - 1, value, cell_format)
            if "comment" in style:
                sheet.write_comment(row - 1, column - 1, style["comment"].text,
                                    {"author": style["comment"].author})
    book.close()
    return time.perf_counter() - start


def xlsxwriter_format(style: dict[str, Any]) -> dict[str, Any]:
    """An openpyxl cell's styles (as read_cells gives them) as XlsxWriter format settings."""
    settings: dict[str, Any] = {}
    if "number_format" in style:
        settings["num_format"] = style["number_format"]
    if (font := style.get("font")) is not None:
        settings.update(bold=bool(font.b), italic=bool(font.i), font_size=font.sz or 11)
        if font.color is not None and isinstance(font.color.rgb, str):
            settings["font_color"] = "#" + font.color.rgb[-6:]
    if (fill := style.get("fill")) is not None and isinstance(fill.fgColor.rgb, str):
        settings.update(pattern=1, bg_color="#" + fill.fgColor.rgb[-6:])
    if (border := style.get("border")) is not None and border.left.style:
        settings["border"] = 1
        if border.left.color is not None:
            settings["border_color"] = "#" + border.left.color.rgb[-6:]
    if (alignment := style.get("alignment")) is not None:
        if alignment.horizontal:
            settings["align"] = alignment.horizontal
        if alignment.vertical:
            settings["valign"] = {"center": "vcenter"}.get(alignment.vertical,
                                                           alignment.vertical)
        settings["text_wrap"] = bool(alignment.wrap_text)
        if alignment.indent:
            settings["indent"] = int(alignment.indent)
    if style.get("quotePrefix"):
        settings["quote_prefix"] = True
    return settings


def read_cells(path: Path) -> list[tuple[str, list[Cell]]]:
    """Every written cell of a workbook with its non-default styles, one object per style."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment

    book = load_workbook(path)
    ids = {"number_format": "numFmtId", "font": "fontId", "fill": "fillId",
           "border": "borderId", "alignment": "alignmentId"}
    shared: dict[str, object] = {}
    cells = []
    for sheet in book.worksheets:
        found = []
        for line in sheet.iter_rows():
            for cell in line:
                style: dict[str, object] = {}
                for key, index in ids.items():
                    if cell.has_style and getattr(cell._style, index):  # 0: the default
                        setting = getattr(cell, key)
                        style[key] = shared.setdefault(f"{key}{setting!r}", copy(setting))
                if cell.has_style and cell.quotePrefix:
                    style["quotePrefix"] = True
                if cell.comment is not None:
                    style["comment"] = Comment(cell.comment.text, cell.comment.author)
                if cell.value is not None or style:
                    found.append((cell.row, cell.column, cell.value, style))
        cells.append((sheet.title, found))
    return cells


def export_memory(store: Any, out: Path) -> float:
    """The most memory Python held at once during one export, in MB."""
    tracemalloc.start()
    export_workbook(store, 2023, out, lang="zh", by_entity=True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        store = generate_group(work / "group.db")
        export_workbook(store, 2023, work / "report.xlsx", lang="zh", by_entity=True)
        ours_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        held = export_memory(store, work / "traced.xlsx")
        cells = read_cells(work / "report.xlsx")
        count = sum(len(c) for _, c in cells)
        ours, fast, slow = [], [], []
        for _ in range(args.runs):  # interleaved, so a busy machine slows all three alike
            start = time.perf_counter()
            export_workbook(store, 2023, work / "report.xlsx", lang="zh", by_entity=True)
            ours.append(time.perf_counter() - start)
            # The floors run with the cycle collector held off too, as the export does
            # (collector_paused): this process holds millions of objects read back from the
            # workbook, and a sweep of them is no cost of writing cells.
            with collector_paused():
                fast.append(xlsxwriter_floor(cells, work / "xlsxwriter.xlsx"))
            with collector_paused():
                slow.append(floor(cells, work / "openpyxl.xlsx"))
        mine = statistics.median(ours)
        fast_floor, slow_floor = statistics.median(fast), statistics.median(slow)
        print(f"consolidated 2023 workbook with by-entity sheet, {len(store.entities())} "
              f"entities, {count:,} cells, median of {args.runs} runs:")
        print(f"  esgdesk export    {mine * 1000:6.0f} ms")
        print(f"  XlsxWriter floor  {fast_floor * 1000:6.0f} ms   export / floor "
              f"{mine / fast_floor:4.2f} x   (aim: at most {AIM}x)")
        print(f"  openpyxl floor    {slow_floor * 1000:6.0f} ms   export / floor "
              f"{mine / slow_floor:4.2f} x")
        print(f"  peak memory: {ours_peak:.0f} MB resident after generating the group and "
              f"exporting (aim: under 300 MB); {held:.0f} MB held by Python during one export")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
