"""The catalogue: the report's chapters, tables, rows and indicators, loaded from resources/."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from esgdesk.errors import CatalogueError
from esgdesk.model import formula as formulas
from esgdesk.model.entities import ENTRY_LEVELS
from esgdesk.model.frozen import Frozen
from esgdesk.model.types import NEEDS_PRECISION, TYPE_NAMES, ValueType, value_type
from esgdesk.paths import RESOURCES

CATALOGUE_DIR = RESOURCES / "catalogue"
ENTITIES_FILE = RESOURCES / "entities.toml"

AGGREGATIONS = ("sum", "formula", "weighted_mean", "none")
SOURCES = ("table", "text", "chart", "added")
LAYOUTS = ("years", "sites", "matrix")
RULE_KEYS = {"min", "max", "max_change", "repeats", "required", "target", "next_target",
             "better"}
CHECK_KINDS = ("breakdown", "part_of", "same_figure", "ratio")
LANGUAGES = ("zh", "en")
# Compiled on first use (by re's cache): its wide ranges take milliseconds to compile.
_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"


# What a report table prints for a figure marked n/a or not available (a blank would read as
# missing); an edition may say otherwise (its `marks`).
DEFAULT_MARKS = {"not_applicable": "/", "not_available": "—"}

SHEET_NAME_LIMIT = 31  # characters Excel allows in a sheet's name


def fill_year(template: str, year: int) -> str:
    """A title naming the reporting year ("{year} 年重要成果", "{next} Objective")."""
    return template.replace("{year}", str(year)).replace("{next}", str(year + 1))


class Label(Frozen):
    """A text in both languages of the report. A title naming the reporting year holds
    `{year}` (and `{next}`, the year after): called with a year it names that year, else
    `year`, the catalogue's own reporting year."""

    _fields = ("zh", "en", "year")
    zh: str
    en: str
    year: int | None

    def __init__(self, zh: str, en: str, year: int | None = None) -> None:
        self.__dict__.update(zh=zh, en=en, year=year)

    def __call__(self, lang: str, year: int | None = None) -> str:
        text = self.zh if lang == "zh" else self.en
        shown = year if year is not None else self.year
        return fill_year(text, shown) if shown is not None and "{" in text else text

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


NO_LABEL = Label("", "")  # a title or name not given


class Indicator(Frozen):
    """One figure the report asks for: its labels, unit, value type, owner and rules."""

    _fields = ("id", "label", "unit", "type", "owner", "chapter", "section", "aggregation", "gri",
               "cass", "formula", "weight", "rules", "note", "szse", "hkex", "entered_at")
    id: str
    label: Label
    unit: Label
    type: ValueType
    owner: str
    chapter: str
    section: str
    aggregation: str
    gri: tuple[str, ...]
    cass: tuple[str, ...]
    formula: formulas.Formula | None
    weight: str | None
    rules: dict[str, Any]
    note: str
    szse: tuple[str, ...]  # Shenzhen Stock Exchange Guideline No. 17 (resources/frameworks)
    hkex: tuple[str, ...]  # HKEX ESG Code
    # Where it is typed (ENTRY_LEVELS): "site" (the tree's leaves), "company" or "group"; a
    # parent above that level shows its children's consolidation, read-only.
    entered_at: str

    def __init__(self, id: str, label: Label, unit: Label, type: ValueType, owner: str,
                 chapter: str, section: str, aggregation: str, gri: tuple[str, ...],
                 cass: tuple[str, ...], formula: formulas.Formula | None = None,
                 weight: str | None = None, rules: dict[str, Any] | None = None, note: str = "",
                 szse: tuple[str, ...] = (), hkex: tuple[str, ...] = (),
                 entered_at: str = "company") -> None:
        self.__dict__.update(id=id, label=label, unit=unit, type=type, owner=owner,
                             chapter=chapter, section=section, aggregation=aggregation, gri=gri,
                             cass=cass, formula=formula, weight=weight,
                             rules={} if rules is None else rules, note=note, szse=szse,
                             hkex=hkex, entered_at=entered_at)

    @property
    def derived(self) -> bool:
        return self.formula is not None


class Row(Frozen):
    """A table row: an indicator row, a group header, or a matrix row of cells."""

    _fields = ("kind", "label", "indicator", "indent", "cells")
    kind: str  # "indicator" | "group" | "cells"
    label: Label | None
    indicator: str | None
    indent: int
    cells: dict[str, str]

    def __init__(self, kind: str, label: Label | None = None, indicator: str | None = None,
                 indent: int = 0, cells: dict[str, str] | None = None) -> None:
        self.__dict__.update(kind=kind, label=label, indicator=indicator, indent=indent,
                             cells={} if cells is None else cells)

    def indicators(self) -> Iterator[str]:
        if self.indicator:
            yield self.indicator
        yield from self.cells.values()


