"""The group's entities (group, companies, sites) and the one walker of their tree."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from esgdesk.model.frozen import Frozen

# Where a figure is entered (an indicator's `entered_at`), shallowest first: the level's rank
# is compared with an entity's kind's.
ENTRY_LEVELS = ("group", "company", "site")
_RANK = {level: rank for rank, level in enumerate(ENTRY_LEVELS)}


def level_rank(kind: str) -> int:
    """The depth of a kind of entity or an entry level (an unknown kind counts as a company)."""
    return _RANK.get(kind, 1)


class EntityInfo(Frozen):
    """An entity of the group (the group, a company, a site) as the store holds it."""

    _fields = ("id", "code", "name_zh", "name_en", "kind", "parent", "province")
    id: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    parent: str | None
    province: str | None  # for regional grid factors

    def __init__(self, id: int, code: str, name_zh: str, name_en: str, kind: str,
                 parent: str | None, province: str | None = None) -> None:
        self.__dict__.update(id=id, code=code, name_zh=name_zh, name_en=name_en, kind=kind,
                             parent=parent, province=province)

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


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
        return level_rank(info.kind) <= rank and not any(
            level_rank(child.kind) <= rank for child in self._children.get(code, []))

    def entering(self, code: str, level: str) -> list[str]:
        """The entities at or under `code` that enter figures of `level`, in tree order."""
        return [c for c in self.subtree(code) if self.takes(c, level)]

    def applies(self, code: str, level: str) -> bool:
        """Whether an entity has figures of `level`: its own, or its children's consolidated."""
        return bool(self.entering(code, level))

    def within(self, code: str, root: str) -> bool:
        """True when `code` is `root` or lies under it."""
        return code == root or any(a.code == root for a in self.ancestors(code))
