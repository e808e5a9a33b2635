"""The catalogue's documents: a template's TOML folder read into one document, a document
(a template's, or an edition a database stores) read into a Catalogue with every problem
found, and a Catalogue spelt out as a document again."""

from __future__ import annotations

import json
import os
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from esgdesk.errors import CatalogueError, Item, Problem
from esgdesk.model import formula as formulas
from esgdesk.model.catalogue import checks
from esgdesk.model.catalogue.checks import Findings
from esgdesk.model.catalogue.records import (
    CHECK_KINDS,
    DEFAULT_MARKS,
    EVIDENCE_CHOICES,
    LAYOUTS,
    RULE_KEYS,
    SOURCES,
    TARGET_KINDS,
    Catalogue,
    Chapter,
    Check,
    Column,
    Indicator,
    Label,
    Note,
    Row,
    Section,
    Table,
    Target,
    default_level,
)
from esgdesk.model.entities import ENTRY_LEVELS
from esgdesk.model.types import NEEDS_PRECISION, TYPE_NAMES, ValueType, canonical, value_type
from esgdesk.paths import RESOURCES, user_cache_folder

CATALOGUE_DIR = RESOURCES / "catalogue"
ENTITIES_FILE = RESOURCES / "entities.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's content; a JSON copy in the user cache makes the next start faster."""
    import hashlib
    import tomllib

    stat = path.stat()
    key = hashlib.sha1(f"{path.resolve()}|{stat.st_mtime_ns}|{stat.st_size}".encode())
    cached = user_cache_folder() / f"{path.stem}-{key.hexdigest()[:16]}.json"
    try:
        with cached.open(encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        pass
    with path.open("rb") as handle:
        content = tomllib.load(handle)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, cached)
    except OSError:
        pass  # a read-only cache only costs speed
    return content


def entity_codes() -> set[str]:
    """Codes of the sample group's entities (the sites a per-site table may name)."""
    return {e["code"] for e in _read_toml(ENTITIES_FILE).get("entities", [])}


def _formula(found: Findings, item: Item, raw: dict[str, Any]) -> Any:
    """The item's parsed formula, None when it has none or it cannot be read (said)."""
    if "formula" not in raw:
        return None
    try:
        return formulas.parse(raw["formula"])
    except formulas.FormulaError as exc:
        found.add(checks.BAD_FORMULA, item.on("formula"), formula=exc.text,
                  reason=exc.reason, reason_zh=exc.reason_zh)
        return None


def _indicator(found: Findings, chapter_id: str, raw: dict[str, Any], sections: dict,
               chapter_level: str = "") -> Indicator:
    iid = str(raw.get("id", ""))
    place = Item("indicator", iid or "?")
    type_name = raw.get("type")
    vtype: ValueType = value_type("text")
    if type_name not in TYPE_NAMES:
        found.add(checks.UNKNOWN_TYPE, place.on("type"), iid, value=type_name,
                  choices=TYPE_NAMES)
    else:
        if type_name in NEEDS_PRECISION and "precision" not in raw:
            found.add(checks.NEEDS_PRECISION, place.on("precision"), iid,
                      type=type_name)
        vtype = value_type(type_name, raw.get("precision"), raw.get("quantity"))
        if type_name == "quantity":
            _check_quantity(found, place.on("quantity"), raw.get("quantity"))
    numeric = vtype.numeric
    section = sections.get(raw.get("section"))
    if section is None:
        found.add(checks.UNKNOWN_SECTION, place.on("section"), iid,
                  section=raw.get("section"))
    parsed = _formula(found, place, raw)
    rules = dict(raw.get("rules", {}))
    for key in sorted(set(rules) - RULE_KEYS):
        found.add(checks.UNKNOWN_RULE, place.on("rules"), iid, rule=key)
    return Indicator(
        id=iid,
        label=found.label(place.on("label"), raw.get("label")),
        unit=found.label(place.on("unit"), raw.get("unit"), allow_empty=not numeric),
        type=vtype,
        owner=str(raw.get("owner", "")),
        chapter=chapter_id,
        section=str(raw.get("section", "")),
        aggregation=str(raw.get("aggregation", "")),
        gri=tuple(raw.get("gri", section.gri if section else ())),
        cass=tuple(raw.get("cass", section.cass if section else ())),
        formula=parsed,
        weight=raw.get("weight"),
        rules=rules,
        note=str(raw.get("note", "")),
        szse=tuple(raw.get("szse", section.szse if section else ())),
        hkex=tuple(raw.get("hkex", section.hkex if section else ())),
        entered_at=_level(found, place.on("entered_at"), raw, chapter_level),
        evidence=_evidence(found, place.on("evidence"), raw),
    )


