"""A year's catalogue, once read from a database's stored document, kept in the user's cache
folder (a pickle named by the document's hash and year, the text's checksum and the code's
stamp) and in memory for the databases a process opens: reading the document again is most
of opening a database. A cache that is missing, damaged or of other content is never
trusted; one that cannot be written only costs speed."""

from __future__ import annotations

import os
from pathlib import Path

from esgdesk.model.catalogue import Catalogue
from esgdesk.paths import code_stamp, user_cache_folder

MODEL = Path(__file__).resolve().parent.parent / "model"
# The files defining what a cached catalogue is made of, and the checks that passed it.
CODE_FILES = ("catalogue/__init__.py", "catalogue/records.py", "catalogue/documents.py",
              "catalogue/checks.py", "formula.py", "types.py", "units.py")

EDITIONS_CACHED = 24  # catalogues kept in the user's cache folder (some 180 kB each)


def _code_stamp() -> str:
    """What the classes a cached catalogue is made of, and the checks that passed it, look
    like (see `code_stamp`)."""
    return code_stamp(MODEL / name for name in CODE_FILES)


def _edition_cache_file(content: str, year: int, content_hash: str) -> Path:
    """The cache file of a stored document read for a year: named by the document's hash
    and year, a checksum and the length of the very text stored, and the code's stamp, so
    that other content (or other code) never reads it."""
    import zlib

    text = content.encode("utf-8")
    stamp = zlib.crc32(_code_stamp().encode("utf-8"))
    name = (f"edition-{content_hash[:32]}-{year}-{zlib.crc32(text):08x}-{len(text)}-"
            f"{stamp:08x}.pickle")
    return user_cache_folder() / name


def cached_edition(content: str, year: int, content_hash: str) -> Catalogue | None:
    """The catalogue a stored document's text gave for a year when it was last read on
    this computer (reading it again is most of opening a database); None when there is
    none, or the cache cannot be read (the caller reads the document)."""
    try:
        path = _edition_cache_file(content, year, content_hash)
    except Exception:  # no cache folder to name: read the document
        return None
    if str(path) in _editions_in_use:  # opened again in this process (another database)
        return _editions_in_use[str(path)]
    try:  # the C unpickler alone: pickle.py's own import costs more than reading the file
        from _pickle import load
    except ImportError:
        from pickle import load
    try:
        with path.open("rb") as handle:
            found = load(handle)
    except Exception:  # missing, unreadable or damaged (pickle raises many): read it again
        return None
    if not isinstance(found, Catalogue) or found.content_hash != content_hash \
            or found.report_year != year:
        return None
    _in_use(str(path), found)
    return found


# The catalogues read in this process, by their cache file (the same document text for the
# same year, read by the same code): a database opened after another of the same
# edition shares its catalogue, which is never changed once read.
_editions_in_use: dict[str, Catalogue] = {}
EDITIONS_IN_MEMORY = 4


def _in_use(name: str, catalogue: Catalogue) -> None:
    _editions_in_use.pop(name, None)
    _editions_in_use[name] = catalogue
    while len(_editions_in_use) > EDITIONS_IN_MEMORY:  # the least recently read go
        del _editions_in_use[next(iter(_editions_in_use))]


def keep_edition(content: str, year: int, catalogue: Catalogue) -> None:
    """Keep a catalogue read from a stored document's text for the next start (a cache
    that cannot be written only costs speed)."""
    import pickle

    try:
        path = _edition_cache_file(content, year, catalogue.content_hash)
        _in_use(str(path), catalogue)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(catalogue, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
        kept = sorted(path.parent.glob("edition-*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-EDITIONS_CACHED]:  # the least recently written go
            old.unlink(missing_ok=True)
    except Exception:  # whatever stops it, the catalogue was read all the same
        pass

