"""Reading a catalogue workbook back to a document, collecting every problem with its
sheet!cell instead of stopping (a file that is no catalogue workbook is refused), and placing
the problems the catalogue's own checks find at the cell of the item they name."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from esgdesk.errors import Code, EsgdeskError, FileRefused, Item, NotFound, Problem
from esgdesk.exchange.book_reader import ReturnedBook, column_letters
from esgdesk.exchange.book_reader import read_book as read_cells
from esgdesk.exchange.catalogue_book import problems as say
from esgdesk.exchange.catalogue_book.columns import (
    BETTER,
    CHOICES,
    COLUMNS,
    FRACTION_RULES,
    FRAMEWORKS,
    META_KEYS,
    NO,
    NONE_MARK,
    NUMERIC_DEFAULTS,
    OPTIONAL_SHEETS,
    SEVERITIES,
    SHEETS,
    YES,
)
from esgdesk.exchange.returned import check_zip
from esgdesk.model import formula as formulas
from esgdesk.model.catalogue import (
    AGGREGATIONS,
    CHECK_KINDS,
    DEFAULT_MARKS,
    EVIDENCE_CHOICES,
    LAYOUTS,
    SOURCES,
    TARGET_KINDS,
    Catalogue,
    read_document,
)
from esgdesk.model.entities import ENTRY_LEVELS
from esgdesk.model.types import NEEDS_PRECISION, NO_WORDS, TYPE_NAMES, YES_WORDS, canonical
from esgdesk.model.types import text_problem as cell_text_problem

_ID = re.compile(r"[a-z0-9][a-z0-9_.\-]*")
_INDICATOR_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")
_SPLIT = re.compile(r"[,，;；\n]")


@dataclass
class Line:
    """One row of a sheet: its values by column id, and where each column is."""

    sheet: str
    row: int
    values: dict[str, Any]
    letters: dict[str, str]

    def address(self, column: str) -> str:
        return f"{self.letters.get(column, 'A')}{self.row}"

    def blank(self, column: str) -> bool:
        return _blank(self.values.get(column))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain(value: Any) -> str:
    """A cell's value as text, as a spreadsheet program shows it plainly."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return canonical(Decimal(repr(value))) if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        return Decimal(str(value).strip().replace(",", "")).is_finite()
    except InvalidOperation:
        return False


def norm_unit(text: str) -> str:
    return "".join(text.split()).casefold()


@dataclass
class Located:
    """Where the book holds each item, to name a problem the catalogue's checks find."""

    indicators: dict[str, Line] = field(default_factory=dict)
    tables: dict[str, Line] = field(default_factory=dict)
    sections: dict[str, Line] = field(default_factory=dict)
    chapters: dict[str, Line] = field(default_factory=dict)
    departments: dict[str, Line] = field(default_factory=dict)
    meta: dict[str, Line] = field(default_factory=dict)
    # A table's rows and columns, a chapter's checks: in the order the document lists them.
    rows: dict[str, list[Line]] = field(default_factory=dict)  # by table
    columns: dict[str, list[Line]] = field(default_factory=dict)  # by table
    checks: dict[str, list[Line]] = field(default_factory=dict)  # by chapter
    notes: dict[str, list[Line]] = field(default_factory=dict)  # by table, by number
    targets: dict[str, Line] = field(default_factory=dict)


@dataclass
class Book:
    document: dict[str, Any]
    problems: list[Problem]
    located: Located


