"""A new company database: the company, its first reporting year and its entities."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esgdesk.errors import EsgdeskError
from esgdesk.model.factors import DEFAULT_SETS
from esgdesk.model.templates import DEFAULT_TEMPLATE, template_document
from esgdesk.storage.store import Store, create_new, current_user, discard_new

ENTITY_KINDS = ("group", "company", "site")


@dataclass(frozen=True)
class EntitySpec:
    code: str
    name_zh: str
    name_en: str
    kind: str
    parent: str | None = None


def parse_entity_lines(text: str) -> list[EntitySpec]:
    """Entities typed one a line: `code, 中文名, English name, kind, parent`."""
    specs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if len(parts) < 4:
            raise _line_error(number, "write code, 中文名, English name, kind[, parent]",
                              "请写：代码, 中文名, 英文名, 类型[, 上级]")
        code, zh, en, kind = parts[:4]
        if kind not in ENTITY_KINDS:
            kinds = ", ".join(ENTITY_KINDS)
            raise _line_error(number, f"kind '{kind}' is not one of {kinds}",
                              f"类型“{kind}”不是以下之一：{kinds}")
        if not code.isascii() or not code.replace("-", "").replace("_", "").isalnum():
            raise _line_error(number, "a code is letters, digits, - or _",
                              "代码只能由字母、数字、- 或 _ 组成")
        specs.append(EntitySpec(code, zh, en or zh, kind, parts[4] if len(parts) > 4 and
                                parts[4] else None))
    if not specs or specs[0].parent is not None:
        raise EsgdeskError("the first entity is the group (with no parent)",
                           "第一个主体必须是集团（没有上级）", kind="entity_line")
    return specs


def _line_error(number: int, en: str, zh: str) -> EsgdeskError:
    return EsgdeskError(en, zh, where=f"line {number}", kind="entity_line")


def create_database(path: str | Path, company: str, first_year: int,
                    entities: list[EntitySpec], template: str = DEFAULT_TEMPLATE,
                    document: dict[str, Any] | None = None) -> Store:
    """Make a new database; a file already there is never overwritten. Its catalogue starts
    as the edition of its first year: `document` when given, else the template's."""
    store = create_new(path)
    try:
        store.set_setting("company", company)
        store.set_setting("first_year", str(first_year))
        for spec in entities:
            store.add_entity(spec.code, spec.name_zh, spec.name_en, spec.kind, spec.parent,
                             user=current_user())
        store.store_edition(first_year, document or template_document(template),
                            f"started from the template {template}" if document is None
                            else "the catalogue the request was made from", current_user())
        store.load_factor_sets(first_year, DEFAULT_SETS, current_user())
    except Exception:
        discard_new(store)
        raise
    return store
