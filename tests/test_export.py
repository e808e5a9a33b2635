"""The report workbook, written for real and read back with openpyxl."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BOTH
from workbooks import load_workbook

from esgdesk.exchange.export import export_workbook
from esgdesk.exchange.workbook import sheet_name
from esgdesk.rules.consolidate import Consolidation
from esgdesk.storage.store import Change, Store, open_database

ENGINES = BOTH  # each test on the sample runs on SQLite and on a PostgreSQL server


def _table(sheet, title: str) -> dict[str, list]:
    """A printed table of a chapter sheet (the one with a 2021 column when two share a title):
    label → its cells after the unit column."""
    rows = list(sheet.iter_rows(values_only=True))
    starts = [n for n, row in enumerate(rows) if row[0] == title]
    start = next((n for n in starts if any(str(v).startswith("2021") for v in rows[n + 1])),
                 starts[0])
    found = {"__header__": list(rows[start + 1])}
    for row in rows[start + 2:]:
        if row[0] is None:
            break
        found[row[0]] = list(row[2:])
    return found


def test_the_2023_workbook_holds_the_printed_tables(sample_tree: Store, tmp_path: Path) -> None:
    out = export_workbook(sample_tree, 2023, tmp_path / "report.xlsx", lang="zh")
    book = load_workbook(out)
    people = book["04 以人为本"]
    structure = _table(people, "员工结构")
    assert structure["__header__"][:5] == ["员工构成", "单位", "2021 年", "2022 年", "2023 年"]
    assert structure["员工总人数"][:3] == [3834, 3788, 4106]
    assert structure["女性"][:3] == [1403, 1394, 1514]
    assert structure["行政人员"][:3] == [326, 291, 239]
    innovation = book["03 创智纳新"]
    talent = _table(innovation, "研发人才")
    assert talent["研发人员数量"][:3] == [1131, 1125, 1226]
    assert talent["研发人员数量占比"][:3] == [29.5, 29.7, 29.86]
    assert talent["30岁至40岁"][:3] == [380, 440, 459]
    investment = _table(innovation, "研发投入")
    assert investment["研发投入金额"][:3] == [19678.67, 18798.38, 21361.34]
    assert investment["研发投入占营业收入比例"][:3] == [10.06, 9.8, 10.84]
    satisfaction = _table(innovation, "客户满意度调查")
    assert satisfaction["客户整体满意度得分"][:3] == [90, 92, 93]
    infosec = _table(innovation, "公司开展信息安全与隐私保护培训情况")
    assert infosec["__header__"][2:8] == ["2021 年 东莞", "2021 年 厦门", "2022 年 东莞",
                                          "2022 年 厦门", "2023 年 东莞", "2023 年 厦门"]
    assert infosec["实践、培训参与人次"][:6] == [1290, 796, 958, 586, 1005, 664]


def test_cells_hold_numbers_with_the_reports_formats(sample: Store, tmp_path: Path) -> None:
    out = export_workbook(sample, 2023, tmp_path / "report.xlsx", lang="en")
    sheet = next(s for s in load_workbook(out).worksheets if s.title.startswith("03"))
    cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
    amount = next(c for v, c in cells.items() if v == 21361.34)
    assert amount.data_type == "n" and amount.number_format == "#,##0.00"
    headcount = next(c for v, c in cells.items() if v == 1226)
    assert headcount.number_format == "#,##0"
    target = next(c for v, c in cells.items() if v == pytest.approx(0.9898))
    assert target.number_format == "0.00%"  # prints as 98.98%
    assert sheet.freeze_panes == "B3"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    # at a scale of its own, no less than the one that prints its notes at 8 points
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.scale or 100) >= 82


def test_text_that_looks_like_a_formula_stays_text(sample: Store, tmp_path: Path) -> None:
    sample.set_note("group", 2023, "people.employees.total", "=HYPERLINK(\"x\")", user="test")
    out = export_workbook(sample, 2023, tmp_path / "report.xlsx", lang="en")
    data = load_workbook(out)["Data"]
    notes = [row[8] for row in data.iter_rows(values_only=True)]
    assert "=HYPERLINK(\"x\")" in notes
    cell = next(c for row in data.iter_rows() for c in row if c.value == "=HYPERLINK(\"x\")")
    assert cell.data_type == "s"


def test_a_parent_without_its_own_figure_is_consolidated_by_rule(tmp_path: Path) -> None:
    store = open_database(tmp_path / "c.db", create=True)
    store.add_entity("group", "集团", "Group", "group")
    store.add_entity("a", "甲", "A", "company", "group")
    store.add_entity("b", "乙", "B", "company", "group")
    store.set_values([
        Change("a", 2023, "people.employees.total", "100"),
        Change("a", 2023, "people.employees.female", "50"),
        Change("b", 2023, "people.employees.total", "300"),
        Change("b", 2023, "people.employees.female", "30"),
    ], user="test")
    # a score typed at the group alone, held on a company (say, an old report's)
    store.set_history([Change("a", 2023, "innovation.customers.satisfaction_score", "90")],
                      "test")
    figures = Consolidation(store, [2023]).figures("group", 2023)
    assert figures["people.employees.total"] == 400
    # 80 of 400 is 20 %: recomputed, never the mean (30 %) or sum (60 %) of the children's.
    assert figures["people.employees.female_ratio"] == 20
    assert "innovation.customers.satisfaction_score" not in figures  # not aggregated
    store.close()


def test_sheet_names_are_valid_and_unique_whatever_the_names() -> None:
    taken: set[str] = set()
    names = [sheet_name("a/b:c*?[d]" + "x" * 40, taken) for _ in range(3)]
    assert len(set(names)) == 3
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_a_failed_export_leaves_the_old_file_alone(sample: Store, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "report.xlsx"
    out.write_bytes(b"the good old workbook")

    def cancel(done: int, _total: int, _what: str) -> bool:
        return done < 3

    with pytest.raises(Exception, match="cancelled"):
        export_workbook(sample, 2023, out, progress=cancel)
    assert out.read_bytes() == b"the good old workbook"
    assert list(folder.iterdir()) == [out]  # no half-written temporary file left behind


def test_libreoffice_opens_the_workbook_and_reads_the_numbers(sample_tree: Store,
                                                              tmp_path: Path) -> None:
    """LibreOffice converts every sheet without complaint, and the numbers come out as numbers."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is installed by 'make test' (libreoffice-calc-nogui)")
    out = export_workbook(sample_tree, 2023, tmp_path / "report.xlsx", lang="zh")
    converted = tmp_path / "csv"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,'
         'false,false,-1', "--outdir", str(converted), str(out)],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    people = (converted / "report-04 以人为本.csv").read_text(encoding="utf-8")
    assert "员工总人数,人,3834,3788,4106" in people
    innovation = (converted / "report-03 创智纳新.csv").read_text(encoding="utf-8")
    assert "研发投入金额,万元,19678.67,18798.38,21361.34" in innovation
    assert "实践、培训参与人次,人次,1290,796,958,586,1005,664" in innovation
    # ten sheets, an index sheet per framework the edition maps indicators to, and the
    # factors its formulas read (the shipped catalogue's energy and emissions read factors);
    # five frameworks: GRI, CASS-ESG, SZSE No. 17, HKEX and the MoF's climate standard
    assert len(list(converted.glob("*.csv"))) == 16
    assert (converted / "report-所用因子.csv").exists()
    assert (converted / "report-指标索引 szse-17.csv").exists()
    assert (converted / "report-指标索引 mof-climate.csv").exists()


