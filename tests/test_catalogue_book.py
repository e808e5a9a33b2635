"""The catalogue workbook: written from an edition, edited with openpyxl as a coordinator
would in Excel, read back with every problem at its sheet!cell, and checked against a real
sample database before anything is stored."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from workbooks import load_workbook

from esgdesk.errors import Code, EsgdeskError, FileRefused, Item
from esgdesk.exchange.catalogue_book import (
    COLUMNS,
    CYCLE,
    DUPLICATE_ID,
    RETIRED_IN_TABLE,
    TYPE_CHANGED,
    UNIT_CHANGED,
    UNKNOWN_INDICATOR,
    UNKNOWN_TYPE,
    plan_import,
    read_catalogue_book,
    write_catalogue_book,
)
from esgdesk.exchange.catalogue_book.read import placed, read_book
from esgdesk.exchange.xlsx_save import save_workbook
from esgdesk.model.catalogue import Catalogue, document_hash, read_document, to_document
from esgdesk.model.types import TYPE_NAMES
from esgdesk.storage.store import Store

YEAR = 2023
STRUCTURE = "people.structure"  # 员工结构, resources/catalogue/04_people.toml
INTERNS = "people.employees.interns"
Book = Any  # an openpyxl workbook


def edit(path: Path, change: Callable[[Book], None]) -> Path:
    """Change a book with openpyxl and save it, as a coordinator saves it from Excel (through
    esgdesk's quicker writer of openpyxl's own bytes, tests/test_xlsx_save.py)."""
    book = load_workbook(path)
    change(book)
    save_workbook(book, path)
    return path


def letter(sheet: Any, column: str) -> str:
    return next(c.column_letter for c in sheet[1] if c.value == column)


def row_of(sheet: Any, column: str, value: str, **also: str) -> int:
    """The number of the first row whose `column` holds `value` (and the `also` columns)."""
    wanted = {column: value, **also}
    letters = {key: letter(sheet, key) for key in wanted}
    for number in range(2, sheet.max_row + 1):
        if all(sheet[f"{letters[k]}{number}"].value == v for k, v in wanted.items()):
            return number
    raise AssertionError(f"no row with {wanted}")


def put(book: Book, sheet: str, key: tuple[str, str], column: str, value: Any) -> str:
    """Set one cell of the row whose key column holds the key; its address."""
    ws = book[sheet]
    address = f"{letter(ws, column)}{row_of(ws, *key)}"
    ws[address] = value
    return address


def append(book: Book, sheet: str, values: dict[str, Any]) -> int:
    ws = book[sheet]
    number = ws.max_row + 1
    for column, value in values.items():
        ws[f"{letter(ws, column)}{number}"] = value
    return number


CHINESE = re.compile(r"[\u4e00-\u9fff]")


def at(problems: list, code: str) -> list[str]:
    return [p.where for p in problems if p.code == code]


# -- the round trip ------------------------------------------------------------------------

def test_the_shipped_catalogue_round_trips_and_reimporting_changes_nothing(
        sample: Store, catalogue_book: Path) -> None:
    document = sample.edition_document(YEAR)  # stored for 2021, the first year
    exact = write_catalogue_book(document, catalogue_book.with_name("exact.xlsx"))
    back, problems = read_catalogue_book(exact)
    assert problems == []
    catalogue, found = read_document(back)
    assert found == []
    assert to_document(catalogue) == document
    back, problems = read_catalogue_book(catalogue_book)  # a book of 2023
    assert problems == [] and back["catalogue"]["report_year"] == YEAR
    assert document_hash(to_document(read_document(back)[0])) == document_hash(document)
    plan = plan_import(sample, catalogue_book, YEAR)
    assert plan.problems == [] and plan.unchanged and plan.diff.empty
    assert plan.document == {**document, "catalogue": {**document["catalogue"],
                                                       "report_year": YEAR}}
    assert sample.store_edition(YEAR, plan.document, "re-import", "tester") is None


def test_the_book_has_its_sheets_headers_and_drop_down_lists(catalogue_book: Path) -> None:
    book = load_workbook(catalogue_book)
    assert book.sheetnames[0] == "instructions"
    assert book["lists"].sheet_state == "hidden"
    for sheet, columns in COLUMNS.items():
        assert tuple(c.value for c in book[sheet][1]) == columns, sheet
        assert book[sheet].freeze_panes in ("A2", "B2")
    indicators = book["indicators"]
    assert indicators["A1"].comment is not None and "编号" in indicators["A1"].comment.text
    lists = {(str(v.sqref).split(":")[0].rstrip("0123456789"), v.formula1)
             for v in indicators.data_validations.dataValidation}
    types = len(TYPE_NAMES)
    assert ("F", f"lists!$A$2:$A${types + 1}") in lists  # type
    section = get_column_letter(COLUMNS["indicators"].index("section") + 1)
    assert any(column == section and formula.startswith("sections!")
               for column, formula in lists)
    rows = book["rows"]
    rows_lists = {str(v.sqref)[0]: v.formula1 for v in rows.data_validations.dataValidation}
    assert rows_lists["A"].startswith("tables!") and rows_lists["C"].startswith("indicators!")
    retired_at = letter(indicators, "retired")
    assert {indicators[f"{retired_at}{n}"].value for n in range(2, indicators.max_row + 1)} \
        == {"no"}
    instructions = [c.value for c in book["instructions"]["B"] if c.value]
    assert any("永久" in text for text in instructions)
    assert any("Ids are forever" in text for text in instructions)


def test_english_headers_notes(sample: Store, tmp_path: Path) -> None:
    path = write_catalogue_book(sample.edition_document(YEAR), tmp_path / "en.xlsx", "en")
    book = load_workbook(path)
    assert "never changes" in book["indicators"]["A1"].comment.text
    assert book["instructions"]["A1"].value.startswith("Catalogue workbook")


# -- an edited book ------------------------------------------------------------------------

def add_interns_and_rename(book: Book) -> None:
    append(book, "indicators", {
        "id": INTERNS, "label_zh": "实习生人数", "label_en": "Number of interns",
        "unit_zh": "人", "unit_en": "persons", "type": "count", "owner": "hr",
        "aggregation": "sum", "section": "people.rights", "retired": "no"})
    append(book, "rows", {"table": STRUCTURE, "order": 1.5, "indicator": INTERNS,
                          "heading_zh": "实习生", "heading_en": "Interns", "indent": 1})
    put(book, "indicators", ("id", "people.employees.total"), "label_en",
        "Total headcount")


def test_an_edited_book_adds_one_and_renames_one(sample: Store, catalogue_book: Path) -> None:
    edit(catalogue_book, add_interns_and_rename)
    plan = plan_import(sample, catalogue_book, YEAR)
    assert plan.problems == []
    assert not plan.unchanged
    assert plan.diff.added == [INTERNS]
    assert [r.id for r in plan.diff.renamed] == ["people.employees.total"]
    assert "Total headcount" in plan.diff.renamed[0].new
    assert not plan.diff.retired and not plan.diff.dropped and not plan.diff.moved
    assert any(INTERNS in line for line in plan.diff.lines("en"))
    assert any("新增指标" in line for line in plan.diff.lines("zh"))
    structure = next(t for c in plan.document["chapters"] for t in c["tables"]
                     if t["id"] == STRUCTURE)
    assert [r.get("indicator") for r in structure["rows"][:2]] == \
        ["people.employees.total", INTERNS]  # order 1.5: right after the first row
    # A new indicator with no codes of its own takes its section's.
    edition: Catalogue = read_document(plan.document, YEAR)[0]
    rights = next(s for c in edition.chapters for s in c.sections if s.id == "people.rights")
    assert edition.indicators[INTERNS].gri == rights.gri
    assert sample.store_edition(YEAR, plan.document, "interns", "tester") is not None
    assert INTERNS in sample.edition(YEAR).indicators
    again = plan_import(sample, catalogue_book, YEAR)
    assert again.unchanged and again.diff.empty and again.problems == []


# -- refusals, each at its sheet!cell --------------------------------------------------------

def duplicate(book: Book) -> str:
    ws = book["indicators"]
    source = row_of(ws, "id", "people.employees.male")
    number = append(book, "indicators", {c.value: ws.cell(source, c.column).value
                                         for c in ws[1]})
    return f"indicators!A{number}"


def unknown_type(book: Book) -> str:
    return "indicators!" + put(book, "indicators", ("id", "people.employees.male"), "type",
                               "float")


def unknown_row_indicator(book: Book) -> str:
    return "rows!" + put(book, "rows", ("indicator", "people.employees.female"), "indicator",
                         "people.employees.nobody")


def formula_over_unknown(book: Book) -> str:
    return "indicators!" + put(book, "indicators", ("id", "people.recruitment.new_hires"),
                               "formula", "people.recruitment.campus + people.recruitment.nobody")


def cycle(book: Book) -> str:
    campus = ("id", "people.recruitment.campus")
    put(book, "indicators", campus, "aggregation", "formula")
    put(book, "indicators", campus, "formula",
        "people.recruitment.new_hires - people.recruitment.social")
    ws = book["indicators"]
    column = get_column_letter(COLUMNS["indicators"].index("formula") + 1)
    return f"indicators!{column}{row_of(ws, 'id', 'people.recruitment.new_hires')}"


def type_change(book: Book) -> str:
    total = ("id", "people.employees.total")
    put(book, "indicators", total, "precision", 1)
    return "indicators!" + put(book, "indicators", total, "type", "decimal")


def unit_change(book: Book) -> str:
    return "indicators!" + put(book, "indicators", ("id", "people.employees.total"),
                               "unit_en", "people")


def retired_in_table(book: Book) -> str:
    put(book, "indicators", ("id", "people.employees.admin"), "retired", "yes")
    return f"rows!C{row_of(book['rows'], 'indicator', 'people.employees.admin')}"


@pytest.mark.parametrize(("change", "code", "words"), [
    (duplicate, DUPLICATE_ID, "twice"),
    (unknown_type, UNKNOWN_TYPE, "percentage"),
    (unknown_row_indicator, UNKNOWN_INDICATOR, "people.employees.nobody"),
    (formula_over_unknown, UNKNOWN_INDICATOR, "people.recruitment.nobody"),
    (cycle, CYCLE, "cycle"),
    (type_change, TYPE_CHANGED, "2021, 2022, 2023"),
    (unit_change, UNIT_CHANGED, "persons"),
    (retired_in_table, RETIRED_IN_TABLE, "retired"),
])
def test_each_refusal_names_its_cell(sample: Store, catalogue_book: Path,
                                     change: Callable[[Book], str], code: str,
                                     words: str) -> None:
    where: list[str] = []
    edit(catalogue_book, lambda book: where.append(change(book)))
    before = hashlib.sha256(sample.path.read_bytes()).hexdigest()
    plan = plan_import(sample, catalogue_book, YEAR)
    found = [p for p in plan.problems if p.code == code]
    assert found, [str(p) for p in plan.problems]
    assert where[0] in {p.where for p in found}, (where, [str(p) for p in plan.problems])
    assert any(words in p.message("en") for p in found)
    assert all(CHINESE.search(p.zh) and p.zh != p.en for p in plan.problems), plan.problems
    assert hashlib.sha256(sample.path.read_bytes()).hexdigest() == before  # byte for byte


# -- the catalogue's own checks, each at the cell of the item it names -----------------------

def aggregation_without_formula(book: Book) -> str:
    put(book, "indicators", ("id", "people.employees.male"), "aggregation", "formula")
    ws = book["indicators"]
    return f"indicators!{letter(ws, 'formula')}{row_of(ws, 'id', 'people.employees.male')}"


def weighted_mean_without_weight(book: Book) -> str:
    put(book, "indicators", ("id", "people.employees.male"), "aggregation", "weighted_mean")
    ws = book["indicators"]
    return f"indicators!{letter(ws, 'weight')}{row_of(ws, 'id', 'people.employees.male')}"


def per_site_table_without_sites(book: Book) -> str:
    put(book, "tables", ("id", STRUCTURE), "layout", "sites")
    ws = book["tables"]
    return f"tables!{letter(ws, 'sites')}{row_of(ws, 'id', STRUCTURE)}"


def matrix_without_columns(book: Book) -> str:
    return "tables!" + put(book, "tables", ("id", STRUCTURE), "layout", "matrix")


def shown_in_no_table(book: Book) -> str:
    rows = book["rows"]
    column = letter(rows, "indicator")
    for number in range(rows.max_row, 1, -1):
        if rows[f"{column}{number}"].value == "people.employees.male":
            rows.delete_rows(number)
    ws = book["indicators"]
    return f"indicators!A{row_of(ws, 'id', 'people.employees.male')}"


@pytest.mark.parametrize(("change", "code"), [
    (aggregation_without_formula, "needs_formula"),
    (weighted_mean_without_weight, "needs_weight"),
    (per_site_table_without_sites, "needs_sites"),
    (matrix_without_columns, "needs_columns"),
    (shown_in_no_table, "in_no_table"),
])
def test_the_catalogues_own_checks_land_at_the_cell_of_the_item_they_name(
        catalogue_book: Path, change: Callable[[Book], str], code: str) -> None:
    where: list[str] = []
    edit(catalogue_book, lambda book: where.append(change(book)))
    _document, problems = read_catalogue_book(catalogue_book)
    assert [p.where for p in problems if p.code == code] == where, problems
    found = next(p for p in problems if p.code == code)
    sheet, cell = where[0].split("!")
    assert (found.sheet, found.column, found.row) == (sheet, cell.rstrip("0123456789"),
                                                      int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")))
    assert found.item is not None  # the place the catalogue's checks named
    assert CHINESE.search(found.zh) and not CHINESE.search(found.en)
    assert found.message("zh").startswith(where[0])


def test_a_problem_is_placed_by_its_item_never_by_its_words(catalogue_book: Path) -> None:
    book = read_book(catalogue_book)
    words = Code("catalogue", "nothing here says where: table x, indicator y", "无")
    found = placed([words(item=Item("indicator", "people.employees.male", "unit", "en")),
                    words(item=Item("row", STRUCTURE, "indicator", index=1)),
                    words(item=Item("chapter", "people", "short_title", "zh"))],
                   book.located, [])
    ws = load_workbook(catalogue_book)
    indicators, rows, chapters = ws["indicators"], ws["rows"], ws["chapters"]
    second_row = sorted(number for number in range(2, rows.max_row + 1)
                        if rows[f"A{number}"].value == STRUCTURE)[1]
    assert [p.where for p in found] == [
        f"indicators!{letter(indicators, 'unit_en')}"
        f"{row_of(indicators, 'id', 'people.employees.male')}",
        f"rows!{letter(rows, 'indicator')}{second_row}",
        f"chapters!{letter(chapters, 'short_title_zh')}{row_of(chapters, 'id', 'people')}"]


def test_a_type_change_names_old_and_new_and_precision_may_change(
        sample: Store, catalogue_book: Path) -> None:
    edit(catalogue_book, type_change)
    problem = next(p for p in plan_import(sample, catalogue_book, YEAR).problems
                   if p.code == TYPE_CHANGED)
    assert "count" in problem.en and "decimal" in problem.en
    path = write_catalogue_book(sample.edition_document(YEAR), catalogue_book, year=YEAR)
    edit(path, lambda book: put(book, "indicators", ("id", "people.turnover_rate"),
                                "precision", 1))
    plan = plan_import(sample, path, YEAR)
    assert plan.problems == []
    assert [(c.id, c.key) for c in plan.diff.changed] == [("people.turnover_rate", "type")]


def test_book_problems_without_a_database(catalogue_book: Path) -> None:
    def change(book: Book) -> None:
        del book["checks"]
        ws = book["indicators"]
        ws.delete_cols(COLUMNS["indicators"].index("note") + 1)
        put(book, "indicators", ("id", "people.employees.male"), "repeats", "maybe")
        put(book, "indicators", ("id", "people.turnover_rate"), "precision", "two")
        put(book, "tables", ("id", STRUCTURE), "chapter", "humans")
        put(book, "rows", ("indicator", "people.employees.male"), "table", "people.nothing")

    edit(catalogue_book, change)
    _document, problems = read_catalogue_book(catalogue_book)
    codes = {p.code: p.where for p in problems}
    assert codes["sheet_missing"] == "checks"
    assert codes["column_missing"].startswith("indicators!") \
        and codes["column_missing"].endswith("1")
    repeats = get_column_letter(COLUMNS["indicators"].index("repeats") + 1)
    assert codes["not_yes_no"].startswith(f"indicators!{repeats}")
    assert codes["not_a_number"].startswith("indicators!G")
    assert codes["unknown_chapter"].startswith("tables!B")
    assert codes["unknown_table"].startswith("rows!A")


def test_a_text_no_cell_can_hold_is_refused_and_nothing_is_written(sample: Store,
                                                                    tmp_path: Path) -> None:
    document = sample.edition_document(YEAR)
    document["chapters"][0]["indicators"][0]["label"]["en"] = "bell\x07"
    out = tmp_path / "books" / "broken.xlsx"
    out.parent.mkdir()
    with pytest.raises(EsgdeskError) as refused:
        write_catalogue_book(document, out)
    assert refused.value.kind == "text_unwritable" and refused.value.where == "indicators!C2"
    assert list(out.parent.iterdir()) == []


# -- retiring and dropping -----------------------------------------------------------------

def free_indicators(catalogue: Catalogue) -> list[str]:
    """Indicators shown in one indicator row and named by no check, formula, weight or
    target: a book may simply leave them out."""
    named = {i for check in catalogue.checks for i in check.involved()}
    for indicator in catalogue.indicators.values():
        named.update(indicator.formula.indicators if indicator.formula else ())
        named.update(v for v in (indicator.weight, indicator.rules.get("target"),
                                 indicator.rules.get("next_target")) if v)
    shown: dict[str, int] = {}
    for table in catalogue.tables.values():
        for row in table.rows:
            for iid in row.indicators():
                shown[iid] = shown.get(iid, 0) + (1 if row.kind == "indicator" else 2)
    return [i for i in catalogue.indicators if i not in named and shown.get(i) == 1]


def test_a_dropped_indicator_with_figures_comes_back_retired(sample: Store,
                                                            catalogue_book: Path) -> None:
    figures = sample.years_with_figures()
    free = free_indicators(sample.edition(YEAR))
    held = next(i for i in free if figures.get(i))
    empty = next(i for i in free if not figures.get(i))

    def change(book: Book) -> None:
        ws = book["indicators"]
        ws.delete_rows(row_of(ws, "id", held))  # removed: it holds figures
        put(book, "indicators", ("id", empty), "retired", "yes")  # marked: it holds none
        for iid in (held, empty):
            book["rows"].delete_rows(row_of(book["rows"], "indicator", iid))

    edit(catalogue_book, change)
    plan = plan_import(sample, catalogue_book, YEAR)
    assert plan.problems == []
    assert [r["id"] for r in plan.document["retired"]] == [held]
    assert plan.diff.retired == [held] and plan.diff.dropped == [empty]
    sample.store_edition(YEAR, plan.document, "retire", "tester")
    edition = sample.edition(YEAR)
    assert held in edition.retired and empty not in edition.retired
    assert empty not in edition.indicators
    # The next book lists it as retired; importing that book again changes nothing.
    path = write_catalogue_book(sample.edition_document(YEAR), catalogue_book.with_name("b.xlsx"),
                                year=YEAR)
    ws = load_workbook(path)["indicators"]
    assert ws[f"{letter(ws, 'retired')}{row_of(ws, 'id', held)}"].value == "yes"
    assert plan_import(sample, path, YEAR).unchanged


# -- files that are no catalogue workbook -----------------------------------------------------

def test_a_file_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "catalogue.xlsx"
    text.write_text("id,label\n", encoding="utf-8")
    with pytest.raises(FileRefused):
        read_catalogue_book(text)
    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    with pytest.raises(FileRefused) as refused:
        read_catalogue_book(other)
    assert refused.value.kind == "not_a_catalogue_book"
    assert "catalogue" in refused.value.message("en") and refused.value.message("zh")


def test_a_plan_refuses_a_non_workbook_too(sample: Store, tmp_path: Path) -> None:
    text = tmp_path / "catalogue.xlsx"
    text.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(FileRefused):
        plan_import(sample, text, YEAR)


# -- LibreOffice -----------------------------------------------------------------------------

def test_libreoffice_opens_the_book_and_its_resave_changes_nothing(
        sample: Store, catalogue_book: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is installed by 'make test' (libreoffice-calc-nogui)")
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    for target, folder in (("pdf", "pdf"), ("xlsx:Calc MS Excel 2007 XML", "resaved")):
        result = subprocess.run(
            [soffice, profile, "--headless", "--convert-to", target, "--outdir",
             str(tmp_path / folder), str(catalogue_book)],
            capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr
    pdf = tmp_path / "pdf" / "catalogue.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    plan = plan_import(sample, tmp_path / "resaved" / "catalogue.xlsx", YEAR)
    assert plan.problems == [] and plan.unchanged
