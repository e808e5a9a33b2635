"""A template's blocks: named parts of its catalogue (tables, with the indicators they show and
read, their sections, departments and checks) that another catalogue takes in one step, and the
document that taking one makes, so that the block behaves there exactly as in the template."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from esgdesk.errors import CatalogueError, EsgdeskError, NotFound
from esgdesk.model.catalogue import Catalogue, Label, read_document, to_document
from esgdesk.model.templates import template, template_catalogue

BLOCKS_FILE = "blocks.toml"  # beside a template's catalogue.toml


@dataclass(frozen=True)
class Block:
    """A named part of a template's catalogue: the tables it brings."""

    template: str
    id: str
    title: Label
    tables: tuple[str, ...]


def blocks(template_id: str) -> list[Block]:
    """The blocks a template declares (none when it has no blocks.toml)."""
    path = template(template_id).folder / BLOCKS_FILE
    if not path.exists():
        return []
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return [Block(template_id, str(item["id"]),
                  Label(str(item.get("title", {}).get("zh", "")),
                        str(item.get("title", {}).get("en", ""))),
                  tuple(str(t) for t in item.get("tables", ())))
            for item in raw.get("blocks", [])]


def block(template_id: str, block_id: str) -> Block:
    """A template's block by id; NotFound naming the blocks it has."""
    found = {b.id: b for b in blocks(template_id)}
    if block_id not in found:
        known = ", ".join(found) or "none"
        raise NotFound(f"template '{template_id}' has no block '{block_id}' (its blocks: {known})",
                       f"模板“{template_id}”没有“{block_id}”这一模块（可用：{known}）",
                       where=template_id)
    return found[block_id]


class BlockConflict(EsgdeskError):
    """Taking a block would change what figures already typed mean: each indicator named."""

    kind = "conflict"

    def __init__(self, block_id: str, indicators: list[tuple[str, tuple[str, str]]]) -> None:
        self.indicators = [iid for iid, _ in indicators]
        en = "; ".join(f"{iid} ({why[0]})" for iid, why in indicators)
        zh = "；".join(f"{iid}（{why[1]}）" for iid, why in indicators)
        super().__init__(
            f"the block would change indicators that hold figures: {en}; change them in the "
            "catalogue workbook first, or retire them",
            f"该模块会改变已有数据的指标：{zh}；请先在目录工作簿中修改或停用这些指标",
            where=block_id)


@dataclass(frozen=True)
class BlockParts:
    """What a block brings from its template: ids, in the template's order."""

    chapter: str
    tables: tuple[str, ...]
    indicators: tuple[str, ...]  # shown in the block's tables
    sections: tuple[str, ...]
    departments: tuple[str, ...]


def block_parts(found: Block, catalogue: Catalogue | None = None) -> BlockParts:
    """The tables, indicators, sections and departments a block brings. Its data is refused
    when a table is not the template's, its tables lie in several chapters, or an indicator
    they read is shown in none of them (it would arrive in no table)."""
    catalogue = catalogue or template_catalogue(found.template)
    missing = [t for t in found.tables if t not in catalogue.tables]
    chapters = {catalogue.tables[t].chapter for t in found.tables if t in catalogue.tables}
    if missing or len(chapters) != 1:
        raise NotFound(f"block '{found.id}' names tables not in one chapter of the template: "
                       f"{', '.join(missing) or ', '.join(sorted(chapters))}",
                       f"模块“{found.id}”所列表格不在模板的同一篇章中", where=found.template)
    shown = list(dict.fromkeys(i for t in found.tables
                               for i in catalogue.tables[t].indicators()))
    read = {ref for iid in shown for ref in _reads(catalogue, iid)}
    unshown = sorted(read - set(shown))
    if unshown:
        raise NotFound(f"block '{found.id}' reads indicators none of its tables shows: "
                       f"{', '.join(unshown)}",
                       f"模块“{found.id}”读取了其表格未列出的指标：{'、'.join(unshown)}",
                       where=found.template)
    sections = [catalogue.tables[t].section for t in found.tables]
    sections += [catalogue.indicators[i].section for i in shown]
    return BlockParts(
        chapter=chapters.pop(), tables=found.tables, indicators=tuple(shown),
        sections=tuple(dict.fromkeys(sections)),
        departments=tuple(dict.fromkeys(catalogue.indicators[i].owner for i in shown)))


