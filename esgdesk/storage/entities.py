"""The store's entities (the group, its companies and sites) and the database's settings."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from esgdesk.errors import Problem, UnknownEntity
from esgdesk.model.catalogue import Catalogue
from esgdesk.model.entities import (
    BAD_KIND,
    BEFORE_FROM,
    ENTITY_KINDS,
    EXISTS,
    FIGURES_AFTER,
    HOLDS_OTHERS,
    NAME_MISSING,
    ONE_GROUP,
    SHARE,
    UNKNOWN_PARENT,
    YEARS,
    EntityInfo,
    EntityRefused,
    EntityTree,
    ParentChange,
    Structure,
)
from esgdesk.storage.audit import add_audit_row, add_audit_row_of_new
from esgdesk.storage.base import StorePart, now
from esgdesk.storage.records import read_record

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from esgdesk.storage.restatements import PublishedMove, Restatement

    # A change of structure's restatements: the published figures it moves, the boundary
    # restatement it is made as, and the change in words, English and Chinese (see
    # rules.boundary); None: nothing published moves.
    Boundary = tuple[Sequence[PublishedMove], Restatement | None, tuple[str, str]] | None

ENTITY_ACTION = "entity"  # the audit action of an entity added, or changed otherwise
RENAME_ACTION = "rename"  # its names changed
CLOSE_ACTION = "close"  # the last year it counts changed (closed, divested, or reopened)
MOVE_ACTION = "move"  # put under another parent from a year on
COMPANY = COMPANY_ACTION = "company"  # the company's names ("中文 / English"): its setting


def entity_text(code: str, name_zh: str, name_en: str, kind: str, parent: str | None,
                province: str | None, from_year: int | None = None,
                to_year: int | None = None, equity_share: str | None = None,
                control: bool = True) -> str:
    """An entity as its audit row holds it: its fields, as JSON in a fixed order (a server's
    trigger, esgdesk.storage.postgres.AUDIT_TRIGGERS, writes the same text from the row).
    The parent is the one it was added under (its moves have rows of their own)."""
    return json.dumps({"code": code, "name_zh": name_zh, "name_en": name_en, "kind": kind,
                       "parent": parent, "province": province, "from": from_year,
                       "to": to_year, "equity_share": equity_share, "control": bool(control)},
                      ensure_ascii=False, separators=(",", ":"))


def info_text(info: EntityInfo, parent: str | None) -> str:
    return entity_text(info.code, info.name_zh, info.name_en, info.kind, parent, info.province,
                       info.from_year, info.to_year, info.equity_share, info.control)


def change_action(old: EntityInfo, new: EntityInfo) -> str:
    """The audit action of an entity's change (the server's trigger decides the same way):
    a rename when its names changed, a close when the last year it counts did, else
    "entity"."""
    if (old.name_zh, old.name_en) != (new.name_zh, new.name_en):
        return RENAME_ACTION
    if old.to_year != new.to_year:
        return CLOSE_ACTION
    return ENTITY_ACTION


def change_year(action: str, new: EntityInfo) -> int:
    """The year an entity's change is logged under: a close's first year without it."""
    return new.to_year + 1 if action == CLOSE_ACTION and new.to_year is not None else 0


def equity_text(value: str | None) -> str | None:
    """An equity share as stored (exact decimal text, percent), or None when not given;
    ValueError when it is no percentage from 0 to 100."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip().removesuffix("%").strip()
    number = Decimal(text)  # InvalidOperation is a ValueError
    if not number.is_finite() or not 0 <= number <= 100:
        raise ValueError(text)
    return format(number.normalize(), "f")