class Column(Frozen):
    """A matrix table's column: its key (as rows' cells name it) and title."""

    _fields = ("key", "title")
    key: str
    title: Label

    def __init__(self, key: str, title: Label) -> None:
        self.__dict__.update(key=key, title=title)


class Table(Frozen):
    """One of the report's indicator tables, laid out as it prints."""

    _fields = ("id", "chapter", "section", "title", "source", "layout", "years", "header", "rows",
               "sites", "columns", "unit_column")
    id: str
    chapter: str
    section: str
    title: Label
    source: str
    layout: str
    years: int
    header: Label
    rows: tuple[Row, ...]
    sites: tuple[str, ...]
    columns: tuple[Column, ...]
    unit_column: bool

    def __init__(self, id: str, chapter: str, section: str, title: Label, source: str,
                 layout: str, years: int, header: Label, rows: tuple[Row, ...],
                 sites: tuple[str, ...] = (), columns: tuple[Column, ...] = (),
                 unit_column: bool = True) -> None:
        self.__dict__.update(id=id, chapter=chapter, section=section, title=title, source=source,
                             layout=layout, years=years, header=header, rows=rows, sites=sites,
                             columns=columns, unit_column=unit_column)

    def indicators(self) -> list[str]:
        return list(dict.fromkeys(i for row in self.rows for i in row.indicators()))


class Section(Frozen):
    """A section of a chapter, with the frameworks' disclosures it answers."""

    _fields = ("id", "chapter", "title", "page", "gri", "cass", "szse", "hkex")
    id: str
    chapter: str
    title: Label
    page: int | None
    gri: tuple[str, ...]
    cass: tuple[str, ...]
    szse: tuple[str, ...]
    hkex: tuple[str, ...]

    def __init__(self, id: str, chapter: str, title: Label, page: int | None,
                 gri: tuple[str, ...], cass: tuple[str, ...], szse: tuple[str, ...] = (),
                 hkex: tuple[str, ...] = ()) -> None:
        self.__dict__.update(id=id, chapter=chapter, title=title, page=page, gri=gri, cass=cass,
                             szse=szse, hkex=hkex)


class Chapter(Frozen):
    """A chapter of the report: its sections and tables."""

    _fields = ("id", "number", "order", "title", "sections", "tables", "short_title")
    id: str
    number: str
    order: int
    title: Label
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    short_title: Label

    def __init__(self, id: str, number: str, order: int, title: Label,
                 sections: tuple[Section, ...], tables: tuple[Table, ...],
                 short_title: Label = NO_LABEL) -> None:
        self.__dict__.update(id=id, number=number, order=order, title=title, sections=sections,
                             tables=tables, short_title=short_title)

    def sheet_title(self, lang: str, year: int | None = None) -> str:
        """The chapter's number and short title, as a sheet's name ("01 Governance"): at
        most 31 characters, cut at a word's end if it were ever longer."""
        short = self.short_title(lang, year) or self.title(lang, year)
        return shorten(f"{self.number} {short}".strip(), SHEET_NAME_LIMIT)


def shorten(text: str, limit: int) -> str:
    """A text of at most `limit` characters, cut after a whole word where it has spaces."""
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return cut[:limit].rstrip(" ,;:-—")


class Check(Frozen):
    """A consistency check between figures (a breakdown, a part, a ratio, …)."""

    _fields = ("kind", "chapter", "label", "total", "parts", "indicators", "indicator", "formula",
               "complete", "severity")
    kind: str
    chapter: str
    label: Label | None
    total: str | None
    parts: tuple[str, ...]
    indicators: tuple[str, ...]
    indicator: str | None
    formula: formulas.Formula | None
    complete: bool
    severity: str | None

    def __init__(self, kind: str, chapter: str, label: Label | None = None,
                 total: str | None = None, parts: tuple[str, ...] = (),
                 indicators: tuple[str, ...] = (), indicator: str | None = None,
                 formula: formulas.Formula | None = None, complete: bool = True,
                 severity: str | None = None) -> None:
        self.__dict__.update(kind=kind, chapter=chapter, label=label, total=total, parts=parts,
                             indicators=indicators, indicator=indicator, formula=formula,
                             complete=complete, severity=severity)

    def involved(self) -> list[str]:
        ids = [*([self.total] if self.total else []), *self.parts, *self.indicators]
        if self.indicator:
            ids.append(self.indicator)
        if self.formula:
            ids.extend(self.formula.indicators)
        return list(dict.fromkeys(ids))


