"""The group's entities (group, companies, sites), their structure in each reporting year
and the one walker of its tree."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from esgdesk.errors import Code, EsgdeskError, Problem
from esgdesk.model.frozen import Frozen

# Where a figure is entered (an indicator's `entered_at`), shallowest first: the level's rank
# is compared with an entity's kind's.
ENTRY_LEVELS = ("group", "company", "site")
_RANK = {level: rank for rank, level in enumerate(ENTRY_LEVELS)}


def level_rank(kind: str) -> int:
    """The depth of a kind of entity or an entry level (an unknown kind counts as a company)."""
    return _RANK.get(kind, 1)


ENTITY_KINDS = ("group", "company", "site")


class EntityInfo(Frozen):
    """An entity of the group (the group, a company, a site) as the store holds it: its
    parent (in a tree of a year, its parent of that year), the years it counts in (from
    `from_year`, always when None, to `to_year`, the last year it counts, still held when
    None), the group's equity share in it (percent, exact text) and whether the group has
    operational control of it."""

    _fields = ("id", "code", "name_zh", "name_en", "kind", "parent", "province", "from_year",
               "to_year", "equity_share", "control")
    id: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    parent: str | None
    province: str | None  # for regional grid factors
    from_year: int | None
    to_year: int | None
    equity_share: str | None
    control: bool

    def __init__(self, id: int, code: str, name_zh: str, name_en: str, kind: str,
                 parent: str | None, province: str | None = None,
                 from_year: int | None = None, to_year: int | None = None,
                 equity_share: str | None = None, control: bool | int | None = True) -> None:
        self.__dict__.update(id=id, code=code, name_zh=name_zh, name_en=name_en, kind=kind,
                             parent=parent, province=province, from_year=from_year,
                             to_year=to_year, equity_share=equity_share,
                             control=control is None or bool(control))

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def held(self, year: int) -> bool:
        """Whether the entity counts in a reporting year (acquired or opened by then, not yet
        divested or closed)."""
        return ((self.from_year is None or self.from_year <= year)
                and (self.to_year is None or year <= self.to_year))


class ParentChange(Frozen):
    """An entity moved under another parent from a reporting year on."""

    _fields = ("entity", "parent", "from_year")
    entity: str
    parent: str
    from_year: int

    def __init__(self, entity: str, parent: str, from_year: int) -> None:
        self.__dict__.update(entity=entity, parent=parent, from_year=from_year)


# What can be wrong with a change of the group's structure, each a code with its fields.
UNKNOWN_PARENT = Code("entity.unknown_parent", "no entity '{parent}' to put '{code}' under",
                      "没有主体“{parent}”，无法把“{code}”放在其下")
EXISTS = Code("entity.exists", "entity '{code}' exists already", "主体“{code}”已存在")
BAD_KIND = Code("entity.kind", "'{kind}' is not a kind of entity (company or site)",
                "“{kind}”不是主体类型（company 公司或 site 工厂）")
CYCLE = Code("entity.cycle", "'{code}' cannot be put under '{parent}', which lies under it",
             "“{code}”不能放在其下属“{parent}”之下")
SITE_PARENT = Code("entity.site_parent",
                   "'{parent}' is a site: a site holds no entities ('{code}' under it)",
                   "“{parent}”是工厂：工厂之下不能有主体（“{code}”）")
ONE_GROUP = Code("entity.group", "the group '{code}' is the tree's root: it is neither added, "
                 "moved nor closed", "集团“{code}”是结构的根：不能新增、移动或关闭")
BEFORE_FROM = Code("entity.before_from", "'{code}' counts from {from_year}: {year} is before it",
                   "“{code}”自 {from_year} 年起纳入：{year} 年早于此")
YEARS = Code("entity.years", "'{code}': the last year ({to_year}) is before the first "
             "({from_year})", "“{code}”：最后年份（{to_year}）早于起始年份（{from_year}）")
SHARE = Code("entity.equity_share", "'{code}': equity share '{value}' is not a percentage "
             "from 0 to 100", "“{code}”：股权比例“{value}”不是 0 到 100 的百分数")
FIGURES_AFTER = Code("entity.figures_after",
                     "'{code}' has figures in {years}: it cannot be closed from {year} "
                     "(delete them or close it later)",
                     "“{code}”在 {years} 年已有数据：不能自 {year} 年起关闭（请先删除或推迟关闭）")
HOLDS_OTHERS = Code("entity.holds_others", "'{code}' still holds {children} in {year}: move or "
                    "close them first", "“{code}”在 {year} 年仍有下属 {children}：请先移动或关闭")
NOT_HELD = Code("entity.not_held", "'{code}' does not count in {year} (it counts {span})",
                "“{code}”不计入 {year} 年（计入 {span}）")
PARENT_NOT_HELD = Code("entity.parent_not_held", "'{parent}' does not count in {year}: "
                       "'{code}' cannot be under it then",
                       "“{parent}”不计入 {year} 年：“{code}”届时不能在其下")
NAME_MISSING = Code("entity.name", "'{code}' needs a name in Chinese and in English",
                    "“{code}”需有中文和英文名称")


class EntityRefused(EsgdeskError):
    """A change of the group's structure refused: the problems found, each with its code and
    fields (the first's code is the kind)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message("en") for p in problems),
                         "；".join(p.message("zh") for p in problems), kind=problems[0].code)


