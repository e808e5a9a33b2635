"""The offline round trip: request workbooks written, filled, saved by LibreOffice, imported."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from conftest import BOTH
from workbooks import load_workbook

from esgdesk.errors import EsgdeskError, EvidenceMissing
from esgdesk.exchange.dump import dump_rows
from esgdesk.exchange.intake import accept, import_files, preview
from esgdesk.exchange.metadata import (
    CELL_COLUMNS,
    META_KEYS,
    META_SHEET,
    ROW_FORMAT,
    checksum,
    read_meta,
)
from esgdesk.exchange.requests import write_request
from esgdesk.rules.review import dashboard, move
from esgdesk.storage.store import Store, open_database
from esgdesk.storage.transfer import rows_of

ENGINES = BOTH  # each test on the sample runs on SQLite and on a PostgreSQL server


def _cells(book: Any) -> dict[tuple[str, str], tuple[str, str]]:
    """(indicator, kind) → (sheet, cell) of a request workbook's input cells."""
    _meta, cells = read_meta(book[META_SHEET], "test")
    return {(c.indicator, c.kind): (c.sheet, c.cell) for c in cells if c.kind != "fixed"}


_FILLED: dict[tuple[str, str, str], bytes] = {}  # what fill made of a workbook's bytes


def fill(path: Path, values: dict[tuple[str, str], Any], out: Path | None = None,
         name: str = "Wang Fang") -> Path:
    """Type into a request workbook as a contributor would (openpyxl, no esgdesk). Most tests
    type the same into a copy of the same request: the workbook typed once in this process
    is copied for the next test that types the same into the same bytes."""
    target = out or path
    typed = (hashlib.sha256(path.read_bytes()).hexdigest(), repr(sorted(values.items())), name)
    if typed in _FILLED:
        target.write_bytes(_FILLED[typed])
        return target
    book = load_workbook(path)
    where = _cells(book)
    for key, value in values.items():
        sheet, cell = where[key]
        book[sheet][cell] = value
    sheet, cell = where[("", "submitted_by")]
    book[sheet][cell] = name
    book.save(target)
    _FILLED[typed] = target.read_bytes()
    return target


def snapshot(store: Store) -> tuple[str, list[dict[str, Any]], int]:
    """The database file's bytes (hashed; a server database's every row), its dump and the
    audit log's length."""
    content = repr(rows_of(store)).encode() if store.server else store.path.read_bytes()
    return (hashlib.sha256(content).hexdigest(), dump_rows(store),
            len(store.audit_log()))


def soffice_resave(path: Path, work: Path) -> Path:
    """Open and save a workbook with LibreOffice, as a contributor without esgdesk would."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is installed by 'make test' (libreoffice-calc-nogui)")
    outdir = work / "resaved"
    for _attempt in range(3):  # a loaded machine's LibreOffice now and then exits 0 unsaved
        result = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
             "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir),
             str(path)], capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr
        if (outdir / path.name).exists():
            break
    assert (outdir / path.name).exists(), f"LibreOffice saved nothing: {result.stdout}"
    return outdir / path.name


def _write_2024(store: Store, folder: Path) -> Path:
    return write_request(store, "group", 2024, "hr", folder / "hr-2024.xlsx", "coordinator",
                         assignee="Wang Fang", due="2025-01-31")


@pytest.fixture(scope="module")
def _requested_master(_sample_master: Path, tmp_path_factory: pytest.TempPathFactory
                      ) -> tuple[Path, Path]:
    """The sample with hr's 2024 request recorded and its workbook written, made once for
    the module: a test taking `request_2024` on SQLite gets a copy of both, just as if it had
    written the request itself (writing it takes a second)."""
    folder = tmp_path_factory.mktemp("requested")
    path = folder / "sample.db"
    shutil.copyfile(_sample_master, path)
    store = open_database(path)
    try:
        return path, _write_2024(store, folder)
    finally:
        store.close()


@pytest.fixture
def sample_path(sample_path: Path, engine: str, request: pytest.FixtureRequest) -> Path:
    """The private copy of the sample, holding hr's 2024 request where the test takes it."""
    if engine == "sqlite" and "request_2024" in request.fixturenames:
        master, _ = request.getfixturevalue("_requested_master")
        shutil.copyfile(master, sample_path)
    return sample_path


@pytest.fixture
def request_2024(sample: Store, tmp_path: Path, engine: str,
                 request: pytest.FixtureRequest) -> Path:
    if engine != "sqlite":
        return _write_2024(sample, tmp_path)
    _, book = request.getfixturevalue("_requested_master")
    path = tmp_path / book.name
    shutil.copyfile(book, path)
    return path


