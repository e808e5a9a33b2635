"""The command line: a thin front on the catalogue and the store."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.errors import EsgdeskError
from esgdesk.paths import default_database

if TYPE_CHECKING:
    from esgdesk.storage.store import Store

COMMANDS = ("init", "sample", "catalogue", "set", "get", "history", "dump", "entities",
            "lock", "unlock", "validate", "generate", "export", "request", "import", "status",
            "review", "restate", "audit", "check", "backup", "restore")


def _command_parsers() -> dict[str, argparse.ArgumentParser]:
    """One parser per command, so options and positionals may come in any order."""
    parsers: dict[str, argparse.ArgumentParser] = {}

    def command(name: str, help_text: str, with_db: bool = True) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog=f"esgdesk {name}", description=help_text)
        parser.add_argument("--user", help="who makes the change (default: $ESGDESK_USER "
                            "or the login name)")
        if with_db:
            parser.add_argument("path", nargs="?", type=Path,
                                help="database file (default: the user data folder)")
        parsers[name] = parser
        return parser

    init = command("init", "create an empty database")
    init.add_argument("--company", default="", help="the company's name")
    init.add_argument("--group-name", default="集团 / Group", help="the top entity's name")
    command("sample", "create a database holding the report's figures", with_db=False) \
        .add_argument("path", type=Path)
    cat = command("catalogue", "list the indicators of the catalogue", with_db=False)
    cat.add_argument("--lang", choices=("zh", "en"), default="zh")
    cat.add_argument("--format", choices=("text", "json"), default="text")
    cat.add_argument("--check", action="store_true", help="only check the catalogue data")
    for name, help_text in (("set", "set a figure"), ("get", "show a figure"),
                            ("history", "show a figure's changes"),
                            ("lock", "lock a figure"), ("unlock", "unlock a figure")):
        parser = command(name, help_text)
        parser.add_argument("--entity", help="entity code (default: the group)")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("indicator", help="indicator id, e.g. people.employees.total")
        if name == "set":
            parser.add_argument("value")
            parser.add_argument("--note", help="explanation or source of the figure")
            parser.add_argument("--reason", default="", help="why it changed")
        if name == "unlock":
            parser.add_argument("--reason", required=True, help="why it is unlocked")
    dump = command("dump", "print every figure in long format")
    dump.add_argument("--format", choices=("csv", "json"), default="csv")
    dump.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of units")
    command("entities", "list the entities")
    export = command("export", "write the report workbook (.xlsx) for a year")
    export.add_argument("--year", type=int, required=True)
    export.add_argument("--entity", help="entity code (default: the group, consolidated)")
    export.add_argument("--lang", choices=("zh", "en"), default="zh")
    export.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    export.add_argument("--by-entity", action="store_true",
                        help="add a sheet comparing the entity with each direct child")
    export.add_argument("--per-child", action="store_true",
                        help="add one sheet per direct child with all the tables")
    req = command("request", "write a collection workbook: a department's tables for an "
                  "entity and year")
    req.add_argument("--year", type=int, required=True)
    req.add_argument("--entity", required=True, help="entity code")
    req.add_argument("--department", required=True, help="department key, e.g. hr, ehs")
    req.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    req.add_argument("--assignee", help="who fills it in")
    req.add_argument("--due", help="due date, YYYY-MM-DD")
    req.add_argument("--lang", choices=("zh", "en"), default="zh")
    imp = command("import", "import returned collection workbooks (each all or nothing)")
    imp.add_argument("files", nargs="+", type=Path, help="returned .xlsx workbooks")
    imp.add_argument("--dry-run", action="store_true", help="show what would change; write "
                     "nothing")
    imp.add_argument("--overwrite-newer", action="store_true",
                     help="overwrite figures changed in the database after the file was saved")
    for key in ("year", "entity", "department"):
        imp.add_argument(f"--{key}", help=f"refuse files made for another {key}")
    stat = command("status", "the data requests of a year: who is late, what is missing")
    stat.add_argument("--year", type=int, required=True)
    rev = command("review", "move a data request: submitted, approved, locked, or back")
    rev.add_argument("--year", type=int, required=True)
    rev.add_argument("--entity", required=True)
    rev.add_argument("--department", required=True)
    rev.add_argument("--to", required=True,
                     choices=("requested", "submitted", "approved", "locked"))
    rev.add_argument("--reason", default="", help="why (needed to leave 'locked')")
    res = command("restate", "change a published (locked) figure, keeping what was published")
    res.add_argument("--year", type=int, required=True)
    res.add_argument("--entity", help="entity code (default: the group)")
    res.add_argument("indicator")
    res.add_argument("value")
    res.add_argument("--kind", required=True, choices=("error", "method", "boundary"),
                     help="error corrected, method changed or boundary changed")
    res.add_argument("--reason", required=True)
    audit = command("audit", "audit log: 'verify' checks its hash chain", with_db=False)
    audit.add_argument("action", choices=("verify",))
    audit.add_argument("path", nargs="?", type=Path,
                       help="database file (default: the user data folder)")
    chk = command("check", "SQLite's integrity check and the audit log's hash chain; exit 1 "
                  "if either fails", with_db=False)
    chk.add_argument("path", type=Path, help="database file")
    chk.add_argument("--json", action="store_true", help="print the result as JSON")
    bak = command("backup", "copy a database safely (SQLite's online backup)", with_db=False)
    bak.add_argument("path", type=Path, help="database file")
    bak.add_argument("out", type=Path, help="the copy to write")
    rst = command("restore", "put a backup in place of a database (the latest automatic "
                  "one unless named)", with_db=False)
    rst.add_argument("path", type=Path, help="database file to restore")
    rst.add_argument("backup", nargs="?", type=Path, help="the backup (default: the latest)")
    gen = command("generate", "create a large generated group (for benchmarks)", with_db=False)
    gen.add_argument("path", type=Path)
    gen.add_argument("--companies", type=int, default=89)
    gen.add_argument("--years", type=int, default=10)
    gen.add_argument("--seed", type=int, default=1)
    check = command("validate", "check a year's figures; exit 1 while any error remains")
    check.add_argument("--year", type=int, required=True)
    check.add_argument("--entity", help="entity code (default: the group and all under it)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--lang", choices=("zh", "en"), default="zh")
    return parsers


def _parse(argv: list[str]) -> argparse.Namespace | None:
    """The command and its options; None when no command is given (open the app)."""
    parsers = _command_parsers()
    top = argparse.ArgumentParser(
        prog="esgdesk",
        description="Collect, validate and export a company's annual ESG figures. "
                    "With no command, opens the desktop app.",
        epilog="commands: " + ", ".join(f"{n} ({p.description})" for n, p in parsers.items()),
    )
    top.add_argument("--user", help=argparse.SUPPRESS)
    top.add_argument("command", nargs="?", choices=list(parsers), metavar="COMMAND")
    top.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    head = top.parse_args(argv)
    if head.command is None:
        return None
    args = parsers[head.command].parse_intermixed_args(head.rest)
    args.command = head.command
    args.user = args.user or head.user
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(list(sys.argv[1:] if argv is None else argv))
    if args is None:  # the desktop app is started by main.py, which owns both fronts
        _command_parsers()
        print("esgdesk: give a command (see --help), or run 'esgdesk' with none to open the app",
              file=sys.stderr)
        return 2
    try:
        return _run(args)
    except EsgdeskError as exc:
        print(f"esgdesk {args.command}: {exc.message()}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


def _run(args: argparse.Namespace) -> int:
    from esgdesk.storage.store import current_user

    user = args.user or current_user()
    if args.command == "catalogue":
        return _catalogue(args)
    if args.command == "sample":
        from esgdesk.application.sample import create_sample

        store = create_sample(args.path)
        count = sum(1 for _ in store.all_values())
        print(f"{args.path}: sample database with {len(store.entities())} entities and "
              f"{count} figures")
        store.close()
        return 0
    if args.command == "generate":
        from esgdesk.application.generate import generate_group

        store = generate_group(args.path, args.companies, args.years, seed=args.seed)
        print(f"{args.path}: {len(store.entities())} entities, {len(store.years())} years")
        store.close()
        return 0
    if args.command in ("backup", "restore"):
        return _backup(args)
    if args.command == "check":
        return _check(args.path, args.json)
    path = args.path or default_database()
    if args.command == "audit":
        return _audit(path)
    if args.command == "init":
        return _init(path, args)
    from esgdesk.storage.health import location_warning
    from esgdesk.storage.store import open_database

    warning = location_warning(path)
    if warning:
        print(f"esgdesk {args.command}: warning: {warning}", file=sys.stderr)
    store = open_database(path)
    try:
        return _with_store(store, args, user)
    finally:
        store.close()


def _backup(args: argparse.Namespace) -> int:
    from esgdesk.storage.backup import backups, copy_database, restore

    if args.command == "backup":
        print(f"{copy_database(args.path, args.out)}: backup of {args.path}")
        return 0
    chosen = args.backup or next(iter(backups(args.path)), None)
    if chosen is None:
        raise EsgdeskError(f"{args.path}: no automatic backups found; name the backup file")
    restore(chosen, args.path)
    print(f"{args.path}: restored from {chosen} (the file it replaced is "
          f"{args.path.name}.before-restore)")
    return 0


def _check(path: Path, as_json: bool) -> int:
    import json

    from esgdesk.storage.health import check_database_file

    if not path.is_file():
        raise EsgdeskError(f"{path}: no such file")
    result = check_database_file(path)
    sound = result["problem"] is None and result["broken_at"] is None
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    elif result["problem"] is not None:
        print(f"{path}: damaged: {result['problem']}", file=sys.stderr)
    elif not sound:
        print(f"{path}: sound, but the audit log is broken: {result['reason']}; the database "
              "was edited outside esgdesk", file=sys.stderr)
    else:
        print(f"{path}: sound; the audit log's {result['rows']} rows are intact")
    return 0 if sound else 1


def _audit(path: Path) -> int:
    from esgdesk.storage.store import open_database

    store = open_database(path)
    try:
        report = store.verify_audit()
    finally:
        store.close()
    if report.intact:
        print(f"{path}: the audit log's {report.rows} rows are intact")
        return 0
    print(f"{path}: the audit log is broken: {report.reason}; the database was edited "
          "outside esgdesk", file=sys.stderr)
    return 1


def _init(path: Path, args: argparse.Namespace) -> int:
    from datetime import date

    from esgdesk.storage.newdb import EntitySpec, create_database

    zh, _, en = args.group_name.partition(" / ")
    path.parent.mkdir(parents=True, exist_ok=True)
    store = create_database(path, args.company, date.today().year - 1,
                            [EntitySpec("group", zh, en or zh, "group")])
    store.close()
    print(f"{path}: new esgdesk database")
    return 0


def _with_store(store: Store, args: argparse.Namespace, user: str) -> int:
    from esgdesk.storage.store import Change

    if args.command == "entities":
        for entity in store.entities():
            depth = _depth(store, entity.code)
            print(f"{'  ' * depth}{entity.code}\t{entity.kind}\t{entity.name_zh}\t{entity.name_en}")
        return 0
    if args.command == "dump":
        return _dump(store, args)
    if args.command == "validate":
        return _validate(store, args)
    if args.command == "export":
        from esgdesk.exchange.export import export_workbook

        written = export_workbook(store, args.year, args.out, args.entity, args.lang,
                                  by_entity=args.by_entity, per_child=args.per_child)
        print(f"{written}: report workbook for {args.year}")
        return 0
    if args.command in ("request", "import", "status", "review"):
        return _collection(store, args, user)
    entity = args.entity or store.root().code
    store.catalogue.indicator(args.indicator)
    if args.command == "restate":
        stored = store.restate(entity, args.year, args.indicator, args.value, args.kind,
                               args.reason, user)
        print(_describe(store, stored.indicator, stored.value, stored.status)
              + f"\tpublished {stored.published}")
        return 0
    if args.command == "set":
        stored = store.set_value(Change(entity, args.year, args.indicator, args.value, args.note),
                                 user, reason=args.reason, source="cli")
        print(_describe(store, stored.indicator, stored.value, stored.status))
        return 0
    if args.command == "get":
        stored = store.get(entity, args.year, args.indicator)
        if stored is None:
            print(f"{args.indicator} for {entity} {args.year}: no value", file=sys.stderr)
            return 1
        line = _describe(store, stored.indicator, stored.value, stored.status)
        print(line + (f"\t{stored.note}" if stored.note else ""))
        return 0
    if args.command == "history":
        for record in store.history(entity, args.year, args.indicator):
            change = (f"{record.old_status} → {record.new_status}" if record.action == "status"
                      else f"{record.old_value or '—'} → {record.new_value}")
            why = f"\t{record.reason}" if record.reason else ""
            print(f"{record.at}\t{record.user}\t{record.action}\t{change}{why}")
        return 0
    status = "locked" if args.command == "lock" else "draft"
    stored = store.set_status(entity, args.year, args.indicator, status, user,
                              reason=getattr(args, "reason", ""))
    print(_describe(store, stored.indicator, stored.value, stored.status))
    return 0


def _collection(store: Store, args: argparse.Namespace, user: str) -> int:
    if args.command == "request":
        from esgdesk.exchange.requests import write_request

        written = write_request(store, args.entity, args.year, args.department, args.out, user,
                                args.lang, args.assignee, args.due)
        print(f"{written}: {args.department} request for {args.entity} {args.year}")
        return 0
    if args.command == "import":
        from esgdesk.exchange.intake import import_files

        expect = {k: getattr(args, k) for k in ("year", "entity", "department")
                  if getattr(args, k)}
        reports = import_files(store, args.files, user, dry_run=args.dry_run,
                               overwrite_newer=args.overwrite_newer, expect=expect)
        for report in reports:
            print(report.summary())
            for line in [*report.notices, *(report.newer if not args.overwrite_newer else [])]:
                print(f"  {line}")
            for difference in report.writes:
                print(f"  {difference.address}\t{difference.indicator}\t"
                      f"{difference.old or '—'} → {difference.new or '—'}")
            for finding in report.findings:
                print(f"  {finding.severity}\t{finding.message('en')}")
        if args.dry_run:
            print("dry run: nothing was written", file=sys.stderr)
        blocked = [r for r in reports if not r.acceptable
                   or (r.newer and not args.overwrite_newer and r.already is None)]
        return 1 if blocked else 0
    if args.command == "status":
        from esgdesk.rules.review import dashboard

        for row in dashboard(store, args.year):
            r = row.request
            print(f"{r.entity}\t{r.department}\t{r.status}{' (late)' if row.late else ''}\t"
                  f"due {r.due or '—'}\t{r.assignee or '—'}\t{row.filled}/{row.expected} "
                  f"filled\t{row.errors} errors\t{row.warnings} warnings")
        return 0
    from esgdesk.rules.review import move

    request = store.request_for(args.entity, args.year, args.department)
    if request is None:
        raise EsgdeskError(f"no {args.department} request for {args.entity} {args.year}")
    moved = move(store, request.id, args.to, user, args.reason)
    print(f"{moved.entity}\t{moved.department}\t{moved.year}\t{moved.status}")
    return 0


def _validate(store: Store, args: argparse.Namespace) -> int:
    from esgdesk.rules.validation import validate

    findings = validate(store, args.year, args.entity)
    if args.format == "json":
        json.dump([f.as_dict() for f in findings], sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for finding in findings:
            state = " (explained)" if finding.explained else ""
            print(f"{finding.severity}{state}\t{finding.entity}\t{finding.year}\t{finding.rule}\t"
                  f"{finding.message(args.lang)}")
            if finding.explanation:
                print(f"\t\t\t\t↳ {finding.explanation}")
        counts = {s: sum(1 for f in findings if f.severity == s)
                  for s in ("error", "warning", "info")}
        print(f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info",
              file=sys.stderr)
    return 1 if any(f.blocking for f in findings) else 0


def _describe(store: Store, indicator_id: str, value: str | None, status: str) -> str:
    indicator = store.catalogue.indicator(indicator_id)
    shown = indicator.type.format(value) if value is not None else "—"
    return f"{indicator_id}\t{shown}\t{indicator.unit.zh}\t{status}"


def _depth(store: Store, code: str) -> int:
    depth, entity = 0, store.entity(code)
    while entity.parent:
        depth, entity = depth + 1, store.entity(entity.parent)
    return depth


def dump_rows(store: Store, lang: str = "zh") -> list[dict[str, Any]]:
    """Every stored figure, and every derived figure computable from them, in long format."""
    from esgdesk.rules.figures import FigureBook, rounded

    catalogue = store.catalogue
    order = {iid: n for n, iid in enumerate(catalogue.indicators)}
    stored = {(v.entity, v.indicator, v.year): v for v in store.all_values()}
    book = FigureBook(catalogue, stored)
    rows: list[dict[str, Any]] = []
    for value in stored.values():
        if value.indicator in catalogue.indicators:
            rows.append(_dump_row(catalogue.indicators[value.indicator], value.entity,
                                  value.year, value.value, value.status, value.note, lang))
    for entity, year in {(v.entity, v.year) for v in stored.values()}:
        for iid, number in book.derived(entity, year).items():
            indicator = catalogue.indicators[iid]
            rows.append(_dump_row(indicator, entity, year, str(rounded(indicator, number)),
                                  "computed", indicator.formula.text if indicator.formula else "",
                                  lang))
    entity_order = {e.code: n for n, e in enumerate(store.entities())}
    rows.sort(key=lambda r: (entity_order[r["entity"]], r["year"], order[r["indicator"]]))
    return rows


def _dump_row(indicator: Any, entity: str, year: int, value: str | None, status: str,
              note: str, lang: str) -> dict[str, Any]:
    return {"entity": entity, "year": year, "indicator": indicator.id, "value": value,
            "unit": indicator.unit(lang), "status": status, "note": note}


def _dump(store: Store, args: argparse.Namespace) -> int:
    rows = dump_rows(store, args.lang)
    if args.format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    writer = csv.DictWriter(sys.stdout, fieldnames=list(
        ("entity", "year", "indicator", "value", "unit", "status", "note")), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return 0


def _catalogue(args: argparse.Namespace) -> int:
    from esgdesk.model.catalogue import load, read

    if args.check:
        _, problems = read()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    catalogue = load()
    if args.format == "json":
        json.dump(catalogue_json(catalogue), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    lang = args.lang
    for chapter in catalogue.chapters:
        print(f"{chapter.number} {chapter.title(lang)}".strip())
        for table in chapter.tables:
            print(f"  {table.title(lang)}  [{table.id}]")
            for iid in table.indicators():
                indicator = catalogue.indicators[iid]
                derived = "  = " + indicator.formula.text if indicator.formula else ""
                print(f"    {iid}\t{indicator.label(lang)}\t{indicator.unit(lang)}\t"
                      f"{indicator.type.name}{derived}")
    return 0


def catalogue_json(catalogue: Any) -> list[dict[str, Any]]:
    """Every indicator with its labels, units, chapter, home table and type."""
    out = []
    for indicator in catalogue.indicators.values():
        table = catalogue.home_table(indicator.id)
        out.append({
            "id": indicator.id,
            "label": indicator.label.as_dict(),
            "unit": indicator.unit.as_dict(),
            "chapter": indicator.chapter,
            "table": table.id,
            "tables": [t.id for t in catalogue.tables_of(indicator.id)],
            "type": indicator.type.name,
            "precision": indicator.type.precision,
            "owner": indicator.owner,
            "aggregation": indicator.aggregation,
            "formula": indicator.formula.text if indicator.formula else None,
            "gri": list(indicator.gri),
            "cass": list(indicator.cass),
        })
    return out


if __name__ == "__main__":
    sys.exit(main())
