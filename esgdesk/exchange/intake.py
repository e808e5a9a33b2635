"""Importing returned collection workbooks: check, preview, then accept or reject each file.

`preview` reads every file and compares it with the database without writing
anything: refusals (with the reason and sheet!cell), new, changed and unchanged
figures, figures the database holds newer than the file, and the findings the
figures would raise. `accept` writes one file's figures, how each was obtained
and the documents that came with it in one transaction with its provenance (file
name, SHA-256, who submitted it, who imported it, when) in the audit log, or
nothing at all. `may_accept` is the one rule of which file may be.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.errors import EnteredElsewhere, EsgdeskError, FileRefused, restate_command
from esgdesk.exchange.returned import (
    Problem,
    Returned,
    ReturnedFigure,
    read_returned,
    refused_value,
)
from esgdesk.exchange.returned_evidence import ReturnedDocument, returned_documents
from esgdesk.exchange.workbook import collector_paused
from esgdesk.model.catalogue import Catalogue, Indicator
from esgdesk.model.entities import EntityInfo
from esgdesk.model.states import state_text
from esgdesk.model.types import CLEARED, Entry, ValueRefused
from esgdesk.rules.review import findings_of_department
from esgdesk.rules.validation import Finding, Validator, counted
from esgdesk.storage.store import (
    Change,
    RequestInfo,
    Store,
    StoredValue,
    SubmissionInfo,
    now,
)

if TYPE_CHECKING:
    from esgdesk.storage.factors import FactorValue

Progress = Callable[[int, int, str], bool]  # done, total, file → False to stop

# Codes of the problems found when a returned workbook is compared with the database.
NOT_EXPECTED = "not_expected"  # made for another year, entity or department than asked
UNKNOWN_REQUEST = "unknown_request"  # not a request of this database
REQUEST_MISMATCH = "request_mismatch"  # the metadata disagrees with its request
REQUEST_CLOSED = "request_closed"  # the request's figures are approved or locked
FIGURE_LOCKED = "figure_locked"
ENTERED_ELSEWHERE = "entered_elsewhere"  # the entity no longer takes the figure


@dataclass(frozen=True)
class Difference:
    indicator: str
    address: str
    old: str | None  # as the audit log writes it; None when new
    new: str | None
    note: str | None
    notice: str = ""
    entry: Entry = CLEARED  # what is written: the value or state as read from the file


@dataclass
class FileReport:
    """What importing one file would do."""

    path: Path
    sha256: str = ""
    request: RequestInfo | None = None
    submitted_by: str = ""
    saved_at: str = ""
    refused: list[Problem] = field(default_factory=list)
    new: list[Difference] = field(default_factory=list)
    changed: list[Difference] = field(default_factory=list)
    unchanged: int = 0
    newer: list[str] = field(default_factory=list)  # figures the database holds newer
    already: SubmissionInfo | None = None
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    written: int = 0  # figures accepting it wrote (import_files, not a dry run)
    # The documents that came with it (a folder or zip named after it), each for a figure.
    documents: list[ReturnedDocument] = field(default_factory=list)
    # How figures were obtained, where the file says so and the database holds otherwise:
    # (indicator, quality, method), written with the figures.
    qualities: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def acceptable(self) -> bool:
        """Nothing in the file is refused."""
        return not self.refused

    @property
    def would_write(self) -> bool:
        """Accepting the file would write figures: nothing refused, not imported already,
        and something new or changed."""
        return self.acceptable and self.already is None and bool(
            self.writes or self.documents or self.qualities)

    @property
    def needs_confirmation(self) -> bool:
        """Accepting would overwrite figures changed in the database after the file was
        saved: only on the coordinator's say-so (see may_accept)."""
        return self.would_write and bool(self.newer)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def open_warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning" and not f.explained)

    @property
    def writes(self) -> list[Difference]:
        return [*self.new, *self.changed]

    def summary(self, lang: str = "en") -> str:
        """One line on the file: why it is refused, that it was imported already, or what
        accepting it would write and what the validator finds."""
        name = self.path.name
        if self.refused:
            shown = "; ".join(p.message(lang) for p in self.refused[:5])
            more = len(self.refused) - 5
            if lang == "zh":
                return f"{name}：拒收：{shown}" + (f"（另有 {more} 项）" if more > 0 else "")
            return f"{name}: refused: {shown}" + (f" (and {more} more)" if more > 0 else "")
        if self.already is not None:
            if lang == "zh":
                return (f"{name}：已于 {self.already.imported_at} 由 "
                        f"{self.already.imported_by} 导入，无需处理")
            return (f"{name}: imported already on {self.already.imported_at} by "
                    f"{self.already.imported_by}; nothing to do")
        if lang == "zh":
            return (f"{name}：新增 {len(self.new)}，修改 {len(self.changed)}，未变 "
                    f"{self.unchanged}；错误 {self.errors}，未处理警告 {self.open_warnings}"
                    + (f"；{len(self.newer)} 项数据库中的数据较新" if self.newer else ""))
        return (f"{name}: {len(self.new)} new, {len(self.changed)} changed, "
                f"{self.unchanged} unchanged; {counted(self.errors, 'error')}, "
                f"{counted(self.open_warnings, 'open warning')}"
                + (f"; {counted(len(self.newer), 'figure')} newer in the database"
                   if self.newer else ""))


