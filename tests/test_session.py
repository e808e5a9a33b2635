"""The application session without Qt: opening, choosing a scope, changing figures, and the
description of what each change touched."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from esgdesk.application.session import Changes, Session
from esgdesk.errors import (
    DatabaseError,
    EsgdeskError,
    NotFound,
    StaleValue,
    UnknownEntity,
    ValueLocked,
)
from esgdesk.model.layout import FigureRef
from esgdesk.storage.health import FileCheck
from esgdesk.storage.store import Change, open_database

REF = FigureRef("group", 2023, "people.employees.total")


@pytest.fixture
def tree_session(sample_tree_path: Path) -> Session:
    """A session on the sample with its companies and sites."""
    session = Session()
    session.open(sample_tree_path, "group", 2023)
    return session


@pytest.fixture
def session(sample_path: Path) -> Session:
    session = Session(user_name="Li Na")
    session.open(sample_path, "group", 2023)
    return session


def test_the_session_never_imports_qt() -> None:
    import subprocess

    code = ("import sys, esgdesk.application.session, esgdesk.application.cli; "
            "print(any(m.startswith('PySide6') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_opening_describes_a_new_scope_and_database(sample_tree_path: Path) -> None:
    session = Session()
    changes = session.open(sample_tree_path, "zkteco", 2022)
    assert changes.database and changes.scope and changes.reloaded
    assert session.workspace is not None
    assert (session.workspace.entity, session.workspace.year) == ("zkteco", 2022)


def test_a_failed_open_leaves_the_session_as_it_was(session: Session, tmp_path: Path) -> None:
    before = session.store
    with pytest.raises(DatabaseError):
        session.open(tmp_path / "missing.db")
    with pytest.raises(UnknownEntity):
        session.open(before.path if before else tmp_path, "nowhere")
    assert session.store is before and session.workspace is not None


def test_nothing_open_is_a_clear_error() -> None:
    with pytest.raises(NotFound) as refused:
        Session().set_figure(REF, "1")
    assert refused.value.kind == "not_found"


def test_setting_a_figure_names_it_and_new_findings(session: Session) -> None:
    changes = session.set_figure(REF, "4200")
    assert changes.figures == frozenset({REF}) and changes.findings and changes.saved
    assert not changes.scope and not changes.reloaded
    assert changes.touches(REF)
    assert session.current(REF).value == "4200"  # type: ignore[union-attr]
    assert session.current(REF).changed_by == "Li Na"  # type: ignore[union-attr]


def test_a_note_is_a_note_change(session: Session) -> None:
    changes = session.set_note(REF, "two plants acquired")
    assert changes.notes and changes.figures == frozenset({REF})
    assert session.current(REF).note == "two plants acquired"  # type: ignore[union-attr]


def test_a_figure_changed_elsewhere_is_stale_until_overwritten(session: Session,
                                                               sample_path: Path) -> None:
    other = open_database(sample_path)
    other.set_value(Change("group", 2023, REF.indicator, "4300"), "Zhao Lei")
    other.close()
    with pytest.raises(StaleValue) as stale:
        session.set_figure(REF, "4200")
    assert stale.value.changed_by == "Zhao Lei"
    session.set_figure(REF, "4200", overwrite=True)
    assert session.current(REF).value == "4200"  # type: ignore[union-attr]


def test_the_forms_write_with_the_same_method_and_say_more_when_they_know_it(
        session: Session) -> None:
    changes = session.set_figure(REF, "n/a", reason="no staff this year",
                                 provenance="HR ledger")
    assert changes.figures == frozenset({REF}) and not changes.reloaded
    shown = session.require_workspace().stored(REF)  # the forms hold it as written
    assert shown is not None and (shown.state, shown.note, shown.provenance) == (
        "not_applicable", "no staff this year", "HR ledger")
    [*_, row] = session.require_store().history("group", 2023, REF.indicator)
    assert (row.source, row.reason, row.user) == ("form", "no staff this year", "Li Na")
    with pytest.raises(EsgdeskError) as refused:  # the reason rule holds for the forms too
        session.set_figure(REF, "4200", reason="grew")
    assert refused.value.kind == "usage"


def test_a_command_has_read_no_figure_so_none_of_its_writes_is_stale(
        sample_path: Path) -> None:
    session = Session(user_name="Li Na")
    session.open_for_command(sample_path)
    other = open_database(sample_path)
    other.set_value(Change("group", 2023, REF.indicator, "4300"), "Zhao Lei")
    other.close()
    session.set_figure(REF, "4200")
    assert session.current(REF).value == "4200"  # type: ignore[union-attr]
    session.close()


def test_a_printed_years_figure_goes_in_as_history_where_a_parent_takes_none(
        tree_session: Session) -> None:
    ref = FigureRef("group", 2022, REF.indicator)
    with pytest.raises(EsgdeskError) as refused:
        tree_session.set_figure(ref, "900")
    assert refused.value.kind == "entered_elsewhere"
    changes = tree_session.set_figure(ref, "900", history=True)
    assert changes.reloaded and changes.saved  # read again whole: the parent's own figure
    assert tree_session.current(ref).value == "900"  # type: ignore[union-attr]
    [*_, row] = tree_session.require_store().history("group", 2022, REF.indicator)
    assert (row.reason, row.source) == ("history", "form")


def test_a_refused_write_reads_the_figures_again(session: Session) -> None:
    store = session.store
    assert store is not None
    store.set_status("group", 2023, REF.indicator, "locked", "coord")
    with pytest.raises(ValueLocked):
        session.set_figure(REF, "1")
    assert session.workspace is not None and session.workspace.is_locked(REF)


def test_choosing_another_entity_is_a_scope_change(tree_session: Session) -> None:
    changes = tree_session.select("zkteco", 2022)
    assert changes == Changes(reloaded=True, findings=True, scope=True)
    assert tree_session.workspace is not None and tree_session.workspace.entity == "zkteco"


def test_validation_runs_in_steps_and_ends_in_new_findings(session: Session) -> None:
    run = session.start_validation()
    result = None
    while result is None or session.validation is run:  # findings so far, now and then
        result = session.step_validation(run)
    assert result.findings and session.findings()
    assert session.validation is None


def test_the_workspaces_shown_before_are_let_go_after_the_new_findings(
        tree_session: Session, sample_tree_path: Path) -> None:
    """Their figures are freed after the new scope's findings are shown, not before: a part
    at a time, between the user's events; a few are kept meanwhile, the oldest beyond them
    freed at once."""
    import gc
    import weakref

    from esgdesk.application.session import core

    first = weakref.ref(tree_session.require_workspace())
    tree_session.select("zkteco")
    second = weakref.ref(tree_session.require_workspace())
    tree_session.open(sample_tree_path, "group", 2022)
    gc.collect()
    assert first() is not None and second() is not None  # kept, to be freed later
    run = tree_session.start_validation()
    while tree_session.step_validation(run) is None:
        pass
    gc.collect()
    held = first(), second()
    assert all(w is not None and w.book.values == {} for w in held)  # they show nothing
    assert tree_session.findings() == tree_session.require_workspace().validate()
    del held, run
    for _ in range(1000):  # a part each time, until all are gone
        if tree_session.let_go_a_part():
            break
    gc.collect()
    assert first() is None and second() is None
    kept = []
    for code in ("zkteco", "group", "zkteco") + ("group",) * core.RETIRED_HELD:
        kept.append(weakref.ref(tree_session.require_workspace()))
        tree_session.select(code)
    gc.collect()
    assert [w() is None for w in kept] == [True] * 3 + [False] * core.RETIRED_HELD
    tree_session.close()


def test_a_group_left_is_freed_a_part_at_a_time(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Freeing a group's figures at once takes longer than a switch to a company may: the
    company's findings come first, then each call frees a part of the group's figures (here
    one step each)."""
    import gc
    import weakref

    from esgdesk.application.generate import generate_group
    from esgdesk.application.session import core

    generate_group(tmp_path / "g.db", companies=6, years=3).close()
    session = Session()
    session.open(tmp_path / "g.db", "group", 2023)
    session.validate_now()
    group = session.require_workspace()
    held, left = weakref.ref(group.book), len(group.book.values)
    del group
    session.select("cn-001")
    monkeypatch.setattr(core, "LETTING_GO", 0.0)
    run = session.start_validation()
    while session.step_validation(run) is None:
        pass
    assert session.findings() == session.require_workspace().validate()
    gc.collect()
    assert held() is not None  # the group's figures, still to free
    slices = 0
    while not session.let_go_a_part():
        slices += 1
        gc.collect()
        book = held()
        assert book is None or len(book.values) <= left  # (what it worked out goes first)
        left = len(book.values) if book is not None else 0
        del book
    gc.collect()
    assert held() is None and slices > 3  # all gone, not all at once
    session.close()


