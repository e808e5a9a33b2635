"""The desktop window, driven through its real widgets with qtbot."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from esgdesk.model.layout import FigureRef
from esgdesk.storage.store import open_database
from ui.form_view import FormTableView
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def window(qtbot: QtBot, sample_path: Path, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("profile/name", "Li Na")
    settings.setValue("profile/department", "hr")
    win = MainWindow(settings, lang="zh")
    qtbot.addWidget(win)
    win.open_database(sample_path)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def tree_window(qtbot: QtBot, sample_tree_path: Path, tmp_path: Path) -> MainWindow:
    """The window on the sample with its companies and sites."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, lang="zh")
    qtbot.addWidget(win)
    win.open_database(sample_tree_path)
    win.show()
    qtbot.waitExposed(win)
    return win


def _view(window: MainWindow, table_id: str) -> FormTableView:
    form = window.show_chapter(window.catalogue.tables[table_id].chapter)
    assert form is not None
    return form.view_of(table_id)


def _editor(view: FormTableView) -> QLineEdit | None:
    """The open editor (closed ones linger until Qt deletes them)."""
    open_editors = [e for e in view.findChildren(QLineEdit) if e.isVisible()]
    return open_editors[0] if open_editors else None


def _type_into(qtbot: QtBot, view: FormTableView, indicator: str, text: str) -> None:
    """Select the reporting-year cell of an indicator, type, press Enter."""
    row, column = view.model().grid.locate(indicator)
    index = view.model().index(row, column)
    view.setFocus()
    view.setCurrentIndex(index)
    view.edit(index)
    editor = _editor(view)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _db_value(path: Path, entity: str, year: int, indicator: str) -> str | None:
    with sqlite3.connect(path) as raw:
        row = raw.execute(
            "SELECT v.value FROM value v JOIN entity e ON e.id = v.entity_id "
            "WHERE e.code = ? AND v.year = ? AND v.indicator = ?",
            (entity, year, indicator)).fetchone()
    return row[0] if row else None


def _audit_rows(path: Path, indicator: str) -> list[tuple[str | None, str | None, str]]:
    with sqlite3.connect(path) as raw:
        return raw.execute("SELECT old_value, new_value, user FROM audit WHERE indicator = ? "
                           "AND source = 'form' ORDER BY id", (indicator,)).fetchall()


def test_a_typed_value_is_saved_at_once_and_audited(qtbot: QtBot, window: MainWindow,
                                                    sample_path: Path) -> None:
    view = _view(window, "people.structure")
    _type_into(qtbot, view, "people.employees.total", "4,120")
    assert _db_value(sample_path, "group", 2023, "people.employees.total") == "4120"
    assert _audit_rows(sample_path, "people.employees.total") == [("4106", "4120", "Li Na")]
    fresh = open_database(sample_path)
    assert fresh.get("group", 2023, "people.employees.total").value == "4120"
    fresh.close()


def test_text_in_a_count_cell_is_refused_and_nothing_is_stored(
        qtbot: QtBot, window: MainWindow, sample_path: Path) -> None:
    before = sample_path.read_bytes()
    window.set_language("en")  # the reasons below are the English ones
    view = _view(window, "people.structure")
    refusals: list[str] = []
    view.refused_text.connect(refusals.append)
    _type_into(qtbot, view, "people.employees.male", "many")
    assert refusals and "not a number" in refusals[0]
    editor = _editor(view)
    assert editor is not None and editor.isVisible()  # kept open for correction
    assert "not a number" in editor.toolTip()  # said while typing, too
    editor.selectAll()
    qtbot.keyClicks(editor, "2,431")
    assert editor.toolTip() == ""
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert sample_path.read_bytes() == before


