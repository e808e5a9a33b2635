"""The store's entities (the group, its companies and sites) and the database's settings."""

from __future__ import annotations

import json
from pathlib import Path

from esgdesk.errors import EsgdeskError, UnknownEntity
from esgdesk.model.catalogue import Catalogue
from esgdesk.model.entities import EntityInfo, EntityTree
from esgdesk.model.provinces import find_province
from esgdesk.storage.audit import add_audit_row_of_new
from esgdesk.storage.base import StorePart, now
from esgdesk.storage.records import read_record

ENTITY_ACTION = "entity"  # the audit action of an entity added


def entity_text(code: str, name_zh: str, name_en: str, kind: str, parent: str | None,
                province: str | None) -> str:
    """An entity as its audit row holds it: its fields, as JSON in a fixed order (a server's
    trigger, esgdesk.storage.postgres.AUDIT_TRIGGERS, writes the same text from the row)."""
    return json.dumps({"code": code, "name_zh": name_zh, "name_en": name_en, "kind": kind,
                       "parent": parent, "province": province}, ensure_ascii=False,
                      separators=(",", ":"))


class EntitiesPart(StorePart):
    """Entities, read once and kept until one is added; settings, read each time."""

    def __init__(self, path: Path, catalogue: Catalogue | None = None) -> None:
        super().__init__(path, catalogue)
        self._entities: dict[str, EntityInfo] | None = None

    def entities(self) -> list[EntityInfo]:
        """Every entity, parents before their children."""
        return list(self._entity_map().values())

    def entity(self, code: str) -> EntityInfo:
        try:
            return self._entity_map()[code]
        except KeyError:
            raise UnknownEntity(code) from None

    def children(self, code: str) -> list[EntityInfo]:
        return self.tree().children(code)

    def tree(self) -> EntityTree:
        """The entities as a tree, for every walk over the group's structure."""
        return EntityTree(self._entity_map().values())

    def root(self) -> EntityInfo:
        roots = [e for e in self.entities() if e.parent is None]
        if not roots:
            raise UnknownEntity("(no entities in this database)")
        return roots[0]

    def _entity_map(self) -> dict[str, EntityInfo]:
        if self._entities is None:
            rows = self._query("SELECT id, code, name_zh, name_en, kind, parent_id, province "
                               "FROM entity "
                               "ORDER BY id")
            codes = {r["id"]: r["code"] for r in rows}
            infos = [read_record(EntityInfo, r, parent=codes.get(r["parent_id"])) for r in rows]
            self._entities = EntityTree(infos).by_code
        return self._entities

    def _code_of(self, entity_id: int) -> str:
        return next(e.code for e in self.entities() if e.id == entity_id)

    def _codes(self) -> dict[int, str]:
        """Each entity's code by its row id."""
        return {e.id: e.code for e in self.entities()}

    def add_entity(self, code: str, name_zh: str, name_en: str, kind: str,
                   parent: str | None = None, province: str | None = None,
                   user: str = "") -> EntityInfo:
        """Add an entity under its parent: one transaction with its audit row (action
        "entity", the new entity's fields as its new value), so the log names every entity
        a report prints from the day it came in."""
        from esgdesk.storage.models import Entity

        parent_id = self.entity(parent).id if parent else None
        if code in self._entity_map():
            raise EsgdeskError(f"entity '{code}' exists already", f"主体“{code}”已存在",
                               kind="exists")
        if province:
            province = find_province(province).id
        with self._writing() as s:
            row = Entity(code=code, name_zh=name_zh, name_en=name_en, kind=kind,
                         parent_id=parent_id, province=province)
            s.add(row)
            add_audit_row_of_new(s, row, at=now(), user=user, action=ENTITY_ACTION, year=0,
                                 new_value=entity_text(code, name_zh, name_en, kind, parent,
                                                       province), source="entity")
        self._entities = None
        return self.entity(code)

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
