"""The commands of a group's server database: make one (`server init`), give and take rights
(`server grant`, `server revoke`), and move a SQLite file up to it (`server push`). Pulling one
back into a file is `esgdesk backup URL OUT.db`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from esgdesk.application import databases
from esgdesk.application.commands import command
from esgdesk.application.databases import ServerUrl, is_server, location
from esgdesk.errors import FileRefused

ACTIONS = ("init", "grant", "revoke", "push")
RIGHTS = {
    "coordinator": "everything a coordinator does: figures, requests, imports, approvals, "
                   "locks, catalogue and factors",
    "contributor": "reads the figures; writes figures, notes and states only of indicators "
                   "its departments own, and never an approved or locked one",
    "reader": "reads",
    "assurer": "a verifier: reads everything, writes only its samples and marks",
}


def _server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("where", nargs="+", metavar="URL",
                        help="the server database's postgresql:// URL (push: FILE.db URL)")
    parser.add_argument("--name", dest="login", metavar="NAME",
                        help="grant/revoke: the server login")
    parser.add_argument("--role", choices=tuple(RIGHTS), help="grant: the login's role")
    parser.add_argument("--department", nargs="+", default=[], metavar="DEPT",
                        help="grant --role contributor: the departments it writes for")
    parser.add_argument("--company", default="",
                        help="init: also start a group here with this company's name")
    parser.add_argument("--group-name", default="集团 / Group", help="init: the top entity")
    parser.add_argument("--template", default="zkteco-2023", help="init: the catalogue")
    parser.add_argument("--year", type=int, help="init: the first reporting year")


def _url(text: str) -> ServerUrl:
    where = location(text)
    if not is_server(where):
        raise FileRefused("is not a server URL (postgresql://user@host:port/dbname)",
                          "不是服务器地址（postgresql://用户@主机:端口/数据库）", where=text)
    return where


@command("server", "a group's PostgreSQL database: init, grant, revoke, push",
         _server_arguments)
def _server(args: argparse.Namespace) -> int:
    wanted = 2 if args.action == "push" else 1
    if len(args.where) != wanted:
        print(f"esgdesk server {args.action}: expected "
              f"{'FILE.db URL' if wanted == 2 else 'URL'}", file=sys.stderr)
        return 2
    if args.action == "push":
        return _push(Path(args.where[0]), _url(args.where[1]))
    url = _url(args.where[0])
    if args.action == "init":
        return _init(url, args)
    if not args.login:
        print(f"esgdesk server {args.action}: --name NAME is required", file=sys.stderr)
        return 2
    if args.action == "revoke":
        databases.revoke(url, args.login)
        print(f"{url.shown}: {args.login} has no esgdesk role any more")
        return 0
    if args.role is None:
        print("esgdesk server grant: --role coordinator|contributor|reader is required",
              file=sys.stderr)
        return 2
    departments = databases.department_keys(url, args.department) \
        if args.role == "contributor" else []
    if args.role == "contributor" and not departments:
        print("esgdesk server grant: a contributor needs --department (one or more)",
              file=sys.stderr)
        return 2
    databases.grant(url, args.login, args.role, departments)
    print(f"{url.shown}: {args.login} is a {args.role}"
          + (f" for {', '.join(departments)}" if departments else "")
          + f": {RIGHTS[args.role]}")
    return 0


def _init(url: ServerUrl, args: argparse.Namespace) -> int:
    zh, _, en = args.group_name.partition(" / ")
    made, roles = databases.new_server_database(url, args.company, args.year, zh, en or zh,
                                                args.template)
    print(f"{url.shown}: {made}; this database's roles {roles} with their rights")
    return 0


def _push(file: Path, url: ServerUrl) -> int:
    def progress(done: int, total: int, table: str) -> None:
        print(f"\r{done}/{total} rows ({table})", end="", file=sys.stderr, flush=True)

    rows, head = databases.push_file(file, url, progress if sys.stderr.isatty() else None)
    print(f"{url.shown}: {rows} rows copied from {file}; both audit chains end at {head[:12]}")
    return 0
