"""The catalogue's records: the report's chapters, sections, tables, rows, indicators and
checks, and the Catalogue that holds a year's edition of them (immutable once read)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from esgdesk.model import formula as formulas
from esgdesk.model.frozen import Frozen
from esgdesk.model.types import ValueType

AGGREGATIONS = ("sum", "formula", "weighted_mean", "none")
SOURCES = ("table", "text", "chart", "added")
LAYOUTS = ("years", "sites", "matrix")
RULE_KEYS = {"min", "max", "max_change", "repeats", "required", "target", "next_target",
             "better"}
CHECK_KINDS = ("breakdown", "part_of", "same_figure", "ratio")
# A target against a base year reduces a figure itself, or a figure per unit (an intensity).
TARGET_KINDS = ("absolute", "intensity")
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



EVIDENCE_REQUIRED = "required"  # an indicator's `evidence`: blank, or this
EVIDENCE_CHOICES = (EVIDENCE_REQUIRED,)

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
               "cass", "formula", "weight", "rules", "note", "szse", "hkex", "entered_at",
               "evidence")
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
    # "required": a figure counts as complete only with a document behind it (EVIDENCE).
    evidence: str

    def __init__(self, id: str, label: Label, unit: Label, type: ValueType, owner: str,
                 chapter: str, section: str, aggregation: str, gri: tuple[str, ...],
                 cass: tuple[str, ...], formula: formulas.Formula | None = None,
                 weight: str | None = None, rules: dict[str, Any] | None = None, note: str = "",
                 szse: tuple[str, ...] = (), hkex: tuple[str, ...] = (),
                 entered_at: str = "company", evidence: str = "") -> None:
        self.__dict__.update(id=id, label=label, unit=unit, type=type, owner=owner,
                             chapter=chapter, section=section, aggregation=aggregation, gri=gri,
                             cass=cass, formula=formula, weight=weight,
                             rules={} if rules is None else rules, note=note, szse=szse,
                             hkex=hkex, entered_at=entered_at, evidence=evidence)

    @property
    def derived(self) -> bool:
        return self.formula is not None

    @property
    def needs_evidence(self) -> bool:
        """A figure of it needs a document behind it (the catalogue's `evidence`)."""
        return self.evidence == EVIDENCE_REQUIRED


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


class Note(Frozen):
    """A numbered note the report prints under a table (its 注 1–13), in both languages."""

    _fields = ("number", "text")
    number: int
    text: Label

    def __init__(self, number: int, text: Label) -> None:
        self.__dict__.update(number=number, text=text)

    def printed(self, lang: str, year: int | None = None) -> str:
        """The note as the report prints it: "注1：…", "Note 1: …"."""
        text = self.text(lang, year)
        return f"注{self.number}：{text}" if lang == "zh" else f"Note {self.number}: {text}"


class Table(Frozen):
    """One of the report's indicator tables, laid out as it prints, with the notes it prints
    under it."""

    _fields = ("id", "chapter", "section", "title", "source", "layout", "years", "header", "rows",
               "sites", "columns", "unit_column", "notes")
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
    notes: tuple[Note, ...]  # by their numbers

    def __init__(self, id: str, chapter: str, section: str, title: Label, source: str,
                 layout: str, years: int, header: Label, rows: tuple[Row, ...],
                 sites: tuple[str, ...] = (), columns: tuple[Column, ...] = (),
                 unit_column: bool = True, notes: tuple[Note, ...] = ()) -> None:
        self.__dict__.update(id=id, chapter=chapter, section=section, title=title, source=source,
                             layout=layout, years=years, header=header, rows=rows, sites=sites,
                             columns=columns, unit_column=unit_column,
                             notes=tuple(sorted(notes, key=lambda note: note.number)))

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


class Target(Frozen):
    """A target against a base year: reduce an indicator's figure (`kind` absolute, or an
    intensity: a figure per unit) by `reduction` per cent of its base year's figure by the
    target year; printed with `table` (the indicator's own table when "")."""

    _fields = ("id", "indicator", "kind", "reduction", "base_year", "target_year", "label",
               "table")
    id: str
    indicator: str
    kind: str
    reduction: Decimal  # per cent: 20 for "−20 %"
    base_year: int
    target_year: int
    label: Label
    table: str

    def __init__(self, id: str, indicator: str, kind: str, reduction: Decimal, base_year: int,
                 target_year: int, label: Label, table: str = "") -> None:
        self.__dict__.update(id=id, indicator=indicator, kind=kind, reduction=reduction,
                             base_year=base_year, target_year=target_year, label=label,
                             table=table)


class Catalogue(Frozen):
    """The report as data: a year's chapters, tables, indicators, checks and targets."""

    _fields = ("version", "report_title", "report_year", "departments", "chapters", "indicators",
               "tables", "checks", "rule_defaults", "company", "retired", "content_hash",
               "marks", "targets")
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
    targets: tuple[Target, ...]  # against a base year, in the order declared

    __eq__ = object.__eq__  # the same catalogue only, as a dataclass with eq=False
    __hash__ = object.__hash__

    def __init__(self, version: str, report_title: Label, report_year: int,
                 departments: dict[str, Label], chapters: tuple[Chapter, ...],
                 indicators: dict[str, Indicator], tables: dict[str, Table],
                 checks: tuple[Check, ...], rule_defaults: dict[str, Any] | None = None,
                 company: Label = NO_LABEL, retired: dict[str, Indicator] | None = None,
                 content_hash: str = "", marks: dict[str, str] | None = None,
                 targets: tuple[Target, ...] = ()) -> None:
        self.__dict__.update(version=version, report_title=report_title, report_year=report_year,
                             departments=departments, chapters=chapters, indicators=indicators,
                             tables=tables, checks=checks,
                             rule_defaults={} if rule_defaults is None else rule_defaults,
                             company=company, retired={} if retired is None else retired,
                             content_hash=content_hash,
                             marks={**DEFAULT_MARKS, **(marks or {})}, targets=targets)

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

    def targets_of(self, table: Table) -> list[Target]:
        """The targets printed with a table: those naming it, and those naming none whose
        indicator's own table it is."""
        return [t for t in self.targets if t.table == table.id or (
            not t.table and t.indicator in self.indicators
            and self.tables_of(t.indicator) and self.home_table(t.indicator).id == table.id)]

    def home_table(self, indicator_id: str) -> Table:
        """The table an indicator is declared for: first in its own chapter."""
        tables = self.tables_of(indicator_id)
        chapter = self.indicators[indicator_id].chapter
        own = [t for t in tables if t.chapter == chapter]
        return (own or tables)[0]


def name_in(given: str, lang: str) -> str:
    """A name given in both languages as "中文 / English", in one of them; any other name
    as given."""
    parts = [part.strip() for part in given.split(" / ")]
    if len(parts) == 2 and bool(re.search(_CJK, parts[0])) != bool(re.search(_CJK, parts[1])):
        chinese, other = parts if re.search(_CJK, parts[0]) else parts[::-1]
        return chinese if lang == "zh" else other
    return given.strip()


def default_level(aggregation: str, chapter_level: str = "") -> str:
    """Where an indicator that does not say is entered: a figure the group never consolidates
    (aggregation "none") on the group; else where its chapter says (`entered_at` in the
    chapter's head), else on the companies."""
    return "group" if aggregation == "none" else (chapter_level or "company")
