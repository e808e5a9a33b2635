"""A catalogue workbook checked against a database before anything is stored: the figures an
indicator holds fix its type and unit, an indicator with figures is retired, never dropped,
and the difference the new edition makes from the one in force. Nothing here writes to the
store: the caller stores `plan.document` with `store.store_edition`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from esgdesk.errors import Problem
from esgdesk.exchange.catalogue_book import problems as say
from esgdesk.exchange.catalogue_book.columns import FRAMEWORKS, NO, YES
from esgdesk.exchange.catalogue_book.read import (
    Line,
    Located,
    checked,
    norm_unit,
    placed,
    read_book,
)
from esgdesk.model.catalogue import (
    Catalogue,
    Indicator,
    document_hash,
    indicator_document,
    to_document,
)
from esgdesk.model.types import TYPE_NAMES

if TYPE_CHECKING:
    from esgdesk.storage.store import Store


class Renamed(NamedTuple):
    id: str
    old: str
    new: str


class Moved(NamedTuple):
    id: str
    old: str
    new: str


class RuleChange(NamedTuple):
    id: str  # the indicator, or "" for a catalogue-wide default
    key: str
    old: Any
    new: Any


@dataclass
class EditionDiff:
    """What a new edition changes from the one in force."""

    added: list[str] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)  # label or unit wording
    moved: list[Moved] = field(default_factory=list)  # to another table or section
    retired: list[str] = field(default_factory=list)  # no longer collected, figures kept
    dropped: list[str] = field(default_factory=list)  # gone; they held no figures
    tables_added: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)
    rules_changed: list[RuleChange] = field(default_factory=list)
    changed: list[RuleChange] = field(default_factory=list)  # an indicator's other fields
    other: list[tuple[str, str]] = field(default_factory=list)  # (en, zh) of anything else

    @property
    def empty(self) -> bool:
        return not any((self.added, self.renamed, self.moved, self.retired, self.dropped,
                        self.tables_added, self.tables_removed, self.rules_changed,
                        self.changed, self.other))

    def lines(self, lang: str = "en") -> list[str]:
        """One line per change, in a language, for a dialog or the command line."""
        zh = lang == "zh"
        out = []
        out += [(f"新增指标 {i}" if zh else f"added indicator {i}") for i in self.added]
        out += [(f"改名 {r.id}：{r.old} → {r.new}" if zh else f"renamed {r.id}: {r.old} → {r.new}")
                for r in self.renamed]
        out += [(f"移动 {m.id}：{m.old} → {m.new}" if zh else f"moved {m.id}: {m.old} → {m.new}")
                for m in self.moved]
        out += [(f"停用 {i}（数据保留）" if zh else f"retired {i} (its figures are kept)")
                for i in self.retired]
        out += [(f"删除 {i}（没有数据）" if zh else f"dropped {i} (it held no figures)")
                for i in self.dropped]
        out += [(f"新增表格 {t}" if zh else f"added table {t}") for t in self.tables_added]
        out += [(f"删除表格 {t}" if zh else f"removed table {t}") for t in self.tables_removed]
        for change in self.rules_changed:
            old, new = _shown(change.old), _shown(change.new)
            if change.id:
                out.append(f"{change.id} 的规则 {change.key}：{old} → {new}" if zh
                           else f"rule {change.key} of {change.id}: {old} → {new}")
            else:
                out.append(f"默认规则 {change.key}：{old} → {new}" if zh
                           else f"default rule {change.key}: {old} → {new}")
        out += [(f"{c.id} 的 {c.key}：{_shown(c.old)} → {_shown(c.new)}" if zh
                 else f"{c.key} of {c.id}: {_shown(c.old)} → {_shown(c.new)}")
                for c in self.changed]
        out += [zh_text if zh else en for en, zh_text in self.other]
        return out


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


@dataclass
class CatalogueImport:
    """A catalogue workbook checked against a database, before anything is stored."""

    document: dict[str, Any]  # canonical: store it with store.store_edition
    problems: list[Problem]
    diff: EditionDiff
    unchanged: bool  # the same content as the year's edition: storing it changes nothing

    @property
    def acceptable(self) -> bool:
        return not self.problems


def plan_import(store: Store, path: Path, year: int) -> CatalogueImport:
    """Read a catalogue workbook and check it, whole, against the database for a reporting
    year: the catalogue's own checks (named by sheet!cell), and what figures already mean
    (an indicator holding figures keeps its type and unit, and is retired rather than
    dropped). Writes nothing; the caller stores `document` when there are no problems."""
    book = read_book(Path(path))
    current = store.edition(year)
    figures = store.years_with_figures()
    document = _with_retired(book.document, current, figures)
    problems = [*book.problems, *_figure_problems(store, document, figures, book.located)]
    catalogue, found = checked(document, year)
    problems += placed(found, book.located, problems)
    if catalogue is None:
        return CatalogueImport(document, problems, EditionDiff(), False)
    canonical_document = to_document(catalogue)
    return CatalogueImport(canonical_document, problems, _diff(current, catalogue),
                           document_hash(canonical_document) == current.content_hash)


def _with_retired(document: dict[str, Any], current: Catalogue,
                  figures: dict[str, list[int]]) -> dict[str, Any]:
    """The book's document with its retired indicators as the database needs them: one
    marked retired that holds no figures is dropped; one of the current edition the book
    leaves out is kept as retired when it holds figures."""
    listed = {i["id"] for chapter in document["chapters"] for i in chapter["indicators"]}
    marked = document.get("retired", [])
    kept = [raw for raw in marked if figures.get(raw["id"])]
    named = listed | {raw["id"] for raw in marked}
    for old in (*current.indicators.values(), *current.retired.values()):
        if old.id not in named and figures.get(old.id):
            kept.append({**indicator_document(old), "chapter": old.chapter})
    out = {key: value for key, value in document.items() if key != "retired"}
    if kept:
        out["retired"] = kept
    return out


def _figure_problems(store: Store, document: dict[str, Any], figures: dict[str, list[int]],
                     located: Located) -> list[Problem]:
    """A type or unit change of an indicator that holds figures: refused, naming the old and
    the new and the years that hold them."""
    problems = []
    raws = [*(i for chapter in document["chapters"] for i in chapter["indicators"]),
            *document.get("retired", [])]
    editions: dict[int, Catalogue] = {}
    for raw in raws:
        years = sorted(set(figures.get(raw["id"], ())))
        if not years:
            continue
        held = ", ".join(str(y) for y in years)
        line = located.indicators.get(raw["id"])
        for year in years:
            if year not in editions:
                editions[year] = store.edition(year)
            old = editions[year].indicators.get(raw["id"]) or editions[year].retired.get(
                raw["id"])
            if old is not None:
                problems.extend(_changed_meaning(raw, old, held, line))
                break
    return problems


def _changed_meaning(raw: dict[str, Any], old: Indicator, held: str,
                     line: Line | None) -> list[Problem]:
    found = []
    iid = raw["id"]
    old_type, new_type = old.type.declaration()["type"], str(raw.get("type") or "")
    sheet = line.sheet if line else ""
    old_unit = new_unit = ""
    if new_type == old_type and old.type.unit_id != raw.get("quantity"):
        # a quantity's canonical unit is part of what its figures mean
        old_unit, new_unit = str(old.type.unit_id), str(raw.get("quantity"))
    if new_type in TYPE_NAMES and (old_type, old_unit) != (new_type, new_unit):
        found.append(say.TYPE_WOULD_CHANGE(
            sheet=sheet, cell=line.address("type") if line else "", indicator=iid, id=iid,
            old=_typed(old_type, old_unit, "en"), new=_typed(new_type, new_unit, "en"),
            old_zh=_typed(old_type, old_unit, "zh"), new_zh=_typed(new_type, new_unit, "zh"),
            years=held))
    unit = raw.get("unit", {})
    for lang in ("zh", "en"):
        before, after = getattr(old.unit, lang), str(unit.get(lang, ""))
        if norm_unit(before) != norm_unit(after):
            found.append(say.UNIT_WOULD_CHANGE(
                sheet=sheet, cell=line.address(f"unit_{lang}") if line else "", indicator=iid,
                id=iid, old=before, new=after, years=held))
    return found


def _typed(type_name: str, unit: str, lang: str) -> str:
    """A type as a change names it: a quantity with its canonical unit."""
    if not unit:
        return type_name
    return f"{type_name}（{unit}）" if lang == "zh" else f"{type_name} in {unit}"


def _place(catalogue: Catalogue, iid: str) -> str:
    indicator = catalogue.indicators[iid]
    tables = ", ".join(t.id for t in catalogue.tables_of(iid)) or "—"
    return f"{indicator.section} · {tables}"


def _wording(indicator: Indicator) -> str:
    unit = f" ({indicator.unit.zh} / {indicator.unit.en})" if indicator.unit.zh or \
        indicator.unit.en else ""
    return f"{indicator.label.zh} / {indicator.label.en}{unit}"


def _diff(old: Catalogue, new: Catalogue) -> EditionDiff:
    diff = EditionDiff()
    old_all = {**old.retired, **old.indicators}
    new_all = {**new.retired, **new.indicators}
    diff.added = [i for i in new.indicators if i not in old.indicators]
    diff.retired = [i for i in new.retired if i not in old.retired]
    diff.dropped = [i for i in old_all if i not in new_all]
    for iid, after in new_all.items():
        before = old_all.get(iid)
        if before is None:
            continue
        if (before.label, before.unit) != (after.label, after.unit):
            diff.renamed.append(Renamed(iid, _wording(before), _wording(after)))
        if iid in old.indicators and iid in new.indicators \
                and _place(old, iid) != _place(new, iid):
            diff.moved.append(Moved(iid, _place(old, iid), _place(new, iid)))
        for key in sorted(set(before.rules) | set(after.rules)):
            if before.rules.get(key) != after.rules.get(key):
                diff.rules_changed.append(RuleChange(iid, key, before.rules.get(key),
                                                     after.rules.get(key)))
        for key, was, now in _fields(before, after):
            diff.changed.append(RuleChange(iid, key, was, now))
    defaults = sorted(set(old.rule_defaults) | set(new.rule_defaults))
    for key in defaults:
        if old.rule_defaults.get(key) != new.rule_defaults.get(key):
            diff.rules_changed.append(RuleChange("", key, old.rule_defaults.get(key),
                                                 new.rule_defaults.get(key)))
    diff.tables_added = [t for t in new.tables if t not in old.tables]
    diff.tables_removed = [t for t in old.tables if t not in new.tables]
    diff.other = _other_changes(to_document(old), to_document(new))
    return diff


def _fields(before: Indicator, after: Indicator) -> list[tuple[str, Any, Any]]:
    pairs = {
        "type": (before.type.declaration(), after.type.declaration()),
        "owner": (before.owner, after.owner), "aggregation": (before.aggregation,
                                                              after.aggregation),
        "entered_at": (before.entered_at, after.entered_at),
        "evidence": (before.evidence, after.evidence),
        "formula": (before.formula.text if before.formula else None,
                    after.formula.text if after.formula else None),
        "weight": (before.weight, after.weight), "note": (before.note, after.note),
        **{key: (list(getattr(before, key)), list(getattr(after, key))) for key in FRAMEWORKS},
    }
    out = []
    for key, (was, now) in pairs.items():
        if was != now:
            if key == "type":
                was, now = " ".join(map(str, was.values())), " ".join(map(str, now.values()))
            out.append((key, was, now))
    return out


def _other_changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    """Changes the lists above do not name: the catalogue's titles, departments, chapters,
    sections, tables' titles and rows, and checks."""
    out: list[tuple[str, str]] = []
    for key in ("version", "report", "company"):
        if old["catalogue"].get(key) != new["catalogue"].get(key):
            out.append((f"catalogue {key} changed", f"目录的 {key} 已修改"))
    if old["catalogue"].get("departments") != new["catalogue"].get("departments"):
        out.append(("departments changed", "部门已修改"))

    def index(document: dict[str, Any], part: str) -> dict[str, Any]:
        if part == "chapter":
            return {c["chapter"]["id"]: c["chapter"] for c in document["chapters"]}
        return {item.get("id", ""): item for c in document["chapters"] for item in c[part]}

    for part, en, zh in (("chapter", "chapter", "篇章"), ("sections", "section", "章节"),
                         ("tables", "table", "表格")):
        before, after = index(old, part), index(new, part)
        for item_id in after:
            if item_id in before and before[item_id] != after[item_id]:
                keys = [k for k in sorted(set(before[item_id]) | set(after[item_id]))
                        if before[item_id].get(k) != after[item_id].get(k)]
                out.append((f"{en} {item_id}: {', '.join(keys)} changed",
                            f"{zh} {item_id}：{', '.join(keys)} 已修改"))
        if part != "tables":
            out += [(f"added {en} {i}", f"新增{zh} {i}") for i in after if i not in before]
            out += [(f"removed {en} {i}", f"删除{zh} {i}") for i in before if i not in after]
    before, after = ({t["id"]: t for t in d.get("targets", [])} for d in (old, new))
    out += [(f"added target {t}", f"新增目标 {t}") for t in after if t not in before]
    out += [(f"removed target {t}", f"删除目标 {t}") for t in before if t not in after]
    out += [(f"target {t} changed", f"目标 {t} 已修改") for t in after
            if t in before and before[t] != after[t]]
    old_checks = {c["chapter"]["id"]: c["checks"] for c in old["chapters"]}
    for chapter in new["chapters"]:
        cid = chapter["chapter"]["id"]
        if old_checks.get(cid, []) != chapter["checks"]:
            out.append((f"checks of {cid} changed", f"{cid} 的校验已修改"))
    return out
