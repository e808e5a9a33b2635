"""How each figure was obtained, in the report workbook: the Data sheet carries the quality
and an estimate's method, an estimated figure is marked in its table (a comment on its cell
and a footnote), and the findings give the share of estimates in each table holding any."""

from __future__ import annotations

from pathlib import Path

from workbooks import load_workbook

from esgdesk.exchange.export import export_workbook
from esgdesk.storage.store import Store

TOTAL = "people.employees.total"
METHOD = "November's head-count plus the December hires"


def test_an_estimate_is_marked_in_the_tables_the_data_and_the_findings(
        sample: Store, tmp_path: Path) -> None:
    sample.set_quality("group", 2023, TOTAL, "estimated", METHOD, "hr")
    sample.set_quality("group", 2023, "people.employees.male", "measured", "", "hr")
    out = export_workbook(sample, 2023, tmp_path / "report.xlsx", lang="en")
    book = load_workbook(out)
    data = book["Data"]
    header = [c.value for c in data[1]]
    assert header[-2:] == ["Obtained", "Estimate method"]
    rows = {(r[1], r[2]): r for r in data.iter_rows(min_row=2, values_only=True)}
    assert rows[2023, TOTAL][-2:] == ("estimated", METHOD)
    assert rows[2023, "people.employees.male"][-2:] == ("measured", None)
    assert rows[2022, TOTAL][-2:] == (None, None)
    marked = [(sheet.title, cell) for sheet in book.worksheets for row in sheet.iter_rows()
              for cell in row if cell.comment is not None and METHOD in cell.comment.text]
    assert marked and all(cell.value == 4106 for _, cell in marked)
    sheet = book[marked[0][0]]
    notes = [c.value for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("* ")]
    assert f"* Total number of employees 2023 is an estimate: {METHOD}" in notes
    findings = [r for r in book["Findings"].iter_rows(values_only=True)
                if r[4] == "Estimated share"]
    assert findings and all("are estimates" in r[5] for r in findings)
    assert any("1 of " in r[5] for r in findings)


def test_a_report_without_estimates_has_no_estimate_marks(sample: Store,
                                                           tmp_path: Path) -> None:
    out = export_workbook(sample, 2023, tmp_path / "report.xlsx", lang="zh")
    book = load_workbook(out)
    assert not any(isinstance(c.value, str) and "估算值" in c.value
                   for sheet in book.worksheets for row in sheet.iter_rows() for c in row)
