"""The factor values a formula reads, for an entity and a year: the year's factors as stored
in the database ("factor.<id>"); `factor.grid`, the grid factor of the entity's province
(`grid.<province>`), else of its regional grid (`grid.huazhong`), else the national one
(`grid.national`): see storage.factors.grid_id; and the names a choice of the method reads
(resources/method.toml: `factor.grid_market`, `factor.natural_gas_ncv`), each the stored factor
of the option chosen for the database or the entity, else of the default."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from esgdesk.model.formula import FACTOR, GRID
from esgdesk.storage.factors import FactorValue, grid_id

if TYPE_CHECKING:
    from esgdesk.model.method import Choice, Option
    from esgdesk.storage.store import Store


def set_words(set_id: str | None, lang: str) -> str:
    """A shipped factor set named in words in a language (its title), any other as its id."""
    from esgdesk.model.factors import factor_set, factor_set_ids

    if not set_id or set_id not in factor_set_ids():
        return set_id or ""
    title = factor_set(set_id).title
    return title.get(lang) or title.get("en") or set_id


class FactorValues:
    """Factor values by entity and year: every year's read at once, when first asked. A
    change not yet made (a province, a year's factors) can be tried on a copy first, to see
    what it would move (rules.published)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._by_year: dict[int, dict[str, FactorValue]] | None = None
        self._stored: dict[int, dict[str, FactorValue]] = {}
        self._numbers: dict[int, dict[str, Decimal]] = {}
        # an entity's, by entity and year (a group's validation asks each many times)
        self._of_entity: dict[tuple[str, int], EntityFactors] = {}
        self._provinces = {e.code: e.province for e in store.entities()}
        self._chosen = store.settings_under("method.")
        self._by_name: dict[str, Choice] | None = None

    @property
    def _choices(self) -> dict[str, Choice]:
        """The method's choices by each name a formula reads through one (the method's file
        is read when a formula with factors is first worked out)."""
        if self._by_name is None:
            from esgdesk.model.method import choices

            self._by_name = {name: choice for choice in choices().values()
                             for option in choice.options.values() for name in option.reads}
        return self._by_name

    # -- trying a change ------------------------------------------------------------------
    def assume_province(self, entity: str, province: str | None) -> None:
        """Read the entity as if it were in this province."""
        self._provinces[entity] = province
        self._of_entity.clear()

    def assume_choice(self, choice: Choice, entity: str | None, option: str) -> None:
        """Read as if this option were chosen (for the database, or an entity)."""
        self._chosen[choice.setting_key(entity)] = option
        self._of_entity.clear()

    def assume_factors(self, year: int, factors: Mapping[str, FactorValue]) -> None:
        """Read the year as if it held these factors (its own set, as stored after the
        change: the set it reads now, with these over it)."""
        self.year(year)
        assert self._by_year is not None
        self._by_year[year] = {**self._stored[year], **factors}
        self._stored.clear()
        self._numbers.clear()
        self._of_entity.clear()

    # -- reading --------------------------------------------------------------------------
    def year(self, year: int) -> dict[str, Decimal]:
        """The year's known factor values, as formulas name them ("factor.ncv.diesel"):
        those of the latest year up to it that holds any (as `Store.factors` reads them)."""
        if year not in self._numbers:
            if self._by_year is None:
                self._by_year = self.store.factors_by_year()
            held = [y for y in self._by_year if y <= year]
            self._stored[year] = self._by_year[max(held)] if held else {}
            self._numbers[year] = {FACTOR + factor_id: factor.value
                                   for factor_id, factor in self._stored[year].items()
                                   if factor.value is not None}
        return self._numbers[year]

    def grid(self, entity: str, year: int) -> str:
        """The id of the grid factor an entity's `factor.grid` reads in a year."""
        self.year(year)
        return grid_id(self._stored[year], self._provinces.get(entity))

    def option(self, choice: Choice, entity: str) -> Option:
        """The option in force for an entity: its own (a per-entity choice), else the
        database's, else the default."""
        key = choice.setting_key(entity if choice.scope == "entity" else None)
        chosen = self._chosen.get(key, choice.default)
        return choice.options.get(chosen, choice.options[choice.default])

    def chosen(self, entity: str, names: tuple[str, ...]) -> list[tuple[Choice, Option]]:
        """The choices a formula's names go through, each with the option in force."""
        found = {self._choices[n].id: self._choices[n] for n in names if n in self._choices}
        return [(choice, self.option(choice, entity)) for choice in found.values()]

    def resolve(self, entity: str, year: int, name: str) -> str:
        """The stored factor id a formula's factor name reads for an entity in a year."""
        choice = self._choices.get(name)
        if choice is not None:
            name = self.option(choice, entity).reads[name]
        return self.grid(entity, year) if name == GRID else name

    def used(self, entity: str, year: int, names: tuple[str, ...]) -> list[FactorValue]:
        """The stored factors a formula's names take for an entity ("grid": its
        province's; a choice's: the option's), those the year holds."""
        self.year(year)
        stored = self._stored[year]
        ids = [self.resolve(entity, year, name) for name in names]
        return [stored[i] for i in ids if i in stored]

    def __call__(self, entity: str, year: int) -> Mapping[str, Decimal]:
        """The factor values an entity's formulas read in a year (read it, do not change
        it), each worked out once, when first read."""
        found = self._of_entity.get((entity, year))
        if found is None:
            found = self._of_entity[entity, year] = EntityFactors(self, entity, year)
        return found

    def value(self, entity: str, year: int, name: str) -> Decimal | None:
        """What a formula's factor name ("ncv.diesel", "grid", a choice's name) reads for an
        entity in a year: as `self(entity, year)` holds it under "factor.<name>"."""
        known = self.year(year)
        if name == GRID or name in self._choices:
            found = known.get(FACTOR + self.resolve(entity, year, name))
            if found is not None:
                return found
        return known.get(FACTOR + name)

    def every_value(self, entity: str, year: int) -> dict[str, Decimal]:
        """Every factor value an entity reads in a year, by the names formulas give them:
        the year's stored factors, and the grid's and each choice's names as resolved."""
        known = self.year(year)
        extra: dict[str, Decimal] = {}
        for name in (GRID, *self._choices):
            value = known.get(FACTOR + self.resolve(entity, year, name))
            if value is not None:
                extra[FACTOR + name] = value
        return {**known, **extra} if extra else known

    # -- saying how ----------------------------------------------------------------------
    def grid_basis(self, entity: str, year: int, lang: str) -> str:
        """Why an entity's grid factor is the one it is: its province's, its regional
        grid's (its province has none), or the national one."""
        from esgdesk.model.provinces import known_province, regions

        grid = self.grid(entity, year)
        province = known_province(self._provinces.get(entity))
        if province is None:
            return "无所在省份：全国电网平均排放因子" if lang == "zh" else \
                "no province: the national grid factor"
        if grid == f"grid.{province.id}":
            return f"{province.zh}的省级因子" if lang == "zh" else \
                f"{province.en}'s provincial factor"
        region = regions().get(province.region)
        if region is not None and grid == f"grid.{region.id}":
            return (f"{province.zh}无省级因子：{region.zh}区域因子" if lang == "zh" else
                    f"no provincial factor for {province.en}: the {region.en} regional factor")
        return (f"{province.zh}无省级或区域因子：全国因子" if lang == "zh" else
                f"no provincial or regional factor for {province.en}: the national one")

    def describe(self, entity: str, year: int, names: tuple[str, ...],
                 lang: str) -> list[str]:
        """How a formula's factors were taken for an entity in a year, a line each: the
        choices of the method in force, then each factor with its value, unit, the stored
        factor it is, its data year and set (or that the year has none)."""
        self.year(year)
        stored = self._stored[year]
        lines = []
        for choice, option in self.chosen(entity, names):
            default = choice.default == option.id
            mark = ("（默认）" if lang == "zh" else " (default)") if default else ""
            lines.append(f"{choice.label(lang)}: {option.label(lang)}{mark}")
        for name in names:
            factor_id = self.resolve(entity, year, name)
            factor = stored.get(factor_id)
            if factor is None or factor.value is None:
                lines.append(f"factor.{name} ({factor_id}): " +
                             (f"{year} 年无此因子" if lang == "zh" else f"none for {year}"))
                continue
            where = [] if factor_id == name else [factor_id]
            if factor.data_year is not None:
                where.append(f"数据年份 {factor.data_year}" if lang == "zh"
                             else f"data year {factor.data_year}")
            where.append(set_words(factor.set_id, lang) or factor.source)
            if factor_id.startswith("grid."):
                where.append(self.grid_basis(entity, year, lang)
                             if self.resolve(entity, year, GRID) == factor_id else "")
            lines.append(f"factor.{name} = {factor.value_text} {factor.unit} "
                         f"({'; '.join(w for w in where if w)})")
        return lines


class EntityFactors(Mapping[str, Decimal]):
    """The factor values an entity reads in a year (`FactorValues.every_value`), each name
    worked out when it is read: a formula reading none of the grid's or the method's names
    needs neither the provinces' file nor the method's."""

    def __init__(self, values: FactorValues, entity: str, year: int) -> None:
        self._values, self._entity, self._year = values, entity, year
        self._every: dict[str, Decimal] | None = None
        self._read: dict[str, Decimal | None] = {}  # each name as first read

    def every(self) -> dict[str, Decimal]:
        """Every factor value the entity reads in the year, as a dict (read it, do not
        change it)."""
        if self._every is None:
            self._every = self._values.every_value(self._entity, self._year)
        return self._every

    def get(self, key: str, default: Decimal | None = None) -> Decimal | None:  # type: ignore[override]
        """As Mapping.get, without raising and catching a KeyError for a factor the year
        lacks (a group's formulas ask hundreds of thousands of times)."""
        if self._every is not None:
            return self._every.get(key, default)
        read = self._read
        if key in read:
            found = read[key]
        else:
            found = read[key] = self._values.value(
                self._entity, self._year, key.removeprefix(FACTOR)) \
                if key.startswith(FACTOR) else None
        return default if found is None else found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> Decimal:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.every())

    def __len__(self) -> int:
        return len(self.every())
