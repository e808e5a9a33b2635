"""A table's numbered notes (the report's 注1–13 under a table): edited on the catalogue
workbook's notes sheet, stored in the edition, printed under the table in the export in
each language and shown under the table in the forms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from workbooks import load_workbook

from esgdesk.exchange.catalogue_book import (
    DUPLICATE_ID,
    MISSING_VALUE,
    UNKNOWN_TABLE,
    plan_import,
    read_catalogue_book,
    write_catalogue_book,
)
from esgdesk.exchange.export import export_workbook
from esgdesk.exchange.xlsx_save import save_workbook
from esgdesk.model.catalogue import Note, read_document, to_document
from esgdesk.storage.store import Store

YEAR = 2023
STRUCTURE = "people.structure"  # 员工结构, resources/catalogue/04_people.toml
NOTE_1 = ("员工总数含劳务派遣人员。", "Employees include dispatched workers.")
NOTE_2 = ("{year} 年新设两家子公司。", "Two subsidiaries were set up in {year}.")


def _book(sample: Store, tmp_path: Path) -> Path:
    return write_catalogue_book(sample.edition_document(YEAR), tmp_path / "catalogue.xlsx",
                                year=YEAR)


def _add_notes(path: Path, rows: list[tuple[Any, ...]]) -> list[int]:
    """Rows appended to the notes sheet (table, number, zh, en), as a coordinator types
    them; their row numbers."""
    book = load_workbook(path)
    sheet = book["notes"]
    numbers = []
    for values in rows:
        number = sheet.max_row + 1
        for column, value in enumerate(values, start=1):
            sheet.cell(number, column, value)
        numbers.append(number)
    save_workbook(book, path)
    return numbers


def with_notes(sample: Store, tmp_path: Path) -> None:
    """The people chapter's structure table given two notes through the workbook (typed in
    the order 2, 1), and stored."""
    store_notes(sample, _book(sample, tmp_path))


def store_notes(sample: Store, path: Path) -> None:
    """The two notes typed into the sample's catalogue book at `path` and stored."""
    _add_notes(path, [(STRUCTURE, 2, *NOTE_2), (STRUCTURE, 1, *NOTE_1)])
    plan = plan_import(sample, path, YEAR)
    assert plan.problems == [], [str(p) for p in plan.problems]
    assert any("notes" in line for line in plan.diff.lines("en"))
    assert sample.store_edition(YEAR, plan.document, "the report's notes", "tester")


@pytest.fixture
def noted(sample_changed_once: Callable[[str, Callable[[Store, Path], None]], Store],
          ) -> Store:
    """The sample with the two notes stored through the workbook (as with_notes stores them,
    once per run): a copy of its own, for the tests that start from them."""
    return sample_changed_once("sample-with-notes.db", with_notes)


def test_notes_round_trip_through_the_catalogue_workbook(sample: Store, tmp_path: Path,
                                                         catalogue_book: Path) -> None:
    store_notes(sample, catalogue_book)
    table = sample.edition(YEAR).tables[STRUCTURE]
    assert [(n.number, n.text.zh, n.text.en) for n in table.notes] == [(1, *NOTE_1),
                                                                       (2, *NOTE_2)]
    assert table.notes[1].printed("zh") == "注2：2023 年新设两家子公司。"
    assert table.notes[1].printed("en") == "Note 2: Two subsidiaries were set up in 2023."
    # written again, the book holds them on its notes sheet, and reading it changes nothing
    again = write_catalogue_book(sample.edition_document(YEAR), tmp_path / "again.xlsx",
                                 year=YEAR)
    rows = list(load_workbook(again)["notes"].iter_rows(values_only=True))
    assert rows == [("table", "number", "text_zh", "text_en"), (STRUCTURE, 1, *NOTE_1),
                    (STRUCTURE, 2, *NOTE_2)]
    plan = plan_import(sample, again, YEAR)
    assert plan.problems == [] and plan.unchanged and plan.diff.empty
    document = sample.edition_document(YEAR)
    assert to_document(read_document(document, YEAR)[0]) == document


def test_a_table_without_notes_keeps_its_document_and_an_older_book_needs_no_notes_sheet(
        sample: Store, catalogue_book: Path) -> None:
    document = sample.edition_document(YEAR)
    assert all("notes" not in t for c in document["chapters"] for t in c["tables"])
    path = catalogue_book
    book = load_workbook(path)
    del book["notes"]  # a book written before tables had notes
    save_workbook(book, path)
    back, problems = read_catalogue_book(path)
    assert problems == [] and to_document(read_document(back, YEAR)[0]) == {
        **document, "catalogue": {**document["catalogue"], "report_year": YEAR}}


