"""Each language whole in the window's dialogs, Qt's file dialog included: n/a said in the
interface's language, Help → About in it, a count's noun in the singular for one, and words
typed with a number refused as not a number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from esgdesk.model.layout import FigureRef
from ui.dialogs import ExportOptionsDialog, FindDialog, NewDatabaseDialog, ProfileDialog
from ui.i18n import install_translator
from ui.main_window import MainWindow

CJK = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}")
# Latin words a Chinese window may show: names of programs and standards, units, file types
NAMES = {"esgdesk", "ESG", "GRI", "CASS", "Qt", "PySide", "SQLite", "Python", "Linux", "x86_64",
         "db", "xlsx", "KiB", "MiB", "English", "Ctrl"}
PATH_OR_VERSION = re.compile(r"\S*[/\d]\S*")  # /work/main/.venv, 6.18.44-fc-v1272


@pytest.fixture
def window(qtbot: QtBot, sample_path: Path, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, lang="zh")
    qtbot.addWidget(win)
    win.open_database(sample_path, year=2024, chapter="people")
    win.show()
    qtbot.waitExposed(win)
    yield win
    install_translator("zh")


def _widget_texts(widget: QWidget) -> list[str]:
    """What a dialog shows: its title, labels, buttons (and their tips), list items, line
    edits' hints, combo boxes' items and a tree's headers and first rows."""
    texts = [widget.windowTitle()]
    texts += [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]
    for button in widget.findChildren(QAbstractButton):
        if button.isVisible():
            texts += [button.text(), button.toolTip()]
    for edit in widget.findChildren(QLineEdit) + widget.findChildren(QPlainTextEdit):
        texts.append(edit.placeholderText())
    for combo in widget.findChildren(QComboBox):
        texts += [combo.itemText(i) for i in range(combo.count())]
    for tree in widget.findChildren(QTreeView):
        model = tree.model()
        if model is None or not tree.isVisible():
            continue
        texts += [str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                  for c in range(model.columnCount())]
        root = tree.rootIndex()
        for row in range(min(model.rowCount(root), 8)):
            texts += [str(model.index(row, c, root).data() or "")
                      for c in range(1, model.columnCount(root))]  # not the file's name
    return [t for t in texts if t]


def _english(texts: list[str]) -> dict[str, list[str]]:
    stray = {}
    for text in texts:
        words = [w for w in WORD.findall(PATH_OR_VERSION.sub("", text.replace("&", "")))
                 if w not in NAMES]
        if words:
            stray[text] = words
    return stray


def _modal(qtbot: QtBot, open_it, read) -> None:  # type: ignore[no-untyped-def]
    """Open a modal dialog, read it while it is open, close it."""
    seen = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        seen.append(read(dialog))
        dialog.close()

    QTimer.singleShot(50, look)
    open_it()
    assert seen


def test_dialogs_speak_the_interface_language_only(qtbot: QtBot, window: MainWindow,
                                                   tmp_path: Path) -> None:
    for lang in ("zh", "en"):
        window.set_language(lang)
        texts: list[str] = []
        dialogs: list[QDialog] = [
            FindDialog(window.catalogue, lang, window, "people", 2024),
            ProfileDialog(window.catalogue, lang, "", "hr", window),
            ExportOptionsDialog(4, window), NewDatabaseDialog(2024, window)]
        for dialog in dialogs:
            qtbot.addWidget(dialog)
            dialog.show()
            if isinstance(dialog, FindDialog):
                qtbot.keyClicks(dialog.query, "zzqx")  # and what it says for no match
            texts += [t.replace("zzqx", "") for t in _widget_texts(dialog)]  # not what is typed
            dialog.close()
        _modal(qtbot, window.menus.about_action.trigger,
               lambda box, texts=texts: texts.extend(_widget_texts(box)))
        (tmp_path / "a.db").write_bytes(b"\0" * 4096)  # Qt sizes bytes in the system's locale
        files = QFileDialog(window, "esgdesk", str(tmp_path), "esgdesk (*.db)")
        files.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        qtbot.addWidget(files)
        files.show()
        qtbot.wait(100)  # the folder is read in the background
        texts += [t for t in _widget_texts(files) if str(tmp_path) not in t]
        files.close()
        if lang == "zh":
            assert any("查找范围" in t for t in texts)
            assert not _english(texts), _english(texts)
        else:
            assert any("Look in" in t for t in texts)
            assert not [t for t in texts if CJK.search(t)]


def test_a_state_is_said_in_the_interface_language(qtbot: QtBot, window: MainWindow) -> None:
    ref = FigureRef("group", 2024, "people.employees.total")
    window.commit_edit(ref, "n/a")
    assert window.jump_to(ref.indicator)
    form = window.current_form()
    view = next(v for v in form.views if v.currentIndex().isValid())
    assert view.currentIndex().data() == "/ 不适用"  # the report's mark, and what it means
    window.set_language("en")
    assert view.currentIndex().data() == "/ n/a"


def test_words_with_a_number_are_not_a_number_and_one_is_singular(
        qtbot: QtBot, window: MainWindow) -> None:
    window.set_language("en")
    assert window.jump_to("people.employees.total")
    form = window.current_form()
    view = next(v for v in form.views if v.currentIndex().isValid())
    refusal = view.model().refusal(view.currentIndex(), "about 1200")
    assert refusal is not None and refusal.endswith("not a number")
    window.findings.show_findings([f for f in window.session.findings()
                                   if f.severity == "error"][:1])
    errors = window.findings.summary.text().split(" · ")[0]
    assert errors in ("1 error", "0 errors")
    window.set_language("zh")
    assert window.findings.summary.text().split(" · ")[0].endswith("个错误")


def test_the_collection_and_catalogue_dialogs_speak_the_interface_language_only(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from esgdesk.exchange.requests import write_request
    from esgdesk.storage.figures import RESTATEMENT_REASONS
    from ui.catalogue_dialogs import CataloguePreview
    from ui.collection import ImportDialog, RequestsDialog, SubmitDialog
    from ui.dashboard import DashboardPanel
    from ui.dialogs import RestateDialog

    session = window.session
    store = session.require_store()
    request = write_request(store, "group", 2024, "hr", tmp_path / "hr.xlsx", "coordinator")
    book = session.export_catalogue(tmp_path / "catalogue.xlsx", "zh")
    plan = session.plan_catalogue(book)
    for lang in ("zh", "en"):
        window.set_language(lang)
        texts: list[str] = []
        dialogs: list[QWidget] = [
            RequestsDialog(session, 2024, lang, window),
            ImportDialog(session, [request], lang, window),
            SubmitDialog("Wang Fang", request, window),
            RestateDialog("员工总人数" if lang == "zh" else "Total number of employees",
                          "4,106", RESTATEMENT_REASONS, lang, window),
            CataloguePreview(plan, book, lang, window),
            DashboardPanel(window.ops, window)]
        for dialog in dialogs:
            qtbot.addWidget(dialog)
            dialog.show()
            texts += _widget_texts(dialog)
            dialog.close()
        found = _english(texts) if lang == "zh" else {
            t: CJK.findall(t) for t in texts if CJK.search(t)
            and not any(n in t for n in ("员工总人数", "Wang Fang"))}
        # the request's file name and an entity's own name are what they are
        found = {t: w for t, w in found.items()
                 if "hr.xlsx" not in t and "catalogue.xlsx" not in t}
        assert not found, (lang, found)
