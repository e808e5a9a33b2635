"""The commands of the evidence behind figures: `evidence add`, `list`, `get` and `remove`.
They parse, ask the session and print."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from esgdesk.application.commands import command, command_session, refuse_existing
from esgdesk.application.databases import location
from esgdesk.errors import EsgdeskError

if TYPE_CHECKING:
    from esgdesk.application.session import Session
    from esgdesk.model.evidence import Attachment

ACTIONS = ("add", "list", "get", "remove")
USAGE = {
    "add": "esgdesk evidence add PATH --entity E --year Y INDICATOR FILE [--note TEXT]",
    "list": "esgdesk evidence list PATH --year Y [--entity E] [--format json]",
    "get": "esgdesk evidence get PATH ID --out FILE",
    "remove": "esgdesk evidence remove PATH ID --reason TEXT",
}


def _evidence_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("path", type=location, help="database file or postgresql:// URL")
    parser.add_argument("words", nargs="*", metavar="ARG",
                        help="add: INDICATOR FILE; get, remove: the evidence's ID")
    parser.add_argument("--entity", help="entity code (add: default the group)")
    parser.add_argument("--year", type=int, help="the reporting year (add, list)")
    parser.add_argument("--note", default="", help="add: what the document shows")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="list: one line each, or JSON")
    parser.add_argument("--out", type=Path, help="get: the file to write the document to")
    parser.add_argument("--force", action="store_true", help="get: overwrite --out")
    parser.add_argument("--reason", default="", help="remove: why the document goes")


@command("evidence", "documents behind figures: add, list, get, remove", _evidence_arguments)
def _evidence(args: argparse.Namespace) -> int:
    wanted = {"add": 2, "list": 0, "get": 1, "remove": 1}[args.action]
    if len(args.words) != wanted or (args.action in ("add", "list") and args.year is None):
        raise EsgdeskError(f"usage: {USAGE[args.action]}", f"用法：{USAGE[args.action]}",
                           kind="usage")
    session = command_session(args.path, args)
    try:
        return {"add": _add, "list": _list, "get": _get, "remove": _remove}[args.action](
            session, args)
    finally:
        session.close()


def _add(session: Session, args: argparse.Namespace) -> int:
    from esgdesk.model.layout import FigureRef

    indicator, file = args.words
    ref = FigureRef(session.figure_entity(args.entity, args.year, indicator), args.year,
                    indicator)
    session.attach_evidence(ref, Path(file), args.note)
    attachment = session.evidence_of(ref)[-1]
    print(_line(attachment))
    return 0


def _list(session: Session, args: argparse.Namespace) -> int:
    found = session.evidence(args.year, args.entity)
    if args.format == "json":
        json.dump([_shown(a) for a in found], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for attachment in found:
        print(_line(attachment))
    return 0


def _get(session: Session, args: argparse.Namespace) -> int:
    if args.out is None:
        raise EsgdeskError(f"say where to write the document: {USAGE['get']}",
                           f"请用 --out 指定文件：{USAGE['get']}", kind="usage")
    refuse_existing(args.out, args.force)
    attachment, content = session.evidence_file(_id(args.words[0]))
    args.out.write_bytes(content)
    print(f"{args.out}: {attachment.file_name} ({attachment.size} bytes, SHA-256 "
          f"{attachment.sha256})")
    return 0


def _remove(session: Session, args: argparse.Namespace) -> int:
    attachment_id = _id(args.words[0])
    session.remove_evidence(attachment_id, args.reason)
    attachment, _ = session.evidence_file(attachment_id)
    print(f"{attachment.id}\t{attachment.file_name}: removed ({attachment.removed_reason})")
    return 0


def _id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise EsgdeskError(f"'{text}' is not an evidence ID (see 'esgdesk evidence list')",
                           f"“{text}”不是证明文件编号（见 esgdesk evidence list）",
                           kind="usage") from None


def _shown(attachment: Attachment) -> dict[str, object]:
    """What a listing says of an attachment."""
    return {"id": attachment.id, "entity": attachment.entity, "year": attachment.year,
            "indicator": attachment.indicator, "file_name": attachment.file_name,
            "size": attachment.size, "sha256": attachment.sha256,
            "media_type": attachment.media_type, "who": attachment.attached_by,
            "when": attachment.attached_at, "note": attachment.note}


def _line(attachment: Attachment) -> str:
    return "\t".join(str(value) for value in (
        attachment.id, attachment.entity, attachment.indicator, attachment.file_name,
        attachment.size, attachment.sha256, attachment.attached_by, attachment.attached_at,
        attachment.note))