def _evidence(found: Findings, place: Item, raw: dict[str, Any]) -> str:
    """Whether a figure of the indicator needs a document: "required", or blank."""
    given = str(raw.get("evidence") or "")
    if given and given not in EVIDENCE_CHOICES:
        found.add(checks.NOT_A_CHOICE, place, place.id, what="evidence", value=given,
                  choices=EVIDENCE_CHOICES)
        return ""
    return given


def _level(found: Findings, place: Item, raw: dict[str, Any], chapter_level: str) -> str:
    """An indicator's entry level, as given or by default (see default_level)."""
    given = str(raw.get("entered_at") or "")
    if given and given not in ENTRY_LEVELS:
        found.add(checks.NOT_A_CHOICE, place, place.id, what="entered_at", value=given,
                  choices=ENTRY_LEVELS)
        given = ""
    return given or default_level(str(raw.get("aggregation", "")), chapter_level)


def _check_quantity(found: Findings, place: Item, unit_id: Any) -> None:
    from esgdesk.model.units import UNITS

    known = {unit.id for unit in UNITS}
    if unit_id not in known:
        found.add(checks.NEEDS_CANONICAL_UNIT, place, place.id, choices=sorted(known),
                  value=unit_id)


def _row(found: Findings, place: Item, raw: dict[str, Any]) -> Row:
    if "group" in raw:
        return Row("group", label=found.label(place.on("group row"), raw["group"]))
    label = (found.label(place.on("row label"), raw["label"]) if "label" in raw
             else None)
    if "cells" in raw:
        return Row("cells", label=label, cells=dict(raw["cells"]), indent=int(raw.get("indent", 0)))
    if "indicator" in raw:
        return Row("indicator", label=label, indicator=raw["indicator"],
                   indent=int(raw.get("indent", 0)))
    found.add(checks.EMPTY_ROW, place.on("indicator"), raw=raw)
    return Row("group", label=Label("", ""))


def _table(found: Findings, chapter_id: str, raw: dict[str, Any]) -> Table:
    tid = str(raw.get("id", ""))
    place = Item("table", tid or "?")
    layout = raw.get("layout", "years")
    if layout not in LAYOUTS:
        found.add(checks.NOT_A_CHOICE, place.on("layout"), what="layout",
                  value=layout, choices=LAYOUTS)
    source = raw.get("source", "table")
    if source not in SOURCES:
        found.add(checks.NOT_A_CHOICE, place.on("source"), what="source",
                  value=source, choices=SOURCES)
    columns = tuple(
        Column(str(c.get("key")), found.label(Item("column", place.id, "column title",
                                                   index=index), c.get("title")))
        for index, c in enumerate(raw.get("columns", []))
    )
    header = raw.get("header", {"zh": "指标", "en": "Indicator"})
    notes: dict[int, Note] = {}
    for index, note in enumerate(raw.get("notes", [])):
        at = Item("note", place.id, index=index)
        number = note.get("number") if isinstance(note, dict) else None
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            found.add(checks.NOT_A_NOTE_NUMBER, at.on("number"), value=number)
            continue
        if number in notes:
            found.add(checks.DECLARED_TWICE, at.on("number"))
            continue
        notes[number] = Note(number, found.label(at.on("text"), note.get("text")))
    return Table(
        id=tid,
        chapter=chapter_id,
        section=str(raw.get("section", "")),
        title=found.label(place.on("title"), raw.get("title")),
        source=source,
        layout=layout,
        years=int(raw.get("years", 3)),
        header=found.label(place.on("header"), header),
        rows=tuple(_row(found, Item("row", place.id, index=index), r)
                   for index, r in enumerate(raw.get("rows", []))),
        sites=tuple(raw.get("sites", ())),
        columns=columns,
        unit_column=bool(raw.get("unit_column", True)),
        notes=tuple(notes.values()),
    )


