"""Published numbers move only by restatement: which published (locked) computed figures a
change of method would move (an entity's province, a year's factors, a choice of the method),
found by computing every affected figure before and after the change; the refusal that names
them and points to restating the change; and each such change, made through here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from esgdesk.errors import EsgdeskError
from esgdesk.model.method import find_choice
from esgdesk.model.provinces import find_province
from esgdesk.model.words import counted
from esgdesk.rules.factor_values import FactorValues
from esgdesk.rules.figures import FigureBook, derived_order
from esgdesk.storage.restatements import PublishedMove, Restatement

if TYPE_CHECKING:
    from esgdesk.model.catalogue import Catalogue, Indicator
    from esgdesk.model.entities import EntityInfo
    from esgdesk.storage.factors import FactorValue
    from esgdesk.storage.store import Store

SHOWN = 5  # moved figures a refusal names; it counts the rest


class PublishedWouldMove(EsgdeskError):
    """A change of method that would move published (locked) computed figures, refused: it
    is made only as a restatement (`--restate method|boundary --reason WHY`)."""

    kind = "published_would_move"
    exit_code = 2

    def __init__(self, what_en: str, what_zh: str, moves: list[PublishedMove],
                 kinds: str = "method|boundary") -> None:
        self.moves = moves
        # a space between a code or a number ending the change and the Chinese that follows
        self.what_en = what_en
        self.what_zh = f"{what_zh} " if what_zh[-1:].isascii() and what_zh[-1:].isalnum() \
            else what_zh
        named = "; ".join(f"{m.indicator} for {m.entity} {m.year}: {m.published} → "
                          f"{m.after or '—'}" for m in moves[:SHOWN])
        more = len(moves) - SHOWN
        en_more = f" and {more} more" if more > 0 else ""
        zh_more = f"等 {len(moves)} 项" if more > 0 else ""
        super().__init__(
            f"{what_en} would change {counted(len(moves), 'published (locked) figure')}: {named}"
            f"{en_more}. A published figure changes only as a restatement: repeat with "
            f"--restate {kinds} --reason WHY (the published figures are kept and "
            "footnoted), or see esgdesk restate",
            f"{self.what_zh}将改变 {len(moves)} 个已发布（已锁定）的数据：{named}{zh_more}。"
            f"已发布的数据只能以重述方式修改：加上 --restate {kinds} --reason 原因 "
            "重新执行（保留原披露数据并加注），或见 esgdesk restate",
            where="restate")

    def listing(self, lang: str, label: Callable[[str], str] = str, shown: int = 12) -> str:
        """The change and the published figures it would move, a line each (an indicator
        by `label`, its id by default; the first `shown` of them), for a window asking
        whether to restate them."""
        zh = lang == "zh"
        head = (f"{self.what_zh}将改变以下已发布（已锁定）的数据：" if zh else
                f"{self.what_en} would change these published (locked) figures:")
        lines = [f"{label(m.indicator)} — {m.entity} {m.year}: {m.published} → "
                 f"{m.after or '—'}" for m in self.moves[:shown]]
        more = len(self.moves) - shown
        if more > 0:
            lines.append(f"……另有 {more} 项" if zh else f"… and {more} more")
        return "\n".join([head, *lines])


def _typed_leaves(catalogue: Catalogue, indicator: Indicator) -> list[str]:
    leaves: list[str] = []
    for ref in indicator.formula.indicators if indicator.formula else ():
        part = catalogue.indicators[ref]
        leaves.extend(_typed_leaves(catalogue, part) if part.derived else [ref])
    return leaves


def _is_published(book: FigureBook, entity: str, year: int, indicator: Indicator) -> bool:
    """A computed figure is published when it is locked itself (a restated one) or every
    typed figure it is made of that is held is locked (and one is)."""
    own = book.stored(entity, indicator.id, year)
    if own is not None and own.status == "locked":
        return True
    held = [stored for leaf in _typed_leaves(book.catalogue, indicator)
            if (stored := book.stored(entity, leaf, year)) is not None]
    return bool(held) and all(stored.status == "locked" for stored in held)


def _text(indicator: Indicator, number: Decimal | None) -> str:
    return "" if number is None else str(indicator.type.quantize(number))


def published_moves(store: Store, entities: Iterable[str], years: Iterable[int],
                    after: Callable[[FactorValues], None]) -> list[PublishedMove]:
    """The published computed figures of these entities and years whose printed value
    differs once `after` has changed a copy of the factor values (its province, factors or
    choices): each with what was published and what it would read."""
    codes, wanted = list(entities), sorted(set(years))
    figures = store.figures_of(codes, wanted)
    locked = {(entity, year) for (entity, _indicator, year), stored in figures.items()
              if stored.status == "locked"}
    if not locked:
        return []
    now_values, then_values = FactorValues(store), FactorValues(store)
    after(then_values)
    moves: list[PublishedMove] = []
    for year in wanted:
        catalogue = store.edition(year)
        reading = derived_order(catalogue)
        before = FigureBook(catalogue, dict(figures), now_values)
        changed = FigureBook(catalogue, dict(figures), then_values)
        for entity in codes:
            if (entity, year) not in locked:
                continue  # nothing published there
            for indicator in reading:
                if not _is_published(before, entity, year, indicator):
                    continue
                old = _text(indicator, before.number(entity, indicator.id, year))
                new = _text(indicator, changed.number(entity, indicator.id, year))
                if old != new and old:
                    moves.append(PublishedMove(entity, year, indicator.id, old, new))
    return moves


def years_reading(store: Store, year: int) -> list[int]:
    """The years whose figures read a year's factors: the year and the years after it that
    hold no set of their own, among the years holding figures."""
    own = [y for y in store.factor_years() if y > year]
    last = min(own) - 1 if own else None
    return [y for y in store.years() if y >= year and (last is None or y <= last)]


def refuse_or_restate(moves: list[PublishedMove], restating: bool, what_en: str,
                      what_zh: str, kinds: str = "method|boundary") -> list[PublishedMove]:
    """The moves to restate with the change; refused (PublishedWouldMove, pointing to
    `--restate KINDS`) when there are some and the change is not made as a restatement."""
    if moves and not restating:
        raise PublishedWouldMove(what_en, what_zh, moves, kinds)
    return moves if restating else []


# -- changes of method, each checked against what was published ---------------------------
def _changing(store: Store, year: int, factors: Iterable[FactorValue]) -> dict[str, FactorValue]:
    held = store.factors(year)
    return {f.id: f for f in factors if f.id not in held or not held[f.id].same_as(f)}


def factor_moves(store: Store, year: int, factors: Iterable[FactorValue]) -> list[PublishedMove]:
    """The published figures storing these factors in a year would move."""
    changing = _changing(store, year, factors)
    if not changing:
        return []
    return published_moves(store, [e.code for e in store.entities()],
                           years_reading(store, year),
                           lambda values: values.assume_factors(year, changing))


def change_province(store: Store, code: str, province: str | None, user: str,
                    restatement: Restatement | None = None,
                    ) -> tuple[EntityInfo, list[PublishedMove]]:
    """Put an entity in a province (any of its names; None clears it): refused when it
    would move a published figure unless made as a restatement, which restates each in the
    same transaction. The entity as stored, and the figures restated."""
    if restatement is not None:
        restatement.check()
    wanted = find_province(province).id if province and province.strip() else None
    entity = store.entity(code)
    if wanted == entity.province:
        return entity, []
    moves = published_moves(store, [code], store.years(),
                            lambda values: values.assume_province(code, wanted))
    restated = refuse_or_restate(
        moves, restatement is not None,
        f"moving {code} from {entity.province or '(no province)'} to {wanted or '(none)'}",
        f"将 {code} 的省份由 {entity.province or '（无）'} 改为 {wanted or '（无）'}")
    return store.set_province(code, wanted, user, restated, restatement), restated


def change_factors(store: Store, year: int, factors: list[FactorValue], user: str, reason: str,
                   source: str, restatement: Restatement | None = None,
                   ) -> tuple[list[FactorValue], list[PublishedMove]]:
    """Store factors of a year: refused when they would move a published figure of the
    year (or a later year reading its set) unless made as a restatement, which restates each
    in the same transaction. The factors as stored, and the figures restated."""
    if restatement is not None:
        restatement.check()
    changing = _changing(store, year, factors)
    moves = factor_moves(store, year, factors)
    ids = ", ".join(sorted(changing))[:200]
    restated = refuse_or_restate(moves, restatement is not None,
                                 f"changing the {year} factor(s) {ids}",
                                 f"修改 {year} 年的因子 {ids}")
    stored = store.write_factors(year, factors, user, reason, source=source, moves=restated,
                                 restatement=restatement)
    return stored, restated


def change_choice(store: Store, choice: str, option: str, entity: str | None, user: str,
                  restatement: Restatement | None = None) -> tuple[str, list[PublishedMove]]:
    """Choose an option of the method (resources/method.toml) for the database or an
    entity: refused when it would move a published figure unless made as a restatement,
    which restates each in the same transaction. The option as stored, and the figures
    restated."""
    if restatement is not None:
        restatement.check()
    found = find_choice(choice)
    chosen = found.option(option).id
    code = store.entity(entity).code if entity is not None else None
    codes = [code] if code is not None else [e.code for e in store.entities()]
    moves = published_moves(store, codes, store.years(),
                            lambda values: values.assume_choice(found, code, chosen))
    what = f"{found.id} = {chosen}" + (f" for {code}" if code else "")
    restated = refuse_or_restate(moves, restatement is not None, f"choosing {what}",
                                 f"选择 {what}")
    return store.set_choice(found.id, chosen, code, user, restated, restatement), restated
