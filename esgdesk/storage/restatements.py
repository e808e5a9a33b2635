"""Restating published computed figures within another change's transaction: a change of
method (a province, a factor, a factor choice) or of the group's structure (a boundary) that
moves a published computed or consolidated figure keeps what was published beside it,
footnoted, with the kind and reason of the restatement and an audit row, in the same
transaction as the change itself."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from esgdesk.errors import EsgdeskError, NeedsReason
from esgdesk.model.restatement import restated_text
from esgdesk.model.states import VALUE
from esgdesk.model.types import text_problem
from esgdesk.storage.audit import add_audit_row

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The kinds a change of method may be restated as (storage.figures.RESTATEMENT_REASONS).
METHOD_KINDS = ("method", "boundary")


class PublishedMove(NamedTuple):
    """A published (locked) computed figure a change would move: what was published and what
    it would read after the change (the indicator's printed precision, "" for none)."""

    entity: str
    year: int
    indicator: str
    published: str
    after: str


class Restatement(NamedTuple):
    """How a change that moves published figures is made: as a restatement of this kind
    ("method" or "boundary"), for this reason."""

    kind: str
    reason: str

    def check(self) -> None:
        """Refuse a kind other than a change of method or boundary, or no reason."""
        if self.kind not in METHOD_KINDS:
            raise EsgdeskError(
                f"a change of method is restated as 'method' or 'boundary', not '{self.kind}'",
                f"方法变更的重述类型须为 method 或 boundary，而不是“{self.kind}”",
                kind="unknown_restatement")
        if not self.reason.strip():
            raise NeedsReason("a restatement needs a reason (--reason)",
                              "重述需要说明原因（--reason）")
        problem = text_problem(self.reason)
        if problem:
            raise EsgdeskError(f"the reason {problem}", f"原因{text_problem(self.reason, 'zh')}",
                               kind="text_refused")


def refuse_unrestated(moves: Sequence[Any], restatement: Any) -> None:
    """The store's own guard: published figures never move but as a restatement (the rules
    layer says which and why before it asks the store; see esgdesk/rules/published.py and
    boundary.py)."""
    if moves and restatement is None:
        raise EsgdeskError("published figures would move: restate them",
                           "已发布的数据将改变：请以重述方式修改", kind="published")


def write_restatements(s: Session, moves: Iterable[PublishedMove], restatement: Restatement,
                       entity_ids: dict[str, int], user: str, stamp: str,
                       source: str, what: tuple[str, str] | None = None) -> None:
    """Record each moved published figure as restated (its row keeps what was first
    published; the computed or consolidated figure follows its formula and the structure),
    each with its audit row; `what` names the change in English and Chinese (the entities
    of a change of boundary), printed before the reason in the report's footnote."""
    from sqlalchemy import select

    from esgdesk.storage.models import Value

    why = restated_text(restatement.kind, restatement.reason, what)
    for move in moves:
        entity_id = entity_ids[move.entity]
        row = s.scalars(select(Value).where(
            Value.entity_id == entity_id, Value.year == move.year,
            Value.indicator == move.indicator)).first()
        if row is None:
            row = Value(entity_id=entity_id, year=move.year, indicator=move.indicator,
                        value=None, state=VALUE, note="", status="locked", changed_by=user,
                        changed_at=stamp, version=1, published=move.published)
            s.add(row)
        else:
            if row.published is None:
                row.published = move.published
            row.version += 1
            row.changed_by, row.changed_at = user, stamp
        row.restated = why
        # "recompute": a computed figure's row holds no value (it follows its formula): what
        # it reads now is in the log beside what was published, not in the row
        add_audit_row(s, at=stamp, user=user, action="recompute", entity_id=entity_id,
                      year=move.year, indicator=move.indicator, old_value=move.published,
                      new_value=move.after or None, old_status="locked", new_status="locked",
                      reason=why, source=source)
