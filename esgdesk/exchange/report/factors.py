"""The factors used: every factor that entered a figure of the export, and the method's
choices in force."""

from __future__ import annotations

from typing import Any

from esgdesk.exchange.report.base import ReportBase
from esgdesk.exchange.report.page import (
    Cell,
    Line,
    Page,
)
from esgdesk.exchange.workbook import (
    word,
)
from esgdesk.model.catalogue import Indicator
from esgdesk.model.method import choices
from esgdesk.storage.factors import FactorValue


class FactorsSheet(ReportBase):
    """The factors-used sheet."""

    def factors_used(self) -> dict[str, FactorValue | None] | None:
        """Every factor that entered a figure of the export, by id (None: the year holds no
        such factor): the factors read by the formula of each indicator computed for the
        year, for the entity or one in its tree (its figure is there, or all its components
        are), but a parent's summed figures, which read their children's factors;
        `factor.grid` as the grid factor of that entity's province (else its region's, else
        the national one), a choice's name as the option in force's factor. None when no
        formula of the edition reads a factor."""
        held = self.store.factors(self.year)
        used: dict[str, FactorValue | None] = {}
        reading = self._reading()
        if not reading:
            return None
        for code, indicator in self._computed_here(reading):
            for name in indicator.formula.factors if indicator.formula else ():
                resolved = self.figures.factors.resolve(code, self.year, name)
                used.setdefault(resolved, held.get(resolved))
        return dict(sorted(used.items()))

    def _reading(self) -> list[Indicator]:
        """The edition's indicators whose formulas read factors."""
        return [i for i in self.catalogue.indicators.values()
                if i.formula is not None and getattr(i.formula, "factors", ())]

    def _computed_here(self, reading: list[Indicator]) -> list[tuple[str, Indicator]]:
        """(entity, indicator) for each factor-reading figure computed at an entity of the
        export's tree with its own factors (a parent's summed figures are its children's)."""
        found = []
        for code in self.figures.children:  # the exported entity and its tree
            numbers = self.figures.figures(code, self.year)
            parent = bool(self.tree.children(code))
            for indicator in reading:
                assert indicator.formula is not None
                if parent and indicator.aggregation == "sum":
                    continue  # summed from its children's figures: no factor of its own
                if indicator.id not in numbers and not all(
                        c in numbers for c in indicator.formula.indicators):
                    continue
                found.append((code, indicator))
        return found

    def _factors_page(self, used: dict[str, FactorValue | None]) -> Page:
        lang = self.lang
        heading = self.cells.style("bold", "header", "border", "middle")
        text = self.cells.style("border", "wrap")
        page = Page(least={0: 14, 1: 10, 2: 8, 3: 8, 4: 8, 5: 30, 6: 20},
                    most={0: 36, 1: 14, 2: 14, 3: 12, 4: 10, 5: 60, 6: 40})
        page.add(Line({n: Cell(word(k, lang), heading) for n, k in enumerate(
            ("factor", "value", "unit", "region", "data_year", "source", "table"))}))
        for factor_id, factor in used.items():
            if factor is None:
                page.add(Line({0: Cell(factor_id, text)}))
                continue
            page.add(Line({0: Cell(factor.id, text), 1: self._factor_value(factor, text),
                           2: Cell(factor.unit or None, text),
                           3: Cell(factor.region or None, text),
                           4: Cell(factor.data_year, text),
                           5: Cell(factor.source or None, text),
                           6: Cell(factor.table_ref or None, text)}))
        self._method_lines(page, used, heading, text)
        return page

    def _factor_value(self, factor: FactorValue, text: Any) -> Cell:
        """A factor's value as a number, shown with the places it was printed with."""
        if factor.value is None:
            return Cell(None, text)
        places = max(-factor.value.as_tuple().exponent, 0)  # type: ignore[operator]
        return Cell(float(factor.value), self.cells.style(
            "border", valign="top", num_format="0." + "0" * places if places else "0"))

    def _method_lines(self, page: Page, used: dict[str, FactorValue | None], heading: Any,
                      text: Any) -> None:
        """Below the factors: the method's choices for the database, each site's grid
        factor with its data year and basis and its choices, and whether the year's grid
        factors mix data years."""
        lang, values = self.lang, self.figures.factors
        computed = self._computed_here(self._reading())
        names = tuple(dict.fromkeys(n for _code, i in computed
                                    for n in (i.formula.factors if i.formula else ())))
        page.gap()
        page.add(Line({0: Cell(word("method", lang), heading),
                       1: Cell(word("method_choice", lang), heading)}))
        for choice in choices().values():
            reads = [n for o in choice.options.values() for n in o.reads]
            # a choice of factors where this export computes with them; one of the method
            # as a whole (the consolidation approach) always
            if choice.scope != "database" or (reads and not any(n in names for n in reads)):
                continue
            option = values.option(choice, self.entity)
            mark = "" if option.id != choice.default else word("default_mark", lang)
            page.add(Line({0: Cell(choice.label(lang), text),
                           1: Cell(f"{option.label(lang)}{mark}", text)}))
        page.gap()
        page.add(Line({n: Cell(word(k, lang), heading) for n, k in enumerate(
            ("entity", "grid_factor", "value", "data_year", "grid_basis", "entity_choices"))}))
        held = self.store.factors(self.year)
        for code in dict.fromkeys(code for code, _i in computed):
            grid = values.grid(code, self.year)
            factor = held.get(grid)
            own = [f"{c.label(lang)}: {o.label(lang)}" for c, o in values.chosen(code, names)
                   if c.scope == "entity"]
            page.add(Line({0: Cell(self._name(code), text), 1: Cell(grid, text),
                           2: self._factor_value(factor, text) if factor else Cell(None, text),
                           3: Cell(factor.data_year if factor else None, text),
                           4: Cell(values.grid_basis(code, self.year, lang), text),
                           5: Cell("; ".join(own) or None, text)}))
        vintages = sorted({f.data_year for f in used.values()
                           if f is not None and f.id.startswith("grid.") and f.data_year})
        if len(vintages) > 1:
            years = ", ".join(str(y) for y in vintages)
            page.gap()
            page.add(Line({0: Cell(
                f"本年所用电网排放因子来自不同数据年份（{years}）：某些省份最近读到的因子早于其他省份。"
                if lang == "zh" else
                f"The grid factors used this year are of more than one data year ({years}): "
                "for some provinces the latest factor read is older than for others.",
                self.cells.style("note"))}, spanning=True))