def _reads(catalogue: Catalogue, indicator_id: str) -> list[str]:
    indicator = catalogue.indicators[indicator_id]
    refs = list(indicator.formula.indicators) if indicator.formula else []
    return refs + ([indicator.weight] if indicator.weight else [])


@dataclass(frozen=True)
class BlockAddition:
    """A catalogue document with a block taken into it, and what that changed: each item
    added or replaced as (kind, id), and the indicators retired (shown in no table any more:
    their figures are kept)."""

    template: str
    block: str
    document: dict[str, Any]
    added: tuple[tuple[str, str], ...]
    replaced: tuple[tuple[str, str], ...]
    retired: tuple[str, ...]

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.replaced or self.retired)

    def lines(self, lang: str) -> list[str]:
        """One line per change, for the command line and the app's confirmation."""
        words = {"section": ("章节", "section"), "indicator": ("指标", "indicator"),
                 "table": ("表格", "table"), "check": ("校验", "check"),
                 "department": ("部门", "department")}

        def word(kind: str) -> str:
            zh, en = words[kind]
            return zh if lang == "zh" else en

        added, replaced, retired = (("新增", "替换为模板的", "停用（数据保留）") if lang == "zh"
                                    else ("added", "replaced by the template's",
                                          "retired (its figures are kept)"))
        return ([f"+ {word(kind)} {iid}  ({added})" for kind, iid in self.added]
                + [f"~ {word(kind)} {iid}  ({replaced})" for kind, iid in self.replaced]
                + [f"- {word('indicator')} {iid}  ({retired})" for iid in self.retired])


def add_block(document: dict[str, Any], template_id: str, block_id: str,
              held: Collection[str] = (), year: int | None = None) -> BlockAddition:
    """A catalogue document with a template's block taken into it. Each item of the block
    the document has already (by id) is replaced by the template's, which wins; an item
    that differs only where it holds figures (`held`: indicators with typed figures) and
    would change what they mean (unit, numeric or not, typed or computed) is refused with
    BlockConflict. Indicators shown in no table afterwards are retired. The result is
    checked whole: CatalogueError names every problem. The document given is not changed."""
    found = block(template_id, block_id)
    source = template_catalogue(template_id)
    parts = block_parts(found, source)
    source_document = to_document(source)
    out = copy.deepcopy(document)
    target, _ = read_document(out, year)
    conflicts = [(iid, why) for iid in parts.indicators if iid in held
                 and (iid in target.indicators or iid in target.retired)
                 and (why := _meaning_changed(target, source, iid))[0]]
    if conflicts:
        raise BlockConflict(block_id, conflicts)
    added: list[tuple[str, str]] = []
    replaced: list[tuple[str, str]] = []
    departments = out.setdefault("catalogue", {}).setdefault("departments", {})
    source_departments = source_document["catalogue"]["departments"]
    for key in parts.departments:
        if key not in departments:
            departments[key] = source_departments[key]
            added.append(("department", key))
    home = _chapter(out, source_document, parts.chapter)
    source_chapter = next(c for c in source_document["chapters"]
                          if c["chapter"]["id"] == parts.chapter)
    known_sections = {s["id"] for c in out["chapters"] for s in c.get("sections", [])}
    for section in source_chapter["sections"]:
        if section["id"] in parts.sections and section["id"] not in known_sections:
            home.setdefault("sections", []).append(section)
            added.append(("section", section["id"]))
    wanted = {i["id"]: i for i in source_chapter["indicators"] if i["id"] in parts.indicators}
    for iid in parts.indicators:
        _put(out, home, "indicators", wanted[iid], "indicator", added, replaced)
    out["retired"] = [r for r in out.get("retired", []) if r["id"] not in wanted]
    tables = {t["id"]: t for t in source_chapter["tables"]}
    for tid in parts.tables:
        _put(out, home, "tables", tables[tid], "table", added, replaced)
    present = [c for chapter in out["chapters"] for c in chapter.get("checks", [])]
    for check, record in zip(source_chapter["checks"],
                             [c for c in source.checks if c.chapter == parts.chapter],
                             strict=True):
        if set(record.involved()) <= set(parts.indicators) and check not in present:
            home.setdefault("checks", []).append(check)
            added.append(("check", check.get("total") or check.get("indicator") or check["kind"]))
    retired = _retire_unshown(out)
    if not out["retired"]:
        del out["retired"]
    _, problems = read_document(out, year)
    if problems:
        raise CatalogueError(problems)
    return BlockAddition(template_id, block_id, out, tuple(added), tuple(replaced),
                         tuple(retired))


