"""Evidence in the window: a file dropped on a form's cell or on the details pane is attached
to that figure (a real drop event, through the session and the store), and the details pane
lists the documents, how the figure was obtained and what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from esgdesk.model.layout import FigureRef
from ui.main_window import MainWindow

TOTAL = "people.employees.total"


@pytest.fixture
def window(people_window: MainWindow) -> MainWindow:
    return people_window


def _drop(widget: QWidget, at: QPointF, *files: Path) -> bool:
    """Drag local files onto a widget and drop them at a point, as a file manager does:
    True when the widget took the drag and the drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    enter = QDragEnterEvent(at.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def test_a_file_dropped_on_a_cell_is_that_figures_evidence(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    assert window.jump_to(TOTAL)
    ref = FigureRef("group", 2023, TOTAL)
    assert window.detail.ref == ref
    assert "Required, none attached" in window.detail.fields["evidence"].text()
    form = window.current_form()
    view, index = next((v, v.model().index(r, c)) for v in form.views
                       for r in range(v.model().rowCount())
                       for c in range(v.model().columnCount())
                       if v.model().figure(v.model().index(r, c)) == ref)
    register = tmp_path / "register.csv"
    register.write_bytes("姓名,部门\n张三,生产\n".encode())
    centre = QPointF(view.visualRect(index).center())
    assert _drop(view.viewport(), centre, register)
    [attached] = window.session.evidence_of(ref)
    assert attached.file_name == "register.csv"
    assert "register.csv" in window.detail.fields["evidence"].text()
    assert "Required" not in window.detail.fields["evidence"].text()
    history = [window.detail.history.topLevelItem(i).text(2)
               for i in range(window.detail.history.topLevelItemCount())]
    assert any(attached.sha256 in line for line in history)


def test_a_file_dropped_on_the_details_pane_backs_the_figure_shown(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    assert window.jump_to("people.employees.male")
    ref = FigureRef("group", 2023, "people.employees.male")
    window.session.set_quality(ref, "estimated", "from the payroll's November run")
    body = window.detail.widget()
    bill = tmp_path / "payroll.pdf"
    bill.write_bytes(b"%PDF-1.4\npayroll\n%%EOF\n")
    assert _drop(body, QPointF(10, 10), bill)
    assert [a.file_name for a in window.session.evidence_of(ref)] == ["payroll.pdf"]
    window.detail.show_current(ref)
    assert window.detail.fields["quality"].text() == (
        "estimated: from the payroll's November run")
    assert "payroll.pdf" in window.detail.fields["evidence"].text()


def test_a_program_dropped_is_refused_with_the_reason_and_nothing_stored(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(window.ops, "refuse", lambda exc: said.append(exc.message("en")))
    assert window.jump_to(TOTAL)
    program = tmp_path / "invoice.pdf"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 60)
    assert _drop(window.detail.widget(), QPointF(10, 10), program)
    assert said and "is a program" in said[0] and "nothing was stored" in said[0]
    assert window.session.evidence_of(FigureRef("group", 2023, TOTAL)) == []


def test_a_verifiers_marks_show_in_the_details_and_as_a_filter_of_the_findings(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    session = window.session
    store = session.require_store()
    store.record_sample(2023, "s", 1, "random", "", [("group", TOTAL)], "kpmg")
    book = session.assurance_workbook(2023, tmp_path / "assurance.xlsx", "en")
    from workbooks import load_workbook

    workbook = load_workbook(book)
    workbook["sample"]["K2"], workbook["sample"]["L2"] = "queried", "December hires?"
    workbook.save(book)
    assert window.ops.run(lambda: session.import_marks(book)[0])
    panel = window.findings
    panel.severity.setCurrentIndex(panel.severity.findData("assurance"))
    [shown] = panel.visible()
    assert shown.rule == "assurance" and "queried: December hires?" in shown.message("en")
    assert window.jump_to(TOTAL)
    assert "marked 'Total number of employees' queried" in window.detail.findings.text()


def test_the_details_pane_says_how_a_figure_was_obtained(qtbot: QtBot,
                                                         window: MainWindow) -> None:
    assert window.jump_to(TOTAL)
    ref = FigureRef("group", 2023, TOTAL)
    detail = window.detail
    assert detail.save_quality.isEnabled()
    detail.quality.setCurrentIndex(detail.quality.findData("estimated"))
    said: list[str] = []
    window.ops.refuse = lambda exc: said.append(exc.message("en"))  # type: ignore[method-assign]
    qtbot.mouseClick(detail.save_quality, Qt.MouseButton.LeftButton)  # no method: refused
    assert said and "needs its method" in said[0]
    assert window.session.quality_of(ref) == ("", "")
    detail.method.setText("November's count plus the December hires")
    qtbot.mouseClick(detail.save_quality, Qt.MouseButton.LeftButton)
    assert window.session.quality_of(ref) == (
        "estimated", "November's count plus the December hires")
    assert detail.fields["quality"].text().startswith("estimated: November")
    assert window.session.history(ref)[-1].action == "quality"