def test_a_derived_ratio_follows_its_components(qtbot: QtBot, window: MainWindow) -> None:
    key = _view(window, "key_figures.data2023")
    row, column = key.model().grid.locate("people.employees.female_ratio")
    ratio = key.model().index(row, column)
    assert ratio.data() == "36.87"
    assert not key.model().flags(ratio) & Qt.ItemFlag.ItemIsEditable
    _type_into(qtbot, _view(window, "people.structure"), "people.employees.female", "2053")
    assert ratio.data() == "50.00"


def test_undo_and_redo_restore_values_and_every_step_is_audited(
        qtbot: QtBot, window: MainWindow, sample_path: Path) -> None:
    view = _view(window, "people.structure")
    _type_into(qtbot, view, "people.employees.total", "4200")
    window.menus.undo_action.trigger()
    assert _db_value(sample_path, "group", 2023, "people.employees.total") == "4106"
    window.menus.redo_action.trigger()
    assert _db_value(sample_path, "group", 2023, "people.employees.total") == "4200"
    assert _audit_rows(sample_path, "people.employees.total") == [
        ("4106", "4200", "Li Na"), ("4200", "4106", "Li Na"), ("4106", "4200", "Li Na")]


def test_undo_of_a_first_entry_clears_it(qtbot: QtBot, window: MainWindow,
                                        sample_path: Path) -> None:
    window.select(year=2024)
    view = _view(window, "people.structure")
    _type_into(qtbot, view, "people.employees.total", "4300")
    assert _db_value(sample_path, "group", 2024, "people.employees.total") == "4300"
    window.menus.undo_action.trigger()
    assert _db_value(sample_path, "group", 2024, "people.employees.total") is None


def test_switching_language_changes_navigation_and_headers(window: MainWindow) -> None:
    view = _view(window, "people.structure")
    assert window.navigation.topLevelItem(0).text(0) == "数说2023"
    assert view.model().headerData(2, Qt.Orientation.Horizontal) == "2021 年"
    assert window.menus.file_menu.title() == "文件(&F)"
    window.set_language("en")
    assert window.navigation.topLevelItem(0).text(0) == "Data of 2023"
    assert view.model().headerData(2, Qt.Orientation.Horizontal) == "2021"
    assert view.model().index(0, 0).data() == "Total number of employees"
    assert window.menus.file_menu.title() == "&File"


def test_a_locked_value_cannot_be_edited(window: MainWindow, sample_path: Path) -> None:
    store = open_database(sample_path)
    store.set_status("group", 2023, "people.employees.total", "locked", user="coordinator")
    store.close()
    window.select(year=2023)
    view = _view(window, "people.structure")
    row, column = view.model().grid.locate("people.employees.total")
    index = view.model().index(row, column)
    assert not view.model().flags(index) & Qt.ItemFlag.ItemIsEditable
    view.edit(index)
    assert _editor(view) is None
    assert view.model().data(index, Qt.ItemDataRole.DecorationRole) is not None
    assert not view.model().setData(index, "1")
    assert _db_value(sample_path, "group", 2023, "people.employees.total") == "4106"


def test_prior_years_are_read_only_and_2024_is_offered(window: MainWindow) -> None:
    years = [window.year_picker.itemData(i) for i in range(window.year_picker.count())]
    assert 2024 in years
    window.select(year=2024)
    view = _view(window, "people.structure")
    headers = [view.model().headerData(c, Qt.Orientation.Horizontal)
               for c in range(view.model().columnCount())]
    assert headers[-3:] == ["2022 年", "2023 年", "2024 年"]
    prior = view.model().index(0, len(headers) - 2)
    assert prior.data() == "4,106"
    assert not view.model().flags(prior) & Qt.ItemFlag.ItemIsEditable


