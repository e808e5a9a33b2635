"""The database holds its catalogue, one edition per reporting year: what each year's forms,
validation, requests, import and export read; an upgrade gives an older database the shipped
catalogue for every year it holds; requests carry their edition."""

from __future__ import annotations

import copy
import hashlib
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from workbooks import load_workbook

from esgdesk.errors import CatalogueError, EsgdeskError, Item, UnknownIndicator
from esgdesk.exchange.dump import dump_rows
from esgdesk.exchange.export import export_workbook
from esgdesk.exchange.intake import import_files
from esgdesk.exchange.metadata import META_SHEET, read_meta
from esgdesk.exchange.requests import write_request
from esgdesk.model.catalogue import document_hash
from esgdesk.model.templates import template_document
from esgdesk.rules.validation import Validator
from esgdesk.rules.workspace import Workspace
from esgdesk.storage.audit import audit_hash
from esgdesk.storage.store import Change, Store, create_at_revision, open_database

NEW = "people.employees.interns"
RENAMED = "people.employees.male"


def _edited(store: Store, year: int) -> dict[str, Any]:
    """The year's document with an indicator added to 员工结构 and a label renamed."""
    document = copy.deepcopy(store.edition_document(year))
    people = next(c for c in document["chapters"] if c["chapter"]["id"] == "people")
    total = next(i for i in people["indicators"] if i["id"] == "people.employees.total")
    people["indicators"].append({**copy.deepcopy(total), "id": NEW,
                                 "label": {"zh": "实习生人数", "en": "Interns"},
                                 "rules": {}})
    male = next(i for i in people["indicators"] if i["id"] == RENAMED)
    male["label"] = {"zh": "男性员工人数（人）", "en": "Male employees (headcount)"}
    table = next(t for t in people["tables"] if t["id"] == "people.structure")
    table["rows"].insert(1, {"indicator": NEW, "indent": 0})
    return document


def snapshot(store: Store) -> tuple[str, int]:
    """The file's bytes (hashed) and the length of the audit log."""
    return hashlib.sha256(store.path.read_bytes()).hexdigest(), len(store.audit_log())


def fill(path: Path, typed: dict[tuple[str, str], Any]) -> None:
    """Type figures into a request's input cells, and a name, as a contributor does."""
    book = load_workbook(path)
    _meta, cells = read_meta(book[META_SHEET], path.name)
    for cell in cells:
        key = (cell.indicator, cell.kind)
        if key in typed or cell.kind == "submitted_by":
            book[cell.sheet][cell.cell] = typed.get(key, "Wang Fang")
    book.save(path)


def _rows_of(path: Path) -> list[str]:
    book = load_workbook(path, read_only=True)
    try:
        return [str(cell) for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    finally:
        book.close()


def test_an_upgraded_database_gets_the_shipped_catalogue_for_every_year(tmp_path: Path,
                                                                        ) -> None:
    # A database made at the previous head revision (0006), holding figures of 2021 and
    # 2023, a request of 2022 and a first reporting year of 2021.
    path = tmp_path / "old.db"
    create_at_revision(path, "0006")
    figure = {"at": "2024-01-01", "user": "li", "action": "set", "entity_id": 1, "year": 2023,
              "indicator": "people.employees.total", "old_value": None, "new_value": "4106",
              "old_status": None, "new_status": None, "reason": "", "source": ""}
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO entity (code, name_zh, name_en, kind) VALUES "
                    "('group', '集团', 'Group', 'group')")
        for year, value in ((2021, "3834"), (2023, "4106")):
            raw.execute("INSERT INTO value (entity_id, year, indicator, value, state, note, "
                        "status, changed_by, changed_at, version, restated) VALUES (1, ?, "
                        "'people.employees.total', ?, 'value', '', 'draft', 'li', '2024', 1, "
                        "'')", (year, value))
        raw.execute("INSERT INTO request (id, entity_id, year, department, assignee, due, "
                    "status, changed_by, changed_at) VALUES ('r1', 1, 2022, 'hr', '', '', "
                    "'requested', 'li', '2024')")
        raw.execute("INSERT INTO setting (key, value) VALUES ('first_year', '2021')")
        raw.execute(f"INSERT INTO audit ({', '.join(figure)}, hash) VALUES "
                    f"({', '.join('?' * len(figure))}, ?)",
                    [*figure.values(), audit_hash("", figure)])
    raw.close()
    logged_before = 1
    store = open_database(path)  # upgrades to the head
    try:
        editions = store.editions()
        assert [e.year for e in editions] == [2021, 2022, 2023]  # every year it holds
        assert {e.hash for e in editions} == {document_hash(template_document())}
        assert len(store.audit_log()) == logged_before  # nothing else changed
        assert store.verify_audit().intact
        assert store.get("group", 2023, "people.employees.total").value == "4106"
        assert store.edition(2023).indicator("people.employees.total")
    finally:
        store.close()


