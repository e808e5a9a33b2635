"""What the store hands out and takes in: frozen records of figures, requests, submissions
and audit rows, each built from a row by column name, never by position. They are Frozen
classes written out (esgdesk.model.frozen), not dataclasses: the store imports them before
the window's first paint."""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from functools import cache
from itertools import chain, repeat
from operator import itemgetter
from sys import intern
from typing import TYPE_CHECKING, Any, TypeVar

from esgdesk.model.frozen import Frozen, FrozenTuple

if TYPE_CHECKING:
    from esgdesk.model.types import Entry

R = TypeVar("R")


class StoredValue(FrozenTuple):
    """A figure as stored: its value or state, note, status, who changed it and when."""

    _fields = ("entity", "year", "indicator", "value", "state", "note", "status", "changed_by",
               "changed_at", "version", "published", "restated", "provenance")
    _defaults = (None, "", "")
    entity: str
    year: int
    indicator: str
    value: str | None
    state: str
    note: str
    status: str
    changed_by: str
    changed_at: str
    version: int
    published: str | None  # what was published before a restatement
    restated: str  # why it was restated ("error: …")
    provenance: str  # where it comes from, for coordinators (the note explains it)


class PrintedFigure(Frozen):
    """A computed figure printed otherwise than computed (a percentage rounded as the
    report rounds it, so that its column adds up to 100 %), and why; who set it and when."""

    _fields = ("entity", "year", "indicator", "printed", "reason", "changed_by", "changed_at")
    entity: str
    year: int
    indicator: str
    printed: str  # the figure as printed, at the indicator's precision
    reason: str
    changed_by: str
    changed_at: str

    def __init__(self, entity: str, year: int, indicator: str, printed: str, reason: str,
                 changed_by: str, changed_at: str) -> None:
        self.__dict__.update(entity=entity, year=year, indicator=indicator, printed=printed,
                             reason=reason, changed_by=changed_by, changed_at=changed_at)


class RequestInfo(Frozen):
    """A data request and where it stands: requested → submitted → approved → locked."""

    _fields = ("id", "entity", "year", "department", "assignee", "due", "status", "changed_by",
               "changed_at")
    id: str
    entity: str
    year: int
    department: str
    assignee: str
    due: str
    status: str
    changed_by: str
    changed_at: str

    def __init__(self, id: str, entity: str, year: int, department: str, assignee: str, due: str,
                 status: str, changed_by: str, changed_at: str) -> None:
        self.__dict__.update(id=id, entity=entity, year=year, department=department,
                             assignee=assignee, due=due, status=status, changed_by=changed_by,
                             changed_at=changed_at)


class SubmissionInfo(Frozen):
    """A returned request workbook, by its content's hash: who saved it and who imported it."""

    _fields = ("sha256", "request_id", "file_name", "submitted_by", "saved_at", "imported_by",
               "imported_at", "figures")
    sha256: str
    request_id: str
    file_name: str
    submitted_by: str
    saved_at: str
    imported_by: str
    imported_at: str
    figures: int

    def __init__(self, sha256: str, request_id: str, file_name: str, submitted_by: str,
                 saved_at: str, imported_by: str, imported_at: str, figures: int) -> None:
        self.__dict__.update(sha256=sha256, request_id=request_id, file_name=file_name,
                             submitted_by=submitted_by, saved_at=saved_at,
                             imported_by=imported_by, imported_at=imported_at, figures=figures)


class Change(Frozen):
    """One figure to write: what the user typed, for which entity, year and indicator; or
    what its type parsed it into already (`entry`: a returned workbook's figure, read once),
    written as it is."""

    _fields = ("entity", "year", "indicator", "text", "note", "expected_version", "provenance",
               "unit", "entry", "quality", "method")
    entity: str
    year: int
    indicator: str
    text: str | None  # None clears the figure
    note: str | None  # the explanation (None keeps the one held)
    expected_version: int | None
    provenance: str | None  # where it comes from (None keeps the one held)
    unit: str | None  # the unit `text` is in, when given apart (a quantity's MWh)
    entry: Entry | None  # the figure parsed already (then `text` is only what was typed)
    quality: str | None  # how it was obtained (None keeps what is held), written with it
    method: str  # an estimate's method

    def __init__(self, entity: str, year: int, indicator: str, text: str | None,
                 note: str | None = None, expected_version: int | None = None,
                 provenance: str | None = None, unit: str | None = None,
                 entry: Entry | None = None, quality: str | None = None,
                 method: str = "") -> None:
        self.__dict__.update(entity=entity, year=year, indicator=indicator, text=text, note=note,
                             expected_version=expected_version, provenance=provenance, unit=unit,
                             entry=entry, quality=quality, method=method)


