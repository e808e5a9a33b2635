"""A large tree's findings, kept in the cache folder by one opening, are shown at once by the
next (another session, as after a restart) while nothing was written since, or only the
user's own edits of the year, each validated as it was made; its run then finds them afresh
and ends with the same. Another's write, another edition or code, or a damaged file means
they are found afresh."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import BOTH

from esgdesk.application.generate import generate_group
from esgdesk.application.session import Session, kept_findings
from esgdesk.model.layout import FigureRef
from esgdesk.storage.store import UNLOGGED

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from esgdesk.storage.location import Location

ENGINES = BOTH  # the tests taking the sample: a file and a server database


@pytest.fixture
def group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A group of seven entities, large enough here to keep its findings."""
    generate_group(tmp_path / "g.db", companies=6, years=3).close()
    monkeypatch.setattr(kept_findings, "KEPT_FROM_ENTITIES", 7)
    monkeypatch.setenv("ESGDESK_CACHE_DIR", str(tmp_path / "cache"))  # this test's own
    return tmp_path / "g.db"


def _kept() -> list[Path]:
    return sorted(Path(os.environ["ESGDESK_CACHE_DIR"]).glob("findings-*"),
                  key=lambda path: path.stat().st_mtime_ns)


def _validated(session: Session) -> list[dict[str, object]]:
    run = session.start_validation()
    while session.validation is run:
        session.step_validation(run)
    return [f.as_dict() for f in session.findings()]


def _opened(path: Location, entity: str = "group") -> Session:
    session = Session(defer_tree=True)
    session.open(path, entity, 2023)
    return session


def _shown_at_once(session: Session) -> bool:
    """Whether the scope's run, started as the window starts it once it has painted the
    scope, shows findings from its start (kept ones); its findings then."""
    run = session.start_validation()
    shown = session.require_workspace().recalled
    assert run.findings_complete == shown and (shown or session.findings() == [])
    return shown


def test_an_opening_shows_the_findings_the_last_one_found_while_nothing_was_written(
        group: Path) -> None:
    first = _opened(group)
    assert not _shown_at_once(first)
    whole = _validated(first)
    assert whole and len(_kept()) == 1
    first.close()
    again = _opened(group)  # another session: the app started again
    shown = again.require_workspace()
    assert not shown.recalled and again.findings() == []  # the window paints the scope
    run = again.start_validation()  # then starts its run: the kept findings shown at once
    assert run.findings_complete and shown.recalled
    assert [f.as_dict() for f in again.findings()] == whole
    assert shown.unread()  # shown before the tree below is read
    assert _validated_run(again, run) == whole and not shown.unread()
    assert len(_kept()) == 1  # the same findings: not written again
    again.close()


def _validated_run(session: Session, run: object) -> list[dict[str, object]]:
    while session.validation is run:
        session.step_validation(run)  # type: ignore[arg-type]
    return [f.as_dict() for f in session.findings()]


def test_a_write_since_means_they_are_found_afresh(group: Path) -> None:
    first = _opened(group)
    whole = _validated(first)
    first.close()
    writer = _opened(group, "cn-001")  # another user, a company's figure
    writer.set_figure(FigureRef("cn-001", 2023, "people.employees.male"), "9999999")
    writer.close()
    again = _opened(group)
    assert not _shown_at_once(again)
    found = _validated(again)
    assert found != whole and any(f["entity"] == "cn-001" for f in found)
    assert len(_kept()) == 2  # each head's own
    again.close()


def test_another_entity_or_year_never_shows_them(group: Path) -> None:
    first = _opened(group)
    _validated(first)
    first.select("group", 2022)
    assert not _shown_at_once(first)
    first.close()
    company = _opened(group, "cn-001")  # a company's tree: too small to keep, none shown
    assert not _shown_at_once(company)
    company.close()


