"""The commands of emission and conversion factors: a year's factors (list, import a file, load
shipped sets, set one), the province an entity is in (for its grid factor), and the method's
choices (market-based Scope 2's factor, each site's natural gas)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.application.commands import print_refused, session_command
from esgdesk.model.words import counted

if TYPE_CHECKING:
    from esgdesk.application.session import Session


def _year(session: Session, args: argparse.Namespace) -> int:
    return int(args.year) if args.year is not None else session.years()[1]


def _factors_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, help="reporting year (default: the latest)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--import", dest="import_file", type=Path, metavar="FILE",
                      help="read factors from a .xlsx or .csv file (columns id, value, unit, "
                      "gas, region, data_year, source, table[, verified]); all or nothing")
    what.add_argument("--load", nargs="+", metavar="SET",
                      help="copy shipped factor sets into the year (a later set overrides an "
                      "earlier one's ids)")
    what.add_argument("--set", nargs=2, metavar=("ID", "VALUE"),
                      help="set one factor (VALUE '' clears it); with --source and --reason")
    parser.add_argument("--dry-run", action="store_true",
                        help="--import: check and show the changes, write nothing")
    parser.add_argument("--source", default="", help="--set: where the value was read")
    parser.add_argument("--unit", help="--set: its unit (default: the one held)")
    parser.add_argument("--table", help="--set: the table or clause it was read in")
    parser.add_argument("--data-year", type=int, help="--set: the year the factor is for")
    parser.add_argument("--verified", action="store_true",
                        help="--set: the value was checked in its source")
    parser.add_argument("--reason", default="", help="--set: why it changes; with --restate, "
                        "why the published figures are restated")
    parser.add_argument("--restate", choices=("method", "boundary"),
                        help="make a change that moves published (locked) figures as a "
                        "restatement of this kind (the published figures are kept and "
                        "footnoted); without it such a change is refused")


@session_command("factors", "a year's emission and conversion factors: list, import, load "
                 "shipped sets, set one", _factors_arguments)
def _factors(session: Session, args: argparse.Namespace) -> int:
    year = _year(session, args)
    if args.import_file is not None:
        return _import(session, args, year)
    if args.load:
        written, moves = session.load_factor_sets(year, list(args.load), args.restate,
                                                  args.reason)
        print(f"{session.require_store().shown}: {written} factor(s) of "
              f"{', '.join(args.load)} written to {year}{_restated(moves)}")
        return 0
    if args.set:
        return _set(session, args, year)
    return _list(session.require_store().factors(year), args, year)


def factors_json(factors: dict[str, Any]) -> list[dict[str, Any]]:
    """The listing's objects: id, value (exact decimal text or null), unit, region, data
    year, source."""
    return [{"id": f.id, "value": f.value_text, "unit": f.unit, "region": f.region,
             "data_year": f.data_year, "source": f.source} for f in factors.values()]


def _list(factors: dict[str, Any], args: argparse.Namespace, year: int) -> int:
    if args.format == "json":
        json.dump(factors_json(factors), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if not factors:
        print(f"{year}: no factors (load shipped sets: esgdesk factors PATH --year {year} "
              "--load SET …)", file=sys.stderr)
        return 0
    for f in factors.values():
        value = f.value_text if f.value is not None else "—"
        mark = "" if f.verified or f.value is None else "  (not verified)"
        print(f"{f.id}\t{value}\t{f.unit}\t{f.region}\t{f.data_year or ''}\t"
              f"{f.set_id}{mark}")
    return 0


def _restated(moves: list[Any]) -> str:
    """What a change restated, for its line of output."""
    if not moves:
        return ""
    named = ", ".join(f"{m.indicator} {m.entity} {m.year}" for m in moves[:3])
    more = f" and {len(moves) - 3} more" if len(moves) > 3 else ""
    return f"; restated {counted(len(moves), 'published figure')}: {named}{more}"


def _set(session: Session, args: argparse.Namespace, year: int) -> int:
    factor_id, value = args.set
    factor, moves = session.set_factor(
        year, factor_id, value or None, unit=args.unit, source=args.source, table=args.table,
        data_year=args.data_year, verified=args.verified, reason=args.reason,
        restate=args.restate)
    shown = factor.value_text if factor.value is not None else "(none)"
    print(f"{factor.id} for {year}: {shown} {factor.unit}{_restated(moves)}".rstrip())
    return 0


def _import(session: Session, args: argparse.Namespace, year: int) -> int:
    path: Path = args.import_file
    found = session.import_factors(year, path, args.dry_run, args.restate, args.reason)
    for note in found.notes:
        print(f"note: {note.message(args.lang)}", file=sys.stderr)
    if found.problems:
        return print_refused(path, found.problems, args.lang)
    for old, new in found.changes:
        before = (old.value_text or "—") if old is not None else "(new)"
        print(f"{new.id}\t{before} → {new.value_text or '—'}\t{new.unit}")
    if not found.changes:
        print(f"{path}: the same as the {year} factors; nothing to change")
    elif args.dry_run:
        moving = (f"; {counted(len(found.moves), 'published figure')} would move (import it with "
                  "--restate method|boundary --reason WHY)") if found.moves else ""
        print(f"{path}: checked (dry run), {len(found.changes)} factor(s) would change"
              f"{moving}; nothing was written")
    else:
        print(f"{path}: {len(found.changes)} factor(s) of {year} written"
              f"{_restated(found.moves)}")
    return 0


# -- provinces ----------------------------------------------------------------------------
def _province_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", help="the entity's code (see 'esgdesk entities')")
    parser.add_argument("province", help="the province: its id (guangdong), zh or en name "
                        "(广东, Guangdong), any case; '-' clears it")
    parser.add_argument("--year", type=int, help="the year whose grid factor to show "
                        "(default: the latest)")
    parser.add_argument("--restate", choices=("method", "boundary"),
                        help="make a change that moves published (locked) figures as a "
                        "restatement of this kind; without it such a change is refused")
    parser.add_argument("--reason", default="", help="why (with --restate)")


@session_command("province", "the province an entity is in, for its grid factor",
                 _province_arguments)
def _province(session: Session, args: argparse.Namespace) -> int:
    from esgdesk.model.provinces import known_province
    from esgdesk.rules.factor_values import FactorValues

    wanted = None if args.province.strip() == "-" else args.province
    entity, moves = session.set_province(args.entity, wanted, args.restate, args.reason)
    year = _year(session, args)
    values = FactorValues(session.require_store())
    grid = values.grid(entity.code, year)
    found = known_province(entity.province)
    shown = f"{found.id} ({found.zh}, {found.en})" if found else "(no province)"
    print(f"{entity.code}: {shown}; its {year} grid factor is {grid} "
          f"({values.grid_basis(entity.code, year, 'en')}){_restated(moves)}")
    return 0


# -- the method's choices -----------------------------------------------------------------
def _method_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("choice", nargs="?", help="a choice of the method (scope2_market, "
                        "natural_gas); none lists them")
    parser.add_argument("option", nargs="?", help="the option to choose (excl_market, "
                        "grid_average; oilfield, gasfield)")
    parser.add_argument("--entity", help="the entity, for a choice made per entity")
    parser.add_argument("--lang", choices=("zh", "en"), default="en")
    parser.add_argument("--restate", choices=("method", "boundary"),
                        help="make a change that moves published (locked) figures as a "
                        "restatement of this kind; without it such a change is refused")
    parser.add_argument("--reason", default="", help="why (with --restate)")


@session_command("method", "the method's choices: list them, or choose an option (for the "
                 "database or an entity)", _method_arguments)
def _method(session: Session, args: argparse.Namespace) -> int:
    from esgdesk.model.method import choices, find_choice

    if args.choice is None:
        chosen = session.require_store().settings_under("method.")
        for choice in choices().values():
            held = chosen.get(choice.setting_key(None), choice.default)
            scope = "per entity" if choice.scope == "entity" else "database"
            print(f"{choice.id}\t{scope}\t{held}\t{choice.label(args.lang)}")
            for key, value in sorted(chosen.items()):
                if key.startswith(choice.setting_key(None) + "."):
                    print(f"{choice.id}\t{key.rsplit('.', 1)[1]}\t{value}")
        return 0
    if args.option is None:
        found = find_choice(args.choice)
        for option in found.options.values():
            mark = " (default)" if option.id == found.default else ""
            print(f"{option.id}\t{option.label(args.lang)}{mark}")
        return 0
    chosen, moves = session.choose_method(args.choice, args.option, args.entity, args.restate,
                                          args.reason)
    where = f" for {args.entity}" if args.entity else ""
    print(f"{args.choice}{where}: {chosen}{_restated(moves)}")
    return 0
