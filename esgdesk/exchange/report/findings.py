"""The findings sheet: every finding of the year with its rule, message and explanation, and
the text figures printed without the workbook's language."""

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
from esgdesk.rules.validation import RULES


class FindingsSheet(ReportBase):
    """The findings sheet."""

    def _findings(self) -> Page:
        lang = self.lang
        heading = self.cells.style("bold", "header", "border", "middle")
        text = self.cells.style("border", "wrap")
        page = Page(least={0: 8, 1: 8, 2: 12, 3: 6, 4: 12, 5: 50, 6: 30},
                    most={0: 12, 1: 12, 2: 30, 3: 8, 4: 22, 5: 70, 6: 40})
        page.add(Line({n: Cell(word(k, lang), heading) for n, k in enumerate(
            ("severity", "state", "entity", "year", "rule", "message", "explanation"))}))
        for finding in self.findings:
            state = word("explained" if finding.explained else "open_state", lang)
            kind = RULES.get(finding.rule)
            values = [word(finding.severity, lang), state, self._name(finding.entity),
                      finding.year, kind.title(lang) if kind is not None else finding.rule,
                      finding.message(lang), finding.explanation or None]
            page.add(Line({n: Cell(v, text) for n, v in enumerate(values)}))
        self._estimate_lines(page, text)
        self._untranslated_lines(page, text)
        return page

    def _estimate_lines(self, page: Page, text: Any) -> None:
        """For each table holding estimates, the share of its figures of the year that
        are estimates (the figures typed in it, over the entity's tree)."""
        lang, year = self.lang, self.year
        estimates = self._estimates()
        if not any(key[2] == year for key in estimates):
            return
        codes = self.tree.subtree(self.entity)
        held = self.figures.book.values
        for table in self.catalogue.tables.values():
            typed = [i for i in dict.fromkeys(table.indicators())
                     if i in self.catalogue.indicators
                     and self.catalogue.indicators[i].formula is None]
            filled = [(code, i) for code in codes for i in typed
                      if (stored := held.get((code, i, year))) is not None
                      and stored.value is not None]
            counted_estimates = sum(1 for code, i in filled if (code, i, year) in estimates)
            if not counted_estimates:
                continue
            share = round(100 * counted_estimates / len(filled))
            title = table.title(lang, year)
            message = (f"“{title}”：{len(filled)} 个数据中 {counted_estimates} 个为估算值"
                       f"（{share}%）。" if lang == "zh" else
                       f"'{title}': {counted_estimates} of {len(filled)} figures are "
                       f"estimates ({share} %).")
            values = [word("info", lang), word("open_state", lang), self._name(self.entity),
                      year, word("rule_estimates", lang), message, None]
            page.add(Line({n: Cell(v, text) for n, v in enumerate(values)}))

    def _untranslated(self) -> list[tuple[str, int, Indicator]]:
        """The text figures the workbook prints without its language (entity, year,
        indicator): held in the other language only, shown as held."""
        found = []
        for (entity, indicator_id, year), stored in sorted(self.figures.book.values.items()):
            indicator = self.catalogue.indicators.get(indicator_id)
            if indicator is None or indicator.type.numeric or stored.value is None:
                continue
            if indicator.type.lacks(stored.value, self.lang):
                found.append((entity, year, indicator))
        return found

    def _untranslated_lines(self, page: Page, text: Any) -> None:
        """On the findings sheet, each text figure printed without the workbook's language."""
        lang = self.lang
        for entity, year, indicator in self.untranslated:
            label = indicator.label(lang)
            message = (f"“{label}”没有中文，本工作簿印出其所填的文字。" if lang == "zh" else
                       f"'{label}' has no English; the workbook prints it as typed.")
            values = [word("info", lang), word("open_state", lang), self._name(entity), year,
                      word("rule_language", lang), message, None]
            page.add(Line({n: Cell(v, text) for n, v in enumerate(values)}))
