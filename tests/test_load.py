"""A large group stays quick: the forms read only what they show, and the whole tree is
validated in small steps that the window interleaves with the user's work."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from esgdesk.application.generate import generate_group
from esgdesk.model.layout import FigureRef
from esgdesk.rules import workspace
from esgdesk.rules.validation import Validator
from esgdesk.rules.workspace import ValidationRun, Workspace
from esgdesk.storage.store import Change, Store


def _as_dicts(findings: list) -> list[dict[str, object]]:  # type: ignore[type-arg]
    return [f.as_dict() for f in findings]


def test_validating_in_steps_finds_what_one_run_finds(sample: Store) -> None:
    whole = Validator(sample, 2023).run()
    stepped = Validator(sample, 2023, read=False)
    steps = list(stepped.steps())
    # each entity read, then its rules evaluated (its figures worked out then, from the
    # bottom up: its children's are already)
    assert len(steps) == 2 * len(sample.entities())
    assert whole and _as_dicts(stepped.findings()) == _as_dicts(whole)


def test_the_group_form_reads_its_tree_to_show_what_its_companies_add_up_to(
        tmp_path: Path) -> None:
    store = generate_group(tmp_path / "g.db", companies=6, years=3)
    companies = [e.code for e in store.children("group")]
    space = Workspace(store, "group", 2023)
    read = {entity for entity, _indicator, _year in space.book.values}
    assert read == {"group", *companies}  # the group's figures are its companies' summed
    assert space.scope() == ["group", *companies]
    total = "people.employees.total"
    assert space.number(FigureRef("group", 2023, total)) == sum(
        space.number(FigureRef(c, 2023, total)) or 0 for c in companies)
    company = Workspace(store, companies[0], 2023)
    assert {entity for entity, _i, _y in company.book.values} == {companies[0]}
    # ...while validation still covers every company under the group.
    assert {f.entity for f in space.validate()} & set(companies)
    store.close()


def test_an_edit_made_while_validation_runs_is_in_its_findings(sample: Store) -> None:
    space = Workspace(sample, "group", 2023)
    run = ValidationRun(space)
    assert not run.step(budget=0)  # one entity read; the rest is still to do
    male = FigureRef("group", 2023, "people.employees.male")
    stored = sample.set_value(Change("group", 2023, male.indicator, "2600",
                                     expected_version=space.version_read(male)), "test")
    space.written(male, stored)  # as the session hands the workspace what it wrote
    while not run.step(budget=0):
        pass
    assert space.adopt(run)
    errors = [f for f in space.findings() if f.rule == "breakdown" and f.severity == "error"]
    assert errors and "people.employees.male" in errors[0].indicators
    fresh = Workspace(sample, "group", 2023)
    assert _as_dicts(space.findings()) == _as_dicts(fresh.validate())
    assert not space.adopt(ValidationRun(fresh))  # another workspace's run is refused


def test_the_findings_so_far_show_while_the_tree_is_read_and_the_end_shows_them_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While a large tree's run goes on, the findings of the entities evaluated so far are
    shown: the first before the whole tree is read (an entity's rules run once the figures
    under it are read), each as one run finds it; at its end, all of them, the same as one
    run. A small tree's show at its end only."""
    store = generate_group(tmp_path / "g.db", companies=6, years=3)
    small = Workspace(store, "group", 2023, defer_tree=True)
    run = ValidationRun(small)
    while not run.step(budget=0):
        assert not small.preview(run)
    monkeypatch.setattr(workspace, "PREVIEW_ENTITIES", 7)  # the group and its six
    space = Workspace(store, "group", 2023, defer_tree=True)
    run = ValidationRun(space)
    shown: list[tuple[list[dict[str, object]], bool]] = []  # and the last company read?
    while not run.step(budget=0):
        if space.preview(run):
            shown.append((_as_dicts(space.findings()), bool(space.book.rows("cn-006", 2023))))
        assert space.preview(run) is False  # nothing new since
    whole = _as_dicts(Validator(store, 2023).run())
    assert shown and shown[0][0] and not shown[0][1]
    assert all(finding in whole for found, _read in shown for finding in found)
    assert space.adopt(run)
    assert _as_dicts(space.findings()) == whole
    store.close()