def span_text(info: EntityInfo) -> str:
    """The years an entity counts in, as "2022–", "…–2023", "2022–2023" or "always"."""
    if info.from_year is None and info.to_year is None:
        return "always"
    return f"{info.from_year or '…'}–{info.to_year or ''}"


class Structure:
    """The group's structure over the years: every entity (under the parent it was added
    under) and the moves between parents; `tree(year)` is the tree of one year."""

    def __init__(self, entities: Iterable[EntityInfo],
                 moves: Iterable[ParentChange] = ()) -> None:
        self.entities = {e.code: e for e in entities}
        self._trees: dict[int | None, EntityTree] = {}
        self.moves: dict[str, list[ParentChange]] = {}
        for move in sorted(moves, key=lambda m: m.from_year):
            self.moves.setdefault(move.entity, []).append(move)

    def copy(self) -> Structure:
        """A structure to try changes on, this one left as it is."""
        return Structure(self.entities.values(),
                         [m for moves in self.moves.values() for m in moves])

    def forget_trees(self) -> None:
        """Make the trees again (an entity was added to the structure tried)."""
        self._trees.clear()

    def parent_in(self, code: str, year: int | None) -> str | None:
        """An entity's parent in a year (its latest parent when the year is None)."""
        parent = self.entities[code].parent
        for move in self.moves.get(code, ()):
            if year is None or move.from_year <= year:
                parent = move.parent
        return parent

    def tree(self, year: int | None = None) -> EntityTree:
        """The entities held in `year` under their parents of that year; every entity ever
        held, under its latest parent, when the year is None."""
        tree = self._trees.get(year)
        if tree is None:
            if year is not None and not self.moves \
                    and all(info.held(year) for info in self.entities.values()):
                # every entity held that year under its only parent: the same tree (a
                # group that never changed its structure makes one, not one a year)
                tree = self._trees[year] = self.tree(None)
                return tree
            tree = self._trees[year] = EntityTree(
                info._replace(parent=self.parent_in(info.code, year))
                for info in self.entities.values() if year is None or info.held(year))
        return tree

    def refusals(self, code: str, parent: str | None, year: int | None,
                 last: int | None = None) -> list[Problem]:
        """What is wrong with `code` under `parent` from `year` on (None: from its start) to
        `last` (None: still held): the parent unknown, a site, one of its own, or not held
        in all those years."""
        if parent is None:
            return []
        known = self.entities.get(parent)
        if known is None:
            return [UNKNOWN_PARENT(code=code, parent=parent)]
        if known.kind == "site":
            return [SITE_PARENT(code=code, parent=parent)]
        if code in self.entities and parent in self.tree(year).subtree(code):
            return [CYCLE(code=code, parent=parent)]
        first = year
        if first is None and code in self.entities:
            first = self.entities[code].from_year
        if first is None and known.from_year is not None:  # always, under one that is not
            return [PARENT_NOT_HELD(code=code, parent=parent, year=known.from_year - 1)]
        if first is not None and not known.held(first):
            return [PARENT_NOT_HELD(code=code, parent=parent, year=first)]
        if known.to_year is not None and (last is None or last > known.to_year):
            return [PARENT_NOT_HELD(code=code, parent=parent, year=known.to_year + 1)]
        return []


