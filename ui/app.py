"""Start the desktop app: options, the database to open, the main window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="esgdesk", description="esgdesk desktop app")
    parser.add_argument("--db", type=Path, help="database file to open")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--screenshot", type=Path, help="render the window to a PNG and exit")
    return parser.parse_args(argv)


def run(argv: list[str]) -> int:
    options = _options(argv)
    from PySide6.QtWidgets import QApplication, QMessageBox

    from esgdesk.errors import EsgdeskError
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("esgdesk")
    app.setOrganizationName("esgdesk")
    window = MainWindow(lang=options.lang)
    if options.db is not None:
        try:
            window.open_database(options.db)
        except EsgdeskError as exc:
            QMessageBox.critical(window, "esgdesk", exc.message())
            if options.screenshot:
                return 2
    window.resize(1100, 720)
    window.show()
    if options.screenshot:
        app.processEvents()
        window.grab().save(str(options.screenshot))
        return 0
    return app.exec()
