"""Evidence behind a figure and how it was obtained, driven through the command line and the
session on a real database file: documents attached, listed, fetched and removed, each an
audit row carrying the document's hash; refusals that store nothing; the quality of a
figure and an estimate's method."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from esgdesk.application.cli import main
from esgdesk.application.session import Session
from esgdesk.errors import EvidenceRefused
from esgdesk.model.evidence import MAX_BYTES, media_type
from esgdesk.model.layout import FigureRef
from esgdesk.storage.store import open_database

EMPLOYEES = "people.employees.total"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _pdf(tmp_path: Path, name: str = "payroll.pdf", body: bytes = b"payroll 2023") -> Path:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n" + body + b"\n%%EOF\n")
    return path


def _xlsx_bytes() -> bytes:
    book = Workbook()
    book.active["A1"] = "电费"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _docx_bytes() -> bytes:
    """The same bytes at every import: the test's id is made of them, and pytest-xdist's
    workers, collecting a second apart, must find the same tests."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"),
                           ("word/document.xml", "<document/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), text)
    return out.getvalue()


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as raw:
        return raw.execute(sql).fetchall()


def test_a_document_is_attached_listed_fetched_and_stored_once(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path) -> None:
    db, pdf = str(sample_path), _pdf(tmp_path)
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    code, out, err = run(capsys, "--user", "li", "evidence", "add", db, "--year", "2023",
                         EMPLOYEES, str(pdf), "--note", "payroll extract, December")
    assert code == 0, err
    assert digest in out and "payroll.pdf" in out
    # The same document on another figure: a second attachment, the bytes stored once.
    code, _, err = run(capsys, "--user", "li", "evidence", "add", db, "--year", "2023",
                       "people.employees.female", str(pdf))
    assert code == 0, err
    code, out, _ = run(capsys, "evidence", "list", db, "--year", "2023", "--format", "json")
    listed = json.loads(out)
    assert [(a["indicator"], a["file_name"], a["sha256"], a["who"]) for a in listed] == [
        (EMPLOYEES, "payroll.pdf", digest, "li"),
        ("people.employees.female", "payroll.pdf", digest, "li")]
    assert listed[0]["note"] == "payroll extract, December"
    assert listed[0]["size"] == pdf.stat().st_size and listed[0]["entity"] == "group"
    assert _rows(sample_path, "SELECT count(*), sum(size) FROM evidence_content") == [
        (1, pdf.stat().st_size)]
    out_file = tmp_path / "fetched.pdf"
    code, _, err = run(capsys, "evidence", "get", db, str(listed[0]["id"]), "--out",
                       str(out_file))
    assert code == 0, err
    assert out_file.read_bytes() == pdf.read_bytes()
    code, out, _ = run(capsys, "evidence", "list", db, "--year", "2022")
    assert code == 0 and out == ""


def test_each_attachment_and_removal_is_an_audit_row_carrying_the_hash(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path) -> None:
    db, pdf = str(sample_path), _pdf(tmp_path)
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    run(capsys, "--user", "li", "evidence", "add", db, "--year", "2023", EMPLOYEES, str(pdf))
    code, _, err = run(capsys, "evidence", "remove", db, "1")
    assert code != 0 and "reason" in err  # a removal says why
    code, out, err = run(capsys, "--user", "zhao", "evidence", "remove", db, "1", "--reason",
                         "the wrong month")
    assert code == 0, err
    code, out, _ = run(capsys, "evidence", "list", db, "--year", "2023")
    assert out == ""  # removed: not listed any more …
    assert _rows(sample_path, "SELECT removed, removed_by, removed_reason FROM attachment") == [
        (1, "zhao", "the wrong month")]  # … but the row stays, as the audit log names it
    code, out, _ = run(capsys, "history", db, "--year", "2023", EMPLOYEES)
    lines = out.strip().splitlines()
    assert "\tli\tattach\t— → " + digest in lines[-2]
    assert "\tzhao\tdetach\t" + digest + " → —" in lines[-1] and "the wrong month" in lines[-1]
    code, out, _ = run(capsys, "audit", "verify", db)
    assert code == 0, out
    # The chain covers the evidence: rewriting the hash an attachment's row carries breaks it.
    with sqlite3.connect(sample_path) as raw:
        triggers = [r[0] for r in raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'")]
        for name in triggers:
            raw.execute(f"DROP TRIGGER {name}")
        raw.execute("UPDATE audit SET new_value = ? WHERE action = 'attach'", ("0" * 64,))
    code, out, err = run(capsys, "audit", "verify", db)
    assert code != 0 and "changed" in out + err


@pytest.mark.parametrize("name,content,code", [
    ("meter.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "evidence_executable"),
    ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 64, "evidence_executable"),
    ("readings.csv", b"#!/bin/sh\nrm -rf ~\n", "evidence_executable"),
    ("app.png", b"\xcf\xfa\xed\xfe" + b"\x00" * 64, "evidence_executable"),
    ("bill.png", b"%PDF-1.4\nnot a picture", "evidence_not_as_named"),
    ("bill.jpg", b"\x89PNG\r\n\x1a\n....", "evidence_not_as_named"),
    ("bill.pdf", b"<html>a web page</html>", "evidence_not_as_named"),
    ("ledger.xlsx", _docx_bytes(), "evidence_not_as_named"),
    ("ledger.docx", b"PK\x03\x04 not really a zip", "evidence_not_as_named"),
    ("readings.txt", b"\xff\xfe\x00\x00\xff\xff\x80\x81\x00", "evidence_not_as_named"),
    ("notes.exe", b"hello", "evidence_kind_not_taken"),
    ("empty.pdf", b"", "evidence_empty"),
])
def test_a_program_or_a_file_not_as_named_is_refused_and_nothing_is_stored(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path, name: str,
        content: bytes, code: str) -> None:
    with pytest.raises(EvidenceRefused) as refused:
        media_type(name, content)
    assert refused.value.code == code and name in refused.value.problem.en
    assert any("\u4e00" <= c <= "\u9fff" for c in refused.value.problem.zh)
    path = tmp_path / name
    path.write_bytes(content)
    before = _rows(sample_path, "SELECT count(*), max(id) FROM audit")
    exit_code, _, err = run(capsys, "evidence", "add", str(sample_path), "--year", "2023",
                            EMPLOYEES, str(path))
    assert exit_code != 0 and "nothing was stored" in err and name in err
    assert _rows(sample_path, "SELECT count(*) FROM evidence_content") == [(0,)]
    assert _rows(sample_path, "SELECT count(*) FROM attachment") == [(0,)]
    assert _rows(sample_path, "SELECT count(*), max(id) FROM audit") == before


def test_documents_of_every_kind_taken_are_what_they_say() -> None:
    assert media_type("bill.pdf", b"%PDF-1.7 ...").startswith("application/pdf")
    assert media_type("meter.PNG", b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert media_type("meter.jpeg", b"\xff\xd8\xff\xe0....") == "image/jpeg"
    assert media_type("ledger.xlsx", _xlsx_bytes()).endswith("spreadsheetml.sheet")
    assert media_type("memo.docx", _docx_bytes()).endswith("wordprocessingml.document")
    assert media_type("readings.csv", "日期,读数\n1月,42\n".encode("gb18030")) == "text/csv"
    assert media_type("readings.txt", "电表读数 42".encode()) == "text/plain"


def test_a_file_over_the_limit_is_refused_before_it_is_read(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path) -> None:
    big = tmp_path / "scan.pdf"
    with big.open("wb") as out:  # sparse: the refusal must come from its size, unread
        out.write(b"%PDF-1.4\n")
        out.truncate(MAX_BYTES + 1)
    code, _, err = run(capsys, "evidence", "add", str(sample_path), "--year", "2023",
                       EMPLOYEES, str(big))
    assert code != 0 and str(MAX_BYTES) in err and "nothing was stored" in err
    assert _rows(sample_path, "SELECT count(*) FROM attachment") == [(0,)]


def test_evidence_add_names_an_unknown_indicator_or_file(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path) -> None:
    pdf = _pdf(tmp_path)
    code, _, err = run(capsys, "evidence", "add", str(sample_path), "--year", "2023",
                       "people.nobody", str(pdf))
    assert code != 0 and "people.nobody" in err
    code, _, err = run(capsys, "evidence", "add", str(sample_path), "--year", "2023",
                       EMPLOYEES, str(tmp_path / "missing.pdf"))
    assert code != 0 and "missing.pdf" in err
    assert _rows(sample_path, "SELECT count(*) FROM attachment") == [(0,)]


def test_an_estimated_figure_is_set_with_its_method(
        capsys: pytest.CaptureFixture[str], sample_path: Path) -> None:
    db = str(sample_path)
    code, _, err = run(capsys, "set", db, "--year", "2023", EMPLOYEES, "4,200", "--quality",
                       "estimated")
    assert code != 0 and "method" in err
    store = open_database(sample_path)
    try:
        assert store.get("group", 2023, EMPLOYEES).value == "4106"  # refused before written
    finally:
        store.close()
    code, _, err = run(capsys, "--user", "li", "set", db, "--year", "2023", EMPLOYEES,
                       "4,200", "--quality", "estimated", "--method",
                       "November's head-count plus the December hires")
    assert code == 0, err
    code, out, _ = run(capsys, "history", db, "--year", "2023", EMPLOYEES)
    assert out.strip().splitlines()[-1].endswith(
        "\tli\tquality\t— → estimated: November's head-count plus the December hires")
    code, _, err = run(capsys, "set", db, "--year", "2023", EMPLOYEES, "4,200", "--quality",
                       "measured", "--method", "counted")
    assert code != 0 and "only an estimated figure" in err
    code, _, err = run(capsys, "set", db, "--year", "2023", EMPLOYEES, "4,200", "--quality",
                       "measured")
    assert code == 0, err
    session = Session()
    session.open_for_command(sample_path)
    try:
        assert session.quality_of(FigureRef("group", 2023, EMPLOYEES)) == ("measured", "")
    finally:
        session.close()
    code, out, _ = run(capsys, "audit", "verify", db)
    assert code == 0, out


def test_the_session_attaches_a_file_and_says_what_changed(sample_path: Path,
                                                           tmp_path: Path) -> None:
    session = Session(user_name="li")
    session.open(sample_path, "group", 2023)
    ref = FigureRef("group", 2023, EMPLOYEES)
    try:
        path = tmp_path / "ledger.xlsx"
        path.write_bytes(_xlsx_bytes())
        changes = session.attach_evidence(ref, path, "the ledger")
        assert ref in changes.figures and changes.saved
        [attachment] = session.evidence_of(ref)
        assert (attachment.file_name, attachment.note, attachment.attached_by) == (
            "ledger.xlsx", "the ledger", "li")
        found, content = session.evidence_file(attachment.id)
        assert found == attachment and content == path.read_bytes()
        session.remove_evidence(attachment.id, "superseded")
        assert session.evidence_of(ref) == []
    finally:
        session.close()
