"""One vocabulary for why, on the command line as in the app: an explanation (`--explain`)
says why a figure is what it is and may explain a change; a provenance (`--source`) says
where it comes from and never explains one; `--reason` is asked only where a reason is (a
figure marked n/a or not available, and there it is the explanation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from esgdesk.application.cli import main
from esgdesk.rules.validation import validate
from esgdesk.storage.store import Store, open_database

TOTAL = "people.employees.total"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _finding(path: Path, rule: str, indicator: str) -> list:
    store = open_database(path)
    try:
        return [f for f in validate(store, 2024) if f.rule == rule and indicator in f.indicators]
    finally:
        store.close()


def test_a_source_never_explains_a_change_and_an_explanation_does(
        capsys: pytest.CaptureFixture[str], sample: Store, sample_path: Path) -> None:
    sample.close()
    db = str(sample_path)
    assert _run(capsys, "set", db, "--year", "2024", TOTAL, "6000", "--source",
                "HR ledger, 31 Dec 2024")[0] == 0
    [change] = _finding(sample_path, "prior_year", TOTAL)  # 4,106 → 6,000: +46 %
    assert not change.explained
    store = open_database(sample_path)
    assert store.get("group", 2024, TOTAL).provenance == "HR ledger, 31 Dec 2024"
    store.close()
    assert _run(capsys, "set", db, "--year", "2024", TOTAL, "6000", "--explain",
                "two plants acquired in March")[0] == 0
    [change] = _finding(sample_path, "prior_year", TOTAL)
    assert change.explained and change.explanation == "two plants acquired in March"


def test_a_reason_goes_with_n_a_and_explains_it(capsys: pytest.CaptureFixture[str],
                                                sample: Store, sample_path: Path) -> None:
    sample.close()
    db = str(sample_path)
    paternity = "people.leave.paternity"
    code, _, err = _run(capsys, "set", db, "--year", "2024", paternity, "12", "--reason",
                        "counted again")
    assert code == 2 and "--explain" in err and "--source" in err
    assert _run(capsys, "set", db, "--year", "2024", paternity, "n/a", "--reason",
                "no statutory paternity leave where the staff are")[0] == 0
    assert not _finding(sample_path, "type_range", paternity)  # its reason is given
    store = open_database(sample_path)
    stored = store.get("group", 2024, paternity)
    assert (stored.state, stored.note) == (
        "not_applicable", "no statutory paternity leave where the staff are")
    store.close()
