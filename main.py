"""Start esgdesk: a command runs the CLI, `--version` says what it is built from, anything
else opens the desktop app (also the entry point of the PyInstaller bundle)."""

import sys


def is_command(argv: list[str]) -> bool:
    """A word first (a command, or a mistyped one the CLI explains) or a request for help
    runs the command line; the app takes only options. The app's start does not import the
    command line."""
    return bool(argv) and (not argv[0].startswith("-") or argv[0] in ("-h", "--help"))


def start(argv: list[str]) -> int:
    if argv == ["--version"]:
        from esgdesk.application.version import version_text

        print(version_text())
        return 0
    if is_command(argv):
        from esgdesk.application.cli import main

        return main(argv)
    from ui.app import run

    return run(argv)


def run() -> int:
    """The `esgdesk` console script: the same as `python main.py`."""
    return start(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(start(sys.argv[1:]))