def may_accept(report: FileReport, overwrite_newer: bool) -> bool:
    """The one rule of which previewed file may be accepted: nothing in it is refused, and
    it overwrites no figure changed in the database after it was saved unless the
    coordinator said so (`overwrite_newer`, asked when report.needs_confirmation)."""
    return report.acceptable and (overwrite_newer or not report.newer)


def preview(store: Store, paths: Iterable[str | Path], progress: Progress | None = None,
            expect: dict[str, str] | None = None) -> list[FileReport]:
    """What importing each file would do; writes nothing. `expect` ({"year": "2024",
    "entity": …, "department": …}) refuses files made for anything else."""
    paths = [Path(p) for p in paths]
    reports = []
    reads = _BatchReads(store)
    for done, path in enumerate(paths, start=1):
        with collector_paused():  # a file's thousands of cells need no pass over the process
            reports.append(preview_file(reads, path, expect or {}))  # type: ignore[arg-type]
        if progress is not None and progress(done, len(paths), path.name) is False:
            break
    return reports


class _BatchReads:
    """The store as one batch of previews reads it. Nothing is written until the files are
    accepted, so what every file's preview reads alike (each year's catalogue, the factors
    of every year, the method's choices, the entities, a year's requests) is read once for
    the batch, and handed out as a copy where the reader may change it (a FactorValues
    tries changes on what it is given); anything else is asked of the store."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._editions: dict[int, Catalogue] = {}
        self._factors: dict[int, dict[str, FactorValue]] | None = None
        self._settings: dict[str, dict[str, str]] = {}
        self._entities: list[EntityInfo] | None = None
        self._requests: dict[int, list[RequestInfo]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def edition(self, year: int) -> Catalogue:
        if year not in self._editions:
            self._editions[year] = self._store.edition(year)
        return self._editions[year]

    def factors_by_year(self) -> dict[int, dict[str, FactorValue]]:
        if self._factors is None:
            self._factors = self._store.factors_by_year()
        return dict(self._factors)  # each year's own set is never changed, only replaced

    def settings_under(self, prefix: str) -> dict[str, str]:
        if prefix not in self._settings:
            self._settings[prefix] = self._store.settings_under(prefix)
        return dict(self._settings[prefix])

    def entities(self) -> list[EntityInfo]:
        if self._entities is None:
            self._entities = self._store.entities()
        return list(self._entities)

    def requests(self, year: int | None = None,
                 entities: Iterable[str] | None = None) -> list[RequestInfo]:
        if year is None:
            return self._store.requests(year, entities)
        if year not in self._requests:
            self._requests[year] = self._store.requests(year)
        if entities is None:
            return list(self._requests[year])
        wanted = set(entities)
        return [r for r in self._requests[year] if r.entity in wanted]


def preview_file(store: Store, path: Path, expect: dict[str, str] | None = None) -> FileReport:
    report = FileReport(path)
    try:
        returned = read_returned(path, store.edition)
    except EsgdeskError as exc:
        report.refused.append(Problem.of_error(exc))
        return report
    report.sha256, report.saved_at = returned.sha256, returned.saved_at
    report.submitted_by = returned.submitted_by
    report.refused.extend(returned.problems)
    for key, wanted in (expect or {}).items():
        if wanted and returned.meta.get(key) != wanted:
            found = returned.meta.get(key)
            report.refused.append(Problem(NOT_EXPECTED, f"made for {key} {found}, not {wanted}",
                                          f"工作簿的 {key} 为 {found}，不是 {wanted}"))
    report.request = _check_request(store, returned, report.refused)
    if report.refused and returned.broken_structure is None:
        # Every figure's own problem too, so the contributor corrects the file at once.
        _check_figures(store, returned, report)
    if report.refused or report.request is None:
        return report
    report.documents, problems = returned_documents(path, store.request_indicators(
        report.request.department, report.request.year, report.request.entity))
    report.refused.extend(problems)  # all or nothing, the documents with the figures
    if report.documents:
        report.notices.append(f"{counted(len(report.documents), 'document')}: "
                              + ", ".join(d.file_name for d in report.documents))
    if problems:
        return report
    report.already = store.submission(returned.sha256)
    if report.already is not None:
        return report
    _compare(store, returned, report)
    _obtained(store, returned, report)
    return report


def _obtained(store: Store, returned: Returned, report: FileReport) -> None:
    """The qualities the file gives that the database does not hold yet, for figures that
    hold (or will hold) a value."""
    assert report.request is not None
    entity, year = report.request.entity, report.request.year
    held = store.qualities(year, [entity])
    written = {d.indicator for d in report.writes}
    for figure in returned.figures:
        if figure.quality is None:
            continue
        if held.get((entity, figure.indicator), ("", "")) == (figure.quality, figure.method):
            continue
        stored = store.get(entity, year, figure.indicator)
        if figure.indicator in written or (stored is not None and stored.value is not None):
            report.qualities.append((figure.indicator, figure.quality, figure.method))


def _check_request(store: Store, returned: Returned,
                   refused: list[Problem]) -> RequestInfo | None:
    meta = returned.meta
    request = store.request(returned.request)
    if request is None:
        made_for = f"{meta['entity']}, {meta['year']}, {meta['department']}"
        refused.append(Problem(
            UNKNOWN_REQUEST, f"request {returned.request} was not made from this database "
            f"({made_for})", f"数据请求 {returned.request} 不是由本数据库发出的（{made_for}）"))
        return None
    for key, expected in (("entity", request.entity), ("year", str(request.year)),
                          ("department", request.department)):
        if meta[key] != expected:
            refused.append(Problem(
                REQUEST_MISMATCH, f"the workbook is for {key} {meta[key]}, but its request is "
                f"for {expected}", f"工作簿的 {key} 为 {meta[key]}，但其数据请求为 {expected}"))
    what_en = f"the {request.department} figures of {request.entity} {request.year}"
    what_zh = f"{request.entity} {request.year} 年 {request.department} 的数据"
    if request.status == "approved":
        refused.append(Problem(
            REQUEST_CLOSED, f"{what_en} are approved; send them back (with a reason) before "
            "importing", f"{what_zh}已审核通过，请先（说明理由）退回再导入"))
    elif request.status == "locked":
        command = restate_command(request.entity, request.year)
        refused.append(Problem(
            REQUEST_CLOSED, f"{what_en} are locked (published); a published figure changes "
            f"only as a restatement: {command}",
            f"{what_zh}已锁定（已发布），只能以重述方式修改：{command}"))
    return request


def _compare(store: Store, returned: Returned, report: FileReport) -> None:
    assert report.request is not None
    entity, year = report.request.entity, report.request.year
    tree, catalogue = store.tree(year), store.edition(year)
    # The figures of the entity's tree, read once: the file's are compared with the entity's,
    # and the validator runs on them all.
    figures = store.figures_of(tree.subtree(entity), (year - 1, year))
    held = {(indicator, at): value for (code, indicator, at), value in figures.items()
            if code == entity}
    validator = Validator(store, year, entity, held=figures)
    validator.submitted.add((entity, report.request.department))  # as accepting makes it
    written: list[StoredValue] = []  # what accepting the file would write
    stamp = now()
    for figure in returned.figures:
        spec = catalogue.indicators[figure.indicator]
        if (figure.text is not None or figure.note) and not spec.derived \
                and not tree.takes(entity, spec.entered_at):
            try:  # the structure changed since the request was made (a site opened below)
                store.refuse_elsewhere(entity, year, figure.indicator, tree)
            except EnteredElsewhere as exc:
                report.refused.append(Problem.at(figure.address, ENTERED_ELSEWHERE, exc.en,
                                                 exc.zh, figure.indicator))
                continue
        stored = held.get((figure.indicator, year))
        try:
            text, notice = _meant(spec, figure, held.get((figure.indicator, year - 1)))
        except ValueRefused as exc:
            report.refused.append(refused_value(figure.address, spec, figure.text or "",
                                                exc.en, exc.zh))
            continue
        if notice:
            report.notices.append(notice)
        old = _shown(stored)
        if text is None and not figure.note:
            if stored is not None and stored.value is not None:
                report.unchanged += 1  # an empty cell never clears a held figure
            continue
        note = figure.note or ""  # an Explanation cell left empty holds no explanation
        new_state, new_value = figure.state, text
        if stored is not None and stored.value == new_value and stored.state == new_state \
                and stored.note == note:
            report.unchanged += 1
            continue
        if stored is not None and stored.status == "locked":
            report.refused.append(Problem.at(figure.address, FIGURE_LOCKED,
                                             f"{figure.indicator} is locked",
                                             f"{figure.indicator} 已锁定", figure.indicator))
            continue
        difference = Difference(figure.indicator, figure.address, old,
                                state_text(new_state, new_value), note, notice,
                                Entry(new_value, new_state))
        (report.changed if stored is not None else report.new).append(difference)
        if stored is not None and returned.saved_at and stored.changed_at[:19] \
                >= returned.saved_at[:19]:  # both UTC; the same second counts as newer
            report.newer.append(f"{figure.address}: {figure.indicator} was changed by "
                                f"{stored.changed_by} on {stored.changed_at[:16]}, after "
                                f"the file was saved ({returned.saved_at[:16]})")
        written.append(StoredValue(entity, year, figure.indicator, new_value, new_state,
                                   note, "draft", "import", stamp, 0))
    # The rules that read the figures the file writes (those findings are the ones shown);
    # every rule when it writes none (a blank file shows its department's findings).
    findings = validator.update_all(written) if written else validator.run()
    report.findings = touched_findings(findings, store, report)


def _meant(spec: Indicator, figure: ReturnedFigure,
           prior: StoredValue | None) -> tuple[str | None, str]:
    """What a typed figure means (a fraction read as last year's percentage) and a notice
    saying how it was read; ValueRefused when it is no value of the figure."""
    text, notice = figure.text, figure.notice
    parsed = figure.parsed
    if spec.type.numeric and text is not None and prior is not None \
            and prior.value is not None:
        meant = spec.type.fraction_read(Decimal(text), Decimal(prior.value))
        if meant is not None:
            text, parsed = format(meant, "f"), False
            notice = (f"{figure.address}: {figure.text} read as {text} % (last year "
                      f"{prior.value} %)")
    if spec.type.numeric and text is not None and not parsed:  # as stored; a number read
        text = spec.type.parse(text)  # as typed (not as a fraction) must fit its precision
    return text, notice


def _check_figures(store: Store, returned: Returned, report: FileReport) -> None:
    """The figures' own problems in a file refused for others (a mistyped cell elsewhere,
    say): each refused figure is named with the rest."""
    catalogue = store.edition(returned.year)
    entity = returned.meta.get("entity", "")
    held = store.values(entity, [returned.year - 1]) if entity in store.tree() else {}
    for figure in returned.figures:
        spec = catalogue.indicators.get(figure.indicator)
        if spec is None:
            continue
        try:
            _meant(spec, figure, held.get((figure.indicator, returned.year - 1)))
        except ValueRefused as exc:
            report.refused.append(refused_value(figure.address, spec, figure.text or "",
                                                exc.en, exc.zh))


def touched_findings(findings: list[Finding], store: Store,
                     report: FileReport) -> list[Finding]:
    """The findings a file's preview shows: those on the figures it writes, or (when it
    writes none, a blank file) those of its department's figures; never another entity's
    or another department's."""
    assert report.request is not None
    request = report.request
    own = {d.indicator for d in report.writes}
    department = findings_of_department(findings, store.edition(request.year), request.department,
                                        request.entity)
    return [f for f in department if not own or own & set(f.indicators)]


