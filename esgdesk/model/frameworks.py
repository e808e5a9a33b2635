"""Reporting frameworks (GRI, CASS-ESG, the Shenzhen guideline, the HKEX guide, the MoF's
climate standard) as data: the disclosures each lists, read from resources/frameworks/<id>.toml,
and an indicator's codes in one of them. Every item says whether its wording was read in a
source (`verified`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from esgdesk.errors import NotFound
from esgdesk.model.catalogue import Label
from esgdesk.paths import RESOURCES

FRAMEWORKS_DIR = RESOURCES / "frameworks"


@dataclass(frozen=True)
class Disclosure:
    """One disclosure (a GRI disclosure, a CASS indicator, an article or topic, a KPI)."""

    code: str
    title: Label
    topic: str
    verified: bool
    source: str
    note: str = ""  # why a title is missing, or what was not read
    # The indicators answering it, for a framework the catalogue has no field for (its
    # file maps its disclosures to indicator ids instead)
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class Framework:
    id: str
    title: Label
    edition: str
    source: str
    items: tuple[Disclosure, ...]
    field: str = ""  # the Indicator field holding its codes ("gri", "cass", "szse", "hkex")

    def item(self, code: str) -> Disclosure:
        for disclosure in self.items:
            if disclosure.code == code:
                return disclosure
        raise NotFound(f"{self.id} lists no '{code}'", f"{self.id} 中没有“{code}”",
                       where=self.id)

    def codes(self) -> list[str]:
        return [disclosure.code for disclosure in self.items]

    def codes_of(self, indicator_id: str) -> tuple[str, ...]:
        """The disclosures whose item in the file names the indicator."""
        return tuple(d.code for d in self.items if indicator_id in d.indicators)


def _label(raw: Any) -> Label:
    raw = raw if isinstance(raw, dict) else {}
    return Label(str(raw.get("zh", "")), str(raw.get("en", "")))


def read(path: Path) -> Framework:
    """A framework file, as written (no check beyond its shape)."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    source = str(raw.get("source", ""))
    items = tuple(
        Disclosure(
            code=str(item["code"]),
            title=_label(item.get("title")),
            topic=str(item.get("topic", "")),
            verified=bool(item.get("verified", False)),
            source=str(item.get("source", "")) or source,
            note=str(item.get("note", "")),
            indicators=tuple(str(i) for i in item.get("indicators", ())),
        )
        for item in raw.get("items", [])
    )
    return Framework(id=str(raw.get("id", path.stem)), title=_label(raw.get("title")),
                     edition=str(raw.get("edition", "")), source=source, items=items,
                     field=str(raw.get("field", "")))


def framework_ids() -> list[str]:
    """The ids of the frameworks shipped in resources/frameworks/, sorted."""
    return sorted(path.stem for path in FRAMEWORKS_DIR.glob("*.toml"))


@cache
def framework(framework_id: str) -> Framework:
    """A shipped framework by id, read once; NotFound for an unknown id."""
    path = FRAMEWORKS_DIR / f"{framework_id}.toml"
    if framework_id not in framework_ids():
        known = ", ".join(framework_ids())
        raise NotFound(f"unknown framework '{framework_id}' (one of {known})",
                       f"没有框架“{framework_id}”（可选：{known}）", where=str(path))
    return read(path)


def refs_of(indicator: Any, framework_id: str) -> tuple[str, ...]:
    """The indicator's codes in a framework: those of the indicator field the framework file
    names (its own, or inherited from its section), or, for a framework without one, the
    disclosures whose items in the file list the indicator's id."""
    found = framework(framework_id)
    if found.field:
        return tuple(getattr(indicator, found.field, ()) or ())
    return found.codes_of(indicator.id)
