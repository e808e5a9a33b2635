"""The store's evidence: documents attached to figures (their bytes stored once by SHA-256),
removals that keep the row, and how each figure was obtained (its quality and an estimate's
method). Each change is one transaction with its audit row, which carries the document's
hash: the audit chain covers the evidence."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from esgdesk.errors import NeedsReason, NotFound
from esgdesk.model.evidence import Attachment, media_type
from esgdesk.storage.audit import add_audit_row
from esgdesk.storage.base import now
from esgdesk.storage.figures import (
    FiguresPart,
    Obtained,
    check_text,
    refuse_locked_or_stale,
    refuse_obtained,
    row_of,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ATTACH = "attach"  # the audit action of a document attached to a figure
DETACH = "detach"  # … and of one removed from it
QUALITIES_BY_ENTITY = 200  # up to so many entities' qualities are read by their entity

_ATTACHMENT_COLUMNS = ("a.id, a.entity_id, a.year, a.indicator, a.sha256, a.file_name, "
                       "c.size, c.media_type, a.note, a.attached_by, a.attached_at, a.removed, "
                       "a.removed_by, a.removed_at, a.removed_reason")


class EvidencePart(FiguresPart):
    """Documents behind the figures, and the figures' quality."""

    def attach(self, entity: str, year: int, indicator: str, file_name: str, content: bytes,
               user: str, note: str = "") -> Attachment:
        """Attach a document to a figure (it need not have a value yet). Refused, with
        nothing stored, when the document is too large, a program, or not what its
        extension says (EvidenceRefused)."""
        media_type(file_name, content)
        self.known_indicator(year, indicator)
        check_text(indicator, note)
        ent = self.entity(entity)
        with self._writing() as s:
            attachment_id = self._store_document(s, ent.id, year, indicator, file_name,
                                                 content, user, now(), note)
        return self.attachment(attachment_id)

    def _store_document(self, s: Session, entity_id: int, year: int, indicator: str,
                        file_name: str, content: bytes, user: str, stamp: str, note: str,
                        ) -> int:
        """A document attached inside a writing transaction, with its audit row: its bytes
        stored unless held already (by their SHA-256); the attachment's id. Refused
        (EvidenceRefused) when it is no document."""
        from hashlib import sha256  # on attaching, not at start-up

        from esgdesk.storage.models import Attachment as AttachmentRow
        from esgdesk.storage.models import EvidenceContent

        kind = media_type(file_name, content)
        digest = sha256(content).hexdigest()
        if s.get(EvidenceContent, digest) is None:
            s.add(EvidenceContent(sha256=digest, content=content, size=len(content),
                                  media_type=kind))
            s.flush()  # the content before the row that refers to it
        # Said before the row is inserted: on a server its trigger writes the audit row.
        add_audit_row(s, at=stamp, user=user, action=ATTACH, entity_id=entity_id, year=year,
                      indicator=indicator, new_value=digest, source=file_name, reason=note)
        row = AttachmentRow(entity_id=entity_id, year=year, indicator=indicator,
                            sha256=digest, file_name=file_name, note=note,
                            attached_by=user, attached_at=stamp, removed=False)
        s.add(row)
        s.flush()
        return row.id

    def _store_documents(self, s: Session, entity_id: int, year: int,
                         documents: Iterable[tuple[str, str, bytes]], user: str, stamp: str,
                         note: str) -> None:
        """Documents (indicator, file name, bytes) attached to one entity's figures of a
        year inside a writing transaction; one attached to its figure already (the same
        content) is left."""
        from hashlib import sha256  # on attaching, not at start-up

        from sqlalchemy import select

        from esgdesk.storage.models import Attachment as AttachmentRow

        held = {(indicator, digest) for indicator, digest in s.execute(
            select(AttachmentRow.indicator, AttachmentRow.sha256).where(
                AttachmentRow.entity_id == entity_id, AttachmentRow.year == year,
                AttachmentRow.removed.is_(False)))}
        for indicator, file_name, content in documents:
            digest = sha256(content).hexdigest()
            if (indicator, digest) in held:
                continue
            self._store_document(s, entity_id, year, indicator, file_name, content, user,
                                 stamp, note)
            held.add((indicator, digest))

    def detach(self, attachment_id: int, reason: str, user: str) -> Attachment:
        """Remove a document from its figure, saying why: the attachment is marked removed
        (by whom, when, why) and stays, as does its content."""
        from esgdesk.storage.models import Attachment as AttachmentRow

        if not reason.strip():
            raise NeedsReason(f"removing evidence {attachment_id} needs a reason",
                              f"移除证明文件 {attachment_id} 需要说明原因")
        stamp = now()
        with self._writing() as s:
            row = s.get(AttachmentRow, attachment_id)
            if row is None or row.removed:
                raise _no_attachment(attachment_id)
            check_text(row.indicator, reason, "the reason")
            row.removed, row.removed_by = True, user
            row.removed_at, row.removed_reason = stamp, reason.strip()
            add_audit_row(s, at=stamp, user=user, action=DETACH, entity_id=row.entity_id,
                          year=row.year, indicator=row.indicator, old_value=row.sha256,
                          source=row.file_name, reason=reason.strip())
        return self.attachment(attachment_id)

    def attachment(self, attachment_id: int) -> Attachment:
        rows = self._query(f"SELECT {_ATTACHMENT_COLUMNS} FROM attachment a "
                           "JOIN evidence_content c ON c.sha256 = a.sha256 WHERE a.id = ?",
                           (attachment_id,))
        if not rows:
            raise _no_attachment(attachment_id)
        return self._attachment(rows[0])

    def attachments(self, year: int, entities: Iterable[str] | None = None,
                    indicator: str | None = None, removed: bool = False) -> list[Attachment]:
        """A year's documents (of some entities, of one indicator), oldest first; removed
        ones only when asked."""
        sql = (f"SELECT {_ATTACHMENT_COLUMNS} FROM attachment a "
               "JOIN evidence_content c ON c.sha256 = a.sha256 WHERE a.year = ?")
        params: list[Any] = [year]
        if entities is not None:
            ids = [self.entity(code).id for code in entities]
            if not ids:
                return []
            sql += f" AND a.entity_id IN ({', '.join('?' * len(ids))})"
            params += ids
        if indicator is not None:
            sql += " AND a.indicator = ?"
            params.append(indicator)
        if not removed:
            sql += " AND a.removed = ?"
            params.append(False)
        return [self._attachment(r) for r in self._query(sql + " ORDER BY a.id", params)]

    def evidence_content(self, sha256: str) -> bytes:
        """A document's bytes, by their SHA-256."""
        rows = self._query("SELECT content FROM evidence_content WHERE sha256 = ?", (sha256,))
        if not rows:
            raise NotFound(f"no document with SHA-256 {sha256}",
                           f"没有 SHA-256 为 {sha256} 的文件")
        return bytes(rows[0]["content"])

    def evidence_size(self) -> int:
        """The bytes every document stored takes, each once."""
        rows = self._query("SELECT coalesce(sum(size), 0) AS total FROM evidence_content")
        return int(rows[0]["total"])

    def _attachment(self, row: Any) -> Attachment:
        return Attachment(row["id"], self._code_of(row["entity_id"]), row["year"],
                          row["indicator"], row["sha256"], row["file_name"], row["size"],
                          row["media_type"], row["note"], row["attached_by"],
                          row["attached_at"], bool(row["removed"]), row["removed_by"] or "",
                          row["removed_at"] or "", row["removed_reason"] or "")

    # -- how a figure was obtained ------------------------------------------------------
    def set_quality(self, entity: str, year: int, indicator: str, quality: str, method: str,
                    user: str, expected_version: int | None = None) -> None:
        """Say how a stored figure was obtained (measured, calculated, estimated; "" to say
        nothing) and an estimate's method, audited ("quality"); the figure's value, version
        and last change stay."""
        refuse_obtained(indicator, quality, method)
        self.known_indicator(year, indicator)
        ent = self.entity(entity)
        with self._writing() as s:
            row = row_of(s, ent.id, year, indicator)
            if row is None:
                raise NotFound(f"{indicator} for {entity} {year} has no value yet",
                               f"{entity} {year} 年的 {indicator} 还没有数值")
            refuse_locked_or_stale(row, ent.code, year, indicator, expected_version)
            self._write_qualities(s, [Obtained(ent.id, ent.code, year, indicator, quality,
                                               method)], user, now(), "")

    def qualities(self, year: int, entities: Iterable[str] | None = None,
                  ) -> dict[tuple[str, str], tuple[str, str]]:
        """How each figure of a year was obtained, where someone said: (quality, method) by
        (entity, indicator)."""
        codes = self._codes()
        sql = ("SELECT entity_id, indicator, quality, method FROM value "
               "WHERE year = ? AND quality <> ''")
        wanted = None if entities is None else set(entities)
        params: list[Any] = [year]
        if wanted is not None and len(wanted) <= QUALITIES_BY_ENTITY:
            # a few entities' rows by the (entity, year, indicator) index, not the year's all
            # (a group's every figure of the year: a twentieth of a second at 451 entities,
            # each time the details show a figure)
            known = self._entity_map()
            ids = [known[code].id for code in wanted if code in known]
            sql += f" AND entity_id IN ({', '.join('?' * len(ids)) or 'NULL'})"
            params += ids
        rows = self._query(sql, tuple(params))
        return {(codes[r["entity_id"]], r["indicator"]): (r["quality"], r["method"] or "")
                for r in rows if wanted is None or codes[r["entity_id"]] in wanted}


def _no_attachment(attachment_id: int) -> NotFound:
    return NotFound(f"no evidence {attachment_id} (or it was removed): see 'esgdesk evidence "
                    "list'", f"没有证明文件 {attachment_id}（或已移除）：见 esgdesk evidence list",
                    kind="not_found")