def _shown(stored: StoredValue | None) -> str | None:
    if stored is None:
        return None
    return state_text(stored.state, stored.value)


def accept(store: Store, report: FileReport, user: str, overwrite_newer: bool = False) -> int:
    """Write one previewed file's figures, how they were obtained and its documents (one
    transaction: a document that cannot be stored leaves every figure as it was); the
    number of figures written. Refused unless may_accept(report, overwrite_newer)."""
    if report.refused:
        raise FileRefused(report.summary("en"), report.summary("zh"), kind="import_refused")
    if report.already is not None or not (report.writes or report.documents
                                          or report.qualities):
        return 0  # nothing new or changed: nothing is written, not even a record
    if not may_accept(report, overwrite_newer):
        count, first = len(report.newer), report.newer[0]
        raise EsgdeskError(f"{counted(count, 'figure')} {'is' if count == 1 else 'are'} "
                           "newer in the database than in the file "
                           f"({first}); confirm to overwrite them",
                           f"数据库中有 {count} 项数据比文件中的新（{first}），确认后才会覆盖",
                           where=report.path.name, kind="newer_in_database")
    assert report.request is not None
    request = report.request
    obtained = {indicator: (quality, method) for indicator, quality, method in report.qualities}
    changes = [Change(request.entity, request.year, d.indicator, d.new, d.note, entry=d.entry,
                      quality=obtained.get(d.indicator, (None, ""))[0],
                      method=obtained.get(d.indicator, (None, ""))[1])
               for d in report.writes]
    written = {d.indicator for d in report.writes}
    submission = SubmissionInfo(report.sha256, request.id, report.path.name,
                                report.submitted_by or "?", report.saved_at or "", user, now(),
                                len(changes))
    # The figures, how each was obtained and the documents: one transaction, or nothing.
    store.import_submission(changes, submission,
                            [q for q in report.qualities if q[0] not in written],
                            [(d.indicator, d.file_name, d.content) for d in report.documents])
    return len(changes)


