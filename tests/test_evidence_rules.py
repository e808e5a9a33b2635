"""Evidence rules: the catalogue says which figures need a document (the indicators sheet's
`evidence` column; the templates mark activity data, head-counts and safety incidents), the
findings name each such figure with none attached, and a request whose required documents
are missing is not approved, the refusal listing them."""

from __future__ import annotations

from pathlib import Path

import pytest
from workbooks import load_workbook

from esgdesk.application.cli import main
from esgdesk.application.session import Session
from esgdesk.errors import EvidenceMissing
from esgdesk.exchange.catalogue_book import plan_import
from esgdesk.exchange.xlsx_save import save_workbook
from esgdesk.model.catalogue import load
from esgdesk.model.layout import FigureRef
from esgdesk.model.templates import template_catalogue
from esgdesk.rules.review import evidence_missing, move
from esgdesk.rules.validation import Validator, validate
from esgdesk.storage.store import Change, Store

YEAR = 2023
TOTAL, MALE, FEMALE = ("people.employees.total", "people.employees.male",
                       "people.employees.female")
REGISTER = "姓名,部门\n张三,生产\n".encode()


def _evidence_findings(findings: list) -> set[tuple[str, str]]:
    return {(f.entity, f.indicators[0]) for f in findings if f.rule == "evidence"}


def test_the_templates_mark_activity_data_head_counts_and_safety_incidents() -> None:
    shipped = load()
    marked = {i.id for i in shipped.indicators.values() if i.needs_evidence}
    assert {"environment.energy.electricity", "environment.energy.natural_gas",
            "environment.water.withdrawal_municipal", TOTAL, MALE, FEMALE,
            "people.safety.fatalities"} <= marked
    assert "people.employees.female_ratio" not in marked  # computed: nothing to document
    szse = template_catalogue("szse-17")
    assert {"social.employees.total", "social.safety.injuries", "social.safety.lost_days",
            "environment.energy.electricity"} <= {
        i.id for i in szse.indicators.values() if i.needs_evidence}


def test_the_catalogue_book_carries_the_evidence_column_both_ways(
        sample: Store, catalogue_book: Path) -> None:
    path = catalogue_book
    book = load_workbook(path)
    sheet = book["indicators"]
    header = [c.value for c in sheet[1]]
    column = header.index("evidence") + 1
    rows = {sheet.cell(r, 1).value: sheet.cell(r, column).value
            for r in range(2, sheet.max_row + 1)}
    assert rows[TOTAL] == "required" and rows["people.employees.foreign"] is None
    letter = sheet.cell(1, column).column_letter
    assert any(f"{letter}2" in str(v.sqref) for v in sheet.data_validations.dataValidation)
    # Asking for a document for the foreign employees: a change the plan names, then stored.
    foreign_row = next(r for r, i in enumerate(rows, start=2) if i == "people.employees.foreign")
    sheet.cell(foreign_row, column).value = "required"
    sheet.cell(2 + list(rows).index(TOTAL), column).value = None
    save_workbook(book, path)
    plan = plan_import(sample, path, YEAR)
    assert plan.problems == [] and not plan.unchanged
    assert any("evidence" in line and "people.employees.foreign" in line
               for line in plan.diff.lines("en"))
    sample.store_edition(YEAR, plan.document, "documents for foreign employees", "tester")
    edition = sample.edition(YEAR)
    assert edition.indicators["people.employees.foreign"].needs_evidence
    assert not edition.indicators[TOTAL].needs_evidence
    # A word that is not a choice is refused at its cell.
    book = load_workbook(path)
    book["indicators"].cell(foreign_row, column).value = "maybe"
    save_workbook(book, path)
    plan = plan_import(sample, path, YEAR)
    assert [p.where for p in plan.problems] == [f"indicators!{letter}{foreign_row}"]


