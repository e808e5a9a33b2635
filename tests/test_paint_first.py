"""A scope chosen is painted first: what the window does in the background for it (the
validation run, freeing the scope left, taking a group's findings off the list, the tree's
badges) waits for the paint, and the file check beside the window gives way to it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

FILE_CHECK = True  # the window's own file check runs here, as in the app


def _window(qtbot: QtBot, path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), "en")
    qtbot.addWidget(window)
    window.open_database(path)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.validation_running(), timeout=10000)
    return window


def _paints_and_work(window, monkeypatch: pytest.MonkeyPatch) -> list[str]:  # type: ignore[no-untyped-def]
    """What happens in order from now: each paint of the window, each slice of validation
    and each part of the scopes left freed."""
    from PySide6.QtCore import QEvent, QObject

    from esgdesk.application.session import Session

    happened: list[str] = []

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.UpdateRequest:
                happened.append("paint")
            return False

    paints = Paints(window)
    window.installEventFilter(paints)
    for name, what in (("start_validation", "validation"), ("step_validation", "validation"),
                       ("let_go_a_part", "letting go")):
        original = getattr(Session, name)

        def recorded(*args, _original=original, _what=what):  # type: ignore[no-untyped-def]
            happened.append(_what)
            return _original(*args)

        monkeypatch.setattr(Session, name, recorded)
    return happened


def test_another_entity_is_painted_before_its_validation_and_the_freeing_of_the_group(
        qtbot: QtBot, sample_tree_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window(qtbot, sample_tree_path, tmp_path)
    happened = _paints_and_work(window, monkeypatch)
    window.select("zkteco")
    qtbot.waitUntil(lambda: not window.validation_running(), timeout=10000)
    qtbot.waitUntil(lambda: "letting go" in happened, timeout=10000)
    assert happened[0] == "paint", happened[:5]
    # the company's findings first, then the group's figures are let go
    assert "validation" in happened
    assert happened.index("letting go") > len(happened) - 1 - happened[::-1].index("validation")
    assert window.workspace is not None and window.findings.all
    assert {f.entity for f in window.findings.all} <= set(window.workspace.scope())


def test_a_long_list_of_findings_goes_at_once_when_another_scope_is_chosen(
        qtbot: QtBot, sample_tree_path: Path, tmp_path: Path) -> None:
    from PySide6.QtCore import QPoint

    window = _window(qtbot, sample_tree_path, tmp_path)
    panel = window.findings
    assert panel.count() > 1
    window.select("zkteco")
    # at once: the list shows none of the group's rows, and counts the new scope's findings
    assert not panel.list.indexAt(QPoint(5, 5)).isValid() and panel.count() == 0
    assert panel.all == [] and panel.summary.text().startswith("0 errors")
    qtbot.waitUntil(lambda: not window.validation_running(), timeout=10000)
    qtbot.waitUntil(lambda: panel.count() == len(panel.visible()) > 0)
    shown = {panel.row_texts(r)[1] for r in range(panel.count())}
    assert shown and shown <= set(panel.names[code] for code in window.workspace.scope())
    assert panel.list.indexAt(QPoint(5, 5)).isValid()


@pytest.mark.sqlite_only
@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no scheduling priority here")
def test_the_file_check_beside_the_window_runs_at_a_lower_priority(
        qtbot: QtBot, sample_path: Path, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from esgdesk.application.session import core
    from ui.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), "en")
    qtbot.addWidget(window)
    window.open_database(sample_path)
    [check] = window.files.checkers
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, check.processId()) == min(
        ours + core.FILE_CHECK_NICENESS, 19)
    window.close()


def test_a_validation_run_paints_again_only_the_cells_whose_findings_changed(
        qtbot: QtBot, sample_tree_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from esgdesk.rules.workspace import FindingsMemory, Workspace

    # the group's findings found again by its run when it is chosen again, not recalled
    monkeypatch.setattr(FindingsMemory, "HELD_FINDINGS", 0)
    window = _window(qtbot, sample_tree_path, tmp_path)
    assert window.workspace is not None
    found = [f for f in Workspace(window.workspace.store, "group",
                                  window.workspace.year).validate() if f.entity == "group"]
    assert found
    window.select("zkteco")
    qtbot.waitUntil(lambda: not window.validation_running(), timeout=10000)
    form = window.show_chapter(window.catalogue.home_table(found[0].indicators[0]).chapter)
    assert form is not None
    changed: list[tuple[int, int, int, int, int]] = []
    for number, view in enumerate(form.views):
        view.model().dataChanged.connect(
            lambda first, last, *_, n=number: changed.append(
                (n, first.row(), first.column(), last.row(), last.column())))
    window.select("group")
    qtbot.waitUntil(lambda: not window.validation_running(), timeout=10000)
    marked = {(number, row, column) for number, view in enumerate(form.views)
              for row in range(view.model().rowCount())
              for column in range(view.model().columnCount())
              if (ref := view.model().figure(view.model().index(row, column))) is not None
              and window.workspace.findings_at(ref)}
    assert marked  # the group's findings mark cells of this chapter
    assert all((row, column) == (last_row, last_column)
               for _n, row, column, last_row, last_column in changed)  # a cell at a time
    assert {(n, row, column) for n, row, column, _r, _c in changed} == marked


def test_a_groups_findings_recalled_fill_the_list_after_the_paint(
        qtbot: QtBot, sample_tree_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Back on the group, its findings recalled are counted at once and listed just after
    the window paints the group (a group's thousands take a list tens of milliseconds)."""
    from ui import findings_panel

    monkeypatch.setattr(findings_panel, "MANY_ROWS", 0)  # the group's count as many
    window = _window(qtbot, sample_tree_path, tmp_path)
    panel = window.findings
    summary, rows = panel.summary.text(), panel.count()
    assert rows > 1
    window.select("zkteco")
    qtbot.waitUntil(lambda: not window.validation_running(), timeout=10000)
    happened = _paints_and_work(window, monkeypatch)
    filled: list[int] = []
    monkeypatch.setattr(findings_panel.FindingsPanel, "_fit_columns",
                        lambda self: filled.append(len(happened)))
    window.select("group")
    assert window.workspace is not None and window.workspace.recalled
    assert panel.summary.text() == summary and panel.count() == 0  # counted, not listed yet
    qtbot.waitUntil(lambda: panel.count() == rows)
    assert filled and "paint" in happened[:filled[0]]  # listed after the paint
