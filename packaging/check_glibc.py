"""The oldest Linux the bundle starts on: no ELF file in the bundle may ask for a newer glibc
than the README's Install section names ("glibc 2.35 or newer").

`python packaging/check_glibc.py [dist/esgdesk] [--readme README.md]` prints the highest glibc
the bundle needs and the file that needs it, and the highest libstdc++ version it asks of the
computer (the bundle carries none); it exits 1, naming every file beyond the floor, when one
needs more than the README says, and 2 when the README names no floor. `.ci/run` runs it
after `make bundle`. It reads the versions with `objdump -T` (binutils), as PyInstaller does.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = re.compile(r"glibc (\d+(?:\.\d+)+) or newer")
GLIBC = re.compile(r"\bGLIBC_(\d+(?:\.\d+)+)")
GLIBCXX = re.compile(r"\bGLIBCXX_(\d+(?:\.\d+)+)")

Version = tuple[int, ...]


def version(text: str) -> Version:
    return tuple(int(part) for part in text.split("."))


def shown(number: Version) -> str:
    return ".".join(map(str, number))


def stated_floor(readme: Path) -> Version | None:
    """The glibc the README's Install section promises the bundle runs on, if it names one."""
    text = readme.read_text(encoding="utf-8")
    section = re.search(r"^## Install\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    found = FLOOR.search(section.group(1)) if section else None
    return version(found.group(1)) if found else None


def elf_files(folder: Path) -> Iterator[Path]:
    """Every ELF file in the folder (executables, libraries, Python extensions, Qt plugins),
    not the symbolic links to them."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as file:
                if file.read(4) == b"\x7fELF":
                    yield path


def needed(path: Path) -> tuple[Version | None, Version | None]:
    """The highest glibc and the highest libstdc++ (GLIBCXX) version a file asks for."""
    dynamic = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True,
                             check=False).stdout
    glibc = [version(v) for v in GLIBC.findall(dynamic)]
    glibcxx = [version(v) for line in dynamic.splitlines() if "*UND*" in line
               for v in GLIBCXX.findall(line)]
    return max(glibc, default=None), max(glibcxx, default=None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, nargs="?", default=ROOT / "dist" / "esgdesk")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    args = parser.parse_args(argv)
    floor = stated_floor(args.readme)
    if floor is None:
        print(f"{args.readme}: its Install section names no floor "
              "(\"glibc 2.NN or newer\")", file=sys.stderr)
        return 2
    files = list(elf_files(args.bundle))
    if not files:
        print(f"{args.bundle}: no ELF file (build the bundle first: make bundle)",
              file=sys.stderr)
        return 2
    glibc: dict[Path, Version] = {}
    glibcxx: dict[Path, Version] = {}
    for path in files:
        wants, wants_cxx = needed(path)
        if wants is not None:
            glibc[path] = wants
        if wants_cxx is not None:
            glibcxx[path] = wants_cxx
    top = max(glibc, key=glibc.__getitem__)
    print(f"glibc: {shown(glibc[top])} at most, for {top.relative_to(args.bundle)} "
          f"({len(files)} ELF files; the README says {shown(floor)} or newer)")
    if glibcxx:
        top_cxx = max(glibcxx, key=glibcxx.__getitem__)
        print(f"libstdc++ (the computer's): GLIBCXX_{shown(glibcxx[top_cxx])} at most, for "
              f"{top_cxx.relative_to(args.bundle)}")
    beyond = sorted((v, p) for p, v in glibc.items() if v > floor)
    for wants, path in beyond:
        print(f"{path.relative_to(args.bundle)} needs glibc {shown(wants)}, newer than the "
              f"README's {shown(floor)}", file=sys.stderr)
    return 1 if beyond else 0


if __name__ == "__main__":
    sys.exit(main())