class EntityTree:
    """Entities in tree order (parents before their children, siblings by id); every walk
    over the group's structure goes through here."""

    def __init__(self, entities: Iterable[EntityInfo]) -> None:
        infos = list(entities)
        self._children: dict[str | None, list[EntityInfo]] = {}
        for info in infos:
            self._children.setdefault(info.parent, []).append(info)
        ordered: dict[str, EntityInfo] = {}

        def add(parent: str | None) -> None:
            for info in self._children.get(parent, []):
                if info.code not in ordered:
                    ordered[info.code] = info
                    add(info.code)

        add(None)
        for info in infos:  # anything whose parent chain is broken still shows
            ordered.setdefault(info.code, info)
        self.by_code = ordered
        self._taking: dict[str, frozenset[str]] = {}  # entry level → who enters it
        self._lowest: dict[str, float] = {}  # an entity's children's lowest rank

    def __iter__(self) -> Iterator[EntityInfo]:
        return iter(self.by_code.values())

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def __len__(self) -> int:
        return len(self.by_code)

    def get(self, code: str) -> EntityInfo | None:
        return self.by_code.get(code)

    def roots(self) -> list[EntityInfo]:
        return [e for e in self if e.parent is None]

    def children(self, code: str) -> list[EntityInfo]:
        return list(self._children.get(code, []))

    def descendants(self, code: str) -> list[EntityInfo]:
        """Everything under an entity, in tree order (not the entity itself)."""
        found: list[EntityInfo] = []
        for child in self.children(code):
            found.append(child)
            found.extend(self.descendants(child.code))
        return found

    def subtree(self, code: str) -> list[str]:
        """An entity's code and the codes of everything under it."""
        return [code, *(e.code for e in self.descendants(code))]

    def ancestors(self, code: str) -> list[EntityInfo]:
        """The entity's parent, its parent's parent, … up to the root."""
        found: list[EntityInfo] = []
        info = self.by_code.get(code)
        seen = {code}
        while info is not None and info.parent is not None and info.parent not in seen:
            seen.add(info.parent)
            info = self.by_code.get(info.parent)
            if info is not None:
                found.append(info)
        return found

    def depth(self, code: str) -> int:
        return len(self.ancestors(code))

    def names(self) -> dict[str, tuple[str, str]]:
        """Each entity's (zh, en) name by its code, for messages naming entities."""
        return {e.code: (e.name_zh, e.name_en) for e in self}

    def takes(self, code: str, level: str) -> bool:
        """Whether figures entered at `level` are entered at this entity: it is of that level
        or above, and none of its children is (a company with no site of its own enters the
        sites' figures; a company with sites has them consolidated from its sites)."""
        info = self.by_code.get(code)
        if info is None:
            return False
        rank = level_rank(level)
        return level_rank(info.kind) <= rank and not self._lowest_child_rank(code) <= rank

    def _lowest_child_rank(self, code: str) -> float:
        """The lowest rank among an entity's children (infinite without children), worked
        out once per tree: a group's root has hundreds."""
        found = self._lowest.get(code)
        if found is None:
            found = self._lowest[code] = min(
                (level_rank(child.kind) for child in self._children.get(code, [])),
                default=float("inf"))
        return found

    def taking(self, level: str) -> frozenset[str]:
        """Every entity of the tree entering figures of `level` (see takes), worked out
        once per tree: a group's consolidation asks it of hundreds of entities at every
        switch."""
        found = self._taking.get(level)
        if found is None:
            found = self._taking[level] = frozenset(
                code for code in self.by_code if self.takes(code, level))
        return found

    def entering(self, code: str, level: str) -> list[str]:
        """The entities at or under `code` that enter figures of `level`, in tree order."""
        return [c for c in self.subtree(code) if self.takes(c, level)]

    def applies(self, code: str, level: str) -> bool:
        """Whether an entity has figures of `level`: its own, or its children's consolidated."""
        return bool(self.entering(code, level))

    def within(self, code: str, root: str) -> bool:
        """True when `code` is `root` or lies under it."""
        return code == root or any(a.code == root for a in self.ancestors(code))
