"""The sample database: the report's own figures for 2021–2023, exactly as printed."""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Collection
from pathlib import Path

from esgdesk.errors import EsgdeskError
from esgdesk.model.catalogue import ENTITIES_FILE
from esgdesk.model.factors import DEFAULT_SETS
from esgdesk.model.templates import DEFAULT_TEMPLATE, template_document
from esgdesk.model.types import bilingual_value
from esgdesk.paths import RESOURCES
from esgdesk.storage.store import Change, Store, create_new, discard_new

SAMPLE_DIR = RESOURCES / "sample"
SAMPLE_USER = "esgdesk sample"
SAMPLE_SOURCE = "ZKTeco 2023 ESG report (zh edition; en edition for its charts)"


def sample_changes() -> list[Change]:
    """Every printed figure in resources/sample/*.csv, as changes to write: `value` (the
    Chinese text of a bilingual text, whose English is in `value_en`), `note` the
    explanation contributors see, `provenance` where the report prints it (coordinators
    only)."""
    changes: list[Change] = []
    for path in sorted(SAMPLE_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    english = (row.get("value_en") or "").strip()
                    value = bilingual_value(row["value"], english) if english else row["value"]
                    changes.append(Change(row["entity"].strip(), int(row["year"]),
                                          row["indicator"].strip(), value,
                                          note=(row.get("note") or "").strip(),
                                          provenance=(row.get("provenance") or "").strip()))
                except (KeyError, ValueError) as exc:
                    raise EsgdeskError(f"unreadable row ({exc})", f"无法读取的行（{exc}）",
                                       where=f"{path.name}:{line}", kind="unreadable_row",
                                       ) from exc
    return changes


def add_sample_entities(store: Store, codes: Collection[str] | None = None) -> None:
    """The sample group's entities (resources/entities.toml), or only those named."""
    with ENTITIES_FILE.open("rb") as handle:
        entities = tomllib.load(handle)["entities"]
    for entity in entities:
        if codes is not None and entity["code"] not in codes:
            continue
        store.add_entity(entity["code"], entity["name"]["zh"], entity["name"]["en"],
                         entity["kind"], entity.get("parent"), entity.get("province"),
                         user=SAMPLE_USER)


def create_sample(path: str | Path, entities: Collection[str] | None = None) -> Store:
    """Make a new database at `path` holding the report's figures (as printed, on the
    group), with the sample group's companies and sites, or only the `entities` named
    (("group",): the company reporting as one entity, which types every figure itself)."""
    store = create_new(path, "exists already; choose a new file for the sample",
                       "文件已存在，请为示例数据库另选一个文件")
    try:
        store.set_setting("company", "熵基科技股份有限公司 / ZKTeco Co., Ltd.")
        store.set_setting("first_year", "2021")
        add_sample_entities(store, entities)
        store.store_edition(2021, template_document(DEFAULT_TEMPLATE),
                            f"started from the template {DEFAULT_TEMPLATE}", SAMPLE_USER)
        store.load_factor_sets(2021, DEFAULT_SETS, SAMPLE_USER)
        changes = [c for c in sample_changes() if entities is None or c.entity in entities]
        store.set_history(changes, SAMPLE_USER, reason="sample", source=SAMPLE_SOURCE)
    except Exception:
        discard_new(store)
        raise
    return store