def test_findings_kept_by_other_code_are_never_shown(
        group: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _opened(group)
    _validated(first)
    first.close()
    monkeypatch.setattr(kept_findings, "_stamp", "an upgraded esgdesk's rules")
    again = _opened(group)
    assert not _shown_at_once(again)
    again.close()


def test_edits_made_here_leave_their_findings_kept_at_the_head_they_made(group: Path) -> None:
    session = _opened(group)
    run = session.start_validation()
    session.step_validation(run)
    male = "people.employees.male"
    session.set_figure(FigureRef("cn-001", 2023, male), "1234")  # while the run reads
    assert session.require_workspace().edits_made == 1
    while session.validation is run:
        session.step_validation(run)
    assert session.require_workspace().findings_head == session.require_store().audit_head()
    session.set_figure(FigureRef("cn-002", 2023, male), "9999999")  # once it has ended
    session.set_note(FigureRef("cn-002", 2023, male), "a new plant")
    edited = [f.as_dict() for f in session.findings()]
    assert any(f["entity"] == "cn-002" and male in f["indicators"]  # type: ignore[operator]
               for f in edited)
    session.select("cn-001", 2023)  # left and chosen again: shown at once
    session.select("group", 2023)
    assert session.require_workspace().recalled
    assert [f.as_dict() for f in session.findings()] == edited
    session.open(group, "group", 2023)  # the database opened again in the same session
    assert _shown_at_once(session) and [f.as_dict() for f in session.findings()] == edited
    session.close()
    again = _opened(group)  # the app started again
    assert _shown_at_once(again)
    assert [f.as_dict() for f in again.findings()] == edited
    run = again.validation
    assert _validated_run(again, run) == edited  # what its run finds afresh
    again.close()


def test_a_write_between_or_of_another_year_leaves_nothing_kept_for_the_edits(
        group: Path) -> None:
    male = "people.employees.male"
    for other_year in (False, True):
        session = _opened(group)
        _validated(session)
        kept = _kept()
        if other_year:  # the findings do not follow a figure of another year
            session.set_figure(FigureRef("intl-003", 2022, male), "7")
        else:  # somebody else's write between the head read and the edit
            other = _opened(group, "intl-003")
            other.set_figure(FigureRef("intl-003", 2023, male), "7")
            other.close()
        session.set_figure(FigureRef("cn-001", 2023, male), "1234")
        assert session.require_workspace().validated
        assert session.require_workspace().findings_head == ""
        session.close()
        assert _kept() == kept  # nothing kept for the edits
        again = _opened(group)
        assert not _shown_at_once(again)
        again.close()


@pytest.mark.parametrize("damage", [b"", b"not a kept file", None])
def test_a_damaged_or_foreign_file_is_never_trusted(group: Path, damage: bytes | None) -> None:
    first = _opened(group)
    whole = _validated(first)
    first.close()
    [path] = _kept()
    if damage is None:  # a file of another scope under this one's name
        import json
        import zlib

        document = json.loads(zlib.decompress(path.read_bytes()))
        document["key"][1] = "cn-001"
        path.write_bytes(zlib.compress(json.dumps(document).encode("utf-8")))
    else:
        path.write_bytes(damage)
    again = _opened(group)
    assert not _shown_at_once(again)
    assert _validated(again) == whole
    again.close()


def test_the_files_kept_are_bounded_the_oldest_going_first(
        group: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept_findings, "KEPT_FILES", 2)
    session = _opened(group)
    for year in (2023, 2022, 2021):
        session.select("group", year)
        _validated(session)
    assert len(_kept()) == 2
    session.close()
    first = _opened(group)  # 2023's, the oldest, went
    assert not _shown_at_once(first)
    first.close()


def test_the_window_shows_the_kept_findings_as_it_opens_the_database(
        group: Path, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow
    from ui.validation_runner import ValidationRunner

    first = _opened(group)
    whole = _validated(first)
    first.close()
    # the run begins once the window has painted the group, and takes no step: what the
    # findings panel shows is what was kept
    monkeypatch.setattr(ValidationRunner, "_step", lambda _self, _run: None)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, lang="en")
    qtbot.addWidget(window)
    window.open_database(group, "group", 2023)
    assert window.findings.count() == 0  # the opening itself does not wait to read them
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.findings.count() == len(whole), timeout=5000)
    assert window.workspace is not None and not window.workspace.validated
    assert [window.findings.row_texts(row) for row in range(window.findings.count())]


def test_a_tree_of_sites_and_companies_keeps_what_its_run_found(
        sample_tree_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample's tree (companies, sites, a head office as a site, figures entered below
    and consolidated up), its threshold lowered: kept and shown again as found."""
    monkeypatch.setattr(kept_findings, "KEPT_FROM_ENTITIES", 2)
    monkeypatch.setenv("ESGDESK_CACHE_DIR", str(tmp_path / "cache"))
    first = _opened(sample_tree_path)
    assert first.require_workspace().tree_size > 2
    whole = _validated(first)
    assert whole and {f["entity"] for f in whole} != {"group"}  # found below the group too
    first.close()
    again = _opened(sample_tree_path)
    assert _shown_at_once(again)
    assert [f.as_dict() for f in again.findings()] == whole == _validated(again)
    # edits at a site and at a company, consolidated up to the group: kept as they left
    # the findings, and what a run finds afresh
    training = "innovation.infosec.training."
    again.set_figure(FigureRef("dongguan", 2023, training + "participants"), "5000")
    again.set_figure(FigureRef("xiamen", 2023, training + "sessions"), None)
    charity = FigureRef("zkteco", 2023, "community.donations.dongguan_charity_day")
    again.set_figure(charity, again.require_workspace().display(charity))  # as it was
    assert again.require_store().last_write == UNLOGGED  # nothing new: no audit row
    again.set_figure(charity, "3")
    edited = [f.as_dict() for f in again.findings()]
    assert edited != whole
    again.close()
    third = _opened(sample_tree_path)
    assert _shown_at_once(third)
    assert [f.as_dict() for f in third.findings()] == edited == _validated(third)
    third.close()


def test_on_either_engine_an_edit_leaves_the_findings_of_the_head_it_made(
        sample_path: Location, engine: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On a server too, whose triggers write the log: the store reads the head as its write
    begins, holding the writers' row, and as it ends."""
    monkeypatch.setattr(kept_findings, "KEPT_FROM_ENTITIES", 1)
    monkeypatch.setenv("ESGDESK_CACHE_DIR", str(tmp_path / "cache"))
    session = _opened(sample_path)
    whole = _validated(session)
    ref = FigureRef("group", 2023, "people.employees.male")
    held = session.current(ref)
    assert held is not None and held.value
    session.set_figure(ref, str(int(held.value) + 7))
    store = session.require_store()
    head = store.audit_head()
    assert store.last_write is not None and store.last_write[1] == head != store.last_write[0]
    assert session.require_workspace().findings_head == head
    edited = [f.as_dict() for f in session.findings()]
    assert edited != whole  # the breakdown no longer adds up
    session.set_figure(ref, str(int(held.value) + 7))  # the same again: nothing written
    assert store.last_write == UNLOGGED and session.require_workspace().findings_head == head
    session.close()
    again = _opened(sample_path)
    assert _shown_at_once(again)
    assert [f.as_dict() for f in again.findings()] == edited == _validated(again)
    again.close()
