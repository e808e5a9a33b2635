"""The evidence behind figures, and how each was obtained: attaching a document (a file the
user drops or names), listing, fetching and removing them, and a figure's quality."""

from __future__ import annotations

from pathlib import Path

from esgdesk.application.session.core import Changes, SessionCore
from esgdesk.errors import NotFound
from esgdesk.model.evidence import Attachment, refuse_size
from esgdesk.model.layout import FigureRef
from esgdesk.model.states import VALUE


class EvidencePart(SessionCore):
    """Documents behind figures and the figures' quality, each change audited."""

    def attach_evidence(self, ref: FigureRef, file: Path, note: str = "") -> Changes:
        """Attach a document (a file on disk) to a figure. Refused, nothing stored, when it
        is over the size limit (before it is read), a program, or not what its extension
        says."""
        try:
            refuse_size(file.name, file.stat().st_size)
            content = file.read_bytes()
        except FileNotFoundError:
            raise NotFound("no such file", "没有这个文件", where=str(file)) from None
        self.require_store().attach(ref.entity, ref.year, ref.indicator, file.name, content,
                                    self.user, note)
        if self.workspace is not None:
            self.workspace.evidence_changed(ref)
        return Changes(figures=frozenset({ref}), notes=True, findings=True, saved=True)

    def evidence(self, year: int, entity: str | None = None,
                 indicator: str | None = None) -> list[Attachment]:
        """A year's documents (one entity's, one indicator's), oldest first."""
        store = self.require_store()
        return store.attachments(year, None if entity is None else [store.entity(entity).code],
                                 indicator)

    def evidence_of(self, ref: FigureRef) -> list[Attachment]:
        """The documents attached to one figure."""
        return self.evidence(ref.year, ref.entity, ref.indicator)

    def evidence_file(self, attachment_id: int) -> tuple[Attachment, bytes]:
        """An attachment and its document's bytes."""
        store = self.require_store()
        attachment = store.attachment(attachment_id)
        return attachment, store.evidence_content(attachment.sha256)

    def remove_evidence(self, attachment_id: int, reason: str) -> Changes:
        """Remove a document from its figure, saying why (the attachment stays, marked)."""
        attachment = self.require_store().detach(attachment_id, reason, self.user)
        ref = FigureRef(attachment.entity, attachment.year, attachment.indicator)
        if self.workspace is not None:
            self.workspace.evidence_changed(ref)
        return Changes(figures=frozenset({ref}), notes=True, findings=True, saved=True)

    def set_quality(self, ref: FigureRef, quality: str, method: str = "") -> Changes:
        """Say how a figure was obtained: measured, calculated or estimated (with the
        method of the estimate)."""
        self.require_store().set_quality(ref.entity, ref.year, ref.indicator, quality, method,
                                         self.user)
        return Changes(figures=frozenset({ref}), notes=True, findings=True, saved=True)

    def evidence_missing(self, ref: FigureRef) -> bool:
        """The figure holds a value its catalogue wants a document behind, and has none."""
        store = self.require_store()
        indicator = store.edition(ref.year).indicators.get(ref.indicator)
        if indicator is None or not indicator.needs_evidence:
            return False
        stored = store.get(ref.entity, ref.year, ref.indicator)
        if stored is None or stored.value is None or stored.state != VALUE:
            return False
        return not self.evidence_of(ref)

    def quality_of(self, ref: FigureRef) -> tuple[str, str]:
        """How a figure was obtained and an estimate's method ("", "" when not said)."""
        found = self.require_store().qualities(ref.year, [ref.entity])
        return found.get((ref.entity, ref.indicator), ("", ""))