class Catalogue(Frozen):
    """The report as data: a year's chapters, tables, indicators and checks."""

    _fields = ("version", "report_title", "report_year", "departments", "chapters", "indicators",
               "tables", "checks", "rule_defaults", "company", "retired", "content_hash",
               "marks")
    version: str
    report_title: Label  # the report's name, with {company} and {year}
    report_year: int
    departments: dict[str, Label]
    chapters: tuple[Chapter, ...]
    indicators: dict[str, Indicator]
    tables: dict[str, Table]
    checks: tuple[Check, ...]
    rule_defaults: dict[str, Any]
    company: Label  # the company the catalogue's report is of
    # Indicators of earlier editions no longer asked for: their figures of earlier years stay.
    retired: dict[str, Indicator]
    content_hash: str  # of the document it was read from (document_hash)
    # How the company's report prints a figure marked n/a or not available, by state id
    # ("/" and "—" unless the edition says otherwise).
    marks: dict[str, str]

    __eq__ = object.__eq__  # the same catalogue only, as a dataclass with eq=False
    __hash__ = object.__hash__

    def __init__(self, version: str, report_title: Label, report_year: int,
                 departments: dict[str, Label], chapters: tuple[Chapter, ...],
                 indicators: dict[str, Indicator], tables: dict[str, Table],
                 checks: tuple[Check, ...], rule_defaults: dict[str, Any] | None = None,
                 company: Label = NO_LABEL, retired: dict[str, Indicator] | None = None,
                 content_hash: str = "", marks: dict[str, str] | None = None) -> None:
        self.__dict__.update(version=version, report_title=report_title, report_year=report_year,
                             departments=departments, chapters=chapters, indicators=indicators,
                             tables=tables, checks=checks,
                             rule_defaults={} if rule_defaults is None else rule_defaults,
                             company=company, retired={} if retired is None else retired,
                             content_hash=content_hash,
                             marks={**DEFAULT_MARKS, **(marks or {})})

    def report_name(self, lang: str, year: int | None = None, company: str | None = None,
                    ) -> str:
        """The report's name as its cover prints it, for a year (the catalogue's own by
        default) and a company (the catalogue's by default): "熵基科技股份有限公司2023年度
        环境、社会及治理 (ESG) 报告"."""
        name = company.strip() if company else self.company(lang)
        if lang == "zh" and name[-1:].isascii():
            name += " "  # "ACME Ltd. 2024年度…", as "熵基科技股份有限公司2023年度…"
        template = self.report_title(lang, year if year is not None else self.report_year)
        return template.replace("{company}", name).strip()

    @property
    def report(self) -> Label:
        """The name of the report the catalogue reproduces, in both languages."""
        return Label(self.report_name("zh"), self.report_name("en"))

    def rule(self, indicator: Indicator, key: str) -> Any:
        """An indicator's rule, or the catalogue's default for it."""
        return indicator.rules.get(key, self.rule_defaults.get(key))

    def bounds(self, indicator: Indicator) -> tuple[Decimal, Decimal | None]:
        """The range a numeric figure must lie in: its rules' min and max, else 0 and (for
        a percentage) 100. The validator and the collection workbooks both read this."""
        low = Decimal(str(indicator.rules.get("min", 0)))
        high = indicator.rules.get("max")
        return low, indicator.type.default_max if high is None else Decimal(str(high))

    def indicator(self, indicator_id: str) -> Indicator:
        from esgdesk.errors import UnknownIndicator

        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise UnknownIndicator(indicator_id) from None

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise KeyError(chapter_id)

    def set_the_year_before(self, indicator_id: str) -> str | None:
        """The indicator whose figure of the year before already set this one: a year's
        target that the previous report printed as its next year's target (a `target` and
        `next_target` rule on the same figure)."""
        index = self.__dict__.get("_set_the_year_before")
        if index is None:  # indexed once per catalogue: a request asks it for every figure
            index = {}
            for indicator in self.indicators.values():
                target = indicator.rules.get("target")
                if isinstance(target, str):
                    index.setdefault(target, indicator.rules.get("next_target"))
            self.__dict__["_set_the_year_before"] = index
        return index.get(indicator_id)

    def tables_of(self, indicator_id: str) -> list[Table]:
        """The tables showing an indicator, in catalogue order (indexed once per catalogue:
        validation asks it for every indicator)."""
        index = self.__dict__.get("_tables_by_indicator")
        if index is None:
            index = {}
            for table in self.tables.values():
                for shown in table.indicators():
                    index.setdefault(shown, []).append(table)
            self.__dict__["_tables_by_indicator"] = index
        return list(index.get(indicator_id, ()))

    def search(self, words: str, chapter: str | None = None) -> list[Indicator]:
        """Indicators whose id, zh or en label, or any label a table row shows for them
        ("全球员工", "worldwide") contain every word typed (any case); those shown in
        `chapter` (the one being filled) first."""
        terms = words.lower().split()
        if not terms:
            return []
        shown: dict[str, list[str]] = {}
        for table in self.tables.values():
            for row in table.rows:
                if row.label is not None:
                    for indicator_id in row.indicators():
                        shown.setdefault(indicator_id, []).extend((row.label.zh, row.label.en))
        found = []
        for indicator in self.indicators.values():
            haystack = " ".join((indicator.id, indicator.label.zh, indicator.label.en,
                                 *shown.get(indicator.id, ()))).lower()
            if all(term in haystack for term in terms):
                found.append(indicator)
        if chapter is not None:  # stable: the catalogue's order within each part
            found.sort(key=lambda indicator: self.home_table(indicator.id).chapter != chapter)
        return found

    def department_key(self, text: str) -> str:
        """The department a user names by its key or its zh or en name, in any case
        ("HR", "hr", "人力资源"); UnknownDepartment otherwise."""
        from esgdesk.errors import UnknownDepartment

        wanted = text.strip().casefold()
        for key, name in self.departments.items():
            if wanted in (key.casefold(), name.zh.casefold(), name.en.casefold()):
                return key
        raise UnknownDepartment(text, list(self.departments))

    def supplied_by(self, department: str) -> list[str]:
        """The typed indicators a department supplies (what its request collects), in the
        catalogue's order."""
        return [i.id for i in self.indicators.values()
                if i.owner == department and not i.derived]

    def department_tables(self, department: str) -> list[Table]:
        """Tables holding figures a department supplies, in the report's order."""
        supplied = set(self.supplied_by(department))
        return [table for table in self.tables.values()
                if any(i in supplied for i in table.indicators())]

    def home_table(self, indicator_id: str) -> Table:
        """The table an indicator is declared for: first in its own chapter."""
        tables = self.tables_of(indicator_id)
        chapter = self.indicators[indicator_id].chapter
        own = [t for t in tables if t.chapter == chapter]
        return (own or tables)[0]


