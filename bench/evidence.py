"""Evidence at scale: `python bench/evidence.py` prints the figures.

On the generated group (89 subsidiaries × 10 years by default): attach 1,000 documents of
200 kB to the latest year's figures, 800 distinct and 200 the same bills attached to a second
figure (content stored once by its SHA-256), each attachment one audited transaction; then
pack the year (report workbook, figures with their histories, the audit log, the evidence,
the manifest) and verify the pack offline. Prints each step's time, the database's growth
against the bytes attached, and the pack's size.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from esgdesk.application.generate import generate_group
from esgdesk.application.session import Session
from esgdesk.exchange.assurance_pack import verify_pack
from esgdesk.model.states import VALUE

SIZE = 200 * 1024


def document(number: int) -> bytes:
    """A 200 kB PDF, different for each number."""
    body = hashlib.shake_256(str(number).encode()).digest(SIZE - 16)  # as a scan: it
    return b"%PDF-1.4\n" + body + b"\n%%EOF\n"  # does not compress


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=89)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeated", type=int, default=200,
                        help="how many of the files are a document attached already")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "group.db"
        started = time.perf_counter()
        store = generate_group(path, companies=args.companies)
        year = max(store.years())
        print(f"generated group: {args.companies} subsidiaries, "
              f"{time.perf_counter() - started:.1f} s")
        figures = [v for v in store.figures_of([e.code for e in store.entities()],
                                               [year]).values()
                   if v.state == VALUE and v.value is not None]
        store.close()
        before = os.path.getsize(path)
        session = Session(user_name="bench")
        session.open_for_command(path)
        store = session.require_store()
        distinct = args.files - args.repeated
        started = time.perf_counter()
        for number in range(args.files):
            figure = figures[number % len(figures)]
            content = document(number % distinct)
            store.attach(figure.entity, year, figure.indicator, f"bill-{number}.pdf", content,
                         "bench")
        attach_seconds = time.perf_counter() - started
        stored = store.evidence_size()
        session.close()
        after = os.path.getsize(path)
        print(f"attached {args.files} documents of 200 kB ({distinct} distinct): "
              f"{attach_seconds:.1f} s, {attach_seconds / args.files * 1000:.1f} ms each")
        print(f"database: {before / 2**20:.1f} MB → {after / 2**20:.1f} MB "
              f"(+{(after - before) / 2**20:.1f} MB; documents stored once: "
              f"{stored / 2**20:.1f} MB of {args.files * SIZE / 2**20:.1f} MB attached)")
        session = Session(user_name="bench")
        session.open_for_command(path)
        out = Path(folder) / "pack.zip"
        started = time.perf_counter()
        session.write_pack(year, out)
        pack_seconds = time.perf_counter() - started
        session.close()
        print(f"pack of {year}: {pack_seconds:.1f} s, {out.stat().st_size / 2**20:.1f} MB")
        started = time.perf_counter()
        manifest, problems = verify_pack(out)
        print(f"verify: {time.perf_counter() - started:.1f} s, {len(manifest['parts'])} parts, "
              f"{len(problems)} problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