def _meaning_changed(target: Catalogue, source: Catalogue, iid: str) -> tuple[str, str]:
    """What taking the template's indicator would change in what typed figures mean (en, zh),
    or empty texts."""
    was = target.indicators.get(iid) or target.retired[iid]  # a retired one comes back
    now = source.indicators[iid]
    if was.unit.as_dict() != now.unit.as_dict():
        return (f"unit {was.unit('en') or '-'} → {now.unit('en') or '-'}",
                f"单位 {was.unit('zh') or '-'} → {now.unit('zh') or '-'}")
    if was.type.numeric != now.type.numeric:
        return f"type {was.type.name} → {now.type.name}", f"类型 {was.type.name} → {now.type.name}"
    if was.formula is None and now.formula is not None:
        return "typed → computed", "填报 → 计算"
    return "", ""


def _chapter(document: dict[str, Any], source: dict[str, Any], chapter_id: str,
             ) -> dict[str, Any]:
    """The document's chapter of that id; a new one with the template's head if it has none."""
    for chapter in document["chapters"]:
        if chapter["chapter"]["id"] == chapter_id:
            return chapter
    head = next(c["chapter"] for c in source["chapters"] if c["chapter"]["id"] == chapter_id)
    order = max((int(c["chapter"].get("order", 0)) for c in document["chapters"]), default=0)
    chapter = {"chapter": {**head, "order": order + 1}, "sections": [], "indicators": [],
               "tables": [], "checks": []}
    document["chapters"].append(chapter)
    return chapter


def _put(document: dict[str, Any], home: dict[str, Any], key: str, item: dict[str, Any],
         kind: str, added: list[tuple[str, str]], replaced: list[tuple[str, str]]) -> None:
    """The template's item in the document: in place of the one of its id, wherever that is,
    else added to the block's chapter."""
    for chapter in document["chapters"]:
        items = chapter.get(key, [])
        for index, present in enumerate(items):
            if present["id"] == item["id"]:
                if present != item:
                    items[index] = item
                    replaced.append((kind, item["id"]))
                return
    home.setdefault(key, []).append(item)
    added.append((kind, item["id"]))


def _retire_unshown(document: dict[str, Any]) -> list[str]:
    """Move the indicators no table shows any more to the retired ones (their figures stay)."""
    shown = {iid for chapter in document["chapters"] for table in chapter.get("tables", [])
             for row in table.get("rows", [])
             for iid in [row.get("indicator"), *row.get("cells", {}).values()] if iid}
    retired = []
    for chapter in document["chapters"]:
        keep = []
        for indicator in chapter.get("indicators", []):
            if indicator["id"] in shown:
                keep.append(indicator)
            else:
                document.setdefault("retired", []).append(
                    {**indicator, "chapter": chapter["chapter"]["id"]})
                retired.append(indicator["id"])
        chapter["indicators"] = keep
    return retired


