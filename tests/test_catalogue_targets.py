"""Targets against a base year ("reduce X by P % by year T from base year B"): declared on the
catalogue workbook's targets sheet, stored in the edition, their progress worked out each year
as (base − current) ÷ base against P, and printed under their table in the export."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from workbooks import load_workbook

from esgdesk.exchange.catalogue_book import (
    DUPLICATE_ID,
    MISSING_VALUE,
    NOT_A_NUMBER,
    UNKNOWN_INDICATOR,
    UNKNOWN_TABLE,
    plan_import,
    read_catalogue_book,
    write_catalogue_book,
)
from esgdesk.exchange.export import export_workbook
from esgdesk.exchange.xlsx_save import save_workbook
from esgdesk.model.catalogue import Label, Target, read_document, to_document
from esgdesk.rules.targets import progress, reduction, target_progress
from esgdesk.storage.store import Store

YEAR = 2023
STRUCTURE = "people.structure"  # 员工结构: the home table of the staff counts
ADMIN = "people.employees.admin"  # the group's 326 (2021), 291 (2022), 239 (2023)
TOTAL = "people.employees.total"  # 3,788 (2022), 4,106 (2023)
HEADER = ("id", "indicator", "kind", "reduction", "base_year", "target_year", "label_zh",
          "label_en", "table")
ADMIN_TARGET = ("admin_2025", ADMIN, "absolute", 20, 2021, 2025, "行政人员减少 20%",
                "Administrative staff down 20 %", None)
TOTAL_TARGET = ("total_2026", TOTAL, "absolute", 5, 2022, 2026, "员工总数减少 5%",
                "Headcount down 5 %", STRUCTURE)


def _book(sample: Store, tmp_path: Path) -> Path:
    return write_catalogue_book(sample.edition_document(YEAR), tmp_path / "catalogue.xlsx",
                                year=YEAR)


def _add(path: Path, rows: list[tuple[Any, ...]]) -> list[int]:
    """Rows appended to the targets sheet, as a coordinator types them; their numbers."""
    book = load_workbook(path)
    sheet = book["targets"]
    assert tuple(c.value for c in sheet[1]) == HEADER
    numbers = []
    for values in rows:
        number = sheet.max_row + 1
        for column, value in enumerate(values, start=1):
            sheet.cell(number, column, value)
        numbers.append(number)
    save_workbook(book, path)
    return numbers


def with_targets(sample: Store, tmp_path: Path) -> None:
    store_targets(sample, _book(sample, tmp_path))


def store_targets(sample: Store, path: Path) -> None:
    """The two targets typed into the sample's catalogue book at `path` and stored."""
    _add(path, [ADMIN_TARGET, TOTAL_TARGET])
    plan = plan_import(sample, path, YEAR)
    assert plan.problems == [], [str(p) for p in plan.problems]
    assert "added target admin_2025" in plan.diff.lines("en")
    assert "新增目标 total_2026" in plan.diff.lines("zh")
    assert sample.store_edition(YEAR, plan.document, "the group's targets", "tester")


@pytest.fixture
def targeted(sample_changed_once: Callable[[str, Callable[[Store, Path], None]], Store],
             ) -> Store:
    """The sample with the two targets stored through the workbook (as with_targets stores
    them, once per run): a copy of its own, for the tests that start from them."""
    return sample_changed_once("sample-with-targets.db", with_targets)


def test_progress_is_the_reduction_from_the_base_year_against_the_one_asked() -> None:
    target = Target("t", ADMIN, "intensity", Decimal(20), 2021, 2025, Label("甲", "A"))
    assert reduction(Decimal(1000), Decimal(850)) == 15
    assert reduction(Decimal(0), Decimal(5)) is None
    half = progress(target, 2023, Decimal(1000), Decimal(900))
    assert (half.reduced, half.share, half.met) == (10, 50, False)
    done = progress(target, 2024, Decimal(1000), Decimal(780))
    assert (done.reduced, done.met) == (22, True)
    up = progress(target, 2024, Decimal(1000), Decimal(1100))
    assert up.reduced == -10 and up.met is False
    assert progress(target, 2024, None, Decimal(1)).met is None


