"""The one-folder bundle `make bundle` builds (dist/esgdesk) runs on its own: started with an
empty environment (no Python, no virtual environment on the PATH, offscreen Qt), it makes,
validates, exports, requests and imports, paints a chapter and reports a damaged file.

Skipped when the bundle is missing or older than the sources, unless ESGDESK_TEST_BUNDLE=1
(.ci/run sets it after building), which makes that a failure."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

import esgdesk
from esgdesk.application.session import Session
from esgdesk.exchange.metadata import META_SHEET, read_meta
from esgdesk.model.catalogue import load

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "esgdesk"
EXECUTABLE = BUNDLE / ("esgdesk.exe" if sys.platform == "win32" else "esgdesk")
INTERNAL = BUNDLE / "_internal"
SOURCES = [ROOT / "main.py", *(p for folder in ("esgdesk", "ui", "resources", "packaging")
                              for p in (ROOT / folder).rglob("*")
                              if p.is_file() and "__pycache__" not in p.parts)]

pytestmark = pytest.mark.bundle


def _why_untestable() -> str | None:
    if not EXECUTABLE.is_file():
        return f"no bundle at {EXECUTABLE}: run `make bundle`"
    built = EXECUTABLE.stat().st_mtime
    newer = [p for p in SOURCES if p.stat().st_mtime > built]
    if newer:
        return f"the bundle is older than {newer[0].relative_to(ROOT)}: run `make bundle`"
    return None


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle's HOME and working folder, holding a sample database it made itself."""
    why = _why_untestable()
    if why is not None:
        if os.environ.get("ESGDESK_TEST_BUNDLE") == "1":
            pytest.fail(why)
        pytest.skip(why)
    folder = tmp_path_factory.mktemp("bundle-home")
    made = run_bundle(folder, "sample", "sample.db")  # a new file: every Alembic script runs
    assert made.returncode == 0, made.stderr
    return folder