def test_a_large_tree_is_read_once_the_scopes_left_are_freed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two groups' figures are never held at once: a run that reads a large tree frees the
    scopes left first, a part in each slice, and reads the tree after."""
    import gc
    import weakref

    from esgdesk.application.generate import generate_group
    from esgdesk.application.session import core

    generate_group(tmp_path / "g.db", companies=6, years=3).close()
    session = Session(defer_tree=True)
    session.open(tmp_path / "g.db", "group", 2023)
    session.validate_now()
    held = weakref.ref(session.require_workspace().book)
    session.select("group", 2022)
    monkeypatch.setattr(core, "LETTING_GO", 0.0)
    monkeypatch.setattr(core, "FREE_BEFORE_READING", 2)
    run = session.start_validation()
    shown = session.require_workspace()
    unread = shown.unread()
    assert len(unread) >= 2
    slices = 0
    while held() is not None:
        assert session.step_validation(run) is None and not run.done
        assert shown.unread() == unread  # nothing of the tree read yet
        slices += 1
        gc.collect()
    assert slices > 3
    while session.step_validation(run) is None:
        pass
    assert shown.unread() == [] and session.findings() == shown.validate()
    session.close()


def test_a_workspace_held_by_a_form_out_of_sight_lets_its_figures_go(
        tree_session: Session) -> None:
    """A form not shown keeps the workspace it showed until it is shown again: its figures
    go all the same once the next validation begins, so two trees are never held."""
    held = tree_session.require_workspace()  # as a form out of sight holds it
    assert held.book.values and held.findings() == [] and held.entity == "group"
    tree_session.select("zkteco")
    run = tree_session.start_validation()
    tree_session.step_validation(run)
    assert held.book.values == {} and held.findings() == []
    ref = FigureRef("group", 2023, "people.employees.total")
    assert held.display(ref) == "" and held.stored(ref) is None
    shown = tree_session.require_workspace()
    assert shown is not held and shown.book.values


def test_a_replaced_run_ends_without_findings(session: Session) -> None:
    first = session.start_validation()
    session.start_validation()
    assert session.step_validation(first) == Changes()


def test_moving_a_request_reloads_and_says_so(session: Session) -> None:
    store = session.store
    assert store is not None
    request = store.assign("group", 2023, "hr", "Wang Fang", "", "coord")
    for indicator in ("people.employees.total", "people.employees.male",
                      "people.employees.female"):  # the head-counts' register
        store.attach("group", 2023, indicator, "register.csv", b"name,department\n", "coord")
    changes = session.move_request(request.id, "approved")
    assert changes.requests and changes.reloaded and changes.statuses
    assert store.request(request.id).status == "approved"  # type: ignore[union-attr]


def test_the_file_check_result_is_read_into_a_record(session: Session) -> None:
    assert session.store is not None
    path = session.store.path
    _program, arguments = Session.file_check_command(path)
    assert arguments[-1] == str(path)
    check = Session.read_file_check(path, '{"problem": null, "rows": 5, "broken_at": null, '
                                          '"reason": ""}\n')
    assert check == FileCheck(str(path), None, 5, None, "")
    assert check.sound and session.file_checked(check)
    assert Session.read_file_check(path, "Traceback …") is None


def test_closing_after_a_change_makes_a_backup(session: Session) -> None:
    session.set_figure(REF, "4200")
    backup = session.close()
    assert backup is not None and backup.exists()
    assert session.store is None


def test_a_command_writes_through_a_session_without_forms_and_leaves_no_backup(
        sample_path: Path) -> None:
    from esgdesk.storage.backup import backups

    session = Session(user_name="Li Na")
    store = session.open_for_command(sample_path)
    assert session.workspace is None
    changes = session.set_figure(REF, "n/a", reason="no staff this year")
    assert changes.figures == frozenset({REF}) and changes.saved
    stored = session.current(REF)
    assert stored is not None
    assert (stored.state, stored.note) == ("not_applicable", "no staff this year")
    with pytest.raises(EsgdeskError) as refused:  # a reason explains no value
        session.set_figure(REF, "4200", reason="grew")
    assert refused.value.kind == "usage"
    assert session.lock_figure(REF).status == "locked"
    [*_, entered, locked] = store.history("group", 2023, REF.indicator)
    assert (entered.user, entered.source, entered.reason) == ("Li Na", "cli",
                                                               "no staff this year")
    assert locked.user == "Li Na"
    assert session.close() is None and not backups(sample_path)


def test_entities_come_with_their_depth(tree_session: Session) -> None:
    depths = {entity.code: depth for entity, depth in tree_session.entities()}
    assert depths["group"] == 0 and depths["zkteco"] == 1
    assert max(depths.values()) >= 2
