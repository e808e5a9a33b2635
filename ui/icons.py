"""Icons from resources/icons, loaded once."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from esgdesk.paths import RESOURCES

ICONS = RESOURCES / "icons"


@cache
def icon(name: str) -> QIcon:
    return QIcon(str(ICONS / f"{name}.svg"))
