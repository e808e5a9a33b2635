"""The store's data requests and the returned workbooks imported for them: who was asked for
which department's figures, where each request stands, and what each submission brought."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from esgdesk.errors import EsgdeskError, NotFound, Published, UnknownDepartment
from esgdesk.model.entities import NOT_HELD, EntityRefused, span_text
from esgdesk.storage.audit import add_audit_row, add_audit_rows, audit_fields
from esgdesk.storage.base import now
from esgdesk.storage.evidence import EvidencePart
from esgdesk.storage.figures import Obtained, refuse_obtained
from esgdesk.storage.records import (
    Change,
    RequestInfo,
    StoredValue,
    SubmissionInfo,
    read_record,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from esgdesk.storage.models import Request

REQUEST_STATUSES = ("requested", "submitted", "approved", "locked")
REQUEST_COLUMNS = ("id, entity_id, year, department, assignee, due, status, changed_by, "
                   "changed_at")
SUBMISSION_COLUMNS = ("sha256, request_id, file_name, submitted_by, saved_at, imported_by, "
                      "imported_at, figures")


def no_request(request_id: str) -> NotFound:
    return NotFound(f"no data request '{request_id}' in this database",
                    f"此数据库中没有数据请求“{request_id}”")


class RequestsPart(EvidencePart):
    """Data requests, their review, and imported submissions."""

    # -- reading ----------------------------------------------------------------
    def requests(self, year: int | None = None,
                 entities: Iterable[str] | None = None) -> list[RequestInfo]:
        """The data requests (of a year; of the entities named), in year, entity and
        department order."""
        codes = self._codes()
        where, params = ("WHERE year = ?", (year,)) if year is not None else ("", ())
        rows = self._query(f"SELECT {REQUEST_COLUMNS} FROM request {where} "
                           "ORDER BY year, entity_id, department", params)
        if entities is not None:  # one entity's requests: the others' are not read
            wanted = set(entities)
            rows = [r for r in rows if codes[r["entity_id"]] in wanted]
        return [read_record(RequestInfo, r, entity=codes[r["entity_id"]]) for r in rows]

    def request(self, request_id: str) -> RequestInfo | None:
        rows = self._query(f"SELECT {REQUEST_COLUMNS} FROM request WHERE id = ?", (request_id,))
        if not rows:
            return None
        return read_record(RequestInfo, rows[0], entity=self._code_of(rows[0]["entity_id"]))

    def request_for(self, entity: str, year: int, department: str) -> RequestInfo | None:
        rows = self._query(f"SELECT {REQUEST_COLUMNS} FROM request WHERE entity_id = ? AND "
                           "year = ? AND department = ?", (self.entity(entity).id, year,
                                                           department))
        return read_record(RequestInfo, rows[0], entity=entity) if rows else None

    def request_indicators(self, department: str, year: int | None = None,
                           entity: str | None = None) -> list[str]:
        """The typed indicators a department supplies (what its request of a year collects,
        by that year's edition; by the latest edition without a year), those the entity
        takes when one is named (see EntityTree.takes)."""
        catalogue = self.catalogue if year is None else self.edition(year)
        ids = catalogue.supplied_by(department)
        if entity is None:
            return ids
        tree = self.tree(year)
        return [i for i in ids if tree.takes(entity, catalogue.indicators[i].entered_at)]

    def sent_back(self, year: int, entity: str | None = None) -> dict[str, str]:
        """Why each request of a year (of one entity, if named) now sent back was sent back
        (request id → the reason given), read from the audit log: a request whose last
        review moved it back (to an earlier status) was sent back; one submitted again
        since is not."""
        last: dict[tuple[int, str], tuple[str, str, str]] = {}
        where, params = "action = 'review' AND year = ?", (year,)
        if entity is not None:  # the audit log's index on entity and year finds its rows
            where, params = f"entity_id = ? AND {where}", (self.entity(entity).id, year)
        for row in self._query("SELECT entity_id, department, old_status, new_status, reason "
                               f"FROM audit WHERE {where} ORDER BY id", params):
            last[row["entity_id"], row["department"]] = (row["old_status"] or "",
                                                         row["new_status"] or "",
                                                         row["reason"] or "")
        order = {status: n for n, status in enumerate(REQUEST_STATUSES)}
        ids = {(self.entity(r.entity).id, r.department): r.id for r in self.requests(year)}
        return {ids[key]: reason for key, (old, new, reason) in last.items()
                if key in ids and order.get(new, 0) < order.get(old, 0)}

    def submission(self, sha256: str) -> SubmissionInfo | None:
        rows = self._query(f"SELECT {SUBMISSION_COLUMNS} FROM submission WHERE sha256 = ?",
                           (sha256,))
        return read_record(SubmissionInfo, rows[0]) if rows else None

    def submissions(self, request_id: str) -> list[SubmissionInfo]:
        rows = self._query(f"SELECT {SUBMISSION_COLUMNS} FROM submission "
                           "WHERE request_id = ? ORDER BY id", (request_id,))
        return [read_record(SubmissionInfo, r) for r in rows]

    # -- writing ----------------------------------------------------------------
    def assign(self, entity: str, year: int, department: str, assignee: str, due: str,
               user: str) -> RequestInfo:
        """Create (or re-assign) the request of a department's tables for an entity and year."""
        request = self.planned_requests(year, [(entity, department)], assignee, due, user)[0]
        return self.assign_all([request], user)[0]

    def planned_requests(self, year: int, jobs: Sequence[tuple[str, str]],
                         assignee: str | None, due: str | None, user: str
                         ) -> list[RequestInfo]:
        """The request of each (entity, department) of a year as assigning it makes it: the
        one held, re-assigned where `assignee` or `due` differ (None keeps the request's own),
        or a new one with its id ("" for an assignee or due date of None). Nothing is written:
        assign_all records them (a collection records its requests once their workbooks are
        written)."""
        import uuid

        departments = self.edition(year).departments
        for _entity, department in jobs:
            if department not in departments:
                raise UnknownDepartment(department, list(departments))
        held = {(r.entity, r.department): r for r in self.requests(year)}
        stamp = now()
        planned = []
        for entity, department in jobs:
            ent = self.entity(entity)  # NotFound for an entity the database does not hold
            if entity not in self.tree(year):  # not yet acquired, or closed: nothing to ask
                raise EntityRefused([NOT_HELD(code=entity, year=year, span=span_text(ent))])
            request = held.get((entity, department))
            who = assignee if assignee is not None else (request.assignee if request else "")
            when = due if due is not None else (request.due if request else "")
            if request is None:
                request = RequestInfo(uuid.uuid4().hex, entity, year, department, who, when,
                                      "requested", user, stamp)
            elif (request.assignee, request.due) != (who, when):
                request = request._replace(assignee=who, due=when, changed_by=user,
                                           changed_at=stamp)
            planned.append(request)
        return planned

    def assign_all(self, requests: Sequence[RequestInfo], user: str) -> list[RequestInfo]:
        """Record requests as planned_requests made them, in one transaction, each new or
        re-assigned one with its audit row; refused (kind "request_conflict") when another
        user made one of them meanwhile. The requests as recorded."""
        from sqlalchemy import bindparam, insert, select, update

        from esgdesk.storage.models import Request

        ids = {r.entity: self.entity(r.entity).id for r in requests}
        stamp = now()
        table = Request.__table__
        recorded = []
        with self._writing() as s:
            held = {(row.entity_id, row.year, row.department): row for row in s.execute(
                select(table).where(table.c.year.in_({r.year for r in requests}),
                                    table.c.entity_id.in_(set(ids.values()))))}
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            audits: dict[str, list[dict[str, Any]]] = {"update": [], "insert": []}
            for request in requests:
                entity_id = ids[request.entity]
                row = held.get((entity_id, request.year, request.department))
                if row is not None and row.id != request.id:
                    raise EsgdeskError(
                        f"the {request.department} request of {request.entity} "
                        f"{request.year} was made meanwhile by {row.changed_by}; nothing was "
                        "written: make the requests again",
                        f"{request.entity} {request.year} 年 {request.department} 的数据请求"
                        f"已由 {row.changed_by} 同时发出；未写入任何内容，请重新生成",
                        kind="request_conflict")
                if row is not None and (row.assignee, row.due) == (request.assignee,
                                                                   request.due):
                    recorded.append(RequestInfo(row.id, request.entity, row.year,
                                                row.department, row.assignee, row.due,
                                                row.status, row.changed_by, row.changed_at))
                    continue
                status = row.status if row is not None else "requested"
                written = request._replace(status=status, changed_by=user, changed_at=stamp)
                if row is None:
                    inserts.append({"id": request.id, "entity_id": entity_id,
                                    "year": request.year, "department": request.department,
                                    "assignee": request.assignee, "due": request.due,
                                    "status": status, "changed_by": user, "changed_at": stamp})
                else:
                    updates.append({"row_id": row.id, "assignee": request.assignee,
                                    "due": request.due, "changed_by": user,
                                    "changed_at": stamp})
                audits["insert" if row is None else "update"].append(audit_fields(
                    user=user, action="request", entity_id=entity_id, year=request.year,
                    department=request.department,
                    new_value=f"{request.assignee} {request.due}".strip(), new_status=status))
                recorded.append(written)
            # the audit rows in the order their requests' rows are written (on a server its
            # triggers write them from those rows)
            add_audit_rows(s, stamp, audits["update"] + audits["insert"])
            if updates:
                s.execute(update(table).where(table.c.id == bindparam("row_id")), updates)
            if inserts:
                s.execute(insert(table), inserts)
        return recorded

    def set_request_status(self, request_id: str, status: str, user: str, reason: str = "",
                           lock_figures: bool = False) -> RequestInfo:
        """Move a request along requested → submitted → approved → locked (audited).

        Locking publishes the request's figures (with `lock_figures`, every figure of its
        tables is locked too); a locked request never leaves "locked", as its published
        figures change only as restatements. The checks that decide whether a request
        may be approved live in esgdesk.rules.review."""
        from esgdesk.storage.models import Request

        if status not in REQUEST_STATUSES:
            raise EsgdeskError(
                f"status '{status}' is not one of {', '.join(REQUEST_STATUSES)}",
                f"状态“{status}”不是以下之一：{', '.join(REQUEST_STATUSES)}",
                kind="unknown_status")
        stamp = now()
        with self._writing() as s:
            row = s.get(Request, request_id)
            if row is None:
                raise no_request(request_id)
            entity = self._code_of(row.entity_id)
            old = row.status
            if old == status:
                return read_record(RequestInfo, row, entity=entity)
            if old == "locked":
                raise Published(f"the {row.department} figures of {entity} {row.year} are",
                                f"{entity} {row.year} 年 {row.department} 的数据", entity,
                                row.year)
            if status == "locked" and lock_figures:
                self._lock_request_figures(s, row, user, stamp, reason)
            row.status, row.changed_by, row.changed_at = status, user, stamp
            add_audit_row(s, at=stamp, user=user, action="review", entity_id=row.entity_id,
                          year=row.year, department=row.department, old_status=old,
                          new_status=status, reason=reason)
            s.flush()
            return read_record(RequestInfo, row, entity=entity)

    def _lock_request_figures(self, s: Session, request: Request, user: str, stamp: str,
                              reason: str) -> None:
        """Lock every figure a request collects, each audited."""
        from sqlalchemy import select

        from esgdesk.storage.models import Value

        ids = self.request_indicators(request.department, request.year)
        figures = s.execute(select(Value).where(
            Value.entity_id == request.entity_id, Value.year == request.year,
            Value.indicator.in_(ids))).scalars()
        for value in figures:
            if value.status == "locked":
                continue
            add_audit_row(s, at=stamp, user=user, action="status", entity_id=request.entity_id,
                          year=request.year, indicator=value.indicator, old_value=value.value,
                          new_value=value.value, old_status=value.status, new_status="locked",
                          reason=reason)
            value.status, value.version = "locked", value.version + 1
            value.changed_by, value.changed_at = user, stamp

    def import_submission(self, changes: list[Change], submission: SubmissionInfo,
                          qualities: Iterable[tuple[str, str, str]] = (),
                          documents: Iterable[tuple[str, str, bytes]] = (),
                          ) -> list[StoredValue]:
        """A returned workbook's figures (each with how it was obtained, where the file says
        so), its record, the request's new status, how figures it leaves were obtained
        (`qualities`: indicator, quality, method) and the documents that came with it
        (indicator, file name, bytes), in one transaction: all of it, or nothing. Each audit
        row names the file, its SHA-256 and who submitted it."""
        import json

        from sqlalchemy import insert, select, update
        from sqlalchemy.orm.exc import StaleDataError

        from esgdesk.storage.models import Request, Submission

        prepared = self._prepared(changes)
        qualities, documents = list(qualities), list(documents)
        for indicator, quality, method in qualities:
            refuse_obtained(indicator, quality, method)
        source = json.dumps({"file": submission.file_name, "sha256": submission.sha256,
                             "submitted_by": submission.submitted_by,
                             "request": submission.request_id}, ensure_ascii=False)
        user, stamp = submission.imported_by, submission.imported_at
        reason = f"import of {submission.file_name}"
        # The request and the submission by statements, not as objects: a collection's
        # hundred files are a hundred transactions, each object a unit of work's bookkeeping.
        requests = Request.__table__
        with self._writing() as s:
            request = s.execute(select(requests.c.entity_id, requests.c.year,
                                       requests.c.department, requests.c.status).where(
                requests.c.id == submission.request_id)).first()
            if request is None:
                raise no_request(submission.request_id)
            written = self._write_batch(s, prepared, user, stamp, reason, source)
            code = self._code_of(request.entity_id)
            self._write_qualities(s, [Obtained(request.entity_id, code, request.year,
                                               indicator, quality, method)
                                      for indicator, quality, method in qualities],
                                  user, stamp, source)
            if documents:  # most files bring none: nothing to look up
                self._store_documents(s, request.entity_id, request.year, documents, user,
                                      stamp, f"returned with {submission.file_name}")
            if request.status == "requested":
                # its audit row first: on a server, what the app knows goes to the trigger
                add_audit_row(s, at=stamp, user=user, action="review",
                              entity_id=request.entity_id, year=request.year,
                              department=request.department, old_status="requested",
                              new_status="submitted", reason=reason, source=source)
                done = s.execute(update(requests).where(
                    requests.c.id == submission.request_id).values(
                    status="submitted", changed_by=user, changed_at=stamp))
                if done.rowcount != 1:  # as the ORM says it (see StorePart._writing)
                    raise StaleDataError("the data request's row was not found to update")
            s.execute(insert(Submission.__table__).values(**vars(submission)))
            s.flush()
        return written
