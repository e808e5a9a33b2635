"""A change of the group's structure that would move a published consolidated figure (a site
moved to another company, its operational control or equity share changed) is refused naming
the published figures; made as a boundary restatement with a reason, the published figures
are kept beside, footnoted in the export with the entities whose change it was, audited, and
a target's base year reads the restated figure."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from cli_runner import run_cli
from workbooks import load_workbook

from esgdesk.application.cli import main
from esgdesk.application.session import Session
from esgdesk.errors import EsgdeskError
from esgdesk.model.catalogue import Label, Target
from esgdesk.rules.published import PublishedWouldMove
from esgdesk.rules.targets import target_progress
from esgdesk.storage.store import open_database

ELECTRICITY = "environment.energy.electricity"
SITES = {"wuhan": "north", "xiaogan": "north", "foshan": "south", "shantou": "south"}
KWH = {("wuhan", 2022): 300_000, ("xiaogan", 2022): 50_000, ("foshan", 2022): 200_000,
       ("shantou", 2022): 100_000, ("wuhan", 2023): 280_000, ("xiaogan", 2023): 40_000,
       ("foshan", 2023): 190_000, ("shantou", 2023): 90_000}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--user", "coordinator", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _build_group(path: Path) -> None:
    """Two companies, four sites; 2022 and 2023 electricity typed at the sites and locked
    (published)."""
    def cli(*args: str) -> None:
        done = run_cli("--user", "coordinator", *args)
        assert done.returncode == 0, done.stderr

    db = str(path)
    cli("init", db, "--year", "2022")
    for code, parent, kind in (("north", "group", "company"), ("south", "group", "company"),
                               *((site, company, "site") for site, company in SITES.items())):
        cli("entity", "add", db, code, "--parent", parent, "--kind", kind, "--zh", code,
            "--en", code.title(), "--province", "湖北")
    for (site, year), kwh in KWH.items():
        for verb, extra in (("set", [str(kwh)]), ("lock", [])):
            cli(verb, db, "--entity", site, "--year", str(year), ELECTRICITY, *extra)


@pytest.fixture
def group(master_copy: Callable[[str, Callable[[Path], None], Path], Path],
          tmp_path: Path) -> str:
    """The published group (built once per run), a copy of its own."""
    return str(master_copy("boundary-group.db", _build_group, tmp_path / "group.db"))


def group_total(db: str, entity: str, year: int) -> str | None:
    from esgdesk.rules.consolidate import Consolidation

    store = open_database(Path(db))
    try:
        found = Consolidation(store, [year]).figure(entity, ELECTRICITY, year)
        return str(found.number) if found.complete else None
    finally:
        store.close()


def test_a_move_that_would_move_published_totals_is_refused_naming_them(
        group: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "entity", "move", group, "wuhan", "--parent", "south",
                         "--from", "2023")
    assert code == 2 and out == ""
    assert "wuhan moved under south from 2023" in err and "--restate boundary" in err
    session = Session(user_name="coordinator")
    session.open(Path(group))
    try:
        with pytest.raises(PublishedWouldMove) as refused:
            session.move_entity("wuhan", "south", 2023)
        assert refused.value.kind == "published_would_move"
        assert refused.value.zh != refused.value.en
        # the code ending the change is set apart from the Chinese that follows
        assert refused.value.zh.startswith("wuhan 自 2023 年起归入 south 将改变 "), \
            refused.value.zh
        electricity = {(m.entity, m.year, m.published, m.after) for m in refused.value.moves
                       if m.indicator == ELECTRICITY}
        # the companies' 2023 totals; the group's, and 2022, stay as they were
        assert electricity == {("north", 2023, "320000", "40000"),
                               ("south", 2023, "280000", "560000")}
    finally:
        session.close()
    assert group_total(group, "south", 2023) == "280000"  # nothing was written
    store = open_database(Path(group))
    try:
        assert not [r for r in store.audit_log() if r.action == "move"]
    finally:
        store.close()


def test_a_move_made_as_a_boundary_restatement_keeps_what_was_published(
        group: str, capsys: pytest.CaptureFixture[str]) -> None:
    session = Session(user_name="coordinator")
    session.open(Path(group))
    try:  # a change of structure is restated as a change of boundary, not of method
        with pytest.raises(EsgdeskError) as refused:
            session.move_entity("wuhan", "south", 2023, "method", "sold")
        assert refused.value.kind == "unknown_restatement"
    finally:
        session.close()
    code, out, err = run(capsys, "entity", "move", group, "wuhan", "--parent", "south",
                         "--from", "2023", "--restate", "boundary", "--reason",
                         "Wuhan reports to South from 2023")
    assert code == 0, err
    assert "published figure" in out and "restated" in out
    assert group_total(group, "south", 2023) == "560000"
    assert group_total(group, "south", 2022) == "300000"  # the past keeps its tree
    assert group_total(group, "north", 2023) == "40000"
    store = open_database(Path(group))
    try:
        figures = store.figures_of(["north", "south", "group"], [2022, 2023])
        south = figures[("south", ELECTRICITY, 2023)]
        assert (south.published, south.status) == ("280000", "locked")
        assert south.restated == ("boundary: wuhan moved under south from 2023 ‖ "
                                  "wuhan 自 2023 年起归入 south; "
                                  "Wuhan reports to South from 2023")
        assert figures[("north", ELECTRICITY, 2023)].published == "320000"
        assert ("group", ELECTRICITY, 2023) not in figures  # the group's total did not move
        assert ("south", ELECTRICITY, 2022) not in figures
        restated = [r for r in store.audit_log() if r.action == "recompute"]
        assert {(r.entity, r.indicator, r.old_value, r.new_value) for r in restated
                if r.indicator == ELECTRICITY} == {("north", ELECTRICITY, "320000", "40000"),
                                                   ("south", ELECTRICITY, "280000", "560000")}
        assert [r.action for r in store.audit_log()].count("move") == 1
        assert store.verify_audit().sound
    finally:
        store.close()
    assert run(capsys, "check", group)[0] == 0
    code, out, err = run(capsys, "validate", group, "--year", "2023")
    assert code == 0 and "0 errors" in err, err  # the restated totals raise nothing


def test_control_given_up_is_restated_footnoted_and_read_by_the_target(
        group: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "entity", "set-share", group, "foshan", "--control", "no")
    assert code == 2 and "foshan operational control no" in err
    store = open_database(Path(group))
    try:
        assert store.entity("foshan").control is True  # nothing was written
    finally:
        store.close()
    code, out, err = run(capsys, "entity", "set-share", group, "foshan", "--control", "no",
                         "--restate", "boundary", "--reason", "foshan leased out")
    assert code == 0, err
    assert "operational control no" in out
    assert (group_total(group, "group", 2022), group_total(group, "group", 2023)) == (
        "450000", "410000")
    out_file = tmp_path / "2023.xlsx"
    code, _out, err = run(capsys, "export", group, "--year", "2023", "--out", str(out_file),
                          "--lang", "en")
    assert code == 0, err
    book = load_workbook(out_file, read_only=True)  # values, row by row
    notes = [cell for sheet in book.worksheets
             for row in sheet.iter_rows(values_only=True) for cell in row
             if isinstance(cell, str) and "restated (" in cell and "2023" in cell]
    book.close()
    assert any("foshan operational control no; foshan leased out" in note
               and "published: 600,000" in note for note in notes), notes
    # the Chinese report names the change in Chinese, the user's reason as typed
    zh_file = tmp_path / "2023-zh.xlsx"
    code, _out, err = run(capsys, "export", group, "--year", "2023", "--out", str(zh_file),
                          "--lang", "zh")
    assert code == 0, err
    book = load_workbook(zh_file, read_only=True)
    notes = [cell for sheet in book.worksheets
             for row in sheet.iter_rows(values_only=True) for cell in row
             if isinstance(cell, str) and "已重述" in cell and "2023" in cell]
    book.close()
    assert notes and all("operational control" not in note for note in notes), notes
    assert any("已重述（统计范围变更：foshan 不再拥有运营控制权；foshan leased out）" in note
               and "原披露数据 600,000" in note for note in notes), notes
    store = open_database(Path(group))
    try:
        assert store.verify_audit().sound
        changed = [r for r in store.audit_log() if r.action == "entity" and r.old_value]
        assert [r.entity for r in changed] == ["foshan"]
        target = Target("electricity_2025", ELECTRICITY, "absolute", Decimal(10), 2022, 2025,
                        Label("用电减少 10%", "Electricity down 10 %"))
        [progress] = target_progress(store, store.edition(2023), [target], "group", 2023)
        # the base year read as restated: without the site no longer controlled
        assert (progress.base, progress.current) == (450_000, 410_000)
        assert progress.reduced == Decimal(40_000) / 450_000 * 100
        base = store.figures_of(["group"], [2022])[("group", ELECTRICITY, 2022)]
        assert base.published == "650000" and base.restated.startswith("boundary: foshan")
    finally:
        store.close()


def test_a_change_that_moves_nothing_published_needs_no_restatement(
        group: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "entity", "move", group, "wuhan", "--parent", "south",
                          "--from", "2024")
    assert code == 0, err
    code, _out, err = run(capsys, "entity", "set-share", group, "shantou", "--equity-share",
                          "60")
    assert code == 0, err  # operational control: the share moves nothing
    store = open_database(Path(group))
    try:
        assert store.entity("shantou").equity_share == "60"
        assert not [r for r in store.audit_log() if r.action == "recompute"]
    finally:
        store.close()


def test_a_site_added_into_a_published_year_is_refused_then_restated(
        group: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A site counting from a year whose totals are published would leave them incomplete
    (and change them once its figures are typed): refused naming them; from a later year,
    or made as a boundary restatement, it is added, the published totals kept beside."""
    add = ["entity", "add", group, "jingzhou", "--parent", "north", "--kind", "site",
           "--zh", "荆州", "--en", "Jingzhou", "--province", "湖北"]
    code, out, err = run(capsys, *add, "--from", "2023")
    assert code == 2 and out == ""
    assert "jingzhou added under north from 2023" in err and "--restate boundary" in err
    session = Session(user_name="coordinator")
    session.open(Path(group))
    try:
        with pytest.raises(PublishedWouldMove) as refused:
            session.add_entity("jingzhou", "荆州", "Jingzhou", "site", "north", "湖北", 2023)
        electricity = {(m.entity, m.year, m.published, m.after) for m in refused.value.moves
                       if m.indicator == ELECTRICITY}
        # the totals it would leave incomplete; 2022, before it counts, is not among them
        assert electricity == {("north", 2023, "320000", ""), ("group", 2023, "600000", "")}
    finally:
        session.close()
    store = open_database(Path(group))
    try:
        assert "jingzhou" not in store.structure().entities  # nothing was written
        assert not [r for r in store.audit_log() if r.action == "entity"
                    and "jingzhou" in (r.new_value or "")]
    finally:
        store.close()
    code, out, err = run(capsys, *add, "--from", "2023", "--restate", "boundary", "--reason",
                         "Jingzhou bought in 2023")
    assert code == 0, err
    assert "jingzhou: added under north (site, 2023–)" in out and "restated" in out
    code, _out, err = run(capsys, "set", group, "--entity", "jingzhou", "--year", "2023",
                          ELECTRICITY, "25000")
    assert code == 0, err
    assert group_total(group, "north", 2023) == "345000"
    assert group_total(group, "north", 2022) == "350000"  # before it counted: unchanged
    store = open_database(Path(group))
    try:
        figures = store.figures_of(["north", "group"], [2023])
        north = figures[("north", ELECTRICITY, 2023)]
        assert (north.published, north.restated) == (
            "320000", "boundary: jingzhou added under north from 2023 ‖ "
            "jingzhou 自 2023 年起加入 north; Jingzhou bought in 2023")
        assert figures[("group", ELECTRICITY, 2023)].published == "600000"
        assert store.verify_audit().sound
    finally:
        store.close()
    code, _out, err = run(capsys, "entity", "add", group, "yichang", "--parent", "north",
                          "--kind", "site", "--zh", "宜昌", "--en", "Yichang", "--from", "2024")
    assert code == 0, err  # nothing published in 2024: nothing to restate


