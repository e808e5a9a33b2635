"""The interface translation (English is the source language; Chinese from Qt Linguist, and
Qt's own dialogs and buttons from the qtbase translation that comes with PySide6)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from esgdesk.paths import RESOURCES

if TYPE_CHECKING:
    from esgdesk.model.catalogue import Catalogue

I18N = RESOURCES / "i18n"
_installed: list[QTranslator] = []


def translation_files(lang: str) -> list[Path]:
    """The compiled translations a language needs: esgdesk's and Qt's own."""
    if lang != "zh":
        return []
    qt = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    return [I18N / "esgdesk_zh_CN.qm", qt / "qtbase_zh_CN.qm"]


def missing_translations(lang: str) -> list[Path]:
    """The compiled translations a language needs that are not there (an install whose build
    compiled none shows its English source instead)."""
    return [path for path in translation_files(lang) if not path.is_file()]


def install_translator(lang: str) -> None:
    """Swap the interface translation; widgets then retranslate themselves. A translation
    that cannot be loaded is said in the log."""
    app = QCoreApplication.instance()
    if app is None:
        return
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    # What Qt words from the system rather than a translation (a file's kind in the file
    # dialog, "SQLite3 database") follows the locale.
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    for path in translation_files(lang):
        translator = QTranslator()
        if translator.load(str(path)):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            _log_missing(path)


def _log_missing(path: Path) -> None:
    import logging

    logging.getLogger("esgdesk").warning(
        "no compiled translation at %s: the interface shows English where it should be "
        "Chinese (the package build compiles resources/i18n/*.ts with PySide6's lrelease: "
        "reinstall esgdesk with pip, or run `make` in a checkout)", path)


def tr(text: str) -> str:
    """A main-window text in the interface language (the window's parts share its context
    in the translation file)."""
    return QCoreApplication.translate("MainWindow", text)


def counted(n: int, one: str, many: str, context: str = "MainWindow") -> str:
    """A count with its noun in the interface language: "1 error", "2 errors" (English is
    the source, so both forms are source texts; Chinese translates both alike)."""
    return QCoreApplication.translate(context, one if n == 1 else many).replace("{n}", str(n))


def severity_word(severity: str, explained: bool = False) -> str:
    """A finding's severity (or "explained") in the interface language."""
    if explained:
        return tr("explained")
    words = {"error": tr("Error"), "warning": tr("Warning"), "info": tr("Info")}
    return words.get(severity, severity)


def status_word(status: str | None) -> str:
    """A figure's status (draft, submitted, approved, locked) in the interface language."""
    if not status:
        return "—"
    words = {"draft": tr("draft"), "submitted": tr("submitted"), "approved": tr("approved"),
             "locked": tr("locked")}
    return words.get(status, status)


def finding_line(severity: str, explained: bool, message: str) -> str:
    """A finding as one line: its severity, then what it says."""
    return tr("{severity}: {message}").replace(
        "{severity}", severity_word(severity, explained)).replace("{message}", message)


def user_caption(catalogue: Catalogue | None, settings: Any, user: str, lang: str) -> str:
    """Who is working, and for which department (of the open year's edition), for the
    status bar."""
    key = str(settings.value("profile/department", ""))
    department = catalogue.departments.get(key) if catalogue is not None else None
    return user + (f" · {department(lang)}" if department else "")
