"""A contributor's writes on a server: `python bench/contributor.py --server` (a throwaway
PostgreSQL cluster the bench starts, as the tests do) or `--url URL` (an empty server
database whose user owns it, on a server that lets the bench log in as the contributor it
grants).

A generated group of five subsidiaries is pushed to the server, a contributor for hr is
granted, and the same batch of hr figures (every typed number hr owns, for each company) is
written in one `set_values` by the owner (a coordinator) and by the contributor, three times
each with new values (each company's figures that the company takes). The server checks each
of the contributor's figures (its owner in the year's edition, its status); for both, the
server's trigger writes each figure's audit row (time, user, chain hash), the app passing
only its user, reason and source. The coordinator (the tables' owner here) goes unchecked.
Aim: a contributor's write costs no more than 1.5 times a coordinator's.

Measured side by side with a copy of the code before the hardened rights (c777743), two
rounds each on a loaded two-core machine: before 1.34x and 1.44x (contributor 365 and 619 ms,
coordinator 273 and 430 ms); after 0.88x and 1.01x (contributor 367 and 465 ms, coordinator
417 and 461 ms).

With the audit rows written by the server's triggers (290 figures, two cores shared with other
work): at a load of 8, before (the app writing them) 0.50x and 0.81x (contributor 723 and
1871 ms, coordinator 1454 and 2315 ms), after 1.66x, 1.30x, 0.71x and 1.27x (contributor
911, 1641, 775 and 1940 ms, coordinator 549, 1265, 1087 and 1526 ms); at a load of 3, before
0.80x (610 and 765 ms), after 0.59x, 1.02x and 0.69x (contributor 462, 733 and 705 ms,
coordinator 781, 721 and 1020 ms). The coordinator's rows are no longer hashed in Python,
the contributor's no longer stamped twice nor checked at commit.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engines import server_arguments, server_url  # noqa: E402  (bench/, beside this file)

CONTRIBUTOR = "bench_hr"
ROUNDS = 3


def as_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    server_arguments(parser)
    args = parser.parse_args()
    if not (args.server or args.url):
        parser.error("a server is needed: --server or --url URL")
    with tempfile.TemporaryDirectory() as folder, server_url(args) as url:
        assert url is not None
        database = Path(folder) / "group.db"
        for command in (("generate", str(database), "--companies", "5"),
                        ("server", "init", url), ("server", "push", str(database), url),
                        ("server", "grant", url, "--name", CONTRIBUTOR, "--role",
                         "contributor", "--department", "hr")):
            subprocess.run([sys.executable, "-m", "esgdesk", *command], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
        times = {"coordinator": [], "contributor": []}
        figures = 0
        for round_number in range(ROUNDS):
            for role, where in (("coordinator", url), ("contributor", as_user(url, CONTRIBUTOR))):
                seconds, figures = measure(where, round_number, role == "contributor")
                times[role].append(seconds)
    print(f"{figures} hr figures written in one set_values on the server, "
          f"median (max) of {ROUNDS}:")
    for role, measured in times.items():
        median = statistics.median(measured)
        print(f"  {role:<12} {median * 1000:7.0f} ms ({max(measured) * 1000:5.0f})   "
              f"{median / figures * 1000:5.2f} ms a figure")
    ratio = statistics.median(times["contributor"]) / statistics.median(times["coordinator"])
    print(f"  contributor / coordinator: {ratio:.2f}×   (aim: at most 1.5×)")
    return 0


def measure(where: str, round_number: int, contributor: bool) -> tuple[float, int]:
    from esgdesk.storage.location import location
    from esgdesk.storage.store import Change, open_database

    store = open_database(location(where))
    try:
        catalogue = store.edition(2023)
        owned = [i.id for i in catalogue.indicators.values()
                 if i.owner == "hr" and i.formula is None and i.type.numeric]
        companies = [e.code for e in store.entities() if e.kind == "company"]
        changes = [Change(code, 2023, indicator, str(10 + 10 * round_number
                                                    + n % 7 + contributor))
                   for n, (code, indicator) in enumerate(
                       (c, i) for c in companies for i in owned
                       if store.takes(c, 2023, i))]
        start = time.perf_counter()
        store.set_values(changes, "bench")
        return time.perf_counter() - start, len(changes)
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
