"""Start-up and chapter switching: `python bench/startup.py [--runs N]` prints the figures.

Start-up is the wall time to the first painted window, rendered and saved, and the processor
time it took (user and system), against a bare PySide6 window doing the same, interleaved in
one run, twice over:

- fresh settings: `python main.py --db SAMPLE --screenshot OUT.png` with no settings file;
- lived-in settings: `python main.py --screenshot OUT.png` with the settings file a real
  session leaves (the last database, which it opens, the language, the recent files and
  the saved window geometry and layout), as a user starts the app day to day.

The screenshot is taken at the window's first paint, which shows the database's forms; work
the app starts after its first paint (validation, the file check) is not part of it. Both
programs save the image the first paint left (the offscreen platform's copy of the window,
ui.app.first_paint_picture), not a second rendering of the window. The runs have their Python
bytecode compiled, as an installed esgdesk has.

A second floor, printed after: the skeleton of a data-entry window (bench/skeleton_window.py:
a menu bar, a tool bar, a tree, a 40-row table, no code of esgdesk's), against the bare
window, run alternately: what any such window adds before esgdesk's own code does.

Chapter switching is measured in one process: the first visit of each chapter (its form
is built) and later visits (shown again).
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


AIM = 1.5  # esgdesk's start-up at most this many times the bare window's


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


SETTINGS_FILE = Path("esgdesk") / "esgdesk.conf"  # QSettings("esgdesk", "esgdesk") on Linux


def lived_in_settings(sample: Path, config: Path) -> Path:
    """Leave in `config` (an XDG_CONFIG_HOME) the settings file a real session leaves: the
    window opens three databases (the sample last), is resized and closed, so it saves its
    geometry and layout itself. Returns the file."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    path = config / SETTINGS_FILE
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    settings.setValue("lang", "en")
    window = MainWindow(settings, "en")
    for name in ("last-year.db", "draft.db"):
        shutil.copyfile(sample, sample.with_name(name))
        window.open_database(sample.with_name(name))
    window.open_database(sample)  # the last database and the head of the recent list
    window.resize(1440, 900)
    window.show()
    app.processEvents()
    window.close()  # saves window/geometry and window/state
    settings.sync()
    for key in ("last_db", "lang", "recent", "window/geometry", "window/state"):
        assert settings.value(key), f"the lived-in settings lack {key}"
    return path


Timing = tuple[float, float]  # median wall time, median processor time (s)


def startup(sample: Path, runs: int, work: Path, lived_in: Path,
            ) -> dict[str, tuple[Timing, Timing]]:
    """Median start-up (wall, processor) of esgdesk and of the bare window, with fresh and
    lived-in settings."""
    fresh_config, lived_config = work / "fresh-config", work / "lived-config"
    saved = lived_in.read_bytes()

    def fresh() -> None:
        shutil.rmtree(fresh_config, ignore_errors=True)

    def lived() -> None:  # each run saves its own geometry on closing: start from the same
        (lived_config / SETTINGS_FILE).parent.mkdir(parents=True, exist_ok=True)
        (lived_config / SETTINGS_FILE).write_bytes(saved)

    # Bytecode as an installed esgdesk has it (pip and the bundle compile it; a first run
    # writes it): a cache of the runs' own, filled by the warm-up round, so neither
    # PYTHONDONTWRITEBYTECODE nor sources being edited add compiling to every timed run.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPYCACHEPREFIX": str(work / "bytecode")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    app = [sys.executable, str(ROOT / "main.py"), "--screenshot", str(work / "app.png")]
    setups = {
        "fresh": (fresh, [*app, "--db", str(sample)],
                  {**env, "XDG_CONFIG_HOME": str(fresh_config)}),
        "lived-in": (lived, app, {**env, "XDG_CONFIG_HOME": str(lived_config)}),
    }
    bare = [sys.executable, str(ROOT / "bench" / "bare_window.py"), str(work / "bare.png")]
    times: dict[str, tuple[list[Timing], list[Timing]]] = {k: ([], []) for k in setups}
    for warm_up in (True, *([False] * runs)):  # the first round warms the file caches
        for name, (prepare, command, environment) in setups.items():
            prepare()
            app_time = _timed(command, environment)
            bare_time = _timed(bare, environment)
            if not warm_up:
                times[name][0].append(app_time)
                times[name][1].append(bare_time)
    def medians(taken: list[Timing]) -> Timing:
        return (statistics.median(wall for wall, _ in taken),
                statistics.median(cpu for _, cpu in taken))

    return {name: (medians(ours), medians(floor)) for name, (ours, floor) in times.items()}