def _check(found: Findings, chapter_id: str, index: int, raw: dict[str, Any]) -> Check:
    kind = raw.get("kind")
    place = Item("check", chapter_id, index=index)
    if kind not in CHECK_KINDS:
        found.add(checks.KIND_NOT_A_CHOICE, place.on("kind"), choices=CHECK_KINDS)
    parsed = _formula(found, place, raw)
    return Check(
        kind=str(kind),
        chapter=chapter_id,
        label=(found.label(place.on("label"), raw["label"]) if "label" in raw
               else None),
        total=raw.get("total"),
        parts=tuple(raw.get("parts", ())),
        indicators=tuple(raw.get("indicators", ())),
        indicator=raw.get("indicator"),
        formula=parsed,
        complete=bool(raw.get("complete", True)),
        severity=raw.get("severity"),
    )


def _target(found: Findings, raw: dict[str, Any]) -> Target:
    """A target against a base year, as declared (its references are checked with the
    catalogue's)."""
    tid = str(raw.get("id", ""))
    place = Item("target", tid or "?")
    kind = str(raw.get("kind") or "absolute")
    if kind not in TARGET_KINDS:
        found.add(checks.NOT_A_CHOICE, place.on("kind"), what="kind", value=kind,
                  choices=TARGET_KINDS)
    try:
        reduction = Decimal(str(raw.get("reduction", "")).strip())
    except InvalidOperation:
        reduction = Decimal(0)
    if not reduction.is_finite() or not 0 < reduction <= 100:
        found.add(checks.TARGET_REDUCTION, place.on("reduction"), value=raw.get("reduction"))
        reduction = Decimal(0)
    years = []
    for field in ("base_year", "target_year"):
        year = raw.get(field)
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
            found.add(checks.TARGET_YEAR, place.on(field), value=year)
            year = 0
        years.append(year)
    if all(years) and years[0] >= years[1]:
        found.add(checks.TARGET_YEARS, place.on("target_year"), base=years[0],
                  target=years[1])
    return Target(id=tid, indicator=str(raw.get("indicator", "")), kind=kind,
                  reduction=reduction, base_year=years[0], target_year=years[1],
                  label=found.label(place.on("label"), raw.get("label")),
                  table=str(raw.get("table") or ""))


def _chapter(found: Findings, raw: dict[str, Any], sink: dict[str, list]) -> Chapter:
    head = raw.get("chapter", {})
    cid = str(head.get("id", ""))
    sections = []
    for s in raw.get("sections", []):
        sections.append(Section(
            id=str(s.get("id", "")), chapter=cid,
            title=found.label(Item("section", str(s.get("id")), "title"), s.get("title")),
            page=s.get("page"), gri=tuple(s.get("gri", ())), cass=tuple(s.get("cass", ())),
            szse=tuple(s.get("szse", ())), hkex=tuple(s.get("hkex", ())),
        ))
    sink["sections"].extend(sections)
    by_id = {s.id: s for s in sink["sections"]}
    level = str(head.get("entered_at") or "")
    if level and level not in ENTRY_LEVELS:
        found.add(checks.NOT_A_CHOICE, Item("chapter", cid, "entered_at"), what="entered_at",
                  value=level, choices=ENTRY_LEVELS)
        level = ""
    sink["indicators"].extend(_indicator(found, cid, i, by_id, level)
                              for i in raw.get("indicators", []))
    tables = tuple(_table(found, cid, t) for t in raw.get("tables", []))
    sink["checks"].extend(_check(found, cid, index, c)
                          for index, c in enumerate(raw.get("checks", [])))
    return Chapter(
        id=cid, number=str(head.get("number", "")), order=int(head.get("order", 99)),
        title=found.label(Item("chapter", cid, "title"), head.get("title")),
        sections=tuple(sections), tables=tables,
        short_title=found.label(Item("chapter", cid, "short_title"), head.get("short_title")),
    )


def directory_document(directory: Path = CATALOGUE_DIR,
                       ) -> tuple[dict[str, Any], list[Problem]]:
    """A template's folder (catalogue.toml, with its targets, and one NN_name.toml per
    chapter) as one document, the form a database stores an edition in; and the files that
    could not be read."""
    import tomllib

    problems: list[Problem] = []
    try:
        meta = _read_toml(directory / "catalogue.toml")
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return {"catalogue": {}, "chapters": []}, [
            checks.UNREADABLE(item=Item("file", "catalogue.toml"), reason=str(exc))]
    chapters = []
    for path in sorted(directory.glob("[0-9][0-9]_*.toml")):
        try:
            raw = _read_toml(path)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            problems.append(checks.UNREADABLE(item=Item("file", path.name), reason=str(exc)))
            continue
        head = dict(raw.get("chapter", {}))
        head.setdefault("id", path.stem)
        chapters.append({**raw, "chapter": head})
    document: dict[str, Any] = {"catalogue": {k: v for k, v in meta.items() if k != "targets"},
                                "chapters": chapters}
    if meta.get("targets"):  # catalogue.toml's [[targets]]: the document's own part
        document["targets"] = meta["targets"]
    return document, problems