def test_by_entity_compares_the_parent_with_its_children(tmp_path: Path) -> None:
    from esgdesk.application.generate import generate_group

    store = generate_group(tmp_path / "g.db", companies=3, years=3)
    out = export_workbook(store, 2023, tmp_path / "g.xlsx", lang="en", by_entity=True)
    book = load_workbook(out, read_only=True)  # values, row by row
    rows = {r[0]: r for r in book["By entity"].iter_rows(values_only=True)}
    book.close()
    header = rows["Indicator"]
    assert header[2:] == ("Group", "Subsidiary 001", "Subsidiary 002", "Subsidiary 003")
    total = rows["Total number of employees"]
    assert total[2] == sum(total[3:])  # summed
    ratio = rows["Proportion of female employees"]
    female = rows["Number of female employees"]
    assert ratio[2] == pytest.approx(round(female[2] / total[2] * 100, 2))  # recomputed
    store.close()


def test_per_child_adds_a_sheet_of_tables_for_each_direct_child(tmp_path: Path) -> None:
    from esgdesk.application.generate import generate_group

    store = generate_group(tmp_path / "g.db", companies=3, years=3)
    out = export_workbook(store, 2023, tmp_path / "g.xlsx", lang="en", per_child=True)
    book = load_workbook(out)
    children = [store.entity(c.code).name("en") for c in store.children(store.root().code)]
    assert children and all(name in book.sheetnames for name in children)
    totals = []
    for name in children:
        rows = {r[0]: r for r in book[name].iter_rows(values_only=True) if r[0]}
        assert rows[name][0] == name  # the sheet's title
        totals.append(rows["Total number of employees"][4])  # the 2023 column
    group = next(book[s] for s in book.sheetnames if s.startswith("04"))
    group_rows = {r[0]: r for r in group.iter_rows(values_only=True) if r[0]}
    assert group_rows["Total number of employees"][4] == sum(totals)
    store.close()


