"""Every write of evidence is one transaction: a figure set with how it was obtained, and a
returned workbook with its documents, are written whole or not at all; and a document's
bytes changed behind esgdesk's back are named by the database's check."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from test_collect import fill, snapshot

from esgdesk.application.cli import main
from esgdesk.application.session import Session
from esgdesk.errors import EvidenceRefused
from esgdesk.exchange.intake import accept, preview
from esgdesk.exchange.requests import write_request
from esgdesk.exchange.returned_evidence import ReturnedDocument
from esgdesk.model.layout import FigureRef
from esgdesk.storage import figures as stored_figures
from esgdesk.storage.evidence import EvidencePart
from esgdesk.storage.evidence_check import changed_documents
from esgdesk.storage.health import check_database_file
from esgdesk.storage.location import Location
from esgdesk.storage.store import open_database

ENGINES = ("sqlite", "postgres")
EMPLOYEES = "people.employees.total"
METHOD = "November's head-count plus the December hires"
TOTAL, MALE, FEMALE = (EMPLOYEES, "people.employees.male", "people.employees.female")
REGISTER = "姓名,部门\n张三,生产\n".encode()
PAYROLL = b"%PDF-1.4\npayroll\n%%EOF\n"


def _refuse(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("the disk is full")


def test_a_figure_and_how_it_was_obtained_are_one_write(
        sample_path: Location, monkeypatch: pytest.MonkeyPatch) -> None:
    ref = FigureRef("group", 2023, EMPLOYEES)
    session = Session(user_name="li")
    session.open_for_command(sample_path)
    try:
        store = session.require_store()
        before = store.get("group", 2023, EMPLOYEES)
        logged = len(store.audit_log())
        with monkeypatch.context() as patched:
            patched.setattr(stored_figures, "quality_change", _refuse)
            with pytest.raises(RuntimeError):
                session.set_figure(ref, "4,200", quality="estimated", method=METHOD)
        after = store.get("group", 2023, EMPLOYEES)
        assert after is not None and before is not None
        assert (after.value, after.version) == (before.value, before.version)
        assert session.quality_of(ref) == ("", "")
        assert len(store.audit_log()) == logged

        session.set_figure(ref, "4,200", quality="estimated", method=METHOD)
        assert store.get("group", 2023, EMPLOYEES).value == "4200"
        assert session.quality_of(ref) == ("estimated", METHOD)
        rows = store.audit_log()[logged:]
        assert [(r.action, r.indicator, r.new_value) for r in rows] == [
            ("set", EMPLOYEES, "4200"), ("quality", EMPLOYEES, f"estimated: {METHOD}")]
        assert rows[1].id == rows[0].id + 1 and rows[0].user == rows[1].user == "li"
        report = store.verify_audit()
        assert report.sound, report.problems()
    finally:
        session.close()


def test_a_figure_cleared_keeps_no_quality_and_a_refused_method_writes_nothing(
        sample_path: Location) -> None:
    ref = FigureRef("group", 2023, EMPLOYEES)
    session = Session(user_name="li")
    session.open_for_command(sample_path)
    try:
        store = session.require_store()
        logged = len(store.audit_log())
        with pytest.raises(Exception, match="method"):
            session.set_figure(ref, "4,200", quality="estimated")
        assert store.get("group", 2023, EMPLOYEES).value == "4106"
        assert len(store.audit_log()) == logged
    finally:
        session.close()


def test_the_store_sets_a_quality_alone_without_touching_the_value(
        sample_path: Location) -> None:
    store = open_database(sample_path)
    try:
        before = store.get("group", 2023, EMPLOYEES)
        store.set_quality("group", 2023, EMPLOYEES, "Estimated", f" {METHOD} ", "li")
        after = store.get("group", 2023, EMPLOYEES)
        assert (after.value, after.version) == (before.value, before.version)
        assert store.qualities(2023, ["group"])[("group", EMPLOYEES)] == ("estimated", METHOD)
        assert store.audit_log()[-1].action == "quality"
        assert store.verify_audit().sound
    finally:
        store.close()



def _returned_with_documents(sample: Any, tmp_path: Path) -> Path:
    filled = fill(write_request(sample, "group", 2024, "hr", tmp_path / "hr-2024.xlsx",
                                "coordinator"),
                  {(TOTAL, "value"): 4300, (TOTAL, "quality"): "估算",
                   (TOTAL, "method"): METHOD, (MALE, "value"): 2680,
                   (FEMALE, "value"): 1620})
    folder = tmp_path / "hr-2024"
    (folder / TOTAL).mkdir(parents=True)
    (folder / TOTAL / "register.csv").write_bytes(REGISTER)
    (folder / f"{MALE}_payroll.pdf").write_bytes(PAYROLL)
    return filled


def test_a_returned_workbook_and_its_documents_are_one_transaction(
        sample: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    filled = _returned_with_documents(sample, tmp_path)
    before, logged = snapshot(sample), len(sample.audit_log())
    [report] = preview(sample, [filled])
    assert report.acceptable and len(report.documents) == 2 and report.qualities
    calls: list[str] = []

    def store_then_fail(self: Any, *args: Any) -> int:
        calls.append(args[3])
        if len(calls) == 2:  # the second document: the first is stored already
            raise RuntimeError("the disk is full")
        return stored(self, *args)

    stored = EvidencePart._store_document
    with monkeypatch.context() as patched:
        patched.setattr(EvidencePart, "_store_document", store_then_fail)
        with pytest.raises(RuntimeError):
            accept(sample, report, "coordinator")
    assert len(calls) == 2
    assert snapshot(sample) == before and sample.get("group", 2024, TOTAL) is None
    assert sample.attachments(2024) == [] and sample.qualities(2024) == {}
    assert sample.submission(report.sha256) is None
    assert len(sample.audit_log()) == logged

    assert accept(sample, report, "coordinator") == 3
    assert sample.get("group", 2024, TOTAL).value == "4300"
    assert sample.qualities(2024) == {("group", TOTAL): ("estimated", METHOD)}
    assert {(a.indicator, a.file_name) for a in sample.attachments(2024)} == {
        (TOTAL, "register.csv"), (MALE, f"{MALE}_payroll.pdf")}
    rows = sample.audit_log()[logged:]
    assert {r.action for r in rows} >= {"set", "quality", "attach", "review"}
    assert [r.id for r in rows] == list(range(rows[0].id, rows[0].id + len(rows)))
    assert sample.verify_audit().sound


def test_a_document_refused_inside_the_write_stores_none_of_the_figures(
        sample: Any, tmp_path: Path) -> None:
    filled = _returned_with_documents(sample, tmp_path)
    before = snapshot(sample)
    [report] = preview(sample, [filled])
    # The file changed between preview and accept: the program is refused as it is stored.
    report.documents.append(ReturnedDocument(FEMALE, f"{FEMALE}.pdf", b"MZ\x90\x00 a program"))
    with pytest.raises(EvidenceRefused):
        accept(sample, report, "coordinator")
    assert snapshot(sample) == before and sample.attachments(2024) == []


@pytest.mark.sqlite_only
def test_a_document_changed_in_the_file_is_named_by_audit_verify_and_check(
        sample_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_database(sample_path)
    try:
        attached = store.attach("group", 2023, EMPLOYEES, "工资 payroll.pdf", PAYROLL, "li")
        store.attach("group", 2023, MALE, "register.csv", REGISTER, "li")
        assert store.verify_audit().sound
    finally:
        store.close()
    assert check_database_file(sample_path).sound
    with sqlite3.connect(sample_path) as raw:  # behind esgdesk's back: the hash stays
        raw.execute("UPDATE evidence_content SET content = ? WHERE sha256 = ?",
                    (PAYROLL.replace(b"payroll", b"pAyroll"), attached.sha256))
    raw.close()
    check = check_database_file(sample_path)
    assert not check.sound and check.mismatches == 1
    [line] = [f for f in check.findings if "工资 payroll.pdf" in f]
    assert f"group 2023 {EMPLOYEES}" in line and attached.sha256[:12] in line
    assert "register.csv" not in " ".join(check.findings)
    assert main(["audit", "verify", str(sample_path)]) == 1
    err = capsys.readouterr().err
    assert "工资 payroll.pdf" in err and EMPLOYEES in err and "register.csv" not in err
    assert main(["check", str(sample_path)]) == 1
    captured = capsys.readouterr()
    assert "工资 payroll.pdf" in captured.out + captured.err


def test_the_store_rehashes_every_document_a_row_at_a_time(sample_path: Location) -> None:
    store = open_database(sample_path)
    try:
        for number in range(3):
            store.attach("group", 2023, EMPLOYEES, f"bill-{number}.pdf",
                         PAYROLL + str(number).encode(), "li")
        fetched: list[int] = []

        def fetch(sql: str, params: Any) -> Any:
            rows = store._query(sql, params)
            fetched.append(len(rows))
            return rows

        assert changed_documents(fetch) == ()
        assert max(fetched) == 1 and len(fetched) == 4  # three rows, then none
    finally:
        store.close()