class _Reader:
    """Reads the chapter files, collecting every problem instead of stopping at the first."""

    def __init__(self, year: int | None = None) -> None:
        self.problems: list[str] = []
        self.year = year  # the catalogue's reporting year, which {year} in a title names

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def label(self, where: str, raw: Any, what: str, allow_empty: bool = False) -> Label:
        if not isinstance(raw, dict):
            self.problem(where, f"{what} needs zh and en")
            return Label("", "")
        for lang in LANGUAGES:
            text = raw.get(lang)
            if not isinstance(text, str) or (not text.strip() and not allow_empty):
                self.problem(where, f"{what} has no {lang} text")
        return Label(str(raw.get("zh", "")), str(raw.get("en", "")), self.year)


def name_in(given: str, lang: str) -> str:
    """A name given in both languages as "中文 / English", in one of them; any other name
    as given."""
    parts = [part.strip() for part in given.split(" / ")]
    if len(parts) == 2 and bool(re.search(_CJK, parts[0])) != bool(re.search(_CJK, parts[1])):
        chinese, other = parts if re.search(_CJK, parts[0]) else parts[::-1]
        return chinese if lang == "zh" else other
    return given.strip()


def _read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's content; a JSON copy in the user cache makes the next start faster."""
    import hashlib
    import tomllib

    stat = path.stat()
    key = hashlib.sha1(f"{path.resolve()}|{stat.st_mtime_ns}|{stat.st_size}".encode())
    cached = _cache_dir() / f"{path.stem}-{key.hexdigest()[:16]}.json"
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


