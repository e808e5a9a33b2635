"""A full disk and a read-only file: a clear message, and nothing half-written."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from esgdesk.errors import DatabaseError
from esgdesk.exchange.dump import dump_rows
from esgdesk.storage.store import Change, Store, open_database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_full_disk_writes_nothing(sample: Store) -> None:
    """Emulated with a size-limited database: SQLite's max_page_count on every connection."""
    from sqlalchemy import event

    pages = sample.path.stat().st_size // 4096
    event.listen(sample.engine, "connect",
                 lambda connection, _record: connection.execute(
                     f"PRAGMA max_page_count = {pages + 2}"))
    before = dump_rows(sample)
    long_note = "n" * 3000
    changes = [Change("group", 2030, indicator, "1", long_note)
               for indicator, spec in sample.catalogue.indicators.items()
               if spec.type.name == "count" and not spec.derived]
    with pytest.raises(DatabaseError, match="disk is full; nothing was written"):
        sample.set_values(changes, "importer")
    assert dump_rows(sample) == before
    assert sample.values("group", [2030]) == {}
    sample.close()
    assert open_database(sample.path).verify_audit().intact


@pytest.fixture
def immutable(sample_path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A database file nobody may change, not even root (chattr +i)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "esgdesk.db"
    shutil.copyfile(sample_path, path)
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("this file system cannot make a file immutable")
    yield path
    subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_file_gives_a_clear_message(immutable: Path) -> None:
    digest = _digest(immutable)
    store = open_database(immutable)
    assert store.get("group", 2023, "people.employees.total") is not None  # reads work
    with pytest.raises(DatabaseError, match="read-only"):
        store.set_value(Change("group", 2023, "people.employees.total", "1"), "x")
    store.close()
    assert _digest(immutable) == digest


def test_the_app_says_the_disk_is_full_and_keeps_the_form_as_saved(
        qtbot, sample_path: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox
    from sqlalchemy import event

    from esgdesk.model.layout import FigureRef
    from ui.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), "en")
    qtbot.addWidget(window)
    window.open_database(sample_path)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    store = window.store
    assert store is not None
    pages = sample_path.stat().st_size // 4096
    store.engine.dispose()
    event.listen(store.engine, "connect", lambda connection, _record: connection.execute(
        f"PRAGMA max_page_count = {pages + 1}"))
    before, digest = dump_rows(store), _digest(sample_path)
    ref = FigureRef("group", 2023, "people.employees.total")
    assert window.jump_to(ref.indicator)
    window.detail.show_figure(ref, window.workspace)
    window.detail.note.setPlainText("a long explanation " * 1500)  # 28,500 characters
    window.detail.save_note.click()
    assert warnings and "disk is full; nothing was written" in warnings[0]
    assert dump_rows(store) == before and _digest(sample_path) == digest
    assert window.workspace is not None and window.workspace.stored(ref).note == ""
    assert window.status.saved.text() == "All changes are saved"
