"""The package build's own step (pyproject.toml holds everything else): resources/ and the
compiled Chinese interface go with every install.

`pip install .` and the wheel carry resources/ (catalogue templates, frameworks, factors,
sample figures, icons) inside the esgdesk package, with the Qt Linguist source compiled to
`esgdesk/resources/i18n/*.qm`; `pip install -e .` compiles it in place, into resources/i18n/,
where a checkout reads it. The compiler is PySide6's lrelease, a build requirement.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Command, setup
from setuptools.command.build import build

ROOT = Path(__file__).resolve().parent
RESOURCES = ROOT / "resources"


def lrelease() -> Path:
    """PySide6's Qt Linguist compiler, from the PySide6 the build installed."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("esgdesk's build compiles its Chinese interface with PySide6's "
                         "lrelease: install PySide6-Essentials first (pyproject.toml's "
                         "build requirements name it)")
    name = "lrelease.exe" if sys.platform == "win32" else "lrelease"
    tool = Path(next(iter(spec.submodule_search_locations))) / name
    if not tool.is_file():
        raise SystemExit(f"{tool} is missing: the PySide6 installed holds no lrelease")
    return tool


def compile_translations(into: Path) -> list[Path]:
    """Every resources/i18n/*.ts compiled to a .qm of the same name in `into`."""
    into.mkdir(parents=True, exist_ok=True)
    tool = lrelease()
    compiled = []
    for source in sorted((RESOURCES / "i18n").glob("*.ts")):
        target = into / source.with_suffix(".qm").name
        subprocess.run([str(tool), "-silent", str(source), "-qm", str(target)], check=True)
        if not target.is_file():
            raise SystemExit(f"lrelease wrote no {target}")
        compiled.append(target)
    if not compiled:
        raise SystemExit(f"no translation source in {RESOURCES / 'i18n'}")
    return compiled


class BuildResources(Command):
    """Put resources/ and the compiled translations where the installed package reads them."""

    description = "copy resources/ into the package and compile its translations"
    user_options: list[tuple[str, str | None, str]] = []  # noqa: RUF012 (distutils' API)

    def initialize_options(self) -> None:
        self.build_lib: str | None = None
        self.editable_mode = False  # set by setuptools for `pip install -e`
        self.outputs: list[Path] = []

    def finalize_options(self) -> None:
        self.set_undefined_options("build_py", ("build_lib", "build_lib"))

    def run(self) -> None:
        if self.editable_mode:  # the checkout reads resources/ where it is: nothing to map
            compile_translations(RESOURCES / "i18n")
            return
        target = Path(self.build_lib) / "esgdesk" / "resources"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(RESOURCES, target,
                        ignore=shutil.ignore_patterns("*.ts", "*.qm", "__pycache__"))
        compiled = compile_translations(target / "i18n")
        self.outputs = [p for p in target.rglob("*") if p.is_file()]
        print(f"esgdesk: {len(self.outputs)} resource files, translations "
              f"{', '.join(p.name for p in compiled)}")

    def get_outputs(self) -> list[str]:
        return [str(path) for path in self.outputs]


class Build(build):
    """setuptools' build, then the resources."""

    sub_commands = [*build.sub_commands, ("build_resources", None)]  # noqa: RUF012


setup(cmdclass={"build": Build, "build_resources": BuildResources})
