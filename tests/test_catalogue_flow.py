"""The coordinator's catalogue cycle, as the README tells it: export the 2024 catalogue, add an
indicator to 员工结构 and rename a label in the workbook, import it with a preview, make the
2024 HR request that asks for the new figure, import it back, and export 2023 (old labels)
and 2024 (new labels and the new row). On the command line and in the app."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_cli
from openpyxl.utils import get_column_letter
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from workbooks import load_workbook

from esgdesk.exchange.metadata import META_SHEET, read_meta
from esgdesk.exchange.xlsx_save import save_workbook
from esgdesk.storage.store import open_database

ROOT = Path(__file__).resolve().parent.parent
NEW = "people.employees.interns"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "esgdesk", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=180)


def _edit_book(path: Path) -> None:
    """What a coordinator does in Excel: a new indicator (a copy of the head-count's row
    with a new id and labels), a row for it in 员工结构, and a renamed label."""
    book = load_workbook(path)
    indicators = book["indicators"]
    header = [cell.value for cell in indicators[1]]
    for row in indicators.iter_rows(min_row=2):
        if row[0].value == "people.employees.total":
            copied = [cell.value for cell in row]
        if row[0].value == "people.employees.male":
            row[header.index("label_en")].value = "Male employees"
    copied[0] = NEW
    copied[header.index("label_zh")] = "实习生人数"
    copied[header.index("label_en")] = "Interns"
    indicators.append(copied)
    rows = book["rows"]
    columns = [cell.value for cell in rows[1]]
    line: dict[str, Any] = {"table": "people.structure", "order": 1.5, "indicator": NEW,
                            "indent": 0}
    rows.append([line.get(column) for column in columns])
    save_workbook(book, path)


def _texts(path: Path) -> set[str]:
    book = load_workbook(path, read_only=True)
    return {str(value) for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True) for value in row if value is not None}


def test_the_catalogue_cycle_from_the_command_line(sample_path: Path, tmp_path: Path) -> None:
    db, book = str(sample_path), tmp_path / "catalogue-2024.xlsx"
    done = run_cli("catalogue", "export", db, "--year", "2024", "--out", str(book))
    assert done.returncode == 0, done.stderr
    _edit_book(book)
    preview = run_cli("catalogue", "import", db, str(book), "--year", "2024", "--dry-run",
                      "--lang", "en")
    assert preview.returncode == 0, preview.stderr
    assert f"added indicator {NEW}" in preview.stdout and "renamed people.employees.male" \
        in preview.stdout and "nothing was written" in preview.stdout
    store = open_database(sample_path)
    try:
        assert NEW not in store.edition(2024).indicators  # a dry run writes nothing
    finally:
        store.close()
    done = run_cli("catalogue", "import", db, str(book), "--year", "2024")
    assert done.returncode == 0 and "stored as the 2024 catalogue" in done.stdout, done.stderr
    again = run_cli("catalogue", "import", db, str(book), "--year", "2024")
    assert "nothing to change" in again.stdout
    listed = run_cli("catalogue", db, "--year", "2024", "--format", "json")
    assert NEW in listed.stdout
    # the 2024 HR request asks for it; the returned file brings it in
    request = tmp_path / "hr-2024.xlsx"
    done = run_cli("request", db, "--year", "2024", "--entity", "group", "--department", "hr",
                   "--out", str(request), "--lang", "en")
    assert done.returncode == 0, done.stderr
    filled = load_workbook(request)
    _meta, cells = read_meta(filled[META_SHEET], request.name)
    for cell in cells:
        if (cell.indicator, cell.kind) == (NEW, "value"):
            filled[cell.sheet][cell.cell] = 42
        if cell.kind == "submitted_by":
            filled[cell.sheet][cell.cell] = "Wang Fang"
    filled.save(request)
    done = _run("import", db, str(request))  # as a program: its exit status and output
    assert done.returncode == 0, done.stderr + done.stdout
    got = run_cli("get", db, "--year", "2024", NEW)
    assert "42" in got.stdout
    # 2023 keeps its labels; 2024 has the new ones and the new row
    for year in ("2023", "2024"):
        done = run_cli("export", db, "--year", year, "--lang", "en", "--out",
                       str(tmp_path / f"{year}.xlsx"))
        assert done.returncode == 0, done.stderr
    old, new = _texts(tmp_path / "2023.xlsx"), _texts(tmp_path / "2024.xlsx")
    assert "Interns" not in old and "Male employees" not in old
    assert "Interns" in new and "Male employees" in new and "42" in new


def test_a_refused_catalogue_names_the_cell_and_writes_nothing(sample_path: Path,
                                                               tmp_path: Path) -> None:
    db, book = str(sample_path), tmp_path / "catalogue.xlsx"
    assert run_cli("catalogue", "export", db, "--year", "2024", "--out", str(book)).returncode == 0
    edited = load_workbook(book)
    sheet = edited["indicators"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("type") + 1, value="quantity")
    save_workbook(edited, book)
    before = sample_path.read_bytes()
    done = _run("catalogue", "import", db, str(book), "--year", "2024")
    assert done.returncode == 1
    quantity = get_column_letter(header.index("quantity") + 1)
    assert f"indicators!{quantity}2" in done.stderr and "quantity" in done.stderr
    assert re.search(r"[\u4e00-\u9fff]", done.stderr)  # the refusal in Chinese, as --lang zh
    assert sample_path.read_bytes() == before


def test_the_app_imports_an_edited_catalogue_and_redraws_the_form(
        qtbot: QtBot, sample_path: Path, tmp_path: Path) -> None:
    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, "en")
    qtbot.addWidget(window)
    window.open_database(sample_path, "group", 2024, chapter="people")
    before = window.show_chapter("people")
    assert before is not None
    rows = before.view_of("people.structure").model().rowCount()
    book = window.catalogue_actions.export_for_editing(tmp_path / "catalogue.xlsx")
    assert book is not None and book.exists()
    _edit_book(book)
    assert window.catalogue_actions.import_edited(book, apply=True)
    form = window.show_chapter("people")
    assert form is not None and form is not before  # built anew from the new edition
    assert form.view_of("people.structure").model().rowCount() == rows + 1
    assert NEW in window.workspace.catalogue.indicators
    # the coverage table opens on the year's frameworks
    dialog = window.catalogue_actions.show_coverage()
    assert dialog is not None and dialog.table.rowCount() > 0
    dialog.missing.setChecked(True)
    assert all(dialog.table.item(r, 2).text() != "covered"
               for r in range(dialog.table.rowCount()))
    dialog.close()
    # 2023 still shows its own edition
    window.select("group", 2023)
    assert NEW not in window.workspace.catalogue.indicators


def _edited_book(sample: Path, lang: str) -> Callable[[Path], None]:
    """The sample's 2024 catalogue exported in `lang` and edited as _edit_book does."""
    def write(path: Path) -> None:
        from esgdesk.exchange.catalogue_book import write_catalogue_book

        shutil.copyfile(sample, path.with_name("sample.db"))
        store = open_database(path.with_name("sample.db"))
        try:
            assert write_catalogue_book(store.edition_document(2024), path, lang, 2024) == path
        finally:
            store.close()
        _edit_book(path)
    return write


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_preview_says_what_changes_before_anything_is_written(
        qtbot: QtBot, sample_path: Path, tmp_path: Path, lang: str, _sample_master: Path,
        master_copy: Callable[[str, Callable[[Path], None], Path], Path]) -> None:
    from ui.catalogue_actions import CataloguePreview
    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, lang)
    qtbot.addWidget(window)
    window.open_database(sample_path, "group", 2024)
    # the book exported and edited once per run (the app's own export is the test above's)
    book = master_copy(f"catalogue-2024-edited-{lang}.xlsx", _edited_book(_sample_master, lang),
                       tmp_path / "catalogue.xlsx")
    plan = window.session.plan_catalogue(book)
    preview = CataloguePreview(plan, book, lang, window)
    qtbot.addWidget(preview)
    assert NEW in preview.text.toPlainText()
    assert NEW not in window.workspace.catalogue.indicators  # nothing applied yet
    assert not window.catalogue_actions.import_edited(book, apply=False)
    assert NEW not in window.session.require_store().edition(2024).indicators