def run_bundle(home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run the bundle's executable as `env -i HOME=home PATH=/usr/bin:/bin` would, in `home`;
    whatever it does, it prints no Python traceback."""
    result = subprocess.run(
        [str(EXECUTABLE), *arguments], cwd=home, capture_output=True, encoding="utf-8",
        errors="replace", timeout=120,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"})
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


def test_the_bundle_says_what_it_is_built_from(home: Path) -> None:
    result = run_bundle(home, "--version")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert lines["esgdesk"] == esgdesk.__version__
    assert lines["Catalogue"].startswith(load().version)
    assert lines["Qt"].startswith("6.") and lines["PySide6"].startswith("6.")
    assert lines["SQLite"][0].isdigit()
    assert lines["Python"].endswith("(bundle)")


def test_the_bundle_validates_and_exports_the_sample(home: Path) -> None:
    validated = run_bundle(home, "validate", "sample.db", "--year", "2023")
    assert validated.returncode == 0, validated.stderr  # findings, but none blocking
    exported = run_bundle(home, "export", "sample.db", "--year", "2023", "--out", "report.xlsx")
    assert exported.returncode == 0, exported.stderr
    assert len(load_workbook(home / "report.xlsx").sheetnames) > 5


def test_the_bundle_imports_a_returned_request_workbook(home: Path) -> None:
    """Reading a returned workbook needs openpyxl on defusedxml: the bundle must carry it."""
    requested = run_bundle(home, "request", "sample.db", "--year", "2024", "--entity", "zkteco",
                       "--department", "hr", "--out", "hr.xlsx")
    assert requested.returncode == 0, requested.stderr
    book = load_workbook(home / "hr.xlsx")
    _meta, cells = read_meta(book[META_SHEET], "test")
    where = {(c.indicator, c.kind): (c.sheet, c.cell) for c in cells}
    for key, value in {("people.employees.total", "value"): 4300,
                       ("", "submitted_by"): "Wang Fang"}.items():
        sheet, cell = where[key]
        book[sheet][cell] = value
    book.save(home / "hr-returned.xlsx")
    imported = run_bundle(home, "import", "sample.db", "hr-returned.xlsx")
    assert imported.returncode == 0, imported.stderr
    got = run_bundle(home, "get", "sample.db", "--year", "2024", "--entity", "zkteco",
                 "people.employees.total")
    assert got.stdout.split("\t")[1] == "4,300"


def test_the_bundle_paints_the_people_chapter(home: Path) -> None:
    out = home / "people.png"
    result = run_bundle(home, "--db", "sample.db", "--chapter", "people", "--screenshot", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000


def test_the_bundle_reports_a_damaged_database(home: Path) -> None:
    damaged = home / "damaged.db"
    data = bytearray((home / "sample.db").read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle:middle + 256 * 48] = bytes(range(256)) * 48
    damaged.write_bytes(bytes(data))
    result = run_bundle(home, "check", "damaged.db")
    assert result.returncode == 1 and "damaged" in result.stderr
    # The app runs the check in its own process as `esgdesk check --json` when frozen.
    as_json = run_bundle(home, "check", "--json", "damaged.db")
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["problem"]


def test_the_bundle_carries_its_resources_plugins_and_menu_entry(home: Path) -> None:
    migrations = ROOT / "esgdesk" / "storage" / "migrations" / "versions"
    shipped = INTERNAL / "esgdesk" / "storage" / "migrations" / "versions"
    assert {p.name for p in migrations.glob("*.py")} == {p.name for p in shipped.glob("*.py")}
    assert (INTERNAL / "resources" / "i18n" / "esgdesk_zh_CN.qm").is_file()
    for folder in ("catalogue", "templates/szse-17", "frameworks", "factors"):
        ours = {p.name for p in (ROOT / "resources" / folder).glob("*.toml")}
        assert ours and ours == {p.name for p in (INTERNAL / "resources" / folder).glob("*.toml")}
    templates = run_bundle(home, "templates")
    assert "zkteco-2023" in templates.stdout and "szse-17" in templates.stdout
    covered = run_bundle(home, "frameworks", "sample.db", "--year", "2023", "--framework",
                         "gri-2021")
    assert covered.returncode == 0 and "covered" in covered.stdout, covered.stderr
    qt = INTERNAL / "PySide6" / "Qt"
    assert (qt / "translations" / "qtbase_zh_CN.qm").is_file()
    plugins = {p.relative_to(qt / "plugins").as_posix() for p in (qt / "plugins").rglob("*.so")}
    assert {"platforms/libqxcb.so", "platforms/libqoffscreen.so",
            "imageformats/libqsvg.so", "iconengines/libqsvgicon.so"} <= plugins
    assert not any("Quick" in p.name or "Pdf" in p.name for p in (qt / "lib").iterdir())
    installed = subprocess.run([str(BUNDLE / "install-desktop-entry.sh")], capture_output=True,
                               text=True, env={"HOME": str(home), "PATH": "/usr/bin:/bin"})
    assert installed.returncode == 0, installed.stderr
    entry = (home / ".local" / "share" / "applications" / "esgdesk.desktop").read_text()
    assert f'Exec="{EXECUTABLE}"' in entry and f"Icon={BUNDLE / 'esgdesk.png'}" in entry


def test_the_archive_holds_the_bundle(home: Path) -> None:
    name = f"esgdesk-{esgdesk.__version__}-linux-{platform.machine()}.tar.gz"
    archive_path = ROOT / "dist" / name
    assert archive_path.stat().st_mtime >= EXECUTABLE.stat().st_mtime, "made before the bundle"
    with tarfile.open(archive_path) as archive:
        names = set(archive.getnames())
    assert {"esgdesk/esgdesk", "esgdesk/esgdesk.desktop", "esgdesk/esgdesk.png"} <= names


def test_frozen_the_file_check_runs_the_bundles_own_executable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundle has no `python -m`: the app starts itself with the `check` command."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    path = tmp_path / "a.db"
    assert Session.file_check_command(path) == (sys.executable,
                                                ["check", "--json", "--progress", str(path)])