def test_a_figure_needing_evidence_has_a_finding_until_a_document_is_attached(
        sample: Store) -> None:
    findings = validate(sample, YEAR, "group")
    missing = _evidence_findings(findings)
    assert {("group", TOTAL), ("group", MALE), ("group", FEMALE)} <= missing
    finding = next(f for f in findings if f.rule == "evidence" and f.indicators == (TOTAL,))
    assert finding.severity == "warning" and "none is attached" in finding.message.en
    assert "证明文件" in finding.message.zh
    validator = Validator(sample, YEAR, "group")
    validator.run()
    sample.attach("group", YEAR, TOTAL, "register.csv", REGISTER, "hr")
    assert ("group", TOTAL) not in _evidence_findings(validator.update_evidence("group", TOTAL))
    assert ("group", TOTAL) not in _evidence_findings(validate(sample, YEAR, "group"))
    # n/a has nothing to prove.
    sample.set_value(Change("group", YEAR, MALE, "n/a", note="not split"), "hr")
    assert ("group", MALE) not in _evidence_findings(validate(sample, YEAR, "group"))


def test_the_session_shows_what_is_missing_and_drops_it_once_attached(
        sample_path: Path, tmp_path: Path) -> None:
    session = Session(user_name="li")
    session.open(sample_path, "group", YEAR)
    try:
        session.validate_now()
        ref = FigureRef("group", YEAR, TOTAL)
        assert [f.rule for f in session.require_workspace().findings_at(ref)].count(
            "evidence") == 1
        register = tmp_path / "register.csv"
        register.write_bytes(REGISTER)
        changes = session.attach_evidence(ref, register)
        assert changes.findings
        assert "evidence" not in [f.rule for f in session.require_workspace().findings_at(ref)]
        assert ("group", TOTAL) not in _evidence_findings(session.findings())
    finally:
        session.close()


def test_approving_a_request_whose_required_evidence_is_missing_is_refused_with_the_list(
        sample: Store) -> None:
    request = sample.assign("group", YEAR, "hr", "", "", "coordinator")
    assert evidence_missing(sample, request) == [TOTAL, MALE, FEMALE]
    with pytest.raises(EvidenceMissing) as refused:
        move(sample, request.id, "approved", "coordinator")
    assert refused.value.kind == "evidence_missing"
    assert refused.value.missing == [("group", TOTAL), ("group", MALE), ("group", FEMALE)]
    assert all(i in refused.value.en for i in (TOTAL, MALE, FEMALE))
    assert "证明文件" in refused.value.zh
    assert sample.request(request.id).status == "requested"
    for indicator in (TOTAL, MALE):
        sample.attach("group", YEAR, indicator, "register.csv", REGISTER, "hr")
    with pytest.raises(EvidenceMissing) as refused:
        move(sample, request.id, "approved", "coordinator")
    assert refused.value.missing == [("group", FEMALE)]
    # A removed document no longer counts.
    female = sample.attach("group", YEAR, FEMALE, "register.csv", REGISTER, "hr")
    sample.detach(female.id, "the wrong register", "coordinator")
    assert evidence_missing(sample, request) == [FEMALE]
    sample.attach("group", YEAR, FEMALE, "register-2.csv", REGISTER + b"\n", "hr")
    assert move(sample, request.id, "approved", "coordinator").status == "approved"


def test_the_command_line_refuses_approval_naming_the_figures(
        capsys: pytest.CaptureFixture[str], sample: Store, sample_path: Path,
        tmp_path: Path) -> None:
    sample.assign("group", YEAR, "hr", "", "", "coordinator")
    db = str(sample_path)
    review = ("review", db, "--year", str(YEAR), "--entity", "group", "--department", "hr",
              "--to", "approved")
    code = main(list(review))
    _, err = capsys.readouterr()
    assert code != 0 and all(i in err for i in (TOTAL, MALE, FEMALE))
    register = tmp_path / "register.csv"
    register.write_bytes(REGISTER)
    for indicator in (TOTAL, MALE, FEMALE):
        assert main(["evidence", "add", db, "--year", str(YEAR), indicator,
                     str(register)]) == 0
    capsys.readouterr()
    assert main(list(review)) == 0
    assert sample.request_for("group", YEAR, "hr").status == "approved"
