"""Backups and recovery: online-backup copies, automatic ones, and a damaged file never
written to."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_cli

from esgdesk.errors import DatabaseError
from esgdesk.exchange.dump import dump_rows
from esgdesk.storage.backup import backups, check_file
from esgdesk.storage.store import SCHEMA_HEAD, Change, Store, create_at_revision, open_database

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "esgdesk", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def damage(path: Path) -> None:
    """Overwrite a few pages in the middle of the file, leaving its header intact."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2 // 4096 * 4096)
        handle.write(bytes(range(256)) * 48)


def test_backup_and_restore_from_the_command_line(sample: Store, tmp_path: Path) -> None:
    before = dump_rows(sample)
    copy = tmp_path / "copy.db"
    assert run_cli("backup", str(sample.path), str(copy)).returncode == 0
    sample.set_value(Change("group", 2023, "people.employees.total", "1"), "oops")
    sample.close()
    result = _cli("restore", str(sample.path), str(copy))
    assert result.returncode == 0, result.stderr
    restored = open_database(sample.path)
    assert dump_rows(restored) == before
    assert sample.path.with_name(sample.path.name + ".before-restore").exists()
    restored.close()


def test_a_damaged_database_is_read_but_never_written(sample_path: Path) -> None:
    damage(sample_path)
    assert check_file(sample_path) is not None
    digest = hashlib.sha256(sample_path.read_bytes()).hexdigest()
    store = open_database(sample_path)
    with pytest.raises(DatabaseError, match="damaged"):
        store.set_value(Change("group", 2023, "people.employees.total", "1"), "x")
    with pytest.raises(DatabaseError, match="damaged"):
        store.warm_up()
    store.close()
    assert hashlib.sha256(sample_path.read_bytes()).hexdigest() == digest
    result = run_cli("set", str(sample_path), "--year", "2023", "people.employees.total", "5")
    assert result.returncode == 2 and "damaged" in result.stderr
    assert hashlib.sha256(sample_path.read_bytes()).hexdigest() == digest


def test_an_upgrade_is_preceded_by_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    create_at_revision(path, "0002")
    assert backups(path) == []
    open_database(path).close()
    made = backups(path)
    assert len(made) == 1 and f"before-{SCHEMA_HEAD}" in made[0].name
    assert check_file(made[0]) is None


def test_the_app_backs_up_on_closing_after_changes_and_offers_it_after_damage(
        qtbot, sample_path: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from esgdesk.model.layout import FigureRef
    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, "en")
    qtbot.addWidget(window)
    window.open_database(sample_path)
    window.close()
    assert backups(sample_path) == []  # nothing changed, nothing to back up
    window = MainWindow(settings, "en")
    qtbot.addWidget(window)
    window.open_database(sample_path, "group", 2023)
    window.commit_edit(FigureRef("group", 2023, "people.employees.total"), "4107")
    window.close()
    assert len(backups(sample_path)) == 1
    damage(sample_path)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *_a:
                        asked.append(text) or QMessageBox.StandardButton.Yes)
    window = MainWindow(settings, "en")
    qtbot.addWidget(window)
    # Opening reads the year's catalogue: a file damaged there offers its backup at once;
    # one damaged elsewhere opens, and the integrity check offers it.
    window.open_database(sample_path)
    assert window.check_file(restore=True)
    assert len(asked) <= 1 and all("Restore the latest backup" in text for text in asked)
    assert window.store is not None and check_file(sample_path) is None
    assert window.store.get("group", 2023, "people.employees.total").value == "4107"


def test_start_up_checks_say_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           ) -> None:
    import openpyxl

    from esgdesk.errors import EsgdeskError
    from esgdesk.storage.health import location_warning, require_safe_xml, sqlite_facts

    assert "journal mode" in sqlite_facts() and "synchronous=FULL" in sqlite_facts()
    assert openpyxl.DEFUSEDXML is True
    require_safe_xml()
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(EsgdeskError, match="defusedxml"):
        require_safe_xml()
    assert location_warning(tmp_path / "esgdesk.db") is None
    synced = tmp_path / "OneDrive - ZKTeco" / "esgdesk.db"
    assert "cloud-synced" in (location_warning(synced) or "")
    assert "network share" in (location_warning("//server/esg/esgdesk.db") or "")


def test_the_command_line_warns_about_a_synced_folder(sample_path: Path, tmp_path: Path) -> None:
    import shutil

    synced = tmp_path / "Dropbox"
    synced.mkdir()
    shutil.copyfile(sample_path, synced / "esg.db")
    result = run_cli("get", str(synced / "esg.db"), "--year", "2023", "people.employees.total")
    assert result.returncode == 0 and "cloud-synced" in result.stderr
