"""Review: where each data request stands, which findings are a department's, and moving a
request along requested → submitted → approved → locked (or back, with a reason)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from esgdesk.errors import EsgdeskError, NeedsReason, NotFound
from esgdesk.model.catalogue import Catalogue
from esgdesk.rules.validation import Finding, Validator
from esgdesk.storage.store import REQUEST_STATUSES, RequestInfo, Store


@dataclass(frozen=True)
class RequestState:
    """One row of the coordinator's dashboard."""

    request: RequestInfo
    expected: int  # figures the request collects
    filled: int
    errors: int
    warnings: int  # open (unexplained) warnings
    late: bool

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
    """True when moving a request from `old` to `new` sends it back (to an earlier status)
    or leaves "locked": the move is audited with the reason the user gives."""
    order = REQUEST_STATUSES.index
    return order(new) < order(old)


def dashboard(store: Store, year: int, today: date | None = None) -> list[RequestState]:
    """Every request of a year with its progress and open findings."""
    today = today or date.today()
    requests = store.requests(year)
    if not requests:
        return []
    findings = Validator(store, year).run()
    held = store.figures_of({r.entity for r in requests}, [year])
    rows = []
    for request in requests:
        ids = store.request_indicators(request.department)
        filled = sum(1 for i in ids if (request.entity, i, year) in held)
        own = findings_of_department(findings, store.catalogue, request.department,
                                     request.entity)
        late = bool(request.due) and request.status == "requested" \
            and request.due < today.isoformat()
        rows.append(RequestState(request, len(ids), filled,
                                 sum(1 for f in own if f.severity == "error"),
                                 sum(1 for f in own if f.severity == "warning"
                                     and not f.explained), late))
    return rows


def move(store: Store, request_id: str, status: str, user: str, reason: str = "",
         ) -> RequestInfo:
    """Approve (no open errors allowed), lock (locks the figures), or send back (a reason
    is required, see needs_reason)."""
    request = store.request(request_id)
    if request is None:
        raise NotFound(f"no data request '{request_id}' in this database",
                       f"数据库中没有数据请求“{request_id}”")
    what_en = f"the {request.department} figures of {request.entity} {request.year}"
    what_zh = f"{request.entity} {request.year} 年 {request.department} 的数据"
    if status in REQUEST_STATUSES and needs_reason(request.status, status) \
            and not reason.strip():
        if request.status == "locked":
            raise NeedsReason(f"unlocking {what_en} needs a reason",
                              f"解锁{what_zh}需要说明理由")
        raise NeedsReason(f"sending {what_en} back to '{status}' needs a reason",
                          f"将{what_zh}退回到“{status}”需要说明理由")
    if status in ("approved", "locked"):
        own = findings_of_department(Validator(store, request.year, request.entity).run(),
                                     store.catalogue, request.department, request.entity)
        errors = [f for f in own if f.severity == "error"]
        if errors:
            raise EsgdeskError(f"{len(errors)} open errors in {what_en}, e.g. "
                               f"{errors[0].message('en')}; correct them first",
                               f"{what_zh}中有 {len(errors)} 个未解决的错误，例如"
                               f"{errors[0].message('zh')}，请先更正",
                               kind="open_errors")
    if status == "locked" and request.status not in ("approved", "locked"):
        raise EsgdeskError("approve the figures before locking them", "请先审核通过再锁定",
                           kind="not_approved")
    return store.set_request_status(request_id, status, user, reason, lock_figures=True)