def test_a_structure_workbook_moving_published_totals_is_refused_then_restated(
        group: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "structure.xlsx"
    assert run(capsys, "entity", "export", group, "--out", str(book), "--lang", "en")[0] == 0
    workbook = load_workbook(book)
    sheet = workbook["entities"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "shantou")
    row[header.index("control")].value = "no"
    workbook.save(book)
    code, out, err = run(capsys, "entity", "import", group, str(book), "--dry-run")
    assert code == 0, err
    assert "published (locked) figures would move" in out and "--restate boundary" in out
    assert "for south 2023" in out and "nothing was written" in out
    code, out, err = run(capsys, "entity", "import", group, str(book))
    assert code == 2 and "shantou changed by the structure workbook structure.xlsx" in err
    assert group_total(group, "group", 2023) == "600000"  # nothing was written
    code, out, err = run(capsys, "entity", "import", group, str(book), "--restate", "boundary",
                         "--reason", "shantou is run by a partner")
    assert code == 0, err
    assert "1 published figure" not in out and "published figures restated" in out
    assert group_total(group, "group", 2023) == "510000"
    store = open_database(Path(group))
    try:
        total = store.figures_of(["group"], [2023])[("group", ELECTRICITY, 2023)]
        assert (total.published, total.restated) == (
            "600000", "boundary: shantou changed by the structure workbook structure.xlsx ‖ "
            "组织结构工作簿 structure.xlsx 修改 shantou; shantou is run by a partner")
        assert store.verify_audit().sound
    finally:
        store.close()


@pytest.mark.parametrize(("stored", "zh", "en"), [
    ("boundary: wuhan moved under south from 2023 ‖ wuhan 自 2023 年起归入 south; sold",
     ("统计范围变更", "wuhan 自 2023 年起归入 south；sold"),
     ("boundary changed", "wuhan moved under south from 2023; sold")),
    # stored before the change was named in both languages: said as it is
    ("boundary: wuhan moved under south from 2023; sold",
     ("统计范围变更", "wuhan moved under south from 2023; sold"),
     ("boundary changed", "wuhan moved under south from 2023; sold")),
    ("method: the provincial table read; again",
     ("计算方法变更", "the provincial table read; again"),
     ("method changed", "the provincial table read; again")),
])
def test_a_restatement_is_said_in_either_language(stored: str, zh: tuple[str, str],
                                                  en: tuple[str, str]) -> None:
    from esgdesk.model.restatement import restated_text, restated_words

    assert restated_words(stored, "zh") == zh
    assert restated_words(stored, "en") == en
    # the change's words never read as the separators around them
    text = restated_text("boundary", " why; this ", ("a; b ‖ c", "甲；乙"))
    assert text == "boundary: a, b | c ‖ 甲，乙; why; this"
    assert restated_words(text, "zh") == ("统计范围变更", "甲，乙；why; this")
