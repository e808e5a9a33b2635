"""A computed percentage printed as the company's report rounds it (so that its column adds
up to 100 %): set with its reason through the command line, audited, shown beside the
computed figure in the forms' details, printed in the export with a footnote saying so."""

from __future__ import annotations

from pathlib import Path

import pytest
from workbooks import load_workbook

from esgdesk.application.cli import main
from esgdesk.exchange.export import export_workbook
from esgdesk.model.layout import FigureRef
from esgdesk.rules.workspace import Workspace
from esgdesk.storage.store import open_database

YEAR = 2023
RATIO = "people.employees.female_ratio"  # computed: 36.87 for the group in 2023
WHY = "rounded so the column adds to 100 %"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _rows(path: Path) -> list[tuple[object, ...]]:
    """Every row of the report's sheets (the ratio is among the key figures)."""
    book = load_workbook(path, read_only=True, data_only=True)  # values, row by row
    try:
        return [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def test_a_computed_percentage_prints_as_the_report_rounds_it(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path) -> None:
    db = str(sample_path)
    code, out, _ = _run(capsys, "printed", db, "--year", str(YEAR), RATIO, "36.9", "--reason",
                        WHY)
    assert code == 0 and "36.9" in out
    code, out, _ = _run(capsys, "get", db, "--year", str(YEAR), RATIO, "--lang", "en")
    computed, printed = out.splitlines()
    assert computed.split("\t")[:4] == [RATIO, "36.87", "%", "computed"]
    assert printed.split("\t")[3:] == ["printed", WHY]
    store = open_database(sample_path)
    try:
        [row] = [r for r in store.history("group", YEAR, RATIO) if r.action == "printed"]
        assert (row.old_value, row.new_value, row.reason) == (None, "36.9", WHY)
        assert store.verify_audit().sound
        shown = Workspace(store, "group", YEAR)
        ref = FigureRef("group", YEAR, RATIO)
        assert shown.display(ref) == "36.87"  # the forms show what is computed …
        assert any(line.startswith("Printed as 36.9") and "computed 36.87" in line
                   and WHY in line for line in shown.origin(ref, "en"))  # … and beside it
        for lang in ("zh", "en"):
            rows = _rows(export_workbook(store, YEAR, tmp_path / f"{lang}.xlsx", lang=lang))
            assert any(36.9 in row for row in rows) and not any(36.87 in row for row in rows)
            notes = [row[0] for row in rows if str(row[0]).startswith("‡")]
            assert len(notes) == 1 and "36.87" in notes[0] and WHY in notes[0]
            assert ("按报告取舍印为" if lang == "zh" else "printed as") in notes[0]
    finally:
        store.close()
    # printed as computed again: the override goes, audited with its old figure
    code, out, _ = _run(capsys, "printed", db, "--year", str(YEAR), RATIO, "")
    assert code == 0 and "as computed" in out
    store = open_database(sample_path)
    try:
        last = [r for r in store.history("group", YEAR, RATIO) if r.action == "printed"][-1]
        assert (last.old_value, last.new_value) == ("36.9", None)
        rows = _rows(export_workbook(store, YEAR, tmp_path / "again.xlsx", lang="en"))
        assert any(36.87 in row for row in rows)
        assert not [row for row in rows if str(row[0]).startswith("‡")]
        assert store.verify_audit().sound
    finally:
        store.close()


@pytest.mark.parametrize(("args", "kind"), [
    ((RATIO, "36.9"), "needs_reason"),  # a reason is asked
    ((RATIO, "36.871", "--reason", WHY), "invalid_value"),  # more decimals than it keeps
    ((RATIO, "n/a", "--reason", WHY), "invalid_value"),  # a number, not a state
    (("people.employees.total", "4100", "--reason", WHY), "not_computed"),  # typed
])
def test_what_a_printed_figure_refuses(capsys: pytest.CaptureFixture[str], sample_path: Path,
                                       args: tuple[str, ...], kind: str) -> None:
    from esgdesk.application.session import Session

    before = sample_path.read_bytes()
    code, _, err = _run(capsys, "printed", str(sample_path), "--year", str(YEAR), *args)
    assert code == 2 and err
    assert sample_path.read_bytes() == before  # nothing written
    session = Session(user_name="tester")
    session.open_for_command(sample_path)
    try:
        with pytest.raises(Exception) as refused:
            session.set_printed(FigureRef("group", YEAR, args[0]), args[1],
                                args[3] if len(args) > 3 else "")
        assert getattr(refused.value, "kind", None) == kind
    finally:
        session.close()