def test_each_year_reads_its_own_edition(sample: Store, tmp_path: Path) -> None:
    before = snapshot(sample)
    male = sample.edition(2023).indicators[RENAMED].label("en")
    info = sample.store_edition(2024, _edited(sample, 2024), "interns added", "coordinator")
    assert info is not None and info.year == 2024
    assert len(sample.audit_log()) == before[1] + 1  # audited like a figure
    old, new = sample.edition(2023), sample.edition(2024)
    assert NEW in new.indicators and NEW not in old.indicators
    assert old.indicators[RENAMED].label("en") == male != "Male employees (headcount)"
    assert new.indicators[RENAMED].label("en") == "Male employees (headcount)"
    # forms and validation of 2024 take the new figure; 2023's stay as they were
    space = Workspace(sample, "group", 2024)
    assert NEW in space.catalogue.tables["people.structure"].indicators()
    sample.set_value(Change("group", 2024, NEW, "35"), "hr")
    with pytest.raises(UnknownIndicator):
        sample.set_value(Change("group", 2023, NEW, "35"), "hr")
    sample.set_value(Change("group", 2023, "people.employees.total", "4107"), "hr")
    findings = Validator(sample, 2024).run()  # 35 interns against no prior year: checked
    assert NEW in Validator(sample, 2024).catalogue.indicators
    assert not any(NEW in f.indicators and f.rule == "type_range" for f in findings)
    # exports: 2023 with the old labels, 2024 with the new ones and the new row
    old_book = export_workbook(sample, 2023, tmp_path / "2023.xlsx", lang="en")
    new_book = export_workbook(sample, 2024, tmp_path / "2024.xlsx", lang="en")
    old_rows, new_rows = _rows_of(old_book), _rows_of(new_book)
    assert "Interns" not in old_rows and "Male" in old_rows
    assert "Interns" in new_rows
    assert "Male employees (headcount)" in new_rows


def test_storing_the_same_edition_again_changes_nothing(sample: Store) -> None:
    before = snapshot(sample)
    assert sample.store_edition(2023, sample.edition_document(2023), "again", "c") is None
    assert snapshot(sample) == before


def test_a_broken_edition_is_refused_and_nothing_is_written(sample: Store) -> None:
    before = snapshot(sample)
    broken = _edited(sample, 2024)
    people = next(c for c in broken["chapters"] if c["chapter"]["id"] == "people")
    people["tables"][0]["rows"].append({"indicator": "people.nowhere", "indent": 0})
    with pytest.raises(CatalogueError, match=r"people\.nowhere") as refused:
        sample.store_edition(2024, broken, "broken", "c")
    row = len(people["tables"][0]["rows"]) - 1
    assert [(p.code, p.item, p.indicator) for p in refused.value.problems] == [
        ("unknown_indicator", Item("row", people["tables"][0]["id"], "indicator", index=row),
         "people.nowhere")]
    assert re.search(r"[\u4e00-\u9fff]", refused.value.message("zh"))
    assert snapshot(sample) == before


def test_opening_a_year_copies_the_last_edition_at_the_cost_of_one_row(sample: Store) -> None:
    size = sample.path.stat().st_size
    info = sample.open_year(2024, "coordinator")
    assert info.hash == sample.edition(2023).content_hash
    assert sample.edition(2024).report_year == 2024
    assert sample.path.stat().st_size - size < 64 * 1024  # the document is not stored twice
    with pytest.raises(EsgdeskError, match="has its edition already"):
        sample.open_year(2024, "coordinator")
    # the titles naming the year follow it
    titles = [t.title("zh") for t in sample.edition(2024).tables.values()]
    assert any("2024" in t for t in titles) and not any("2023 年重要成果" in t for t in titles)


