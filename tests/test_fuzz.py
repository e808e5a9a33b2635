"""Hostile and broken files: at least 1,000 of them, each ending in a clear message within a
time limit, no crash, and the database byte-for-byte unchanged.

Returned workbooks: truncated and bit-flipped files, zips with members removed, replaced or
added, XML entity bombs, a part expanding past the size limit, a million-row sheet,
formulas, NaN, infinities, 1e308 and negative counts where figures belong, macro-enabled
files. Database files: other applications' SQLite files, truncated and bit-flipped
esgdesk databases, random bytes. ESGDESK_SOAK=1 (make soak) runs ten times as many."""

from __future__ import annotations

import hashlib
import io
import os
import random
import sqlite3
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from esgdesk.errors import EsgdeskError
from esgdesk.exchange.intake import import_files
from esgdesk.exchange.metadata import META_SHEET, read_meta
from esgdesk.exchange.requests import write_request
from esgdesk.storage.backup import check_file
from esgdesk.storage.store import Store, open_database

SCALE = 10 if os.environ.get("ESGDESK_SOAK") else 1
LIMIT_S = 10.0  # the slowest refusal allowed


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
        b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row>'
        b'</sheetData></worksheet>')
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>'
            b'</sheetData></worksheet>')


def _million_rows() -> bytes:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n)
                    for n in range(1, 1_048_577))
    return (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>")


PLACEHOLDER = 987654321


def _typed(path: Path, value: Any, indicator: str = "people.employees.total") -> bytes:
    """A returned workbook with `value` in a figure's cell. Raw bytes (b"NaN") go straight
    into the sheet's XML, as another program could write them; openpyxl would not."""
    book = load_workbook(path)
    _meta, cells = read_meta(book[META_SHEET], path.name)
    cell = next(c for c in cells if c.kind == "value" and c.indicator == indicator)
    book[cell.sheet][cell.cell] = PLACEHOLDER if isinstance(value, bytes) else value
    buffer = io.BytesIO()
    book.save(buffer)
    if not isinstance(value, bytes):
        return buffer.getvalue()
    members = _members(buffer.getvalue())
    for name, body in members.items():
        members[name] = body.replace(b"<v>%d</v>" % PLACEHOLDER, b"<v>" + value + b"</v>")
    return _zip(members)


def _noted(path: Path, text: bytes, indicator: str = "people.employees.total") -> bytes:
    """A returned workbook with `text` as a figure's explanation, put into the XML as
    another program could write it (openpyxl cuts text at 32,767 characters)."""
    book = load_workbook(path)
    _meta, cells = read_meta(book[META_SHEET], path.name)
    for kind, value in (("value", 4300), ("note", str(PLACEHOLDER))):
        cell = next(c for c in cells if c.kind == kind and c.indicator == indicator)
        book[cell.sheet][cell.cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    members = _members(buffer.getvalue())
    for name, body in members.items():
        members[name] = body.replace(b">%d<" % PLACEHOLDER, b">" + text + b"<")
    return _zip(members)


def workbook_inputs(base: Path, rng: random.Random) -> list[tuple[str, str, bytes]]:
    """(kind, file name, content) of broken returned workbooks."""
    data = base.read_bytes()
    members = _members(data)
    sheets = [n for n in members if n.startswith("xl/worksheets/")]
    inputs: list[tuple[str, str, bytes]] = []
    for _ in range(300 * SCALE):
        inputs.append(("truncated", "t.xlsx", data[:rng.randrange(0, len(data))]))
    for _ in range(450 * SCALE):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            spot = rng.randrange(len(flipped))
            flipped[spot] ^= 1 << rng.randrange(8)
        inputs.append(("bit-flipped", "b.xlsx", bytes(flipped)))
    for _ in range(150 * SCALE):
        changed = dict(members)
        what = rng.choice(("drop", "garbage", "swap", "empty"))
        name = rng.choice(list(changed))
        if what == "drop":
            del changed[name]
        elif what == "garbage":
            changed[name] = rng.randbytes(rng.randint(0, 2000))
        elif what == "swap":
            other = rng.choice(list(changed))
            changed[name], changed[other] = changed[other], changed[name]
        else:
            changed[name] = b""
        inputs.append((f"member-{what}", "m.xlsx", _zip(changed)))
    for number in range(10 * SCALE):
        inputs.append(("entity-bomb", "e.xlsx", _zip({**members,
                                                      sheets[number % len(sheets)]: BOMB})))
        inputs.append(("external-entity", "x.xlsx",
                       _zip({**members, sheets[number % len(sheets)]: EXTERNAL})))
    inputs.append(("zip-bomb", "z.xlsx", _zip({**members, "xl/media/pad.bin": bytes(60 << 20)})))
    inputs.append(("million-rows", "r.xlsx", _zip({**members, sheets[1]: _million_rows()})))
    for _ in range(5 * SCALE):
        inputs.append(("macros", "v.xlsx", _zip({**members, "xl/vbaProject.bin": b"VBA"})))
        inputs.append(("macro-extension", "v.xlsm", data))
    for value in ("=1+1", "=SUM(A1:A9)", b"NaN", b"nan", b"INF", b"-inf", b"1e308",
                  b"1.7976931348623157e308", b"1e400", b"-5", b"0x10", 1e308, -5, -1e-9,
                  "1e400", "∞", "NaN", "x" * 40000, "4,106 people"):
        inputs.append((f"typed {str(value)[:12]!r}", "v.xlsx", _typed(base, value)))
    inputs.append(("long-note", "n.xlsx", _noted(base, b"x" * 40000)))
    inputs.append(("long-note", "n.xlsx", _noted(base, "说明".encode() * 16384)))
    for _ in range(60 * SCALE):
        inputs.append(("random-bytes", "r.xlsx", rng.randbytes(rng.randint(0, 5000))))
    return inputs


@pytest.fixture
def base(sample: Store, tmp_path: Path) -> Path:
    return write_request(sample, "group", 2024, "hr", tmp_path / "base.xlsx", "coordinator")


@pytest.mark.slow  # a thousand broken files
def test_broken_returned_workbooks_end_in_a_clear_message(sample: Store, base: Path,
                                                          tmp_path: Path) -> None:
    rng = random.Random(2024)
    inputs = workbook_inputs(base, rng)
    assert len(inputs) >= 1000
    before = _digest(sample.path)
    audit = len(sample.audit_log())
    outcomes: Counter[str] = Counter()
    slowest = 0.0
    for number, (kind, name, content) in enumerate(inputs):
        path = tmp_path / f"{number}-{name}"
        path.write_bytes(content)
        start = time.perf_counter()
        report = import_files(sample, [path], "fuzz")[0]  # any other exception fails the test
        took = time.perf_counter() - start
        slowest = max(slowest, took)
        assert took < LIMIT_S, f"{kind} #{number} took {took:.1f} s"
        if report.refused:
            assert all(r.code and str(r).strip() for r in report.refused)
            outcomes["refused"] += 1
        else:  # still readable after the damage: must write nothing new
            assert not report.writes, f"{kind} #{number}: {report.writes[:2]}"
            outcomes["readable, nothing to write"] += 1
        if kind.startswith(("typed", "long-note", "entity-bomb", "external-entity", "zip-bomb",
                            "million-rows", "macro")):
            assert report.refused, f"{kind} was not refused"
        path.unlink()
    assert _digest(sample.path) == before and len(sample.audit_log()) == audit
    print(f"\n{len(inputs)} broken workbooks: {dict(outcomes)}; slowest {slowest:.2f} s")


def database_inputs(good: Path, rng: random.Random, folder: Path) -> list[tuple[str, Path]]:
    data = good.read_bytes()
    inputs = []
    for number in range(40 * SCALE):
        path = folder / f"other-{number}.db"
        connection = sqlite3.connect(path)
        connection.execute(f"CREATE TABLE t{number} (a, b)")
        if number % 2:
            connection.execute("CREATE TABLE alembic_version (version_num)")
            connection.execute("INSERT INTO alembic_version VALUES ('9999')")
        connection.commit()
        connection.close()
        inputs.append(("other application", path))
    for number in range(40 * SCALE):
        path = folder / f"truncated-{number}.db"
        path.write_bytes(data[:rng.randrange(100, len(data))])
        inputs.append(("truncated", path))
    for number in range(40 * SCALE):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 30)):
            spot = rng.randrange(len(flipped))
            flipped[spot] ^= 1 << rng.randrange(8)
        path = folder / f"flipped-{number}.db"
        path.write_bytes(bytes(flipped))
        inputs.append(("bit-flipped", path))
    for number in range(20 * SCALE):
        path = folder / f"random-{number}.db"
        path.write_bytes(b"SQLite format 3\x00" * (number % 2) + rng.randbytes(4096))
        inputs.append(("random", path))
    return inputs


def test_broken_database_files_end_in_a_clear_message(sample_path: Path,
                                                      tmp_path: Path) -> None:
    from esgdesk.storage.store import Change

    rng = random.Random(99)
    outcomes: Counter[str] = Counter()
    for kind, path in database_inputs(sample_path, rng, tmp_path):
        digest = _digest(path)
        sound = check_file(path, full=True) is None
        start = time.perf_counter()
        try:
            store = open_database(path)
            try:
                store.entities()
                store.set_value(Change("group", 2023, "people.employees.total", "1"), "fuzz")
                # Only a file SQLite finds sound is written to (a flipped bit inside a
                # stored value leaves the file sound: that is the audit chain's to find).
                assert sound, f"{kind}: {path.name} is damaged, yet was written to"
                outcomes["sound after the damage, written"] += 1
                continue
            finally:
                store.close()
        except EsgdeskError as exc:
            assert exc.message().strip()
            outcomes["refused"] += 1
        assert time.perf_counter() - start < LIMIT_S
        assert _digest(path) == digest, f"{kind}: {path.name} was written to"
    assert outcomes["refused"] >= sum(outcomes.values()) * 0.8, outcomes
    print(f"\n{sum(outcomes.values())} broken databases: {dict(outcomes)}")
