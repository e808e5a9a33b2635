"""The structure workbook: written with its drop-downs, read back with every problem at its
sheet!cell and nothing written, its difference shown first; stored in one audited
transaction (entities added under entities added with them, a move from a year, a close,
the company's names)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from workbooks import load_workbook

from esgdesk.application.session import Session
from esgdesk.exchange.structure_book import COLUMNS
from esgdesk.storage.store import open_database


@pytest.fixture
def session(tmp_path: Path) -> Session:
    from esgdesk.application.cli import main

    path = tmp_path / "g.db"
    assert main(["init", str(path), "--year", "2023", "--company", "示例集团 / Example"]) == 0
    session = Session(user_name="wang")
    session.open_for_command(path)
    session.add_entity("north", "北方", "North", "company", "group")
    session.add_entity("wuhan", "武汉", "Wuhan", "site", "north", "hubei")
    yield session
    session.close()


def _edit(session: Session, tmp_path: Path, rows: list[dict], changes: dict | None = None,
          company_en: str | None = None) -> Path:
    book = session.export_structure(tmp_path / "structure.xlsx", "en")
    workbook = load_workbook(book)
    sheet = workbook["entities"]
    for row in sheet.iter_rows(min_row=2):
        code = row[0].value
        for column, value in (changes or {}).get(code, {}).items():
            row[COLUMNS.index(column)].value = value
    for values in rows:
        sheet.append([values.get(column) for column in COLUMNS])
    if company_en is not None:
        workbook["company"]["B3"] = company_en
    out = tmp_path / "edited.xlsx"
    workbook.save(out)
    return out


def test_the_book_has_a_drop_down_for_every_choice_and_reference(
        session: Session, tmp_path: Path) -> None:
    book = load_workbook(session.export_structure(tmp_path / "s.xlsx", "zh"))
    sheet = book["entities"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert [c.value for c in sheet["A"]][1:] == ["group", "north", "wuhan"]
    ranges = {str(v.sqref).split(":")[0][0]: v.formula1 for v in
              sheet.data_validations.dataValidation}
    assert ranges["D"].startswith("lists!") and ranges["E"] == "entities!$A$2:$A$304"
    assert ranges["G"].startswith("lists!") and ranges["K"].startswith("lists!")
    assert book["lists"].sheet_state == "hidden"
    assert [r for r in book["company"].iter_rows(values_only=True)][1:] == [
        ("company_zh", "示例集团"), ("company_en", "Example")]


def test_a_bad_book_names_each_problem_at_its_cell_and_writes_nothing(
        session: Session, tmp_path: Path) -> None:
    store = session.require_store()
    before = len(store.audit_log())
    book = _edit(session, tmp_path, [
        {"code": "x1", "name_zh": "甲", "name_en": "X1", "kind": "site", "parent": "wuhan"},
        {"code": "x2", "name_zh": "乙", "name_en": "X2", "kind": "site", "parent": "north",
         "from": "soon", "control": "maybe", "province": "Atlantis"},
        {"code": "north", "name_zh": "重", "name_en": "Again", "kind": "company",
         "parent": "group"},
    ], changes={"wuhan": {"parent": "group"}, "north": {"kind": "site"}})
    plan = session.plan_structure(book)
    found = {(p.code, p.where) for p in plan.problems}
    assert found == {("structure.parent_from", "entities!F4"),
                     ("structure.kind_changed", "entities!D3"),
                     ("entity.site_parent", "entities!E5"),
                     ("structure.year", "entities!H6"), ("structure.control", "entities!K6"),
                     ("structure.province", "entities!G6"),
                     ("structure.duplicate", "entities!A7")}
    with pytest.raises(Exception, match="problems"):
        session.import_structure(plan, book.name)
    assert len(store.audit_log()) == before and len(store.entities()) == 3


def test_a_book_adds_moves_and_closes_in_one_audited_transaction(
        session: Session, tmp_path: Path) -> None:
    book = _edit(session, tmp_path, [
        {"code": "south", "name_zh": "南方", "name_en": "South", "kind": "company",
         "parent": "group", "from": 2024, "equity_share": 60, "control": "no"},
        {"code": "foshan", "name_zh": "佛山", "name_en": "Foshan", "kind": "site",
         "parent": "south", "province": "广东", "from": 2024},
    ], changes={"wuhan": {"parent": "south", "parent_from": 2025, "name_en": "Wuhan plant"},
                "north": {"to": 2025}}, company_en="Example Group")
    plan = session.plan_structure(book)
    assert not plan.problems
    assert plan.lines("en") == [
        "+ south (company) under group: 南方 / South, 2024–",
        "+ foshan (site) under south: 佛山 / Foshan, 2024–",
        "~ north: to_year — → 2025", "~ wuhan: name_en Wuhan → Wuhan plant",
        "→ wuhan: under south from 2025",
        "~ company: 示例集团 / Example → 示例集团 / Example Group"]
    store = session.require_store()
    before = len(store.audit_log())
    session.import_structure(plan, book.name)
    rows = store.audit_log()[before:]
    assert [(r.action, r.entity, r.year) for r in rows] == [
        ("entity", "south", 0), ("entity", "foshan", 0), ("move", "wuhan", 2025),
        ("close", "north", 2026), ("rename", "wuhan", 0), ("company", "group", 0)]
    assert (rows[-1].old_value, rows[-1].new_value, rows[-1].source) == (
        "示例集团 / Example", "示例集团 / Example Group", book.name)
    assert json.loads(rows[0].new_value)["equity_share"] == "60"
    assert json.loads(rows[0].new_value)["control"] is False
    assert {e.code: e.parent for e in store.tree(2024)}["wuhan"] == "north"
    assert {e.code: e.parent for e in store.tree(2025)}["wuhan"] == "south"
    assert "north" not in store.tree(2026) and store.setting("company").endswith("Group")
    assert store.verify_audit().sound
    assert session.plan_structure(session.export_structure(tmp_path / "again.xlsx")
                                  ).changes == 0
    session.close()
    reopened = open_database(session_path := store.path)
    try:
        assert reopened.entity("foshan").province == "guangdong"
    finally:
        reopened.close()
    assert session_path
