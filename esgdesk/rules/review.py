"""Review: where each data request stands, and moving it along
requested → submitted → approved → locked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from esgdesk.errors import EsgdeskError
from esgdesk.rules.validation import Finding, Validator
from esgdesk.storage.store import RequestInfo, Store


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


def department_findings(findings: list[Finding], store: Store, request: RequestInfo,
                        ) -> list[Finding]:
    ids = set(store.request_indicators(request.department))
    return [f for f in findings if f.entity == request.entity and ids & set(f.indicators)]


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
        own = department_findings(findings, store, request)
        late = bool(request.due) and request.status == "requested" \
            and request.due < today.isoformat()
        rows.append(RequestState(request, len(ids), filled,
                                 sum(1 for f in own if f.severity == "error"),
                                 sum(1 for f in own if f.severity == "warning"
                                     and not f.explained), late))
    return rows


def move(store: Store, request_id: str, status: str, user: str, reason: str = "",
         ) -> RequestInfo:
    """Approve (no open errors allowed), lock (locks the figures), or send back."""
    request = store.request(request_id)
    if request is None:
        raise EsgdeskError(f"no data request '{request_id}' in this database")
    if status in ("approved", "locked"):
        own = department_findings(Validator(store, request.year, request.entity).run(), store,
                                  request)
        errors = [f for f in own if f.severity == "error"]
        if errors:
            raise EsgdeskError(f"{len(errors)} open errors in the {request.department} figures "
                               f"of {request.entity} {request.year}, e.g. "
                               f"{errors[0].message('en')}; correct them first")
    if status == "locked" and request.status not in ("approved", "locked"):
        raise EsgdeskError("approve the figures before locking them")
    return store.set_request_status(request_id, status, user, reason, lock_figures=True)