def test_the_request_holds_the_departments_tables_protected(sample: Store,
                                                              request_2024: Path) -> None:
    book = load_workbook(request_2024)
    assert book.sheetnames[0] == "填报说明"
    assert book[META_SHEET].sheet_state == "veryHidden" and book[META_SHEET].protection.sheet
    people = book[PEOPLE]
    assert people.protection.sheet
    rows: dict[str, Any] = {}
    for row in people.iter_rows():
        rows.setdefault(row[0].value, row)
    total = rows["全球员工"]  # typed in its home table, the employee profile
    assert [c.value for c in total[2:5]] == [3788, 4106, None]  # 2022, 2023, then 2024 to type
    assert total[3].protection.locked and not total[4].protection.locked
    # Printed again in the employee structure, it shows what is typed in its first place.
    again = rows["员工总人数"][4]
    first = total[4].coordinate
    assert again.protection.locked and again.value == f'=IF({first}="","",{first})'
    # Only open cells can be selected: Enter goes from figure to figure.
    assert people.protection.selectLockedCells
    assert "&P" in people.oddFooter.center.text and "&N" in people.oddFooter.center.text
    header = next(r for r in people.iter_rows() if r[0].value == "员工构成")
    # Year headings are numbers shown as text: AutoInput never completes a figure from them.
    assert [c.value for c in header[2:5]] == [2022, 2023, 2024]
    assert '"2024 年"' in header[4].number_format
    validations = {str(dv.sqref): dv for dv in people.data_validations.dataValidation}
    count_rule = next(dv for ref, dv in validations.items() if total[4].coordinate in ref.split())
    assert count_rule.type == "whole" and count_rule.formula1 == "0"
    assert "人" in count_rule.prompt
    # Only the HR department's tables: no environment chapter.
    assert not any(name.startswith("02") for name in book.sheetnames)
    assert sample.request_for("group", 2024, "hr").assignee == "Wang Fang"


