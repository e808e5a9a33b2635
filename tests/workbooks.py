"""openpyxl's load_workbook for the tests, quicker where a test process reads the same bytes
again: many tests edit their own copy of one written workbook (the sample's catalogue book, a
request), and parsing its XML again for each took a fifth of a second a time.

A file is parsed as openpyxl parses it; the second time the same bytes are asked for, the
workbook parsed from them is also kept pickled, and from then on each caller gets a fresh copy
unpickled from it: a workbook of its own to change, as a parse would give it, in a tenth of
the time. The key is the file's whole content, so a file the product writes differently is
parsed afresh. Any other way of opening (read-only, values only, a file object) is openpyxl's
own."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from typing import Any

from openpyxl import load_workbook as _parse

_seen: set[bytes] = set()  # the digests of the contents parsed once
_parsed: dict[bytes, bytes] = {}  # digest → the workbook parsed from it, pickled


def load_workbook(filename: Any, **options: Any) -> Any:
    """`openpyxl.load_workbook(filename, **options)`: a workbook of the caller's own."""
    if options or not isinstance(filename, (str, os.PathLike)):
        return _parse(filename, **options)
    with open(filename, "rb") as file:
        digest = hashlib.sha256(file.read()).digest()
    kept = _parsed.get(digest)
    if kept is not None:
        return pickle.loads(kept)
    book = _parse(filename)
    if digest in _seen:
        # a workbook that cannot be pickled is parsed each time
        with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):
            _parsed[digest] = pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL)
    _seen.add(digest)
    return book
