"""What this esgdesk is built from: its version, the catalogue's, Qt's, SQLite's and Python's
(printed by `esgdesk --version`, shown by Help → About, written at the top of the log)."""

from __future__ import annotations

import importlib
import importlib.util
import platform
import sqlite3
import sys

import esgdesk
from esgdesk.model.templates import template_catalogue


def _qt_versions() -> tuple[str, str]:
    """Qt's and PySide6's versions, or "not installed". The core never depends on Qt, so it
    is looked up by name, and only QtCore is loaded: no application object is made."""
    if importlib.util.find_spec("PySide6") is None:
        return "not installed", "not installed"
    pyside = importlib.import_module("PySide6")
    qt_core = importlib.import_module("PySide6.QtCore")
    return qt_core.qVersion(), pyside.__version__


def versions() -> dict[str, str]:
    """Each part esgdesk runs on, by name, in the order shown."""
    catalogue = template_catalogue()
    qt, pyside = _qt_versions()
    build = "bundle" if getattr(sys, "frozen", False) else sys.prefix
    return {
        "esgdesk": esgdesk.__version__,
        "Catalogue": f"{catalogue.version} ({catalogue.report.en})",
        "Qt": qt,
        "PySide6": pyside,
        "SQLite": sqlite3.sqlite_version,
        "Python": f"{platform.python_version()} ({build})",
        "System": f"{platform.system()} {platform.release()} {platform.machine()}",
    }


def version_text() -> str:
    """One line per part, as `esgdesk --version` prints it."""
    parts = versions()
    width = max(len(name) for name in parts)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in parts.items())


ABOUT = {
    "en": "esgdesk collects, validates and exports a company's annual ESG figures. It keeps "
          "everything on this computer and sends nothing anywhere.",
    "zh": "esgdesk 收集、校验并导出公司的年度 ESG 数据。所有内容都保存在本机，不向任何地方"
          "发送。",
}
PART_NAMES_ZH = {"Catalogue": "指标目录", "System": "操作系统"}  # the others are names


def about_text(lang: str = "en") -> str:
    """The text of Help → About in a language: what esgdesk is, then the same facts as
    `--version` (in Chinese, with Chinese names for the parts and the catalogue)."""
    parts = versions()
    if lang == "zh":
        catalogue = template_catalogue()
        build = "安装包" if getattr(sys, "frozen", False) else sys.prefix
        parts["Catalogue"] = f"{catalogue.version}（{catalogue.report.zh}）"
        parts["Python"] = f"{platform.python_version()}（{build}）"
        parts = {PART_NAMES_ZH.get(name, name): value for name, value in parts.items()}
    width = max(len(name) for name in parts)
    lines = "\n".join(f"{name:<{width}}  {value}" for name, value in parts.items())
    return f"{ABOUT[lang]}\n\n{lines}"
