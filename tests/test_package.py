"""Every install speaks Chinese: the package build compiles the Qt Linguist source (setup.py),
so the wheel, and an editable install, carry the compiled translation and the Chinese menus;
a checkout without it says so in its log.

The wheel is built from a copy of the sources without any compiled translation and installed
into a fresh virtual environment (its dependencies from pip's cache or the package index)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "esgdesk_zh_CN.ts"
CJK = re.compile(r"[\u3400-\u9fff]")

# Run inside the installed environment: the main window's menus in Chinese, and where the
# code found its resources.
MENUS = """
import json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
import esgdesk.paths
from ui.main_window import MainWindow
window = MainWindow(QSettings(sys.argv[1], QSettings.Format.IniFormat), "zh")
print(json.dumps({"resources": str(esgdesk.paths.RESOURCES),
                  "menus": [action.text() for action in window.menuBar().actions()]}))
"""


def translated(source: str, context: str = "MainWindow") -> str:
    """A text's Chinese in the translation source."""
    root = ET.parse(TS).getroot()
    for found in root.iter("context"):
        if found.findtext("name") == context:
            for message in found.iter("message"):
                if message.findtext("source") == source:
                    return message.findtext("translation") or ""
    raise KeyError(source)


def source_copy(into: Path) -> Path:
    """The project's files as a fresh clone has them: tracked and new files, nothing ignored
    (no compiled translation, no build folders)."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file() and not name.endswith(".qm"):
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    assert not list(into.rglob("*.qm"))
    return into


def clean_env(home: Path) -> dict[str, str]:
    """The environment of a user's shell: no virtual environment, nothing of the checkout on
    the path, offscreen Qt; pip keeps this machine's configuration and cache."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"))
    env.setdefault("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    return env


def run(command: list[str | Path], cwd: Path, env: dict[str, str],
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


class Installed:
    """A fresh virtual environment with esgdesk installed from the wheel built from a copy of
    the sources."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sources = source_copy(folder / "src")
        self.env = clean_env(folder)
        self.venv = folder / "venv"
        self.python = self.venv / "bin" / "python"
        wheels = folder / "wheels"
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", wheels,
             self.sources], cwd=folder, env=self.env)
        (self.wheel,) = wheels.glob("esgdesk-*.whl")
        venv.create(self.venv, with_pip=True)
        run([self.python, "-m", "pip", "install", "--quiet", self.wheel], cwd=folder,
            env=self.env)

    def window(self) -> dict[str, object]:
        """What the installed app's main window shows in Chinese, run from a folder that holds
        no sources."""
        result = run([self.python, "-c", MENUS, self.folder / "settings.ini"], cwd=self.folder,
                     env=self.env, timeout=120)
        return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    yield Installed(tmp_path_factory.mktemp("package"))


@pytest.mark.integration
def test_the_wheel_carries_the_compiled_translation_and_the_resources(
        installed: Installed) -> None:
    import zipfile

    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert "esgdesk/resources/i18n/esgdesk_zh_CN.qm" in names
    assert not any(name.endswith(".ts") for name in names)
    ours = {p.relative_to(ROOT).as_posix() for p in (ROOT / "resources").rglob("*")
            if p.is_file() and p.suffix not in (".ts", ".qm")}
    assert {f"esgdesk/{name}" for name in ours} <= names


@pytest.mark.integration
def test_the_app_installed_from_the_wheel_shows_chinese_menus(installed: Installed) -> None:
    shown = installed.window()
    site = Path(str(shown["resources"]))
    assert site.is_relative_to(installed.venv) and site.name == "resources"
    menus = shown["menus"]
    assert isinstance(menus, list) and menus[0] == translated("&File")
    assert all(CJK.search(title) for title in menus), menus
    # The console script runs from the wheel too, and finds the catalogue it carries.
    version = run([installed.venv / "bin" / "esgdesk", "--version"], cwd=installed.folder,
                  env=installed.env)
    assert "Catalogue" in version.stdout


@pytest.mark.integration
def test_an_editable_install_compiles_the_translation_in_place(installed: Installed) -> None:
    run([installed.python, "-m", "pip", "install", "--quiet", "--no-deps", "-e",
         installed.sources], cwd=installed.folder, env=installed.env)
    compiled = installed.sources / "resources" / "i18n" / "esgdesk_zh_CN.qm"
    assert compiled.is_file()
    shown = installed.window()
    assert Path(str(shown["resources"])) == installed.sources / "resources"
    assert shown["menus"][0] == translated("&File")  # type: ignore[index]


def test_a_checkout_without_the_compiled_translation_says_so_in_its_log(
        tmp_path: Path) -> None:
    """`python main.py --lang zh` on sources nobody built: English menus, and the log says
    which file is missing and how to get it."""
    sources = source_copy(tmp_path / "src")
    env = clean_env(tmp_path)
    out = tmp_path / "window.png"
    run([sys.executable, sources / "main.py", "--lang", "zh", "--screenshot", out],
        cwd=tmp_path, env=env, timeout=120)
    assert out.is_file()
    log = (tmp_path / "data" / "esgdesk" / "logs" / "esgdesk.log").read_text(encoding="utf-8")
    missing = sources / "resources" / "i18n" / "esgdesk_zh_CN.qm"
    assert f"WARNING no compiled translation at {missing}" in log
    assert "pip" in log and "make" in log