class AuditRecord(Frozen):
    """One row of the audit log."""

    _fields = ("id", "at", "user", "action", "entity", "year", "indicator", "old_value",
               "new_value", "old_status", "new_status", "reason", "source", "department",
               "entered", "factor", "db_user")
    id: int
    at: str
    user: str
    action: str
    entity: str
    year: int
    indicator: str  # "" for a row about a data request
    old_value: str | None
    new_value: str | None
    old_status: str | None
    new_status: str | None
    reason: str
    source: str
    department: str | None  # the department of a data request's row
    entered: str | None  # the figure as typed, when its unit was converted
    factor: str | None  # the factor a factor's row is about
    db_user: str | None  # on a server: the database user who wrote the row

    def __init__(self, id: int, at: str, user: str, action: str, entity: str, year: int,
                 indicator: str, old_value: str | None, new_value: str | None,
                 old_status: str | None, new_status: str | None, reason: str, source: str,
                 department: str | None = None, entered: str | None = None,
                 factor: str | None = None, db_user: str | None = None) -> None:
        self.__dict__.update(id=id, at=at, user=user, action=action, entity=entity, year=year,
                             indicator=indicator, old_value=old_value, new_value=new_value,
                             old_status=old_status, new_status=new_status, reason=reason,
                             source=source, department=department, entered=entered, factor=factor,
                             db_user=db_user)


def column_getter(row: Any) -> Any:
    """How to read a row's column by name: a read row (sqlite3.Row, or a server's dict) by
    key, a mapped object by attribute."""
    return row.__getitem__ if isinstance(row, (sqlite3.Row, dict)) else row.__getattribute__


def read_record(cls: type[R], row: Any, **given: Any) -> R:
    """A record built field by field from a row, by name: a sqlite3.Row's columns or a
    mapped object's attributes. `given` supplies the fields the row names differently
    (an entity's code where the row holds its id)."""
    get = column_getter(row)
    return cls(**{name: given[name] if name in given else get(name)
                  for name in _field_names(cls)})  # type: ignore[arg-type]


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    """A record's field names, looked up once (an export reads tens of thousands of rows):
    a Frozen record's `_fields`, a dataclass's fields."""
    named = getattr(cls, "_fields", None)
    if named is not None:
        return tuple(named)
    from dataclasses import fields

    return tuple(f.name for f in fields(cls))


def stored_value(code: str, row: Any) -> StoredValue:
    """A figure as stored (a row read by name, or the mapped Value being written)."""
    if isinstance(row, (sqlite3.Row, dict)):  # the read path: many rows per export
        return StoredValue(code, row["year"], row["indicator"], row["value"], row["state"],
                           row["note"], row["status"], row["changed_by"], row["changed_at"],
                           row["version"], row["published"], row["restated"] or "",
                           row["provenance"] or "")
    else:
        restated, provenance = row.restated, row.provenance
    return read_record(StoredValue, row, entity=code, restated=restated or "",
                       provenance=provenance or "")


_STORED_COLUMNS = ("year", "indicator", "value", "state", "note", "status", "changed_by",
                   "changed_at", "version", "published", "restated", "provenance")
_TUPLE_ORDER = ("entity_id", *_STORED_COLUMNS)


