"""The command line run in the test's own process: what `python -m esgdesk ARGS` prints and
returns, without starting a Python and importing esgdesk again for every command. Tests of
the process itself (its exit status as a program, its entry points) start a real one."""

from __future__ import annotations

import contextlib
import io
import subprocess

from esgdesk.application.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`esgdesk ARGS` in this process: its exit code and what it wrote to stdout and stderr,
    as `subprocess.run(..., capture_output=True, text=True)` gives them."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's refusals and --help end the program
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    return subprocess.CompletedProcess(["esgdesk", *args], code, out.getvalue(), err.getvalue())
