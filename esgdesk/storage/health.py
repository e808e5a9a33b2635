"""Start-up checks: the SQLite esgdesk runs on, XML parsing hardened against hostile
workbooks, and where the database lives (a network share or a cloud-synced folder
makes SQLite's file locking unreliable)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from esgdesk.errors import EsgdeskError
from esgdesk.model.frozen import Frozen
from esgdesk.storage.engine import check_file, journal_mode, sqlite_has_wal_reset_fix

NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p", "afs",
                       "fuse.rclone", "fuse.gvfsd-fuse", "davfs", "fuse.davfs2"}
SYNCED_FOLDERS = ("dropbox", "onedrive", "icloud drive", "icloud~", "google drive",
                  "googledrive", "mobile documents", "nutstore", "坚果云", "百度网盘",
                  "baidunetdisk", "seafile", "nextcloud", "owncloud", "box sync", "sync.com")


def sqlite_facts() -> str:
    """The linked SQLite and the journal mode chosen for it, with the reason."""
    mode = journal_mode()
    why = ("it has the WAL-reset fix" if sqlite_has_wal_reset_fix() else
           "it lacks the WAL-reset fix, so the rollback journal is used")
    return f"SQLite {sqlite3.sqlite_version}: journal mode {mode} ({why}), synchronous=FULL"


def require_safe_xml() -> None:
    """Workbooks are parsed with defusedxml (entity expansion and external entities off)."""
    import openpyxl

    if not getattr(openpyxl, "DEFUSEDXML", False):
        raise EsgdeskError("openpyxl is not using defusedxml, so a hostile workbook could "
                           "expand XML entities; reinstall esgdesk (defusedxml is a "
                           "dependency)",
                           "openpyxl 未使用 defusedxml，恶意工作簿可能展开 XML 实体；请重新安装 "
                           "esgdesk（defusedxml 是其依赖）", kind="unsafe_xml")


def _mount_type(path: Path) -> str:
    """The file-system type of the mount holding `path` (Linux), or ""."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return ""
    best, kind = "", ""
    target = str(path.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3:
            point = parts[1].replace("\\040", " ")
            if (target == point or target.startswith(point.rstrip("/") + "/")) \
                    and len(point) > len(best):
                best, kind = point, parts[2]
    return kind


def location_warning(path: str | Path) -> str | None:
    """A warning when the database sits where file locking is unreliable, or None."""
    path = Path(path)
    if str(path).startswith(("\\\\", "//")):
        return f"{path}: on a network share; SQLite's locking is unreliable there"
    kind = _mount_type(path.parent if not path.exists() else path)
    if kind in NETWORK_FILESYSTEMS:
        return (f"{path}: on a network file system ({kind}); SQLite's locking is unreliable "
                "there, so two users may overwrite each other. Keep the database on a local "
                "disk.")
    lowered = str(path.resolve()).lower()
    for name in SYNCED_FOLDERS:
        if name in lowered:
            return (f"{path}: in a cloud-synced folder ({name}); the sync can copy the file "
                    "half-written or replace it under esgdesk. Keep the database outside "
                    "synced folders and use esgdesk backup to copy it.")
    return None


class FileCheck(Frozen):
    """What the file check of a database found: SQLite's integrity check and the audit
    log's hash chain (the chain is not read from a damaged file)."""

    _fields = ("path", "problem", "rows", "broken_at", "reason", "mismatches", "findings",
               "findings_zh")
    path: str
    problem: str | None  # what integrity_check found, or None
    rows: int
    broken_at: int | None  # the first audit row whose hash does not match
    reason: str
    mismatches: int  # figures that differ from the audit log
    findings: tuple[str, ...]  # every broken row and differing figure, one line each
    findings_zh: tuple[str, ...]  # the same in Chinese

    def __init__(self, path: str, problem: str | None, rows: int = 0,
                 broken_at: int | None = None, reason: str = "", mismatches: int = 0,
                 findings: tuple[str, ...] = (), findings_zh: tuple[str, ...] = ()) -> None:
        self.__dict__.update(path=path, problem=problem, rows=rows, broken_at=broken_at,
                             reason=reason, mismatches=mismatches, findings=findings,
                             findings_zh=findings_zh or findings)

    def first_difference(self) -> tuple[str, str]:
        """The first figure or document that differs, in English and Chinese ("" when
        none): the findings end with them."""
        if not self.mismatches:
            return "", ""
        return self.findings[-self.mismatches], self.findings_zh[-self.mismatches]

    @property
    def sound(self) -> bool:
        return self.problem is None and self.broken_at is None and not self.mismatches

    def to_json(self) -> str:
        return json.dumps({"problem": self.problem, "rows": self.rows,
                           "broken_at": self.broken_at, "reason": self.reason,
                           "mismatches": self.mismatches, "findings": list(self.findings),
                           "findings_zh": list(self.findings_zh)},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, path: Path, text: str) -> FileCheck:
        """Read what `to_json` printed; ValueError (or KeyError) if it is not that."""
        found = json.loads(text)
        return cls(str(path), found["problem"], int(found.get("rows") or 0),
                   found.get("broken_at"), str(found.get("reason") or ""),
                   int(found.get("mismatches") or 0), tuple(found.get("findings") or ()),
                   tuple(found.get("findings_zh") or ()))


def check_database_file(path: Path, progress: Callable[[str, int, int], None] | None = None,
                        ) -> FileCheck:
    """SQLite's integrity check and the audit log's hash chain of a database file, read-only,
    in memory that does not grow with the file (the chain is read a page at a time).
    Slow on a large file, so the app runs it in a separate process (`esgdesk check
    --json --progress`); `progress` is told each step (see `progress_line`)."""
    from esgdesk.storage.audit import verify
    from esgdesk.storage.evidence_check import changed_documents_in_file

    if progress is not None:
        progress("integrity", 0, 1)
    problem = check_file(path, full=True)
    if problem is not None:
        return FileCheck(str(path), problem)
    report = verify(path, progress=progress).with_documents(changed_documents_in_file(path))
    # A changed document is counted with the figures that differ: the findings end with
    # both (see ChainReport.problems), so the app's warning shows the first of them.
    return FileCheck(str(path), None, report.rows, report.broken_at, report.reason,
                     len(report.mismatches) + len(report.documents), tuple(report.problems()),
                     tuple(report.problems("zh")))


# What the file check says as it goes, one line each: its step ("integrity", "figures",
# "chain") and how far it is (for the chain: the last audit row checked, and the last row).
CHECK_STEPS = ("integrity", "figures", "chain")


def progress_line(step: str, done: int, total: int) -> str:
    return f"checking {step} {done} {total}"


def read_progress(text: str) -> tuple[str, int, int] | None:
    """The newest step a file check's output says (see `progress_line`), or None."""
    for line in reversed(text.splitlines()):
        words = line.split()
        if len(words) == 4 and words[0] == "checking" and words[1] in CHECK_STEPS \
                and words[2].isdigit() and words[3].isdigit():
            return words[1], int(words[2]), int(words[3])
    return None