def _wide(text: str) -> int:
    """A text's width in a column's units (a Chinese character counts two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@pytest.mark.parametrize("entity,department", [("zkteco", "hr"), ("dongguan", "ehs")])
def test_input_messages_are_shown_over_the_explanation_never_the_state(
        sample_tree: Store, tmp_path: Path, entity: str, department: str) -> None:
    from openpyxl.utils import column_index_from_string, get_column_letter

    path = write_request(sample_tree, entity, 2024, department, tmp_path / "r.xlsx", "c")
    book = load_workbook(path)
    _meta, cells = read_meta(book[META_SHEET], path.name)
    checked = 0
    for sheet_name in {c.sheet for c in cells if c.kind == "value"}:
        sheet = book[sheet_name]
        states = {c.cell.rstrip("0123456789") for c in cells
                  if c.sheet == sheet_name and c.kind == "state"}
        notes = {c.cell.rstrip("0123456789") for c in cells
                 if c.sheet == sheet_name and c.kind == "note"}
        assert len(states) == len(notes) == 1  # one column each, the explanation first
        state = column_index_from_string(states.pop())
        assert column_index_from_string(notes.pop()) == state - 1
        for validation in sheet.data_validations.dataValidation:
            if not validation.prompt:
                continue
            # Shown from the right edge of its cell: it must end before the state column.
            # A column's width unit is about 1.4 of the message's letters (LibreOffice at
            # 100 %: 34 units are 328 px, a letter of the message 6.5 px, a Chinese one 13).
            widest = max(_wide(line) for line in
                         [validation.promptTitle or "", *validation.prompt.splitlines()])
            for ref in str(validation.sqref).split():
                column = column_index_from_string(ref.split(":")[0].rstrip("0123456789"))
                if column >= state:
                    continue
                room = sum(sheet.column_dimensions[get_column_letter(c)].width
                           for c in range(column + 1, state))
                assert widest + 3 <= room * 1.4, (sheet_name, ref, validation.prompt)
                checked += 1
    assert checked


def test_round_trip_through_libreoffice(sample: Store, request_2024: Path,
                                        tmp_path: Path) -> None:
    filled = fill(request_2024, {
        ("people.employees.total", "value"): 4300,
        ("people.employees.female", "value"): "1,620",  # text with a thousands separator
        ("people.employees.male", "value"): "２６８０",  # full-width digits
        ("people.contracts.signing_rate", "value"): 1,  # typed as a fraction → 100 %
        ("people.employees.foreign", "state"): "不适用",
        ("people.employees.foreign", "note"): "no foreign staff this year",
        ("people.employees.finance", "value"): 40,
        ("people.employees.finance", "note"): "shared-service centre",
    })
    resaved = soffice_resave(filled, tmp_path)
    reports = import_files(sample, [resaved], "coordinator")
    report = reports[0]
    assert report.acceptable, report.refused
    assert report.submitted_by == "Wang Fang"
    assert sample.get("group", 2024, "people.employees.total").value == "4300"
    assert sample.get("group", 2024, "people.employees.female").value == "1620"
    assert sample.get("group", 2024, "people.employees.male").value == "2680"
    assert sample.get("group", 2024, "people.contracts.signing_rate").value == "100"
    foreign = sample.get("group", 2024, "people.employees.foreign")
    assert foreign.state == "not_applicable" and foreign.note == "no foreign staff this year"
    assert sample.get("group", 2024, "people.employees.finance").note == "shared-service centre"
    assert any("read as 100" in n for n in report.notices)
    # Provenance: every audit row names the file and its SHA-256.
    rows = [r for r in sample.audit_log() if r.action == "set" and r.year == 2024]
    source = json.loads(rows[0].source)
    assert source["sha256"] == hashlib.sha256(resaved.read_bytes()).hexdigest()
    assert source["submitted_by"] == "Wang Fang" and source["file"] == resaved.name
    assert sample.request_for("group", 2024, "hr").status == "submitted"


def test_reimporting_the_same_file_changes_nothing(sample: Store, request_2024: Path) -> None:
    filled = fill(request_2024, {("people.employees.total", "value"): 4300})
    import_files(sample, [filled], "coordinator")
    before = snapshot(sample)
    report = import_files(sample, [filled], "coordinator")[0]
    assert report.already is not None and "imported already" in report.summary()
    assert snapshot(sample) == before


def test_an_older_file_over_newer_figures_asks_first(sample: Store, request_2024: Path,
                                                     tmp_path: Path) -> None:
    from esgdesk.storage.store import Change

    filled = fill(request_2024, {("people.employees.total", "value"): 4300})
    sample.set_value(Change("group", 2024, "people.employees.total", "4400"), "hr-lead")
    report = preview(sample, [filled])[0]
    assert report.newer and "hr-lead" in report.newer[0]
    before = snapshot(sample)
    with pytest.raises(EsgdeskError, match="newer in the database"):
        accept(sample, report, "coordinator")
    assert snapshot(sample) == before
    accept(sample, report, "coordinator", overwrite_newer=True)
    assert sample.get("group", 2024, "people.employees.total").value == "4300"


def _rewrite_meta(path: Path, **changes: str) -> Path:
    """A workbook whose metadata says something else, with a valid checksum (as if it had
    been made for another request)."""
    book = load_workbook(path)
    sheet = book[META_SHEET]
    meta, cells = read_meta(sheet, "test")
    meta.update(changes)
    for row in sheet.iter_rows():
        key = row[0].value
        if key in changes:
            row[1].value = changes[key]
        if key == "checksum":
            row[1].value = checksum(meta, cells)
    book.save(path)
    return path


def _rows_layout(path: Path) -> Path:
    """The workbook as requests were written before the cell map became JSON text: one row
    a mapped cell under its headings (format esgdesk-request-1), with that format's
    checksum."""
    book = load_workbook(path)
    meta, cells = read_meta(book[META_SHEET], "test")
    meta["format"] = ROW_FORMAT
    meta["checksum"] = checksum(meta, cells)
    position = book.sheetnames.index(META_SHEET)
    del book[META_SHEET]
    sheet = book.create_sheet(META_SHEET, position)
    for key in (*META_KEYS, "checksum"):
        sheet.append([key, meta[key]])
    sheet.append([])
    sheet.append(list(CELL_COLUMNS))
    for spec in cells:
        sheet.append([None if value in ("", 0) else value for value in spec.row()])
    sheet.sheet_state = "veryHidden"
    book.save(path)
    return path


def test_a_request_sent_out_with_a_row_a_cell_still_imports(sample: Store,
                                                            request_2024: Path) -> None:
    """Requests written before the compact cell map, already with contributors, are read
    as they were written: their checksum holds, and a change to their map is caught."""
    fill(request_2024, {("people.employees.total", "value"): 4300})
    _rows_layout(request_2024)
    book = load_workbook(request_2024, read_only=True)  # the map's rows, as values
    meta, cells = read_meta(book[META_SHEET], "test")
    book.close()
    assert meta["format"] == ROW_FORMAT and len(cells) > 100
    report = import_files(sample, [request_2024], "coordinator")[0]
    assert report.acceptable and report.written, report.refused
    assert sample.get("group", 2024, "people.employees.total").value == "4300"
    book = load_workbook(request_2024)
    row = next(r for r in book[META_SHEET].iter_rows() if r[2].value == "fixed")
    row[5].value = "another label"
    book.save(request_2024)
    report = import_files(sample, [request_2024], "coordinator")[0]
    assert [p.code for p in report.refused] == ["metadata_changed"]


def _map_text(path: Path, change: Any) -> Path:
    """The workbook with its JSON cell map's text changed by `change`."""
    book = load_workbook(path)
    cells = [row[0] for row in book[META_SHEET].iter_rows()
             if isinstance(row[0].value, str) and row[0].value.startswith('[["')]
    cells[0].value = change(cells[0].value)
    book.save(path)
    return path


