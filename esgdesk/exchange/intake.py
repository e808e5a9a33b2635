"""Importing returned collection workbooks: check, preview, then accept or reject each file.

`preview` reads every file and compares it with the database without writing
anything: refusals (with the reason and sheet!cell), new, changed and unchanged
figures, figures the database holds newer than the file, and the findings the
figures would raise. `accept` writes one file's figures in one transaction with
its provenance (file name, SHA-256, who submitted it, who imported it, when) in
the audit log, or nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from esgdesk.errors import EsgdeskError
from esgdesk.exchange.requests import Returned, read_returned
from esgdesk.rules.validation import Finding, Validator
from esgdesk.storage.store import (
    STATE_TEXT,
    Change,
    RequestInfo,
    Store,
    StoredValue,
    SubmissionInfo,
    now,
)

Progress = Callable[[int, int, str], bool]  # done, total, file → False to stop


@dataclass(frozen=True)
class Difference:
    indicator: str
    address: str
    old: str | None  # as the audit log writes it; None when new
    new: str | None
    note: str | None
    notice: str = ""


@dataclass
class FileReport:
    """What importing one file would do."""

    path: Path
    sha256: str = ""
    request: RequestInfo | None = None
    submitted_by: str = ""
    saved_at: str = ""
    refused: list[str] = field(default_factory=list)
    new: list[Difference] = field(default_factory=list)
    changed: list[Difference] = field(default_factory=list)
    unchanged: int = 0
    newer: list[str] = field(default_factory=list)  # figures the database holds newer
    already: SubmissionInfo | None = None
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def acceptable(self) -> bool:
        return not self.refused

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def open_warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning" and not f.explained)

    @property
    def writes(self) -> list[Difference]:
        return [*self.new, *self.changed]

    def summary(self) -> str:
        if self.refused:
            return f"{self.path.name}: refused: " + "; ".join(self.refused[:5]) + (
                f" (and {len(self.refused) - 5} more)" if len(self.refused) > 5 else "")
        if self.already is not None:
            return (f"{self.path.name}: imported already on {self.already.imported_at} by "
                    f"{self.already.imported_by}; nothing to do")
        return (f"{self.path.name}: {len(self.new)} new, {len(self.changed)} changed, "
                f"{self.unchanged} unchanged; {self.errors} errors, {self.open_warnings} "
                "open warnings"
                + (f"; {len(self.newer)} figures newer in the database" if self.newer else ""))


def preview(store: Store, paths: Iterable[str | Path], progress: Progress | None = None,
            expect: dict[str, str] | None = None) -> list[FileReport]:
    """What importing each file would do; writes nothing. `expect` ({"year": "2024",
    "entity": …, "department": …}) refuses files made for anything else."""
    paths = [Path(p) for p in paths]
    reports = []
    for done, path in enumerate(paths, start=1):
        reports.append(preview_file(store, path, expect or {}))
        if progress is not None and progress(done, len(paths), path.name) is False:
            break
    return reports


def preview_file(store: Store, path: Path, expect: dict[str, str] | None = None) -> FileReport:
    report = FileReport(path)
    try:
        returned = read_returned(path, store.catalogue)
    except EsgdeskError as exc:
        report.refused.append(exc.message())
        return report
    report.sha256, report.saved_at = returned.sha256, returned.saved_at
    report.submitted_by = returned.submitted_by
    report.refused.extend(returned.problems)
    for key, wanted in (expect or {}).items():
        if wanted and returned.meta.get(key) != wanted:
            report.refused.append(f"made for {key} {returned.meta.get(key)}, not {wanted}")
    report.request = _check_request(store, returned, report.refused)
    if report.refused or report.request is None:
        return report
    report.already = store.submission(returned.sha256)
    if report.already is not None:
        return report
    _compare(store, returned, report)
    return report


def _check_request(store: Store, returned: Returned, refused: list[str]) -> RequestInfo | None:
    meta = returned.meta
    request = store.request(returned.request)
    if request is None:
        refused.append(f"request {returned.request} was not made from this database "
                       f"({meta['entity']}, {meta['year']}, {meta['department']})")
        return None
    for key, expected in (("entity", request.entity), ("year", str(request.year)),
                          ("department", request.department)):
        if meta[key] != expected:
            refused.append(f"the workbook is for {key} {meta[key]}, but its request is for "
                           f"{expected}")
    if request.status in ("approved", "locked"):
        refused.append(f"the {request.department} figures of {request.entity} {request.year} "
                       f"are {request.status}; unlock them (with a reason) before importing")
    return request


def _compare(store: Store, returned: Returned, report: FileReport) -> None:
    assert report.request is not None
    entity, year = report.request.entity, report.request.year
    held = store.values(entity, [year - 1, year])
    validator = Validator(store, year, entity)
    for figure in returned.figures:
        spec = store.catalogue.indicators[figure.indicator]
        stored = held.get((figure.indicator, year))
        text, notice = figure.text, figure.notice
        prior = held.get((figure.indicator, year - 1))
        if spec.type.name == "percentage" and text not in (None, *STATE_TEXT.values()) \
                and prior is not None and prior.value is not None:
            number = Decimal(text or "0")
            # 0.85 where last year was 86 (not 1.2): a fraction typed for a percentage.
            if 0 < number <= 1 and Decimal(prior.value) > 10:
                text = format((number * 100).normalize(), "f")
                notice = (f"{figure.address}: {figure.text} read as {text} % (last year "
                          f"{prior.value} %)")
        if notice:
            report.notices.append(notice)
        old = _shown(stored)
        if text is None and not figure.note:
            if stored is not None and stored.value is not None:
                report.unchanged += 1  # an empty cell never clears a held figure
            continue
        note = figure.note if figure.note else (stored.note if stored else "")
        new_state = _state_of(text)
        new_value = None if new_state != "value" else text
        if stored is not None and stored.value == new_value and stored.state == new_state \
                and stored.note == note:
            report.unchanged += 1
            continue
        if stored is not None and stored.status == "locked":
            report.refused.append(f"{figure.address}: {figure.indicator} is locked")
            continue
        difference = Difference(figure.indicator, figure.address, old,
                                STATE_TEXT.get(new_state, new_value), note, notice)
        (report.changed if stored is not None else report.new).append(difference)
        if stored is not None and returned.saved_at and stored.changed_at[:19] \
                >= returned.saved_at[:19]:  # both UTC; the same second counts as newer
            report.newer.append(f"{figure.address}: {figure.indicator} was changed by "
                                f"{stored.changed_by} on {stored.changed_at[:16]}, after "
                                f"the file was saved ({returned.saved_at[:16]})")
        validator.book.put(StoredValue(entity, year, figure.indicator, new_value, new_state,
                                       note, "draft", "import", now(), 0))
    own = {d.indicator for d in report.writes}
    report.findings = [f for f in validator.run()
                       if f.entity == entity and (own & set(f.indicators) or not own)]


def _state_of(text: str | None) -> str:
    for state, word in STATE_TEXT.items():
        if text == word:
            return state
    return "value"


def _shown(stored: StoredValue | None) -> str | None:
    if stored is None:
        return None
    return STATE_TEXT.get(stored.state, stored.value)


def accept(store: Store, report: FileReport, user: str, overwrite_newer: bool = False) -> int:
    """Write one previewed file's figures (one transaction); the number written."""
    if report.refused:
        raise EsgdeskError(report.summary())
    if report.already is not None or not report.writes:
        return 0  # nothing new or changed: nothing is written, not even a record
    if report.newer and not overwrite_newer:
        raise EsgdeskError(f"{report.path.name}: {len(report.newer)} figures are newer in the "
                           f"database than in the file ({report.newer[0]}); confirm to "
                           "overwrite them")
    assert report.request is not None
    request = report.request
    changes = [Change(request.entity, request.year, d.indicator, d.new, d.note)
               for d in report.writes]
    submission = SubmissionInfo(report.sha256, request.id, report.path.name,
                                report.submitted_by or "?", report.saved_at or "", user, now(),
                                len(changes))
    store.import_submission(changes, submission)
    return len(changes)


def import_files(store: Store, paths: Iterable[str | Path], user: str, dry_run: bool = False,
                 overwrite_newer: bool = False, progress: Progress | None = None,
                 expect: dict[str, str] | None = None) -> list[FileReport]:
    """Preview every file, then (unless a dry run) accept each acceptable one."""
    paths = [Path(p) for p in paths]
    steps = len(paths) * (1 if dry_run else 2)

    def previewed(done: int, _total: int, name: str) -> bool:
        return progress is None or progress(done, steps, name) is not False

    reports = preview(store, paths, previewed, expect)
    if not dry_run:
        for done, report in enumerate(reports, start=len(paths) + 1):
            if report.acceptable and (overwrite_newer or not report.newer):
                accept(store, report, user, overwrite_newer)
            if progress is not None and progress(done, steps, report.path.name) is False:
                break
    return reports
