"""A large tree's findings, once worked out, kept in the user's cache folder with what they
were worked out from: the entity and year, the catalogue's content, the audit head of the
figures (read before they were, or left by the user's own edits since, each validated as it
was made: every write has its audit row, by anyone, so the head names the figures as they
were) and the code that found them. Opening the database again, later or
after a restart, shows them at once while that is all still so, as a workbook opens showing
the values it last worked out. Its validation run still reads the tree and ends with the
findings found afresh, which replace them.

A file that is missing, damaged, or of another scope, head or code is never trusted; one
that cannot be written only costs speed. The files are small (a group of 451 entities'
5,548 findings take some 80 kB) and the oldest go beyond KEPT_FILES."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.model.catalogue import Label
from esgdesk.paths import code_stamp, user_cache_folder

if TYPE_CHECKING:
    from collections.abc import Callable

    from esgdesk.rules.validation import Finding
    from esgdesk.rules.workspace import Workspace

# A tree of this many entities or more keeps its findings: a smaller one is checked again
# within a tenth of a second.
KEPT_FROM_ENTITIES = 50
KEPT_FILES = 16  # the scopes kept, the least recently written going first
FORMAT = 1  # the layout of a kept file (`_row`)

_ESGDESK = Path(__file__).resolve().parent.parent.parent
_stamp: str | None = None


def _code() -> str:
    """The stamp of the code that finds findings: the rules, the catalogue they read and
    the value types (see `code_stamp`), worked out once per process."""
    global _stamp
    if _stamp is None:
        files = sorted([*(_ESGDESK / "rules").rglob("*.py"), *(_ESGDESK / "model").rglob("*.py")])
        _stamp = code_stamp(files or [Path(sys.executable)])  # a bundle holds no sources
    return _stamp


def _key(workspace: Workspace, head: str) -> list[Any]:
    return [FORMAT, workspace.entity, workspace.year, workspace.catalogue.content_hash,
            head, _code()]


def _file(key: list[Any]) -> Path:
    import hashlib  # (after the first paint: its import alone takes ten milliseconds)

    digest = hashlib.sha256(json.dumps(key).encode("utf-8")).hexdigest()[:40]
    return user_cache_folder() / f"findings-{digest}.json.z"


def keeps(workspace: Workspace) -> bool:
    """Whether a scope's findings are worth keeping or looking for: a large tree's."""
    return workspace.tree_size >= KEPT_FROM_ENTITIES


def kept_findings(workspace: Workspace) -> list[Finding] | None:
    """The findings kept for the scope a workspace shows, worked out by this code from the
    figures it has just read (the same audit head); None when there are none."""
    if not keeps(workspace) or not workspace.read_at:
        return None
    import zlib

    try:
        key = _key(workspace, workspace.read_at)
        found = json.loads(zlib.decompress(_file(key).read_bytes()))
        if found["key"] != key:
            return None
        from esgdesk.rules.validation.finding import Finding  # read after the first paint

        return [Finding(severity, rule, entity, year, tuple(indicators), values,
                        Label(zh, en, label_year), explanation)
                for (severity, rule, entity, year, indicators, values, zh, en, label_year,
                     explanation) in found["findings"]]
    except Exception:  # missing, unreadable, damaged or of another layout: found afresh
        return None


def keeping(workspace: Workspace) -> Callable[[], bool] | None:
    """Keep the findings of a scope validated, under the head they are the findings of (the
    one read before its figures were, or the one its own edits left: `findings_head`), when
    worth it and known: what to keep is taken now (the findings and their key), and the
    writing returned, to be called now or on another thread (some 60 ms for a 451-entity
    group's; it says whether it wrote); None when there is nothing to write (a file of the
    same key is not written again)."""
    if not keeps(workspace) or not workspace.findings_head:
        return None
    try:
        key = _key(workspace, workspace.findings_head)
        path = _file(key)
        if path.exists():
            return None
    except Exception:  # a cache folder that cannot be read only costs speed
        return None
    findings = workspace.findings()  # never changed in place: a new list when they change
    return lambda: _write(key, path, findings)


def _write(key: list[Any], path: Path, findings: list[Finding]) -> bool:
    import zlib

    try:
        rows = [_row(finding) for finding in findings]
        text = json.dumps({"key": key, "findings": rows}, ensure_ascii=False,
                          separators=(",", ":"))
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(zlib.compress(text.encode("utf-8"), 1))
        os.replace(temporary, path)
        kept = sorted(path.parent.glob("findings-*.json.z"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-KEPT_FILES]:
            old.unlink(missing_ok=True)
        return True
    except Exception:  # whatever stops it, the findings were shown all the same
        return False


def _row(finding: Finding) -> list[Any]:
    message = finding.message
    return [finding.severity, finding.rule, finding.entity, finding.year,
            list(finding.indicators), finding.values, message.zh, message.en, message.year,
            finding.explanation]

