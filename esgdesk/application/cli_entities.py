"""The command line's `entity` command: the group's structure (companies and sites, the years
each counts in, moves between parents) added, renamed, moved, closed, listed, and written to
or read from the structure workbook. It parses, asks the session and prints."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.application.commands import command, print_refused, refuse_existing
from esgdesk.application.databases import location
from esgdesk.errors import EsgdeskError
from esgdesk.model.words import counted

if TYPE_CHECKING:
    from collections.abc import Sequence

    from esgdesk.application.session import Session
    from esgdesk.model.entities import EntityTree

VERBS = ("add", "rename", "move", "close", "set-share", "list", "export", "import")
YES = ("yes", "y", "true", "1", "是")
NO = ("no", "n", "false", "0", "否")


def _entity_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("verb", choices=VERBS, help="what to do")
    parser.add_argument("path", type=location, help="database file or postgresql:// URL")
    parser.add_argument("target", nargs="?", metavar="CODE|WORKBOOK",
                        help="the entity's code (add, rename, move, close, set-share); the "
                        "workbook (import)")
    parser.add_argument("--parent", help="the parent's code (add, move)")
    parser.add_argument("--kind", choices=("company", "site"), help="add: company or site")
    parser.add_argument("--zh", help="the Chinese name (add, rename)")
    parser.add_argument("--en", help="the English name (add, rename)")
    parser.add_argument("--province", help="add: the province it is in (its grid factor)")
    parser.add_argument("--from", dest="from_year", type=int,
                        help="add: the first year it counts (default: always); move: the "
                        "first year under the new parent; close: the first year without it")
    parser.add_argument("--equity-share",
                        help="add, set-share: the group's equity share, percent")
    parser.add_argument("--control", choices=("yes", "no"),
                        help="add, set-share: whether the group has operational control "
                        "(add: yes by default; set-share: kept when not given)")
    parser.add_argument("--restate", choices=("boundary",),
                        help="add, move, close, set-share, import: make a change that moves "
                        "published (locked) figures as a boundary restatement (the published "
                        "figures are kept and footnoted); without it such a change is refused")
    parser.add_argument("--reason", default="",
                        help="with --restate: why the published figures are restated")
    parser.add_argument("--year", type=int, help="list: the tree of this reporting year "
                        "(default: every entity ever held)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--lang", choices=("zh", "en"), default="en")
    parser.add_argument("--out", type=Path, help="export: the workbook to write")
    parser.add_argument("--force", action="store_true", help="export: overwrite --out")
    parser.add_argument("--dry-run", action="store_true",
                        help="import: check and show the difference, write nothing")


@command("entity", "the group's structure: add, rename, move or close an entity, set its "
         "equity share and control, list the tree of a year, export or import the structure "
         "workbook", _entity_arguments)
def _entity(args: argparse.Namespace) -> int:
    from esgdesk.application.commands import command_session

    session = command_session(args.path, args)
    try:
        return int(_VERBS[args.verb](session, args))
    finally:
        session.close()


def _needs(args: argparse.Namespace, *names: str) -> None:
    """A usage error naming the options a verb needs and was not given."""
    missing = [name for name in names if getattr(args, name.replace("-", "_")) in (None, "")]
    if missing:
        shown = ", ".join("CODE" if m == "target" else "--" + m.replace("_year", "")
                          for m in missing)
        raise EsgdeskError(f"entity {args.verb} needs {shown}",
                           f"entity {args.verb} 需要 {shown}", kind="usage")


def _add(session: Session, args: argparse.Namespace) -> int:
    _needs(args, "target", "parent", "kind", "zh", "en")
    session.add_entity(args.target, args.zh, args.en, args.kind, args.parent, args.province,
                       from_year=args.from_year, equity_share=args.equity_share,
                       control=args.control != "no", restate=args.restate,
                       reason=args.reason)
    entity = session.require_store().entity(args.target)
    print(f"{entity.code}: added under {entity.parent} ({entity.kind}, "
          f"{_span(entity.from_year, entity.to_year)}){_restated(session)}")
    return 0


def _rename(session: Session, args: argparse.Namespace) -> int:
    _needs(args, "target")
    if not (args.zh or args.en):
        _needs(args, "zh", "en")
    session.rename_entity(args.target, args.zh, args.en)
    entity = session.require_store().entity(args.target)
    print(f"{entity.code}: {entity.name_zh} / {entity.name_en}")
    return 0


def _move(session: Session, args: argparse.Namespace) -> int:
    _needs(args, "target", "parent", "from_year")
    session.move_entity(args.target, args.parent, args.from_year, args.restate, args.reason)
    print(f"{args.target}: under {args.parent} from {args.from_year}{_restated(session)}")
    return 0


def _close(session: Session, args: argparse.Namespace) -> int:
    _needs(args, "target", "from_year")
    session.close_entity(args.target, args.from_year, args.restate, args.reason)
    print(f"{args.target}: counts up to {args.from_year - 1}; nothing is expected of it "
          f"from {args.from_year}{_restated(session)}")
    return 0


def _set_share(session: Session, args: argparse.Namespace) -> int:
    _needs(args, "target")
    if args.equity_share is None and args.control is None:
        raise EsgdeskError("entity set-share needs --equity-share or --control",
                           "entity set-share 需要 --equity-share 或 --control", kind="usage")
    control = None if args.control is None else args.control == "yes"
    session.set_entity_share(args.target, args.equity_share, control, args.restate,
                             args.reason)
    entity = session.require_store().entity(args.target)
    share = f"{entity.equity_share} %" if entity.equity_share is not None else "not given"
    print(f"{entity.code}: equity share {share}, operational control "
          f"{'yes' if entity.control else 'no'}{_restated(session)}")
    return 0


def _restated(session: Session) -> str:
    """What a change of structure restated, for its line."""
    moves = session.restated
    if not moves:
        return ""
    return f"; {counted(len(moves), 'published figure')} restated: {_moves(moves)}"


def _moves(moves: Sequence[Any]) -> str:
    """The published figures a change moves, the first five named."""
    named = "; ".join(f"{m.indicator} for {m.entity} {m.year}: {m.published} → "
                      f"{m.after or '—'}" for m in moves[:5])
    return named + (f" and {len(moves) - 5} more" if len(moves) > 5 else "")


def _list(session: Session, args: argparse.Namespace) -> int:
    tree = session.entity_tree(args.year)
    rows = tree_rows(tree)
    if args.format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for row in rows:
        share = f"\t{row['equity_share']} %" if row["equity_share"] is not None else "\t-"
        control = "" if row["control"] else "\tno operational control"
        print(f"{'  ' * row['depth']}{row['code']}\t{row['kind']}\t{row['name_zh']}\t"
              f"{row['name_en']}\t{row['province'] or '-'}\t"
              f"{_span(row['from'], row['to'])}{share}{control}")
    return 0


def tree_rows(tree: EntityTree) -> list[dict[str, Any]]:
    """Each entity of a tree, in its order, as the list prints it (and as JSON)."""
    return [{"code": e.code, "name_zh": e.name_zh, "name_en": e.name_en, "kind": e.kind,
             "parent": e.parent, "province": e.province, "from": e.from_year,
             "to": e.to_year, "equity_share": e.equity_share, "control": e.control,
             "depth": tree.depth(e.code)} for e in tree]


def _span(first: int | None, last: int | None) -> str:
    if first is None and last is None:
        return "always"
    return f"{first if first is not None else '…'}–{last if last is not None else ''}"


def _export(session: Session, args: argparse.Namespace) -> int:
    if args.out is None:
        raise EsgdeskError("say where to write the workbook: --out structure.xlsx",
                           "请用 --out 指定工作簿文件", kind="usage")
    refuse_existing(args.out, args.force)
    written = session.export_structure(args.out, args.lang)
    count = len(session.entity_tree())
    print(f"{written}: the group's structure ({count} entities), for editing in Excel or "
          "LibreOffice")
    return 0


def _import(session: Session, args: argparse.Namespace) -> int:
    _needs(args, "target")
    plan = session.plan_structure(Path(args.target))
    if plan.problems:
        return print_refused(args.target, plan.problems, args.lang)
    if not plan.changes:
        print(f"{args.target}: the same as the database's structure; nothing to change")
        return 0
    for line in plan.lines(args.lang):
        print(line)
    if args.dry_run:
        moves = session.structure_moves(plan)
        if moves:
            print(f"{counted(len(moves), 'published (locked) figure')} would move, to import "
                  "with --restate boundary --reason WHY: " + _moves(moves))
        print(f"{args.target}: checked (dry run); nothing was written")
        return 0
    session.import_structure(plan, Path(args.target).name, args.restate, args.reason)
    print(f"{args.target}: stored, {plan.changes} changes{_restated(session)}")
    return 0


_VERBS = {"add": _add, "rename": _rename, "move": _move, "close": _close,
          "set-share": _set_share, "list": _list, "export": _export, "import": _import}