def test_targets_round_trip_through_the_catalogue_workbook(sample: Store, tmp_path: Path,
                                                           catalogue_book: Path) -> None:
    store_targets(sample, catalogue_book)
    edition = sample.edition(YEAR)
    admin, total = edition.targets
    assert (admin.indicator, admin.kind, admin.reduction, admin.base_year,
            admin.target_year, admin.label.en, admin.table) == (
        ADMIN, "absolute", 20, 2021, 2025, "Administrative staff down 20 %", "")
    assert edition.targets_of(edition.tables[STRUCTURE]) == [admin, total]
    again = write_catalogue_book(sample.edition_document(YEAR), tmp_path / "again.xlsx",
                                 year=YEAR)
    rows = list(load_workbook(again)["targets"].iter_rows(values_only=True))
    assert rows == [HEADER, ADMIN_TARGET, TOTAL_TARGET]
    plan = plan_import(sample, again, YEAR)
    assert plan.problems == [] and plan.unchanged and plan.diff.empty
    document = sample.edition_document(YEAR)
    assert to_document(read_document(document, YEAR)[0]) == document


def test_a_book_without_a_targets_sheet_reads_as_before(catalogue_book: Path) -> None:
    path = catalogue_book
    book = load_workbook(path)
    del book["targets"]
    save_workbook(book, path)
    back, problems = read_catalogue_book(path)
    assert problems == [] and "targets" not in back


def test_each_problem_of_a_target_names_its_cell(sample: Store, catalogue_book: Path) -> None:
    path = catalogue_book
    first, twice, nowhere, too_much, backwards, no_table, no_year = _add(path, [
        ADMIN_TARGET, ADMIN_TARGET,
        ("a", "people.nobody", "absolute", 20, 2021, 2025, "甲", "A", None),
        ("b", ADMIN, "absolute", 120, 2021, 2025, "乙", "B", None),
        ("c", ADMIN, "absolute", 20, 2025, 2021, "丙", "C", None),
        ("d", ADMIN, "absolute", 20, 2021, 2025, "丁", "D", "people.nowhere"),
        ("e", ADMIN, "absolute", 20, None, 2025, "戊", "E", None)])
    before = sample.edition_document(YEAR)
    plan = plan_import(sample, path, YEAR)
    found = {(p.code, p.where) for p in plan.problems}
    assert (DUPLICATE_ID, f"targets!A{twice}") in found
    assert (UNKNOWN_INDICATOR, f"targets!B{nowhere}") in found
    assert (NOT_A_NUMBER, f"targets!D{too_much}") in found
    assert ("target_years", f"targets!F{backwards}") in found
    assert (UNKNOWN_TABLE, f"targets!I{no_table}") in found
    assert (MISSING_VALUE, f"targets!E{no_year}") in found
    assert not any(p.where.startswith("targets!") and p.where[9:] == str(first)
                   for p in plan.problems)
    assert all(p.zh != p.en for p in plan.problems)
    assert sample.edition_document(YEAR) == before