@pytest.mark.parametrize("change", [
    lambda text: text.replace('"fixed"', '"value"', 1),  # a label made an input
    lambda text: text.replace('"A1"', '"B1"', 1),  # a mapped cell moved
    lambda text: text[:-20],  # cut short
    lambda text: text.replace(",0,", ',"0",', 1),  # a year not a number
])
def test_a_changed_cell_map_is_refused_and_writes_nothing(sample: Store, request_2024: Path,
                                                          change: Any) -> None:
    fill(request_2024, {("people.employees.total", "value"): 4300})
    before = snapshot(sample)
    report = import_files(sample, [_map_text(request_2024, change)], "coordinator")[0]
    assert [p.code for p in report.refused] == ["metadata_changed"], report.refused
    assert snapshot(sample) == before


def _edit(path: Path, sheet: str, cell: str, value: Any) -> Path:
    book = load_workbook(path)
    book[sheet][cell] = value
    book.save(path)
    return path


PEOPLE = "04 以人为本"


@pytest.mark.parametrize("spoil, reason", [
    (lambda p: _rewrite_meta(p, year="2023"), "is for year 2023"),
    (lambda p: _rewrite_meta(p, entity="zkteco"), "is for entity zkteco"),
    (lambda p: _rewrite_meta(p, department="ehs"), "is for department ehs"),
    (lambda p: _rewrite_meta(p, catalogue="2019.1"), "not the edition the request names"),
    (lambda p: _rewrite_meta(p, request="0" * 32), "was not made from this database"),
    (lambda p: _edit(p, META_SHEET, "B6", "2025"), "metadata sheet was changed"),
    (lambda p: _edit(p, PEOPLE, "A5", "员工人数（改）"), "locked content changed"),
    (lambda p: _edit(p, PEOPLE, "D5", 9999), "locked content changed"),
    (lambda p: _insert_row(p), "locked content changed"),
    (lambda p: _type(p, "people.employees.total", "about 4,000"), "!E"),
    (lambda p: _type(p, "people.employees.total", "=4000+300"), "a formula"),
    (lambda p: _type(p, "people.employees.total", -5), "!E"),
    (lambda p: _type(p, "people.contracts.signing_rate", 250), "between 0 and 100"),
    (lambda p: p.write_bytes(b"not a workbook at all") and p, "not an Excel workbook"),
    (lambda p: _drop_meta(p), "not an esgdesk collection workbook"),
])
def test_each_refusal_leaves_the_database_unchanged(sample: Store, request_2024: Path,
                                                    spoil: Any, reason: str) -> None:
    fill(request_2024, {("people.employees.total", "value"): 4300})
    spoiled = spoil(request_2024)
    before = snapshot(sample)
    report = import_files(sample, [spoiled], "coordinator")[0]
    assert not report.acceptable
    assert any(reason in str(r) for r in report.refused), report.refused
    assert snapshot(sample) == before
    with pytest.raises(EsgdeskError):
        accept(sample, report, "coordinator")
    assert snapshot(sample) == before


def _type(path: Path, indicator: str, value: Any) -> Path:
    book = load_workbook(path)
    sheet, cell = _cells(book)[(indicator, "value")]
    book[sheet][cell] = value
    book.save(path)
    return path


def _insert_row(path: Path) -> Path:
    book = load_workbook(path)
    book[PEOPLE].insert_rows(6)
    book.save(path)
    return path


def _drop_meta(path: Path) -> Path:
    book = load_workbook(path)
    del book[META_SHEET]
    book.save(path)
    return path


