"""The app on a server database: it names the user's role, greys out what the role may not
change, and shows another user's change within a second."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_server import PgServer
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from esgdesk.model.layout import FigureRef
from esgdesk.storage.location import ServerUrl
from esgdesk.storage.store import Change, open_database
from ui.main_window import MainWindow

HR = "people.employees.total"


def _window(qtbot: QtBot, url: ServerUrl, tmp_path: Path, lang: str = "en") -> MainWindow:
    settings = QSettings(str(tmp_path / f"{lang}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, lang=lang)
    qtbot.addWidget(window)
    window.open_database(url, "group", 2023)
    return window


def _editable(window: MainWindow, table_id: str, indicator: str) -> bool:
    form = window.show_chapter(window.catalogue.tables[table_id].chapter)
    assert form is not None
    view = form.view_of(table_id)
    row, column = view.model().grid.locate(indicator)
    return bool(view.model().flags(view.model().index(row, column))
                & Qt.ItemFlag.ItemIsEditable)


def test_a_contributor_sees_its_role_and_only_its_departments_cells_open(
        qtbot: QtBot, pg_server: PgServer, group: ServerUrl, tmp_path: Path) -> None:
    window = _window(qtbot, pg_server.as_user(group, "li"), tmp_path)
    assert window.status.database.text().endswith("· contributor (hr)")
    assert "secret" not in window.status.database.text()
    assert _editable(window, "people.structure", HR)  # hr's
    assert not _editable(window, "key_figures.data2023", "finance.revenue")  # ir's
    # Recent files keep the URL, never a password.
    assert window.settings.value("last_db") == str(pg_server.as_user(group, "li"))
    coordinator = _window(qtbot, pg_server.as_user(group, "zhao"), tmp_path / "z")
    assert _editable(coordinator, "key_figures.data2023", "finance.revenue")


def test_another_users_change_shows_in_the_form_within_a_second(
        qtbot: QtBot, pg_server: PgServer, group: ServerUrl, tmp_path: Path) -> None:
    window = _window(qtbot, pg_server.as_user(group, "zhao"), tmp_path)
    ref = FigureRef("group", 2023, HR)
    assert window.workspace is not None and window.workspace.display(ref) == "4,106"
    other = open_database(pg_server.as_user(group, "li"))
    try:
        other.set_value(Change("group", 2023, HR, "4321"), "li")
    finally:
        other.close()
    form = window.show_chapter("people")
    assert form is not None
    view = form.view_of("people.structure")
    row, column = view.model().grid.locate(HR)
    qtbot.waitUntil(lambda: view.model().index(row, column).data() == "4,321", timeout=1000)
    assert "changed by another user" in window.statusBar().currentMessage()


def test_the_file_menu_connects_to_a_server(qtbot: QtBot, group: ServerUrl, tmp_path: Path,
                                            monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, lang="zh")
    qtbot.addWidget(window)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (str(group), True))
    window.menus.connect_action.trigger()
    assert window.store is not None and window.store.server
    assert window.status.database.text().endswith("· 协调人")
    assert window.menus.connect_action.text() == "连接服务器(&S)…"


def test_the_connect_dialog_refuses_a_url_with_a_password_and_keeps_nothing(
        qtbot: QtBot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, lang="en")
    qtbot.addWidget(window)
    shown: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (
        "postgresql://li:secret@db.example.com/esg", True))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    window.menus.connect_action.trigger()
    assert window.store is None
    assert len(shown) == 1 and ".pgpass" in shown[0] and "secret" not in shown[0]
    assert "secret" not in str(settings.value("last_db")) + str(settings.value("recent"))


def test_junk_on_the_notice_channel_shows_no_error_in_an_open_window(
        qtbot: QtBot, pg_server: PgServer, group: ServerUrl, tmp_path: Path,
        monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import psycopg
    from PySide6.QtWidgets import QMessageBox

    window = _window(qtbot, pg_server.as_user(group, "zhao"), tmp_path)
    dialogs: list[str] = []
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, **k: dialogs.append(str(a)))
    assert window.live.timer.isActive()
    with psycopg.connect(str(pg_server.as_user(group, "wang")), autocommit=True) as reader:
        for payload in ("not json", "{}", '{"entity_id": 1, "year": "x", "indicator": 3}'):
            reader.execute(f"NOTIFY esgdesk_figures, '{payload}'")  # type: ignore[arg-type]
    qtbot.wait(1000)  # four polls
    assert dialogs == [] and window.live.timer.isActive()
    assert window.workspace is not None
    assert window.workspace.display(FigureRef("group", 2023, HR)) == "4,106"


def test_two_windows_survive_a_server_restart_and_show_what_was_written_meanwhile(
        qtbot: QtBot, pg_server: PgServer, group: ServerUrl, tmp_path: Path,
        monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from esgdesk.errors import Unreachable

    dialogs: list[str] = []
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, **k: dialogs.append(str(a[2:])))
    ref = FigureRef("group", 2023, HR)
    zhao = _window(qtbot, pg_server.as_user(group, "zhao"), tmp_path / "z")
    li = _window(qtbot, pg_server.as_user(group, "li"), tmp_path / "l", lang="zh")
    forms = []
    for window in (zhao, li):
        window.show()
        form = window.show_chapter("people")
        assert form is not None
        forms.append(form)
    qtbot.wait(300)  # painted: what the forms show has been read
    pg_server.pause()
    try:
        for window in (zhao, li):
            qtbot.waitUntil(lambda w=window: "server" in w.banner.warnings, timeout=3000)
        assert "reconnecting" in zhao.banner.text() and "正在重新连接" in li.banner.text()
        # While it is away: redrawing, selecting, opening another chapter raise nothing; a
        # write is refused with what happened.
        for window in (zhao, li):
            window.show_chapter("environment")
            window.show_chapter("people")
            window.repaint()
        with pytest.raises(Unreachable):
            li.session.set_figure(ref, "4555")
        assert not li.ops.run(lambda: li.session.set_figure(ref, "4555"))
        assert len(dialogs) == 1 and "没有写入任何内容" in dialogs.pop()
        assert li.workspace is not None and li.workspace.display(ref) == "4,106"
    finally:
        pg_server.resume()
    li.session.set_figure(ref, "4555")  # written as soon as the server is back
    for window in (zhao, li):
        qtbot.waitUntil(lambda w=window: "server" not in w.banner.warnings, timeout=8000)
        assert window.workspace is not None
        qtbot.waitUntil(lambda w=window: w.workspace.display(ref) == "4,555", timeout=3000)
    assert "Reconnected to the server" in zhao.statusBar().currentMessage()
    assert "1 figure changed while it was away" in zhao.statusBar().currentMessage()
    assert dialogs == []
    # Live updates go on after the restart.
    other = open_database(pg_server.as_user(group, "zhao"))
    try:
        other.set_value(Change("group", 2023, HR, "4666"), "zhao")
    finally:
        other.close()
    qtbot.waitUntil(lambda: li.workspace is not None and li.workspace.display(ref) == "4,666",
                    timeout=2000)


def test_a_contributor_and_a_reader_are_offered_only_what_their_role_may_do(
        qtbot: QtBot, pg_server: PgServer, group: ServerUrl, tmp_path: Path) -> None:
    coordinator = _window(qtbot, pg_server.as_user(group, "zhao"), tmp_path / "z")
    li = _window(qtbot, pg_server.as_user(group, "li"), tmp_path / "l")
    wang = _window(qtbot, pg_server.as_user(group, "wang"), tmp_path / "w", lang="zh")

    def coordinators_only(window: MainWindow) -> list:  # type: ignore[type-arg]
        menus = window.menus
        return [menus.requests_action, menus.import_action, menus.catalogue_import_action,
                menus.open_year_action, menus.restate_action, window.dashboard.approve,
                window.dashboard.lock, window.dashboard.back]

    assert all(widget.isEnabled() for widget in coordinators_only(coordinator))
    for window, tip in ((li, "Only a coordinator may do this"), (wang, "只有协调人可以执行此操作")):
        for widget in coordinators_only(window):
            assert not widget.isEnabled() and widget.toolTip() == tip, widget
    assert li.menus.collection_menu.toolTipsVisible()


def test_saved_is_said_only_after_a_write(qtbot: QtBot, pg_server: PgServer,
                                          group: ServerUrl, tmp_path: Path, monkeypatch
                                          ) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    refused: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: refused.append(text))
    owner = open_database(group)
    try:
        request = owner.assign("group", 2023, "hr", "li", "2024-03-31", "zhao")
        owner.set_request_status(request.id, "submitted", "li")
    finally:
        owner.close()
    li = _window(qtbot, pg_server.as_user(group, "li"), tmp_path / "l")
    assert li.status.saved.text() == "All changes are saved"
    # Sending back a request the server refuses to the contributor: refused, not "Saved".
    assert not li.ops.run(lambda: li.session.move_request(request.id, "requested", "why"))
    assert len(refused) == 1 and li.status.saved.text() == "All changes are saved"
    # A coordinator's move that changes nothing (already submitted) says nothing is saved.
    zhao = _window(qtbot, pg_server.as_user(group, "zhao"), tmp_path / "z")
    assert zhao.ops.run(lambda: zhao.session.move_request(request.id, "submitted", "again"))
    assert zhao.status.saved.text() == "All changes are saved"
    assert zhao.ops.run(lambda: zhao.session.move_request(request.id, "requested", "redo"))
    assert zhao.status.saved.text().startswith("Saved ")


def test_status_messages_fit_at_1366_by_768_and_show_whole_on_hover(
        qtbot: QtBot, pg_server: PgServer, group: ServerUrl, tmp_path: Path) -> None:
    window = _window(qtbot, pg_server.as_user(group, "li"), tmp_path)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    status = window.statusBar()
    long = ("12 figure(s) changed by another user: " + "people.employees.total, " * 12).strip()
    status.showMessage(long, 5000)
    shown = status.shown_message()  # type: ignore[attr-defined]
    assert shown != long and shown.endswith("…")
    assert status.fontMetrics().horizontalAdvance(shown) <= status.room()  # type: ignore[attr-defined]
    assert status.toolTip() == long and status.currentMessage() == long
    status.showMessage("Saved", 5000)
    assert status.shown_message() == "Saved" and status.toolTip() == ""  # type: ignore[attr-defined]