def test_a_whole_chapter_can_be_filled_from_the_keyboard(
        qtbot: QtBot, window: MainWindow, sample_path: Path) -> None:
    window.select(year=2024)
    form = window.show_chapter("governance")
    assert form is not None
    form.focus_first()
    editable = [ref for table in form.tables for ref in window.workspace.grid(table).figures(True)
                if window.workspace.is_editable(ref)]
    seen = []
    for number in range(len(editable)):
        view = form.current_view()
        assert view is not None
        seen.append(view.model().figure(view.currentIndex()))
        qtbot.keyClicks(view, str(number + 1))
        editor = _editor(view)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert seen == editable  # a figure shown in two tables is visited in both
    with sqlite3.connect(sample_path) as raw:
        stored = raw.execute("SELECT COUNT(*) FROM value WHERE year = 2024").fetchone()[0]
    assert stored == len(set(editable))


def test_find_jumps_to_an_indicator_by_any_words(window: MainWindow) -> None:
    assert [i.id for i in window.catalogue.search("陪产假 返岗")] == [
        "people.leave.paternity_return_rate"]
    assert window.jump_to("people.leave.paternity_return_rate")
    form = window.current_form()
    assert form is not None and form.chapter.id == "people"
    view = form.current_view()
    assert view is not None
    selected = view.model().figure(view.currentIndex())
    assert selected.indicator == "people.leave.paternity_return_rate"


def test_a_block_pasted_from_a_spreadsheet_fills_cells(qtbot: QtBot, window: MainWindow,
                                                       sample_path: Path) -> None:
    window.select(year=2024)
    view = _view(window, "people.structure")
    row, column = view.model().grid.locate("people.employees.male")
    view.setCurrentIndex(view.model().index(row, column))
    QGuiApplication.clipboard().setText("2,600\n１５２０\n")
    view.paste_block()
    assert _db_value(sample_path, "group", 2024, "people.employees.male") == "2600"
    assert _db_value(sample_path, "group", 2024, "people.employees.female") == "1520"
    view.copy_selection()
    assert QApplication.clipboard().text() == "2,600"


def test_screenshot_command_renders_a_chapter(tmp_path: Path, sample_path: Path) -> None:
    out = tmp_path / "people.png"
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--db", str(sample_path), "--chapter", "people",
         "--lang", "en", "--screenshot", str(out)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen",
             "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # what the window leaves for the next start is written by the time the app has ended
    saved = (tmp_path / "esgdesk" / "esgdesk.conf").read_text(encoding="utf-8")
    assert "last_db=" in saved and "geometry=" in saved and "chapter=people" in saved


def test_a_screenshot_is_the_painted_window_read_back(qtbot: QtBot, window: MainWindow) -> None:
    """--screenshot saves the image the window's paint left, pixel for pixel what rendering
    the window again gives, and a change painted since shows in it."""
    from ui.app import first_paint_picture

    assert QGuiApplication.platformName() == "offscreen"
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.grab().size() == window.size())
    QApplication.processEvents()
    read_back = first_paint_picture(window).toImage()
    rendered = window.grab().toImage().convertToFormat(read_back.format())
    assert read_back.size() == window.size()
    assert read_back == rendered
    window.statusBar().showMessage("x" * 40)
    assert first_paint_picture(window).toImage() == read_back  # not painted yet
    QApplication.processEvents()
    changed = first_paint_picture(window).toImage()
    assert changed != read_back
    assert changed == window.grab().toImage().convertToFormat(changed.format())


