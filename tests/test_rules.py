"""Rules that once lived in the window, now decided once in esgdesk.rules: a department's
findings, the reason a request needs to go back, where a contributor starts, and every walk
over the entity tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from esgdesk.application.cli import main
from esgdesk.errors import EsgdeskError, NeedsReason, Published
from esgdesk.model.catalogue import Catalogue, Label
from esgdesk.rules.consolidate import Consolidation
from esgdesk.rules.review import (
    dashboard,
    department_first_indicator,
    department_indicators,
    findings_of_department,
    move,
)
from esgdesk.rules.validation import Finding, Validator
from esgdesk.rules.workspace import Workspace
from esgdesk.storage.store import Change, Store


def _finding(indicators: tuple[str, ...], entity: str = "group",
             severity: str = "warning") -> Finding:
    return Finding(severity, "same_figure", entity, 2023, indicators, {}, Label("", ""))


def test_a_finding_on_a_derived_figure_is_the_department_of_its_components(
        catalogue: Catalogue) -> None:
    ratio = catalogue.indicators["people.employees.female_ratio"]
    assert ratio.derived and ratio.id not in catalogue.supplied_by("hr")
    assert ratio.id in department_indicators(catalogue, "hr")
    on_ratio = _finding((ratio.id,))
    on_other = _finding(("environment.violations",))
    elsewhere = _finding((ratio.id,), entity="zkteco")
    found = [on_ratio, on_other, elsewhere]
    assert findings_of_department(found, catalogue, "hr") == [on_ratio, elsewhere]
    assert findings_of_department(found, catalogue, "hr", "group") == [on_ratio]


def test_every_derived_figure_is_owned_by_the_department_of_its_components(
        catalogue: Catalogue) -> None:
    # What department_indicators relies on to count derived figures by their owner: one
    # department's components make its figure; an intensity (EHS's emissions per revenue)
    # belongs to the department whose figure it measures, one of its components' owners.
    derived = [i for i in catalogue.indicators.values() if i.formula is not None]
    assert len(derived) >= 10  # totals, ratios, energy and emissions
    for indicator in derived:
        owners = {catalogue.indicators[i].owner for i in indicator.formula.indicators}
        assert indicator.owner in owners, indicator.id


def test_the_findings_panel_and_the_dashboard_count_a_department_alike(
        qtbot: QtBot, sample: Store) -> None:
    from ui.findings_panel import FindingsPanel

    sample.set_values([Change("group", 2023, "people.employees.female", "1"),
                       Change("group", 2023, "innovation.rd.staff", "3000")], "test")
    panel = FindingsPanel(sample.catalogue)
    qtbot.addWidget(panel)
    findings = Validator(sample, 2023).run()
    panel.show_findings([f for f in findings if f.entity == "group"])
    for department in sample.catalogue.departments:
        sample.assign("group", 2023, department, "", "", "test")
    for row in dashboard(sample, 2023):
        panel.show_department(row.request.department)
        shown = panel.visible()
        assert row.errors == sum(1 for f in shown if f.severity == "error")
        assert row.warnings == sum(1 for f in shown if f.severity == "warning"
                                   and not f.explained)
        errors, warnings = panel.summary.text().split(" · ")[:2]
        assert errors == f"{row.errors} error" + ("" if row.errors == 1 else "s")
        assert warnings == f"{row.warnings} warning" + ("" if row.warnings == 1 else "s")
    hr = next(r for r in dashboard(sample, 2023) if r.request.department == "hr")
    assert hr.errors  # the broken breakdown is counted, in both places


def _all_not_available(store: Store, department: str, year: int = 2024) -> None:
    """Every figure of a department's request marked "not available", with why."""
    store.set_values([Change("group", year, i, "not available", note="not collected yet")
                      for i in store.catalogue.supplied_by(department)], "hr")


def test_sending_a_request_back_needs_a_reason(sample: Store) -> None:
    request = sample.assign("group", 2024, "hr", "", "", "coordinator")
    move(sample, request.id, "submitted", "coordinator")
    with pytest.raises(NeedsReason) as refused:
        move(sample, request.id, "requested", "coordinator")
    assert "needs a reason" in refused.value.en and "理由" in refused.value.zh
    assert sample.request(request.id).status == "submitted"
    _all_not_available(sample, "hr")
    move(sample, request.id, "approved", "coordinator")
    with pytest.raises(NeedsReason):
        move(sample, request.id, "submitted", "coordinator", reason="  ")
    assert move(sample, request.id, "requested", "coordinator",
                reason="the recount is wrong").status == "requested"


def test_a_locked_request_is_published_and_never_leaves_locked(sample: Store) -> None:
    request = sample.assign("group", 2024, "hr", "", "", "coordinator")
    _all_not_available(sample, "hr")
    move(sample, request.id, "approved", "coordinator")
    move(sample, request.id, "locked", "coordinator")
    for status in ("approved", "submitted", "requested"):
        with pytest.raises(Published) as refused:
            move(sample, request.id, status, "coordinator", reason="fix a typo")
        assert refused.value.kind == "published" and "esgdesk restate" in refused.value.en
        assert "重述" in refused.value.zh
        with pytest.raises(Published):
            sample.set_request_status(request.id, status, "coordinator", "fix a typo")
    assert sample.request(request.id).status == "locked"
    assert sample.get("group", 2024, "people.employees.total").status == "locked"