def _cache_dir() -> Path:
    override = os.environ.get("ESGDESK_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform.startswith("linux"):  # platformdirs' answer, without importing it
        return Path(os.environ.get("XDG_CACHE_HOME", "").strip()
                    or os.path.expanduser("~/.cache")) / "esgdesk"
    from platformdirs import user_cache_path

    return user_cache_path("esgdesk", appauthor=False)


EDITIONS_CACHED = 24  # catalogues kept in the user's cache folder (some 180 kB each)


def _code_stamp() -> str:
    """What the classes a cached catalogue is made of, and the checks that passed it, look
    like: the size and time of the files that define them (an edited or upgraded esgdesk
    reads its catalogues again), or in a bundle without them, the executable's."""
    from esgdesk import __version__

    stamp = [__version__, sys.version]
    for name in ("catalogue.py", "formula.py", "types.py", "units.py"):
        try:
            found = os.stat(Path(__file__).with_name(name))
        except OSError:
            found = os.stat(sys.executable)
        stamp.append(f"{found.st_mtime_ns}:{found.st_size}")
    return "|".join(stamp)


def _edition_cache_file(content: str, year: int, content_hash: str) -> Path:
    """The cache file of a stored document read for a year: named by the document's hash
    and year, a checksum and the length of the very text stored, and the code's stamp, so
    that other content (or other code) never reads it."""
    import zlib

    text = content.encode("utf-8")
    stamp = zlib.crc32(_code_stamp().encode("utf-8"))
    name = (f"edition-{content_hash[:32]}-{year}-{zlib.crc32(text):08x}-{len(text)}-"
            f"{stamp:08x}.pickle")
    return _cache_dir() / name


def cached_edition(content: str, year: int, content_hash: str) -> Catalogue | None:
    """The catalogue a stored document's text gave for a year when it was last read on
    this computer (reading it again is most of opening a database); None when there is
    none, or the cache cannot be read (the caller reads the document)."""
    try:
        path = _edition_cache_file(content, year, content_hash)
    except Exception:  # no cache folder to name: read the document
        return None
    if str(path) in _editions_in_use:  # opened again in this process (another database)
        return _editions_in_use[str(path)]
    try:  # the C unpickler alone: pickle.py's own import costs more than reading the file
        from _pickle import load
    except ImportError:
        from pickle import load
    try:
        with path.open("rb") as handle:
            found = load(handle)
    except Exception:  # missing, unreadable or damaged (pickle raises many): read it again
        return None
    if not isinstance(found, Catalogue) or found.content_hash != content_hash \
            or found.report_year != year:
        return None
    _in_use(str(path), found)
    return found


# The catalogues read in this process, by their cache file (the same document text for the
# same year, read by the same code): a database opened after another of the same
# edition shares its catalogue, which is never changed once read.
_editions_in_use: dict[str, Catalogue] = {}
EDITIONS_IN_MEMORY = 4


def _in_use(name: str, catalogue: Catalogue) -> None:
    _editions_in_use.pop(name, None)
    _editions_in_use[name] = catalogue
    while len(_editions_in_use) > EDITIONS_IN_MEMORY:  # the least recently read go
        del _editions_in_use[next(iter(_editions_in_use))]


def keep_edition(content: str, year: int, catalogue: Catalogue) -> None:
    """Keep a catalogue read from a stored document's text for the next start (a cache
    that cannot be written only costs speed)."""
    import pickle

    try:
        path = _edition_cache_file(content, year, catalogue.content_hash)
        _in_use(str(path), catalogue)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(catalogue, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
        kept = sorted(path.parent.glob("edition-*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-EDITIONS_CACHED]:  # the least recently written go
            old.unlink(missing_ok=True)
    except Exception:  # whatever stops it, the catalogue was read all the same
        pass


def entity_codes() -> set[str]:
    """Codes of the sample group's entities (the sites a per-site table may name)."""
    return {e["code"] for e in _read_toml(ENTITIES_FILE).get("entities", [])}


def _formula(reader: _Reader, where: str, raw: dict[str, Any]) -> Any:
    """The item's parsed formula, None when it has none or it cannot be read (said)."""
    if "formula" not in raw:
        return None
    try:
        return formulas.parse(raw["formula"])
    except formulas.FormulaError as exc:
        reader.problem(where, str(exc))
        return None


def default_level(aggregation: str, chapter_level: str = "") -> str:
    """Where an indicator that does not say is entered: a figure the group never consolidates
    (aggregation "none") on the group; else where its chapter says (`entered_at` in the
    chapter's head), else on the companies."""
    return "group" if aggregation == "none" else (chapter_level or "company")


def _indicator(reader: _Reader, chapter_id: str, raw: dict[str, Any], sections: dict,
               chapter_level: str = "") -> Indicator:
    iid = str(raw.get("id", ""))
    where = f"indicator {iid or '?'}"
    type_name = raw.get("type")
    vtype: ValueType = value_type("text")
    if type_name not in TYPE_NAMES:
        reader.problem(where, f"type '{type_name}' is not one of {', '.join(TYPE_NAMES)}")
    else:
        if type_name in NEEDS_PRECISION and "precision" not in raw:
            reader.problem(where, f"a {type_name} needs a precision")
        vtype = value_type(type_name, raw.get("precision"), raw.get("quantity"))
        if type_name == "quantity":
            _check_quantity(reader, where, raw.get("quantity"))
    numeric = vtype.numeric
    section = sections.get(raw.get("section"))
    if section is None:
        reader.problem(where, f"unknown section '{raw.get('section')}'")
    parsed = _formula(reader, where, raw)
    rules = dict(raw.get("rules", {}))
    for key in set(rules) - RULE_KEYS:
        reader.problem(where, f"unknown rule '{key}'")
    return Indicator(
        id=iid,
        label=reader.label(where, raw.get("label"), "label"),
        unit=reader.label(where, raw.get("unit"), "unit", allow_empty=not numeric),
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
        entered_at=_level(reader, where, raw, chapter_level),
    )


def _level(reader: _Reader, where: str, raw: dict[str, Any], chapter_level: str) -> str:
    """An indicator's entry level, as given or by default (see default_level)."""
    given = str(raw.get("entered_at") or "")
    if given and given not in ENTRY_LEVELS:
        reader.problem(where, f"entered_at '{given}' is not one of {', '.join(ENTRY_LEVELS)}")
        given = ""
    return given or default_level(str(raw.get("aggregation", "")), chapter_level)


def _check_quantity(reader: _Reader, where: str, unit_id: Any) -> None:
    from esgdesk.model.units import UNITS

    known = {unit.id for unit in UNITS}
    if unit_id not in known:
        reader.problem(where, f"a quantity needs its canonical unit: quantity = one of "
                       f"{', '.join(sorted(known))}, not '{unit_id}'")


def _row(reader: _Reader, where: str, raw: dict[str, Any]) -> Row:
    if "group" in raw:
        return Row("group", label=reader.label(where, raw["group"], "group row"))
    label = reader.label(where, raw["label"], "row label") if "label" in raw else None
    if "cells" in raw:
        return Row("cells", label=label, cells=dict(raw["cells"]), indent=int(raw.get("indent", 0)))
    if "indicator" in raw:
        return Row("indicator", label=label, indicator=raw["indicator"],
                   indent=int(raw.get("indent", 0)))
    reader.problem(where, f"a row needs indicator, cells or group: {raw}")
    return Row("group", label=Label("", ""))


def _table(reader: _Reader, chapter_id: str, raw: dict[str, Any]) -> Table:
    tid = str(raw.get("id", ""))
    where = f"table {tid or '?'}"
    layout = raw.get("layout", "years")
    if layout not in LAYOUTS:
        reader.problem(where, f"layout '{layout}' is not one of {', '.join(LAYOUTS)}")
    source = raw.get("source", "table")
    if source not in SOURCES:
        reader.problem(where, f"source '{source}' is not one of {', '.join(SOURCES)}")
    columns = tuple(
        Column(str(c.get("key")), reader.label(where, c.get("title"), "column title"))
        for c in raw.get("columns", [])
    )
    header = raw.get("header", {"zh": "指标", "en": "Indicator"})
    return Table(
        id=tid,
        chapter=chapter_id,
        section=str(raw.get("section", "")),
        title=reader.label(where, raw.get("title"), "title"),
        source=source,
        layout=layout,
        years=int(raw.get("years", 3)),
        header=reader.label(where, header, "header"),
        rows=tuple(_row(reader, where, r) for r in raw.get("rows", [])),
        sites=tuple(raw.get("sites", ())),
        columns=columns,
        unit_column=bool(raw.get("unit_column", True)),
    )


def _check(reader: _Reader, chapter_id: str, raw: dict[str, Any]) -> Check:
    kind = raw.get("kind")
    where = f"check {kind} in {chapter_id}"
    if kind not in CHECK_KINDS:
        reader.problem(where, f"kind must be one of {', '.join(CHECK_KINDS)}")
    parsed = _formula(reader, where, raw)
    return Check(
        kind=str(kind),
        chapter=chapter_id,
        label=reader.label(where, raw["label"], "label") if "label" in raw else None,
        total=raw.get("total"),
        parts=tuple(raw.get("parts", ())),
        indicators=tuple(raw.get("indicators", ())),
        indicator=raw.get("indicator"),
        formula=parsed,
        complete=bool(raw.get("complete", True)),
        severity=raw.get("severity"),
    )


def _chapter(reader: _Reader, raw: dict[str, Any], sink: dict[str, list]) -> Chapter:
    head = raw.get("chapter", {})
    cid = str(head.get("id", ""))
    sections = []
    for s in raw.get("sections", []):
        sections.append(Section(
            id=str(s.get("id", "")), chapter=cid,
            title=reader.label(f"section {s.get('id')}", s.get("title"), "title"),
            page=s.get("page"), gri=tuple(s.get("gri", ())), cass=tuple(s.get("cass", ())),
            szse=tuple(s.get("szse", ())), hkex=tuple(s.get("hkex", ())),
        ))
    sink["sections"].extend(sections)
    by_id = {s.id: s for s in sink["sections"]}
    level = str(head.get("entered_at") or "")
    if level and level not in ENTRY_LEVELS:
        reader.problem(f"chapter {cid}", f"entered_at '{level}' is not one of "
                       f"{', '.join(ENTRY_LEVELS)}")
        level = ""
    sink["indicators"].extend(_indicator(reader, cid, i, by_id, level)
                              for i in raw.get("indicators", []))
    tables = tuple(_table(reader, cid, t) for t in raw.get("tables", []))
    sink["checks"].extend(_check(reader, cid, c) for c in raw.get("checks", []))
    return Chapter(
        id=cid, number=str(head.get("number", "")), order=int(head.get("order", 99)),
        title=reader.label(f"chapter {cid}", head.get("title"), "title"),
        sections=tuple(sections), tables=tables,
        short_title=reader.label(f"chapter {cid}", head.get("short_title"), "short_title"),
    )


def directory_document(directory: Path = CATALOGUE_DIR) -> tuple[dict[str, Any], list[str]]:
    """A template's folder (catalogue.toml and one NN_name.toml per chapter) as one document,
    the form a database stores an edition in; and the files that could not be read."""
    import tomllib

    problems: list[str] = []
    try:
        meta = _read_toml(directory / "catalogue.toml")
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return {"catalogue": {}, "chapters": []}, [f"catalogue.toml: cannot be read: {exc}"]
    chapters = []
    for path in sorted(directory.glob("[0-9][0-9]_*.toml")):
        try:
            raw = _read_toml(path)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{path.name}: cannot be read: {exc}")
            continue
        head = dict(raw.get("chapter", {}))
        head.setdefault("id", path.stem)
        chapters.append({**raw, "chapter": head})
    return {"catalogue": meta, "chapters": chapters}, problems


def read(directory: Path = CATALOGUE_DIR) -> tuple[Catalogue, list[str]]:
    """Read a template's folder; return the catalogue and every problem found."""
    document, problems = directory_document(directory)
    catalogue, more = read_document(document, sites=entity_codes())
    return catalogue, problems + more


def read_document(document: dict[str, Any], year: int | None = None,
                  sites: set[str] | None = None, content_hash: str | None = None,
                  ) -> tuple[Catalogue, list[str]]:
    """A catalogue from its document (a template's files, or an edition a database holds),
    for a reporting year (the document's own `report_year` if not given), and every problem
    found. Per-site tables are checked against `sites` when given."""
    meta = document.get("catalogue", {})
    year = int(meta.get("report_year", 0)) if year is None else year
    reader = _Reader(year)
    departments = {
        key: reader.label(f"department {key}", value, "name")
        for key, value in meta.get("departments", {}).items()
    }
    sink: dict[str, list] = {"sections": [], "indicators": [], "checks": []}
    chapters = [_chapter(reader, raw, sink) for raw in document.get("chapters", [])]
    chapters.sort(key=lambda c: c.order)
    indicators: dict[str, Indicator] = {}
    for indicator in sink["indicators"]:
        if indicator.id in indicators:
            reader.problem(f"indicator {indicator.id}", "declared twice")
        indicators[indicator.id] = indicator
    by_section = {s.id: s for s in sink["sections"]}
    retired: dict[str, Indicator] = {}
    for raw in document.get("retired", []):
        indicator = _indicator(reader, str(raw.get("chapter", "")), raw, by_section)
        if indicator.id in indicators or indicator.id in retired:
            reader.problem(f"indicator {indicator.id}", "is both retired and in use")
        retired[indicator.id] = indicator
    tables: dict[str, Table] = {}
    for chapter in chapters:
        for table in chapter.tables:
            if table.id in tables:
                reader.problem(f"table {table.id}", "declared twice")
            tables[table.id] = table
    catalogue = Catalogue(
        version=str(meta.get("version", "")),
        report_title=reader.label("catalogue", meta.get("report"), "report"),
        report_year=year,
        departments=departments,
        chapters=tuple(chapters),
        indicators=indicators,
        tables=tables,
        checks=tuple(sink["checks"]),
        rule_defaults=dict(meta.get("rules", {})),
        company=reader.label("catalogue", meta.get("company"), "company"),
        retired=retired,
        marks={k: str(v) for k, v in meta.get("marks", {}).items() if k in DEFAULT_MARKS},
        content_hash=content_hash or document_hash(document),
    )
    _check_references(reader, catalogue, set(by_section), sites)
    return catalogue, reader.problems


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
    return document


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


def _check_references(reader: _Reader, catalogue: Catalogue, sections: set[str],
                      sites: set[str] | None) -> None:
    known = catalogue.indicators
    seen_in_tables: set[str] = set()
    for table in catalogue.tables.values():
        where = f"table {table.id}"
        if table.section not in sections:
            reader.problem(where, f"unknown section '{table.section}'")
        keys = {c.key for c in table.columns}
        for row in table.rows:
            for iid in row.indicators():
                seen_in_tables.add(iid)
                if iid in catalogue.retired:
                    reader.problem(where, f"row shows '{iid}', which is retired")
                elif iid not in known:
                    reader.problem(where, f"row refers to unknown indicator '{iid}'")
            for key in row.cells:
                if key not in keys:
                    reader.problem(where, f"cell '{key}' is not a declared column")
        if table.layout == "sites" and not table.sites:
            reader.problem(where, "a per-site table needs sites")
        for site in table.sites:
            if sites is not None and site not in sites:
                reader.problem(where, f"unknown site '{site}'")
        if table.layout == "matrix" and not table.columns:
            reader.problem(where, "a matrix table needs columns")
    for indicator in known.values():
        where = f"indicator {indicator.id}"
        if indicator.owner not in catalogue.departments:
            reader.problem(where, f"unknown owner department '{indicator.owner}'")
        if indicator.aggregation not in AGGREGATIONS:
            reader.problem(where, f"aggregation '{indicator.aggregation}' is not one of "
                           f"{', '.join(AGGREGATIONS)}")
        if indicator.aggregation == "formula" and indicator.formula is None:
            reader.problem(where, "aggregation = \"formula\" needs a formula")
        if indicator.formula is not None and indicator.aggregation not in ("formula", "sum"):
            reader.problem(where, "a formula goes with aggregation = \"formula\" (recomputed "
                           "from consolidated components) or \"sum\" (computed at each "
                           "entity, summed over its children)")
        if indicator.aggregation == "weighted_mean" and indicator.weight not in known:
            reader.problem(where, f"weighted mean needs a known weight, not '{indicator.weight}'")
        if indicator.formula:
            for ref in indicator.formula.indicators:
                if ref not in known:
                    reader.problem(where, f"formula refers to unknown indicator '{ref}'")
        for key in ("target", "next_target"):
            target = indicator.rules.get(key)
            if target is not None and target not in known:
                reader.problem(where, f"{key} refers to unknown indicator '{target}'")
        if indicator.rules.get("better", "higher") not in ("higher", "lower"):
            reader.problem(where, "better is higher or lower")
        if indicator.id not in seen_in_tables:
            reader.problem(where, "appears in no table, so nobody can enter it")
        if not indicator.id.isascii() or indicator.id != indicator.id.lower():
            reader.problem(where, "ids are lower-case ASCII")
    for check in catalogue.checks:
        for ref in check.involved():
            if ref not in known:
                reader.problem(f"check {check.kind} in {check.chapter}",
                               f"refers to unknown indicator '{ref}'")
    for cycle in _formula_cycles(catalogue):
        reader.problem("formulas", "cycle: " + " → ".join(cycle))


def _formula_cycles(catalogue: Catalogue) -> list[list[str]]:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(iid: str, path: list[str]) -> None:
        state[iid] = 1
        indicator = catalogue.indicators.get(iid)
        for ref in indicator.formula.indicators if indicator and indicator.formula else ():
            if state.get(ref) == 1:
                cycles.append([*path[path.index(ref):], ref] if ref in path else [iid, ref])
            elif ref not in state:
                visit(ref, [*path, ref])
        state[iid] = 2

    for iid in catalogue.indicators:
        if iid not in state:
            visit(iid, [iid])
    return cycles


@cache
def load() -> Catalogue:
    """The catalogue, read once per process; refuses to run on broken data."""
    catalogue, problems = read()
    if problems:
        raise CatalogueError(problems)
    return catalogue


def main(argv: list[str] | None = None) -> int:
    """`python -m esgdesk.model.catalogue --check [--dir DIR]`: list every problem in the
    catalogue data (the shipped one, or a template's folder)."""
    args = list(argv or [])
    directory = Path(args[args.index("--dir") + 1]) if "--dir" in args else CATALOGUE_DIR
    catalogue, problems = read(directory)
    for problem in problems:
        print(problem, file=sys.stderr)
    for chapter in catalogue.chapters:
        ids = {i for t in chapter.tables for i in t.indicators()}
        print(f"{chapter.id}: {len(chapter.tables)} tables, "
              f"{sum(1 for i in catalogue.indicators.values() if i.chapter == chapter.id)} "
              f"indicators declared, {len(ids)} shown")
    print(f"{len(catalogue.tables)} tables, {len(catalogue.indicators)} indicators, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
