"""Opening a large group, its findings come before the form's earliest year of the tree
below is read: no rule reads that year, and the rules' two years are read first."""

from __future__ import annotations

from pathlib import Path

import pytest

from esgdesk.application.generate import generate_group
from esgdesk.application.session import Session
from esgdesk.model.layout import FigureRef
from esgdesk.rules import workspace
from esgdesk.rules.validation import Validator
from esgdesk.rules.workspace import ValidationRun, Workspace


def test_a_large_groups_findings_show_before_the_forms_earliest_year_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = generate_group(tmp_path / "g.db", companies=6, years=3)
    monkeypatch.setattr(workspace, "PREVIEW_ENTITIES", 7)  # the group and its six
    space = Workspace(store, "group", 2023, defer_tree=True)
    assert space.years == (2021, 2022, 2023)
    run = ValidationRun(space)
    whole = [f.as_dict() for f in Validator(store, 2023).run()]
    complete_at = None  # what was read when every finding was shown
    steps = 0
    while not run.step(budget=0):
        steps += 1
        if space.preview(run) and run.findings_complete:
            assert complete_at is None  # shown once
            complete_at = steps
            assert [f.as_dict() for f in space.findings()] == whole
            assert not space.book.rows("cn-001", 2021)  # the year no rule reads: not yet
            assert space.book.rows("cn-001", 2022) and space.book.rows("cn-001", 2023)
            assert space.pending(FigureRef("group", 2021, "environment.energy.diesel"))
    assert complete_at is not None and steps > complete_at  # the rest read afterwards
    assert space.book.rows("cn-001", 2021) and space.adopt(run)
    assert [f.as_dict() for f in space.findings()] == whole
    fresh = Workspace(store, "group", 2023)  # the tree read at once: the same figures
    for indicator in ("environment.energy.diesel", "people.employees.total"):
        for year in space.years:
            ref = FigureRef("group", year, indicator)
            assert not space.pending(ref)
            assert space.figure(ref) == fresh.figure(ref) and fresh.figure(ref).number
    store.close()


def test_a_small_trees_run_shows_its_findings_at_its_end_only(tmp_path: Path) -> None:
    store = generate_group(tmp_path / "g.db", companies=3, years=3)
    space = Workspace(store, "group", 2023, defer_tree=True)
    run = ValidationRun(space)
    while not run.step(budget=0):
        assert not space.preview(run) and not run.findings_complete
    assert run.findings_complete and space.adopt(run)
    assert space.book.rows("cn-001", 2021)
    store.close()


def _validated(session: Session) -> list[dict[str, object]]:
    run = session.start_validation()
    while session.validation is run:  # its findings so far shown now and then, to its end
        session.step_validation(run)
    return [f.as_dict() for f in session.findings()]


def test_a_scope_chosen_again_shows_its_findings_at_once_while_nothing_was_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Back on the group after a company, its findings show as the scope is chosen (the
    run then reads the tree for the forms and ends with the same findings); after a write
    anywhere, they are found again."""
    generate_group(tmp_path / "g.db", companies=6, years=3).close()
    monkeypatch.setattr(workspace, "PREVIEW_ENTITIES", 7)
    session = Session(defer_tree=True)
    session.open(tmp_path / "g.db", "group", 2023)
    whole = _validated(session)
    assert whole
    session.select("cn-001")
    company = _validated(session)
    session.select("group")
    shown = session.require_workspace()
    assert shown.recalled and [f.as_dict() for f in session.findings()] == whole
    run = session.start_validation()
    assert run.findings_complete and shown.unread()  # shown before the tree is read
    while session.validation is run:
        assert session.step_validation(run) is None or not session.validation
        assert not shown.preview(run)  # no findings so far replace them
    assert [f.as_dict() for f in session.findings()] == whole and not shown.unread()
    assert shown.validated
    session.select("cn-001")  # a company chosen again: its own
    assert session.require_workspace().recalled
    assert [f.as_dict() for f in session.findings()] == company
    # A figure written (here on a company) changes the audit head: found again.
    ref = FigureRef("cn-001", 2023, "people.employees.male")
    session.set_figure(ref, "9999999")
    session.select("group")
    again = session.require_workspace()
    assert not again.recalled and session.findings() == []
    found = _validated(session)
    assert found != whole and any(f["entity"] == "cn-001" for f in found)
    session.close()



def test_the_findings_kept_are_bounded_the_oldest_going_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate_group(tmp_path / "g.db", companies=6, years=2).close()
    session = Session(defer_tree=True)
    session.open(tmp_path / "g.db", "group", 2023)
    company = session.require_store().tree().subtree("group")[1]
    group = _validated(session)
    monkeypatch.setattr(workspace.FindingsMemory, "HELD_FINDINGS", len(group))
    session.select(company)
    assert _validated(session)
    session.select("group")  # the company's kept: the group's, the oldest, went
    assert not session.require_workspace().recalled
    session.select(company)
    assert session.require_workspace().recalled
    session.close()
