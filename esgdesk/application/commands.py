"""The command registry: each command declared once, its options beside what it does. The
command line (cli.py) and its groups of commands (cli_catalogue.py) declare theirs here; a
command on a database gets a Session open on it, and writes only through it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.application.databases import Location, location
from esgdesk.errors import FileRefused
from esgdesk.model.words import counted
from esgdesk.paths import default_database

if TYPE_CHECKING:
    from esgdesk.application.session import Session

Arguments = Callable[[argparse.ArgumentParser], None]
Handler = Callable[[argparse.Namespace], int]
SessionHandler = Callable[["Session", argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    """One command: its name, what it does, the options it takes and how it runs."""

    name: str
    help: str
    arguments: Arguments | None
    run: Handler
    takes_database: bool  # an optional database file (default: the user data folder)

    def parser(self) -> argparse.ArgumentParser:
        """The command's own parser, so options and positionals may come in any order."""
        parser = argparse.ArgumentParser(prog=f"esgdesk {self.name}", description=self.help)
        parser.add_argument("--user", help="who makes the change (default: $ESGDESK_USER "
                            "or the login name)")
        if self.takes_database:
            parser.add_argument("path", nargs="?", type=location,
                                help="database file or postgresql:// URL (default: the "
                                "user data folder)")
        if self.arguments is not None:
            self.arguments(parser)
        return parser


REGISTRY: dict[str, Command] = {}


def command(name: str, help_text: str, arguments: Arguments | None = None, *,
            takes_database: bool = False) -> Callable[[Handler], Handler]:
    """Declare a command run by the decorated function on its parsed options."""
    def register(run: Handler) -> Handler:
        REGISTRY[name] = Command(name, help_text, arguments, run, takes_database)
        return run
    return register


def session_command(name: str, help_text: str, arguments: Arguments | None = None,
                    ) -> Callable[[SessionHandler], SessionHandler]:
    """Declare a command on an open database: the decorated function gets a session open on
    it (the database named, or the user's), acting as the user, and the parsed options."""
    def register(run: SessionHandler) -> SessionHandler:
        REGISTRY[name] = Command(name, help_text, arguments, partial(_on_session, run), True)
        return run
    return register


def _on_session(run: SessionHandler, args: argparse.Namespace) -> int:
    session = command_session(args.path or default_database(), args)
    try:
        return run(session, args)
    finally:
        session.close()


def command_session(path: Location, args: argparse.Namespace) -> Session:
    """A session open on a database for one command (a warning first where file locking is
    unreliable), acting as the user the command names."""
    from esgdesk.application.session import Session

    session = Session(user_name=args.user or "")
    warning = Session.path_warning(path)
    if warning:
        print(f"esgdesk {args.command}: warning: {warning}", file=sys.stderr)
    session.open_for_command(path)
    return session


def force_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="overwrite the file if it exists")


def refuse_existing(path: Path, force: bool) -> None:
    """A command never overwrites a file silently (a returned workbook, say): only with
    --force."""
    if path.exists() and not force:
        raise FileRefused("exists already; give --force to overwrite it",
                          "文件已存在；如要覆盖请加 --force", where=str(path), kind="exists")


def print_refused(name: Path | str, problems: list[Any], lang: str) -> int:
    """A file refused on the command line: each problem (with its sheet!cell) on stderr,
    then one line saying nothing was written; the exit code."""
    for problem in problems:
        print(problem.message(lang), file=sys.stderr)
    print(f"{name}: refused, {counted(len(problems), 'problem')}; nothing was written",
          file=sys.stderr)
    return 1