def test_the_first_window_paints_without_sqlalchemy_alembic_or_openpyxl(
        tmp_path: Path, sample_path: Path) -> None:
    """Start-up imports only what the first screen needs."""
    script = (
        "import sys, runpy\n"
        f"sys.argv = ['main.py', '--db', {str(sample_path)!r}, '--screenshot', "
        f"{str(tmp_path / 'x.png')!r}]\n"
        "import main\n"
        "main.start(sys.argv[1:])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'alembic', 'openpyxl'))\n"
        "print('HEAVY', heavy)\n"
        "later = sorted(m for m in sys.modules if m in ('tomllib', 'hashlib', "
        "'esgdesk.rules.validation.validator', 'esgdesk.model.catalogue.documents', "
        "'esgdesk.model.provinces', 'esgdesk.model.method', 'esgdesk.storage.restatements'))\n"
        "print('LATER', later)\n"
        "import PySide6.QtGui, PySide6.QtWidgets\n"
        "made = {**vars(PySide6.QtGui), **vars(PySide6.QtWidgets)}\n"
        "print('QT', sorted(n for n in ('QKeySequence', 'QInputDialog', 'QStyleOptionViewItem', "
        "'QTableWidget') if n in made))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen",
             "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout
    # nor the method's or the provinces' files (nor their modules, nor the restatements':
    # only a change reads them), hashing, the validator or a document reader: the group's
    # figures on the first form need none of them
    assert "LATER []" in result.stdout
    # nor Qt's classes (PySide6 makes each, with its enums, when first named) that only
    # later actions use: the menus' shortcuts, dialogs, editing a cell, the collection status
    assert "QT []" in result.stdout


def test_findings_panel_and_cell_marks_follow_an_edit(qtbot: QtBot, window: MainWindow) -> None:
    from ui.table_model import FINDING_COLOURS

    qtbot.waitUntil(lambda: window.findings.all != [])
    before = {(f.rule, f.indicators[0]) for f in window.findings.all}
    assert ("breakdown", "people.employees.total") not in before
    view = _view(window, "people.structure")
    _type_into(qtbot, view, "people.employees.male", "2,600")
    errors = [f for f in window.findings.all if f.severity == "error"]
    assert [f.rule for f in errors] == ["breakdown"]
    assert "4,114" in errors[0].message.en and "4,106" in errors[0].message.en
    row, column = view.model().grid.locate("people.employees.male")
    cell = view.model().index(row, column)
    assert cell.data(Qt.ItemDataRole.BackgroundRole).color() == FINDING_COLOURS["error"]
    assert cell.data(Qt.ItemDataRole.DecorationRole) is not None  # an icon, not colour alone
    assert "4,114" in cell.data(Qt.ItemDataRole.ToolTipRole)
    window.findings.severity.setCurrentIndex(window.findings.severity.findData("error"))
    assert window.findings.count() == 1
    # Clicking the finding selects the cell it is about.
    window.show_chapter("key_figures")
    window.findings.list.clicked.emit(window.findings.model.index(0, 2))
    form = window.current_form()
    assert form is not None and form.chapter.id == "people"
    _type_into(qtbot, view, "people.employees.male", "2592")
    assert not [f for f in window.findings.all if f.severity == "error"]


def test_an_explanation_resolves_a_warning(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.findings.all != [])
    finance = [f for f in window.findings.all if f.indicators[0] == "people.employees.finance"]
    assert finance and not finance[0].explained
    assert window.jump_to("people.employees.finance")
    window.detail.note.setPlainText("finance moved to a shared-service centre")
    window.detail.save_note.click()
    finance = [f for f in window.findings.all if f.indicators[0] == "people.employees.finance"]
    assert finance[0].explained
    assert finance[0].explanation == "finance moved to a shared-service centre"


def test_file_export_writes_the_workbook(window: MainWindow, tmp_path: Path) -> None:
    from workbooks import load_workbook

    out = window.export_report(tmp_path / "report.xlsx")
    assert out is not None
    book = load_workbook(out, read_only=True)  # its sheets' names: read_only reads no cell
    names = book.sheetnames
    book.close()
    assert names[0] == "封面" and "04 以人为本" in names


def test_export_of_a_parent_offers_the_extra_sheets(tree_window: MainWindow, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QDialog, QFileDialog
    from workbooks import load_workbook

    from ui.dialogs import ExportOptionsDialog

    target = tmp_path / "group.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "Excel workbooks (*.xlsx)"))
    offered: list[str] = []

    def choose(dialog: ExportOptionsDialog) -> int:
        offered.append(dialog.by_entity.text())
        dialog.per_child.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportOptionsDialog, "exec", choose)
    assert tree_window.workspace is not None and tree_window.workspace.entity == "group"
    assert tree_window.export_report() == target
    assert "4" in offered[0]  # the group's four direct children
    book = load_workbook(target, read_only=True)  # its sheets' names: read_only reads no cell
    names = book.sheetnames
    book.close()
    assert "按主体对比" in names  # checked by default
    assert {"熵基科技股份有限公司", "厦门熵基科技有限公司", "熵基科技（广东）有限公司",
            "深圳市熵基科技生物识别技术有限公司"} <= set(names)


def test_a_request_opened_with_no_database_validates_against_its_prior_years(
        qtbot: QtBot, sample_path: Path, tmp_path: Path) -> None:
    """The contributor's side: no database, only the workbook the coordinator sent."""
    from workbooks import load_workbook

    from esgdesk.exchange.intake import import_files
    from esgdesk.exchange.requests import write_request

    coordinator = open_database(sample_path)
    workbook = write_request(coordinator, "group", 2024, "hr", tmp_path / "hr.xlsx", "coord")
    settings = QSettings(str(tmp_path / "contributor.ini"), QSettings.Format.IniFormat)
    settings.setValue("request_folder", str(tmp_path / "drafts"))
    win = MainWindow(settings, lang="en")
    qtbot.addWidget(win)
    assert win.collection.open_request(workbook)
    assert win.session.offline is not None and not win.menus.export_action.isEnabled()
    assert win.findings.department.currentData() == "hr"  # the contributor's own findings
    assert win.workspace is not None and win.workspace.year == 2024
    ref = FigureRef("group", 2024, "people.employees.total")
    assert win.workspace.display(FigureRef("group", 2023, "people.employees.total")) == "4,106"
    win.validate()  # as the window does once it has painted
    win.commit_edit(ref, "6000")  # +46 % on the 4,106 carried for 2023
    jumps = [f for f in win.findings.all if f.rule == "prior_year"
             and f.indicators == ("people.employees.total",)]
    assert jumps and "4,106" in jumps[0].message("en")
    win.editor.save_note(ref, "two plants acquired")
    submitted = win.collection.submit_request("Wang Fang")
    assert submitted == workbook
    book = load_workbook(workbook)
    people = next(book[s] for s in book.sheetnames if s.startswith("04"))
    assert 6000 in [c.value for row in people.iter_rows() for c in row]
    report = import_files(coordinator, [workbook], "coord")[0]
    assert report.acceptable and report.submitted_by == "Wang Fang"
    stored = coordinator.get("group", 2024, "people.employees.total")
    assert stored.value == "6000" and stored.note == "two plants acquired"
    coordinator.close()


def test_dropping_returned_workbooks_imports_them(qtbot: QtBot, window: MainWindow,
                                                  tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent
    from workbooks import load_workbook

    from esgdesk.exchange.metadata import META_SHEET, read_meta
    from esgdesk.exchange.requests import write_request

    assert window.store is not None
    workbook = write_request(window.store, "group", 2024, "hr", tmp_path / "hr.xlsx", "coord")
    book = load_workbook(workbook)
    _meta, cells = read_meta(book[META_SHEET], "hr")
    cell = next(c for c in cells if c.kind == "value" and c.indicator == "people.employees.total")
    book[cell.sheet][cell.cell] = 4300
    book.save(workbook)
    calls: list[list[Path]] = []
    window.import_workbooks = lambda paths=None, answer=None: calls.append(paths) or 0
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(workbook))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: bool(calls))
    assert calls == [[workbook]]
    del window.import_workbooks
    assert window.import_workbooks([workbook], answer=True) == 1
    assert window.store.get("group", 2024, "people.employees.total").value == "4300"


