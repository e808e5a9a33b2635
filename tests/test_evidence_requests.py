"""A request says which figures need a document, and a returned request brings its documents
in a folder or zip named after the workbook: import previews them beside the figures and
stores them with them; a document that backs no figure, or is not a document, refuses the
file with nothing written."""

from __future__ import annotations

import zipfile
from pathlib import Path

from test_collect import fill, snapshot
from workbooks import load_workbook

from esgdesk.exchange.intake import import_files, preview
from esgdesk.exchange.requests import write_request
from esgdesk.storage.store import Store

TOTAL, MALE, FEMALE = ("people.employees.total", "people.employees.male",
                       "people.employees.female")
REGISTER = "姓名,部门\n张三,生产\n".encode()
PAYROLL = b"%PDF-1.4\npayroll\n%%EOF\n"


def _request(sample: Store, folder: Path) -> Path:
    return write_request(sample, "group", 2024, "hr", folder / "hr-2024.xlsx", "coordinator")


def _filled(sample: Store, tmp_path: Path) -> Path:
    return fill(_request(sample, tmp_path), {(TOTAL, "value"): 4300, (MALE, "value"): 2680,
                                             (FEMALE, "value"): 1620})


def test_the_request_says_which_figures_need_a_document(sample: Store, tmp_path: Path) -> None:
    book = load_workbook(_request(sample, tmp_path))
    sheet = book.worksheets[0]
    facts = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    listed = facts["证明文件 Documents required"]
    assert all(f"[{i}]" in listed for i in (TOTAL, MALE, FEMALE))
    assert "[people.employees.foreign]" not in listed
    assert "folder or zip named after this workbook" in listed


def test_documents_in_a_folder_named_after_the_workbook_are_previewed_and_stored(
        sample: Store, tmp_path: Path) -> None:
    filled = _filled(sample, tmp_path)
    folder = tmp_path / "hr-2024"
    (folder / TOTAL).mkdir(parents=True)
    (folder / TOTAL / "register.csv").write_bytes(REGISTER)
    (folder / f"{MALE}_payroll.pdf").write_bytes(PAYROLL)
    [report] = preview(sample, [filled])
    assert report.acceptable and [(d.indicator, d.file_name) for d in report.documents] == [
        (MALE, f"{MALE}_payroll.pdf"), (TOTAL, "register.csv")]
    assert any("2 documents" in notice for notice in report.notices)
    assert sample.attachments(2024) == []  # a preview writes nothing
    import_files(sample, [filled], "coordinator")
    attached = {(a.indicator, a.file_name, a.note) for a in sample.attachments(2024)}
    assert attached == {(TOTAL, "register.csv", "returned with hr-2024.xlsx"),
                        (MALE, f"{MALE}_payroll.pdf", "returned with hr-2024.xlsx")}
    assert sample.get("group", 2024, TOTAL).value == "4300"
    assert sample.verify_audit().sound


def test_documents_in_a_zip_come_in_too_and_a_stray_file_refuses_the_file(
        sample: Store, tmp_path: Path) -> None:
    filled = _filled(sample, tmp_path)
    with zipfile.ZipFile(tmp_path / "hr-2024.zip", "w") as archive:
        archive.writestr(f"{FEMALE}.pdf", PAYROLL)
        archive.writestr("holiday.jpg", b"\xff\xd8\xff\xe0 a picture")
    before = snapshot(sample)
    [report] = import_files(sample, [filled], "coordinator")
    assert [p.code for p in report.refused] == ["evidence_no_figure"]
    assert "holiday.jpg" in report.refused[0].en
    assert snapshot(sample) == before and sample.attachments(2024) == []
    with zipfile.ZipFile(tmp_path / "hr-2024.zip", "w") as archive:
        archive.writestr(f"{FEMALE}.pdf", b"MZ\x90\x00 a program")
    [report] = import_files(sample, [filled], "coordinator")
    assert [p.code for p in report.refused] == ["evidence_executable"]
    assert snapshot(sample) == before
    with zipfile.ZipFile(tmp_path / "hr-2024.zip", "w") as archive:
        archive.writestr(f"{FEMALE}.pdf", PAYROLL)
    [report] = import_files(sample, [filled], "coordinator")
    assert report.acceptable and report.written == 3
    assert [a.indicator for a in sample.attachments(2024)] == [FEMALE]


def test_the_request_carries_how_each_figure_was_obtained_both_ways(
        sample: Store, tmp_path: Path) -> None:
    sample.set_quality("group", 2023, TOTAL, "measured", "", "hr")
    request = _request(sample, tmp_path)
    book = load_workbook(request)
    sheet = next(s for s in book.worksheets if s.title.startswith("04"))
    headers = {c.value for row in sheet.iter_rows(max_row=6) for c in row if c.value}
    assert {"取得方式", "估算方法"} <= headers
    refused = fill(request, {(TOTAL, "value"): 4300, (TOTAL, "quality"): "估算"},
                   out=tmp_path / "refused.xlsx")
    before = snapshot(sample)
    [report] = import_files(sample, [refused], "coordinator")
    assert [p.code for p in report.refused] == ["estimate_without_method"]
    assert report.refused[0].sheet == sheet.title and snapshot(sample) == before
    filled = fill(request, {(TOTAL, "value"): 4300, (TOTAL, "quality"): "估算",
                            (TOTAL, "method"): "11 月人数加 12 月入职",
                            (MALE, "value"): 2680, (MALE, "quality"): "measured"})
    [report] = import_files(sample, [filled], "coordinator")
    assert report.acceptable, report.refused
    assert sample.qualities(2024) == {("group", TOTAL): ("estimated", "11 月人数加 12 月入职"),
                                      ("group", MALE): ("measured", "")}
    [row] = [r for r in sample.history("group", 2024, TOTAL) if r.action == "quality"]
    assert row.new_value == "estimated: 11 月人数加 12 月入职"
