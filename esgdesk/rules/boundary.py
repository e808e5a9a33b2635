"""Published consolidated figures move only by restatement: which published figures of a
parent (consolidated over a year's tree, or computed from consolidated figures) a change of
the group's structure would move (an entity closed, moved, its years, equity share or
control changed, a structure workbook), found by consolidating each affected year before and
after the change; refused with them unless made as a "boundary" restatement."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from esgdesk.errors import EsgdeskError
from esgdesk.model.entities import EntityInfo, EntityTree, ParentChange, Structure
from esgdesk.rules.consolidate import Consolidation, Figure
from esgdesk.rules.published import refuse_or_restate
from esgdesk.storage.restatements import PublishedMove, Restatement

if TYPE_CHECKING:
    from esgdesk.model.catalogue import Catalogue, Indicator
    from esgdesk.rules.figures import FigureBook
    from esgdesk.storage.store import Store

BOUNDARY = "boundary"
SHOWN_CODES = 6  # entities a structure workbook's restatement names


class _Restructured:
    """A store read as if its structure were another (the structure a change would make):
    its trees and entities from that structure, everything else from the store."""

    def __init__(self, store: Store, structure: Structure) -> None:
        self._store, self._structure = store, structure

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def structure(self) -> Structure:
        return self._structure

    def tree(self, year: int | None = None) -> EntityTree:
        return self._structure.tree(year)

    def entities(self) -> list[EntityInfo]:
        return list(self._structure.tree())

    def entity(self, code: str) -> EntityInfo:
        return self._structure.tree().by_code[code]

    def root(self) -> EntityInfo:
        return next(e for e in self._structure.tree() if e.parent is None)

    def figures_of(self, entities: Iterable[str], years: Iterable[int], keep: bool = True,
                   ) -> dict[tuple[str, str, int], Any]:
        """The store's figures of the entities it holds: an entity the change adds holds
        none yet."""
        held = self._store.structure().entities
        return self._store.figures_of([code for code in entities if code in held], years,
                                      keep)


def changed_structure(held: Structure, changed: Iterable[EntityInfo] = (),
                      moved: Iterable[ParentChange] = (),
                      added: Iterable[EntityInfo] = ()) -> Structure:
    """The structure after entities are changed (their years, share or control), moved and
    added; `held` is left as it is."""
    entities = dict(held.entities)
    for info in [*added, *changed]:
        # an entity keeps the parent it was added under; its moves say the rest
        parent = held.entities[info.code].parent if info.code in held.entities else info.parent
        entities[info.code] = info._replace(parent=parent)
    moves = [m for found in held.moves.values() for m in found]
    return Structure(entities.values(), [*moves, *moved])


def _text(indicator: Indicator, figure: Figure) -> str:
    """A figure as printed at its precision; "" when it is not printed (missing or
    incomplete)."""
    if not figure.complete:
        return ""
    assert figure.number is not None
    return str(indicator.type.quantize(figure.number))


def _leaves(catalogue: Catalogue, indicator: Indicator) -> list[str]:
    if indicator.formula is None:
        return [indicator.id]
    leaves: list[str] = []
    for ref in indicator.formula.indicators:
        part = catalogue.indicators.get(ref)
        if part is not None:
            leaves.extend(_leaves(catalogue, part) if part.derived else [ref])
    return leaves


def _is_published(book: FigureBook, tree: EntityTree, entity: str, year: int,
                  indicator: Indicator, leaves: list[str]) -> bool:
    """A parent's figure is published when it is locked itself (a restated one) or every
    typed figure it is made of that is held, at it and under it in the year's tree, is
    locked (and one is)."""
    own = book.stored(entity, indicator.id, year)
    if own is not None and own.status == "locked":
        return True
    held = [stored for code in tree.subtree(entity) for leaf in leaves
            if (stored := book.stored(code, leaf, year)) is not None]
    return bool(held) and all(stored.status == "locked" for stored in held)


def _affected(before: EntityTree, after: EntityTree, codes: Iterable[str]) -> list[str]:
    """The entities whose consolidated figures a change of these entities may move: their
    parents up to the root, in the tree before and after."""
    found: dict[str, None] = {}
    for tree in (before, after):
        for code in codes:
            if code in tree:
                found.update(dict.fromkeys(a.code for a in tree.ancestors(code)))
    return list(found)


def structure_moves(store: Store, after: Structure,
                    changed: Iterable[str]) -> list[PublishedMove]:
    """The published figures of the parents of the entities changed whose printed value
    differs once the structure is `after`: each with what was published and what it would
    read ("" when it would not be printed whole)."""
    codes = list(changed)
    years = [y for y in store.years()
             if _affected(store.tree(y), after.tree(y), codes)]
    if not years or not codes:
        return []
    root = store.root().code
    before = Consolidation(store, years, root)
    if not any(stored.status == "locked" for stored in before.book.values.values()):
        return []  # nothing published in those years
    then = Consolidation(_Restructured(store, after), years, root)  # type: ignore[arg-type]
    moves: list[PublishedMove] = []
    for year in years:
        catalogue = store.edition(year)
        tree = store.tree(year)
        wanted = [i for i in catalogue.indicators.values() if i.type.numeric]
        for entity in _affected(tree, after.tree(year), codes):
            if entity not in tree:
                continue  # not held then: nothing of it was published
            for indicator in wanted:
                if indicator.id not in before.catalogue.indicators:
                    continue
                leaves = _leaves(catalogue, indicator)
                if not _is_published(before.book, tree, entity, year, indicator, leaves):
                    continue
                old = _text(indicator, before.figure(entity, indicator.id, year))
                new = _text(indicator, then.figure(entity, indicator.id, year)
                            if entity in after.tree(year) else Figure(None))
                if old and old != new:
                    moves.append(PublishedMove(entity, year, indicator.id, old, new))
    return moves


def boundary_restated(moves: list[PublishedMove], restatement: Restatement | None,
                      what_en: str, what_zh: str) -> list[PublishedMove]:
    """The moves to restate with a change of structure; refused (PublishedWouldMove) when
    there are some and the change is not made as a restatement, and a restatement of another
    kind than "boundary" refused outright."""
    if restatement is not None:
        restatement.check()
        if restatement.kind != BOUNDARY:
            raise EsgdeskError(
                f"a change of the group's structure is restated as '{BOUNDARY}', not "
                f"'{restatement.kind}'",
                f"组织结构变更的重述类型须为 {BOUNDARY}，而不是“{restatement.kind}”",
                kind="unknown_restatement")
    return refuse_or_restate(moves, restatement is not None, what_en, what_zh, BOUNDARY)


# -- changes of structure, each checked against what was published ------------------------
Restated = tuple[list[PublishedMove], Restatement | None, tuple[str, str]]


def guarded(store: Store, after: Structure, changed: Iterable[str],
            restatement: Restatement | None, what_en: str, what_zh: str) -> Restated:
    """A change of structure checked against what was published: the moves to restate with
    it, the restatement and the change in words, English and Chinese (for the report's
    footnote in either language), or PublishedWouldMove when it moves published figures
    and is not made as a restatement."""
    moves = structure_moves(store, after, changed)
    restated = boundary_restated(moves, restatement, what_en, what_zh)
    return restated, restatement if restated else None, (what_en, what_zh)


def add_entity(store: Store, info: EntityInfo, user: str,
               restatement: Restatement | None = None) -> list[PublishedMove]:
    """Add an entity, refused when it would move a published figure (a parent's total of a
    year it counts in, published, no longer printed whole until the new entity's figures
    are in) unless made as a boundary restatement, which restates each in the same
    transaction. The figures restated."""
    new = store.checked_new(info)
    since = f" from {new.from_year}" if new.from_year is not None else ""
    since_zh = f"自 {new.from_year} 年起" if new.from_year is not None else ""
    restated = guarded(store, changed_structure(store.structure(), added=[new]), [new.code],
                       restatement, f"{new.code} added under {new.parent}{since}",
                       f"{new.code} {since_zh}加入 {new.parent}")
    store.add_entity(new.code, new.name_zh, new.name_en, new.kind, new.parent, new.province,
                     user, new.from_year, new.to_year, new.equity_share, new.control,
                     restated=restated)
    return restated[0]


def close_entity(store: Store, code: str, from_year: int, user: str,
                 restatement: Restatement | None = None) -> list[PublishedMove]:
    """Close (or divest) an entity from a year, refused when it would move a published
    figure unless made as a boundary restatement, which restates each in the same
    transaction. The figures restated."""
    new = store.checked_change(code, to_year=from_year - 1)
    restated = guarded(store, changed_structure(store.structure(), changed=[new]), [code],
                       restatement, f"{code} closed from {from_year}",
                       f"{code} 自 {from_year} 年起关闭")
    store.close_entity(code, from_year, user, restated)
    return restated[0]


def move_entity(store: Store, code: str, parent: str, from_year: int, user: str,
                restatement: Restatement | None = None) -> list[PublishedMove]:
    """Put an entity under another parent from a year on, refused when it would move a
    published figure (its parents' then) unless made as a boundary restatement. The figures
    restated."""
    from esgdesk.model.entities import EntityRefused

    structure = store.structure()
    if structure.parent_in(code, from_year) == parent and code in store.tree(from_year):
        return []  # under it then already: nothing to write
    problems = store.move_problems(code, parent, from_year)
    if problems:
        raise EntityRefused(problems)
    after = changed_structure(structure, moved=[ParentChange(code, parent, from_year)])
    restated = guarded(store, after, [code], restatement,
                       f"{code} moved under {parent} from {from_year}",
                       f"{code} 自 {from_year} 年起归入 {parent}")
    store.move_entity(code, parent, from_year, user, restated=restated)
    return restated[0]


def set_share(store: Store, code: str, equity_share: str | None, control: bool | None,
              user: str, restatement: Restatement | None = None) -> list[PublishedMove]:
    """Change the group's equity share in an entity (percent) or whether it has operational
    control (None: kept), refused when it would move a published figure unless made as a
    boundary restatement. The figures restated."""
    old = store.entity(code)
    fields: dict[str, object] = {}
    if equity_share is not None:
        fields["equity_share"] = equity_share
    if control is not None:
        fields["control"] = control
    new = store.checked_change(code, **fields)
    en, zh = [], []
    if new.equity_share != old.equity_share:
        shares = f"{old.equity_share or '-'} % → {new.equity_share or '-'} %"
        en.append(f"equity share {shares}")
        zh.append(f"权益比例 {shares}")
    if new.control != old.control:
        en.append(f"operational control {'yes' if new.control else 'no'}")
        zh.append("取得运营控制权" if new.control else "不再拥有运营控制权")
    restated = guarded(store, changed_structure(store.structure(), changed=[new]), [code],
                       restatement, f"{code} {', '.join(en)}", f"{code} {'，'.join(zh)}")
    store.change_entity(code, user, restated=restated, **fields)
    return restated[0]


def structure_restated(store: Store, added: list[EntityInfo], changed: list[EntityInfo],
                       moved: list[ParentChange], source: str,
                       restatement: Restatement | None = None) -> Restated:
    """A structure workbook's changes checked against what was published (see `guarded`):
    nothing is written here, the workbook's import writes the restatements with it."""
    codes = _codes(added, changed, moved)
    after = changed_structure(store.structure(), changed, moved, added)
    named = ", ".join(codes[:SHOWN_CODES]) + (" …" if len(codes) > SHOWN_CODES else "")
    return guarded(store, after, codes, restatement,
                   f"{named} changed by the structure workbook {source}",
                   f"组织结构工作簿 {source} 修改 {named}")


def structure_book_moves(store: Store, added: list[EntityInfo], changed: list[EntityInfo],
                         moved: list[ParentChange]) -> list[PublishedMove]:
    """The published figures a structure workbook's changes would move (its dry run)."""
    return structure_moves(store, changed_structure(store.structure(), changed, moved, added),
                           _codes(added, changed, moved))


def _codes(added: list[EntityInfo], changed: list[EntityInfo],
           moved: list[ParentChange]) -> list[str]:
    return list(dict.fromkeys([*(e.code for e in [*added, *changed]),
                               *(m.entity for m in moved)]))