class BookReader:
    """Reads a catalogue workbook, collecting every problem instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.located = Located()

    # -- problems and values ----------------------------------------------------------
    def at(self, line: Line, column: str, code: Code, indicator: str = "",
           **fields: Any) -> None:
        self.problems.append(code(sheet=line.sheet, cell=line.address(column),
                                  indicator=indicator, column=column, **fields))

    def text(self, line: Line, column: str, required: bool = False) -> str:
        text = _plain(line.values.get(column))
        problem = cell_text_problem(text)
        if problem:
            self.at(line, column, say.TEXT, reason=problem,
                    reason_zh=cell_text_problem(text, "zh"))
            return ""
        if required and not text:
            self.at(line, column, say.EMPTY)
        return text

    def ident(self, line: Line, column: str, pattern: re.Pattern[str] = _ID) -> str:
        text = self.text(line, column, required=True)
        if text and not pattern.fullmatch(text):
            self.at(line, column, say.NOT_AN_ID, value=text)
        return text

    def label(self, line: Line, prefix: str, required: bool = True) -> dict[str, str] | None:
        zh, en = self.text(line, f"{prefix}_zh"), self.text(line, f"{prefix}_en")
        if not required and not zh and not en:
            return None
        for lang, text in (("zh", zh), ("en", en)):
            if not text:
                self.at(line, f"{prefix}_{lang}", say.EMPTY_TEXT)
        return {"zh": zh, "en": en}

    def number(self, line: Line, column: str, whole: bool = False,
               fraction: bool = False) -> int | float | None:
        """A number typed in a cell (None when empty): whole numbers as int, fractions
        (`fraction`: always) as float."""
        value = line.values.get(column)
        if _blank(value):
            return None
        parsed: Decimal | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            parsed = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        elif isinstance(value, str):
            text = value.strip().replace(",", "")
            percent = fraction and text.endswith("%")
            try:
                parsed = Decimal(text.rstrip("%").strip())
                if percent:
                    parsed /= 100
            except InvalidOperation:
                parsed = None
        if parsed is None or not parsed.is_finite() or (whole and parsed != int(parsed)):
            self.at(line, column, say.WHOLE_NUMBER if whole else say.NUMBER,
                    value=_plain(value))
            return None
        if fraction:
            return float(parsed)
        return int(parsed) if parsed == int(parsed) else float(parsed)

    def whole(self, line: Line, column: str, default: int | None = None,
              low: int = 0, high: int = 10_000) -> int | None:
        value = self.number(line, column, whole=True)
        if value is None:
            return default
        if not low <= int(value) <= high:
            self.at(line, column, say.OUT_OF_RANGE, value=value, low=low, high=high)
            return default
        return int(value)

    def yes_no(self, line: Line, column: str, default: bool | None) -> bool | None:
        value = line.values.get(column)
        if isinstance(value, bool):
            return value
        text = _plain(value).casefold()
        if not text:
            return default
        if text in YES_WORDS:
            return True
        if text in NO_WORDS:
            return False
        self.at(line, column, say.YES_OR_NO, value=_plain(value))
        return default

    def choice(self, line: Line, column: str, choices: tuple[str, ...], default: str,
               code: Code = say.NOT_ONE_OF) -> str:
        text = self.text(line, column).strip()
        if not text:
            if not default:
                self.at(line, column, say.EMPTY_CHOICE, choices=choices)
            return default
        lowered = text.lower()
        if lowered not in choices:
            self.at(line, column, code, value=text, choices=choices)
            return text
        return lowered

    def items(self, line: Line, column: str) -> list[str]:
        return [part.strip() for part in _SPLIT.split(self.text(line, column)) if part.strip()]

    def unique(self, seen: dict[str, Line], key: str, line: Line, column: str,
               what: str) -> bool:
        if not key:
            return False
        if key in seen:
            first = seen[key]
            self.at(line, column, say.TWICE, what=what, what_zh=say.WHAT_ZH.get(what, what),
                    key=key, first=first.row)
            return False
        seen[key] = line
        return True

    # -- the sheets -------------------------------------------------------------------
    def lines(self, book: ReturnedBook, names: dict[str, str], sheet_id: str) -> list[Line]:
        name = names.get(sheet_id)
        if name is None:
            if sheet_id not in OPTIONAL_SHEETS:
                self.problems.append(say.SHEET_GONE(sheet=sheet_id, sheet_id=sheet_id))
            return []
        sheet = book[name]
        rows = iter(sheet.rows)
        header = next(rows, [])
        positions: dict[str, int] = {}
        for index, value in enumerate(header):
            key = _plain(value).lower()
            if key and key not in positions:
                positions[key] = index
        letters = {key: column_letters(index + 1) for key, index in positions.items()}
        free = column_letters(len(header) + 1)
        for column in COLUMNS[sheet_id]:
            if column not in positions:
                self.problems.append(say.COLUMN_GONE(sheet=name, cell=f"{free}1", column=column))
        formulas = sheet.formulas  # address → "=…", where a cell holds a formula
        found = []
        for number, row in enumerate(rows, start=2):
            values: dict[str, Any] = {}
            formula_at = None
            for key, index in positions.items():
                if index >= len(row):
                    continue
                if formulas and f"{letters[key]}{number}" in formulas:
                    formula_at = formula_at or key
                    continue
                values[key] = row[index]
            line = Line(name, number, values, letters)
            if formula_at:
                self.at(line, formula_at, say.SPREADSHEET_FORMULA)
            if formula_at or not all(_blank(v) for v in values.values()):
                found.append(line)
        return found

    def read(self, book: Any) -> dict[str, Any]:
        names = {n.strip().lower(): n for n in book.sheetnames}
        sheets = {sheet_id: self.lines(book, names, sheet_id) for sheet_id in SHEETS}
        meta = self.meta(sheets["catalogue"], sheets["rules"])
        meta["departments"] = self.departments(sheets["departments"])
        chapters = self.chapters(sheets["chapters"])
        section_chapter = self.sections(sheets["sections"], chapters)
        retired = self.indicators(sheets["indicators"], chapters, section_chapter, meta)
        tables = self.tables(sheets["tables"], chapters)
        self.columns(sheets["columns"], tables)
        self.notes(sheets["notes"], tables)
        in_use = {i["id"] for c in chapters.values() for i in c["indicators"]}
        self.rows(sheets["rows"], tables, in_use, {r["id"] for r in retired})
        self.checks(sheets["checks"], chapters, in_use)
        document: dict[str, Any] = {"catalogue": meta, "chapters": list(chapters.values())}
        if retired:
            document["retired"] = retired
        targets = self.targets(sheets["targets"], tables, in_use)
        if targets:
            document["targets"] = targets
        return document

    def targets(self, lines: list[Line], tables: dict[str, dict[str, Any]],
                in_use: set[str]) -> list[dict[str, Any]]:
        """The targets against a base year, in the sheet's order."""
        found = []
        for line in lines:
            tid = self.ident(line, "id")
            if not self.unique(self.located.targets, tid, line, "id", "target"):
                continue
            iid = self.text(line, "indicator", required=True)
            if iid:
                self.known(line, "indicator", iid, in_use, "", False)
            raw: dict[str, Any] = {"id": tid, "indicator": iid,
                                   "kind": self.choice(line, "kind", TARGET_KINDS, "absolute")}
            reduction = self.number(line, "reduction")
            if line.blank("reduction"):
                self.at(line, "reduction", say.EMPTY)
            elif reduction is not None and not 0 < reduction <= 100:
                self.at(line, "reduction", say.OUT_OF_RANGE, value=reduction, low=0, high=100)
            raw["reduction"] = "" if reduction is None else canonical(Decimal(repr(reduction)))
            for column in ("base_year", "target_year"):
                if line.blank(column):
                    self.at(line, column, say.EMPTY)
                raw[column] = self.whole(line, column, None, 1900, 2200)
            raw["label"] = self.label(line, "label")
            table = self.text(line, "table")
            if table:
                if table not in tables:
                    self.at(line, "table", say.NO_SUCH_TABLE, value=table)
                raw["table"] = table
            found.append(raw)
        return found

    def meta(self, lines: list[Line], rule_lines: list[Line]) -> dict[str, Any]:
        given: dict[str, str] = {}
        for line in lines:
            key = self.text(line, "key").lower()
            if key not in META_KEYS:
                self.at(line, "key", say.NOT_A_KEY, value=key, choices=META_KEYS)
                continue
            if self.unique(self.located.meta, key, line, "key", "key"):
                given[key] = self.text(line, "value", required=key != "report_year")
        for key in META_KEYS:
            if key not in given and key in ("version", "report_zh", "report_en"):
                self.problems.append(say.NO_META_ROW(sheet="catalogue", key=key))
        meta: dict[str, Any] = {
            "version": given.get("version", ""),
            "report": {"zh": given.get("report_zh", ""), "en": given.get("report_en", "")},
            "company": {"zh": given.get("company_zh", ""), "en": given.get("company_en", "")},
        }
        year_line = self.located.meta.get("report_year")
        if year_line is not None:
            year = self.whole(year_line, "value", None, 1900, 2200)
            if year is not None:
                meta["report_year"] = year
        meta["rules"] = self.rules(rule_lines)
        marks = {state: given[f"mark_{state}"] for state in DEFAULT_MARKS
                 if given.get(f"mark_{state}")}
        if marks:  # what the report prints for n/a and not available; blank: the default
            meta["marks"] = marks
        return meta

    def rules(self, lines: list[Line]) -> dict[str, Any]:
        rules: dict[str, Any] = {}
        slips: dict[str, dict[str, str]] = {}
        seen: dict[str, Line] = {}
        for line in lines:
            key = self.text(line, "key", required=True)
            if not self.unique(seen, key, line, "key", "rule"):
                continue
            if key.lower().startswith("slips:"):
                unit = key.split(":", 1)[1].strip()
                zh, en = self.text(line, "zh"), self.text(line, "en")
                for lang, text in (("zh", zh), ("en", en)):
                    if not text:
                        self.at(line, lang, say.EMPTY_SLIP)
                slips[unit] = {"zh": zh, "en": en}
                continue
            if line.blank("value"):
                self.at(line, "value", say.NO_RULE_VALUE, key=key)
                continue
            value = line.values["value"]
            flag = _plain(value).lower()
            if flag in (YES, NO):
                rules[key] = flag == YES
            elif key in NUMERIC_DEFAULTS or _numeric(value):
                number = self.number(line, "value", fraction=key in FRACTION_RULES)
                if number is not None:
                    rules[key] = number
            else:
                rules[key] = self.text(line, "value")
        if slips:
            rules["slips"] = slips
        return rules

    def departments(self, lines: list[Line]) -> dict[str, dict[str, str]]:
        found = {}
        for line in lines:
            key = self.ident(line, "id")
            if self.unique(self.located.departments, key, line, "id", "department"):
                found[key] = self.label(line, "name") or {"zh": "", "en": ""}
        return found

    def chapters(self, lines: list[Line]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for line in lines:
            cid = self.ident(line, "id")
            if not self.unique(self.located.chapters, cid, line, "id", "chapter"):
                continue
            head = {"id": cid, "number": self.text(line, "number"),
                    "order": self.whole(line, "order", 99),
                    "title": self.label(line, "title"),
                    "short_title": self.label(line, "short_title")}
            found[cid] = {"chapter": head, "sections": [], "indicators": [], "tables": [],
                          "checks": []}
        return found

    def chapter_of(self, line: Line, column: str, chapters: dict[str, dict[str, Any]],
                   ) -> dict[str, Any] | None:
        cid = self.text(line, column, required=True)
        if cid and cid not in chapters:
            self.at(line, column, say.NO_SUCH_CHAPTER, value=cid)
        return chapters.get(cid) or next(iter(chapters.values()), None)

    def sections(self, lines: list[Line], chapters: dict[str, dict[str, Any]],
                 ) -> dict[str, str]:
        section_chapter: dict[str, str] = {}
        for line in lines:
            sid = self.ident(line, "id")
            if not self.unique(self.located.sections, sid, line, "id", "section"):
                continue
            chapter = self.chapter_of(line, "chapter", chapters)
            section: dict[str, Any] = {"id": sid, "title": self.label(line, "title")}
            page = self.whole(line, "page", None, 0, 100_000)
            if page is not None:
                section["page"] = page
            for key in FRAMEWORKS:
                section[key] = self.items(line, key)
            if chapter is not None:
                chapter["sections"].append(section)
                section_chapter[sid] = chapter["chapter"]["id"]
        return section_chapter

    def indicators(self, lines: list[Line], chapters: dict[str, dict[str, Any]],
                   section_chapter: dict[str, str], meta: dict[str, Any],
                   ) -> list[dict[str, Any]]:
        located = self.located.indicators
        retired_flags: dict[str, bool] = {}
        for line in lines:
            iid = self.ident(line, "id", _INDICATOR_ID)
            if self.unique(located, iid, line, "id", "indicator"):
                retired_flags[iid] = bool(self.yes_no(line, "retired", False))
        in_use = {i for i, flag in retired_flags.items() if not flag}
        retired: list[dict[str, Any]] = []
        first_chapter = next(iter(chapters), "")
        for iid, line in located.items():
            raw = self.indicator(line, iid, in_use, set(meta["departments"]), section_chapter)
            cid = section_chapter.get(raw["section"], first_chapter)
            if retired_flags[iid]:
                retired.append({**raw, "chapter": cid})
            elif cid in chapters:
                chapters[cid]["indicators"].append(raw)
        return retired

    def indicator(self, line: Line, iid: str, in_use: set[str], departments: set[str],
                  section_chapter: dict[str, str]) -> dict[str, Any]:
        retired = iid not in in_use
        label = self.label(line, "label") or {"zh": "", "en": ""}
        type_name = self.choice(line, "type", TYPE_NAMES, "", code=say.NOT_A_TYPE)
        raw: dict[str, Any] = {"id": iid, "label": label, "type": type_name}
        unit = {"zh": self.text(line, "unit_zh"), "en": self.text(line, "unit_en")}
        raw["unit"] = unit
        if type_name in NEEDS_PRECISION:
            precision = self.whole(line, "precision", None, 0, 10)
            if precision is None and line.blank("precision"):
                self.at(line, "precision", say.NO_PRECISION, type=type_name)
            raw["precision"] = 0 if precision is None else precision
        if type_name == "quantity":
            raw["quantity"] = self.choice(line, "quantity", CHOICES["quantity"], "")
        owner = self.text(line, "owner", required=True)
        if owner and owner not in departments:
            self.at(line, "owner", say.NO_SUCH_DEPARTMENT, iid, value=owner)
        raw["owner"] = owner
        section = self.text(line, "section", required=True)
        if section and section not in section_chapter:
            self.at(line, "section", say.NO_SUCH_SECTION, iid, value=section)
        raw["section"] = section
        raw["aggregation"] = self.choice(line, "aggregation", AGGREGATIONS, "")
        if self.text(line, "entered_at").strip():  # blank: where its aggregation says
            raw["entered_at"] = self.choice(line, "entered_at", ENTRY_LEVELS, "")
        text = self.text(line, "formula")
        if text:
            raw["formula"] = text
            self.formula(line, "formula", text, None if retired else in_use, iid)
        weight = self.text(line, "weight")
        if weight:
            raw["weight"] = weight
            self.known(line, "weight", weight, in_use, iid, retired)
        rules: dict[str, Any] = {}
        for key in ("min", "max"):
            number = self.number(line, key)
            if number is not None:
                rules[key] = number
        change = self.number(line, "max_change", fraction=True)
        if change is not None:
            rules["max_change"] = change
        for key in ("repeats", "required"):
            flag = self.yes_no(line, key, None)
            if flag is not None:
                rules[key] = flag
        for key in ("target", "next_target"):
            target = self.text(line, key)
            if target:
                rules[key] = target
                self.known(line, key, target, in_use, iid, retired)
        if not line.blank("better"):
            rules["better"] = self.choice(line, "better", BETTER, "higher")
        if rules:
            raw["rules"] = rules
        if self.text(line, "evidence").strip():  # blank: no document asked for
            raw["evidence"] = self.choice(line, "evidence", EVIDENCE_CHOICES, "")
        note = self.text(line, "note")
        if note:
            raw["note"] = note
        for key in FRAMEWORKS:
            codes = self.items(line, key)
            if codes == [NONE_MARK]:
                raw[key] = []
            elif codes:
                raw[key] = codes
        return raw

    def known(self, line: Line, column: str, iid: str, in_use: set[str], owner: str,
              retired: bool) -> None:
        if not retired and iid not in in_use:
            self.at(line, column, say.NOT_IN_USE, owner, value=iid)

    def formula(self, line: Line, column: str, text: str, known: set[str] | None,
                owner: str = "") -> None:
        try:
            parsed = formulas.parse(text)
        except formulas.FormulaError as exc:
            self.at(line, column, say.FORMULA_UNREAD, owner, formula=exc.text, reason=exc.reason,
                    reason_zh=exc.reason_zh)
            return
        unknown = [i for i in parsed.indicators if known is not None and i not in known]
        if unknown:
            self.at(line, column, say.FORMULA_NOT_IN_USE, owner, value=unknown)

    def tables(self, lines: list[Line], chapters: dict[str, dict[str, Any]],
               ) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        placed: list[tuple[dict[str, Any], float, int, dict[str, Any]]] = []
        for position, line in enumerate(lines):
            tid = self.ident(line, "id")
            if not self.unique(self.located.tables, tid, line, "id", "table"):
                continue
            chapter = self.chapter_of(line, "chapter", chapters)
            section = self.text(line, "section", required=True)
            if section and section not in self.located.sections:
                self.at(line, "section", say.NO_SUCH_SECTION, value=section)
            layout = self.choice(line, "layout", LAYOUTS, "years")
            table: dict[str, Any] = {
                "id": tid, "section": section, "title": self.label(line, "title"),
                "source": self.choice(line, "source", SOURCES, "table"), "layout": layout,
                "years": self.whole(line, "years", 3, 1, 20),
                "header": self.label(line, "header", required=False)
                or {"zh": "指标", "en": "Indicator"},
                "unit_column": self.yes_no(line, "unit_column", True),
            }
            sites = self.items(line, "sites")
            if sites:
                table["sites"] = sites
            table["columns"], table["rows"] = [], []
            order = self.number(line, "order")
            if chapter is not None:
                placed.append((chapter, float(order) if order is not None else math.inf,
                               position, table))
            found[tid] = table
        for chapter, _order, _position, table in sorted(placed, key=lambda p: p[1:3]):
            chapter["tables"].append(table)
        return found

    def table_of(self, line: Line, tables: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
        tid = self.text(line, "table", required=True)
        if tid and tid not in tables:
            self.at(line, "table", say.NO_SUCH_TABLE, value=tid)
        return tables.get(tid)

    def columns(self, lines: list[Line], tables: dict[str, dict[str, Any]]) -> None:
        keys: dict[str, dict[str, Line]] = {}
        for line in lines:
            table = self.table_of(line, tables)
            key = self.ident(line, "key")
            if table is None or not self.unique(keys.setdefault(table["id"], {}), key, line,
                                                "key", "column"):
                continue
            self.located.columns.setdefault(table["id"], []).append(line)
            table["columns"].append({"key": key, "title": self.label(line, "title")})

    def notes(self, lines: list[Line], tables: dict[str, dict[str, Any]]) -> None:
        """Each table's numbered notes, in the order of their numbers."""
        numbers: dict[str, dict[str, Line]] = {}
        found: dict[str, list[tuple[int, dict[str, Any], Line]]] = {}
        for line in lines:
            table = self.table_of(line, tables)
            number = self.whole(line, "number", None, 1, 999)
            if line.blank("number"):
                self.at(line, "number", say.EMPTY)
            text = self.label(line, "text")
            if table is None or number is None or not self.unique(
                    numbers.setdefault(table["id"], {}), str(number), line, "number", "note"):
                continue
            found.setdefault(table["id"], []).append(
                (number, {"number": number, "text": text}, line))
        for tid, notes in found.items():
            notes.sort(key=lambda note: note[0])
            tables[tid]["notes"] = [note for _number, note, _line in notes]
            self.located.notes[tid] = [line for _number, _note, line in notes]

    def rows(self, lines: list[Line], tables: dict[str, dict[str, Any]], in_use: set[str],
             retired: set[str]) -> None:
        ordered: dict[str, list[tuple[float, int, dict[str, Any], Line]]] = {}
        last_order: dict[str, float] = {}
        for position, line in enumerate(lines):
            table = self.table_of(line, tables)
            if table is None:
                continue
            row = self.row(line, table, in_use, retired)
            order = self.number(line, "order")
            effective = float(order) if order is not None else last_order.get(table["id"], 0.0)
            last_order[table["id"]] = effective
            if row is not None:
                ordered.setdefault(table["id"], []).append((effective, position, row, line))
        for tid, rows in ordered.items():
            rows.sort(key=lambda r: r[:2])
            tables[tid]["rows"] = [row for _o, _p, row, _line in rows]
            self.located.rows[tid] = [line for _o, _p, _row, line in rows]

    def row(self, line: Line, table: dict[str, Any], in_use: set[str], retired: set[str],
            ) -> dict[str, Any] | None:
        iid = self.text(line, "indicator")
        cells_text = self.text(line, "cells")
        heading = self.label(line, "heading", required=False)
        indent = self.whole(line, "indent", 0, 0, 9)
        if iid and cells_text:
            self.at(line, "cells", say.BOTH_IN_ROW)
            return None
        if not iid and not cells_text:
            if heading is None:
                self.at(line, "indicator", say.EMPTY_ROW)
                return None
            return {"group": heading}
        row: dict[str, Any] = {}
        if iid:
            self.shown(line, "indicator", iid, in_use, retired)
            row["indicator"] = iid
        else:
            row["cells"] = self.cells(line, cells_text, table, in_use, retired)
        if heading is not None:
            row["label"] = heading
        row["indent"] = indent
        return row

    def shown(self, line: Line, column: str, iid: str, in_use: set[str],
              retired: set[str]) -> None:
        if iid in retired:
            self.at(line, column, say.RETIRED_SHOWN, iid, value=iid)
        elif iid not in in_use:
            self.at(line, column, say.NO_SUCH_INDICATOR, iid, value=iid)

    def cells(self, line: Line, text: str, table: dict[str, Any], in_use: set[str],
              retired: set[str]) -> dict[str, str]:
        cells: dict[str, str] = {}
        declared = {c["key"] for c in table["columns"]}
        for part in (p.strip() for p in re.split(r"[;；\n]", text)):
            if not part:
                continue
            key, equals, iid = (s.strip() for s in part.partition("="))
            if not equals or not key or not iid:
                self.at(line, "cells", say.NOT_A_CELL, value=part)
                continue
            if key not in declared:
                self.at(line, "cells", say.NO_SUCH_COLUMN, value=key, table=table["id"])
            self.shown(line, "cells", iid, in_use, retired)
            cells[key] = iid
        return cells

    def checks(self, lines: list[Line], chapters: dict[str, dict[str, Any]],
               in_use: set[str]) -> None:
        for line in lines:
            chapter = self.chapter_of(line, "chapter", chapters)
            kind = self.choice(line, "kind", CHECK_KINDS, "")
            check: dict[str, Any] = {"kind": kind}
            label = self.label(line, "label", required=False)
            if label is not None:
                check["label"] = label
            for key in ("total", "indicator"):
                iid = self.text(line, key)
                if iid:
                    check[key] = iid
                    self.known(line, key, iid, in_use, "", False)
            for key in ("parts", "indicators"):
                ids = self.items(line, key)
                if ids:
                    check[key] = ids
                    unknown = [i for i in ids if i not in in_use]
                    if unknown:
                        self.at(line, key, say.NONE_IN_USE, value=unknown)
            text = self.text(line, "formula")
            if text:
                check["formula"] = text
                self.formula(line, "formula", text, in_use)
            check["complete"] = self.yes_no(line, "complete", True)
            if not line.blank("severity"):
                check["severity"] = self.choice(line, "severity", SEVERITIES, "error")
            if chapter is not None:
                self.located.checks.setdefault(chapter["chapter"]["id"], []).append(line)
                chapter["checks"].append(check)


def open_book(path: Path) -> Any:
    """The workbook at `path`, read-only, after the checks every returned workbook passes;
    refused (FileRefused) when it is not a workbook or not a catalogue workbook."""
    if not path.is_file():
        raise NotFound("no such file", "没有这个文件", where=str(path))
    check_zip(path)
    try:
        book = read_cells(path)
    except FileRefused:
        raise
    except Exception as exc:  # calamine and the XML parser raise many kinds on a damaged file
        raise FileRefused(f"cannot be read as a workbook ({type(exc).__name__}: {exc})",
                          f"无法作为工作簿读取（{type(exc).__name__}：{exc}）", where=path.name,
                          kind="unreadable") from None
    names = {n.strip().lower() for n in book.sheetnames}
    if "indicators" not in names or len(names & set(SHEETS)) < 3:
        raise FileRefused("not an esgdesk catalogue workbook (it has no indicators, tables, "
                          "rows ... sheets)", "不是 esgdesk 指标目录工作簿（没有 indicators、"
                          "tables、rows 等工作表）", where=path.name, kind="not_a_catalogue_book")
    return book


def read_book(path: Path) -> Book:
    path = Path(path)
    book = open_book(path)
    reader = BookReader()
    try:
        document = reader.read(book)
    except EsgdeskError:
        raise
    except Exception as exc:  # a workbook damaged in a way no check above foresaw
        raise FileRefused(f"cannot be read as a catalogue workbook ({type(exc).__name__}: "
                          f"{exc})", f"无法作为指标目录工作簿读取（{type(exc).__name__}：{exc}）",
                          where=path.name, kind="unreadable") from None
    return Book(document, reader.problems, reader.located)


def read_catalogue_book(path: Path) -> tuple[dict, list[Problem]]:
    """A catalogue workbook read back to a document (the shape `to_document` gives), and
    every problem found, each with its sheet and cell: the book's own (a missing sheet or
    column, a duplicate id, an unknown type, a reference to nothing) and those the
    catalogue's checks find. A file that is not a catalogue workbook raises FileRefused."""
    book = read_book(Path(path))
    _catalogue, found = checked(book.document, book.document["catalogue"].get("report_year"))
    return book.document, [*book.problems, *placed(found, book.located, book.problems)]


def checked(document: dict[str, Any], year: int | None,
            ) -> tuple[Catalogue | None, list[Problem]]:
    """The catalogue a book's document gives for a year, and the problems its checks find."""
    try:
        return read_document(document, year)
    except Exception as exc:  # a broken document is a problem, not a crash
        return None, [say.UNREADABLE(item=Item("catalogue"),
                                     reason=f"{type(exc).__name__}: {exc}")]


# -- the catalogue's own problems, at the cell of the item they name -------------------------

# The book's column for an item's field, where it is not the field's own name.
_COLUMN_OF = {("row", "row label"): "heading", ("row", "group row"): "heading",
              ("column", "column title"): "title", ("indicator", "rules"): "id",
              ("catalogue", "report"): "value", ("catalogue", "company"): "value"}


def place_of(item: Item, located: Located) -> tuple[Line | None, str]:
    """The line and column of the book that hold an item's field."""
    kind, key = item.kind, item.id
    line: Line | None = None
    if item.index is not None:
        lines = {"row": located.rows, "column": located.columns, "check": located.checks,
                 "note": located.notes}.get(kind, {}).get(key, [])
        line = lines[item.index] if item.index < len(lines) else None
    elif kind == "catalogue":
        line = located.meta.get(f"{item.field}_{item.lang or 'zh'}")
    else:
        line = {"indicator": located.indicators, "table": located.tables,
                "target": located.targets,
                "section": located.sections, "chapter": located.chapters,
                "department": located.departments}.get(kind, {}).get(key)
    column = _COLUMN_OF.get((kind, item.field), item.field) or "id"
    if item.lang and kind != "catalogue":
        column = f"{column}_{item.lang}"
    if line is not None and column not in line.letters:
        column = "id" if "id" in line.letters else next(iter(line.letters), "id")
    return line, column


def placed(found: list[Problem], located: Located, already: list[Problem]) -> list[Problem]:
    """The catalogue's problems (read_document's) at the book's sheet!cell of the item each
    names; one at a cell the book's own reading already named is left out."""
    taken = {(p.sheet, p.cell) for p in already}
    out: list[Problem] = []
    for problem in found:
        line, column = place_of(problem.item, located) if problem.item else (None, "")
        if line is not None:
            problem = problem.placed(line.sheet, line.address(column))
            if (problem.sheet, problem.cell) in taken:
                continue
            taken.add((problem.sheet, problem.cell))
        out.append(problem)
    return out
