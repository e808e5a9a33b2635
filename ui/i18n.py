"""The interface translation (English is the source language; Chinese from Qt Linguist)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from esgdesk.paths import RESOURCES

I18N = RESOURCES / "i18n"
_installed: list[QTranslator] = []


def install_translator(lang: str) -> None:
    """Swap the interface translation; widgets then retranslate themselves."""
    app = QCoreApplication.instance()
    if app is None:
        return
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if lang == "zh":
        translator = QTranslator()
        if translator.load(str(I18N / "esgdesk_zh_CN.qm")):
            app.installTranslator(translator)
            _installed.append(translator)


def tr(text: str) -> str:
    """A main-window text in the interface language (the window's parts share its context
    in the translation file)."""
    return QCoreApplication.translate("MainWindow", text)