def test_the_window_validates_after_showing_the_form(qtbot: QtBot, sample_tree_path: Path,
                                                     tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), "en")
    qtbot.addWidget(window)
    window.open_database(sample_tree_path)
    window.show()
    assert window.validation_running() and window.findings.all == []
    assert not window.status.validating.isHidden()
    qtbot.waitUntil(lambda: not window.validation_running(), timeout=10000)
    assert window.status.validating.isHidden()
    assert window.workspace is not None and window.findings.all
    assert _as_dicts(window.findings.all) == _as_dicts(Workspace(
        window.workspace.store, "group", window.workspace.year).validate())
    # Switching entity abandons a run under way and starts another for the new scope.
    window.select("zkteco")
    assert window.validation_running()
    qtbot.waitUntil(lambda: not window.validation_running(), timeout=10000)
    assert {f.entity for f in window.findings.all} <= set(window.workspace.scope())


def test_the_window_frees_the_scope_left_beside_the_new_findings(
        qtbot: QtBot, sample_tree_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The company's findings do not wait for the group's figures to be freed: those go a
    part at a time between the user's events (here one step each), beside the company's
    run and after it."""
    import gc
    import weakref

    from PySide6.QtCore import QSettings

    from esgdesk.application.session import core
    from ui.main_window import MainWindow

    monkeypatch.setattr(core, "LETTING_GO", 0.0)

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), "en")
    qtbot.addWidget(window)
    window.open_database(sample_tree_path)
    window.show()
    qtbot.waitUntil(lambda: not window.validation_running(), timeout=10000)
    assert window.workspace is not None
    group = weakref.ref(window.workspace.book)
    window.select("zkteco")
    freed_before_findings = []
    session = window.session

    def adopted(*_: object) -> None:
        gc.collect()
        freed_before_findings.append(group() is None)

    window.ops.changed.connect(adopted)
    qtbot.waitUntil(lambda: not window.validation_running(), timeout=10000)
    assert freed_before_findings and not any(freed_before_findings)
    assert {f.entity for f in window.findings.all} <= set(window.workspace.scope())

    def freed() -> bool:
        gc.collect()
        return group() is None

    qtbot.waitUntil(freed, timeout=10000)
    assert session.let_go_a_part()


def test_a_run_begun_before_the_figures_were_read_again_is_refused(sample: Store) -> None:
    space = Workspace(sample, "group", 2023)
    run = ValidationRun(space)
    while not run.step(budget=0):
        pass
    space.reload()  # another user or an import changed figures meanwhile
    assert not space.adopt(run) and not space.validated
    assert space.adopt(_finished(ValidationRun(space))) and space.validated


def _finished(run: ValidationRun) -> ValidationRun:
    while not run.step():
        pass
    return run


def test_switching_quickly_leaves_one_validation_stepping(qtbot: QtBot, sample_tree_path: Path,
                                                          tmp_path: Path,
                                                          monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCoreApplication, QSettings

    from ui.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), "en")
    qtbot.addWidget(window)
    window.open_database(sample_tree_path)
    steps: list[ValidationRun] = []
    original = ValidationRun.step

    def counted(run: ValidationRun, budget: float = 0.015) -> bool:
        steps.append(run)
        return original(run, budget=0)

    monkeypatch.setattr(ValidationRun, "step", counted)
    for code in ("zkteco", "xiamen-zkteco", "guangdong-zkteco", "shenzhen-zkteco", "group"):
        window.select(code)  # each abandons the run before it
    QCoreApplication.processEvents()  # the run's first slice lets go of the scope shown before
    before = len(steps)
    QCoreApplication.processEvents()
    assert steps and all(run is steps[0] for run in steps)
    assert len(steps) - before <= 2, f"{len(steps) - before} steps in one turn of the loop"
    qtbot.waitUntil(lambda: not window.validation_running(), timeout=10000)
    assert window.workspace is not None and window.workspace.entity == "group"
    assert window.findings.all
