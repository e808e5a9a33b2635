"""A verifier's sample and pack: the same seed draws the same figures (recorded in the audit
log); a pack of the sample's 2023 with evidence verifies offline, and changing one byte of an
evidence file, one figure in the data, or removing a file makes `verify` name it."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from esgdesk.application.cli import main
from esgdesk.exchange.assurance_pack import verify_pack
from esgdesk.rules.sampling import draw, population
from esgdesk.storage.store import Change, Store

YEAR = 2023
ELECTRICITY = "environment.energy.electricity"
PAYROLL = b"%PDF-1.4\npayroll extract 2023\n%%EOF\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_same_seed_draws_the_same_sample_and_the_audit_log_records_it(
        capsys: pytest.CaptureFixture[str], sample_tree: Store, sample_tree_path: Path) -> None:
    db = str(sample_tree_path)
    args = ("assurance", "sample", db, "--year", str(YEAR), "--size", "12", "--seed", "kpmg-7")
    code, first, err = run(capsys, *args)
    assert code == 0, err
    code, again, _ = run(capsys, *args)
    assert again == first and len(first.splitlines()) == 12
    _, other, _ = run(capsys, "assurance", "sample", db, "--year", str(YEAR), "--size", "12",
                      "--seed", "kpmg-8")
    assert other != first
    # The figures drawn are in the audit log, with how they were drawn.
    rows = [r for r in sample_tree.audit_log() if r.action == "sample"]
    assert len(rows) == 3 and rows[0].reason == "seed kpmg-7, size 12, by magnitude"
    assert json.loads(rows[0].new_value) == [line.split("\t")[1:] for line in
                                             first.splitlines()]
    # One department's figures only.
    _, ehs, _ = run(capsys, "assurance", "sample", db, "--year", str(YEAR), "--size", "5",
                    "--seed", "s", "--department", "ehs")
    catalogue = sample_tree.edition(YEAR)
    assert {catalogue.indicators[line.split("\t")[2]].owner for line in ehs.splitlines()} == {
        "ehs"}


def test_magnitude_favours_the_large_quantities(sample_tree: Store) -> None:
    """Over many seeds, a quantity's large figures are drawn more often than its small ones
    by magnitude, and about as often at random."""
    catalogue = sample_tree.edition(YEAR)
    big, small = [e.code for e in sample_tree.entities() if e.kind == "site"][:2]
    sample_tree.set_values([Change(big, YEAR, ELECTRICITY, "9000000"),
                            Change(small, YEAR, ELECTRICITY, "90000")], "ehs")
    figures = list(sample_tree.figures_of([e.code for e in sample_tree.entities()],
                                          [YEAR]).values())
    weighted = population(catalogue, figures, "magnitude")
    heavy, light = (next(c for c in weighted if (c.entity, c.indicator) == (code, ELECTRICITY))
                    for code in (big, small))
    assert heavy.weight > 1 > light.weight
    drawn = [draw(weighted, 20, f"seed-{n}") for n in range(40)]
    assert sum((heavy.entity, heavy.indicator) in d for d in drawn) > \
        sum((light.entity, light.indicator) in d for d in drawn)
    plain = population(catalogue, figures, "random")
    assert {c.weight for c in plain} == {1}


@pytest.fixture
def pack(capsys: pytest.CaptureFixture[str], _sample_master: Path, tmp_path: Path,
         master_copy: Callable[[str, Callable[[Path], None], Path], Path]) -> Path:
    """The sample's 2023 with evidence, a sample, an estimate, packed through the command
    line (once per run, each command's success checked then): a copy of its own."""
    def build(out: Path) -> None:
        db = out.with_name("sample.db")
        shutil.copyfile(_sample_master, db)
        bill = out.with_name("payroll.pdf")
        bill.write_bytes(PAYROLL)
        register = out.with_name("register.csv")
        register.write_bytes("姓名,部门\n张三,生产\n".encode())
        for args in (("evidence", "add", str(db), "--year", "2023", "people.employees.total",
                      str(bill)),
                     ("evidence", "add", str(db), "--year", "2023", "people.employees.male",
                      str(register)),
                     ("set", str(db), "--year", "2023", "people.employees.female", "1,560",
                      "--quality", "estimated", "--method", "the payroll's share"),
                     ("assurance", "sample", str(db), "--year", "2023", "--size", "8",
                      "--seed", "1"),
                     ("assurance", "pack", str(db), "--year", "2023", "--out", str(out))):
            code, _, err = run(capsys, *args)
            assert code == 0, (args, err)

    return master_copy("evidence-pack-2023.zip", build, tmp_path / "pack.zip")


def _rewrite(pack: Path, change: dict[str, bytes | None]) -> Path:
    """The pack with some parts changed (bytes) or removed (None), as someone might."""
    out = pack.with_name("tampered.zip")
    with zipfile.ZipFile(pack) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    target.writestr(info.filename, change[info.filename])
                continue
            target.writestr(info.filename, source.read(info))
        for name, content in change.items():
            if content is not None and name not in source.namelist():
                target.writestr(name, content)
    return out


def test_a_pack_verifies_offline_with_everything_a_verifier_reads(
        capsys: pytest.CaptureFixture[str], pack: Path) -> None:
    code, out, err = run(capsys, "assurance", "verify", str(pack))
    assert code == 0, err
    assert "verified" in out
    with zipfile.ZipFile(pack) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        figures = json.loads(archive.read("figures.json"))
        sample = json.loads(archive.read("sample.json"))
        factors = json.loads(archive.read("factors.json"))
    assert {"report.xlsx", "figures.json", "audit.json", "evidence.json", "factors.json",
            "method.json", "catalogue.json", "sample.json"} <= names
    assert sum(1 for n in names if n.startswith("evidence/")) == 2
    assert set(manifest["parts"]) == names - {"manifest.json"}
    female = next(f for f in figures if f["indicator"] == "people.employees.female"
                  and f["entity"] == "group")
    assert (female["value"], female["quality"], female["method"]) == (
        "1560", "estimated", "the payroll's share")
    assert [h["action"] for h in female["history"]][-2:] == ["set", "quality"]
    assert len(sample["sample"]["figures"]) == 8
    assert all("source" in f for f in factors.values())


def test_verify_names_an_evidence_byte_changed_a_figure_changed_and_a_file_removed(
        capsys: pytest.CaptureFixture[str], pack: Path) -> None:
    with zipfile.ZipFile(pack) as archive:
        evidence = sorted(n for n in archive.namelist() if n.startswith("evidence/"))
        bill = next(n for n in evidence if n.endswith(".pdf"))
        content = bytearray(archive.read(bill))
        figures = json.loads(archive.read("figures.json"))
    content[10] ^= 1  # one byte of one evidence file
    tampered = _rewrite(pack, {bill: bytes(content)})
    _, problems = verify_pack(tampered)
    assert [(p.code, p.name) for p in problems] == [("changed", bill), ("evidence", bill)]
    code, _, err = run(capsys, "assurance", "verify", str(tampered))
    assert code == 1 and bill in err
    # One figure in the data: named, as changed and as disagreeing with its history.
    total = next(f for f in figures if f["indicator"] == "people.employees.total"
                 and f["entity"] == "group")
    total["value"] = "4107"
    tampered = _rewrite(pack, {"figures.json": json.dumps(figures).encode()})
    _, problems = verify_pack(tampered)
    assert ("changed", "figures.json") in [(p.code, p.name) for p in problems]
    assert [p.name for p in problems if p.code == "figure"] == [
        "group 2023 people.employees.total"]
    # A file removed, and one added.
    tampered = _rewrite(pack, {evidence[0]: None, "evidence/extra.pdf": PAYROLL})
    _, problems = verify_pack(tampered)
    assert {(p.code, p.name) for p in problems} >= {("missing", evidence[0]),
                                                    ("added", "evidence/extra.pdf")}
