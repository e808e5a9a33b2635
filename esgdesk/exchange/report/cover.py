"""The report's cover: company, scope, year, when and by what it was made, open findings."""

from __future__ import annotations

from datetime import datetime

from esgdesk import __version__
from esgdesk.exchange.report.base import ReportBase
from esgdesk.exchange.report.page import (
    Cell,
    Line,
    Page,
)
from esgdesk.exchange.workbook import (
    word,
)
from esgdesk.rules.validation import SEVERITIES


class CoverSheet(ReportBase):
    """The cover sheet."""

    def _cover(self) -> Page:
        lang = self.lang
        open_findings = [f for f in self.findings if not f.explained]
        counts = {s: sum(1 for f in open_findings if f.severity == s) for s in SEVERITIES}
        made_by = f"esgdesk {__version__} · {word('catalogue', lang)} {self.catalogue.version}"
        rows = [
            ("company", self._company()),
            ("scope", self._name(self.entity)),
            ("consolidation", self._approach()),
            ("year", self.year),
            ("made", datetime.now().strftime("%Y-%m-%d %H:%M")),
            ("by", made_by),
            ("open", finding_counts(counts, lang)),
        ]
        if self.untranslated:
            rows.append(("untranslated", untranslated_count(len(self.untranslated), lang)))
        # wide enough for the consolidation approach, which says what it means, on one line
        page = Page(least={0: 14, 1: 40}, most={0: 24, 1: 84})
        title = self.catalogue.report_name(lang, self.year, self._company())
        page.add(Line({0: Cell(title, self.cells.style("title"))}, spanning=True))
        page.gap()
        for key, value in rows:
            page.add(Line({0: Cell(word(key, lang), self.cells.style("bold", "middle")),
                           1: Cell(value, self.cells.style("middle", align="left"))}))
        return page


def untranslated_count(count: int, lang: str) -> str:
    """How many text figures the workbook prints in the other language ("3 项文字数据没有中文",
    "3 text figures have no English")."""
    if lang == "zh":
        return f"{count} 项文字数据没有中文"
    return f"{count} text figure{' has' if count == 1 else 's have'} no English"


def finding_counts(counts: dict[str, int], lang: str) -> str:
    """Open findings by severity, as a sentence of the language ("0 个错误 · 1 个警告 ·
    2 条提示", "0 errors · 1 warning · 2 info")."""
    if lang == "zh":
        return (f"{counts.get('error', 0)} 个错误 · {counts.get('warning', 0)} 个警告 · "
                f"{counts.get('info', 0)} 条提示")
    errors, warnings = counts.get("error", 0), counts.get("warning", 0)
    return (f"{errors} error{'' if errors == 1 else 's'} · "
            f"{warnings} warning{'' if warnings == 1 else 's'} · {counts.get('info', 0)} info")