def read(directory: Path = CATALOGUE_DIR) -> tuple[Catalogue, list[Problem]]:
    """Read a template's folder; return the catalogue and every problem found."""
    document, problems = directory_document(directory)
    catalogue, more = read_document(document, sites=entity_codes())
    return catalogue, problems + more


def read_document(document: dict[str, Any], year: int | None = None,
                  sites: set[str] | None = None, content_hash: str | None = None,
                  ) -> tuple[Catalogue, list[Problem]]:
    """A catalogue from its document (a template's files, or an edition a database holds),
    for a reporting year (the document's own `report_year` if not given), and every problem
    found. Per-site tables are checked against `sites` when given."""
    meta = document.get("catalogue", {})
    year = int(meta.get("report_year", 0)) if year is None else year
    found = Findings(year)
    departments = {
        key: found.label(Item("department", key, "name"), value)
        for key, value in meta.get("departments", {}).items()
    }
    sink: dict[str, list] = {"sections": [], "indicators": [], "checks": []}
    chapters = [_chapter(found, raw, sink) for raw in document.get("chapters", [])]
    chapters.sort(key=lambda c: c.order)
    indicators: dict[str, Indicator] = {}
    for indicator in sink["indicators"]:
        if indicator.id in indicators:
            found.add(checks.DECLARED_TWICE, Item("indicator", indicator.id, "id"), indicator.id)
        indicators[indicator.id] = indicator
    by_section = {s.id: s for s in sink["sections"]}
    retired: dict[str, Indicator] = {}
    for raw in document.get("retired", []):
        indicator = _indicator(found, str(raw.get("chapter", "")), raw, by_section)
        if indicator.id in indicators or indicator.id in retired:
            found.add(checks.RETIRED_IN_USE, Item("indicator", indicator.id, "retired"),
                      indicator.id)
        retired[indicator.id] = indicator
    tables: dict[str, Table] = {}
    for chapter in chapters:
        for table in chapter.tables:
            if table.id in tables:
                found.add(checks.DECLARED_TWICE, Item("table", table.id, "id"))
            tables[table.id] = table
    targets: dict[str, Target] = {}
    for raw in document.get("targets", []):
        target = _target(found, raw)
        if target.id in targets:
            found.add(checks.DECLARED_TWICE, Item("target", target.id, "id"))
        targets[target.id] = target
    catalogue = Catalogue(
        version=str(meta.get("version", "")),
        report_title=found.label(Item("catalogue", field="report"), meta.get("report")),
        report_year=year,
        departments=departments,
        chapters=tuple(chapters),
        indicators=indicators,
        tables=tables,
        checks=tuple(sink["checks"]),
        rule_defaults=dict(meta.get("rules", {})),
        company=found.label(Item("catalogue", field="company"), meta.get("company")),
        retired=retired,
        marks={k: str(v) for k, v in meta.get("marks", {}).items() if k in DEFAULT_MARKS},
        content_hash=content_hash or document_hash(document),
        targets=tuple(targets.values()),
    )
    checks.check_references(found, catalogue, set(by_section), sites)
    return catalogue, found.problems


def document_hash(document: dict[str, Any]) -> str:
    """The SHA-256 of a document's content (its reporting year left out: a year opened from
    the last one holds the same content, and the same hash, until it is edited)."""
    content = {**document, "catalogue": {k: v for k, v in document.get("catalogue", {}).items()
                                         if k != "report_year"}}
    import hashlib

    body = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def to_document(catalogue: Catalogue) -> dict[str, Any]:
    """The catalogue as a document with every field spelt out: what a database stores as an
    edition, and what a catalogue workbook round-trips to. read_document(to_document(c))
    gives c back."""
    meta: dict[str, Any] = {
        "version": catalogue.version,
        "report": catalogue.report_title.as_dict(),
        "company": catalogue.company.as_dict(),
        "report_year": catalogue.report_year,
        "rules": catalogue.rule_defaults,
        "marks": dict(catalogue.marks),
        "departments": {key: name.as_dict() for key, name in catalogue.departments.items()},
    }
    chapters = []
    for chapter in catalogue.chapters:
        own = [i for i in catalogue.indicators.values() if i.chapter == chapter.id]
        chapters.append({
            "chapter": {"id": chapter.id, "number": chapter.number, "order": chapter.order,
                        "title": chapter.title.as_dict(),
                        "short_title": chapter.short_title.as_dict()},
            "sections": [_section_document(s) for s in chapter.sections],
            "indicators": [indicator_document(i) for i in own],
            "tables": [_table_document(t) for t in chapter.tables],
            "checks": [_check_document(c) for c in catalogue.checks if c.chapter == chapter.id],
        })
    document: dict[str, Any] = {"catalogue": meta, "chapters": chapters}
    if catalogue.retired:
        document["retired"] = [{**indicator_document(i), "chapter": i.chapter}
                               for i in catalogue.retired.values()]
    if catalogue.targets:  # left out when none: an edition without targets keeps its hash
        document["targets"] = [_target_document(t) for t in catalogue.targets]
    return document


