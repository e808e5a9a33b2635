"""The coordinator's command line tells the truth: what it shows, what it writes and where
its refusals go, driven as a coordinator would against real database files and workbooks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from esgdesk.application.cli import main
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
