"""Nothing lost when the process dies: SIGKILL in the middle of an import and of a burst of
edits, at random moments. Each run checks `PRAGMA integrity_check`, that an import is
there whole or not at all, and that every edit reported saved is there.

The default is 30 kills of each kind; ESGDESK_SOAK=1 (make soak) runs 300 of each."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from esgdesk.exchange.metadata import META_SHEET, read_meta
from esgdesk.exchange.requests import write_request
from esgdesk.storage.store import Store, open_database

WORKER = Path(__file__).with_name("crash_worker.py")
RUNS = 300 if os.environ.get("ESGDESK_SOAK") else 30


def _start(*args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", process.stderr.read() if process.stderr else line
    return process


def _kill_after(process: subprocess.Popen[str], seconds: float) -> list[str]:
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    out, _err = process.communicate(timeout=30)
    return out.splitlines()


def _integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


@pytest.mark.slow  # kills a writer again and again
def test_killed_during_a_burst_of_edits_keeps_every_reported_edit(sample_path: Path,
                                                                  tmp_path: Path) -> None:
    rng = random.Random(7)
    killed = 0
    for run in range(RUNS):
        database = tmp_path / f"edits-{run}.db"
        shutil.copyfile(sample_path, database)
        process = _start("edits", str(database))
        lines = _kill_after(process, rng.uniform(0.0, 0.4))
        killed += process.returncode == -signal.SIGKILL
        saved = [line.split()[1] for line in lines if line.startswith("saved")]
        assert _integrity(database) == "ok", f"run {run}"
        store = open_database(database)
        held = store.get("group", 2024, "people.employees.total")
        history = [r.new_value for r in store.history("group", 2024, "people.employees.total")]
        if saved:  # the last reported save is there (a later one may have landed unreported)
            assert held is not None and int(held.value) >= int(saved[-1]), f"run {run}"
            assert history[:len(saved)] == saved, f"run {run}"
        assert store.verify_audit().intact, f"run {run}"
        store.close()
        database.unlink()
    assert killed >= RUNS * 0.9  # the kills really landed while the process ran


@pytest.fixture
def returned(sample: Store, tmp_path: Path) -> Path:
    from openpyxl import load_workbook

    path = write_request(sample, "group", 2024, "hr", tmp_path / "hr.xlsx", "coordinator")
    book = load_workbook(path)
    _meta, cells = read_meta(book[META_SHEET], path.name)
    for number, cell in enumerate(c for c in cells if c.kind == "value"):
        percentage = sample.catalogue.indicators[cell.indicator].type.name == "percentage"
        book[cell.sheet][cell.cell] = 50 if percentage else 100 + number
    book.save(path)
    return path


@pytest.mark.slow  # kills an import again and again
def test_killed_during_an_import_holds_all_of_it_or_none(sample: Store, returned: Path,
                                                         tmp_path: Path) -> None:
    sample.close()
    start = time.perf_counter()  # how long an import takes here, to kill within it
    trial = tmp_path / "trial.db"
    shutil.copyfile(sample.path, trial)
    subprocess.run([sys.executable, str(WORKER), "import", str(trial), str(returned)],
                   check=True, capture_output=True, timeout=120)
    whole = time.perf_counter() - start
    expected = len(open_database(trial).values("group", [2024]))
    assert expected > 50
    rng = random.Random(11)
    outcomes = {"none": 0, "all": 0}
    for run in range(RUNS):
        database = tmp_path / f"import-{run}.db"
        shutil.copyfile(sample.path, database)
        process = _start("import", str(database), str(returned))
        lines = _kill_after(process, rng.uniform(0.0, whole))
        assert _integrity(database) == "ok", f"run {run}"
        store = open_database(database)
        count = len(store.values("group", [2024]))
        assert count in (0, expected), f"run {run}: {count} of {expected} figures"
        if any(line.startswith("imported") for line in lines):
            assert count == expected, f"run {run}: reported imported, found {count}"
        outcomes["all" if count else "none"] += 1
        assert store.verify_audit().intact, f"run {run}"
        store.close()
        database.unlink()
    assert outcomes["none"] and outcomes["all"], outcomes  # kills landed on both sides