def accept_all(store: Store, reports: Sequence[FileReport], user: str,
               confirm: Callable[[FileReport], bool], progress: Progress | None = None,
               ) -> int:
    """The one import loop: accept each previewed file that may be (see may_accept), each in
    one transaction; a file holding figures changed in the database since it was saved is
    written only if `confirm` says so. Each report's `written` says how many figures it
    wrote; the total written."""
    written = 0
    for done, report in enumerate(reports, start=1):
        overwrite = report.needs_confirmation and confirm(report)
        if may_accept(report, overwrite):
            with collector_paused():
                report.written = accept(store, report, user, overwrite)
            written += report.written
        if progress is not None and progress(done, len(reports), report.path.name) is False:
            break
    return written


def import_files(store: Store, paths: Iterable[str | Path], user: str, dry_run: bool = False,
                 overwrite_newer: bool = False, progress: Progress | None = None,
                 expect: dict[str, str] | None = None) -> list[FileReport]:
    """Preview every file, then (unless a dry run) accept each acceptable one."""
    paths = [Path(p) for p in paths]
    steps = len(paths) * (1 if dry_run else 2)

    def previewed(done: int, _total: int, name: str) -> bool:
        return progress is None or progress(done, steps, name) is not False

    def accepted(done: int, _total: int, name: str) -> bool:
        return progress is None or progress(len(paths) + done, steps, name) is not False

    reports = preview(store, paths, previewed, expect)
    if not dry_run:
        accept_all(store, reports, user, lambda _report: overwrite_newer, accepted)
    return reports