def test_a_later_year_is_pinned_before_an_earlier_edition_changes(sample: Store) -> None:
    sample.set_value(Change("group", 2024, "people.employees.total", "4200"), "hr")
    read_before = sample.edition(2024).content_hash  # 2024 reads 2023's edition
    sample.store_edition(2023, _edited(sample, 2023), "2023 edited", "c")
    assert sample.edition(2024).content_hash == read_before
    assert NEW in sample.edition(2023).indicators


def test_a_retired_indicator_keeps_its_history(sample: Store, tmp_path: Path) -> None:
    gone = "people.employees.doctorate"
    document = copy.deepcopy(sample.edition_document(2024))
    people = next(c for c in document["chapters"] if c["chapter"]["id"] == "people")
    spec = next(i for i in people["indicators"] if i["id"] == gone)
    people["indicators"].remove(spec)
    document["retired"] = [{**spec, "chapter": "people"}]
    for table in people["tables"]:
        table["rows"] = [r for r in table["rows"] if r.get("indicator") != gone]
    for chapter in document["chapters"]:
        chapter["checks"] = [c for c in chapter["checks"]
                             if gone not in (c.get("parts", []) + c.get("indicators", []))
                             and c.get("total") != gone]
    sample.store_edition(2024, document, "doctorates no longer reported", "c")
    assert gone in sample.edition(2024).retired and gone not in sample.edition(2024).indicators
    with pytest.raises(UnknownIndicator):
        sample.set_value(Change("group", 2024, gone, "3"), "hr")
    assert sample.get("group", 2023, gone) is not None  # its history is read
    book = export_workbook(sample, 2023, tmp_path / "2023.xlsx", lang="en")
    assert "people.employees.doctorate" in _rows_of(book)  # the data sheet keeps it
    assert any(r["indicator"] == gone for r in dump_rows(sample))


def test_the_new_indicator_travels_through_the_request_and_its_import(sample: Store,
                                                                      tmp_path: Path) -> None:
    sample.store_edition(2024, _edited(sample, 2024), "interns added", "coordinator")
    request = write_request(sample, "group", 2024, "hr", tmp_path / "hr.xlsx", "coordinator",
                            lang="en")
    assert "Interns" in _rows_of(request)
    fill(request, {(NEW, "value"): 35})
    [report] = import_files(sample, [request], "coordinator")
    assert not report.refused, [p.message("en") for p in report.refused]
    assert sample.get("group", 2024, NEW).value == "35"


def test_a_request_from_another_edition_is_refused(sample: Store, tmp_path: Path) -> None:
    request = write_request(sample, "group", 2024, "hr", tmp_path / "hr.xlsx", "coordinator")
    fill(request, {("people.employees.total", "value"): 4300})
    sample.store_edition(2024, _edited(sample, 2024), "edited after the request", "c")
    before = snapshot(sample)
    [report] = import_files(sample, [request], "coordinator")
    assert report.refused and any("another edition" in p.message("en")
                                  for p in report.refused)
    assert snapshot(sample) == before


def test_the_offline_copy_reads_the_edition_the_request_carries(sample: Store,
                                                                tmp_path: Path) -> None:
    from esgdesk.exchange.offline import open_request

    sample.store_edition(2024, _edited(sample, 2024), "interns added", "coordinator")
    request = write_request(sample, "group", 2024, "hr", tmp_path / "hr.xlsx", "coordinator")
    _offline, store = open_request(request, tmp_path / "drafts")
    try:
        assert NEW in store.edition(2024).indicators
        assert store.edition(2024).content_hash == sample.edition(2024).content_hash
    finally:
        store.close()
    # a changed catalogue sheet is refused
    book = load_workbook(request)
    sheet = book["_esgdesk_catalogue"]
    sheet["A1"] = "x" + str(sheet["A1"].value)[1:]
    book.save(tmp_path / "changed.xlsx")
    with pytest.raises(EsgdeskError, match="catalogue sheet"):
        open_request(tmp_path / "changed.xlsx", tmp_path / "drafts2")
    assert hashlib.sha256(request.read_bytes()).hexdigest()  # the original is untouched
