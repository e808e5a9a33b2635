"""The coordinator's command line tells the truth: what it shows, what it writes and where
its refusals go, driven as a coordinator would against real database files and workbooks."""

from __future__ import annotations

import csv
import hashlib
import io
import time
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from test_collect import soffice_resave

from esgdesk.application.cli import main
from esgdesk.exchange.requests import shown
from esgdesk.storage.store import open_database


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_locking_a_locked_figure_again_writes_nothing(capsys: pytest.CaptureFixture[str],
                                                      sample_path: Path) -> None:
    db = str(sample_path)
    assert run(capsys, "lock", db, "--year", "2023", "people.employees.total")[0] == 0
    store = open_database(sample_path)
    audit, version = len(store.audit_log()), store.get("group", 2023,
                                                        "people.employees.total").version
    store.close()
    before = _sha(sample_path)
    code, out, err = run(capsys, "lock", db, "--year", "2023", "people.employees.total")
    assert code == 0 and "\tlocked" in out and "nothing was written" in err
    assert _sha(sample_path) == before
    store = open_database(sample_path)
    try:
        assert len(store.audit_log()) == audit
        assert store.get("group", 2023, "people.employees.total").version == version
    finally:
        store.close()


def _input_cells(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(indicator, kind) → (sheet, cell) of a request workbook's input cells."""
    from workbooks import load_workbook

    from esgdesk.exchange.metadata import META_SHEET, read_meta

    book = load_workbook(path, read_only=True)  # the map's rows, as values
    _meta, cells = read_meta(book[META_SHEET], path.name)
    book.close()
    return {(c.indicator, c.kind): (c.sheet, c.cell) for c in cells if c.kind != "fixed"}


def _next_second() -> None:
    """Wait until the clock has turned to the next second: a workbook saves its time to the
    second, and one saved in the second of the last import is not newer than it."""
    now = int(time.time())
    while int(time.time()) <= now:
        time.sleep(0.01)


def fill(path: Path, values: dict[tuple[str, str], object], out: Path | None = None) -> Path:
    """Type into a request workbook as a contributor would, with openpyxl (no esgdesk)."""
    from workbooks import load_workbook

    where = _input_cells(path)
    book = load_workbook(path)
    for key, value in values.items():
        sheet, cell = where[key]
        book[sheet][cell] = value
    sheet, cell = where[("", "submitted_by")]
    book[sheet][cell] = "Wang Fang"
    book.save(out or path)
    return out or path


def test_a_text_figure_keeps_its_full_width_characters_through_an_import(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path) -> None:
    db, target = str(sample_path), "environment.targets.noise.target"
    request = tmp_path / "ehs.xlsx"
    assert run(capsys, "request", db, "--year", "2024", "--entity", "group", "--department",
               "ehs", "--out", str(request))[0] == 0
    typed = "噪音达标排放（白天≤６５分贝，夜间≤55分贝）"
    resaved = soffice_resave(fill(request, {(target, "value"): typed}), tmp_path)
    code, _, err = run(capsys, "import", db, str(resaved))
    assert code == 0, err
    store = open_database(sample_path)
    try:
        stored = store.get("group", 2024, target)
        indicator = store.edition(2024).indicators[target]
        assert stored is not None and indicator.type.display(stored.value, "zh") == typed
    finally:
        store.close()


@pytest.mark.parametrize("lang,years", [("zh", ("2022 年", "2023 年", "2024 年")),
                                        ("en", ("2022", "2023", "2024"))])
def test_a_per_site_table_in_a_request_is_headed_by_its_years(
        capsys: pytest.CaptureFixture[str], sample_tree_path: Path, tmp_path: Path, lang: str,
        years: tuple[str, ...]) -> None:
    from workbooks import load_workbook

    request = tmp_path / "admin.xlsx"
    assert run(capsys, "request", str(sample_tree_path), "--year", "2024", "--entity", "dongguan",
               "--department", "admin", "--lang", lang, "--out", str(request))[0] == 0
    rows = [tuple(shown(c) for c in r) for sheet in load_workbook(request).worksheets
            for r in sheet.iter_rows()]
    participants = next(n for n, r in enumerate(rows) if r[2:4] == (958, 1005))  # dongguan's
    header = next(r for r in reversed(rows[:participants]) if r[1] in ("单位", "Unit"))
    assert header[2:5] == years
    assert not any("dongguan" in str(value) for row in rows[:participants + 3] for value in row)


def test_a_reimport_with_an_empty_explanation_removes_the_earlier_one(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path) -> None:
    db, total = str(sample_path), "people.employees.total"
    request = tmp_path / "hr.xlsx"
    assert run(capsys, "request", db, "--year", "2024", "--entity", "group", "--department",
               "hr", "--out", str(request))[0] == 0
    first = fill(request, {(total, "value"): 4300, (total, "note"): "late hires counted"},
                 tmp_path / "hr-1.xlsx")
    assert run(capsys, "import", db, str(first))[0] == 0
    store = open_database(sample_path)
    assert store.get("group", 2024, total).note == "late hires counted"
    store.close()
    _next_second()  # the contributor saves the file again after the first import
    second = fill(first, {(total, "note"): None}, tmp_path / "hr-2.xlsx")  # the same, emptied
    code, out, err = run(capsys, "import", db, str(second))
    assert code == 0, out + err
    store = open_database(sample_path)
    try:
        stored = store.get("group", 2024, total)
        assert (stored.value, stored.note) == ("4300", "")
        last = store.history("group", 2024, total)[-1]
        assert (last.action, last.old_value, last.new_value) == ("note", "late hires counted", "")
        assert "hr-2.xlsx" in last.source
    finally:
        store.close()
    out = run(capsys, "history", db, "--year", "2024", total)[1]
    assert out.strip().splitlines()[-1].split("\t")[2:4] == ["note", "late hires counted → —"]


def test_an_import_refusal_goes_to_stderr_and_a_real_import_says_what_it_wrote(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path) -> None:
    db, total = str(sample_path), "people.employees.total"
    request = tmp_path / "hr.xlsx"
    assert run(capsys, "request", db, "--year", "2024", "--entity", "group", "--department",
               "hr", "--out", str(request))[0] == 0
    good = fill(request, {(total, "value"): 4300, ("people.employees.female", "value"): 1620},
                tmp_path / "hr-good.xlsx")
    bad = fill(request, {("people.employees.female", "value"): "lots"}, tmp_path / "hr-bad.xlsx")
    bad_cell = "!".join(_input_cells(request)[("people.employees.female", "value")])
    code, out, err = run(capsys, "import", db, str(good), str(bad), "--dry-run")
    assert code == 1
    assert "hr-bad.xlsx" not in out and "written" not in out
    assert f"{bad_cell}: Number of female employees: 'lots' refused: not a number" in err
    assert "dry run: nothing was written" in err
    code, out, err = run(capsys, "import", db, str(good), str(bad))
    assert code == 1 and "hr-bad.xlsx" not in out
    store = open_database(sample_path)
    try:
        request_id = store.request_for("group", 2024, "hr").id
    finally:
        store.close()
    last = out.strip().splitlines()[-1]
    assert last == (f"hr-good.xlsx: 2 figures written into the hr request of group 2024 "
                    f"(request {request_id[:12]}, now submitted)")
    assert f"{bad_cell}: Number of female employees" in err
    assert err.strip().splitlines()[-1] == "hr-bad.xlsx: nothing was written"


def test_get_shows_a_computed_figure_with_its_formula_in_words(
        capsys: pytest.CaptureFixture[str], sample_tree_path: Path) -> None:
    db = str(sample_tree_path)
    code, out, _ = run(capsys, "get", db, "--year", "2023", "people.employees.female_ratio")
    assert code == 0
    assert out.rstrip("\n").split("\t") == ["people.employees.female_ratio", "36.87", "%",
                                             "computed", "女性员工人数 ÷ 员工总人数 × 100"]
    code, out, _ = run(capsys, "get", db, "--year", "2023", "--lang", "en",
                       "people.employees.female_ratio")
    assert out.rstrip("\n").split("\t")[3:] == [
        "computed", "Number of female employees ÷ Total number of employees × 100"]
    # A site's emissions from its electricity and its province's grid factor.
    assert run(capsys, "set", db, "--entity", "dongguan", "--year", "2024",
               "environment.energy.electricity", "120000")[0] == 0
    store = open_database(sample_tree_path)
    try:
        grid = next(v for k, v in _factors_of(store, "dongguan", 2024).items()
                    if k == "factor.grid")
    finally:
        store.close()
    expected = (Decimal(120000) * grid / 1000).quantize(Decimal("0.01"))
    code, out, _ = run(capsys, "get", db, "--entity", "dongguan", "--year", "2024", "--lang",
                       "en", "environment.ghg.scope2")
    assert code == 0
    assert out.rstrip("\n").split("\t") == ["environment.ghg.scope2", f"{expected:,}", "tCO₂e",
                                             "computed",
                                             "Purchased grid electricity × factor grid ÷ 1000"]
    # One with an input missing says so, on stderr.
    code, out, err = run(capsys, "get", db, "--entity", "dongguan", "--year", "2024", "--lang",
                         "en", "environment.ghg.scope1")
    assert code == 1 and out == ""
    assert "incomplete" in err and "missing: Dongguan: Natural gas consumption" in err


def _factors_of(store: object, entity: str, year: int) -> dict[str, Decimal]:
    from esgdesk.rules.factor_values import FactorValues

    return dict(FactorValues(store)(entity, year))  # type: ignore[arg-type]


def test_dump_lists_computed_figures_and_says_which_are_computed(
        capsys: pytest.CaptureFixture[str], sample_tree_path: Path) -> None:
    db = str(sample_tree_path)
    assert run(capsys, "set", db, "--entity", "dongguan", "--year", "2024",
               "environment.energy.electricity", "120000")[0] == 0
    code, out, _ = run(capsys, "dump", db, "--format", "csv")
    rows = {(r["entity"], r["year"], r["indicator"]): r for r in csv.DictReader(io.StringIO(out))}
    assert code == 0 and list(next(iter(rows.values())))[-1] == "kind"
    assert rows[("group", "2023", "people.employees.total")]["kind"] == "stored"
    ratio = rows[("group", "2023", "people.employees.female_ratio")]
    assert (ratio["value"], ratio["kind"]) == ("36.87", "computed")
    code, out, _ = run(capsys, "get", db, "--entity", "dongguan", "--year", "2024",
                       "environment.ghg.scope2")
    site = rows[("dongguan", "2024", "environment.ghg.scope2")]
    assert (site["kind"], f"{Decimal(site['value']):,}") == ("computed", out.split("\t")[1])
    # summed up the tree: the group's is incomplete while its other sites have not reported,
    # and an incomplete total is never listed as if it were whole
    assert ("group", "2024", "environment.ghg.scope2") not in rows


def test_a_request_sent_back_shows_its_reason_in_status_the_app_and_the_next_workbook(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path,
        qtbot: QtBot) -> None:
    from PySide6.QtCore import QSettings
    from workbooks import load_workbook

    from ui.main_window import MainWindow

    db, total = str(sample_path), "people.employees.total"
    why = "the female headcount is missing; check the 4,300 total"
    request = tmp_path / "hr.xlsx"
    assert run(capsys, "request", db, "--year", "2024", "--entity", "group", "--department",
               "hr", "--out", str(request))[0] == 0
    assert run(capsys, "import", db, str(fill(request, {(total, "value"): 4300})))[0] == 0
    assert run(capsys, "review", db, "--year", "2024", "--entity", "group", "--department",
               "hr", "--to", "requested", "--reason", why)[0] == 0
    code, out, _ = run(capsys, "status", db, "--year", "2024")
    assert code == 0
    header, line = out.strip().splitlines()
    assert header.split("\t")[-1] == "sent back because"
    assert line.split("\t")[2] == "requested" and line.split("\t")[-1] == why
    # the app's collection status
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, lang="en")
    qtbot.addWidget(window)
    window.open_database(sample_path, year=2024, chapter="people")
    window.dashboard.refresh()
    status = window.dashboard.table.item(0, 2)
    assert status.text() == f"requested (sent back: {why})" and status.toolTip() == why
    window.close()
    # the next workbook sent for it
    again = tmp_path / "hr-again.xlsx"
    assert run(capsys, "request", db, "--year", "2024", "--entity", "group", "--department",
               "hr", "--out", str(again))[0] == 0
    facts = {r[0]: r[1] for r in load_workbook(again).worksheets[0].iter_rows(values_only=True)}
    assert facts["退回原因 Sent back because"] == why
    # once submitted again, it is no longer sent back
    _next_second()
    resent = fill(again, {("people.employees.female", "value"): 1620})
    assert run(capsys, "import", db, str(resent))[0] == 0
    out = run(capsys, "status", db, "--year", "2024")[1]
    line = out.strip().splitlines()[1].split("\t")
    assert line[2] == "submitted" and line[-1] == "—"