def test_text_no_cell_can_hold_stops_the_export_with_where_it_is(sample: Store,
                                                                  tmp_path: Path) -> None:
    """A note kept before notes were checked (or put in by another tool) is neither cut
    nor dropped: the export stops, says which cell, and writes nothing."""
    from sqlalchemy import text

    from esgdesk.errors import EsgdeskError

    sample.set_note("group", 2023, "people.employees.total", "recount", user="test")
    with sample.engine.begin() as raw:  # another tool's edit, on either engine
        raw.execute(text("UPDATE value SET note = :n WHERE note = 'recount'"),
                    {"n": "re\x07count"})
    out = tmp_path / "report.xlsx"
    with pytest.raises(EsgdeskError, match=r"Data!I\d+: the text 're\x07count' contains the "
                                           r"control character U\+0007"):
        export_workbook(sample, 2023, out, lang="en")
    assert not out.exists() and not list(tmp_path.glob("*.xlsx*"))


def test_the_reports_tables_come_from_the_form_grid_with_the_printed_years(
        sample: Store) -> None:
    from esgdesk.model.layout import FormGrid, ReportGrid

    catalogue = sample.catalogue
    targets = catalogue.tables["innovation.quality_targets"]  # a matrix printing one year
    printed = ReportGrid(catalogue, targets, "group", 2023)
    assert [c.heading("en") for c in printed.columns] == [
        targets.header.en, "2023 Objective", "Achievement of 2023 Objective", "2024 Objective"]
    skills = catalogue.tables["people.skills"]  # by year: printed with units, one year
    assert [c.heading("zh") for c in ReportGrid(catalogue, skills, "group", 2023).columns
            ] == [skills.header.zh, "单位", "2023 年"]
    assert [c.kind for c in ReportGrid(catalogue, targets, "group", 2023).columns][:2] == [
        "label", "value"]  # a matrix: its column titles say what its cells hold
    one_year = next(t for t in catalogue.tables.values()
                    if t.layout == "years" and t.years == 1)
    assert [c.heading("zh") for c in ReportGrid(catalogue, one_year, "group", 2023).columns
            ][2:] == ["2023 年"]
    assert len(FormGrid(catalogue, one_year, "group", 2023).columns) == 5  # three years to type
