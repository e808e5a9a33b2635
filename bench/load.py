"""The app under load: `python bench/load.py` prints the figures.

On the generated group (89 subsidiaries × 10 years, about 170,000 figures): opening the
database in the window, switching chapters and switching entities, each after start-up
(every chapter's form built), and the process's peak memory. Aims: each under 100 ms,
peak under 300 MB.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from esgdesk.backup import check_file
    from esgdesk.generate import generate_group
    from ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        store = generate_group(work / "group.db")
        figures = sum(1 for _ in store.all_values())
        start = time.perf_counter()
        rows = store.verify_audit().rows
        chain = time.perf_counter() - start
        start = time.perf_counter()
        assert check_file(work / "group.db", full=True) is None
        integrity = time.perf_counter() - start
        size = (work / "group.db").stat().st_size / 1e6
        codes = [e.code for e in store.entities()]
        store.close()
        app = QApplication.instance() or QApplication([])
        window = MainWindow(QSettings(str(work / "b.ini"), QSettings.Format.IniFormat), "zh")
        window.resize(1280, 800)
        window.show()
        opened = []
        for _ in range(3):
            start = time.perf_counter()
            window.open_database(work / "group.db", "group", 2023)
            app.processEvents()
            opened.append(time.perf_counter() - start)
        window.prebuild_forms()
        for _ in range(20):
            app.processEvents()
        window.validate()
        chapters = [c.id for c in window.catalogue.chapters]
        switches = []
        for _ in range(3):
            for chapter in chapters:
                start = time.perf_counter()
                window.show_chapter(chapter)
                app.processEvents()
                switches.append(time.perf_counter() - start)
        window.show_chapter("people")
        entities = []
        for code in [*codes[1:31], "group"]:
            start = time.perf_counter()
            window.select(code, 2023)
            app.processEvents()
            entities.append(time.perf_counter() - start)
        validation = []
        for code in ("cn-001", "group"):
            window.select(code, 2023)
            start = time.perf_counter()
            window.validate()
            validation.append(time.perf_counter() - start)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        window.close()
        window.deleteLater()
        app.processEvents()
        del window

    def show(name: str, values: list[float]) -> None:
        print(f"  {name:<34} median {statistics.median(values) * 1000:6.0f} ms, "
              f"max {max(values) * 1000:6.0f} ms")

    print(f"generated group: {len(codes)} entities, {figures:,} figures")
    show("opening the database in the window", opened)
    show("switching chapters", switches)
    show("switching entities (one company)", entities[:-1])
    show("switching to the whole group", entities[-1:])
    show("validating a company / the group", validation)
    print(f"  peak memory of the app process     {peak:.0f} MB   (aims: 100 ms, 300 MB)")
    print(f"  on the worker thread after opening: integrity_check of the {size:.0f} MB file "
          f"{integrity * 1000:.0f} ms, audit chain of {rows:,} rows {chain * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # Skip the interpreter's final garbage collection: tearing down thousands of Qt
    # objects there aborts inside PySide6 (the app itself quits through Qt's event loop).
    os._exit(code)