def test_a_refused_file_is_annotated_for_its_contributor_in_the_coordinators_language(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path) -> None:
    from workbooks import load_workbook

    db = str(sample_path)
    request = tmp_path / "hr.xlsx"
    assert run(capsys, "request", db, "--year", "2024", "--entity", "group", "--department",
               "hr", "--out", str(request))[0] == 0
    cells = _input_cells(request)
    bad = fill(request, {("people.employees.female", "value"): "600人",
                         ("people.employees.male", "state"): "maybe"}, tmp_path / "hr-bad.xlsx")
    (tmp_path / "back").mkdir()
    code, _out, err = run(capsys, "import", db, str(bad), "--lang", "zh", "--annotate",
                          str(tmp_path / "back"))
    assert code == 1
    female = "!".join(cells[("people.employees.female", "value")])
    male = "!".join(cells[("people.employees.male", "state")])
    assert f"{female}: 女性员工人数：“600人”不能接受" in err  # every problem, at once
    assert f"{male}: “maybe”不是可选的状态" in err
    copy = load_workbook(tmp_path / "back" / "hr-bad.xlsx")
    for key in (("people.employees.female", "value"), ("people.employees.male", "state")):
        sheet, cell = cells[key]
        comment = copy[sheet][cell].comment
        assert comment is not None  # the workbook's language first, then the other
        first, second = comment.text.split("\n")[:2]
        assert first.startswith(("女性员工人数", "“maybe”"))
        assert second.startswith(("Number", "'maybe'"))
    untouched = cells[("people.employees.total", "value")]
    assert copy[untouched[0]][untouched[1]].comment is None
