"""Start the desktop app: options, settings, translations, the database to open, and what
happens to an unexpected error (a dialog and a rotating log; nothing is sent anywhere)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.application.databases import location
from esgdesk.paths import log_file

if TYPE_CHECKING:
    from logging import Logger
    from types import TracebackType

    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QWidget

LOG_BYTES = 1_000_000
LOG_BACKUPS = 3


def logger() -> Logger:
    """esgdesk's logger (logging is imported when first used: after the first paint, or at
    an error)."""
    import logging

    return logging.getLogger("esgdesk")


def __getattr__(name: str) -> Any:
    if name == "LOG":  # the logger, as `ui.app.LOG`
        return logger()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="esgdesk", description="The esgdesk desktop app")
    parser.add_argument("--db", type=location, help="database file or postgresql:// URL to "
                        "open (default: the last one)")
    parser.add_argument("--entity", help="entity code (default: the group)")
    parser.add_argument("--year", type=int, help="reporting year (default: the latest held)")
    parser.add_argument("--chapter", help="chapter id, e.g. people (default: the key figures)")
    parser.add_argument("--lang", choices=("zh", "en"), help="interface language")
    parser.add_argument("--screenshot", type=Path, help="render the window to a PNG and exit")
    parser.add_argument("--size", type=_size, help="the window's size as WIDTHxHEIGHT "
                        "(a screenshot's: 1280x800 unless given)")
    return parser.parse_args(argv)


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not WIDTHxHEIGHT: {text!r}") from None
    return width, height


def start_log() -> Path | None:
    """Write esgdesk's log to the user data folder, rotated at LOG_BYTES; None if that folder
    cannot be written (the app runs on without a log)."""
    import logging
    from logging.handlers import RotatingFileHandler  # after the first paint, or an error

    log = logger()
    path = log_file()
    if any(getattr(h, "baseFilename", None) == str(path) for h in log.handlers):
        return path

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS,
                                      encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    from esgdesk import __version__

    log.info("esgdesk %s started", __version__)
    return path


def show_unexpected_error(details: str, log: Path | None) -> None:
    """A dialog with the error's details to copy, and where the log is."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    where = (f"详细信息已写入日志 / The details are in the log:\n{log}" if log is not None else
             "无法写入日志 / No log could be written.")
    box = QMessageBox(QMessageBox.Icon.Critical, "esgdesk",
                      "esgdesk 遇到了意外错误。\nesgdesk hit an unexpected error.",
                      QMessageBox.StandardButton.Close, QApplication.activeWindow())
    box.setInformativeText(f"{where}\n\n未发送任何内容。/ Nothing was sent anywhere.")
    box.setDetailedText(details)
    copy = box.addButton("复制详细信息 / Copy details", QMessageBox.ButtonRole.ActionRole)
    box.exec()
    if box.clickedButton() is copy:
        QApplication.clipboard().setText(details)