def _target_document(target: Target) -> dict[str, Any]:
    out: dict[str, Any] = {"id": target.id, "indicator": target.indicator, "kind": target.kind,
                           "reduction": canonical(target.reduction),
                           "base_year": target.base_year, "target_year": target.target_year,
                           "label": target.label.as_dict()}
    if target.table:
        out["table"] = target.table
    return out


def _section_document(section: Section) -> dict[str, Any]:
    out: dict[str, Any] = {"id": section.id, "title": section.title.as_dict()}
    if section.page is not None:
        out["page"] = section.page
    return {**out, "gri": list(section.gri), "cass": list(section.cass),
            "szse": list(section.szse), "hkex": list(section.hkex)}


def indicator_document(indicator: Indicator) -> dict[str, Any]:
    """One indicator as a document spells it (every field explicit)."""
    out: dict[str, Any] = {
        "id": indicator.id, "section": indicator.section, "label": indicator.label.as_dict(),
        "unit": indicator.unit.as_dict(), **indicator.type.declaration(),
    }
    out.update(owner=indicator.owner, aggregation=indicator.aggregation,
               entered_at=indicator.entered_at)
    if indicator.evidence:  # only when said: an edition without it keeps its hash
        out["evidence"] = indicator.evidence
    if indicator.formula is not None:
        out["formula"] = indicator.formula.text
    if indicator.weight is not None:
        out["weight"] = indicator.weight
    if indicator.rules:
        out["rules"] = dict(indicator.rules)
    if indicator.note:
        out["note"] = indicator.note
    return {**out, "gri": list(indicator.gri), "cass": list(indicator.cass),
            "szse": list(indicator.szse), "hkex": list(indicator.hkex)}


def _table_document(table: Table) -> dict[str, Any]:
    rows = []
    for row in table.rows:
        if row.kind == "group":
            rows.append({"group": row.label.as_dict() if row.label else {"zh": "", "en": ""}})
            continue
        out: dict[str, Any] = {}
        if row.kind == "cells":
            out["cells"] = dict(row.cells)
        else:
            out["indicator"] = row.indicator
        if row.label is not None:
            out["label"] = row.label.as_dict()
        out["indent"] = row.indent
        rows.append(out)
    out = {"id": table.id, "section": table.section, "title": table.title.as_dict(),
           "source": table.source, "layout": table.layout, "years": table.years,
           "header": table.header.as_dict(), "unit_column": table.unit_column}
    if table.sites:
        out["sites"] = list(table.sites)
    if table.columns:
        out["columns"] = [{"key": c.key, "title": c.title.as_dict()} for c in table.columns]
    if table.notes:  # left out when none: an edition without notes keeps its hash
        out["notes"] = [{"number": n.number, "text": n.text.as_dict()} for n in table.notes]
    return {**out, "rows": rows}


def _check_document(check: Check) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": check.kind}
    if check.label is not None:
        out["label"] = check.label.as_dict()
    for key in ("total", "indicator", "severity"):
        if getattr(check, key) is not None:
            out[key] = getattr(check, key)
    for key in ("parts", "indicators"):
        if getattr(check, key):
            out[key] = list(getattr(check, key))
    if check.formula is not None:
        out["formula"] = check.formula.text
    out["complete"] = check.complete
    return out


@cache
def load() -> Catalogue:
    """The catalogue, read once per process; refuses to run on broken data."""
    catalogue, problems = read()
    if problems:
        raise CatalogueError(problems)
    return catalogue
