"""The session's collection: the report workbook, data requests written and read back,
their review, and a request workbook opened offline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from esgdesk.application.session.core import Changes, Progress, SessionCore
from esgdesk.errors import NotFound

if TYPE_CHECKING:
    from esgdesk.exchange.intake import FileReport
    from esgdesk.rules.review import RequestState
    from esgdesk.storage.records import RequestInfo


class CollectionPart(SessionCore):
    """The report workbook, data requests, returned workbooks and their review."""

    # -- the report workbook ---------------------------------------------------------------
    def export(self, path: Path, lang: str, progress: Progress | None = None,
               by_entity: bool = False, per_child: bool = False) -> Path:
        from esgdesk.exchange.export import export_workbook

        workspace = self.require_workspace()
        return export_workbook(self.require_store(), workspace.year, path, workspace.entity,
                               lang, progress, by_entity=by_entity, per_child=per_child)

    def suggested_export_name(self) -> str:
        workspace = self.require_workspace()
        return f"esgdesk-{workspace.entity}-{workspace.year}.xlsx"

    # -- collection -------------------------------------------------------------------------
    def dashboard(self) -> list[RequestState]:
        from esgdesk.rules.review import dashboard

        if self.store is None or self.workspace is None:
            return []
        return dashboard(self.store, self.workspace.year, date.today())

    def move_request(self, request_id: str, status: str, reason: str = "") -> Changes:
        """Approve, lock or send back a data request (the review's rules decide)."""
        from esgdesk.rules.review import move

        store = self.require_store()
        before = store.request(request_id)
        moved = move(store, request_id, status, self.user, reason)
        changes = self._reloaded() | Changes(requests=True, statuses=True)
        if before is not None and moved.status == before.status:  # nothing was written
            return Changes(reloaded=True, findings=True, requests=True)
        return changes

    def write_requests(self, year: int, entities: list[str], departments: list[str],
                       folder: Path, lang: str, due: str = "", assignee: str = "",
                       progress: Progress | None = None) -> list[Path]:
        """One collection workbook per entity and department, into a folder."""
        from esgdesk.exchange.requests import write_requests

        return write_requests(self.require_store(), year, entities, departments, folder,
                              self.user, lang, assignee or None, due or None, progress)

    def write_request(self, entity: str, year: int, department: str, out: Path, lang: str,
                      assignee: str | None = None, due: str | None = None) -> Path:
        """One department's collection workbook for an entity and year (the request is
        recorded, or re-used if it exists)."""
        from esgdesk.exchange.requests import write_request

        return write_request(self.require_store(), entity, year, department, out, self.user,
                             lang, assignee, due)

    def department(self, text: str) -> str:
        """The department key a user named by key or name, in any case."""
        return self.catalogue.department_key(text)

    def request_for(self, entity: str, year: int, department: str) -> RequestInfo:
        """The data request of a department for an entity and year (NotFound when none was
        made)."""
        store = self.require_store()
        request = store.request_for(entity, year, department)
        if request is None:
            name = store.catalogue.departments[department]
            raise NotFound(f"no {name.en} request for {entity} {year} (see 'esgdesk status')",
                           f"没有 {entity} {year} 年{name.zh}的数据请求（见 esgdesk status）")
        return request

    def preview_import(self, paths: list[Path], progress: Progress | None = None,
                       expect: dict[str, str] | None = None) -> list[FileReport]:
        """What returned workbooks would change, with their findings; nothing is written.
        `expect` ({"year": "2024", "entity": …, "department": …}) refuses files made for
        anything else."""
        from esgdesk.exchange.intake import preview

        return preview(self.require_store(), paths, progress, expect)

    def accept_import(self, reports: list[FileReport], confirm: Callable[[FileReport], bool],
                      ) -> tuple[int, Changes]:
        """Write the previewed files the coordinator accepted, each in one transaction; a
        file holding figures changed in the database since it was saved is written only if
        `confirm` says so. The figures written, and what changed."""
        from esgdesk.exchange.intake import accept_all

        try:
            written = accept_all(self.require_store(), reports, self.user, confirm)
        finally:
            changes = self._reloaded() | Changes(requests=True)
        return written, changes

    def open_request(self, workbook: Path, folder: Path | None = None) -> Changes:
        """Open a request workbook as forms, with no coordinator database (contributor)."""
        from esgdesk.exchange.offline import open_request

        offline, store = open_request(workbook, folder)
        store.close()
        changes = self.open(offline.database, offline.entity, offline.year, offline=offline)
        return changes

    def submit_request(self, name: str, out: Path | None = None) -> Path:
        """Write the figures back into the request workbook, ready to send back."""
        from esgdesk.exchange.offline import submit_request

        if self.offline is None:
            raise NotFound("no request workbook is open", "没有打开数据请求工作簿")
        return submit_request(self.require_store(), self.offline, name, out)

