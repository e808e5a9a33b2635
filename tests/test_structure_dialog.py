"""The Group structure dialog: the tree of the year in view, entities added, renamed, moved
and closed through the session, the structure workbook exported and imported with its
difference first; only a coordinator's buttons are enabled."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from workbooks import load_workbook

from esgdesk.application.cli import main
from esgdesk.storage.store import open_database


@pytest.fixture
def group(tmp_path: Path) -> Path:
    path = tmp_path / "g.db"
    assert main(["init", str(path), "--year", "2024"]) == 0
    for args in (["north", "--parent", "group", "--kind", "company", "--zh", "北方", "--en",
                  "North"],
                 ["wuhan", "--parent", "north", "--kind", "site", "--zh", "武汉", "--en",
                  "Wuhan", "--province", "hubei"]):
        assert main(["entity", "add", str(path), *args]) == 0
    return path


def test_the_dialog_changes_the_structure_through_the_session(
        qtbot: QtBot, group: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui.main_window import MainWindow

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, "en")
    qtbot.addWidget(window)
    window.open_database(group, "group", 2024)
    assert window.menus.structure_action.text() == "&Group structure…"
    dialog = window.catalogue_actions.show_structure()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.codes() == ["group", "north", "wuhan"]
    assert all(button.isEnabled() for button in dialog.buttons.values())
    assert dialog.add_entity({"code": "south", "zh": "南方", "en": "South", "kind": "company",
                              "parent": "group", "from_year": 2024})
    assert dialog.codes() == ["group", "north", "wuhan", "south"]
    dialog.select("wuhan")
    assert dialog.rename_selected(en="Wuhan plant")
    assert dialog.move_selected("south", 2025)
    dialog.select("north")
    assert not dialog.close_selected(2024)  # it still holds Wuhan in 2024: refused, said
    assert warnings == ["'north' still holds wuhan in 2024: move or close them first"]
    dialog.select("wuhan")
    assert dialog.close_selected(2026)
    book = dialog.export_book(tmp_path / "structure.xlsx")
    assert book is not None
    workbook = load_workbook(book)
    workbook["entities"].append(["foshan", "佛山", "Foshan", "site", "south", None,
                                 "guangdong", 2024, None, None, "yes"])
    workbook.save(book)
    assert dialog.import_book(book, apply=True)
    assert dialog.difference == ["+ foshan (site) under south: 佛山 / Foshan, 2024–"]
    assert dialog.codes() == ["group", "north", "wuhan", "south", "foshan"]
    dialog.close()
    store = open_database(group)
    try:
        assert [r.action for r in store.audit_log()[-5:]] == [
            "entity", "rename", "move", "close", "entity"]
        assert {e.code: e.parent for e in store.tree(2025)}["wuhan"] == "south"
        assert "wuhan" not in store.tree(2026)
    finally:
        store.close()


def test_a_bad_book_is_shown_and_nothing_is_written(
        qtbot: QtBot, group: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, "en")
    qtbot.addWidget(window)
    window.open_database(group, "group", 2024)
    dialog = window.catalogue_actions.show_structure()
    assert dialog is not None
    qtbot.addWidget(dialog)
    book = dialog.export_book(tmp_path / "structure.xlsx")
    workbook = load_workbook(book)
    workbook["entities"].append(["x", "甲", "X", "site", "wuhan"])
    workbook.save(book)
    assert not dialog.import_book(book, apply=True)
    assert dialog.problems == ["entities!E5: 'wuhan' is a site: a site holds no entities "
                               "('x' under it)"]
    assert dialog.codes() == ["group", "north", "wuhan"]
    dialog.close()
    # a contributor (on a server) sees the tree, and may change nothing
    monkeypatch.setattr(window.session, "may", lambda action: action != "structure")
    viewer = window.catalogue_actions.show_structure()
    assert viewer is not None
    qtbot.addWidget(viewer)
    assert viewer.codes() == ["group", "north", "wuhan"]
    assert not any(viewer.buttons[name].isEnabled()
                   for name in ("add", "rename", "move", "close", "import"))
    assert viewer.buttons["export"].isEnabled()
    assert "coordinator" in viewer.buttons["add"].toolTip()
    viewer.close()


def test_an_entity_added_in_the_dialog_can_be_chosen_at_once(
        qtbot: QtBot, group: Path, tmp_path: Path) -> None:
    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, "en")
    qtbot.addWidget(window)
    window.open_database(group, "group", 2024)
    dialog = window.catalogue_actions.show_structure()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.add_entity({"code": "south", "zh": "南方", "en": "South", "kind": "company",
                              "parent": "group"})
    picker = window.entity_picker
    assert [picker.itemData(n) for n in range(picker.count())] == [
        "group", "north", "wuhan", "south"]
    dialog.close()


def test_a_change_moving_published_figures_asks_why_and_is_restated(
        qtbot: QtBot, group: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from ui.main_window import MainWindow

    electricity = "environment.energy.electricity"
    assert main(["entity", "add", str(group), "xiaogan", "--parent", "north", "--kind", "site",
                 "--zh", "孝感", "--en", "Xiaogan", "--province", "hubei"]) == 0
    for site, kwh in (("wuhan", "300000"), ("xiaogan", "50000")):
        assert main(["set", str(group), "--entity", site, "--year", "2024", electricity,
                     kwh]) == 0
        assert main(["lock", str(group), "--entity", site, "--year", "2024", electricity]) == 0
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    asked: list[str] = []

    def ask(_parent: object, _title: str, text: str) -> tuple[str, bool]:
        asked.append(text)
        return "", False  # the user cancels

    monkeypatch.setattr(QInputDialog, "getMultiLineText", ask)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, "en")
    qtbot.addWidget(window)
    window.open_database(group, "group", 2024)
    dialog = window.catalogue_actions.show_structure()
    assert dialog is not None
    qtbot.addWidget(dialog)
    # a company counting from 2024 leaves the group's published 2024 total incomplete
    assert dialog.add_entity({"code": "south", "zh": "南方", "en": "South", "kind": "company",
                              "parent": "group", "from_year": 2024},
                             reason="South set up to take Wuhan")
    assert "group 2024: 350000 → —" in dialog.restating and not asked and not warnings
    dialog.select("wuhan")
    assert not dialog.move_selected("south", 2024)  # asked why, and cancelled: not made
    assert len(asked) == 1 and "north 2024: 350000 → 50000" in asked[0] and not warnings
    # the figures a line each, by their labels, not the command line's one-line refusal
    assert "Purchased grid electricity — north 2024: 350000 → 50000\n" in asked[0]
    assert "--restate" not in asked[0]
    assert dialog.move_selected("south", 2024, reason="Wuhan reports to South")
    assert "north 2024" in dialog.restating and not warnings
    store = open_database(group)
    try:
        north = store.figures_of(["north"], [2024])[("north", electricity, 2024)]
        assert (north.published, north.restated) == (
            "350000", "boundary: wuhan moved under south from 2024 ‖ "
            "wuhan 自 2024 年起归入 south; Wuhan reports to South")
        assert store.verify_audit().sound
    finally:
        store.close()
