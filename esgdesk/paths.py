"""Where esgdesk finds its shipped resources and keeps the user's files."""

from __future__ import annotations

import sys
from pathlib import Path

# A frozen bundle unpacks next to its executable (PyInstaller's sys._MEIPASS); a checkout
# or an installed package keeps resources/ beside the esgdesk package.
_BASE = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
RESOURCES = _BASE / "resources"


def user_data_folder() -> Path:
    """The platform's folder for the user's databases, drafts and logs."""
    from platformdirs import user_data_path

    return user_data_path("esgdesk", appauthor=False)


def default_database() -> Path:
    """The database commands use when none is named."""
    return user_data_folder() / "esgdesk.db"


def log_file() -> Path:
    """The app's rotating log: unexpected errors, kept on this computer only."""
    return user_data_folder() / "logs" / "esgdesk.log"