class EntitiesPart(StorePart):
    """Entities, read once and kept until one is added or changed; settings, read each
    time."""

    def __init__(self, path: Path, catalogue: Catalogue | None = None) -> None:
        super().__init__(path, catalogue)
        self._entities: dict[str, EntityInfo] | None = None
        self._structure: Structure | None = None

    def entities(self) -> list[EntityInfo]:
        """Every entity ever held, parents before their children (each under its latest
        parent)."""
        return list(self._entity_map().values())

    def entity(self, code: str) -> EntityInfo:
        try:
            return self._entity_map()[code]
        except KeyError:
            raise UnknownEntity(code) from None

    def children(self, code: str) -> list[EntityInfo]:
        return self.tree().children(code)

    def tree(self, year: int | None = None) -> EntityTree:
        """The entities as a tree, for every walk over the group's structure: those held in
        `year` under their parents of that year, or, without a year, every entity ever held
        under its latest parent."""
        return self.structure().tree(year)  # each year's made once, until a change

    def structure(self) -> Structure:
        """The group's structure over the years (its trees of each year)."""
        self._entity_map()
        assert self._structure is not None
        return self._structure

    def root(self) -> EntityInfo:
        roots = [e for e in self.entities() if e.parent is None]
        if not roots:
            raise UnknownEntity("(no entities in this database)")
        return roots[0]

    def _entity_map(self) -> dict[str, EntityInfo]:
        if self._entities is None:
            rows = self._query("SELECT id, code, name_zh, name_en, kind, parent_id, province, "
                               "from_year, to_year, equity_share, control "
                               "FROM entity "
                               "ORDER BY id")
            codes = {r["id"]: r["code"] for r in rows}
            infos = [read_record(EntityInfo, r, parent=codes.get(r["parent_id"])) for r in rows]
            moves = [ParentChange(codes[r["entity_id"]], codes[r["parent_id"]], r["from_year"])
                     for r in self._query("SELECT entity_id, parent_id, from_year "
                                          "FROM entity_parent ORDER BY from_year, id")]
            self._structure = Structure(infos, moves)
            self._entities = self._structure.tree().by_code
        return self._entities

    def _code_of(self, entity_id: int) -> str:
        return next(e.code for e in self.entities() if e.id == entity_id)

    def _codes(self) -> dict[int, str]:
        """Each entity's code by its row id."""
        return {e.id: e.code for e in self.entities()}

    def add_entity(self, code: str, name_zh: str, name_en: str, kind: str,
                   parent: str | None = None, province: str | None = None,
                   user: str = "", from_year: int | None = None, to_year: int | None = None,
                   equity_share: str | None = None, control: bool = True,
                   restated: Boundary = None) -> EntityInfo:
        """Add an entity under its parent: one transaction with its audit row (action
        "entity", the new entity's fields as its new value), so the log names every entity
        a report prints from the day it came in, and the restatements of the published
        figures it moves (`restated`, see change_entity). EntityRefused when the parent is
        unknown, a site or not held in the entity's first year, or the years or equity
        share are wrong."""
        info = self.checked_new(EntityInfo(0, code, name_zh, name_en, kind, parent, province,
                                           from_year, to_year, equity_share, control))
        self._refuse_unrestated(restated)
        with self._writing() as s:
            self._insert(s, info, user)
            self._restate(s, restated, user, "entity")
        self._entities = None
        return self.entity(code)

    def change_entity(self, code: str, user: str = "", source: str = "entity",
                      restated: Boundary = None, **fields: object) -> EntityInfo:
        """Change an entity's names, years, equity share or control (the fields named): one
        transaction with its audit row (rename, close or entity: see change_action), the
        entity before and after as its old and new values, and the restatements of the
        published figures it moves (`restated`: the moves, the boundary restatement and the
        change in words; see rules.boundary). Nothing is written when nothing changes."""
        old = self.entity(code)
        new = self._checked_change(old, fields)
        if new != old:
            self._refuse_unrestated(restated)
            with self._writing() as s:
                self._update(s, old, new, user, source)
                self._restate(s, restated, user, source)
            self._entities = None
        return self.entity(code)

    def checked_change(self, code: str, **fields: object) -> EntityInfo:
        """An entity as a change of these fields would make it (EntityRefused when it is
        refused); nothing is written."""
        return self._checked_change(self.entity(code), fields)

    def close_entity(self, code: str, from_year: int, user: str = "",
                     restated: Boundary = None) -> EntityInfo:
        """Close (or divest) an entity from a year: it counts up to the year before, its
        history stays in its years and nothing is expected of it after."""
        return self.change_entity(code, user, restated=restated, to_year=from_year - 1)

    def move_entity(self, code: str, parent: str, from_year: int,
                    user: str = "", source: str = "entity",
                    restated: Boundary = None) -> EntityInfo:
        """Put an entity under another parent from a year on: one transaction with its audit
        row (action "move", in that year; the parent before and after), the trees of the
        years before it unchanged. Nothing is written when it is under that parent then."""
        if self.structure().parent_in(code, from_year) == parent and code in self.tree(
                from_year):
            return self.entity(code)
        problems = self.move_problems(code, parent, from_year)
        if problems:
            raise EntityRefused(problems)
        self._refuse_unrestated(restated)
        with self._writing() as s:
            self._insert_move(s, code, parent, from_year, user, source)
            self._restate(s, restated, user, source)
        self._entities = None
        return self.entity(code)

    @staticmethod
    def _refuse_unrestated(restated: Boundary) -> None:
        if restated is not None:
            from esgdesk.storage.restatements import refuse_unrestated  # only a change

            refuse_unrestated(restated[0], restated[1])

    def _restate(self, s: Session, restated: Boundary, user: str, source: str) -> None:
        """The published figures a change of structure moves, restated in its transaction."""
        if restated is None:
            return
        moves, restatement, what = restated
        if moves and restatement is not None:
            from esgdesk.storage.restatements import write_restatements

            write_restatements(s, moves, restatement, self._ids_in(s), user, now(), source,
                               what)

    @staticmethod
    def _ids_in(s: Session) -> dict[str, int]:
        from sqlalchemy import select

        from esgdesk.storage.models import Entity

        return {code: id_ for code, id_ in s.execute(select(Entity.code, Entity.id)).all()}

    def apply_structure(self, added: list[EntityInfo], changed: list[EntityInfo],
                        moved: list[ParentChange], provinces: dict[str, str | None],
                        user: str, source: str, company: str | None = None,
                        restated: Boundary = None) -> None:
        """A structure's changes at once (a structure workbook's): the entities added
        (parents first), changed, moved and their provinces, each with its audit row, the
        company's names (as "中文 / English") and the restatements of the published figures
        they move, in one transaction: all of them or, when any is refused, none."""
        from sqlalchemy import select, update

        from esgdesk.storage.models import Entity

        with self._writing() as s:
            for info in added:
                self._insert(s, info, user, source)
            ids = {code: id_ for code, id_ in s.execute(select(Entity.code, Entity.id)).all()}
            for move in moved:
                self._insert_move(s, move.entity, move.parent, move.from_year, user, source,
                                  ids)
            for info in changed:
                self._update(s, self.entity(info.code), info, user, source)
            for code, province in provinces.items():
                old = self.entity(code).province
                if province == old:
                    continue
                add_audit_row(s, at=now(), user=user, action="province", entity_id=ids[code],
                              year=self._latest_year(s), old_value=old, new_value=province,
                              source="province")
                s.execute(update(Entity).where(Entity.id == ids[code])
                          .values(province=province))
            if company is not None:
                self._set_company(s, company, user, source, ids)
            self._restate(s, restated, user, source)
        self._entities = None

    # -- the checks of a change ------------------------------------------------------------
    def checked_new(self, info: EntityInfo) -> EntityInfo:
        """A new entity as it would be stored (EntityRefused when it is refused); nothing
        is written."""
        problems = self.new_problems(info, self.structure())
        if problems:
            raise EntityRefused(problems)
        return self.normalised(info)

    @staticmethod
    def normalised(info: EntityInfo) -> EntityInfo:
        """An entity checked, as stored: its province by id, its equity share as exact
        text."""
        from esgdesk.model.provinces import find_province  # only a change reads them

        return info._replace(province=find_province(info.province).id if info.province
                             else None, equity_share=equity_text(info.equity_share))

    def new_problems(self, info: EntityInfo, structure: Structure) -> list[Problem]:
        """What is wrong with an entity to be added to a structure."""
        code = info.code
        if code in structure.entities:
            return [EXISTS(code=code)]
        if info.kind not in ENTITY_KINDS:
            return [BAD_KIND(code=code, kind=info.kind)]
        if info.kind == "group" and structure.entities:
            return [ONE_GROUP(code=code)]
        if not info.name_zh.strip() or not info.name_en.strip():
            return [NAME_MISSING(code=code)]
        problems = self._field_problems(info)
        if info.parent is None and info.kind != "group":
            problems.append(UNKNOWN_PARENT(code=code, parent="-"))
        return problems + structure.refusals(code, info.parent, info.from_year, info.to_year)

    def _field_problems(self, info: EntityInfo) -> list[Problem]:
        problems = []
        if (info.from_year is not None and info.to_year is not None
                and info.to_year < info.from_year):
            problems.append(YEARS(code=info.code, from_year=info.from_year,
                                  to_year=info.to_year))
        try:
            equity_text(info.equity_share)
        except ValueError:
            problems.append(SHARE(code=info.code, value=info.equity_share))
        return problems

    def _checked_change(self, old: EntityInfo, fields: dict[str, object]) -> EntityInfo:
        allowed = {"name_zh", "name_en", "from_year", "to_year", "equity_share", "control"}
        unknown = set(fields) - allowed
        if unknown:
            raise TypeError(f"not a field of an entity's change: {sorted(unknown)}")
        new = old._replace(**fields)
        problems = self.change_problems(old, new)
        if problems:
            raise EntityRefused(problems)
        return new._replace(equity_share=equity_text(new.equity_share))

    def change_problems(self, old: EntityInfo, new: EntityInfo,
                        structure: Structure | None = None) -> list[Problem]:
        """What is wrong with an entity's change: the group closed, a name left out, the years
        or share wrong, figures already entered in the years it no longer counts in, or
        entities still under it then."""
        code = new.code
        if new.kind == "group" and (new.from_year, new.to_year) != (old.from_year,
                                                                    old.to_year):
            return [ONE_GROUP(code=code)]
        if not new.name_zh.strip() or not new.name_en.strip():
            return [NAME_MISSING(code=code)]
        problems = self._field_problems(new)
        if problems:
            return problems
        dropped = sorted(year for year in self._figure_years(code)
                         if old.held(year) and not new.held(year))
        if dropped:
            closed_from = new.to_year + 1 if new.to_year is not None else dropped[0]
            problems.append(FIGURES_AFTER(code=code, years=dropped,
                                          year=max(closed_from, dropped[0])))
        structure = structure or self.structure()
        # A year an entity stops counting in where another is under it: the first without
        # it, or one where another came under it (added or moved).
        years = {y for y in (old.from_year, new.to_year and new.to_year + 1) if y}
        years |= {e.from_year for e in structure.entities.values() if e.from_year}
        years |= {m.from_year for moves in structure.moves.values() for m in moves}
        years |= set(self.years())  # type: ignore[attr-defined]
        for year in sorted(years):
            if old.held(year) and not new.held(year):
                children = [c.code for c in structure.tree(year).children(code)]
                if children:
                    problems.append(HOLDS_OTHERS(code=code, children=children, year=year))
                    break
        return problems

    def move_problems(self, code: str, parent: str, from_year: int,
                      structure: Structure | None = None) -> list[Problem]:
        """What is wrong with putting an entity under a parent from a year (in `structure`,
        the database's by default): the group moved, a year before it counts, or the
        parent's problems (Structure.refusals)."""
        info = self.entity(code)
        if info.kind == "group":
            return [ONE_GROUP(code=code)]
        if info.from_year is not None and from_year < info.from_year:
            return [BEFORE_FROM(code=code, from_year=info.from_year, year=from_year)]
        return (structure or self.structure()).refusals(code, parent, from_year, info.to_year)

    def _figure_years(self, code: str) -> list[int]:
        rows = self._query("SELECT DISTINCT year FROM value WHERE entity_id = ? "
                           "AND (value IS NOT NULL OR state <> '')", (self.entity(code).id,))
        return [int(r["year"]) for r in rows]

    # -- the writes, each with its audit row -----------------------------------------------
    def _insert(self, s: Session, info: EntityInfo, user: str, source: str = "entity") -> None:
        from sqlalchemy import select

        from esgdesk.storage.models import Entity

        parent_id = None
        if info.parent:
            parent_id = s.execute(select(Entity.id).where(Entity.code == info.parent)
                                  ).scalar_one()
        row = Entity(code=info.code, name_zh=info.name_zh, name_en=info.name_en,
                     kind=info.kind, parent_id=parent_id, province=info.province,
                     from_year=info.from_year, to_year=info.to_year,
                     equity_share=info.equity_share, control=info.control)
        s.add(row)
        add_audit_row_of_new(s, row, at=now(), user=user, action=ENTITY_ACTION, year=0,
                             new_value=info_text(info, info.parent), source="entity")

    def _update(self, s: Session, old: EntityInfo, new: EntityInfo, user: str,
                source: str) -> None:
        from sqlalchemy import update

        from esgdesk.storage.models import Entity

        parent = self.structure().entities[old.code].parent  # the parent it was added under
        action = change_action(old, new)
        add_audit_row(s, at=now(), user=user, action=action, entity_id=old.id,
                      year=change_year(action, new), old_value=info_text(old, parent),
                      new_value=info_text(new, parent), source=source)
        s.execute(update(Entity).where(Entity.id == old.id).values(
            name_zh=new.name_zh, name_en=new.name_en, from_year=new.from_year,
            to_year=new.to_year, equity_share=new.equity_share, control=new.control))

    def _insert_move(self, s: Session, code: str, parent: str, from_year: int, user: str,
                     source: str, ids: dict[str, int] | None = None) -> None:
        from esgdesk.storage.models import EntityParent

        ids = ids if ids is not None else {c: e.id for c, e in self._entity_map().items()}
        before = self.structure().parent_in(code, from_year - 1)
        add_audit_row(s, at=now(), user=user, action=MOVE_ACTION, entity_id=ids[code],
                      year=from_year, old_value=before, new_value=parent, source=source)
        s.add(EntityParent(entity_id=ids[code], parent_id=ids[parent], from_year=from_year))
        s.flush()

    def _set_company(self, s: Session, company: str, user: str, source: str,
                     ids: dict[str, int]) -> None:
        """The company's names changed, audited ("company", on the group; a server's trigger
        writes the same row from the setting)."""
        from sqlalchemy import select

        from esgdesk.storage.models import Setting

        held = s.scalars(select(Setting.value).where(Setting.key == COMPANY)).first()
        if held == company:
            return
        root = next(e.code for e in self.entities() if e.parent is None)
        add_audit_row(s, at=now(), user=user, action=COMPANY_ACTION, entity_id=ids[root],
                      year=self._latest_year(s), old_value=held, new_value=company,
                      source=source)
        s.merge(Setting(key=COMPANY, value=company))

    def _latest_year(self, s: Session) -> int:
        from sqlalchemy import text

        return int(s.execute(text("SELECT MAX(year) FROM value")).scalar() or 0)

    # -- settings -------------------------------------------------------------
    def setting(self, key: str, default: str = "") -> str:
        rows = self._query("SELECT value FROM setting WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else default

    def settings_under(self, prefix: str) -> dict[str, str]:
        """Every setting whose key starts with `prefix`, by key (one query)."""
        rows = self._query("SELECT key, value FROM setting WHERE key LIKE ?",
                           (prefix.replace("%", "") + "%",))
        return {str(r["key"]): str(r["value"]) for r in rows}

    def set_setting(self, key: str, value: str) -> None:
        from esgdesk.storage.models import Setting

        with self._writing() as s:
            s.merge(Setting(key=key, value=value))
