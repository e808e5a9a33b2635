"""What the benches share to measure a PostgreSQL server beside a SQLite file: the options
(`--url` an empty server database, or `--server` a throwaway cluster started as the tests
start theirs) and the server they name."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent


def server_arguments(parser: argparse.ArgumentParser) -> None:
    server = parser.add_mutually_exclusive_group()
    server.add_argument("--url", help="also on this empty PostgreSQL database")
    server.add_argument("--server", action="store_true",
                        help="also on a PostgreSQL cluster started for the bench")


@contextmanager
def server_url(args: argparse.Namespace) -> Iterator[str | None]:
    """The empty server database to measure on (None: SQLite only)."""
    if not args.server:
        yield args.url
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from pg_server import PgServer

    cluster = PgServer().start()
    try:
        yield cluster.create_database("bench")
    finally:
        cluster.stop()


def cluster_cpu(where: str) -> float | None:
    """CPU seconds the server's processes have used so far, when `where` is a database of a
    cluster started here (its Unix socket folder holds the cluster, as --server starts it):
    the postmaster's, the processes it has ended and those still running (the connections'
    among them). None on another server, or on a file."""
    folder = parse_qs(urlsplit(where).query).get("host", [""])[0] if "://" in where else ""
    try:
        postmaster = int((Path(folder) / "data" / "postmaster.pid").read_text().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")

        def used(pid: int, reaped: bool) -> int:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return sum(int(f) for f in fields[11:15 if reaped else 13])

        total = used(postmaster, True)
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
        for child in children:
            with suppress(OSError):  # ended meanwhile: counted with the postmaster's
                total += used(int(child), False)
        return total / ticks
    except (OSError, ValueError, IndexError):
        return None
