"""The store's figures: their values, notes, statuses and restatements, read by name and each
change written as one audited transaction."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from esgdesk.errors import (
    DerivedIndicator,
    EnteredElsewhere,
    EsgdeskError,
    InvalidValue,
    NeedsReason,
    NotFound,
    Published,
    StaleValue,
    ValueLocked,
)
from esgdesk.model.catalogue import Catalogue, Indicator
from esgdesk.model.entities import NOT_HELD, EntityRefused, EntityTree, span_text
from esgdesk.model.evidence import refuse_quality
from esgdesk.model.frozen import Frozen
from esgdesk.model.restatement import REASONS, restated_text
from esgdesk.model.states import VALUE, state_text
from esgdesk.model.types import CLEARED, Entry, ValueRefused, text_problem
from esgdesk.storage.audit import add_audit_row, add_audit_rows, audit_fields
from esgdesk.storage.base import now
from esgdesk.storage.editions import EditionsPart
from esgdesk.storage.records import (
    Change,
    PrintedFigure,
    StoredValue,
    stored_rows_by_year,
    stored_value,
    stored_values,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from esgdesk.storage.models import Value

STATUSES = ("draft", "submitted", "approved", "locked")
RESTATEMENT_REASONS = REASONS  # the kinds of restatement (model.restatement)
QUALITY = "quality"  # the audit action of how a figure was obtained
VALUE_COLUMNS = ("entity_id, year, indicator, value, state, note, status, changed_by, "
                 "changed_at, version, published, restated, provenance")
VALUE_NAMES = tuple(VALUE_COLUMNS.split(", "))  # a row's values, in order


def parse_entry(indicator: Indicator, text: str, unit: str | None = None) -> Entry:
    """What a user typed for a figure (with its unit given apart), parsed once by its type
    (ValueType.entry) into what the store writes, or InvalidValue saying why not; a computed
    figure is never typed (DerivedIndicator)."""
    if indicator.formula is not None:
        raise DerivedIndicator(indicator.id, indicator.formula.text)
    try:
        return indicator.type.entry(text, unit)
    except ValueRefused as exc:
        raise InvalidValue(indicator.id, text if exc.text is None else exc.text, exc.en,
                           exc.zh) from None


def refuse_locked_or_stale(row: Value | Mapping[str, Any] | None, entity: str, year: int,
                           indicator: str, expected_version: int | None) -> None:
    """The guard before any change to a figure (its row mapped, or read by name): a locked
    figure is not changed, and one changed since the caller read it (another version than
    expected) is not overwritten."""
    if row is None:
        status, version, changed_by, changed_at = None, 0, "?", "?"
    elif isinstance(row, Mapping):
        status, version = row["status"], row["version"]
        changed_by, changed_at = row["changed_by"], row["changed_at"]
    else:
        status, version, changed_by, changed_at = (row.status, row.version, row.changed_by,
                                                   row.changed_at)
    if status == "locked":
        raise ValueLocked(entity, year, indicator)
    if expected_version is not None and version != expected_version:
        raise StaleValue(indicator, changed_by, changed_at)


def check_text(indicator: str, text: str, what: str = "the note") -> None:
    """A note (or reason) must fit a workbook cell whole: refused here, never cut later."""
    problem = text_problem(text)
    if problem:
        raise InvalidValue(indicator, text[:40] + ("…" if len(text) > 40 else ""),
                           f"{what} {problem}")


FigureKey = tuple[int, int, str]  # entity id, year, indicator


def figure_rows(s: Session, keys: Iterable[FigureKey]) -> dict[FigureKey, dict[str, Any]]:
    """The stored rows of many figures, read by name in a few statements (a returned
    workbook's hundred figures are one read, not a hundred: on a server every statement is a
    round trip); a figure not stored yet is absent."""
    wanted: dict[tuple[int, int], list[str]] = {}
    for key in sorted(set(keys)):
        wanted.setdefault(key[:2], []).append(key[2])
    found: dict[FigureKey, dict[str, Any]] = {}
    if not wanted:
        return found
    statement, columns = _rows_by_indicators()
    # By entity and year, then indicators: the unique index's order. A query on the
    # (entity, year, indicator) tuples would scan the whole table on SQLite.
    for (entity_id, year), indicators in wanted.items():
        for start in range(0, len(indicators), 300):
            chunk = indicators[start:start + 300]
            for values in s.execute(statement, {"entity_id": entity_id, "year": year,
                                                "indicators": chunk}):
                row = dict(zip(columns, values, strict=True))
                found[row["entity_id"], row["year"], row["indicator"]] = row
    return found


@functools.cache
def _rows_by_indicators() -> tuple[Any, tuple[str, ...]]:
    """The statement reading an entity's rows of a year by indicator, and its columns: made
    once, not at every read (a statement made and keyed for the cache of compiled ones
    costs more than reading a returned workbook's figures)."""
    from sqlalchemy import bindparam, select

    from esgdesk.storage.models import Value

    table = Value.__table__
    statement = select(table).where(
        table.c.entity_id == bindparam("entity_id"), table.c.year == bindparam("year"),
        table.c.indicator.in_(bindparam("indicators", expanding=True)))
    return statement, tuple(column.name for column in table.columns)


def row_of(s: Session, entity_id: int, year: int, indicator: str) -> Value | None:
    """The stored row of one figure, inside a writing transaction."""
    from sqlalchemy import select

    from esgdesk.storage.models import Value

    return s.execute(select(Value).where(
        Value.entity_id == entity_id, Value.year == year, Value.indicator == indicator,
    )).scalar_one_or_none()


# What writing a figure sets on its row, and what a new row is given.
UPDATED_COLUMNS = ("value", "state", "note", "provenance", "changed_by", "changed_at", "version")
INSERTED_COLUMNS = ("entity_id", "year", "indicator", "value", "state", "note", "status",
                    "changed_by", "changed_at", "version", "published", "restated",
                    "provenance")


def _changed(row: dict[str, Any] | None, code: str, entity_id: int, change: Change,
             entry: Entry, user: str, stamp: str, reason: str, source: str,
             ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """One prepared change on a figure's row as it stands (read by name; None when not
    stored yet): the row as it leaves it, and its audit row's fields (None when nothing
    changes). Refused when locked or stale, when its note or provenance fits no cell, or
    when it writes nothing to a figure not stored."""
    stored_text, state = entry.value, entry.state
    year, indicator = change.year, change.indicator
    refuse_locked_or_stale(row, code, year, indicator, change.expected_version)
    if change.note is not None:
        check_text(indicator, change.note)
    note = change.note if change.note is not None else (row["note"] if row else "")
    if change.provenance is not None:
        check_text(indicator, change.provenance, "the provenance")
    provenance = (change.provenance if change.provenance is not None
                  else (row["provenance"] if row else "")) or ""
    logged = {"user": user, "entity_id": entity_id, "year": year, "indicator": indicator,
              "source": source}
    if row is None:
        if stored_text is None and state == VALUE and not note:
            raise EsgdeskError(f"{indicator} for {code} {year} has no value",
                               f"{code} {year} 年的 {indicator} 没有数值", kind="no_value")
        new = {"entity_id": entity_id, "year": year, "indicator": indicator,
               "value": stored_text, "state": state, "note": note, "status": "draft",
               "changed_by": user, "changed_at": stamp, "version": 1, "published": None,
               "restated": "", "provenance": provenance}
        return new, audit_fields(action="set", old_value=None,
                                 new_value=state_text(state, stored_text),
                                 reason=reason or change.note or change.provenance or "",
                                 entered=entry.entered, **logged)
    stamped = {"changed_by": user, "changed_at": stamp, "version": row["version"] + 1}
    if row["value"] == stored_text and row["state"] == state \
            and row["provenance"] == provenance:
        if row["note"] == note:
            return row, None
        # Only the explanation changed (a returned workbook's emptied one, say): audited
        # as the note's change, old and new.
        return {**row, "note": note, **stamped}, audit_fields(
            action="note", old_value=row["note"], new_value=note, reason=reason, **logged)
    changed = {**row, "value": stored_text, "state": state, "note": note,
               "provenance": provenance, **stamped}
    return changed, audit_fields(action="set", old_value=state_text(row["state"], row["value"]),
                                 new_value=state_text(state, stored_text),
                                 reason=reason or change.note or change.provenance or "",
                                 entered=entry.entered, **logged)


class Obtained(Frozen):
    """How one figure was obtained, to write with (or beside) its value: its quality
    (measured, calculated, estimated; "" to say nothing) and an estimate's method."""

    _fields = ("entity_id", "entity", "year", "indicator", "quality", "method")
    entity_id: int
    entity: str
    year: int
    indicator: str
    quality: str
    method: str

    def __init__(self, entity_id: int, entity: str, year: int, indicator: str, quality: str,
                 method: str) -> None:
        self.__dict__.update(entity_id=entity_id, entity=entity, year=year,
                             indicator=indicator, quality=quality.strip().lower(),
                             method=method.strip())


def quality_text(quality: str, method: str) -> str:
    """How a figure was obtained as its audit row holds it: "estimated: <method>"."""
    return f"{quality}: {method}" if method else quality


def refuse_obtained(indicator: str, quality: str, method: str) -> None:
    """Refused before anything is written: a quality that is none of the words, an estimate
    without its method, a method that fits no cell."""
    refuse_quality(indicator, quality, method)
    check_text(indicator, method.strip(), "the method")


def quality_change(row: Mapping[str, Any], item: Obtained, user: str, source: str,
                   ) -> dict[str, Any] | None:
    """The audit row's fields of saying how a stored figure was obtained (None when it
    says what is held)."""
    old = quality_text(row["quality"] or "", row["method"] or "")
    new = quality_text(item.quality, item.method)
    if old == new:
        return None
    return audit_fields(user=user, action=QUALITY, entity_id=item.entity_id, year=item.year,
                        indicator=item.indicator, old_value=old or None, new_value=new or None,
                        source=source)


class FiguresPart(EditionsPart):
    """Reading and writing figures."""

    # -- reading ----------------------------------------------------------------
    def get(self, entity: str, year: int, indicator: str) -> StoredValue | None:
        self.known_indicator(year, indicator)
        ent = self.entity(entity)
        rows = self._query(f"SELECT {VALUE_COLUMNS} FROM value WHERE entity_id = ? AND year = ? "
                           "AND indicator = ?", (ent.id, year, indicator))
        return stored_value(ent.code, rows[0]) if rows else None

    def values(self, entity: str, years: Iterable[int]) -> dict[tuple[str, int], StoredValue]:
        """Every stored figure of an entity for the given years, keyed by (indicator, year)."""
        return {(ind, year): value for (_e, ind, year), value
                in self.figures_of([entity], years).items()}

    def figures_of(self, entities: Iterable[str], years: Iterable[int], keep: bool = True,
                   ) -> dict[tuple[str, str, int], StoredValue]:
        """Stored figures of several entities, keyed by (entity, indicator, year). `keep`
        False: on a server, the answer is not kept for when the server goes away (a tree read
        an entity at a time to be validated: what a window shows keeps its own figures)."""
        ids = {self.entity(code).id: code for code in entities}
        wanted = list(years)
        if not ids or not wanted:
            return {}
        rows = self._read_many(
            f"SELECT {VALUE_COLUMNS} FROM value WHERE entity_id IN "
            f"({','.join('?' * len(ids))}) AND year IN ({','.join('?' * len(wanted))})",
            [*ids, *wanted], keep=keep)
        return stored_values(rows, ids, VALUE_NAMES)

    def rows_of(self, entity: str, years: Iterable[int], keep: bool = True,
                ) -> dict[int, dict[str, StoredValue]]:
        """One entity's stored figures of some years, by year and then indicator (as a
        FigureBook holds them): `figures_of` for one entity, without a key made for each
        figure (a tree is read an entity at a time)."""
        ent = self.entity(entity)
        wanted = list(years)
        if not wanted:
            return {}
        rows = self._read_many(
            f"SELECT {VALUE_COLUMNS} FROM value WHERE entity_id = ? "
            f"AND year IN ({','.join('?' * len(wanted))}) ORDER BY year",
            [ent.id, *wanted], keep=keep)
        return stored_rows_by_year(rows, ent.code, ent.id, VALUE_NAMES)

    def years(self) -> list[int]:
        """The years any entity holds figures for, found by seeking the year index from one
        year to the next (a dozen seeks), so a large database is not scanned."""
        return [r["year"] for r in self._query(
            "WITH RECURSIVE held(year) AS ("
            " SELECT MIN(year) FROM value"
            " UNION ALL SELECT (SELECT MIN(year) FROM value WHERE year > held.year)"
            " FROM held WHERE year IS NOT NULL)"
            " SELECT year FROM held WHERE year IS NOT NULL")]

    def all_values(self) -> Iterator[StoredValue]:
        """Every stored figure, by entity, year and indicator."""
        codes = self._codes()
        rows = self._query(f"SELECT {VALUE_COLUMNS} FROM value "
                           "ORDER BY entity_id, year, indicator")
        for row in rows:
            yield stored_value(codes[row["entity_id"]], row)

    # -- writing ----------------------------------------------------------------
    def set_value(self, change: Change, user: str, reason: str = "",
                  source: str = "") -> StoredValue:
        """Write one figure (one transaction, one audit row)."""
        return self.set_values([change], user, reason, source)[0]

    def set_values(self, changes: Iterable[Change], user: str, reason: str = "",
                   source: str = "") -> list[StoredValue]:
        """Write many figures at once: all of them, or none if any is refused (a figure at
        an entity that does not take it among them: see `refuse_elsewhere`)."""
        changes = list(changes)
        editions = self._editions_of(changes)
        specs = [(change, editions[change.year].indicators.get(change.indicator))
                 for change in changes]
        for change, spec in specs:
            self._refuse_elsewhere(change.entity, change.indicator, spec,
                                   self._tree_holding(change.entity, change.year))
        prepared = [(change, self._prepare(change, spec)) for change, spec in specs]
        return self._write_all(prepared, user, reason, source)

    def refuse_elsewhere(self, entity: str, year: int, indicator: str,
                         tree: EntityTree | None = None) -> None:
        """EnteredElsewhere when the catalogue of the year has the indicator typed at other
        entities than this one (a parent shows its children's consolidation)."""
        self._refuse_elsewhere(entity, indicator, self.edition(year).indicators.get(indicator),
                               tree or self._tree_holding(entity, year))

    def _tree_holding(self, entity: str, year: int) -> EntityTree:
        """The tree of a year, the entity held in it (EntityRefused when it does not count
        in that year: not yet acquired, or closed)."""
        tree = self.tree(year)
        if entity not in tree:
            info = self.entity(entity)
            raise EntityRefused([NOT_HELD(code=entity, year=year, span=span_text(info))])
        return tree

    def _refuse_elsewhere(self, entity: str, indicator: str, spec: Indicator | None,
                          tree: EntityTree) -> None:
        self.entity(entity)  # an unknown entity is said as such
        if spec is None or spec.derived:
            return
        if tree.takes(entity, spec.entered_at):
            return
        at = tree.entering(entity, spec.entered_at)
        if not at:  # below the level: the ancestor that takes it
            at = [a.code for a in tree.ancestors(entity) if tree.takes(a.code, spec.entered_at)]
        raise EnteredElsewhere(indicator, entity, spec.entered_at, at)

    def takes(self, entity: str, year: int, indicator: str) -> bool:
        """Whether the indicator is typed at this entity in that year's catalogue."""
        spec = self.edition(year).indicators.get(indicator)
        return spec is not None and not spec.derived and self.tree(year).takes(
            entity, spec.entered_at)

    def set_history(self, changes: Iterable[Change], user: str, reason: str = "",
                    source: str = "") -> list[StoredValue]:
        """Write figures where a printed report holds them, whatever entity takes them now
        (the years before collection began: a group's printed figures sit on the group; its
        children's, once collected, are compared with them). One transaction, audited."""
        return self._write_all(self._prepared(changes), user, reason, source)

    def _editions_of(self, changes: list[Change]) -> dict[int, Catalogue]:
        """The edition of each year the changes are in, each looked up once."""
        return {year: self.edition(year) for year in {c.year for c in changes}}

    def _prepared(self, changes: Iterable[Change]) -> list[tuple[Change, Entry]]:
        """Each change with what it writes (see _prepare), each year's edition looked up
        once."""
        changes = list(changes)
        editions = self._editions_of(changes)
        return [(c, self._prepare(c, editions[c.year].indicators.get(c.indicator)))
                for c in changes]

    def _write_all(self, prepared: list[tuple[Change, Entry]], user: str, reason: str,
                   source: str) -> list[StoredValue]:
        """Prepared changes written in one transaction, each with its audit row."""
        stamp = now()
        with self._writing() as s:
            return self._write_batch(s, prepared, user, stamp, reason, source)

    def _write_batch(self, s: Session, prepared: list[tuple[Change, Entry]], user: str,
                     stamp: str, reason: str, source: str) -> list[StoredValue]:
        """Prepared changes inside a writing transaction, each audited unless it changes
        nothing: their rows read at once, each change worked out in turn on the row the
        changes before it left (a figure changed twice is written once, logged twice), then
        their audit rows added (add_audit_rows: on a server, what the triggers are told) and
        the rows written, one executemany for the changed and one for the new."""
        from sqlalchemy import bindparam, insert, update
        from sqlalchemy.orm.exc import StaleDataError

        from esgdesk.storage.models import Value

        places = [(self.entity(c.entity), c, entry) for c, entry in prepared]
        rows = figure_rows(s, [(ent.id, c.year, c.indicator) for ent, c, _e in places])
        stored = set(rows)  # the figures held before: updated, the others inserted
        touched: dict[FigureKey, None] = {}  # the figures to write, in order
        audits: list[dict[str, Any]] = []
        written: list[StoredValue] = []
        for ent, change, entry in places:
            key = (ent.id, change.year, change.indicator)
            row, audit = _changed(rows.get(key), ent.code, ent.id, change, entry, user, stamp,
                                  reason, source)
            if audit is not None:
                rows[key] = row
                touched[key] = None
                audits.append(audit)
            written.append(stored_value(ent.code, row))
        add_audit_rows(s, stamp, audits)
        table = Value.__table__
        updates = [{"row_id": rows[key]["id"], **{c: rows[key][c] for c in UPDATED_COLUMNS}}
                   for key in touched if key in stored]
        if updates:
            done = s.execute(update(table).where(table.c.id == bindparam("row_id")), updates)
            if done.rowcount != len(updates):  # as the ORM says it (see StorePart._writing)
                raise StaleDataError(f"{len(updates) - done.rowcount} figure rows were not "
                                     "found to update")
        inserts = [{c: rows[key][c] for c in INSERTED_COLUMNS}
                   for key in touched if key not in stored]
        if inserts:
            s.execute(insert(table), inserts)
        obtained = [Obtained(ent.id, ent.code, c.year, c.indicator, c.quality, c.method)
                    for ent, c, _e in places if c.quality is not None]
        if obtained:
            self._write_qualities(s, obtained, user, stamp, source)
        return written

    def _write_qualities(self, s: Session, obtained: Iterable[Obtained], user: str,
                         stamp: str, source: str) -> None:
        """How figures were obtained, inside the writing transaction that wrote their values
        (after them: each figure's row is there), each audited ("quality") unless it
        changes nothing; one statement after their audit rows."""
        from sqlalchemy import bindparam, update

        from esgdesk.storage.models import Value

        obtained = list(obtained)
        rows = figure_rows(s, [(o.entity_id, o.year, o.indicator) for o in obtained])
        audits: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for item in obtained:
            key = (item.entity_id, item.year, item.indicator)
            row = rows.get(key)
            if row is None:
                raise NotFound(f"{item.indicator} for {item.entity} {item.year} has no value "
                               "yet", f"{item.entity} {item.year} 年的 {item.indicator} 还没有数值")
            audit = quality_change(row, item, user, source)
            if audit is None:
                continue
            rows[key] = {**row, "quality": item.quality, "method": item.method}
            audits.append(audit)
            updates.append({"row_id": row["id"], "quality": item.quality,
                            "method": item.method})
        add_audit_rows(s, stamp, audits)
        if updates:
            # The figure's value, version and last change stay: how it was obtained is said
            # of it (the audit row says who said so, and when).
            table = Value.__table__
            s.execute(update(table).where(table.c.id == bindparam("row_id")).values(
                quality=bindparam("quality"), method=bindparam("method")), updates)

    def _prepare(self, change: Change, indicator: Indicator | None) -> Entry:
        """What the change writes: its text parsed once by the figure's type (the year's
        edition's `indicator`, None when it has none: refused as unknown)."""
        if indicator is None:
            indicator = self.edition(change.year).indicator(change.indicator)  # NotFound
        self.entity(change.entity)
        if indicator.formula is not None:
            raise DerivedIndicator(indicator.id, indicator.formula.text)
        if change.quality is not None:
            refuse_obtained(change.indicator, change.quality, change.method)
        if change.entry is not None:
            return change.entry
        if change.text is None:
            return CLEARED
        return parse_entry(indicator, change.text, change.unit)

    def set_note(self, entity: str, year: int, indicator: str, note: str, user: str,
                 expected_version: int | None = None) -> StoredValue:
        """Change a figure's note (its explanation or source), keeping the figure."""
        from esgdesk.storage.models import Value

        self.edition(year).indicator(indicator)
        check_text(indicator, note)
        ent = self.entity(entity)
        stamp = now()
        with self._writing() as s:
            row = row_of(s, ent.id, year, indicator)
            refuse_locked_or_stale(row, ent.code, year, indicator, expected_version)
            old_note = row.note if row else ""
            if row is None:
                row = Value(entity_id=ent.id, year=year, indicator=indicator, value=None,
                            state=VALUE, note=note, status="draft", changed_by=user,
                            changed_at=stamp, version=1)
                s.add(row)
            elif old_note == note:
                return stored_value(ent.code, row)
            else:
                row.note, row.changed_by, row.changed_at = note, user, stamp
                row.version += 1
            add_audit_row(s, at=stamp, user=user, action="note", entity_id=ent.id, year=year,
                          indicator=indicator, old_value=old_note, new_value=note)
            s.flush()
            return stored_value(ent.code, row)

    def printed_figures(self, entities: Iterable[str], years: Iterable[int],
                        ) -> dict[tuple[str, str, int], PrintedFigure]:
        """The computed figures printed otherwise (see set_printed) of some entities and
        years, keyed by (entity, indicator, year)."""
        ids = {self.entity(code).id: code for code in entities}
        wanted = list(years)
        if not ids or not wanted:
            return {}
        rows = self._query(
            "SELECT entity_id, year, indicator, printed, printed_reason, changed_by, changed_at "
            f"FROM value WHERE printed IS NOT NULL AND entity_id IN ({','.join('?' * len(ids))})"
            f" AND year IN ({','.join('?' * len(wanted))})", [*ids, *wanted])
        return {(ids[r["entity_id"]], r["indicator"], r["year"]): PrintedFigure(
            ids[r["entity_id"]], r["year"], r["indicator"], r["printed"], r["printed_reason"],
            r["changed_by"], r["changed_at"]) for r in rows}

    def set_printed(self, entity: str, year: int, indicator: str, text: str | None,
                    reason: str, user: str) -> PrintedFigure | None:
        """Print a computed figure otherwise than computed: as the report rounds it (a
        percentage whose column must add up to 100 %), at the indicator's precision, with
        the reason (required); None or "" prints it as computed again. One transaction with
        its audit row (action "printed": the old and new printed figure, the reason); the
        computed figure itself is still never stored. Refused on a typed figure, a text, a
        state, and a published (locked) figure."""
        from esgdesk.storage.models import Value

        spec = self.edition(year).indicator(indicator)
        if spec.formula is None or not spec.type.numeric:
            raise EsgdeskError(
                f"{indicator} is not a computed figure: only a computed figure may print "
                "otherwise than computed", f"{indicator} 不是计算得出的数据：只有计算数据可以"
                "按报告的取舍印出", where=indicator, kind="not_computed")
        printed = None
        if text is not None and text.strip():
            try:
                entry = spec.type.entry(text)
            except ValueRefused as exc:
                raise InvalidValue(indicator, text, exc.en, exc.zh) from None
            if entry.state != VALUE or entry.value is None:
                raise InvalidValue(indicator, text, "a printed figure is a number",
                                   "印出的数据须为数字")
            printed = entry.value
            if not reason.strip():
                raise NeedsReason(f"printing {indicator} otherwise than computed needs a "
                                  "reason (--reason)", f"{indicator} 按报告的取舍印出需要说明"
                                  "原因（--reason）")
        if reason:
            check_text(indicator, reason, "the reason")
        ent = self.entity(entity)
        stamp = now()
        with self._writing() as s:
            row = row_of(s, ent.id, year, indicator)
            refuse_locked_or_stale(row, ent.code, year, indicator, None)
            old = row.printed if row is not None else None
            why = reason.strip() if printed is not None else ""
            if old == printed and (row is None or row.printed_reason == why):
                return self._printed(ent.code, row)
            if row is None:
                row = Value(entity_id=ent.id, year=year, indicator=indicator, value=None,
                            state=VALUE, note="", status="draft", changed_by=user,
                            changed_at=stamp, version=1, printed=printed, printed_reason=why)
                s.add(row)
            else:
                row.printed, row.printed_reason = printed, why
                row.changed_by, row.changed_at, row.version = user, stamp, row.version + 1
            add_audit_row(s, at=stamp, user=user, action="printed", entity_id=ent.id,
                          year=year, indicator=indicator, old_value=old, new_value=printed,
                          reason=reason.strip())
            s.flush()
            return self._printed(ent.code, row)

    @staticmethod
    def _printed(code: str, row: Value | None) -> PrintedFigure | None:
        if row is None or row.printed is None:
            return None
        return PrintedFigure(code, row.year, row.indicator, row.printed, row.printed_reason,
                             row.changed_by, row.changed_at)

    def set_status(self, entity: str, year: int, indicator: str, status: str, user: str,
                   reason: str = "") -> StoredValue:
        """Move a figure to draft, submitted, approved or locked (audited). A locked figure
        is published: it never leaves "locked" (see restate)."""
        if status not in STATUSES:
            raise EsgdeskError(f"status '{status}' is not one of {', '.join(STATUSES)}",
                               f"状态“{status}”不是以下之一：{', '.join(STATUSES)}",
                               kind="unknown_status")
        self.known_indicator(year, indicator)
        ent = self.entity(entity)
        stamp = now()
        with self._writing() as s:
            row = row_of(s, ent.id, year, indicator)
            if row is None:
                raise NotFound(f"{indicator} for {entity} {year} has no value yet",
                               f"{entity} {year} 年的 {indicator} 还没有数值")
            if row.status == status:  # locking a locked figure again changes nothing
                return stored_value(ent.code, row)
            if row.status == "locked":
                raise Published(f"{indicator} for {entity} {year} is",
                                f"{entity} {year} 年的 {indicator} ", entity, year, indicator)
            old = row.status
            row.status, row.version = status, row.version + 1
            row.changed_by, row.changed_at = user, stamp
            add_audit_row(s, at=stamp, user=user, action="status", entity_id=ent.id, year=year,
                          indicator=indicator, old_value=row.value, new_value=row.value,
                          old_status=old, new_status=status, reason=reason)
            s.flush()
            return stored_value(ent.code, row)

    def restate(self, entity: str, year: int, indicator: str, text: str, kind: str,
                reason: str, user: str) -> StoredValue:
        """Change a locked (published) figure: a restatement (GRI 2-4). It keeps the
        published figure beside the new one, stays locked, and needs a kind and a reason."""
        if kind not in RESTATEMENT_REASONS:
            kinds = ", ".join(RESTATEMENT_REASONS)
            raise EsgdeskError(f"a restatement's kind is one of {kinds}, not '{kind}'",
                               f"重述类型须为以下之一：{kinds}，而不是“{kind}”",
                               kind="unknown_restatement")
        if not reason.strip():
            raise NeedsReason(f"restating {indicator} for {entity} {year} needs a reason",
                              f"重述 {entity} {year} 年的 {indicator} 需要说明原因")
        check_text(indicator, reason, "the reason")
        entry = self._prepare(Change(entity, year, indicator, text),
                              self.edition(year).indicators.get(indicator))
        stored_text, state = entry.value, entry.state
        ent = self.entity(entity)
        stamp = now()
        with self._writing() as s:
            row = row_of(s, ent.id, year, indicator)
            if row is None or row.status != "locked":
                raise EsgdeskError(
                    f"{indicator} for {entity} {year} is not locked (published); "
                    "change it instead of restating it",
                    f"{entity} {year} 年的 {indicator} 未锁定（未发布）；请直接修改，无需重述",
                    kind="not_locked")
            old = state_text(row.state, row.value)
            if row.published is None:
                row.published = old
            row.value, row.state = stored_text, state
            row.restated = restated_text(kind, reason)
            row.changed_by, row.changed_at, row.version = user, stamp, row.version + 1
            add_audit_row(s, at=stamp, user=user, action="restate", entity_id=ent.id,
                          year=year, indicator=indicator, old_value=old,
                          new_value=state_text(state, stored_text), old_status="locked",
                          new_status="locked", reason=row.restated)
            s.flush()
            return stored_value(ent.code, row)