def test_the_detail_pane_offers_last_years_explanation(window: MainWindow) -> None:
    assert window.store is not None
    window.store.set_note("group", 2023, "people.employees.finance",
                          "finance moved to a shared-service centre", "hr")
    window.select("group", 2024)
    ref = FigureRef("group", 2024, "people.employees.finance")
    window.detail.show_figure(ref, window.workspace)
    assert window.detail.fields["last_note"].text() == "finance moved to a shared-service centre"
    assert window.detail.reuse_note.isEnabled()
    window.detail.reuse_note.click()
    assert window.detail.note.toPlainText() == "finance moved to a shared-service centre"


def test_a_locked_figure_is_restated_with_a_reason(window: MainWindow,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    assert window.store is not None
    window.store.set_status("group", 2021, "people.employees.technical", "locked", "coord")
    window.select("group", 2023)
    ref = FigureRef("group", 2021, "people.employees.technical")
    window.detail.show_figure(ref, window.workspace)
    assert not window.restate_figure(("1131", "error", ""))  # a reason is needed
    assert "需要说明原因" in warnings[0]  # the window speaks Chinese
    assert window.store.get("group", 2021, "people.employees.technical").value == "1117"
    assert window.restate_figure(("1131", "error", "R&D staff counted twice"))
    stored = window.store.get("group", 2021, "people.employees.technical")
    assert (stored.value, stored.published, stored.status) == ("1131", "1117", "locked")
    said = window.detail.fields["restated"].text()
    assert "1,117" in said and "更正错误：R&D staff counted twice" in said, said
    assert "error" not in said  # the kind is named in the window's language, not as stored
    window.set_language("en")
    window.detail.show_figure(ref, window.workspace)
    said = window.detail.fields["restated"].text()
    assert "error corrected: R&D staff counted twice" in said and "1,117" in said, said


def test_the_finding_counts_follow_the_chosen_department(qtbot: QtBot,
                                                         window: MainWindow) -> None:
    import re

    qtbot.waitUntil(lambda: window.findings.all != [])
    panel = window.findings

    def owned(department: str | None) -> list[int]:
        return [sum(1 for f in panel.all if f.severity == severity and not f.explained and (
            department is None or any(window.catalogue.indicators[i].owner == department
                                      for i in f.indicators)))
                for severity in ("error", "warning", "info")]

    def shown() -> list[int]:
        return [int(n) for n in re.findall(r"\d+", panel.summary.text())]

    assert shown() == owned(None)
    other = next(d for d in window.catalogue.departments if owned(d) != owned(None))
    panel.department.setCurrentIndex(panel.department.findData(other))
    assert shown() == owned(other)


def test_the_app_restarts_where_the_user_left_off(qtbot: QtBot, sample_tree_path: Path,
                                                  tmp_path: Path) -> None:

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = MainWindow(settings, lang="en")
    qtbot.addWidget(first)
    first.open_where_left(sample_tree_path)
    first.select("zkteco", 2024)
    first.keyboard.open_chapter("people")
    first.close()
    again = MainWindow(settings, lang="en")
    qtbot.addWidget(again)
    again.open_where_left(sample_tree_path)
    assert again.current_form().chapter.id == "people"
    assert (again.workspace.entity, again.workspace.year) == ("zkteco", 2024)
    assert again.entity_picker.currentData() == "zkteco"
    # Options say otherwise: they win; the rest is still where it was left.
    third = MainWindow(settings, lang="en")
    qtbot.addWidget(third)
    third.open_where_left(sample_tree_path, year=2022)
    assert (third.workspace.entity, third.workspace.year) == ("zkteco", 2022)
    assert third.current_form().chapter.id == "people"


def test_help_about_shows_the_versions(window: MainWindow,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _p, title, text: shown.append((title, text)))
    window.menus.about_action.trigger()
    assert shown and "SQLite" in shown[0][1] and "PySide6" in shown[0][1]
    assert window.menus.help_menu.title() == "帮助(&H)"
