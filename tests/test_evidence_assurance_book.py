"""The assurance workbook round trip on a file: the sampled figures with their values,
history and evidence file names go out; the verifier's marks come back, audited; a mark that
is no mark, or a figure not sampled, is refused at its cell with nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from workbooks import load_workbook

from esgdesk.application.cli import main
from esgdesk.storage.store import Store

YEAR = 2023
TOTAL = "people.employees.total"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def book(capsys: pytest.CaptureFixture[str], sample: Store, sample_path: Path,
         tmp_path: Path) -> Path:
    db = str(sample_path)
    register = tmp_path / "register.csv"
    register.write_bytes("姓名,部门\n张三,生产\n".encode())
    sample.attach("group", YEAR, TOTAL, "register.csv", register.read_bytes(), "hr")
    code, _, err = run(capsys, "assurance", "sample", db, "--year", str(YEAR), "--size", "6",
                       "--seed", "k", "--department", "hr")
    assert code == 0, err
    out = tmp_path / "assurance.xlsx"
    code, _, err = run(capsys, "assurance", "workbook", db, "--year", str(YEAR), "--out",
                       str(out), "--lang", "en")
    assert code == 0, err
    return out


def _rows(path: Path) -> dict[str, dict[str, object]]:
    sheet = load_workbook(path)["sample"]
    header = [c.value for c in sheet[1]]
    return {str(row[2]): dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_the_workbook_lists_the_sample_and_the_marks_come_back_audited(
        capsys: pytest.CaptureFixture[str], sample: Store, sample_path: Path,
        book: Path) -> None:
    drawn = sample.latest_sample(YEAR)
    assert drawn is not None and len(drawn.figures) == 6
    rows = _rows(book)
    assert list(rows) == [indicator for _, indicator in drawn.figures]
    for indicator, row in rows.items():  # the documents' names beside each figure
        assert row["Evidence"] == ("register.csv" if indicator == TOTAL else None)
        stored = sample.get("group", YEAR, indicator)
        assert stored is not None and row["Value"] == stored.value
    first = next(iter(rows.values()))
    assert str(first["History"]).startswith("1 · ")
    workbook = load_workbook(book)
    sheet = workbook["sample"]
    sheet["K2"], sheet["L2"] = "queried", "Where is the December register?"
    sheet["K3"] = "passed"
    workbook.save(book)
    code, out, err = run(capsys, "assurance", "import", str(sample_path), str(book))
    assert code == 0, err
    assert "2 mark(s) stored" in out
    marks = {m.indicator: m for m in sample.marks_of_years({YEAR})}
    first_id, second_id = drawn.figures[0][1], drawn.figures[1][1]
    assert (marks[first_id].mark, marks[first_id].comment) == (
        "queried", "Where is the December register?")
    assert marks[second_id].mark == "passed"
    [row] = [r for r in sample.history("group", YEAR, first_id) if r.action == "mark"]
    assert (row.new_value, row.reason, row.source) == ("queried",
                                                       "Where is the December register?",
                                                       "assurance.xlsx")
    code, out, _ = run(capsys, "assurance", "import", str(sample_path), str(book))
    assert "0 mark(s) stored" in out  # the same marks again change nothing
    code, out, _ = run(capsys, "audit", "verify", str(sample_path))
    assert code == 0, out


def test_a_wrong_mark_or_a_figure_not_sampled_is_refused_at_its_cell(
        capsys: pytest.CaptureFixture[str], sample: Store, sample_path: Path,
        book: Path) -> None:
    workbook = load_workbook(book)
    sheet = workbook["sample"]
    sheet["K2"] = "ok"
    sheet["C3"], sheet["K3"] = "finance.revenue", "passed"
    workbook.save(book)
    head = sample.audit_head()
    code, _, err = run(capsys, "assurance", "import", str(sample_path), str(book), "--lang",
                       "en")
    assert code == 1
    assert "sample!K2" in err and "'ok' is not a mark" in err
    assert "sample!C3" in err and "not in the sample" in err
    assert sample.marks_of_years({YEAR}) == [] and sample.audit_head() == head
