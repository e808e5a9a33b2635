"""A whole 2024 cycle as a coordinator runs it: published figures stay published, the checks
fit the figure, approval needs the figures, and the command line names departments as people
do, never overwrites a file, says when a database is busy, and counts in words."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from esgdesk.application.cli import main
from esgdesk.application.session import Session
from esgdesk.errors import UnknownDepartment, ValueLocked
from esgdesk.exchange.intake import preview
from esgdesk.exchange.requests import write_request
from esgdesk.model.layout import FigureRef
from esgdesk.rules.review import department_indicators
from esgdesk.rules.validation import Finding, validate
from esgdesk.storage import engine
from esgdesk.storage.store import Change, Store

TOTAL = "people.employees.total"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _of(findings: list[Finding], rule: str, indicator: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule and f.entity == "group"
            and indicator in f.indicators]


# -- 1. a published figure changes only as a restatement ------------------------------------
def test_a_locked_figure_is_published_and_set_points_to_restate(
        capsys: pytest.CaptureFixture[str], sample: Store, sample_path: Path) -> None:
    db = str(sample_path)
    assert run(capsys, "lock", db, "--year", "2023", TOTAL)[0] == 0
    code, _, err = run(capsys, "set", db, "--year", "2023", TOTAL, "2710")
    assert code == 2 and "esgdesk restate --year 2023 --entity group " + TOTAL in err
    assert "unlock" not in err
    with pytest.raises(SystemExit):  # nothing can be unlocked: the command is gone
        main(["unlock", db, "--year", "2023", TOTAL, "--reason", "fix typo"])
    capsys.readouterr()
    forms = Session(user_name="hr")
    forms.open(sample_path, "group", 2023)
    with pytest.raises(ValueLocked):  # the app's forms go through the same session method
        forms.set_figure(FigureRef("group", 2023, TOTAL), "2710", overwrite=True)
    forms.close()
    code, out, _ = run(capsys, "restate", db, "--year", "2023", TOTAL, "2710", "--kind",
                       "error", "--reason", "fix typo")
    assert code == 0 and "published 4106" in out
    stored = sample.get("group", 2023, TOTAL)
    assert (stored.value, stored.published, stored.status) == ("2710", "4106", "locked")


# -- 2. the order-of-magnitude check on every numeric figure -----------------------------
def test_a_fraction_typed_for_a_small_percentage_is_an_error(sample: Store) -> None:
    rate = "innovation.quality.repair_rate"  # 1.77 % in 2023, below `small`
    sample.set_value(Change("group", 2024, rate, "0.02"), "quality")  # 2 decimals, ×0.011
    [finding] = _of(validate(sample, 2024, "group"), "prior_year", rate)
    assert finding.severity == "error"
    assert "order-of-magnitude slip (a fraction typed for a percentage?)" in finding.message.en
    assert "把百分数填成了小数" in finding.message.zh and "万元" not in finding.message.zh
    sample.set_value(Change("group", 2024, rate, "1.2"), "quality")  # -32 %, small: quiet
    assert _of(validate(sample, 2024, "group"), "prior_year", rate) == []


# -- 4. approval needs the figures --------------------------------------------------------
def test_an_empty_request_is_not_approved_from_the_command_line(
        capsys: pytest.CaptureFixture[str], sample: Store, sample_path: Path) -> None:
    sample.assign("group", 2024, "hr", "", "", "coordinator")
    code, _, err = run(capsys, "review", str(sample_path), "--year", "2024", "--entity",
                       "group", "--department", "hr", "--to", "approved")
    total = len(sample.catalogue.supplied_by("hr"))
    assert code == 2 and f"{total} of {total} figures are missing, e.g. " in err
    assert sample.request_for("group", 2024, "hr").status == "requested"


# -- 5. n/a is shown as n/a ---------------------------------------------------------------
def test_get_and_dump_show_a_figures_state(capsys: pytest.CaptureFixture[str],
                                           sample: Store, sample_path: Path) -> None:
    db = str(sample_path)
    sample.set_values([Change("group", 2024, "people.leave.paternity", "n/a", note="no law"),
                       Change("group", 2024, TOTAL, "not available", note="counting")], "hr")
    code, out, _ = run(capsys, "get", db, "--year", "2024", "people.leave.paternity")
    assert code == 0 and out.split("\t")[1] == "n/a" and "no law" in out
    code, out, _ = run(capsys, "get", db, "--year", "2024", TOTAL)
    assert out.split("\t")[1] == "not available"
    code, out, _ = run(capsys, "dump", db, "--format", "csv")
    rows = {(r["entity"], r["year"], r["indicator"]): r for r in csv.DictReader(io.StringIO(out))}
    marked = rows[("group", "2024", "people.leave.paternity")]
    assert (marked["value"], marked["state"]) == ("", "n/a")
    assert rows[("group", "2023", TOTAL)]["state"] == ""  # a value has no state
    code, out, _ = run(capsys, "dump", db, "--format", "json")
    rows = {(r["entity"], r["year"], r["indicator"]): r for r in json.loads(out)}
    assert rows[("group", 2024, TOTAL)]["state"] == "not available"
    assert rows[("group", 2024, TOTAL)]["value"] is None


# -- 6. a year being filled: one line per table and department ---------------------------
def test_a_new_year_says_missing_once_per_table_until_the_request_is_submitted(
        sample: Store) -> None:
    found = validate(sample, 2024)
    missing = [f for f in found if f.rule == "missing"]
    assert missing and not [f for f in found if f.rule == "prior_year"
                            and "missing" in f.message.en]
    groups = {(f.entity, sample.catalogue.home_table(f.indicators[0]).id,
               sample.catalogue.indicators[f.indicators[0]].owner) for f in missing}
    assert len(groups) == len(missing)  # one finding per entity, table and department
    staff = next(f for f in missing if f.entity == "group" and TOTAL in f.indicators)
    table = sample.catalogue.home_table(TOTAL).title
    assert staff.message.zh.startswith(f"人力资源：“{table.zh}”2023 年有数据的 ")
    assert staff.message.en == (f"HR: '{table.en}' has {len(staff.indicators)} of "
                                f"{len(staff.indicators)} figures held for 2023 missing for "
                                "2024.")
    request = sample.assign("group", 2024, "hr", "", "", "coordinator")
    sample.set_request_status(request.id, "submitted", "coordinator")
    found = validate(sample, 2024)
    hr = department_indicators(sample.catalogue, "hr")
    assert not [f for f in found if f.rule == "missing" and f.entity == "group"
                and hr & set(f.indicators)]
    per_cell = _of(found, "prior_year", TOTAL)
    assert per_cell and "is missing for 2024" in per_cell[0].message.en
    # the other departments, whose requests are not submitted, still wait: one line a table
    assert [f for f in found if f.rule == "missing" and not hr & set(f.indicators)]


def test_the_preview_of_a_blank_file_shows_only_its_departments_findings(
        sample: Store, tmp_path: Path) -> None:
    blank = write_request(sample, "group", 2024, "ehs", tmp_path / "ehs.xlsx", "coordinator")
    [report] = preview(sample, [blank])
    assert report.acceptable and not report.writes
    ehs = department_indicators(sample.catalogue, "ehs")
    assert report.findings  # what the group's ehs figures lack
    assert all(f.entity == "group" and ehs & set(f.indicators) for f in report.findings)
    everything = validate(sample, 2024)
    assert len(report.findings) < len([f for f in everything if f.entity == "group"])
    assert len(report.findings) < len(everything)


# -- 7. messages that fit the figure --------------------------------------------------------
def test_copy_forward_and_magnitude_messages_fit_the_figures_type_and_unit(
        sample: Store) -> None:
    return_rate = "people.leave.maternity_return_rate"  # 100 % in 2023
    sample.set_values([Change("group", 2024, return_rate, "100"),
                       Change("group", 2024, TOTAL, "4106"),
                       Change("group", 2024, "innovation.rd.investment", "213613400"),
                       Change("group", 2024, "people.employees.male", "25920")], "test")
    found = validate(sample, 2024, "group")
    assert _of(found, "prior_year", return_rate) == []  # a rate of 100 % repeats naturally
    [copied] = _of(found, "prior_year", TOTAL)
    assert copied.severity == "info" and "copied forward" in copied.message.en
    [money] = _of(found, "prior_year", "innovation.rd.investment")
    assert "RMB typed in place of RMB 10,000?" in money.message.en
    assert "把万元填成了元" in money.message.zh
    [count] = _of(found, "prior_year", "people.employees.male")  # 2,592 → 25,920
    assert count.severity == "error" and "a digit too many or too few?" in count.message.en
    assert "万元" not in count.message.zh and "RMB" not in count.message.en


# -- 9. no file is overwritten without --force ---------------------------------------------
@pytest.mark.parametrize("command", ["export", "request", "backup"])
def test_a_command_refuses_to_overwrite_a_file_without_force(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path,
        command: str) -> None:
    target = tmp_path / "returned.xlsx"
    target.write_bytes(b"a filled, returned workbook")
    args = {"export": ["export", str(sample_path), "--year", "2023", "--out", str(target)],
            "request": ["request", str(sample_path), "--year", "2024", "--entity", "group",
                        "--department", "hr", "--out", str(target)],
            "backup": ["backup", str(sample_path), str(target)]}[command]
    code, _, err = run(capsys, *args)
    assert code == 2 and err == (f"esgdesk {command}: {target}: exists already; give --force "
                                 "to overwrite it\n")
    assert target.read_bytes() == b"a filled, returned workbook"
    code, _, _ = run(capsys, *args, "--force")
    assert code == 0 and target.read_bytes() != b"a filled, returned workbook"


# -- 10. departments by key or name, in any case ---------------------------------------------
def test_departments_are_named_by_key_or_name_in_any_case(
        capsys: pytest.CaptureFixture[str], sample: Store, sample_path: Path,
        tmp_path: Path) -> None:
    db = str(sample_path)
    assert [sample.catalogue.department_key(t) for t in ("HR", "hr", "人力资源", " Hr ")] \
        == ["hr"] * 4
    assert sample.catalogue.department_key("customer service") == "service"
    with pytest.raises(UnknownDepartment):
        sample.catalogue.department_key("finance")
    code, _, err = run(capsys, "review", db, "--year", "2024", "--entity", "group",
                       "--department", "HR", "--to", "submitted")
    assert code == 2 and "no HR request for group 2024" in err and "unknown" not in err
    code, out, _ = run(capsys, "request", db, "--year", "2024", "--entity", "group",
                       "--department", "人力资源", "--out", str(tmp_path / "hr.xlsx"))
    assert code == 0 and "hr request for group 2024" in out
    code, _, err = run(capsys, "import", db, str(tmp_path / "hr.xlsx"), "--department", "HR",
                       "--dry-run")
    assert code == 0 and "made for department" not in err
    code, out, _ = run(capsys, "review", db, "--year", "2024", "--entity", "group",
                       "--department", "Hr", "--to", "submitted")
    assert code == 0 and out.split("\t")[:2] == ["group", "hr"]


# -- 11. a database locked by another program is busy, not damaged ---------------------------
@pytest.fixture
def held(sample_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The sample database held by another program's exclusive transaction."""
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(sample_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    yield sample_path
    other.execute("ROLLBACK")
    other.close()


@pytest.mark.parametrize("args", [
    ["get", "{db}", "--year", "2023", TOTAL],
    ["set", "{db}", "--year", "2024", TOTAL, "4200"],
    ["dump", "{db}"],
    ["status", "{db}", "--year", "2024"],
    ["validate", "{db}", "--year", "2023"],
    ["entities", "{db}"],
    ["check", "{db}"],
    ["check", "--json", "{db}"],
    ["audit", "verify", "{db}"],
    ["backup", "{db}", "{tmp}/copy.db"],
    ["export", "{db}", "--year", "2023", "--out", "{tmp}/r.xlsx"],
], ids=lambda a: "-".join(a[:2]).replace("{db}", "").strip("-"))
def test_a_database_locked_by_another_program_is_busy_not_damaged(
        capsys: pytest.CaptureFixture[str], held: Path, tmp_path: Path,
        args: list[str]) -> None:
    filled = [a.format(db=held, tmp=tmp_path) for a in args]
    code, _, err = run(capsys, *filled)
    assert code == 2 and "is busy: another program is writing to it" in err
    assert "ask whoever has it open" in err
    assert "damaged" not in err and "cannot be read as a database" not in err
    assert not list(tmp_path.glob("*copy.db*")) and not (tmp_path / "r.xlsx").exists()


# -- 12. headers, plurals, a due date in the past, the user's umask --------------------------
def test_status_has_headers_and_counts_say_error_or_errors(
        capsys: pytest.CaptureFixture[str], sample: Store, sample_path: Path) -> None:
    db = str(sample_path)
    sample.assign("group", 2024, "hr", "Wang Fang", "2025-01-31", "coordinator")
    code, out, _ = run(capsys, "status", db, "--year", "2024")
    header, row = out.splitlines()
    assert header.split("\t") == ["entity", "department", "status", "due", "assignee",
                                  "filled", "errors", "open warnings", "sent back because"]
    assert row.split("\t")[:5] == ["group", "hr", "requested (late)", "2025-01-31",
                                   "Wang Fang"]
    sample.set_value(Change("group", 2023, "people.employees.male", "3000"), "test")
    code, _, err = run(capsys, "validate", db, "--year", "2023", "--entity", "group")
    assert code == 1 and err.startswith("1 error, ") and "1 errors" not in err


def test_a_due_date_in_the_past_is_written_with_a_warning(
        capsys: pytest.CaptureFixture[str], sample_path: Path, tmp_path: Path) -> None:
    past = (date.today() - timedelta(days=1)).isoformat()
    out_file = tmp_path / "hr.xlsx"
    code, _, err = run(capsys, "request", str(sample_path), "--year", "2024", "--entity",
                       "group", "--department", "hr", "--out", str(out_file), "--due", past)
    assert code == 0 and out_file.is_file()
    assert err == f"esgdesk request: warning: the due date {past} is in the past\n"
    future = (date.today() + timedelta(days=30)).isoformat()
    code, _, err = run(capsys, "request", str(sample_path), "--year", "2024", "--entity",
                       "group", "--department", "hr", "--out", str(out_file), "--due", future,
                       "--force")
    assert code == 0 and err == ""


def test_written_files_get_the_users_umask(capsys: pytest.CaptureFixture[str],
                                           sample_path: Path, tmp_path: Path) -> None:
    db = str(sample_path)
    before = os.umask(0o022)
    try:
        assert run(capsys, "export", db, "--year", "2023", "--out",
                   str(tmp_path / "r.xlsx"))[0] == 0
        assert run(capsys, "request", db, "--year", "2024", "--entity", "group",
                   "--department", "hr", "--out", str(tmp_path / "q.xlsx"))[0] == 0
        assert run(capsys, "backup", db, str(tmp_path / "copy.db"))[0] == 0
    finally:
        os.umask(before)
    assert oct((tmp_path / "r.xlsx").stat().st_mode & 0o777) == oct(0o644)
    assert oct((tmp_path / "q.xlsx").stat().st_mode & 0o777) == oct(0o644)
    assert (tmp_path / "copy.db").stat().st_mode & 0o077 == 0o044  # not 0600
