"""The command line, driven as a user would, against real database files."""

import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from esgdesk.application.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_set_get_and_history(capsys: pytest.CaptureFixture[str], sample_path: Path) -> None:
    db = str(sample_path)
    code, out, _ = run(capsys, "--user", "li", "set", db, "--year", "2023",
                       "people.employees.total", "4,120", "--note", "late hires")
    assert code == 0 and "4,120" in out
    code, out, _ = run(capsys, "get", db, "--year", "2023", "people.employees.total")
    assert code == 0 and "4,120" in out and "late hires" in out
    code, out, _ = run(capsys, "history", db, "--year", "2023", "people.employees.total")
    lines = out.strip().splitlines()
    assert len(lines) == 2 and "4106 → 4120" in lines[1] and "\tli\t" in lines[1]


def test_entity_option_reaches_a_site(capsys: pytest.CaptureFixture[str],
                                      sample_tree_path: Path) -> None:
    code, out, _ = run(capsys, "get", str(sample_tree_path), "--entity", "xiamen", "--year", "2021",
                       "innovation.infosec.training.participants")
    assert code == 0 and "796" in out


@pytest.mark.parametrize("args,message", [
    (["set", "{db}", "--year", "2023", "people.nobody", "1"], "unknown indicator"),
    (["set", "{db}", "--year", "2023", "people.employees.total", "lots"], "not a number"),
    (["set", "{db}", "--year", "2023", "people.employees.total", "-5"], "negative"),
    (["set", "{db}", "--entity", "mars", "--year", "2023", "people.employees.total", "1"],
     "unknown entity"),
    (["set", "{db}", "--year", "2023", "people.employees.female_ratio", "40"],
     "computed from its components"),
])
def test_errors_are_one_line_and_write_nothing(capsys: pytest.CaptureFixture[str],
                                               sample_path: Path, args: list[str],
                                               message: str) -> None:
    before = _sha(sample_path)
    code, _, err = run(capsys, *[a.format(db=sample_path) for a in args])
    assert code != 0
    assert message in err and len(err.strip().splitlines()) == 1
    assert _sha(sample_path) == before


def test_a_locked_value_is_refused(capsys: pytest.CaptureFixture[str], sample_path: Path) -> None:
    db = str(sample_path)
    assert run(capsys, "lock", db, "--year", "2023", "people.employees.total")[0] == 0
    before = _sha(sample_path)
    code, _, err = run(capsys, "set", db, "--year", "2023", "people.employees.total", "5000")
    assert code != 0 and "locked" in err
    assert _sha(sample_path) == before


def test_an_unreadable_file_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"PK\x03\x04not a database")
    code, _, err = run(capsys, "get", str(path), "--year", "2023", "people.employees.total")
    assert code != 0 and "not a SQLite file" in err
    assert path.read_bytes() == b"PK\x03\x04not a database"


def test_dump_csv_lists_every_figure(capsys: pytest.CaptureFixture[str],
                                    sample_tree_path: Path) -> None:
    code, out, _ = run(capsys, "dump", str(sample_tree_path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert list(rows[0]) == ["entity", "year", "indicator", "value", "state", "unit", "status",
                             "note", "kind"]
    keyed = {(r["entity"], r["year"], r["indicator"]): r for r in rows}
    assert keyed[("group", "2023", "people.employees.total")]["value"] == "4106"
    assert keyed[("group", "2023", "innovation.rd.investment")]["value"] == "21361.34"
    assert keyed[("group", "2023", "people.employees.female_ratio")]["value"] == "36.87"
    assert keyed[("dongguan", "2022", "innovation.infosec.training.participants")]["value"] == "958"


def test_catalogue_json_lists_labels_and_units_in_both_languages(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalogue", "--format", "json")
    indicators = json.loads(out)
    assert code == 0 and len(indicators) >= 200
    for item in indicators:
        assert {"id", "label", "unit", "chapter", "table", "type"} <= set(item)
        assert item["label"]["zh"] and item["label"]["en"]
    total = next(i for i in indicators if i["id"] == "people.employees.total")
    assert total["label"] == {"zh": "员工总人数", "en": "Total number of employees"}


def test_entities_lists_the_tree(capsys: pytest.CaptureFixture[str],
                                 sample_tree_path: Path) -> None:
    code, out, _ = run(capsys, "entities", str(sample_tree_path))
    codes = [line.split("\t")[0].strip() for line in out.splitlines()]
    assert code == 0
    assert codes[0] == "group" and codes.index("dongguan") == codes.index("zkteco") + 1


def test_init_makes_an_empty_database_and_refuses_to_overwrite(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "acme.db"
    assert run(capsys, "init", str(path), "--company", "ACME")[0] == 0
    code, _, err = run(capsys, "init", str(path))
    assert code != 0 and "exists already" in err


def test_the_console_entry_points_run_as_programs(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    for command in ([sys.executable, "-m", "esgdesk", "sample", str(db)],
                    [sys.executable, str(ROOT / "main.py"), "get", str(db), "--year", "2023",
                     "innovation.rd.staff"]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert result.returncode == 0, result.stderr
    assert "1,226" in result.stdout
