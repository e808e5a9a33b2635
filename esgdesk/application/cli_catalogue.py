"""The commands of the catalogue: templates, a year's edition (list, export for editing, import
an edited workbook), opening a year, and the frameworks' coverage."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.application.commands import (
    command,
    print_refused,
    refuse_existing,
    session_command,
)
from esgdesk.application.databases import location, shown
from esgdesk.errors import EsgdeskError

if TYPE_CHECKING:
    from esgdesk.application.session import Session
    from esgdesk.model.catalogue import Catalogue


@command("templates", "list the catalogue templates a new database can start from")
def _templates(args: argparse.Namespace) -> int:
    from esgdesk.model.templates import available, template_catalogue

    for template in available():
        catalogue = template_catalogue(template.id)
        print(f"{template.id}\t{len(catalogue.tables)} tables, {len(catalogue.indicators)} "
              f"indicators\t{template.title('en')} / {template.title('zh')}")
    return 0


# -- the catalogue of a database and year -------------------------------------------------
def _catalogue_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("words", nargs="*", metavar="[export|import|add-block] [PATH] [WORKBOOK]",
                        help="PATH lists the edition of a database (none: the shipped "
                        "template); 'export PATH --out F' writes it for editing; 'import PATH "
                        "F' reads an edited workbook back; 'add-block PATH --template T "
                        "--block B' takes a block of a template (its tables, indicators, "
                        "formulas and checks) into the edition")
    parser.add_argument("--year", type=int, help="reporting year (default: the latest)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--out", type=Path, help="the workbook to write (export)")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    parser.add_argument("--dry-run", action="store_true",
                        help="import: check and show the difference, write nothing")
    parser.add_argument("--check", action="store_true",
                        help="only check the shipped catalogue data")
    parser.add_argument("--template", help="add-block: the template the block comes from")
    parser.add_argument("--block", help="add-block: the block (none: list the template's)")


@command("catalogue", "a year's catalogue: list it, export it for editing, import it edited",
         _catalogue_arguments)
def _catalogue(args: argparse.Namespace) -> int:
    from esgdesk.model.catalogue import read

    if args.check:
        _, problems = read()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    words = list(args.words)
    verb = words.pop(0) if words and words[0] in ("export", "import", "add-block") else "list"
    if verb == "list" and not words:
        from esgdesk.model.templates import template_catalogue

        return _list(template_catalogue(), args)
    if not words:
        raise EsgdeskError(f"say which database: esgdesk catalogue {verb} PATH …",
                           f"请指定数据库：esgdesk catalogue {verb} PATH …", kind="usage")
    return _with_session(Path(words[0]), args, lambda session: {
        "list": _list_store, "export": _export, "import": _import,
        "add-block": _add_block}[verb](session, args, words))


def _with_session(path: Path, args: argparse.Namespace, run: Any) -> int:
    from esgdesk.application.session import Session

    session = Session(user_name=args.user or "")
    session.open_for_command(path)
    try:
        return int(run(session))
    finally:
        session.close()


def _year(session: Session, args: argparse.Namespace) -> int:
    return int(args.year) if args.year is not None else session.years()[1]


def _list_store(session: Session, args: argparse.Namespace, _words: list[str]) -> int:
    return _list(session.require_store().edition(_year(session, args)), args)


def _list(catalogue: Catalogue, args: argparse.Namespace) -> int:
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
    for indicator in catalogue.retired.values():
        print(f"  (retired) {indicator.id}\t{indicator.label(lang)}")
    return 0


def catalogue_json(catalogue: Catalogue) -> list[dict[str, Any]]:
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
            "szse": list(indicator.szse),
            "hkex": list(indicator.hkex),
        })
    return out


def _export(session: Session, args: argparse.Namespace, _words: list[str]) -> int:
    from esgdesk.exchange.catalogue_book import write_catalogue_book

    store = session.require_store()
    if args.out is None:
        raise EsgdeskError("say where to write the workbook: --out catalogue.xlsx",
                           "请用 --out 指定工作簿文件", kind="usage")
    refuse_existing(args.out, args.force)
    year = _year(session, args)
    write_catalogue_book(store.edition_document(year), args.out, args.lang, year)
    catalogue = store.edition(year)
    print(f"{args.out}: the {year} catalogue ({len(catalogue.tables)} tables, "
          f"{len(catalogue.indicators)} indicators), for editing in Excel or LibreOffice")
    return 0


def _import(session: Session, args: argparse.Namespace, words: list[str]) -> int:
    if len(words) < 2:
        raise EsgdeskError("say which workbook: esgdesk catalogue import PATH catalogue.xlsx",
                           "请指定工作簿：esgdesk catalogue import PATH catalogue.xlsx",
                           kind="usage")
    year = _year(session, args)
    plan = session.plan_catalogue(Path(words[1]), year)
    if plan.problems:
        return print_refused(words[1], plan.problems, args.lang)
    if plan.unchanged:
        print(f"{words[1]}: the same as the {year} edition; nothing to change")
        return 0
    for line in plan.diff.lines(args.lang):
        print(line)
    if args.dry_run:
        print(f"{words[1]}: checked (dry run); nothing was written")
        return 0
    session.import_catalogue(plan, Path(words[1]).name, year)
    info = session.require_store().edition_info(year)
    number = info.number if info else "?"
    print(f"{words[1]}: stored as the {year} catalogue, edition {number}")
    return 0


def _add_block(session: Session, args: argparse.Namespace, words: list[str]) -> int:
    from esgdesk.model.blocks import blocks

    if not args.template:
        raise EsgdeskError("say which template: --template szse-17",
                           "请用 --template 指定模板（如 szse-17）", kind="usage")
    if not args.block:
        for found in blocks(args.template):
            print(f"{found.id}\t{found.title(args.lang)}")
        return 0
    year = _year(session, args)
    addition = session.plan_block(args.template, args.block, year)
    if addition.unchanged:
        print(f"{words[0]}: the {year} catalogue has the block {args.block} already; "
              "nothing to change")
        return 0
    for line in addition.lines(args.lang):
        print(line)
    if args.dry_run:
        print(f"{words[0]}: checked (dry run); nothing was written")
        return 0
    session.add_block(addition, year)
    info = session.require_store().edition_info(year)
    number = info.number if info else "?"
    print(f"{words[0]}: block {args.block} of {args.template} added to the {year} catalogue, "
          f"edition {number}")
    return 0


# -- years --------------------------------------------------------------------------------
def _year_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("open",))
    parser.add_argument("path", type=location, help="database file or postgresql:// URL")
    parser.add_argument("year", type=int, help="the reporting year to open")


@command("year", "'open PATH YEAR' gives a new reporting year its catalogue (a copy of the "
         "last one)", _year_arguments)
def _year_command(args: argparse.Namespace) -> int:
    def run(session: Session) -> int:
        session.open_year(args.year)
        store = session.require_store()
        info = store.edition_info(args.year)
        assert info is not None  # opened just now
        catalogue = store.edition(args.year)
        print(f"{shown(args.path)}: {args.year} opened with the catalogue of "
              f"{info.summary.removeprefix('opened from ').removesuffix(chr(39) + 's edition')}"
              f" ({len(catalogue.indicators)} indicators)")
        return 0
    return _with_session(args.path, args, run)


# -- frameworks ---------------------------------------------------------------------------
def _frameworks_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, help="reporting year (default: the latest)")
    parser.add_argument("--framework", help="one framework (default: every one the edition "
                        "uses)")
    parser.add_argument("--missing", action="store_true", help="only what is not covered")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--format", choices=("text", "json"), default="text")


@session_command("frameworks", "how the year's figures cover each framework's disclosures",
                 _frameworks_arguments)
def _frameworks(session: Session, args: argparse.Namespace) -> int:
    from esgdesk.model.frameworks import framework
    from esgdesk.rules.coverage import (
        NOT_COVERED,
        coverage,
        filled_indicators,
        frameworks_used,
        summary,
    )

    store = session.require_store()
    year = _year(session, args)
    catalogue = store.edition(year)
    chosen = [framework(args.framework).id] if args.framework else frameworks_used(catalogue)
    filled = filled_indicators(store, year, catalogue)
    report = []
    for framework_id in chosen:
        rows = coverage(catalogue, framework_id, filled)
        shown = [r for r in rows if r.state != "covered"] if args.missing else rows
        report.append((framework(framework_id), rows, shown))
    if args.format == "json":
        json.dump([{"framework": f.id, "year": year, "counts": summary(rows), "disclosures": [
            {"code": r.disclosure.code, "title": r.disclosure.title.as_dict(),
             "verified": r.disclosure.verified, "state": r.state,
             "indicators": list(r.indicators), "filled": list(r.filled)} for r in shown]}
            for f, rows, shown in report], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for found, rows, shown in report:
        counts = summary(rows)
        print(f"{found.id}  {found.title(args.lang)}  ({year}): {counts['covered']} covered, "
              f"{counts['empty']} collected but empty, {counts[NOT_COVERED]} not covered, of "
              f"{len(rows)}")
        for row in shown:
            title = row.disclosure.title(args.lang) or row.disclosure.title(
                "en" if args.lang == "zh" else "zh")
            mark = "" if row.disclosure.verified else " (wording not verified)"
            ids = f"  ← {', '.join(row.indicators)}" if row.indicators else ""
            print(f"  {row.disclosure.code}\t{row.word(args.lang)}\t{title}{mark}{ids}")
    return 0




# -- targets ------------------------------------------------------------------------------
def _targets_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, help="reporting year (default: the latest)")
    parser.add_argument("--entity", help="entity code (default: the group)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--format", choices=("text", "json"), default="text")


@session_command("targets", "each target against a base year and its progress in the year",
                 _targets_arguments)
def _targets(session: Session, args: argparse.Namespace) -> int:
    from esgdesk.model.types import canonical

    def number(value: Any) -> str | None:
        return None if value is None else canonical(value.quantize(Decimal("0.01")))

    year = _year(session, args)
    found = session.target_progress(year, args.entity)
    if args.format == "json":
        json.dump([{"id": p.target.id, "indicator": p.target.indicator, "kind": p.target.kind,
                    "label": p.target.label.as_dict(), "reduction": canonical(
                        p.target.reduction), "base_year": p.target.base_year,
                    "target_year": p.target.target_year, "year": year,
                    "base": number(p.base), "current": number(p.current),
                    "reduced": number(p.reduced), "met": p.met} for p in found],
                  sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if not found:
        print(f"no targets in the {year} catalogue", file=sys.stderr)
    for p in found:
        target = p.target
        reached = ("—" if p.reduced is None
                   else f"{number(p.reduced)} %" + (" met" if p.met else ""))
        print(f"{target.id}\t{target.label(args.lang, year)}\t−{canonical(target.reduction)} % "
              f"by {target.target_year} from {target.base_year}\t{target.base_year}: "
              f"{number(p.base) or '—'}\t{year}: {number(p.current) or '—'}\t{reached}")
    return 0
