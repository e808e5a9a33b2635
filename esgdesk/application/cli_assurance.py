"""The commands of a verifier's work: `assurance sample` (a sample anyone can draw again),
`assurance pack` (the year, checkable offline) and `assurance verify` (checking a pack with
no database). They parse, ask the session (or, for a pack, its reader) and print."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from esgdesk.application.commands import (
    command,
    command_session,
    print_refused,
    refuse_existing,
)
from esgdesk.application.databases import location
from esgdesk.errors import EsgdeskError

ACTIONS = ("sample", "workbook", "import", "pack", "verify")
USAGE = {
    "sample": "esgdesk assurance sample PATH --year Y --size N --seed S "
              "[--by magnitude|random] [--department D]",
    "workbook": "esgdesk assurance workbook PATH --year Y --out F.xlsx",
    "import": "esgdesk assurance import PATH F.xlsx",
    "pack": "esgdesk assurance pack PATH --year Y --out pack.zip",
    "verify": "esgdesk assurance verify pack.zip",
}


def _assurance_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("where", help="the database, or the pack (verify)")
    parser.add_argument("file", nargs="?", type=Path, help="import: the marked workbook")
    parser.add_argument("--year", type=int, help="the reporting year")
    parser.add_argument("--size", type=int, help="sample: how many figures")
    parser.add_argument("--seed", help="sample: the seed (the same seed, the same sample)")
    parser.add_argument("--by", choices=("magnitude", "random"), default="magnitude",
                        help="sample: quantities by their magnitude (default), or all alike")
    parser.add_argument("--department", default="", help="sample: one department's figures")
    parser.add_argument("--out", type=Path, help="workbook, pack: the file to write")
    parser.add_argument("--force", action="store_true", help="workbook, pack: overwrite --out")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh",
                        help="pack: the report workbook's language; verify: the messages'")


def _usage(action: str) -> EsgdeskError:
    return EsgdeskError(f"usage: {USAGE[action]}", f"用法：{USAGE[action]}", kind="usage")


@command("assurance", "a verifier's work: sample, pack, verify", _assurance_arguments)
def _assurance(args: argparse.Namespace) -> int:
    if args.action == "verify":
        return _verify(Path(args.where), args.lang)
    wanted = {"sample": args.size is not None and bool(args.seed),
              "workbook": args.out is not None, "pack": args.out is not None,
              "import": args.file is not None}[args.action]
    if not wanted or (args.year is None and args.action != "import"):
        raise _usage(args.action)
    session = command_session(location(args.where), args)
    try:
        if args.action == "sample":
            sample = session.draw_sample(args.year, args.size, args.seed, args.by,
                                         args.department)
            for number, (entity, indicator) in enumerate(sample.figures, start=1):
                print(f"{number}\t{entity}\t{indicator}")
            print(f"sample {sample.id} of {args.year}: {len(sample.figures)} figures drawn by "
                  f"{sample.by} with seed {sample.seed} (recorded in the audit log)",
                  file=sys.stderr)
            return 0
        if args.action == "import":
            stored, problems = session.import_assurance(args.file)
            if problems:
                return print_refused(args.file, problems, args.lang)
            print(f"{args.file}: {stored} mark(s) stored (each in the audit log)")
            return 0
        refuse_existing(args.out, args.force)
        if args.action == "workbook":
            session.assurance_workbook(args.year, args.out, args.lang)
            print(f"{args.out}: the {args.year} sample, for the verifier to mark")
            return 0
        session.write_pack(args.year, args.out, args.lang)
        print(f"{args.out}: the {args.year} assurance pack")
        return 0
    finally:
        session.close()


def _verify(path: Path, lang: str) -> int:
    from esgdesk.exchange.assurance_pack import verify_pack

    manifest, problems = verify_pack(path)
    for problem in problems:
        print(problem.message(lang), file=sys.stderr)
    parts = len(manifest.get("parts", {}))
    if problems:
        print(f"{path}: {len(problems)} problem(s) found; the pack does not verify",
              file=sys.stderr)
        return 1
    print(f"{path}: verified: {parts} parts as the manifest says, the audit chain intact to "
          f"its head {manifest.get('audit_head', '')[:12]}…, every figure as its history says")
    return 0
