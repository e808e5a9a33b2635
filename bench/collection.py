"""Collection speed: `python bench/collection.py` prints the figures.

On the generated group (89 subsidiaries × 10 years): write one HR request workbook
per subsidiary for the year after the latest, fill each as a contributor would
(openpyxl, last year's figures plus 5 %), then import all 89 returned workbooks:
preview (read, check, compare, validate) and accept (one transaction per file),
with progress. Aim: the import under 20 s.

With `--server` (a throwaway PostgreSQL cluster the bench starts, as the tests do) or `--url`
(an empty server database), the same group is pushed to the server and imported there too,
and both engines' figures are printed side by side.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engines import server_arguments, server_url
from openpyxl import load_workbook

from esgdesk.application.generate import generate_group
from esgdesk.exchange.intake import import_files
from esgdesk.exchange.metadata import META_SHEET, read_meta
from esgdesk.exchange.requests import write_requests
from esgdesk.storage.location import Location, location
from esgdesk.storage.store import open_database
from esgdesk.storage.transfer import push


def fill_like_last_year(path: Path, store_values: dict[str, str]) -> None:
    book = load_workbook(path)
    _meta, cells = read_meta(book[META_SHEET], path.name)
    for cell in cells:
        if cell.kind == "value" and cell.indicator in store_values:
            number = Decimal(store_values[cell.indicator]) * Decimal("1.05")
            book[cell.sheet][cell.cell] = int(number)
        elif cell.kind == "submitted_by":
            book[cell.sheet][cell.cell] = "HR"
    book.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=89)
    parser.add_argument("--years", type=int, default=10)
    server_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        generate_group(work / "group.db", args.companies, args.years).close()
        places: dict[str, str | Path] = {"SQLite": work / "group.db"}
        with server_url(args) as url:
            if url:
                push(work / "group.db", location(url))
                places["PostgreSQL"] = url
            results = {engine: collect(location(str(where)), work / engine)
                       for engine, where in places.items()}
    for engine, (files, year, (made, made_cpu), (took, took_cpu), written, refused) \
            in results.items():
        # the processor time too: on a shared machine the clock time says little
        print(f"{engine}: {files} HR request workbooks for {year}: written in {made:.1f} s "
              f"({made_cpu:.1f} s of processor time; aim: under 3 s); "
              f"import of the {files} returned workbooks: {took:.1f} s "
              f"({took_cpu:.1f} s of processor time, {took / files * 1000:.0f} ms a file; "
              f"aim: under 3 s), {written:,} figures written, {len(refused)} refused")
        for line in refused[:3]:
            print(f"  {line}")
    return 0


def collect(where: Location, work: Path) -> tuple[int, int, tuple[float, float],
                                                  tuple[float, float], int, list[str]]:
    """Write, fill and import one HR request per subsidiary on one engine."""
    work.mkdir()
    store = open_database(where)
    try:
        year = max(store.years()) + 1
        companies = [e.code for e in store.children(store.root().code)]
        start, cpu = time.perf_counter(), time.process_time()
        files = write_requests(store, year, companies, ["hr"], work, "coordinator")
        made = time.perf_counter() - start
        made_cpu = time.process_time() - cpu
        for code, path in zip(companies, files, strict=True):
            held = {i: v.value for (i, _y), v in store.values(code, [year - 1]).items()
                    if v.value is not None and store.catalogue.indicators[i].type.name
                    == "count"}
            fill_like_last_year(path, held)

        def progress(done: int, total: int, name: str) -> bool:
            if done % 10 == 0 or done == total:
                print(f"  {done}/{total} steps ({name})", file=sys.stderr)
            return True

        start, cpu = time.perf_counter(), time.process_time()
        reports = import_files(store, files, "coordinator", progress=progress)
        took = time.perf_counter() - start
        took_cpu = time.process_time() - cpu
        written = sum(len(r.writes) for r in reports)
        refused = [r.summary() for r in reports if not r.acceptable]
        return len(files), year, (made, made_cpu), (took, took_cpu), written, refused
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
