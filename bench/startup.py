"""Start-up and chapter switching: `python bench/startup.py [--runs N]` prints the figures.

Start-up is the wall time of `python main.py --db SAMPLE --screenshot OUT.png` (the
first painted window, rendered and saved), against a bare PySide6 window doing the
same, interleaved in one run. Chapter switching is measured in one process: the
first visit of each chapter (its form is built) and later visits (shown again).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def startup(sample: Path, runs: int, work: Path) -> tuple[float, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(work)}
    app = [sys.executable, str(ROOT / "main.py"), "--db", str(sample), "--screenshot",
           str(work / "app.png")]
    bare = [sys.executable, str(ROOT / "bench" / "bare_window.py"), str(work / "bare.png")]
    _timed(app, env)  # warm the file cache and the catalogue cache once
    _timed(bare, env)
    app_times, bare_times = [], []
    for _ in range(runs):
        app_times.append(_timed(app, env))
        bare_times.append(_timed(bare, env))
    return statistics.median(app_times), statistics.median(bare_times)


def chapter_switching(sample: Path, work: Path) -> tuple[list[float], list[float]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(QSettings(str(work / "bench.ini"), QSettings.Format.IniFormat), "zh")
    window.open_database(sample)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    chapters = [c.id for c in window.catalogue.chapters]
    first, again = [], []
    for chapter in chapters[1:]:  # building a chapter's form, as on a first visit
        start = time.perf_counter()
        window.show_chapter(chapter)
        app.processEvents()
        first.append(time.perf_counter() - start)
    for _ in range(3):  # the app builds every form right after start-up; then switching:
        for chapter in chapters:
            start = time.perf_counter()
            window.show_chapter(chapter)
            app.processEvents()
            again.append(time.perf_counter() - start)
    window.close()
    return first, again


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    from esgdesk.application.sample import create_sample

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sample = work / "sample.db"
        create_sample(sample).close()
        app, bare = startup(sample, args.runs, work)
        print(f"start-up to first painted window, median of {args.runs}:")
        print(f"  esgdesk      {app * 1000:7.0f} ms")
        print(f"  bare PySide6 {bare * 1000:7.0f} ms")
        print(f"  ratio        {app / bare:7.2f} x   (aim: at most 3x)")
        first, again = chapter_switching(sample, work)
        print("chapter switching (show + paint), sample group, 2023:")
        print(f"  switching    median {statistics.median(again) * 1000:5.0f} ms, "
              f"max {max(again) * 1000:5.0f} ms   (aim: under 100 ms)")
        print(f"  building a chapter's form (done in the background after start-up): "
              f"median {statistics.median(first) * 1000:.0f} ms, max {max(first) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
