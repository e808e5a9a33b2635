"""The report's tables: a sheet per chapter (or per direct child, all chapters), each table
as the report prints it with its footnotes, and the by-entity comparison."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from esgdesk.exchange.report.base import ReportBase
from esgdesk.exchange.report.page import (
    Cell,
    Line,
    Page,
)
from esgdesk.exchange.workbook import (
    sheet_name,
    word,
)
from esgdesk.model.catalogue import Chapter, Indicator, Label, Table
from esgdesk.model.formula import GRID
from esgdesk.model.layout import FigureRef, ReportGrid, SiteInfo
from esgdesk.model.method import choices, chosen_names
from esgdesk.model.restatement import restated_words
from esgdesk.model.states import is_state_text
from esgdesk.model.types import canonical
from esgdesk.rules.consolidate import Missing, missing_words
from esgdesk.rules.figures import rounded
from esgdesk.rules.targets import Progress, target_progress
from esgdesk.storage.store import PrintedFigure


class TableSheets(ReportBase):
    """Chapter, child and by-entity sheets."""

    def _chapter(self, book: Any, chapter: Chapter, step: Callable[[str], None]) -> None:
        title = f"{chapter.number} {chapter.title(self.lang, self.year)}".strip()
        sheet = book.add_worksheet(sheet_name(chapter.sheet_title(self.lang, self.year),
                                                self.taken))
        page = self._table_page()
        page.add(Line({0: Cell(title, self.cells.style("title"))}, spanning=True))
        page.gap()
        for table in chapter.tables:
            self._table(page, table, self.entity)
            page.gap()
            step(table.id)
        self._put(page, sheet, freeze=(2, 1))

    def _child_sheet(self, book: Any, child: str) -> None:
        """Every chapter's tables for one direct child, on one sheet named after it."""
        title = self._name(child)
        sheet = book.add_worksheet(sheet_name(title, self.taken))
        page = self._table_page()
        page.add(Line({0: Cell(title, self.cells.style("title"))}, spanning=True))
        page.gap()
        for chapter in self.catalogue.chapters:
            heading = f"{chapter.number} {chapter.title(self.lang, self.year)}".strip()
            page.add(Line({0: Cell(heading, self.cells.style("title"))}, spanning=True,
                          keep=2))  # with its first table's title
            page.gap()
            for table in chapter.tables:
                self._table(page, table, child)
                page.gap()
        self._put(page, sheet, freeze=(2, 1))

    @staticmethod
    def _table_page() -> Page:
        return Page(least={0: 24, 1: 6}, most={0: 60, 1: 30})

    def _table(self, page: Page, table: Table, entity: str) -> None:
        """A table as the report prints it: its title, header row, rows, footnotes and its
        own numbered notes."""
        lang = self.lang
        page.add(Line({0: Cell(table.title(lang, self.year), self.cells.style("bold"))},
                      spanning=True, keep=3))  # on the page of its header and first rows
        grid = ReportGrid(self.catalogue, table, entity, self.year, self._sites(table, entity))
        heading = self.cells.style("bold", "header", "centre", "border")
        page.add(Line({n: Cell(c.heading(lang), heading) for n, c in enumerate(grid.columns)},
                      header=True))
        first = len(page.lines)
        if table.layout == "matrix":
            self._matrix_rows(page, grid)
        else:
            self._figure_rows(page, grid)
        if len(page.lines) - first > 2:
            page.lines[-2].keep = 1  # no page holds the table's last row alone
        for note in table.notes:  # the report's 注1, 注2 … under the table
            page.add(Line({0: Cell(note.printed(lang, self.year), self.cells.style("note"))},
                          spanning=True))
        targets = self.catalogue.targets_of(table)
        if targets:
            for found in target_progress(self.store, self.catalogue, targets, entity,
                                         self.year):
                page.add(Line({0: Cell(self._progress(found), self.cells.style("note"))},
                              spanning=True))

    def _sites(self, table: Table, entity: str) -> list[SiteInfo]:
        """The table's sites under the entity; without any, one column a year for the entity
        itself, headed by the year alone."""
        below = {e.code: e for e in self.tree.descendants(entity)}
        return [SiteInfo(code, Label(below[code].name_zh, below[code].name_en))
                for code in table.sites if code in below] or [SiteInfo(entity, Label("", ""))]

    def _label_cell(self, text: str, indent: int) -> Cell:
        if indent:
            return Cell(text, self.cells.style("border", "middle", indent=indent))
        return Cell(text, self.cells.style("border", "middle"))

    def _figure_rows(self, page: Page, grid: ReportGrid) -> None:
        lang = self.lang
        width = len(grid.columns)
        group = self.cells.style("bold", "group", "border", "middle")
        restated: list[tuple[str, int, Indicator, Any]] = []
        incomplete: list[tuple[str, int, str]] = []
        overridden: list[tuple[str, Indicator, FigureRef, PrintedFigure]] = []
        estimated: list[tuple[str, int, list[str]]] = []
        for index, item in enumerate(grid.rows):
            label = grid.row_label(index, lang)
            if item.kind == "group":
                line = Line({0: Cell(label, group)}, keep=1)  # with its first row
                for column in range(1, width):
                    line.cells[column] = Cell(None, self.cells.style("group", "border"))
                page.add(line)
                continue
            line = Line({0: self._label_cell(label, item.indent),
                         1: Cell(grid.row_unit(index, lang), self.cells.style("border",
                                                                               "centre"))})
            for column in range(2, width):
                ref = grid.figure(index, column)
                if ref is None:
                    continue
                indicator = self.catalogue.indicators[ref.indicator]
                value = self.value_of(indicator, ref.year, ref.entity)
                style = (self.cells.style("border", num_format=indicator.type.entry_format())
                         if indicator.type.numeric else self.cells.style("border", "wrap"))
                comment = None
                if indicator.formula is not None:
                    comment = self._method(indicator, ref.year)
                methods = self.estimated(ref.entity, indicator.id, ref.year) \
                    if value is not None and indicator.formula is None else []
                if methods:  # an estimate says so, and how it was made
                    said = f"{word('estimated', lang)}: {'; '.join(sorted(set(methods)))}"
                    comment = f"{comment}\n{said}" if comment else said
                    estimated.append((indicator.label(lang, ref.year), ref.year, methods))
                line.cells[column] = Cell(value, style, comment)
                if value is None and indicator.type.numeric:
                    found = self.figures.figure(ref.entity, indicator.id, ref.year)
                    if found.partial:
                        # the indicator's own name: a row's label ("Natural gas") may
                        # stand for different figures in different tables
                        incomplete.append((indicator.label(lang, ref.year), ref.year,
                                           self._missing(found.missing)))
                stored = self.figures.book.stored(ref.entity, indicator.id, ref.year)
                if stored is not None and stored.published is not None:
                    restated.append((label, ref.year, indicator, stored))
                printed = self.printed(indicator, ref.year, ref.entity)
                if printed is not None:
                    overridden.append((label, indicator, ref, printed))
            page.add(line)
        for label, year, indicator, stored in restated:  # footnotes, as GRI 2-4 asks
            page.add(Line({0: Cell(self._restatement(label, year, indicator, stored),
                                   self.cells.style("note"))}, spanning=True))
        self._printed_notes(page, overridden)
        for label, year, methods in estimated:  # how each estimate was made
            how = "; ".join(sorted(set(methods)))
            text = (f"* {label} {year} 年为估算值：{how}" if lang == "zh" else
                    f"* {label} {year} is an estimate: {how}")
            page.add(Line({0: Cell(text, self.cells.style("note"))}, spanning=True))
        for label, year, missing in incomplete:  # a total never printed smaller than it is
            text = (f"† {label} {year} 年：不完整，未列示；缺 {missing}" if lang == "zh" else
                    f"† {label} {year}: incomplete, not printed; missing {missing}")
            page.add(Line({0: Cell(text, self.cells.style("note"))}, spanning=True))

    def _progress(self, found: Progress) -> str:
        """A target and its progress in the reporting year, as a line under its table."""
        target, lang = found.target, self.lang
        indicator = self.catalogue.indicators[target.indicator]

        def shown(number: Decimal | None) -> str:
            if number is None:
                return "—"
            return f"{indicator.type.format(str(rounded(indicator, number)))} " \
                f"{indicator.unit(lang)}".strip()

        def per_cent(number: Decimal) -> str:
            return canonical(number.quantize(Decimal("0.1"), ROUND_HALF_UP))

        base, year = target.base_year, found.year
        asked = canonical(target.reduction)
        names = self.everyone.names()

        def named(codes: tuple[str, ...]) -> str:
            index = 0 if lang == "zh" else 1
            return ("、" if lang == "zh" else ", ").join(
                names[c][index] if c in names else c for c in codes)

        if lang == "zh":
            restated = "".join((
                f"（{base} 年不含 {named(found.without)}）" if found.without else "",
                f"（{year} 年不含 {named(found.lacking)}，同口径比较）"
                if found.lacking else ""))
        else:
            restated = "".join((
                f" ({base} without {named(found.without)})" if found.without else "",
                f" ({year} without {named(found.lacking)}, like for like)"
                if found.lacking else ""))
        if lang == "zh":
            head = (f"目标：{target.label(lang, year)}（以 {base} 年为基准，{target.target_year} "
                    f"年前降低 {asked}%）：{base} 年 {shown(found.base)}，{year} 年 "
                    f"{shown(found.current)}{restated}")
            if found.reduced is None or found.share is None:
                return f"{head}；数据不全，无法计算进展"
            if found.reduced < 0:
                return f"{head}，较基准年上升 {per_cent(-found.reduced)}%，尚未降低"
            return (f"{head}，较基准年降低 {per_cent(found.reduced)}%，完成目标的 "
                    f"{per_cent(found.share)}%" + ("（已达成）" if found.met else ""))
        head = (f"Target: {target.label(lang, year)} (−{asked} % by {target.target_year} "
                f"against {base}): {base} {shown(found.base)}, {year} "
                f"{shown(found.current)}{restated}")
        if found.reduced is None or found.share is None:
            return f"{head}; progress cannot be worked out, a figure is missing"
        if found.reduced < 0:
            return f"{head}; up {per_cent(-found.reduced)} % from {base}, not reduced yet"
        return (f"{head}; reduced {per_cent(found.reduced)} % from {base}, "
                f"{per_cent(found.share)} % of the target" + (" (met)" if found.met else ""))

    def _printed_notes(self, page: Page, overridden: list[tuple[str, Indicator, FigureRef,
                                                                 PrintedFigure]]) -> None:
        """A footnote for each computed figure printed as the report rounds it: what was
        computed, and why it prints otherwise."""
        for label, indicator, ref, printed in overridden:
            number = self.figures.whole(ref.entity, indicator.id, ref.year)
            computed = "—" if number is None else indicator.type.format(
                str(rounded(indicator, number)))
            shown = indicator.type.format(printed.printed)
            text = (f"‡ {label} {ref.year} 年：按报告取舍印为 {shown}，计算值为 {computed}"
                    f"（{printed.reason}）" if self.lang == "zh" else
                    f"‡ {label} {ref.year}: printed as {shown}, computed {computed} "
                    f"({printed.reason})")
            page.add(Line({0: Cell(text, self.cells.style("note"))}, spanning=True))

    def _missing(self, missing: Missing) -> str:
        names = self.everyone.names()
        return missing_words(missing, names, self.catalogue, self.lang, most=12)

    def _method(self, indicator: Indicator, year: int) -> str:
        """How a computed figure is made, for its cell's comment: the formula, each factor
        with its value and set, and, for a figure summed over sites, that it is."""
        formula = indicator.formula
        assert formula is not None
        lines = [f"{word('computed', self.lang)}: {formula.text}"]
        known = self.store.factors(year) if formula.factors else {}
        chosen = chosen_names()
        for name in formula.factors:
            if name == GRID:
                lines.append(f"factor.grid: {word('grid_method', self.lang)}")
                continue
            if name in chosen:
                lines.append(f"factor.{name}: {self._chosen_words(name)}")
                continue
            factor = known.get(name)
            value = f"{factor.value_text} {factor.unit} ({factor.set_id or factor.source})" \
                if factor is not None and factor.value is not None else "—"
            lines.append(f"factor.{name} = {value}")
        if indicator.aggregation == "sum":
            lines.append(word("summed_method", self.lang))
        return "\n".join(lines)

    def _chosen_words(self, name: str) -> str:
        """What a choice's factor name reads: the database's option, or (chosen per site)
        where to find each site's."""
        choice = next(c for c in choices().values()
                      if any(name in o.reads for o in c.options.values()))
        if choice.scope == "entity":
            return f"{choice.label(self.lang)}: {word('chosen_method', self.lang)}"
        option = self.figures.factors.option(choice, self.entity)
        return f"{choice.label(self.lang)}: {option.label(self.lang)}"

    def _restatement(self, label: str, year: int, indicator: Indicator, stored: Any) -> str:
        published = (stored.published if is_state_text(stored.published)
                     else indicator.type.display(stored.published, self.lang))
        kind, why = restated_words(stored.restated, self.lang)
        if self.lang == "zh":
            return f"* {label} {year} 年：已重述（{kind}：{why}），原披露数据 {published}"
        return f"* {label} {year}: restated ({kind}: {why}); published: {published}"

    def _matrix_rows(self, page: Page, grid: ReportGrid) -> None:
        """A matrix's cells for the reporting year; a percentage prints with a % format."""
        lang = self.lang
        group = self.cells.style("bold", "group", "border", "middle")
        overridden: list[tuple[str, Indicator, FigureRef, PrintedFigure]] = []
        for index, item in enumerate(grid.rows):
            label = grid.row_label(index, lang)
            if item.kind == "group":
                page.add(Line({0: Cell(label, group)}, keep=1))
                continue
            line = Line({0: self._label_cell(label, item.indent)})
            for column in range(1, len(grid.columns)):
                ref = grid.figure(index, column)
                if ref is None:
                    line.cells[column] = Cell(None, self.cells.style("border"))
                    continue
                indicator = self.catalogue.indicators[ref.indicator]
                style = self.cells.style("border", "centre", **(
                    {"num_format": indicator.type.report_format()}
                    if indicator.type.numeric else {}))
                line.cells[column] = Cell(self._report_value(indicator, ref), style)
                printed = self.printed(indicator, ref.year, ref.entity)
                if printed is not None:
                    overridden.append((label, indicator, ref, printed))
            page.add(line)
        self._printed_notes(page, overridden)

    def _report_value(self, indicator: Indicator, ref: FigureRef) -> Any:
        mark = self._mark(indicator, ref.year, ref.entity)
        if not indicator.type.numeric or mark is not None:
            return self.value_of(indicator, ref.year, ref.entity)
        printed = self.printed(indicator, ref.year, ref.entity)
        if printed is not None:
            return indicator.type.report_number(Decimal(printed.printed))
        number = self.figures.whole(ref.entity, indicator.id, ref.year)
        return None if number is None else indicator.type.report_number(
            rounded(indicator, number))

    def _comparison(self, book: Any) -> None:
        """One column per entity (the parent, then each direct child) for the reporting year."""
        lang = self.lang
        entities = [self.entity, *self.figures.children_in(self.entity, self.year)]
        sheet = book.add_worksheet(sheet_name(word("by_entity", lang), self.taken))
        heading = self.cells.style("bold", "header", "centre", "border")
        page = Page(least={0: 24, 1: 6}, most={0: 60, 1: 18})
        page.add(Line({n: Cell(text, heading) for n, text in enumerate(
            [word("indicator", lang), word("unit", lang), *(self._name(e) for e in entities)])}))
        columns = [self.figures.figures(e, self.year) for e in entities]
        label_style = self.cells.style("middle")
        for chapter in self.catalogue.chapters:
            seen: set[str] = set()
            page.add(Line({0: Cell(f"{chapter.number} {chapter.title(lang, self.year)}".strip(),
                                   self.cells.style("bold", "group"))}, spanning=True,
                          keep=2))
            for table in chapter.tables:
                for indicator_id in table.indicators():
                    indicator = self.catalogue.indicators[indicator_id]
                    if indicator_id in seen or not indicator.type.numeric:
                        continue
                    seen.add(indicator_id)
                    number_style = self.cells.style(num_format=indicator.type.entry_format())
                    line = Line({0: Cell(indicator.label(lang), label_style),
                                 1: Cell(indicator.unit(lang), label_style)})
                    for column, (entity, figures) in enumerate(zip(entities, columns,
                                                                   strict=True), start=2):
                        number = figures.get(indicator_id)
                        mark = self._mark(indicator, self.year, entity)
                        printed = self.printed(indicator, self.year, entity)
                        line.cells[column] = Cell(
                            mark if mark is not None or (number is None and printed is None)
                            else self.value_of(indicator, self.year, entity) if printed
                            else self._number(indicator, number), number_style)
                    page.add(line)
        self._put(page, sheet, freeze=(1, 2))
