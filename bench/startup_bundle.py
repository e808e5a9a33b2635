"""Start-up of the bundle against the venv: `python bench/startup_bundle.py [--runs N]`.

Times the wall time to the first painted window, rendered and saved, of
`dist/esgdesk/esgdesk --db SAMPLE --screenshot OUT.png` (built by `make bundle`) and of
`.venv/bin/python main.py --db SAMPLE --screenshot OUT.png`, interleaved, each with fresh
settings and the same bare environment (HOME, PATH=/usr/bin:/bin, offscreen Qt), and prints
the medians side by side.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUNDLE = ROOT / "dist" / "esgdesk" / "esgdesk"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def startup(sample: Path, runs: int, work: Path) -> dict[str, float]:
    """Median start-up of the bundle and of the venv run, after one warm-up round."""
    config = work / "config"
    env = {"HOME": str(work), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": str(config)}
    arguments = ["--db", str(sample), "--screenshot", str(work / "out.png")]
    commands = {"bundle": [str(BUNDLE), *arguments],
                "venv": [str(VENV_PYTHON), str(ROOT / "main.py"), *arguments]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for warm_up in (True, *([False] * runs)):  # the first round warms the file caches
        for name, command in commands.items():
            shutil.rmtree(config, ignore_errors=True)
            took = _timed(command, env)
            if not warm_up:
                times[name].append(took)
    return {name: statistics.median(taken) for name, taken in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    if not BUNDLE.is_file():
        print(f"no bundle at {BUNDLE}: run `make bundle` first", file=sys.stderr)
        return 2
    from esgdesk.application.sample import create_sample

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sample = work / "sample.db"
        create_sample(sample).close()
        medians = startup(sample, args.runs, work)
    print(f"start-up to first painted window (--screenshot, fresh settings), "
          f"median of {args.runs} runs:")
    print(f"  {'bundle':8}{medians['bundle'] * 1000:7.0f} ms   {BUNDLE.relative_to(ROOT)}")
    print(f"  {'venv':8}{medians['venv'] * 1000:7.0f} ms   .venv/bin/python main.py")
    print(f"  {'ratio':8}{medians['bundle'] / medians['venv']:8.2f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
