"""What the benches share to measure a PostgreSQL server beside a SQLite file: the options
(`--url` an empty server database, or `--server` a throwaway cluster started as the tests
start theirs) and the server they name."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
