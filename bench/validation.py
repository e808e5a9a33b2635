"""Validation speed: `python bench/validation.py` prints the figures.

On a generated group (89 subsidiaries × 10 years, the full catalogue): validating
one year of the whole group (aim: under 1 s), and re-validating after one edit,
only the rules that read the edited figure (aim: under 50 ms).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from esgdesk.application.generate import generate_group
from esgdesk.rules.validation import Validator
from esgdesk.storage.store import Change


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--companies", type=int, default=89)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        store = generate_group(Path(folder) / "group.db", args.companies, args.years)
        values = sum(1 for _ in store.all_values())
        print(f"generated {len(store.entities())} entities × {args.years} years, "
              f"{values:,} figures in {time.perf_counter() - start:.1f} s")
        full = []
        for _ in range(args.runs):
            start = time.perf_counter()
            findings = Validator(store, 2023).run()
            full.append(time.perf_counter() - start)
        print(f"validate 2023, whole group: median {statistics.median(full) * 1000:.0f} ms "
              f"(min {min(full) * 1000:.0f}, max {max(full) * 1000:.0f}), "
              f"{len(findings)} findings   (aim: under 1 s)")
        validator = Validator(store, 2023)
        validator.run()
        rng = random.Random(7)
        companies = [e.code for e in store.entities() if e.parent]
        indicators = ["people.employees.female", "people.employees.total",
                      "innovation.rd.staff", "innovation.rd.investment",
                      "innovation.infosec.training.participants"]
        store.warm_up()
        incremental = []
        for _ in range(args.edits):
            entity, indicator = rng.choice(companies), rng.choice(indicators)
            written = store.set_value(Change(entity, 2023, indicator,
                                             str(rng.randint(1, 500))), "bench")
            start = time.perf_counter()
            validator.update(written)
            incremental.append(time.perf_counter() - start)
        print(f"re-validate after one edit: median {statistics.median(incremental) * 1000:.1f} ms "
              f"(max {max(incremental) * 1000:.1f})   (aim: under 50 ms)")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
