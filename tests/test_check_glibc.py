"""packaging/check_glibc.py holds the bundle to the README's glibc floor: run on a folder of real
ELF files (this Python's own extensions), it names the newest glibc they need and the file, and
fails when the README promises an older one."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "packaging" / "check_glibc.py"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("objdump"),
                                reason="ELF files and objdump (binutils) are Linux's")


def _glibc_required(path: Path) -> tuple[int, ...]:
    """The newest glibc version a file requires, read from its version references
    (`objdump -p`), not from its dynamic symbols as the check reads them."""
    text = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return max(tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_([\d.]+)", text))


def _readme(folder: Path, floor: str | None) -> Path:
    promise = f"64-bit, glibc {floor} or newer" if floor else "64-bit, any recent distribution"
    path = folder / "README.md"
    path.write_text(f"# esgdesk\n\n## Install\n\n**Linux** ({promise}).\n\n## Later\n\n"
                    "glibc 1.0 or newer (not the Install section)\n", encoding="utf-8")
    return path


def _check(bundle: Path, readme: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHECK), str(bundle), "--readme", str(readme)],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, tuple[int, ...]]:
    """A folder laid out like a bundle: this Python's extension modules, a symbolic link to
    one, and a file that is no ELF. Returns it, the file needing the newest glibc, and that.
    Made once for the module: the check only reads it."""
    folder = tmp_path_factory.mktemp("bundle") / "esgdesk"
    dynload = folder / "_internal" / "lib-dynload"
    dynload.mkdir(parents=True)
    extensions = sorted(Path(sysconfig.get_config_var("DESTSHARED")).glob("*.so"))
    assert len(extensions) > 10
    for extension in extensions:
        shutil.copy(extension, dynload)
    (folder / "_internal" / "link.so").symlink_to(dynload / extensions[0].name)
    (folder / "esgdesk.desktop").write_text("[Desktop Entry]\n", encoding="utf-8")
    required = {path: _glibc_required(path) for path in dynload.iterdir()
                if "GLIBC_" in subprocess.run(["objdump", "-p", str(path)], capture_output=True,
                                              text=True).stdout}
    newest = max(required, key=required.__getitem__)
    return folder, newest, required[newest]


def test_a_bundle_within_the_readmes_floor_passes_and_names_its_newest_need(
        bundle: tuple[Path, Path, tuple[int, ...]], tmp_path: Path) -> None:
    folder, _newest, version = bundle
    shown = ".".join(map(str, version))
    result = _check(folder, _readme(tmp_path, shown))
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"glibc: {shown} at most, for _internal/lib-dynload/")
    assert f"the README says {shown} or newer" in first
    counted = int(re.search(r"\((\d+) ELF files", first).group(1))
    assert counted == len(list((folder / "_internal" / "lib-dynload").iterdir()))  # no link
    named = re.search(r"for (\S+) \(", first).group(1)
    assert _glibc_required(folder / named) == version  # the file named needs it (ties aside)


def test_a_file_needing_a_newer_glibc_than_the_readme_says_fails_the_check(
        bundle: tuple[Path, Path, tuple[int, ...]], tmp_path: Path) -> None:
    folder, newest, version = bundle
    older = ".".join(map(str, (*version[:-1], version[-1] - 1)))
    result = _check(folder, _readme(tmp_path, older))
    assert result.returncode == 1
    shown = ".".join(map(str, version))
    assert (f"_internal/lib-dynload/{newest.name} needs glibc {shown}, newer than the "
            f"README's {older}") in result.stderr


def test_a_readme_naming_no_floor_fails_the_check(
        bundle: tuple[Path, Path, tuple[int, ...]], tmp_path: Path) -> None:
    folder, _newest, _version = bundle
    result = _check(folder, _readme(tmp_path, None))
    assert result.returncode == 2 and "names no floor" in result.stderr


def test_the_readme_names_the_floor_the_check_holds_the_bundle_to() -> None:
    """The Install section states the glibc in the words the check reads."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    install = text.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"glibc 2\.\d+ or newer: Ubuntu 22\.04", install)