def test_import_refuses_a_file_for_another_year_when_told_the_year(
        sample: Store, request_2024: Path) -> None:
    fill(request_2024, {("people.employees.total", "value"): 4300})
    before = snapshot(sample)
    report = import_files(sample, [request_2024], "coordinator", expect={"year": "2025"})[0]
    assert any("made for year 2024, not 2025" in str(r) for r in report.refused)
    assert snapshot(sample) == before


def test_review_approve_lock_and_a_locked_request_is_published(
        sample: Store, request_2024: Path) -> None:
    filled = fill(request_2024, {("people.employees.total", "value"): 4300,
                                 ("people.employees.male", "value"): 2680,
                                 ("people.employees.female", "value"): 1000})
    import_files(sample, [filled], "coordinator")
    request = sample.request_for("group", 2024, "hr")
    from esgdesk.storage.store import Change

    with pytest.raises(EsgdeskError, match="figures are missing"):  # approval needs them all
        move(sample, request.id, "approved", "coordinator")
    held = {"people.employees.total", "people.employees.male", "people.employees.female"}
    sample.set_values([Change("group", 2024, i, "not available", note="not counted")
                       for i in sample.request_indicators("hr") if i not in held], "hr")
    with pytest.raises(EsgdeskError, match="1 open error in"):  # 2,680 + 1,000 ≠ 4,300
        move(sample, request.id, "approved", "coordinator")
    sample.set_value(Change("group", 2024, "people.employees.female", "1620"), "hr")
    with pytest.raises(EsgdeskError, match="approve the figures before locking"):
        move(sample, request.id, "locked", "coordinator")
    with pytest.raises(EvidenceMissing) as lacking:  # the head-counts need their register
        move(sample, request.id, "approved", "coordinator")
    assert lacking.value.missing == [("group", i) for i in (
        "people.employees.total", "people.employees.male", "people.employees.female")]
    for indicator in held:
        sample.attach("group", 2024, indicator, "register.csv", "姓名,部门\n".encode(), "hr")
    move(sample, request.id, "approved", "coordinator")
    move(sample, request.id, "locked", "coordinator")
    assert sample.get("group", 2024, "people.employees.total").status == "locked"
    before = snapshot(sample)
    again = fill(request_2024, {("people.employees.total", "value"): 4500},
                 out=request_2024.with_name("again.xlsx"))
    report = import_files(sample, [again], "coordinator")[0]
    assert any("locked" in str(r) and "esgdesk restate" in str(r) for r in report.refused)
    assert snapshot(sample) == before
    with pytest.raises(EsgdeskError, match="restatement") as refused:  # published for good
        move(sample, request.id, "submitted", "coordinator", reason="headcount recount")
    assert refused.value.kind == "published"
    assert snapshot(sample) == before


def test_the_dashboard_shows_who_is_late_and_what_is_missing(sample: Store,
                                                             request_2024: Path) -> None:
    from datetime import date

    rows = dashboard(sample, 2024, today=date(2025, 2, 1))
    assert len(rows) == 1 and rows[0].late and rows[0].filled == 0
    assert rows[0].missing == rows[0].expected > 50
    filled = fill(request_2024, {("people.employees.total", "value"): 4300})
    import_files(sample, [filled], "coordinator")
    row = dashboard(sample, 2024, today=date(2025, 2, 1))[0]
    assert not row.late and row.filled == 1 and row.request.status == "submitted"


def test_a_restatement_keeps_the_published_figure(sample: Store, tmp_path: Path) -> None:
    from esgdesk.exchange.export import export_workbook

    sample.set_status("group", 2021, "people.employees.technical", "locked", "coordinator")
    with pytest.raises(EsgdeskError, match="needs a reason"):
        sample.restate("group", 2021, "people.employees.technical", "1131", "error", " ", "me")
    restated = sample.restate("group", 2021, "people.employees.technical", "1131", "error",
                              "R&D staff counted twice", "coordinator")
    assert restated.value == "1131" and restated.published == "1117"
    assert restated.status == "locked"
    out = export_workbook(sample, 2023, tmp_path / "r.xlsx", lang="en")
    book = load_workbook(out, read_only=True)  # values, row by row
    rows = [r[0] for r in book[next(s for s in book.sheetnames if s.startswith("04"))]
            .iter_rows(values_only=True) if r[0]]
    book.close()
    assert any("restated" in str(r) and "1,117" in str(r) for r in rows)


