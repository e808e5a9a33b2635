"""The report's indexes: the chapters against GRI and CASS-ESG, and each framework's
disclosures covered or not."""

from __future__ import annotations

from esgdesk.exchange.report.base import ReportBase
from esgdesk.exchange.report.page import (
    Cell,
    Line,
    Page,
)
from esgdesk.exchange.workbook import (
    unbroken,
    word,
)
from esgdesk.rules.coverage import coverage


class IndexSheets(ReportBase):
    """The index sheets."""

    def _index(self) -> Page:
        lang = self.lang
        heading = self.cells.style("bold", "header", "border", "middle")
        text = self.cells.style("border", "wrap")
        page = Page(least={0: 16, 1: 16, 2: 14, 3: 14}, most={0: 34, 1: 34, 2: 30, 3: 30})
        page.add(Line({n: Cell(t, heading) for n, t in enumerate(
            [word("chapter", lang), word("section", lang), "GRI Standards", "CASS-ESG 5.0"])}))
        for chapter in self.catalogue.chapters:
            title = f"{chapter.number} {chapter.title(lang, self.year)}".strip()
            for section in chapter.sections:
                values = [title, section.title(lang),
                          " / ".join(map(unbroken, section.gri)) or "/",
                          " / ".join(map(unbroken, section.cass)) or "/"]
                page.add(Line({n: Cell(v, text) for n, v in enumerate(values)}))
        return page

    def _filled(self) -> set[str]:
        """The indicators with a figure of the year: the same for every framework's index,
        found once for them all."""
        held: dict[tuple[str, int], set[str]] = self.__dict__.setdefault("_filled_ids", {})
        found = held.get((self.entity, self.year))
        if found is None:
            found = held[self.entity, self.year] = {
                i.id for i in self.catalogue.indicators.values()
                if self.value_of(i, self.year) is not None}
        return found

    def _framework_index(self, framework_id: str) -> Page:
        """A framework's disclosures, each covered (a figure of the year is held for an
        indicator mapped to it), collected but empty, or not covered."""
        lang = self.lang
        heading = self.cells.style("bold", "header", "border", "middle")
        text = self.cells.style("border", "wrap")
        page = Page(least={0: 8, 1: 30, 2: 12, 3: 30}, most={0: 12, 1: 60, 2: 20, 3: 60})
        page.add(Line({n: Cell(word(k, lang), heading) for n, k in enumerate(
            ("code", "disclosure", "state", "indicators"))}))
        for row in coverage(self.catalogue, framework_id, self._filled()):
            # A title read only in the other language is not shown in this one; one that
            # was never read says so once (it was not verified either).
            title = row.disclosure.title(lang)
            if not title:
                title = word("not_read", lang)
            elif not row.disclosure.verified:
                remark = word("not_verified", lang)
                title = f"{title}（{remark}）" if lang == "zh" else f"{title} ({remark})"
            labels = [self.catalogue.indicators[i].label(lang) for i in row.indicators]
            values = [unbroken(row.disclosure.code), title, row.word(lang),
                      "; ".join(labels) or None]
            page.add(Line({n: Cell(v, text) for n, v in enumerate(values)}))
        return page