def test_the_progress_of_each_year_reads_the_base_year_s_figure(targeted: Store) -> None:
    sample = targeted
    edition = sample.edition(YEAR)
    admin, total = target_progress(sample, edition, list(edition.targets), "group", YEAR)
    assert (admin.base, admin.current) == (326, 239)
    assert admin.reduced == Decimal(87) / 326 * 100 and admin.met is True  # 26.7 % ≥ 20 %
    assert (total.base, total.current) == (3788, 4106) and total.reduced < 0
    [earlier] = target_progress(sample, edition, [admin.target], "group", 2022)
    assert earlier.current == 291 and earlier.met is False  # (326 − 291) ÷ 326 = 10.7 %


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_export_prints_each_target_s_progress_under_its_table(
        targeted: Store, tmp_path: Path, lang: str) -> None:
    sample = targeted
    out = export_workbook(sample, YEAR, tmp_path / f"{lang}.xlsx", lang=lang)
    book = load_workbook(out, read_only=True)  # values, row by row
    sheet = next(s for s in book.worksheets if s.title.startswith("04"))
    column = [row[0] for row in sheet.iter_rows(values_only=True)]
    book.close()
    tables = sample.edition(YEAR).chapter("people").tables
    titles = [t.title(lang, YEAR) for t in tables]
    start = column.index(titles[[t.id for t in tables].index(STRUCTURE)])
    end = column.index(titles[[t.id for t in tables].index(STRUCTURE) + 1])
    lines = [text for text in column[start:end] if isinstance(text, str)]
    if lang == "zh":
        expected = ("目标：行政人员减少 20%（以 2021 年为基准，2025 年前降低 20%）：2021 年 "
                    "326 人，2023 年 239 人，较基准年降低 26.7%，完成目标的 133.4%（已达成）",
                    "目标：员工总数减少 5%（以 2022 年为基准，2026 年前降低 5%）：2022 年 "
                    "3,788 人，2023 年 4,106 人，较基准年上升 8.4%，尚未降低")
    else:
        expected = ("Target: Administrative staff down 20 % (−20 % by 2025 against 2021): "
                    "2021 326 persons, 2023 239 persons; reduced 26.7 % from 2021, 133.4 % "
                    "of the target (met)",
                    "Target: Headcount down 5 % (−5 % by 2026 against 2022): 2022 3,788 "
                    "persons, 2023 4,106 persons; up 8.4 % from 2022, not reduced yet")
    assert [line for line in lines if line.startswith(("目标", "Target"))] == list(expected)


def test_a_template_declares_its_targets_in_catalogue_toml(tmp_path: Path) -> None:
    from esgdesk.model.catalogue import CATALOGUE_DIR, read

    folder = shutil.copytree(CATALOGUE_DIR, tmp_path / "catalogue")
    with (folder / "catalogue.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[[targets]]\nid = "admin_2025"\nindicator = "people.employees.admin"\n'
                   'kind = "absolute"\nreduction = 12.5\nbase_year = 2021\ntarget_year = 2025\n'
                   'label = { zh = "行政人员减少", en = "Fewer administrative staff" }\n')
    catalogue, problems = read(folder)
    assert problems == []
    [target] = catalogue.targets
    assert (target.id, target.reduction, target.base_year) == ("admin_2025", Decimal("12.5"),
                                                               2021)
    assert to_document(catalogue)["targets"][0]["reduction"] == "12.5"
    assert "targets" not in to_document(catalogue)["catalogue"]


def test_the_command_line_gives_each_target_s_progress(
        targeted: Store, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from esgdesk.application.cli import main

    sample_path = targeted.path
    targeted.close()
    capsys.readouterr()
    assert main(["targets", str(sample_path), "--year", "2023", "--format", "json"]) == 0
    admin, total = json.loads(capsys.readouterr().out)
    assert (admin["id"], admin["base"], admin["current"], admin["reduced"], admin["met"]) == (
        "admin_2025", "326", "239", "26.69", True)  # (326 − 239) ÷ 326
    assert (total["base"], total["current"], total["reduced"], total["met"]) == (
        "3788", "4106", "-8.39", False)
    # 2022 reads the edition of 2021, which has no targets
    assert main(["targets", str(sample_path), "--year", "2022", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["targets", str(sample_path), "--year", "2023", "--lang", "en"]) == 0
    first = capsys.readouterr().out.splitlines()[0].split("\t")
    assert first == ["admin_2025", "Administrative staff down 20 %", "−20 % by 2025 from 2021",
                     "2021: 326", "2023: 239", "26.69 % met"]


def test_a_book_with_notes_and_targets_resaved_by_libreoffice_changes_nothing(
        sample: Store, tmp_path: Path) -> None:
    from test_catalogue_notes import with_notes
    from test_collect import soffice_resave

    with_targets(sample, tmp_path)
    (tmp_path / "notes").mkdir()
    with_notes(sample, tmp_path / "notes")
    book = write_catalogue_book(sample.edition_document(YEAR), tmp_path / "both.xlsx",
                                year=YEAR)
    plan = plan_import(sample, soffice_resave(book, tmp_path), YEAR)
    assert plan.problems == [] and plan.unchanged, [str(p) for p in plan.problems]