def test_last_years_explanation_is_carried_into_the_form_and_the_request(
        sample: Store, tmp_path: Path) -> None:
    from esgdesk.model.layout import FigureRef
    from esgdesk.rules.workspace import Workspace

    sample.set_note("group", 2023, "people.employees.finance",
                    "finance moved to a shared-service centre", "hr")
    workspace = Workspace(sample, "group", 2024)
    ref = FigureRef("group", 2024, "people.employees.finance")
    assert workspace.last_explanation(ref) == "finance moved to a shared-service centre"
    path = write_request(sample, "group", 2024, "hr", tmp_path / "hr.xlsx", "coordinator")
    book = load_workbook(path)
    sheet, cell = _cells(book)[("people.employees.finance", "value")]
    row = book[sheet][cell].row
    assert "finance moved to a shared-service centre" in [
        c.value for c in book[sheet][row]]  # beside the figure, in the same row


def test_the_workbooks_input_rules_are_the_catalogues(sample: Store, tmp_path: Path) -> None:
    """A loss is allowed where the catalogue allows it (min = -1,000,000,000)."""
    path = write_request(sample, "group", 2024, "ir", tmp_path / "ir.xlsx", "coordinator")
    book = load_workbook(path)
    sheet, cell = _cells(book)[("finance.net_profit_parent", "value")]
    rules = [dv for dv in book[sheet].data_validations.dataValidation
             if cell in str(dv.sqref).split()]
    assert rules and rules[0].type == "decimal"
    assert (rules[0].formula1, rules[0].operator) == ("-1000000000", "between")
    low, _high = sample.catalogue.bounds(sample.catalogue.indicators["finance.net_profit_parent"])
    assert str(low) == rules[0].formula1


def test_a_note_that_looks_like_a_formula_survives_the_round_trip(sample: Store,
                                                                  request_2024: Path,
                                                                  tmp_path: Path) -> None:
    from esgdesk.exchange.offline import open_request, submit_request
    from esgdesk.storage.store import Change

    offline, draft = open_request(request_2024, tmp_path / "drafts")
    draft.set_value(Change("group", 2024, "people.employees.total", "4300",
                           "=HYPERLINK(\"http://x\")"), "Wang Fang")
    submit_request(draft, offline, "Wang Fang")
    draft.close()
    book = load_workbook(request_2024)
    sheet, cell = _cells(book)[("people.employees.total", "note")]
    written = book[sheet][cell]
    assert written.data_type == "s" and written.quotePrefix
    import_files(sample, [request_2024], "coordinator")
    assert sample.get("group", 2024, "people.employees.total").note == "=HYPERLINK(\"http://x\")"


def test_requests_for_many_entities_and_departments_go_to_one_folder(sample_tree: Store,
                                                                     tmp_path: Path) -> None:
    from esgdesk.exchange.requests import write_requests

    stops: list[str] = []
    written = write_requests(sample_tree, 2024, ["zkteco", "xiamen-zkteco"], ["hr", "ehs"],
                             tmp_path, "coordinator",
                             progress=lambda d, t, n: stops.append(n) or d < 3)
    assert [p.name for p in written] == ["2024-zkteco-hr.xlsx", "2024-zkteco-ehs.xlsx",
                                         "2024-xiamen-zkteco-hr.xlsx"]  # stopped after three
    assert len(sample_tree.requests(2024)) == 3
    with pytest.raises(EsgdeskError, match="existing folder"):
        write_requests(sample_tree, 2024, ["zkteco"], ["hr"], tmp_path / "nowhere", "c")