def test_each_problem_of_a_note_names_its_cell(sample: Store, catalogue_book: Path) -> None:
    path = catalogue_book
    first, twice, english, nowhere, unnumbered = _add_notes(path, [
        (STRUCTURE, 1, *NOTE_1), (STRUCTURE, 1, *NOTE_2), (STRUCTURE, 3, "只有中文", None),
        ("people.nowhere", 1, *NOTE_1), (STRUCTURE, None, *NOTE_1)])
    before = sample.edition_document(YEAR)
    plan = plan_import(sample, path, YEAR)
    found = {(p.code, p.where) for p in plan.problems}
    assert (DUPLICATE_ID, f"notes!B{twice}") in found
    assert (MISSING_VALUE, f"notes!D{english}") in found
    assert (UNKNOWN_TABLE, f"notes!A{nowhere}") in found
    assert (MISSING_VALUE, f"notes!B{unnumbered}") in found
    assert not any(p.where.endswith(f"!A{first}") or p.where.endswith(f"!B{first}")
                   for p in plan.problems)
    assert all(p.zh != p.en for p in plan.problems)
    assert sample.edition_document(YEAR) == before  # nothing is stored


def test_a_document_s_note_without_a_number_is_its_problem(sample: Store) -> None:
    document = sample.edition_document(YEAR)
    table = next(t for c in document["chapters"] for t in c["tables"] if t["id"] == STRUCTURE)
    table["notes"] = [{"number": 0, "text": {"zh": "甲", "en": "A"}},
                      {"number": 1, "text": {"zh": "乙", "en": ""}}]
    catalogue, problems = read_document(document, YEAR)
    assert {(p.code, p.item.kind, p.item.field, p.item.index) for p in problems} == {
        ("not_a_number", "note", "number", 0), ("missing_value", "note", "text", 1)}
    assert catalogue.tables[STRUCTURE].notes == (Note(1, catalogue.tables[STRUCTURE]
                                                      .notes[0].text),)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_export_prints_a_table_s_notes_under_it(noted: Store, tmp_path: Path,
                                                    lang: str) -> None:
    sample = noted
    out = export_workbook(sample, YEAR, tmp_path / f"{lang}.xlsx", lang=lang)
    book = load_workbook(out, read_only=True)  # values, row by row
    sheet = next(s for s in book.worksheets if s.title.startswith("04"))
    column = [row[0] for row in sheet.iter_rows(values_only=True)]
    book.close()
    title = sample.edition(YEAR).tables[STRUCTURE].title(lang, YEAR)
    start = column.index(title)
    printed = (["注1：员工总数含劳务派遣人员。", "注2：2023 年新设两家子公司。"] if lang == "zh"
               else ["Note 1: Employees include dispatched workers.",
                     "Note 2: Two subsidiaries were set up in 2023."])
    first = column.index(printed[0])
    assert first > start and column[first + 1] == printed[1]
    # under this table, before the next one's title
    following = [t.title(lang, YEAR) for t in sample.edition(YEAR).chapter("people").tables]
    after = following[following.index(title) + 1]
    assert first < column.index(after)


def test_a_coordinator_adds_notes_and_a_target_with_the_command_line_alone(
        sample: Store, sample_path: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from esgdesk.application.cli import main

    sample.close()
    db, book = str(sample_path), tmp_path / "catalogue.xlsx"
    assert main(["catalogue", "export", db, "--year", str(YEAR), "--out", str(book)]) == 0
    _add_notes(book, [(STRUCTURE, 1, *NOTE_1)])
    edited = load_workbook(book)
    edited["targets"].append(["admin_2025", "people.employees.admin", "absolute", 20, 2021,
                              2025, "行政人员减少 20%", "Administrative staff down 20 %"])
    save_workbook(edited, book)
    capsys.readouterr()
    assert main(["catalogue", "import", db, str(book), "--year", str(YEAR), "--dry-run"]) == 0
    said = capsys.readouterr().out
    assert "added target admin_2025" in said or "新增目标 admin_2025" in said
    assert main(["catalogue", "import", db, str(book), "--year", str(YEAR)]) == 0
    out = tmp_path / "report.xlsx"
    assert main(["export", db, "--year", str(YEAR), "--lang", "en", "--out", str(out)]) == 0
    report = load_workbook(out, read_only=True)  # values, row by row
    sheet = next(s for s in report.worksheets if s.title.startswith("04"))
    printed = [row[0] for row in sheet.iter_rows(values_only=True)]
    report.close()
    note = printed.index("Note 1: Employees include dispatched workers.")
    assert printed[note + 1].startswith("Target: Administrative staff down 20 % (−20 % by 2025 "
                                        "against 2021): 2021 326 persons, 2023 239 persons")
