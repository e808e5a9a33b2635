"""The command line: a thin front on the session, each command declared once, its options
beside what it does, in one registry. It parses, asks the session and prints."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from esgdesk.application.databases import is_server, location, shown
from esgdesk.errors import EsgdeskError, NotFound
from esgdesk.model.states import VALUE, written_state
from esgdesk.model.words import counted
from esgdesk.paths import default_database

if TYPE_CHECKING:
    from esgdesk.application.session import AuditRecord, Session, Store, StoredValue
    from esgdesk.exchange.intake import FileReport
    from esgdesk.model.catalogue import Indicator
    from esgdesk.model.layout import FigureRef

from esgdesk.application.commands import (
    REGISTRY,
    command,
    force_argument,
    refuse_existing,
    session_command,
)


# -- databases --------------------------------------------------------------------------
def _init_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--company", default="", help="the company's name; in both languages "
                        "written \"中文 / English\" (each title then takes its language's)")
    parser.add_argument("--company-zh", default="", help="the company's Chinese name")
    parser.add_argument("--company-en", default="", help="the company's English name")
    parser.add_argument("--group-zh", default="", help="the top entity's Chinese name")
    parser.add_argument("--group-en", default="", help="the top entity's English name")
    parser.add_argument("--group-name", default="集团 / Group",
                        help="the top entity's names when --group-zh and --group-en are not "
                        "given: \"中文 / English\" is split at the first \" / \" (a space, a "
                        "slash, a space) into its Chinese and English names; a name without "
                        "it is both (default \"集团 / Group\")")
    parser.add_argument("--template", default="zkteco-2023",
                        help="the catalogue to start from (see 'esgdesk templates')")
    parser.add_argument("--year", type=int, help="the first reporting year (default: last "
                        "year)")


@command("init", "create an empty database", _init_arguments, takes_database=True)
def _init(args: argparse.Namespace) -> int:
    from datetime import date

    from esgdesk.application.databases import create_group
    from esgdesk.model.templates import template

    path = args.path or default_database()
    zh, _, en = args.group_name.partition(" / ")
    if args.group_zh or args.group_en:
        zh = args.group_zh.strip() or args.group_en.strip()
        en = args.group_en.strip() or zh
    if isinstance(path, Path):
        path.parent.mkdir(parents=True, exist_ok=True)
    template(args.template)  # an unknown template is refused before a file is made
    year = args.year or date.today().year - 1
    company = args.company
    if args.company_zh or args.company_en:  # held as "中文 / English", read by name_in
        company = " / ".join(n for n in (args.company_zh.strip(), args.company_en.strip()) if n)
    catalogue = create_group(path, company, year, zh, en or zh, args.template)
    print(f"{shown(path)}: new esgdesk database, {year} catalogue from the template "
          f"{args.template} ({len(catalogue.tables)} tables, "
          f"{len(catalogue.indicators)} indicators)")
    return 0


def _new_file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=location, help="a new database file, or an empty "
                        "server database's postgresql:// URL")


@command("sample", "create a database holding the report's figures", _new_file_argument)
def _sample(args: argparse.Namespace) -> int:
    from esgdesk.application.sample import create_sample

    store = create_sample(args.path)
    count = sum(1 for _ in store.all_values())
    print(f"{shown(args.path)}: sample database with {len(store.entities())} entities and "
          f"{count} figures")
    store.close()
    return 0


# -- one figure -------------------------------------------------------------------------
def _figure_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--entity", help="entity code (default: the group)")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("indicator", help="indicator id, e.g. people.employees.total")


def _set_arguments(parser: argparse.ArgumentParser) -> None:
    _figure_arguments(parser)
    parser.add_argument("value")
    parser.add_argument("--explain", dest="note",
                        help="the explanation: why the figure is what it is (a change beyond "
                        "last year's, say); contributors and reviewers read it")
    parser.add_argument("--note", dest="old_note",
                        help="deprecated: the old name of --explain (said so on stderr)")
    parser.add_argument("--source", dest="provenance",
                        help="the provenance: where the figure comes from (a ledger, a bill, "
                        "a report's page); it never explains a change")
    parser.add_argument("--reason", default="",
                        help="why the figure is n/a or not available (it is its explanation), "
                        "or why a printed year is entered with --history")
    parser.add_argument("--unit", help="the unit VALUE is in (a quantity: MWh, 万千瓦时, m3 …); "
                        "stored in the indicator's own unit")
    parser.add_argument("--quality", choices=("measured", "calculated", "estimated"),
                        help="how the figure was obtained")
    parser.add_argument("--method", default="",
                        help="with --quality estimated: how it was estimated")
    parser.add_argument("--history", action="store_true",
                        help="a figure as a past report printed it, held where the report "
                        "holds it (the group's printed years before collection began), even "
                        "at an entity whose figure is otherwise its children's")


def _figure(session: Session, args: argparse.Namespace) -> FigureRef:
    """The figure a command names (at the group unless an entity is named), once the year's
    edition is known to hold its indicator."""
    from esgdesk.model.layout import FigureRef

    return FigureRef(session.figure_entity(args.entity, args.year, args.indicator), args.year,
                     args.indicator)


def _describe(session: Session, stored: StoredValue) -> str:
    """A figure (as stored) on one line: id, value as printed (or its state, n/a or not
    available), unit and status."""
    indicator = session.require_store().known_indicator(stored.year, stored.indicator)
    shown = (written_state(stored.state) if stored.state != VALUE
             else indicator.type.format(stored.value) if stored.value is not None else "—")
    return f"{stored.indicator}\t{shown}\t{indicator.unit.zh}\t{stored.status}"


@session_command("set", "set a figure", _set_arguments)
def _set(session: Session, args: argparse.Namespace) -> int:
    ref = _figure(session, args)
    note = args.note
    if args.old_note is not None:
        print("--note is deprecated: it is --explain (why the figure is what it is); where "
              "the figure comes from is --source", file=sys.stderr)
        if note is None:
            note = args.old_note
        elif note != args.old_note:
            raise EsgdeskError("--note and --explain say different things; give --explain "
                               "alone", "--note 与 --explain 内容不同；请只用 --explain",
                               kind="usage")
    session.set_figure(ref, args.value, note=note, unit=args.unit,
                       provenance=args.provenance, reason=args.reason, history=args.history,
                       quality=args.quality or ("" if args.method else None),
                       method=args.method)
    stored = session.current(ref)
    assert stored is not None  # a figure with no value, state or note is refused
    print(_describe(session, stored))
    return 0


def _get_arguments(parser: argparse.ArgumentParser) -> None:
    _figure_arguments(parser)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh",
                        help="language of a computed figure's unit and formula")


@session_command("get", "show a figure (a computed one with its formula)", _get_arguments)
def _get(session: Session, args: argparse.Namespace) -> int:
    ref = _figure(session, args)
    entity = ref.entity
    store = session.require_store()
    indicator = store.known_indicator(args.year, args.indicator)
    if indicator.formula is not None:  # computed, whatever its row holds
        code = _get_computed(store, entity, args.year, indicator, args.lang)
        printed = session.printed(ref)
        if printed is not None:
            print(f"{indicator.id}\t{indicator.type.format(printed.printed)}\t"
                  f"{indicator.unit(args.lang)}\tprinted\t{printed.reason}")
        return code
    stored = store.get(entity, args.year, args.indicator)
    if stored is not None:
        print(_describe(session, stored) + (f"\t{stored.note}" if stored.note else ""))
        return 0
    return _get_consolidated(store, entity, args.year, indicator, args.lang)


def _printed_arguments(parser: argparse.ArgumentParser) -> None:
    _figure_arguments(parser)
    parser.add_argument("value", help="the figure as the report prints it, at the "
                        "indicator's precision; '' prints it as computed again")
    parser.add_argument("--reason", default="", help="why it prints otherwise than computed "
                        "(required with a value): 'rounded so the column adds to 100 %%'")


@session_command("printed", "print a computed figure as the report rounds it (with a reason)",
                 _printed_arguments)
def _printed(session: Session, args: argparse.Namespace) -> int:
    ref = _figure(session, args)
    session.set_printed(ref, args.value, args.reason)
    indicator = session.require_store().known_indicator(ref.year, ref.indicator)
    printed = session.printed(ref)
    if printed is None:
        print(f"{ref.indicator}\tprinted as computed")
    else:
        print(f"{ref.indicator}\t{indicator.type.format(printed.printed)}\t"
              f"{indicator.unit.zh}\tprinted\t{printed.reason}")
    return 0


def _get_consolidated(store: Store, entity: str, year: int, indicator: Indicator,
                      lang: str) -> int:
    """A typed figure of a parent: its children's, consolidated (marked so), or, on stderr,
    what is missing for it (an incomplete total is never printed as if whole)."""
    from esgdesk.rules.consolidate import Consolidation, missing_words
    from esgdesk.rules.figures import rounded

    consolidation = Consolidation(store, [year], entity)
    found = consolidation.figure(entity, indicator.id, year)
    names = store.tree().names()
    if found.complete and found.number is not None and not consolidation.takes(
            entity, indicator.id, year):
        shown = indicator.type.format(str(rounded(indicator, found.number)))
        below = ", ".join(consolidation.entering(entity, indicator.id, year))
        print(f"{indicator.id}\t{shown}\t{indicator.unit(lang)}\tconsolidated\t{below}")
        return 0
    if found.missing:
        missing = missing_words(found.missing, names, store.edition(year), lang, most=12)
        print(f"{indicator.id} for {entity} {year}: incomplete; missing: {missing}",
              file=sys.stderr)
        return 1
    print(f"{indicator.id} for {entity} {year}: no value", file=sys.stderr)
    return 1


def _get_computed(store: Store, entity: str, year: int, indicator: Indicator,
                  lang: str) -> int:
    """A computed figure as the forms and the export show it (from the entity's figures,
    its children's and the year's factors), marked computed, with its formula in words; or,
    on stderr, which of its inputs are missing."""
    from esgdesk.model.formula import FACTOR
    from esgdesk.rules.consolidate import Consolidation, missing_words
    from esgdesk.rules.figures import rounded

    formula = indicator.formula
    assert formula is not None
    catalogue = store.edition(year)

    def name(token: str) -> str:
        if token.startswith(FACTOR):
            return f"{'因子' if lang == 'zh' else 'factor'} {token.removeprefix(FACTOR)}"
        known = catalogue.indicators.get(token)
        return known.label(lang) if known is not None else token

    consolidation = Consolidation(store, [year])
    figures = consolidation.figures(entity, year)
    words = formula.words(name)
    number = figures.get(indicator.id)
    found = consolidation.figure(entity, indicator.id, year)
    if number is None and found.missing:  # an incomplete total is never printed as whole
        names = store.tree().names()
        missing_text = missing_words(found.missing, names, catalogue, lang, most=12)
        print(f"{indicator.id} for {entity} {year}: incomplete; computed as {words}; "
              f"missing: {missing_text}", file=sys.stderr)
        return 1
    if number is None:
        factors = consolidation.factors(entity, year)
        missing = [name(i) for i in formula.indicators if i not in figures] + \
                  [name(FACTOR + f) for f in formula.factors if FACTOR + f not in factors]
        print(f"{indicator.id} for {entity} {year}: no value; computed as {words}"
              + (f"; missing: {', '.join(missing)}" if missing else ""), file=sys.stderr)
        return 1
    shown = indicator.type.format(str(rounded(indicator, number)))
    print(f"{indicator.id}\t{shown}\t{indicator.unit(lang)}\tcomputed\t{words}")
    return 0


@session_command("history", "show a figure's changes", _figure_arguments)
def _history(session: Session, args: argparse.Namespace) -> int:
    _print_history(session, session.history(_figure(session, args)))
    return 0


def _print_history(session: Session, records: list[AuditRecord]) -> None:
    """Audited changes, one a line: when, who, what, the change and why."""
    for record in records:
        change = (f"{record.old_status} → {record.new_status}" if record.action == "status"
                  else f"{record.old_value or '—'} → {record.new_value or '—'}")
        if record.entered:
            change += f" (entered as {record.entered})"
        why = f"\t{record.reason}" if record.reason else ""
        print(f"{record.at}\t{session.who(record)}\t{record.action}\t{change}{why}")


@session_command("lock", "lock (publish) a figure; it then changes only with 'restate'",
                 _figure_arguments)
def _lock(session: Session, args: argparse.Namespace) -> int:
    ref = _figure(session, args)
    before = session.current(ref)
    print(_describe(session, session.lock_figure(ref)))
    if before is not None and before.status == "locked":
        print(f"esgdesk lock: {args.indicator} for {ref.entity} {args.year} was locked already; "
              "nothing was written", file=sys.stderr)
    return 0


# -- every figure -----------------------------------------------------------------------
def _dump_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of units")


@session_command("dump", "print every figure in long format", _dump_arguments)
def _dump(session: Session, args: argparse.Namespace) -> int:
    from esgdesk.exchange.dump import COLUMNS, dump_rows

    rows = dump_rows(session.require_store(), args.lang)
    if args.format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    writer = csv.DictWriter(sys.stdout, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return 0


def _entities_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--history", metavar="CODE",
                        help="show an entity's own audited changes instead: its coming in, "
                        "its province, the method's choices made for it")


@session_command("entities", "list the entities", _entities_arguments)
def _entities(session: Session, args: argparse.Namespace) -> int:
    if args.history is not None:
        _print_history(session, session.entity_history(args.history))
        return 0
    for entity, depth in session.entities():
        indent = "  " * depth
        print(f"{indent}{entity.code}\t{entity.kind}\t{entity.name_zh}\t{entity.name_en}")
    return 0


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--entity", help="entity code (default: the group, consolidated)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    parser.add_argument("--by-entity", action="store_true",
                        help="add a sheet comparing the entity with each direct child")
    parser.add_argument("--per-child", action="store_true",
                        help="add one sheet per direct child with all the tables")
    force_argument(parser)


@session_command("export", "write the report workbook (.xlsx) for a year", _export_arguments)
def _export(session: Session, args: argparse.Namespace) -> int:
    from esgdesk.exchange.export import export_workbook

    refuse_existing(args.out, args.force)
    written = export_workbook(session.require_store(), args.year, args.out, args.entity,
                              args.lang, by_entity=args.by_entity, per_child=args.per_child)
    print(f"{written}: report workbook for {args.year}")
    return 0


# -- collection -------------------------------------------------------------------------
def _request_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--entity", required=True, help="entity code")
    parser.add_argument("--department", required=True,
                        help="department key or name in any case, e.g. hr, HR, 人力资源")
    parser.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    parser.add_argument("--assignee", help="who fills it in")
    parser.add_argument("--due", type=_due_date, help="due date, YYYY-MM-DD")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    force_argument(parser)


def _due_date(text: str) -> str:
    """A due date as given (YYYY-MM-DD), once it is one."""
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


@session_command("request", "write a collection workbook: a department's tables for an "
                 "entity and year", _request_arguments)
def _request(session: Session, args: argparse.Namespace) -> int:
    from datetime import date

    department = session.department(args.department)
    refuse_existing(args.out, args.force)
    if args.due and args.due < date.today().isoformat():
        print(f"esgdesk request: warning: the due date {args.due} is in the past",
              file=sys.stderr)
    written = session.write_request(args.entity, args.year, department, args.out, args.lang,
                                    args.assignee, args.due)
    print(f"{written}: {department} request for {args.entity} {args.year}")
    return 0


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, help="returned .xlsx workbooks")
    parser.add_argument("--dry-run", action="store_true",
                        help="show what would change; write nothing")
    parser.add_argument("--overwrite-newer", action="store_true",
                        help="overwrite figures changed in the database after the file was "
                        "saved")
    for key in ("year", "entity", "department"):
        parser.add_argument(f"--{key}", help=f"refuse files made for another {key}")
    parser.add_argument("--lang", choices=("zh", "en"), default="en",
                        help="language of the problems printed")
    parser.add_argument("--annotate", type=Path, metavar="FOLDER",
                        help="write a copy of each refused file into FOLDER, every problem "
                        "as a comment on its cell, to send back")


def _annotated(report: FileReport, folder: Path) -> None:
    from esgdesk.exchange.annotate import annotate

    if not folder.is_dir():
        raise NotFound("choose an existing folder for the annotated copies",
                       "请选择一个已有的文件夹存放批注副本", where=str(folder))
    try:
        out = annotate(report.path, report.refused, folder / report.path.name)
    except EsgdeskError as exc:  # not a request at all: nothing to annotate
        print(f"  {exc.message('en')}", file=sys.stderr)
        return
    print(f"  annotated copy: {out}", file=sys.stderr)


@session_command("import", "import returned collection workbooks (each all or nothing)",
                 _import_arguments)
def _import(session: Session, args: argparse.Namespace) -> int:
    from esgdesk.exchange.intake import may_accept

    expect = {k: getattr(args, k) for k in ("year", "entity", "department") if getattr(args, k)}
    if args.department:
        expect["department"] = session.department(args.department)
    reports = session.preview_import(list(args.files), expect=expect)
    if not args.dry_run:
        session.accept_import(reports, lambda _report: bool(args.overwrite_newer))
    for report in reports:
        if report.refused:  # a refusal goes to stderr, each reason on its line
            print(f"{report.path.name}: refused", file=sys.stderr)
            for problem in report.refused:
                print(f"  {problem.message(args.lang)}", file=sys.stderr)
            if args.annotate is not None:
                _annotated(report, args.annotate)
            continue
        blocked = not may_accept(report, args.overwrite_newer)  # newer figures, unasked
        print(report.summary(), file=sys.stderr if blocked else sys.stdout)
        for line in report.notices:
            print(f"  {line}")
        for line in report.newer if not args.overwrite_newer else []:
            print(f"  {line}", file=sys.stderr)
        for difference in report.writes:
            print(f"  {difference.address}\t{difference.indicator}\t"
                  f"{difference.old or '—'} → {difference.new or '—'}")
        for finding in report.findings:
            print(f"  {finding.severity}\t{finding.message('en')}")
    if args.dry_run:
        print("dry run: nothing was written", file=sys.stderr)
    else:
        for report in reports:
            _say_written(session, report)
    blocked = [r for r in reports if not may_accept(r, args.overwrite_newer)]
    return 1 if blocked else 0


def _say_written(session: Session, report: FileReport) -> None:
    """The last word on one imported file: the figures written, from which file, into
    which request and where the request now stands; or that nothing was written."""
    name, request = report.path.name, report.request
    if report.written and request is not None:
        now = session.require_store().request(request.id)
        status = now.status if now is not None else request.status
        print(f"{name}: {counted(report.written, 'figure')} written into the {request.department} "
              f"request of {request.entity} {request.year} (request {request.id[:12]}, now "
              f"{status})")
    elif report.already is not None or (report.acceptable and not report.writes):
        print(f"{name}: nothing to write (imported already or unchanged)")
    else:
        print(f"{name}: nothing was written", file=sys.stderr)


def _year_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True)


@session_command("status", "the data requests of a year: who is late, what is missing",
                 _year_argument)
def _status(session: Session, args: argparse.Namespace) -> int:
    from esgdesk.rules.review import dashboard

    rows = dashboard(session.require_store(), args.year)
    if not rows:
        print(f"no data requests for {args.year}", file=sys.stderr)
        return 0
    print("entity\tdepartment\tstatus\tdue\tassignee\tfilled\terrors\topen warnings\t"
          "sent back because")
    for row in rows:
        r = row.request
        print(f"{r.entity}\t{r.department}\t{r.status}{' (late)' if row.late else ''}\t"
              f"{r.due or '—'}\t{r.assignee or '—'}\t{row.filled}/{row.expected}\t"
              f"{row.errors}\t{row.warnings}\t{row.sent_back or '—'}")
    return 0


def _review_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--entity", required=True)
    parser.add_argument("--department", required=True,
                        help="department key or name in any case, e.g. hr, HR, 人力资源")
    parser.add_argument("--to", required=True,
                        choices=("requested", "submitted", "approved", "locked"))
    parser.add_argument("--reason", default="",
                        help="why (needed to send it back)")


@session_command("review", "move a data request: submitted, approved, locked, or back",
                 _review_arguments)
def _review(session: Session, args: argparse.Namespace) -> int:
    request = session.request_for(args.entity, args.year, session.department(args.department))
    session.move_request(request.id, args.to, args.reason)
    moved = session.require_store().request(request.id)
    assert moved is not None  # a request is never deleted
    print(f"{moved.entity}\t{moved.department}\t{moved.year}\t{moved.status}")
    return 0


def _restate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--entity", help="entity code (default: the group)")
    parser.add_argument("indicator")
    parser.add_argument("value")
    parser.add_argument("--kind", required=True, choices=("error", "method", "boundary"),
                        help="error corrected, method changed or boundary changed")
    parser.add_argument("--reason", required=True)


@session_command("restate", "change a published (locked) figure, keeping what was "
                 "published", _restate_arguments)
def _restate(session: Session, args: argparse.Namespace) -> int:
    ref = _figure(session, args)
    session.restate(ref, args.value, args.kind, args.reason)
    stored = session.current(ref)
    assert stored is not None  # restated just now
    print(_describe(session, stored) + f"\tpublished {stored.published}")
    return 0


# -- the file itself --------------------------------------------------------------------
def _audit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("verify", "seal"))
    parser.add_argument("path", nargs="?", type=location,
                        help="database file or postgresql:// URL (default: the user data "
                        "folder)")
    parser.add_argument("--reason", default="", help="seal: why the broken rows are sealed")


@command("audit", "audit log: 'verify' checks its hash chain and the figures against it; "
         "'seal --reason R' (the owner) seals the broken rows", _audit_arguments)
def _audit(args: argparse.Namespace) -> int:
    from esgdesk.application.session import Session

    path = args.path or default_database()
    session = Session(user_name=getattr(args, "user", None) or "")
    session.open_for_command(path)
    try:
        if args.action == "seal":
            report = session.seal_audit(args.reason)
            print(f"{shown(path)}: sealed audit rows "
                  f"{', '.join(map(str, report.sealed))}; the chain verifies from here")
        else:
            report = session.verify_audit()
    finally:
        session.close()
    if report.sound:
        if args.action == "verify":
            print(f"{shown(path)}: the audit log's {report.rows} rows are intact, and every "
                  "figure is what it says" + (f" ({len(report.sealed)} sealed rows)"
                                              if report.sealed else ""))
        return 0
    print(f"{shown(path)}: the audit log is broken or the figures differ from it; the "
          "database was edited outside esgdesk:", file=sys.stderr)
    for line in report.problems():
        print(f"  {line}", file=sys.stderr)
    return 1


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=location, help="database file (or a server's URL: "
                        "its audit chain; the server keeps its own pages sound)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--progress", action="store_true",
                        help="say each step on standard error as it goes (the app shows it)")


@command("check", "SQLite's integrity check and the audit log's hash chain; exit 1 if "
         "either fails", _check_arguments)
def _check(args: argparse.Namespace) -> int:
    from esgdesk.application.databases import check_file

    path = args.path
    if is_server(path):
        return _audit(argparse.Namespace(path=path, action="verify"))
    if not path.is_file():
        raise NotFound("no such file", "没有这个文件", where=str(path))
    result = check_file(path, _say_progress if args.progress else None)
    if args.json:
        print(result.to_json())
    elif result.problem is not None:
        print(f"{path}: damaged: {result.problem}", file=sys.stderr)
    elif not result.sound:
        print(f"{path}: sound, but the audit log is broken or the figures differ from it; "
              "the database was edited outside esgdesk:", file=sys.stderr)
        for line in result.findings:
            print(f"  {line}", file=sys.stderr)
    else:
        print(f"{path}: sound; the audit log's {result.rows} rows are intact")
    return 0 if result.sound else 1


def _say_progress(step: str, done: int, total: int) -> None:
    from esgdesk.application.databases import check_progress_line

    print(check_progress_line(step, done, total), file=sys.stderr, flush=True)


def _backup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=location, help="database file, or a server's "
                        "postgresql:// URL (copied into a SQLite file that opens offline)")
    parser.add_argument("out", type=Path, help="the copy to write")
    force_argument(parser)


@command("backup", "copy a database safely (SQLite's online backup)", _backup_arguments)
def _backup(args: argparse.Namespace) -> int:
    from esgdesk.application.databases import copy_file, pull_copy

    refuse_existing(args.out, args.force)
    if is_server(args.path):
        if args.out.exists():  # --force: the new copy replaces it only once it is whole
            args.out.unlink()
        rows, head = pull_copy(args.path, args.out)
        print(f"{args.out}: copy of {args.path.shown} ({rows} rows; audit chain head "
              f"{head[:12]}, the same on both)")
        return 0
    print(f"{copy_file(args.path, args.out)}: backup of {args.path}")
    return 0


def _restore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="database file to restore")
    parser.add_argument("backup", nargs="?", type=Path, help="the backup (default: the latest)")


@command("restore", "put a backup in place of a database (the latest automatic one unless "
         "named)", _restore_arguments)
def _restore(args: argparse.Namespace) -> int:
    from esgdesk.application.databases import backups, restore_backup

    chosen = args.backup or next(iter(backups(args.path)), None)
    if chosen is None:
        raise NotFound("no automatic backups found; name the backup file",
                       "没有找到自动备份，请指定备份文件", where=str(args.path))
    restore_backup(chosen, args.path)
    print(f"{args.path}: restored from {chosen} (the file it replaced is "
          f"{args.path.name}.before-restore)")
    return 0


# -- benchmarks and checking ------------------------------------------------------------
def _generate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=location)
    parser.add_argument("--companies", type=int, default=89)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)


@command("generate", "create a large generated group (for benchmarks)", _generate_arguments)
def _generate(args: argparse.Namespace) -> int:
    from esgdesk.application.generate import generate_group

    store = generate_group(args.path, args.companies, args.years, seed=args.seed)
    print(f"{shown(args.path)}: {len(store.entities())} entities, {len(store.years())} years")
    store.close()
    return 0


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--entity", help="entity code (default: the group and all under it)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")


@session_command("validate", "check a year's figures; exit 1 while any error remains",
                 _validate_arguments)
def _validate(session: Session, args: argparse.Namespace) -> int:
    from esgdesk.rules.validation import SEVERITIES, counted, validate

    findings = validate(session.require_store(), args.year, args.entity)
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
        counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
        print(f"{counted(counts['error'], 'error')}, {counted(counts['warning'], 'warning')}, "
              f"{counts['info']} info", file=sys.stderr)
    return 1 if any(f.blocking for f in findings) else 0


from esgdesk.application import (  # noqa: E402, F401  (they register)
    cli_assurance,
    cli_catalogue,
    cli_entities,
    cli_evidence,
    cli_factors,
    cli_server,
)

COMMANDS = tuple(REGISTRY)


# -- the edge -----------------------------------------------------------------------------
def _parse(argv: list[str]) -> argparse.Namespace | None:
    """The command and its options; None when no command is given (open the app)."""
    top = argparse.ArgumentParser(
        prog="esgdesk",
        description="Collect, validate and export a company's annual ESG figures. "
                    "With no command, opens the desktop app.",
        epilog="commands: " + ", ".join(f"{c.name} ({c.help})" for c in REGISTRY.values()),
    )
    top.add_argument("--user", help=argparse.SUPPRESS)
    top.add_argument("command", nargs="?", choices=COMMANDS, metavar="COMMAND")
    top.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    head = top.parse_args(argv)
    if head.command is None:
        return None
    args = REGISTRY[head.command].parser().parse_intermixed_args(head.rest)
    args.command = head.command
    args.user = args.user or head.user
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its problems become one line `esgdesk <command>: <message>` on
    stderr and the error's exit code."""
    try:
        args = _parse(list(sys.argv[1:] if argv is None else argv))
    except EsgdeskError as exc:  # a database argument refused (a password in its URL)
        print(f"esgdesk: {exc.message()}", file=sys.stderr)
        return exc.exit_code
    if args is None:  # the desktop app is started by main.py, which owns both fronts
        print("esgdesk: give a command (see --help), or run 'esgdesk' with none to open the app",
              file=sys.stderr)
        return 2
    try:
        from esgdesk.application.databases import current_user

        args.user = args.user or current_user()
        return REGISTRY[args.command].run(args)
    except EsgdeskError as exc:
        print(f"esgdesk {args.command}: {exc.message()}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