def report_unexpected_errors() -> None:
    """Route errors nothing caught (in a slot, an event handler) to the log and a dialog,
    rather than to a console the user never sees. One dialog at a time: an error raised
    again while it is open (say, on every paint) is only logged. The app starts the log
    after its first paint; an error before then starts it."""
    showing = False

    def hook(kind: type[BaseException], error: BaseException,
             trace: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        import traceback

        from esgdesk.application.version import version_text

        log = start_log()
        details = (f"{version_text()}\n\n"
                   + "".join(traceback.format_exception(kind, error, trace)))
        if getattr(error, "kind", "") == "unreachable":  # the server went away: the window's
            logger().warning("server unreachable\n%s", details)  # banner says so, retrying
            return
        logger().error("unexpected error\n%s", details)
        if showing:
            return
        showing = True
        try:
            show_unexpected_error(details, log)
        finally:
            showing = False

    sys.excepthook = hook


def skip_pyside_source_scan() -> None:
    """PySide6 reads the source of every module imported after it, and of every module
    imported before it that an import statement names again, looking for its name (to
    support `from __feature__ import …`, which esgdesk never uses): some seventy files read
    before the first paint. Its table of modules is given the answer it would work out
    itself: ui/ uses PySide6; esgdesk/ never does, nor does any module imported before it
    (the standard library's, the domain's). A PySide6 without that table reads them."""
    table = getattr(sys.modules.get("shibokensupport.feature"), "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return
    ui_folder = Path(__file__).parent
    core = ui_folder.parent / "esgdesk"
    table.setdefault("ui", 0)
    try:
        packages = [("ui", ui_folder, 0), ("esgdesk", core, -1)]
        packages += [(f"esgdesk.{p.name}", p, -1) for p in core.iterdir()
                     if (p / "__init__.py").is_file()]
        for package, folder, uses_pyside in packages:
            for name in os.listdir(folder):
                if name.endswith(".py") and name != "__init__.py":
                    table.setdefault(f"{package}.{name[:-3]}", uses_pyside)
    except OSError:  # a bundle holds no sources to scan either
        pass
    for name in list(sys.modules):
        table.setdefault(name, -1)


def first_paint_picture(widget: QWidget) -> QPixmap:
    """A top-level widget as its last paint left it. On the offscreen platform (screenshots
    made without a screen) the screen's copy of a window is the image the window was painted
    into: read back, not painted again, which for the forms' tables would cost as much as the
    paint itself. On a real screen another window may lie over it there: it is rendered
    again."""
    from PySide6.QtGui import QGuiApplication

    screen = widget.screen()
    if QGuiApplication.platformName() == "offscreen" and screen is not None:
        return screen.grabWindow(widget.winId())
    return widget.grab()


def ending(code: int) -> int:
    """The app ends with `code`. Closing the database gave the objects alive to the cyclic
    collector again (for the database opened next: there is none), and Python's last
    collection on the way out would walk every one, some fifty thousand: they are kept out
    of it, as they were while the window was open (nothing is left to collect among them:
    the database, the log and the settings are closed and written by then)."""
    import gc

    gc.freeze()
    return code


def run(argv: list[str]) -> int:
    from esgdesk.errors import PasswordInUrl

    try:
        options = _options(argv)
    except PasswordInUrl as exc:  # --db given with a password: refused before anything opens
        print(f"esgdesk: {exc.message()}", file=sys.stderr)
        return exc.exit_code
    from ui.first_paint import after_first_paint, discard, hold, release_after_first_paint

    hold()  # until the forms are painted: no validation run, no file check, no collector
    # The domain before Qt: once imported, PySide6 reads the source of every module imported
    # after it (looking for its own name), and the domain's modules never use it.
    import esgdesk.application.session  # noqa: F401
    from esgdesk.errors import EsgdeskError

    if not options.screenshot:  # a screenshot run has no one to show a dialog to
        report_unexpected_errors()
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    skip_pyside_source_scan()
    from ui.icons import icon

    # Qt's raster engine hands every fill taller than about 96 lines (a scroll bar, the tool
    # bar) to a pool of threads and waits for them: for the forms' small fills the hand-off
    # costs more than the fill, some two thousand thread switches on the first paint alone.
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("esgdesk")
    app.setOrganizationName("esgdesk")
    app.setWindowIcon(icon("esgdesk"))
    font = QFont(app.font())
    font.setFamilies(["Noto Sans CJK SC", "Noto Sans", *font.families()])
    app.setFont(font)
    settings = QSettings()
    lang = options.lang or str(settings.value("lang", "zh"))
    from ui.i18n import missing_translations

    if missing_translations(lang):  # the window says so, in the log rather than on a console
        start_log()
    from ui.main_window import MainWindow

    window = MainWindow(settings, lang)
    if options.screenshot:  # the picture shows a parent's figures: read with the entity's
        window.session.defer_tree = False
    path = options.db or (location(str(settings.value("last_db"))) if settings.value("last_db")
                          else None)
    try:
        if path is not None:  # where the user left it, unless the options say otherwise
            window.open_where_left(path, options.entity, options.year, options.chapter)
    except (EsgdeskError, KeyError) as exc:
        message = exc.message() if isinstance(exc, EsgdeskError) else f"unknown chapter {exc}"
        if options.screenshot:
            print(f"esgdesk: {message}", file=sys.stderr)
            return 2
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(window, "esgdesk", message)
    if options.size is not None or options.screenshot:
        window.resize(*(options.size or (1280, 800)))
    elif settings.value("window/geometry") is None:
        from ui.panes import first_run_geometry

        screen = window.screen() or app.primaryScreen()
        window.setGeometry(first_run_geometry(screen.availableGeometry()))
    window.show()
    if options.screenshot:  # the first paint is the picture: nothing waits for it
        app.processEvents()
        discard()
        first_paint_picture(window).save(str(options.screenshot))
        window.close()
        return ending(0)
    form = window.current_form()
    if form is not None:
        form.focus_current()  # the cell taken where the user left it, else the first
    after_first_paint(start_log)
    if window.store is not None:
        # After the first paint: build the other chapters' forms so switching never waits
        # for one (the writing side is loaded beside the window once the findings show).
        after_first_paint(window.prebuild_forms)
    release_after_first_paint(window)
    return ending(app.exec())
