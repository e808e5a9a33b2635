"""Each language is whole: menus, status bar, details and findings say nothing in the other
language (beyond ids, units, framework codes and names), and Qt's own buttons follow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QMenu
from pytestqt.qtbot import QtBot

from esgdesk.model.layout import FigureRef
from ui.main_window import MainWindow

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
WORD = re.compile(r"[A-Za-z][A-Za-z\-]+")
ID = re.compile(r"\b[a-z_]+(\.[\w\u200b]+)+")  # people.employees.total
# What Chinese text may hold in Latin letters: framework codes, units, the English item of
# the View menu, key names, the app's name.
ALLOWED_IN_ZH = {"GRI", "CASS-ESG", "ESG", "English", "kWh", "tCO", "Ctrl", "esgdesk", "MWh",
                 "GJ", "CO"}


@pytest.fixture
def window(qtbot: QtBot, sample_path: Path, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, lang="zh")
    qtbot.addWidget(win)
    win.open_database(sample_path, year=2023, chapter="people")
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: window_validated(win))
    ref = FigureRef("group", 2023, "people.employees.total")
    win.commit_edit(ref, "4200")
    win.jump_to("people.employees.total")
    return win


def window_validated(window: MainWindow) -> bool:
    return bool(window.findings.all)


def _menu_texts(menu: QMenu) -> list[str]:
    texts = [menu.title()]
    for action in menu.actions():
        if action.menu() is not None:
            texts += _menu_texts(action.menu())
        elif action.text() and action.objectName() != "recent":
            texts.append(action.text())
    return texts


def _texts(window: MainWindow) -> list[str]:
    """What the user reads in menus, status bar, details and findings; not what they typed
    (names, notes, paths) or the other language's label shown on purpose."""
    menus = window.menuBar().findChildren(QMenu)
    texts = [t for menu in menus if menu.parent() is window.menuBar()
             for t in _menu_texts(menu) if t not in ("中文",)]
    recent = {action.text() for action in window.menus.recent_menu.actions()}  # paths
    texts = [t for t in texts if t not in recent]
    texts += [window.status.saved.text(), window.statusBar().currentMessage()]
    detail = window.detail
    texts += [label.text() for label in detail.findChildren(QLabel)
              if label not in (detail.fields["zh"], detail.fields["en"])]
    texts += [detail.history.headerItem().text(c) for c in range(detail.history.columnCount())]
    findings = window.findings
    for combo in findings.findChildren(QComboBox):
        texts += [combo.itemText(i) for i in range(combo.count())]
    texts.append(findings.summary.text())
    model = findings.model
    texts += [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    for row in range(min(findings.count(), 50)):
        texts += [text.split("\n↳")[0]  # not the user's explanation
                  for text in findings.row_texts(row)]
    texts.append(window.detail_dock.windowTitle())
    texts.append(window.findings_dock.windowTitle())
    return texts


def _english_words(text: str, allowed: set[str]) -> list[str]:
    text = ID.sub("", text).replace("&", "")
    return [w for w in WORD.findall(text) if w not in allowed]


def test_chinese_shows_no_english_and_english_no_chinese(window: MainWindow) -> None:
    names = {window.user(), "Li", "Na"}
    zh = _texts(window)
    assert any("撤销 员工总人数 4,106 → 4,200" in t for t in zh)  # names the indicator
    stray = {t: words for t in zh if (words := _english_words(t, ALLOWED_IN_ZH | names))}
    assert not stray, stray
    window.set_language("en")
    en = _texts(window)
    assert any("Undo Total number of employees 4,106 → 4,200" in t for t in en)
    stray_zh = [t for t in en if CJK.search(t) and t != "中文"]
    assert not stray_zh, stray_zh
    assert window.detail.fields["owner"].text() == "HR"


def test_tooltips_name_the_severity_and_refusals_the_label(window: MainWindow) -> None:
    form = window.current_form()
    view = form.view_of("people.structure")
    row, column = view.model().grid.locate("people.employees.male")
    cell = view.model().index(row, column)
    tips = [view.model().index(r, c).data(Qt.ItemDataRole.ToolTipRole) or ""
            for r in range(view.model().rowCount()) for c in range(view.model().columnCount())]
    assert not [t for t in tips if "[" in t]
    assert any("警告：" in t for t in tips)
    refusal = view.model().refusal(cell, "12.5")
    assert refusal is not None and refusal.startswith("男性员工人数：“12.5”不能接受")
    assert "people.employees" not in refusal
    window.set_language("en")
    refusal = view.model().refusal(cell, "12.5")
    assert refusal is not None and refusal.startswith(
        "Number of male employees: “12.5” is not accepted")


def test_qt_own_buttons_speak_chinese(window: MainWindow) -> None:
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    window.set_language("en")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
