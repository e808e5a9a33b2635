"""Review: where each data request stands, which findings are a department's, and moving a
request along requested → submitted → approved → locked (or back, with a reason)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache

from esgdesk.errors import EsgdeskError, EvidenceMissing, NeedsReason, NotFound, Published
from esgdesk.model.catalogue import Catalogue
from esgdesk.model.frozen import Frozen
from esgdesk.model.states import VALUE
from esgdesk.rules.validation import Finding, Validator, counted
from esgdesk.storage.store import REQUEST_STATUSES, RequestInfo, Store, StoredValue


class RequestState(Frozen):
    """One row of the coordinator's dashboard."""

    _fields = ("request", "expected", "filled", "errors", "warnings", "late", "sent_back")
    request: RequestInfo
    expected: int  # figures the request collects
    filled: int
    errors: int
    warnings: int  # open (unexplained) warnings
    late: bool
    sent_back: str  # why it was sent back, while it is

    def __init__(self, request: RequestInfo, expected: int, filled: int, errors: int,
                 warnings: int, late: bool, sent_back: str = "") -> None:
        self.__dict__.update(request=request, expected=expected, filled=filled, errors=errors,
                             warnings=warnings, late=late, sent_back=sent_back)

    @property
    def missing(self) -> int:
        return self.expected - self.filled


@cache
def department_indicators(catalogue: Catalogue, department: str) -> frozenset[str]:
    """The indicators whose findings are a department's: every indicator it owns, the typed
    ones it supplies and the derived ones computed from them.

    Derived figures count because a finding on one (a ratio that disagrees, a figure
    printed twice) is corrected by changing the components the department supplies; the
    catalogue gives a derived indicator the owner of its components."""
    return frozenset(i.id for i in catalogue.indicators.values() if i.owner == department)


def findings_of_department(findings: Iterable[Finding], catalogue: Catalogue, department: str,
                           entity: str | None = None) -> list[Finding]:
    """The findings touching any of a department's indicators (see department_indicators),
    of one entity or of all; the findings panel and the dashboard both count these."""
    ids = department_indicators(catalogue, department)
    return [f for f in findings if (entity is None or f.entity == entity)
            and not ids.isdisjoint(f.indicators)]


def department_first_indicator(catalogue: Catalogue, department: str) -> str | None:
    """Where a department's contributor starts: the first figure it supplies, in the
    catalogue's order (None for a department that supplies none)."""
    return next(iter(catalogue.supplied_by(department)), None)


def needs_reason(old: str, new: str) -> bool:
    """True when moving a request from `old` to `new` sends it back (to an earlier status):
    the move is audited with the reason the user gives. (A locked request never leaves
    "locked": its figures are published.)"""
    order = REQUEST_STATUSES.index
    return order(new) < order(old)


def is_filled(stored: StoredValue | None) -> bool:
    """A figure holds a value or an explicit state (n/a, not available)."""
    return stored is not None and (stored.value is not None or stored.state != VALUE)


def unfilled(store: Store, request: RequestInfo) -> list[str]:
    """The figures a request collects that are not filled (see is_filled), in the
    catalogue's order."""
    held = store.values(request.entity, [request.year])
    return [i for i in store.request_indicators(request.department, request.year, request.entity)
            if not is_filled(held.get((i, request.year)))]


def evidence_missing(store: Store, request: RequestInfo) -> list[str]:
    """The figures of a request holding a value (n/a and not available have nothing to
    prove) whose catalogue asks for a document behind them and that have none, in the
    catalogue's order."""
    catalogue = store.edition(request.year)
    needing = [i for i in store.request_indicators(request.department, request.year,
                                                   request.entity)
               if i in catalogue.indicators and catalogue.indicators[i].needs_evidence]
    if not needing:
        return []
    held = store.values(request.entity, [request.year])
    evidenced = {a.indicator for a in store.attachments(request.year, [request.entity])}
    return [i for i in needing if _has_value(held.get((i, request.year)))
            and i not in evidenced]