def test_an_empty_request_cannot_be_approved(sample: Store) -> None:
    request = sample.assign("group", 2024, "hr", "", "", "coordinator")
    move(sample, request.id, "submitted", "coordinator")
    with pytest.raises(EsgdeskError) as refused:
        move(sample, request.id, "approved", "coordinator")
    total = len(sample.catalogue.supplied_by("hr"))
    assert refused.value.kind == "unfilled"
    assert f"{total} of {total} figures are missing, e.g. " in refused.value.en
    assert sample.catalogue.supplied_by("hr")[0] in refused.value.en
    _all_not_available(sample, "hr")
    last = sample.catalogue.supplied_by("hr")[-1]
    sample.set_value(Change("group", 2024, last, None), "hr")  # cleared again
    with pytest.raises(EsgdeskError, match=f"1 of {total} figures is missing, e.g. {last}"):
        move(sample, request.id, "approved", "coordinator")
    sample.set_value(Change("group", 2024, last, "n/a"), "hr")  # explicitly not applicable
    assert move(sample, request.id, "approved", "coordinator").status == "approved"


def test_the_command_line_refuses_to_send_back_without_a_reason(
        capsys: pytest.CaptureFixture[str], sample: Store, sample_path: Path) -> None:
    db = str(sample_path)
    sample.assign("group", 2024, "hr", "", "", "coordinator")
    assert main(["review", db, "--year", "2024", "--entity", "group", "--department", "hr",
                 "--to", "submitted"]) == 0
    capsys.readouterr()
    code = main(["review", db, "--year", "2024", "--entity", "group", "--department", "hr",
                 "--to", "requested"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("esgdesk review: ") and "needs a reason" in err


def test_a_contributor_starts_at_the_first_figure_the_department_supplies(
        catalogue: Catalogue) -> None:
    first = department_first_indicator(catalogue, "hr")
    assert first == catalogue.supplied_by("hr")[0]
    assert not catalogue.indicators[first].derived and catalogue.indicators[first].owner == "hr"
    assert department_first_indicator(catalogue, "nobody") is None


def test_every_walk_over_the_sample_tree_agrees(sample_tree: Store) -> None:
    tree = sample_tree.tree()
    assert [tree.depth(c) for c in ("group", "zkteco", "dongguan")] == [0, 1, 2]
    below = ["zkteco", "dongguan", "zkteco-hq"]  # its plant, and its head office's own use
    assert tree.subtree("zkteco") == below
    assert Workspace(sample_tree, "zkteco", 2023).scope() == below
    assert Validator(sample_tree, 2023, "zkteco").codes == set(below)
    assert set(Consolidation(sample_tree, [2023], "zkteco").children) == set(below)
    assert Validator(sample_tree, 2023).codes == set(tree.subtree("group"))


def test_a_site_edit_revalidates_every_parent_above_it(sample_tree: Store) -> None:
    indicator = "innovation.infosec.training.participants"  # dongguan 1,290, xiamen 796
    sample_tree.set_history([Change("group", 2021, indicator, "2086")], "test")  # as printed
    validator = Validator(sample_tree, 2021)
    assert not [f for f in validator.run() if f.rule == "consolidation"
                and indicator in f.indicators]
    written = sample_tree.set_value(Change("dongguan", 2021, indicator, "1300"), "test")
    updated = validator.update(written)
    assert [f.as_dict() for f in updated] == [
        f.as_dict() for f in Validator(sample_tree, 2021).run()]
    assert {f.entity for f in updated if f.rule == "consolidation"
            and indicator in f.indicators} == {"group"}  # two levels above the site


def test_the_entities_command_indents_by_depth(capsys: pytest.CaptureFixture[str],
                                               sample: Store, sample_path: Path) -> None:
    assert main(["entities", str(sample_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    tree = sample.tree()
    assert [(len(line) - len(line.lstrip())) // 2 for line in lines] == \
        [tree.depth(e.code) for e in tree]


def test_a_book_let_go_in_steps_holds_none_of_its_figures(sample: Store) -> None:
    """A group's figures are freed a part at a time (their keys, then an entity and year's
    rows at once): at the end nothing of them is held, by key or by entity and year."""
    from esgdesk.rules.figures import FigureBook

    codes = [e.code for e in sample.entities()]
    book = FigureBook(sample.catalogue, sample.figures_of(codes, sample.years()))
    held = {(entity, year) for entity, _indicator, year in book.values}
    assert held and all(book.rows(entity, year) for entity, year in held)
    book.readable(*next(iter(held)))  # numbers read, too
    steps = sum(1 for _ in book.emptied())
    assert steps > 1  # a part in each step
    assert book.values == {} and all(book.rows(e, y) == {} for e, y in held)
    assert all(book.readable(e, y) == {} for e, y in held)
