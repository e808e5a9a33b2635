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

from esgdesk.export import export_workbook
from esgdesk.generate import generate_group


def floor(cells: list[tuple[str, list[tuple[int, int, object, str, object, object]]]],
          out: Path) -> float:
    from openpyxl import Workbook

    start = time.perf_counter()
    book = Workbook()
    book.remove(book.active)
    for title, sheet_cells in cells:
        sheet = book.create_sheet(title)
        for row, column, value, number_format, font, fill in sheet_cells:
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = number_format
            cell.font = font
            cell.fill = fill
    book.save(out)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from openpyxl import load_workbook

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        store = generate_group(work / "group.db")
        ours = []
        for _ in range(args.runs):
            start = time.perf_counter()
            export_workbook(store, 2023, work / "report.xlsx", lang="zh", by_entity=True)
            ours.append(time.perf_counter() - start)
        book = load_workbook(work / "report.xlsx")
        styles: dict[tuple[str, str], tuple[object, object]] = {}

        def shared(font: object, fill: object) -> tuple[object, object]:
            # One style object per distinct style, as a careful openpyxl program would.
            plain = (copy(font), copy(fill))
            key = (repr(plain[0]), repr(plain[1]))
            return styles.setdefault(key, plain)

        cells = [(s.title, [(c.row, c.column, c.value, c.number_format,
                             *shared(c.font, c.fill)) for r in s.iter_rows() for c in r
                            if c.value is not None]) for s in book.worksheets]
        del book
        count = sum(len(c) for _, c in cells)
        floors = [floor(cells, work / "floor.xlsx") for _ in range(args.runs)]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        mine, base = statistics.median(ours), statistics.median(floors)
        print(f"consolidated 2023 workbook with by-entity sheet, {len(store.entities())} "
              f"entities, {count:,} cells:")
        print(f"  esgdesk export  median {mine * 1000:6.0f} ms")
        print(f"  openpyxl floor  median {base * 1000:6.0f} ms")
        print(f"  ratio           {mine / base:6.2f} x   (aim: at most 1.5x)")
        print(f"  peak memory of this process {peak:.0f} MB")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
