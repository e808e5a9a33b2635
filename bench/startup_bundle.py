"""Start-up of the bundle against the venv: `python bench/startup_bundle.py [--runs N]`.

Times the wall time to the first painted window, rendered and saved, of
`dist/esgdesk/esgdesk --db SAMPLE --screenshot OUT.png` (built by `make bundle`) and of
`.venv/bin/python main.py --db SAMPLE --screenshot OUT.png`, interleaved, each with fresh
settings and the same bare environment (HOME, PATH=/usr/bin:/bin, offscreen Qt), and prints
the medians side by side, against the aim: the bundle at most AIM times the venv.
"""

from __future__ import annotations

import argparse
import os
import resource
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
AIM = 1.1  # the bundle's start-up at most this many times the venv's


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The wall time of a run and the processor time it took (user and system): on a machine
    busy with other work the first waits for a processor, the second does not."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - start, cpu


def startup(sample: Path, runs: int, work: Path) -> dict[str, tuple[float, float]]:
    """Median start-up (wall, processor) of the bundle and of the venv run, after one warm-up
    round."""
    config = work / "config"
    env = {"HOME": str(work), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": str(config)}
    arguments = ["--db", str(sample), "--screenshot", str(work / "out.png")]
    commands = {"bundle": [str(BUNDLE), *arguments],
                "venv": [str(VENV_PYTHON), str(ROOT / "main.py"), *arguments]}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for warm_up in (True, *([False] * runs)):  # the first round warms the file caches
        for name, command in commands.items():
            shutil.rmtree(config, ignore_errors=True)
            took = _timed(command, env)
            if not warm_up:
                times[name].append(took)
    return {name: (statistics.median(wall for wall, _ in taken),
                   statistics.median(cpu for _, cpu in taken))
            for name, taken in times.items()}


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
        load_before = os.getloadavg()
        medians = startup(sample, args.runs, work)
        load_after = os.getloadavg()
    print(f"start-up to first painted window (--screenshot, fresh settings), "
          f"median of {args.runs} runs:")
    (bundle, bundle_cpu), (venv, venv_cpu) = medians["bundle"], medians["venv"]
    print(f"  {'':8}{'wall':>7}{'processor':>15}")
    print(f"  {'bundle':8}{bundle * 1000:7.0f} ms{bundle_cpu * 1000:10.0f} ms   "
          f"{BUNDLE.relative_to(ROOT)}")
    print(f"  {'venv':8}{venv * 1000:7.0f} ms{venv_cpu * 1000:10.0f} ms   "
          ".venv/bin/python main.py")
    print(f"  {'ratio':8}{bundle / venv:8.2f} x{bundle_cpu / venv_cpu:11.2f} x   "
          f"(aim: at most {AIM}x)")
    print("  load average (1, 5, 15 min) before {} and after {}: the machine's other work "
          "makes the runs noisy".format(*(", ".join(f"{x:.2f}" for x in load)
                                          for load in (load_before, load_after))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