def test_a_collections_requests_are_part_for_part_those_written_one_by_one(
        sample_tree: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A request written from the first of its layout's frame is the workbook openpyxl
    writes for it alone; one whose own cells would take another style (last year's
    explanation read as a formula, so quote-prefixed) is written through openpyxl."""
    import datetime
    import re
    import zipfile

    from esgdesk.exchange import requests
    from esgdesk.storage.records import Change

    class Made(datetime.datetime):  # the metadata's time of making, the same both times
        @classmethod
        def now(cls, tz: Any = None) -> Made:
            return cls(2025, 1, 2, 3, 4, 5)

    def parts(path: Path) -> dict[str, bytes]:
        stamps = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            return {n: stamps.sub(b"", archive.read(n)) for n in archive.namelist()}

    monkeypatch.setattr(requests, "datetime", Made)
    sample_tree.set_history([Change("xiamen-zkteco", 2023, "innovation.rd.staff", "120",
                                    "=SUM(A1) is what they typed"),
                             Change("guangdong-zkteco", 2023, "innovation.rd.staff", "99",
                                    "counted in March & <April>")], "tester")
    entities = [e.code for e in sample_tree.entities()]
    framed, alone = tmp_path / "framed", tmp_path / "alone"
    framed.mkdir()
    alone.mkdir()
    written_from_frame: list[bool] = []
    frame_writes = requests.RequestFrame.write
    monkeypatch.setattr(requests.RequestFrame, "write", lambda frame, writer, out: (
        written_from_frame.append(frame_writes(frame, writer, out)) or written_from_frame[-1]))
    names = [p.name for p in requests.write_requests(
        sample_tree, 2024, entities, ["hr", "ehs"], framed, "coordinator")]
    assert written_from_frame.count(True) >= 4 and written_from_frame.count(False) == 1
    monkeypatch.setattr(requests.RequestFrame, "of", classmethod(lambda *_args: None))
    assert [p.name for p in requests.write_requests(
        sample_tree, 2024, entities, ["hr", "ehs"], alone, "coordinator")] == names
    for name in names:
        assert parts(framed / name) == parts(alone / name), name


def test_a_collections_requests_are_recorded_together_each_with_its_audit_row(
        sample: Store, tmp_path: Path) -> None:
    from esgdesk.exchange.requests import write_requests

    first = write_requests(sample, 2024, ["group"], ["hr", "ehs"], tmp_path, "coordinator")
    again = write_requests(sample, 2024, ["group"], ["hr", "ehs"], tmp_path, "coordinator",
                           assignee="Li Na", due="2025-03-31")
    assert [p.name for p in again] == [p.name for p in first]
    requests = {r.department: r for r in sample.requests(2024)}
    assert set(requests) == {"hr", "ehs"}
    assert {(r.assignee, r.due) for r in requests.values()} == {("Li Na", "2025-03-31")}
    for path in again:  # each workbook names its request, re-used when assigned again
        book = load_workbook(path, read_only=True)  # the map's rows, as values
        meta, _cells = read_meta(book[META_SHEET], path.name)
        book.close()
        assert meta["request"] == requests[meta["department"]].id
    logged = [(r.department, r.new_value) for r in sample.audit_log() if r.action == "request"]
    assert sorted(logged) == [("ehs", ""), ("ehs", "Li Na 2025-03-31"), ("hr", ""),
                              ("hr", "Li Na 2025-03-31")]
    write_requests(sample, 2024, ["group"], ["hr", "ehs"], tmp_path, "coordinator",
                   assignee="Li Na", due="2025-03-31")  # nothing changes: nothing logged
    assert len([r for r in sample.audit_log() if r.action == "request"]) == 4
    assert sample.verify_audit().intact


def test_a_collection_that_fails_records_no_request_and_leaves_no_workbook(
        sample_tree: Store, tmp_path: Path) -> None:
    from esgdesk.exchange.requests import write_requests

    def failing(done: int, _total: int, _name: str) -> bool:
        if done == 3:
            raise OSError("disk full")
        return True

    folder = tmp_path / "requests"
    folder.mkdir()
    with pytest.raises(OSError, match="disk full"):
        write_requests(sample_tree, 2024, ["zkteco", "xiamen-zkteco"], ["hr", "ehs"], folder,
                       "coordinator", progress=failing)
    assert sample_tree.requests(2024) == []
    assert list(folder.iterdir()) == []  # no workbook, no temporary file


def test_an_explanation_too_long_for_a_cell_is_refused_not_cut(sample: Store,
                                                               request_2024: Path) -> None:
    from test_fuzz import _noted

    request_2024.write_bytes(_noted(request_2024, b"x" * 40000))
    before = snapshot(sample)
    report = import_files(sample, [request_2024], "coordinator")[0]
    assert not report.acceptable
    assert any("40,000 characters long" in str(r) and "32,767" in str(r) and r.cell
               for r in report.refused), report.refused
    assert snapshot(sample) == before


def test_a_refused_workbooks_problems_say_what_and_where(sample: Store,
                                                         request_2024: Path) -> None:
    from esgdesk.exchange.returned import INVALID_VALUE, LOCKED_CHANGED

    fill(request_2024, {("people.employees.total", "value"): "about 4,000"})
    _edit(request_2024, PEOPLE, "A5", "员工人数（改）")
    book = load_workbook(request_2024, read_only=True)  # the map's rows, as values
    sheet, cell = _cells(book)[("people.employees.total", "value")]
    book.close()
    report = preview(sample, [request_2024])[0]
    by_code = {p.code: p for p in report.refused}
    typed = by_code[INVALID_VALUE]
    assert (typed.sheet, typed.cell, typed.indicator) == (sheet, cell, "people.employees.total")
    assert typed.where == f"{sheet}!{cell}"
    assert str(typed) == typed.message("en") == f"{sheet}!{cell}: {typed.en}"
    assert typed.message("zh").startswith(f"{sheet}!{cell}: ") and typed.zh != typed.en
    label = by_code[LOCKED_CHANGED]
    assert (label.sheet, label.cell) == (PEOPLE, "A5") and "员工人数（改）" in label.en
    assert report.summary().startswith(f"{request_2024.name}: refused: ")
    assert str(typed) in report.summary()


def test_a_file_that_cannot_be_read_is_one_problem_coded_by_its_kind(sample: Store,
                                                                     tmp_path: Path) -> None:
    path = tmp_path / "returned.xlsm"
    path.write_bytes(b"PK")
    problem = preview(sample, [path])[0].refused[0]
    assert problem.code == "macros" and not problem.where
    assert str(problem) == "returned.xlsm: .xlsm files are refused; save it as .xlsx"


def test_opening_a_request_offline_decides_on_the_problems_code(sample: Store,
                                                               request_2024: Path,
                                                               tmp_path: Path) -> None:
    from esgdesk.errors import FileRefused
    from esgdesk.exchange.offline import open_request

    # Words that once stopped the opening ("missing", "metadata") are only a typed value.
    fill(request_2024, {("people.employees.total", "value"): "missing metadata"})
    offline, draft = open_request(request_2024, tmp_path / "drafts")
    draft.close()
    assert offline.request == sample.request_for("group", 2024, "hr").id
    _edit(request_2024, META_SHEET, "B6", "2025")
    with pytest.raises(FileRefused) as refused:
        open_request(request_2024, tmp_path / "other-drafts")
    assert refused.value.kind == "metadata_changed"
    assert "metadata sheet was changed" in refused.value.message("en")


def test_one_rule_says_which_file_may_be_accepted(sample: Store, request_2024: Path,
                                                  tmp_path: Path) -> None:
    from esgdesk.exchange.intake import may_accept
    from esgdesk.storage.store import Change

    plain = fill(request_2024, {("people.employees.total", "value"): 4300},
                 out=tmp_path / "plain.xlsx")
    report = preview(sample, [plain])[0]
    assert report.would_write and not report.needs_confirmation
    assert may_accept(report, overwrite_newer=False)
    sample.set_value(Change("group", 2024, "people.employees.total", "4400"), "hr-lead")
    older = preview(sample, [plain])[0]
    assert older.would_write and older.needs_confirmation
    assert not may_accept(older, overwrite_newer=False)
    assert may_accept(older, overwrite_newer=True)
    before = snapshot(sample)
    assert import_files(sample, [plain], "coordinator")[0].newer  # not accepted: unconfirmed
    assert snapshot(sample) == before
    refused = preview(sample, [_type(plain, "people.employees.total", "=1+1")])[0]
    assert not refused.would_write and not refused.needs_confirmation
    assert not may_accept(refused, overwrite_newer=True)


def test_a_returned_workbook_declaring_xml_entities_is_refused_before_it_is_read(
        sample: Store, request_2024: Path, tmp_path: Path) -> None:
    """Every part passes defusedxml's guard before the fast reader sees it: an entity
    declared in the metadata sheet (read by calamine) or in the styles (read for number
    formats) refuses the file, coded, and writes nothing."""
    import io
    import zipfile

    returned = fill(request_2024, {("people.employees.total", "value"): 4300})
    with zipfile.ZipFile(returned) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    book = load_workbook(returned)
    meta_part = f"xl/worksheets/sheet{book.sheetnames.index(META_SHEET) + 1}.xml"
    declared = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]>'
    before = snapshot(sample)
    for part in (meta_part, "xl/styles.xml"):
        body = members[part]
        body = body[body.index(b"?>") + 2:] if body.startswith(b"<?xml") else body
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in {**members, part: declared + body}.items():
                archive.writestr(name, content)
        path = tmp_path / f"entities-{part.replace('/', '-')}.xlsx"
        path.write_bytes(buffer.getvalue())
        report = import_files(sample, [path], "coordinator")[0]
        assert [p.code for p in report.refused] == ["unsafe_xml"], report.refused
        assert part in report.refused[0].en and not report.written
    assert snapshot(sample) == before
