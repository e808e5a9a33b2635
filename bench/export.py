"""Export speed: `python bench/export.py` prints the figures.

On the generated group (89 subsidiaries × 10 years): the consolidated 2023 workbook
with its by-entity comparison sheet, against the floor for this library: openpyxl
alone writing the same cells with the same number formats and styles (read back
from the exported workbook). Peak memory is the process's maximum resident size.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from copy import copy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from esgdesk.application.generate import generate_group
from esgdesk.exchange.export import export_workbook

Cell = tuple[int, int, object, dict[str, object]]


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
                if cell.comment is not None:
                    style["comment"] = Comment(cell.comment.text, cell.comment.author)
                if cell.value is not None or style:
                    found.append((cell.row, cell.column, cell.value, style))
        cells.append((sheet.title, found))
    return cells


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        store = generate_group(work / "group.db")
        ours = []
        for _ in range(args.runs):
            start = time.perf_counter()
            export_workbook(store, 2023, work / "report.xlsx", lang="zh", by_entity=True)
            ours.append(time.perf_counter() - start)
        ours_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        cells = read_cells(work / "report.xlsx")
        count = sum(len(c) for _, c in cells)
        floors = [floor(cells, work / "floor.xlsx") for _ in range(args.runs)]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        mine, base = statistics.median(ours), statistics.median(floors)
        print(f"consolidated 2023 workbook with by-entity sheet, {len(store.entities())} "
              f"entities, {count:,} cells:")
        print(f"  esgdesk export  median {mine * 1000:6.0f} ms")
        print(f"  openpyxl floor  median {base * 1000:6.0f} ms")
        print(f"  ratio           {mine / base:6.2f} x   (aim: at most 1.5x)")
        print(f"  peak memory: {ours_peak:.0f} MB after the exports (generating the group "
              f"included), {peak:.0f} MB after the floor")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
