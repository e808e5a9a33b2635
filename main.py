"""Start esgdesk: a command runs the CLI, `--version` says what it is built from, anything
else opens the desktop app (also the entry point of the PyInstaller bundle)."""

import sys

from esgdesk.application.cli import COMMANDS


def start(argv: list[str]) -> int:
    if argv == ["--version"]:
        from esgdesk.application.version import version_text

        print(version_text())
        return 0
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help")):
        from esgdesk.application.cli import main

        return main(argv)
    from ui.app import run

    return run(argv)


def run() -> int:
    """The `esgdesk` console script: the same as `python main.py`."""
    return start(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(start(sys.argv[1:]))
