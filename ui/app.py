"""Start the desktop app: options, settings, translations, the database to open."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="esgdesk", description="The esgdesk desktop app")
    parser.add_argument("--db", type=Path, help="database file to open (default: the last one)")
    parser.add_argument("--entity", help="entity code (default: the group)")
    parser.add_argument("--year", type=int, help="reporting year (default: the latest held)")
    parser.add_argument("--chapter", help="chapter id, e.g. people (default: the key figures)")
    parser.add_argument("--lang", choices=("zh", "en"), help="interface language")
    parser.add_argument("--screenshot", type=Path, help="render the window to a PNG and exit")
    return parser.parse_args(argv)


def run(argv: list[str]) -> int:
    options = _options(argv)
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication, QMessageBox

    from esgdesk.errors import EsgdeskError

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("esgdesk")
    app.setOrganizationName("esgdesk")
    font = QFont(app.font())
    font.setFamilies(["Noto Sans CJK SC", "Noto Sans", *font.families()])
    app.setFont(font)
    settings = QSettings()
    lang = options.lang or str(settings.value("lang", "zh"))
    from ui.main_window import MainWindow

    window = MainWindow(settings, lang)
    path = options.db or (Path(str(settings.value("last_db"))) if settings.value("last_db")
                          else None)
    try:
        if path is not None:
            window.open_database(path, options.entity, options.year, options.chapter)
    except (EsgdeskError, KeyError) as exc:
        message = exc.message() if isinstance(exc, EsgdeskError) else f"unknown chapter {exc}"
        if options.screenshot:
            print(f"esgdesk: {message}", file=sys.stderr)
            return 2
        QMessageBox.warning(window, "esgdesk", message)
    if settings.value("window/geometry") is None or options.screenshot:
        window.resize(1280, 800)
    window.show()
    if options.screenshot:
        app.processEvents()
        window.grab().save(str(options.screenshot))
        window.close()
        return 0
    form = window.current_form()
    if form is not None:
        form.focus_first()
    if window.store is not None:
        # After the first paint: load the writing side so the first edit does not wait,
        # and build the other chapters' forms so switching never waits for one.
        QTimer.singleShot(0, window.store.warm_up)
        QTimer.singleShot(0, window.prebuild_forms)
    return app.exec()