def skeleton_floor(runs: int, work: Path) -> tuple[float, float]:
    """Median wall times of the skeleton of a data-entry window (bench/skeleton_window.py)
    and of the bare window, run alternately: how much of the aim any such window takes
    before esgdesk's own code runs."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPYCACHEPREFIX": str(work / "bytecode")}
    programs = [[sys.executable, str(ROOT / "bench" / name), str(work / f"{name}.png")]
                for name in ("skeleton_window.py", "bare_window.py")]
    taken: tuple[list[float], list[float]] = ([], [])
    for warm_up in (True, *([False] * runs)):
        for program, times in zip(programs, taken, strict=True):
            wall = _timed(program, env)[0]
            if not warm_up:
                times.append(wall)
    return statistics.median(taken[0]), statistics.median(taken[1])


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
    parser.add_argument("--bundle", action="store_true",
                        help="time the built bundle (dist/esgdesk) against the venv instead")
    args = parser.parse_args()
    if args.bundle:
        import startup_bundle

        sys.argv = [sys.argv[0], "--runs", str(args.runs)]
        return startup_bundle.main()
    from esgdesk.application.sample import create_sample

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sample = work / "sample.db"
        create_sample(sample).close()
        lived_in = lived_in_settings(sample, work / "saved-config")
        load_before = os.getloadavg()
        medians = startup(sample, args.runs, work, lived_in)
        load_after = os.getloadavg()
        print(f"start-up to first painted window, median of {args.runs} runs "
              f"(aim: at most {AIM}x a bare PySide6 window), wall time and processor time:")
        print(f"  {'':14}{'fresh settings':>26}{'lived-in settings':>28}")
        print(f"  {'':14}{'wall':>13}{'processor':>13}{'wall':>15}{'processor':>13}")
        rows = {"esgdesk": [medians[k][0] for k in ("fresh", "lived-in")],
                "bare PySide6": [medians[k][1] for k in ("fresh", "lived-in")]}
        for label, ((fresh_wall, fresh_cpu), (lived_wall, lived_cpu)) in rows.items():
            print(f"  {label:14}{fresh_wall * 1000:10.0f} ms{fresh_cpu * 1000:10.0f} ms"
                  f"{lived_wall * 1000:12.0f} ms{lived_cpu * 1000:10.0f} ms")
        ratios = [ours[i] / floor[i] for ours, floor in (medians["fresh"], medians["lived-in"])
                  for i in (0, 1)]
        print(f"  {'ratio':14}{ratios[0]:11.2f} x{ratios[1]:11.2f} x"
              f"{ratios[2]:13.2f} x{ratios[3]:11.2f} x   (aim: at most {AIM} x)")
        print("  load average (1, 5, 15 min) before {} and after {}: the machine's other work "
              "makes the runs noisy".format(*(", ".join(f"{x:.2f}" for x in load)
                                              for load in (load_before, load_after))))
        skeleton, bare = skeleton_floor(args.runs, work)
        print(f"  a skeleton window (a menu bar, a tool bar, a tree, a 40-row table; no code of "
              f"esgdesk's): {skeleton * 1000:.0f} ms, {skeleton / bare:.2f} x the bare window's "
              f"{bare * 1000:.0f} ms")
        first, again = chapter_switching(sample, work)
        print("chapter switching (show + paint), sample group, 2023:")
        print(f"  switching    median {statistics.median(again) * 1000:5.0f} ms, "
              f"max {max(again) * 1000:5.0f} ms   (aim: under 100 ms)")
        print(f"  building a chapter's form (done in the background after start-up): "
              f"median {statistics.median(first) * 1000:.0f} ms, max {max(first) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