def _has_value(stored: StoredValue | None) -> bool:
    return stored is not None and stored.state == VALUE and stored.value is not None


def dashboard(store: Store, year: int, today: date | None = None) -> list[RequestState]:
    """Every request of a year with its progress and open findings."""
    today = today or date.today()
    requests = store.requests(year)
    if not requests:
        return []
    findings = Validator(store, year).run()
    held = store.figures_of({r.entity for r in requests}, [year])
    sent_back = store.sent_back(year)
    rows = []
    for request in requests:
        ids = store.request_indicators(request.department, request.year, request.entity)
        filled = sum(1 for i in ids if is_filled(held.get((request.entity, i, year))))
        own = findings_of_department(findings, store.edition(request.year), request.department,
                                     request.entity)
        late = bool(request.due) and request.status == "requested" \
            and request.due < today.isoformat()
        rows.append(RequestState(request, len(ids), filled,
                                 sum(1 for f in own if f.severity == "error"),
                                 sum(1 for f in own if f.severity == "warning"
                                     and not f.explained), late,
                                 sent_back.get(request.id, "")))
    return rows


def move(store: Store, request_id: str, status: str, user: str, reason: str = "",
         ) -> RequestInfo:
    """Approve (every figure filled or marked n/a or not available, no open errors), lock
    (publishes the figures), or send back (a reason is required, see needs_reason). A
    locked request is never moved: its figures change only as restatements."""
    request = store.request(request_id)
    if request is None:
        raise NotFound(f"no data request '{request_id}' in this database",
                       f"数据库中没有数据请求“{request_id}”")
    what_en = f"the {request.department} figures of {request.entity} {request.year}"
    what_zh = f"{request.entity} {request.year} 年 {request.department} 的数据"
    if request.status == "locked" and status != "locked":
        raise Published(f"{what_en} are", what_zh, request.entity, request.year)
    if status in REQUEST_STATUSES and needs_reason(request.status, status) \
            and not reason.strip():
        raise NeedsReason(f"sending {what_en} back to '{status}' needs a reason",
                          f"将{what_zh}退回到“{status}”需要说明理由")
    if status == "approved" and request.status != "approved":
        _refuse_unfilled(store, request, what_en, what_zh)
    if status in ("approved", "locked"):
        own = findings_of_department(Validator(store, request.year, request.entity).run(),
                                     store.edition(request.year), request.department,
                                     request.entity)
        errors = [f for f in own if f.severity == "error"]
        if errors:
            raise EsgdeskError(f"{counted(len(errors), 'open error')} in {what_en}, e.g. "
                               f"{errors[0].message('en')}; correct them first",
                               f"{what_zh}中有 {len(errors)} 个未解决的错误，例如"
                               f"{errors[0].message('zh')}，请先更正",
                               kind="open_errors")
    if status == "approved" and request.status != "approved":
        lacking = evidence_missing(store, request)
        if lacking:
            raise EvidenceMissing(what_en, what_zh, [(request.entity, i) for i in lacking])
    if status == "locked" and request.status not in ("approved", "locked"):
        raise EsgdeskError("approve the figures before locking them", "请先审核通过再锁定",
                           kind="not_approved")
    return store.set_request_status(request_id, status, user, reason, lock_figures=True)


def _refuse_unfilled(store: Store, request: RequestInfo, what_en: str, what_zh: str) -> None:
    """Approval needs every figure of the request present or explicitly marked n/a or
    not available."""
    missing = unfilled(store, request)
    if missing:
        total = len(store.request_indicators(request.department, request.year, request.entity))
        raise EsgdeskError(
            f"{what_en}: {len(missing)} of {counted(total, 'figure')} "
            f"{'is' if len(missing) == 1 else 'are'} missing, e.g. {missing[0]}; fill them "
            "in or mark them n/a or not available before approving",
            f"{what_zh}：{total} 项中有 {len(missing)} 项缺失，例如 {missing[0]}；"
            "请先填写，或标为“不适用”或“暂无”，再审核通过",
            kind="unfilled")
