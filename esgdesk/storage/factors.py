"""The store's emission and conversion factors: each reporting year's own set, in the database
(and so in its backups), each factor with where its value was read.

A year without rows of its own reads the set of the latest year before it that has one (like
the catalogue's editions: a year opened from the last one reads what it read). Changing a
factor of such a year first gives the year its own copy of that set, in the same transaction,
so the earlier year never changes. Every write is one transaction with an audit row per
factor (action "factor", the factor named in its own column). The province an entity is in
(which grid factor it reads) is set here too, audited (action "province"). A change that
moves published (locked) computed figures is made only with their restatements, in the same
transaction (rules.published finds them)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from esgdesk.errors import EsgdeskError, InvalidValue, NeedsReason
from esgdesk.model.entities import EntityInfo
from esgdesk.model.frozen import Frozen
from esgdesk.model.types import text_problem
from esgdesk.storage.audit import add_audit_row
from esgdesk.storage.base import now
from esgdesk.storage.entities import EntitiesPart
from esgdesk.storage.records import column_getter

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from esgdesk.storage.restatements import PublishedMove, Restatement

# A factor's id as a formula names it after "factor." (ncv.diesel, grid.guangdong).
FACTOR_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")
# A value as printed: a plain decimal, no exponent, no separator, at most a leading minus.
EXACT_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")
GRID_NATIONAL = "grid.national"
FIRST_DATA_YEAR, LAST_DATA_YEAR = 1900, 2100

_COLUMNS = ("factor_id, value, unit, gas, region, data_year, set_id, source, table_ref, "
            "verified, changed_by, changed_at")


class FactorValue(Frozen):
    """One factor of a year as stored: `value` is the exact decimal, None where not known."""

    _fields = ("id", "value", "unit", "gas", "region", "data_year", "set_id", "source",
               "table_ref", "verified", "changed_by", "changed_at")
    id: str
    value: Decimal | None
    unit: str
    gas: str
    region: str
    data_year: int | None
    set_id: str
    source: str
    table_ref: str
    verified: bool
    changed_by: str
    changed_at: str

    def __init__(self, id: str, value: Decimal | None, unit: str, gas: str,
                 region: str, data_year: int | None, set_id: str, source: str, table_ref: str,
                 verified: bool, changed_by: str = "", changed_at: str = "") -> None:
        self.__dict__.update(id=id, value=value, unit=unit, gas=gas, region=region,
                             data_year=data_year, set_id=set_id, source=source,
                             table_ref=table_ref, verified=verified, changed_by=changed_by,
                             changed_at=changed_at)

    @property
    def value_text(self) -> str | None:
        """The value as stored and audited (the decimal as printed), or None."""
        return None if self.value is None else str(self.value)

    def same_as(self, other: FactorValue) -> bool:
        """The same factor content (who changed it and when aside)."""
        return self._replace(changed_by="", changed_at="") == other._replace(changed_by="",
                                                                             changed_at="")


def grid_id(factors: Mapping[str, FactorValue], province: str | None) -> str:
    """The factor `factor.grid` reads for an entity in a province: `grid.<province>` when the
    year holds it with a value, else its regional grid's (`grid.huazhong`: the province's
    region in resources/provinces.toml) when held with a value, else the national grid
    factor."""
    from esgdesk.model.provinces import known_province

    found = known_province(province)
    if found is None:
        return GRID_NATIONAL
    for candidate in (found.id, found.region):
        held = factors.get(f"grid.{candidate}") if candidate else None
        if held is not None and held.value is not None:
            return held.id
    return GRID_NATIONAL


def exact_decimal(text: str | None) -> Decimal | None:
    """A value typed as text: None for none, the exact decimal, or ValueError saying why."""
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    if not EXACT_DECIMAL.fullmatch(cleaned):
        raise ValueError(f"'{cleaned[:40]}' is not a plain decimal number (such as 0.5366)")
    return Decimal(cleaned)


def factor_problems(factor: FactorValue) -> list[tuple[str, str, str]]:
    """What keeps a factor from being stored: (field, en, zh) for each problem."""
    found: list[tuple[str, str, str]] = []
    if not FACTOR_ID.fullmatch(factor.id) or factor.id == "grid" or len(factor.id) > 64:
        found.append(("id", f"'{factor.id[:64]}' is not a factor id (lower-case words joined "
                      "by dots, such as ncv.diesel or grid.guangdong)",
                      f"“{factor.id[:64]}”不是因子编号（用点连接的小写词，如 ncv.diesel、"
                      "grid.guangdong）"))
    if factor.value is not None and not factor.value.is_finite():
        found.append(("value", "the value is not a finite number", "数值不是有限数"))
    if factor.value is not None and not factor.source.strip():
        found.append(("source", "a value needs its source (where it was read)",
                      "有数值的因子必须注明来源（在何处读到）"))
    if factor.data_year is not None and not FIRST_DATA_YEAR <= factor.data_year <= LAST_DATA_YEAR:
        found.append(("data_year", f"{factor.data_year} is not a year",
                      f"{factor.data_year} 不是年份"))
    for name in ("unit", "gas", "region", "source", "table_ref"):
        text = getattr(factor, name)
        problem = text_problem(text)
        if problem:
            found.append((name, f"{name} {problem}", f"{name}：{text_problem(text, 'zh')}"))
    return found


def _read(row: Any) -> FactorValue:
    """A factor from a row read by column name or a mapped Factor."""
    get = column_getter(row)
    value, data_year = get("value"), get("data_year")
    return FactorValue(
        id=str(get("factor_id")), value=Decimal(value) if value not in (None, "") else None,
        unit=get("unit") or "", gas=get("gas") or "", region=get("region") or "",
        data_year=None if data_year is None else int(data_year), set_id=get("set_id") or "",
        source=get("source") or "", table_ref=get("table_ref") or "",
        verified=bool(get("verified")), changed_by=get("changed_by") or "",
        changed_at=get("changed_at") or "")


class FactorsPart(EntitiesPart):
    """Each reporting year's emission and conversion factors."""

    # -- reading ----------------------------------------------------------------------
    def factors(self, year: int) -> dict[str, FactorValue]:
        """The factors a year reads, by id: its own, else those of the latest year before it
        that has any (empty when none has)."""
        rows = self._query(
            f"SELECT {_COLUMNS} FROM factor WHERE year = (SELECT MAX(year) FROM factor "
            "WHERE year <= ?) ORDER BY factor_id", (year,))
        return {factor.id: factor for factor in map(_read, rows)}

    def factors_by_year(self) -> dict[int, dict[str, FactorValue]]:
        """Every year's own factors, by year and id, in one read (a few hundred rows): a
        year reads those of the latest year up to it (see `factors`)."""
        found: dict[int, dict[str, FactorValue]] = {}
        for row in self._query(f"SELECT year, {_COLUMNS} FROM factor ORDER BY year, factor_id"):
            factor = _read(row)
            found.setdefault(int(row["year"]), {})[factor.id] = factor
        return found

    def factor_years(self) -> list[int]:
        """The years holding a set of their own."""
        return [int(r["year"]) for r in self._query(
            "SELECT DISTINCT year FROM factor ORDER BY year")]

    # -- writing ----------------------------------------------------------------------
    def set_province(self, code: str, province: str | None, user: str = "",
                     moves: Sequence[PublishedMove] = (),
                     restatement: Restatement | None = None) -> EntityInfo:
        """The province a company or site is in, for its grid factor: one of China's
        provinces by id, zh or en name in any case ("guangdong", "广东", "Guangdong"; a typo
        is refused with the nearest names), stored by its id; None clears it. One
        transaction with its audit row (action "province"), and, when the change moves
        published figures (found by rules.published), their restatements. Nothing is
        written when the province is the one held."""
        from sqlalchemy import text, update

        from esgdesk.model.provinces import find_province
        from esgdesk.storage.models import Entity

        entity = self.entity(code)
        wanted = find_province(province).id if province and province.strip() else None
        if wanted == entity.province:
            return entity
        from esgdesk.storage.restatements import refuse_unrestated, write_restatements

        refuse_unrestated(moves, restatement)
        stamp = now()
        with self._writing() as s:  # the audit row first: on a server it says what to log
            year = s.execute(text("SELECT MAX(year) FROM value")).scalar()
            add_audit_row(s, at=stamp, user=user, action="province", entity_id=entity.id,
                          year=int(year or 0), old_value=entity.province, new_value=wanted,
                          reason=restatement.reason if restatement else "",
                          source="province")
            s.execute(update(Entity).where(Entity.id == entity.id).values(province=wanted))
            if moves and restatement is not None:
                write_restatements(s, moves, restatement, self._ids(), user, stamp,
                                   source=f"province of {code}: {entity.province or '-'} → "
                                   f"{wanted or '-'}")
        self._entities = None
        return self.entity(code)

    def set_choice(self, choice: str, option: str, entity: str | None, user: str,
                   moves: Sequence[PublishedMove] = (),
                   restatement: Restatement | None = None) -> str:
        """Choose an option of the method (resources/method.toml) for the database or an
        entity: one transaction with its audit row (action "method"), and the restatements
        of the published figures it moves. The option as stored; nothing is written when it
        is the one in force."""
        from sqlalchemy import text

        from esgdesk.model.method import find_choice
        from esgdesk.storage.models import Setting

        found = find_choice(choice)
        chosen = found.option(option).id
        if (found.scope == "entity") != (entity is not None):
            per_entity = found.scope == "entity"
            raise EsgdeskError(
                f"{found.id} is chosen " + ("per entity (--entity CODE)" if per_entity
                                            else "for the whole database (no --entity)"),
                f"{found.id} " + ("按主体选择（--entity CODE）" if per_entity
                                  else "对整个数据库选择（不带 --entity）"),
                where=found.id, kind="usage")
        target = self.entity(entity) if entity is not None else None
        key = found.setting_key(target.code if target else None)
        held = self.setting(key, found.default)
        if held == chosen:
            return chosen
        from esgdesk.storage.restatements import refuse_unrestated, write_restatements

        refuse_unrestated(moves, restatement)
        stamp = now()
        with self._writing() as s:  # the audit row first: on a server it says what to log
            year = s.execute(text("SELECT MAX(year) FROM value")).scalar()
            add_audit_row(s, at=stamp, user=user, action="method",
                          entity_id=target.id if target else self._root_id(s),
                          year=int(year or 0), old_value=held, new_value=chosen,
                          reason=restatement.reason if restatement else "", source=key)
            s.merge(Setting(key=key, value=chosen))
            if moves and restatement is not None:
                write_restatements(s, moves, restatement, self._ids(), user, stamp,
                                   source=f"{key}: {held} → {chosen}")
        return chosen

    def _ids(self) -> dict[str, int]:
        """Each entity's row id by its code."""
        return {e.code: e.id for e in self.entities()}

    def set_factor(self, year: int, factor_id: str, value: str | None, unit: str, source: str,
                   table_ref: str, user: str, reason: str, gas: str = "", region: str = "",
                   data_year: int | None = None, set_id: str = "",
                   verified: bool = False, moves: Sequence[PublishedMove] = (),
                   restatement: Restatement | None = None) -> FactorValue:
        """Set one factor of a year (one audited transaction); a year reading an earlier
        year's set gets its own copy of it first."""
        factor = self.prepare_factor(factor_id, value, unit, source, table_ref, reason,
                                     gas=gas, region=region, data_year=data_year,
                                     set_id=set_id, verified=verified)
        return self.write_factors(year, [factor], user, reason, source=factor.source,
                                  moves=moves, restatement=restatement)[0]

    def prepare_factor(self, factor_id: str, value: str | None, unit: str, source: str,
                       table_ref: str, reason: str, gas: str = "", region: str = "",
                       data_year: int | None = None, set_id: str = "",
                       verified: bool = False) -> FactorValue:
        """One factor as typed, checked (its value, source, texts and the reason for
        changing it), not yet stored."""
        if not reason.strip():
            raise NeedsReason(f"say why factor {factor_id} changes (--reason)",
                              f"请说明因子 {factor_id} 修改的原因（--reason）", where=factor_id)
        try:
            number = exact_decimal(value)
        except ValueError as exc:
            raise InvalidValue(factor_id, value or "", str(exc),
                               "不是普通的十进制数（如 0.5366）") from None
        factor = FactorValue(factor_id.strip(), number, unit.strip(), gas.strip(),
                             region.strip(), data_year, set_id, source.strip(),
                             table_ref.strip(), verified)
        self.refuse_problems([factor])
        problem = text_problem(reason)
        if problem:
            raise EsgdeskError(f"the reason {problem}", f"原因{text_problem(reason, 'zh')}",
                               where=factor_id, kind="text_refused")
        return factor

    def load_factor_sets(self, year: int, set_ids: Sequence[str], user: str,
                         moves: Sequence[PublishedMove] = (),
                         restatement: Restatement | None = None) -> int:
        """Copy shipped factor sets into a year (one transaction, an audit row for each factor
        that changes; a later set overrides an earlier one's ids; a factor not verified comes
        without its value). How many factors were written."""
        chosen = shipped_factors(set_ids)
        if not chosen:
            return 0
        _stored, written = self._write_factors(year, chosen, user,
                                               f"loaded the factor set(s) {', '.join(set_ids)}",
                                               ", ".join(set_ids), moves, restatement)
        return written

    def refuse_problems(self, factors: Iterable[FactorValue]) -> None:
        """Refuse (InvalidValue) the first factor that cannot be stored."""
        for factor in factors:
            for _field, en, zh in factor_problems(factor):
                raise InvalidValue(factor.id, factor.value_text or "", en, zh, where=factor.id)

    def write_factors(self, year: int, factors: Sequence[FactorValue], user: str, reason: str,
                      source: str = "", moves: Sequence[PublishedMove] = (),
                      restatement: Restatement | None = None) -> list[FactorValue]:
        """Store factors in a year: one transaction, an audit row for each that changes
        (old and new value), none for one stored as it is. A year reading an earlier year's
        set first gets its own copy of it (each copied factor audited), so the earlier year
        never changes. Published figures it moves (`moves`) are restated with it. The factors
        as stored, in the order given."""
        return self._write_factors(year, factors, user, reason, source, moves, restatement)[0]

    def _write_factors(self, year: int, factors: Sequence[FactorValue], user: str, reason: str,
                       source: str, moves: Sequence[PublishedMove] = (),
                       restatement: Restatement | None = None,
                       ) -> tuple[list[FactorValue], int]:
        from sqlalchemy import select

        from esgdesk.storage.models import Factor

        self.refuse_problems(factors)
        from esgdesk.storage.restatements import refuse_unrestated, write_restatements

        refuse_unrestated(moves, restatement)
        stamp = now()
        stored: list[FactorValue] = []
        written = 0
        with self._writing() as s:
            root = self._root_id(s)
            self._own_copy(s, year, user, stamp, root)
            held = {row.factor_id: row for row in s.scalars(
                select(Factor).where(Factor.year == year))}
            for factor in factors:
                row = held.get(factor.id)
                current = _read(row) if row is not None else None
                if current is not None and current.same_as(factor):
                    stored.append(current)
                    continue
                if row is None:
                    row = held[factor.id] = Factor(year=year, factor_id=factor.id)
                    s.add(row)
                _fill(row, factor, user, stamp)
                add_audit_row(s, at=stamp, user=user, action="factor", entity_id=root,
                              year=year, old_value=current.value_text if current else None,
                              new_value=factor.value_text, reason=reason, source=source,
                              factor=factor.id)
                written += 1
                stored.append(factor._replace(changed_by=user, changed_at=stamp))
            if moves and restatement is not None and written:
                write_restatements(s, moves, restatement, self._ids(), user, stamp,
                                   source=f"factors of {year}: {reason}")
        return stored, written

    # -- within a transaction -----------------------------------------------------------
    @staticmethod
    def _root_id(s: Session) -> int:
        from sqlalchemy import text

        root = s.execute(text("SELECT id FROM entity WHERE parent_id IS NULL ORDER BY id "
                              "LIMIT 1")).scalar()
        if root is None:
            raise EsgdeskError("the database has no entities yet; add the group first",
                               "数据库中还没有主体；请先添加集团", kind="no_entities")
        return int(root)

    def _own_copy(self, s: Session, year: int, user: str, stamp: str, root: int) -> None:
        """Give a year reading an earlier year's set its own copy of that set."""
        from sqlalchemy import func, select

        from esgdesk.storage.models import Factor

        if s.scalar(select(func.count()).select_from(Factor).where(Factor.year == year)):
            return
        earlier = s.scalar(select(func.max(Factor.year)).where(Factor.year < year))
        if earlier is None:
            return
        reason = f"{year} given its own copy of {earlier}'s factors before they changed"
        for row in s.scalars(select(Factor).where(Factor.year == earlier)
                             .order_by(Factor.factor_id)).all():
            copy = Factor(year=year, factor_id=row.factor_id)
            _fill(copy, _read(row), row.changed_by, row.changed_at)
            s.add(copy)
            add_audit_row(s, at=stamp, user=user, action="factor", entity_id=root, year=year,
                          old_value=None, new_value=row.value, reason=reason,
                          source=f"factors of {earlier}", factor=row.factor_id)
        s.flush()


def shipped_factors(set_ids: Sequence[str]) -> list[FactorValue]:
    """The factors of shipped sets as a year would store them (a later set overrides an
    earlier one's ids; a factor not verified comes without its value)."""
    from esgdesk.model.factors import factor_set

    chosen: dict[str, FactorValue] = {}
    for set_id in set_ids:
        for shipped in factor_set(set_id).factors:
            chosen[shipped.id] = FactorValue(
                shipped.id, shipped.value if shipped.verified else None, shipped.unit,
                shipped.gas, shipped.region, shipped.data_year, set_id, shipped.source,
                shipped.table, shipped.verified)
    return list(chosen.values())


def _fill(row: Any, factor: FactorValue, user: str, stamp: str) -> None:
    row.value = factor.value_text
    row.unit = factor.unit
    row.gas = factor.gas
    row.region = factor.region
    row.data_year = factor.data_year
    row.set_id = factor.set_id
    row.source = factor.source
    row.table_ref = factor.table_ref
    row.verified = factor.verified
    row.changed_by = user
    row.changed_at = stamp
