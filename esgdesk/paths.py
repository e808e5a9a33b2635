"""Where esgdesk finds its shipped resources and keeps the user's files."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path


def _resources() -> Path:
    """A frozen bundle unpacks resources/ next to its executable (PyInstaller's
    sys._MEIPASS); an installed wheel carries them inside the esgdesk package (setup.py puts
    them there); a checkout, and an editable install of one, keeps them beside the package."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen is not None:
        return Path(frozen) / "resources"
    package = Path(__file__).resolve().parent
    installed = package / "resources"
    return installed if installed.is_dir() else package.parent / "resources"


RESOURCES = _resources()


def code_stamp(files: Iterable[Path]) -> str:
    """What the code that made something kept in the cache folder looks like: esgdesk's
    version, Python's, and the size and time of each file given (an edited or upgraded
    esgdesk works it out again), or in a bundle without them, the executable's."""
    from esgdesk import __version__

    stamp = [__version__, sys.version]
    for file in files:
        try:
            found = os.stat(file)
        except OSError:
            found = os.stat(sys.executable)
        stamp.append(f"{found.st_mtime_ns}:{found.st_size}")
    return "|".join(stamp)


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


def user_cache_folder() -> Path:
    """The folder of what esgdesk keeps to start faster (ESGDESK_CACHE_DIR, else the
    platform's cache folder): anything in it may be lost."""
    override = os.environ.get("ESGDESK_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform.startswith("linux"):  # platformdirs' answer, without importing it
        return Path(os.environ.get("XDG_CACHE_HOME", "").strip()
                    or os.path.expanduser("~/.cache")) / "esgdesk"
    from platformdirs import user_cache_path

    return user_cache_path("esgdesk", appauthor=False)
