"""The commands of emission and conversion factors: a year's factors (list, import a file, load
shipped sets, set one), and the province an entity is in (for its regional grid factor)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.application.commands import print_refused, store_command
from esgdesk.errors import EsgdeskError

if TYPE_CHECKING:
    from esgdesk.storage.factors import FactorValue
    from esgdesk.storage.store import Store

PROVINCE = re.compile(r"[a-z]+")  # pinyin, as the grid factors name it: guangdong


def _year(store: Store, args: argparse.Namespace) -> int:
    if args.year is not None:
        return int(args.year)
    from esgdesk.rules.workspace import reporting_years

    return reporting_years(store)[1]


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
    parser.add_argument("--reason", default="", help="--set: why it changes")


@store_command("factors", "a year's emission and conversion factors: list, import, load "
               "shipped sets, set one", _factors_arguments)
def _factors(store: Store, args: argparse.Namespace) -> int:
    year = _year(store, args)
    if args.import_file is not None:
        return _import(store, args, year)
    if args.load:
        written = store.load_factor_sets(year, list(args.load), args.user)
        print(f"{store.shown}: {written} factor(s) of {', '.join(args.load)} "
              f"written to {year}")
        return 0
    if args.set:
        return _set(store, args, year)
    return _list(store.factors(year), args, year)


def factors_json(factors: dict[str, FactorValue]) -> list[dict[str, Any]]:
    """The listing's objects: id, value (exact decimal text or null), unit, region, data
    year, source."""
    return [{"id": f.id, "value": f.value_text, "unit": f.unit, "region": f.region,
             "data_year": f.data_year, "source": f.source} for f in factors.values()]


def _list(factors: dict[str, FactorValue], args: argparse.Namespace, year: int) -> int:
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


def _set(store: Store, args: argparse.Namespace, year: int) -> int:
    factor_id, value = args.set
    held = store.factors(year).get(factor_id)
    unit = args.unit if args.unit is not None else (held.unit if held else "")
    factor = store.set_factor(
        year, factor_id, value or None, unit, args.source,
        args.table if args.table is not None else (held.table_ref if held else ""),
        args.user, args.reason, gas=held.gas if held else "",
        region=held.region if held else "",
        data_year=args.data_year if args.data_year is not None else (
            held.data_year if held else None),
        set_id="", verified=args.verified)
    shown = factor.value_text if factor.value is not None else "(none)"
    print(f"{factor.id} for {year}: {shown} {factor.unit}".rstrip())
    return 0


def _import(store: Store, args: argparse.Namespace, year: int) -> int:
    from esgdesk.exchange.factor_file import import_factors

    path: Path = args.import_file
    found = import_factors(store, year, path, args.user, dry_run=args.dry_run)
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
        print(f"{path}: checked (dry run), {len(found.changes)} factor(s) would change; "
              "nothing was written")
    else:
        print(f"{path}: {len(found.changes)} factor(s) of {year} written")
    return 0


# -- provinces ----------------------------------------------------------------------------
def _province_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", help="the entity's code (see 'esgdesk entities')")
    parser.add_argument("province", help="the province in pinyin (guangdong); '-' clears it")
    parser.add_argument("--year", type=int, help="the year whose grid factor to show "
                        "(default: the latest)")


@store_command("province", "the province an entity is in, for its regional grid factor",
               _province_arguments)
def _province(store: Store, args: argparse.Namespace) -> int:
    from esgdesk.storage.factors import grid_id

    wanted = args.province.strip().lower()
    if wanted != "-" and not PROVINCE.fullmatch(wanted):
        raise EsgdeskError(f"'{args.province}' is not a province in pinyin (such as "
                           "guangdong)", f"“{args.province}”不是拼音省份名（如 guangdong）",
                           kind="usage")
    entity = store.set_province(args.entity, None if wanted == "-" else wanted)
    year = _year(store, args)
    grid = grid_id(store.factors(year), entity.province)
    print(f"{entity.code}: {entity.province or '(no province)'}; its {year} grid factor is "
          f"{grid}")
    return 0