def stored_values(rows: Iterable[Any], codes: Mapping[int, str],
                  names: tuple[str, ...] = (),
                  ) -> dict[tuple[str, str, int], StoredValue]:
    """The figures of one query's rows (gone through once, as they come), keyed by (entity,
    indicator, year); `codes` gives an entity's code by its id; `names`, the columns of
    rows that are plain tuples, in order. Each column is found by its name once for all the
    rows: a sqlite3.Row looks a name up column after column, which over tens of thousands of
    rows was a third of an export's reading."""
    if isinstance(rows, list) and rows and type(rows[0]) is tuple:
        return _stored_tuples(rows, codes, names)
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return {}
    rows = chain((first,), rows)
    if isinstance(first, dict):  # a server's rows are read by name already
        entity_at: Any = "entity_id"
        columns = itemgetter(*_STORED_COLUMNS)
    else:
        at = {name: number for number, name in enumerate(first.keys())}
        entity_at = at["entity_id"]
        columns = itemgetter(*(at[name] for name in _STORED_COLUMNS))
    found: dict[tuple[str, str, int], StoredValue] = {}
    # The driver makes a new object of each cell; those that repeat (a year, an indicator,
    # a status, a user, an import's time) are kept once: fewer objects to hold and to free.
    # An indicator, a state, a status and a user are kept once for every read (interned):
    # a group's entities repeat them by the hundred thousand.
    same = {}.setdefault
    make = tuple.__new__  # every field given: StoredValue's own __new__ adds nothing here
    for row in rows:
        code = codes[row[entity_at]]
        (year, indicator, value, state, note, status, changed_by, changed_at, version,
         published, restated, provenance) = columns(row)
        year, indicator, state, status, changed_by, changed_at = (
            same(year, year), intern(indicator), intern(state), intern(status),
            intern(changed_by), same(changed_at, changed_at))
        found[code, indicator, year] = make(StoredValue, (
            code, year, indicator, value, state, note, status, changed_by, changed_at, version,
            published, restated or "", provenance or ""))
    return found


def _stored_tuples(rows: list[tuple[Any, ...]], codes: Mapping[int, str],
                   names: tuple[str, ...]) -> dict[tuple[str, str, int], StoredValue]:
    """`stored_values` of rows that are plain tuples (a file's): the same records, made a
    column at a time by the interpreter's own loops (map, zip) rather than a row at a time
    in Python, which was most of reading a group's figures."""
    entities, years, indicators, records = _tuple_records(rows, codes, names)
    return dict(zip(zip(entities, indicators, years, strict=True), records, strict=True))


def _tuple_records(rows: list[tuple[Any, ...]], codes: Mapping[int, str],
                   names: tuple[str, ...],
                   ) -> tuple[list[str], list[int], list[str], list[StoredValue]]:
    """The records of rows that are plain tuples, with their entities, years and
    indicators, each a column (see _stored_tuples)."""
    if tuple(names) == _TUPLE_ORDER:  # the columns in the record's order: no reordering
        columns = zip(*rows, strict=True)
    else:
        at = {name: number for number, name in enumerate(names)}
        columns = zip(*map(itemgetter(at["entity_id"], *(at[name] for name in _STORED_COLUMNS)),
                           rows), strict=True)
    (entity_ids, years, indicators, values, states, notes, statuses, changed_by, changed_at,
     versions, published, restated, provenance) = columns
    # kept once, as stored_values keeps them (see there)
    same = {}.setdefault
    if len(codes) == 1:  # one entity's rows (a tree read an entity at a time)
        entities = list(repeat(next(iter(codes.values())), len(rows)))
    else:
        entities = list(map(codes.__getitem__, entity_ids))
    kept_years = list(map(same, years, years))
    kept_indicators = list(map(intern, indicators))
    if None in restated:
        restated = tuple(text or "" for text in restated)
    if None in provenance:
        provenance = tuple(text or "" for text in provenance)
    records = list(map(tuple.__new__, repeat(StoredValue), zip(
        entities, kept_years, kept_indicators, values, map(intern, states), notes,
        map(intern, statuses), map(intern, changed_by), map(same, changed_at, changed_at),
        versions, published, restated, provenance, strict=True)))
    return entities, kept_years, kept_indicators, records


def stored_rows_by_year(rows: Iterable[Any], code: str, entity_id: int,
                        names: tuple[str, ...] = (),
                        ) -> dict[int, dict[str, StoredValue]]:
    """One entity's figures of one query, by year and then indicator (as a FigureBook holds
    them): rows that are plain tuples (a file's), which must come ordered by year, are made
    a column at a time and cut at each year, without a key made for each figure; others as
    `stored_values` makes them."""
    found: dict[int, dict[str, StoredValue]] = {}
    if isinstance(rows, list) and rows and type(rows[0]) is tuple:
        _entities, years, indicators, records = _tuple_records(rows, {entity_id: code}, names)
        start = 0
        while start < len(years):  # the rows come in year order: cut at each year's end
            end = bisect_right(years, years[start], start)
            found[years[start]] = dict(zip(indicators[start:end], records[start:end], strict=True))
            start = end
        return found
    for (_code, indicator, year), value in stored_values(rows, {entity_id: code},
                                                         names).items():
        found.setdefault(year, {})[indicator] = value
    return found
