"""Setting a figure (the one method the forms and the command line both call), its note,
its restatement and lock, and its trend across the years."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from esgdesk.application.session.core import Changes, SessionCore
from esgdesk.errors import EsgdeskError
from esgdesk.model.evidence import refuse_quality
from esgdesk.model.frozen import Frozen
from esgdesk.model.layout import FigureRef
from esgdesk.rules.figures import FigureBook
from esgdesk.storage.store import Change, PrintedFigure, StoredValue

if TYPE_CHECKING:
    from esgdesk.model.types import Entry


class Trend(Frozen):
    """An indicator's figures for one entity across every year held, the change of the
    chosen year on the one before (in %), and the change beyond which the prior-year check
    flags it (the catalogue's max_change, in %; None when the indicator has none)."""

    _fields = ("year", "points", "change", "threshold")
    year: int
    points: tuple[tuple[int, Decimal | None], ...]
    change: Decimal | None
    threshold: Decimal | None

    def __init__(self, year: int, points: tuple[tuple[int, Decimal | None], ...],
                 change: Decimal | None, threshold: Decimal | None) -> None:
        self.__dict__.update(year=year, points=points, change=change, threshold=threshold)


class FiguresPart(SessionCore):
    """Setting, noting, restating and locking a figure, and its trend."""

    # -- figures --------------------------------------------------------------------------
    def set_figure(self, ref: FigureRef, text: str | None, *, overwrite: bool = False,
                   entry: Entry | None = None, note: str | None = None,
                   unit: str | None = None, provenance: str | None = None, reason: str = "",
                   history: bool = False, quality: str | None = None,
                   method: str = "") -> Changes:
        """Write one figure (one transaction, one audit row): what the user typed (None
        clears it), or what a form's cell parsed it into already (`entry`, ValueType.entry),
        with what else the user said: its explanation (`note`), the unit it is typed in, its
        provenance, and a reason (why it is n/a or not available; it is then the explanation
        unless one is given, and it explains no value).

        With forms open, a figure changed by someone else since they read it raises
        StaleValue unless `overwrite`; a refused write reads the figures again. `history`:
        the figure as a past report printed it, held where the report holds it (the group's
        printed years), even at an entity whose figure is otherwise its children's; the
        reason (default "history") then says why. `quality` (with an estimate's `method`)
        says how the figure was obtained; it is checked before the figure is written."""
        store = self.require_store()
        if quality is not None:
            refuse_quality(ref.indicator, quality, method)
        workspace = self.workspace
        if not history:
            note = self._explained(text, note, reason)
        expected = None if workspace is None else (
            workspace.version_read(ref) if not overwrite else self._version_now(ref))
        change = Change(ref.entity, ref.year, ref.indicator, text, note, expected, provenance,
                        unit, entry)
        source = "cli" if self._for_command else "form"
        try:
            if history:
                [stored] = store.set_history([change], self.user, reason or "history", source)
            else:
                stored = store.set_value(change, self.user, reason, source)
        except EsgdeskError:
            if workspace is not None:
                self._reread()
            raise
        if quality is not None and text is not None:
            store.set_quality(ref.entity, ref.year, ref.indicator, quality, method, self.user)
        if history:  # held where a parent's figure is otherwise its children's: read all again
            return self._reloaded()
        if workspace is not None:
            workspace.written(ref, stored)
        return Changes(figures=frozenset({ref}), findings=True, saved=True)

    @staticmethod
    def _explained(text: str | None, note: str | None, reason: str) -> str | None:
        """The explanation a figure is written with: a reason says why it is n/a or not
        available and explains it unless a note does; a value it does not explain."""
        from esgdesk.model.states import special_state

        if not reason:
            return note
        if text is None or special_state(text) is None:
            raise EsgdeskError(
                "--reason says why a figure is n/a or not available; say why a figure "
                "changed with --explain, and where it comes from with --source",
                "--reason 用于说明数据为何不适用或暂无；说明数据变化请用 --explain，"
                "数据来源请用 --source", kind="usage")
        return note if note is not None else reason

    def _version_now(self, ref: FigureRef) -> int:
        """The figure's version as stored now: a write over someone else's change the user
        chose is still refused if a third comes in between."""
        current = self.current(ref)
        return current.version if current else 0

    def trend(self, ref: FigureRef) -> Trend:
        """The figure's indicator for its entity across every year held (the workspace's
        years as the forms show them, the others as stored)."""
        workspace = self.require_workspace()
        key = (workspace, workspace.reads, ref.entity)
        if self._history is None or self._history[0] != key:  # a Workspace equals itself
            store = self.require_store()
            self._history = key, FigureBook(self.catalogue,
                                            store.figures_of([ref.entity], store.years()))
        book = self._history[1]
        years = sorted(set(self.require_store().years()) | set(workspace.years) | {ref.year})
        points = tuple((year, workspace.number(FigureRef(ref.entity, year, ref.indicator))
                        if year in workspace.years else book.number(ref.entity, ref.indicator,
                                                                     year))
                       for year in years)
        numbers = dict(points)
        now, before = numbers.get(ref.year), numbers.get(ref.year - 1)
        change = (now - before) / before * 100 if now is not None and before else None
        indicator = self.catalogue.indicators[ref.indicator]
        limit = self.catalogue.rule(indicator, "max_change") if indicator.type.numeric else None
        threshold = Decimal(str(limit)) * 100 if limit is not None else None
        return Trend(ref.year, points, change, threshold)

    def current(self, ref: FigureRef) -> StoredValue | None:
        """The figure as stored now (not as read when the form was shown)."""
        return self.require_store().get(ref.entity, ref.year, ref.indicator)

    def set_note(self, ref: FigureRef, note: str) -> Changes:
        self.require_workspace().set_note(ref, note, self.user)
        return Changes(figures=frozenset({ref}), notes=True, findings=True, saved=True)

    @staticmethod
    def restatement_kinds() -> dict[str, tuple[str, str]]:
        """The kinds a restatement is made as, each with its words (zh, en)."""
        from esgdesk.storage.store import RESTATEMENT_REASONS

        return RESTATEMENT_REASONS

    def restate(self, ref: FigureRef, value: str, kind: str, reason: str) -> Changes:
        """Change a locked (published) figure as a restatement, keeping what was published."""
        self.require_store().restate(ref.entity, ref.year, ref.indicator, value, kind, reason,
                                     self.user)
        return self._reloaded() | Changes(statuses=True)

    def set_printed(self, ref: FigureRef, text: str | None, reason: str) -> Changes:
        """Print a computed figure otherwise than computed (a percentage as the report
        rounds it, so that its column adds up to 100 %), with why; "" or None prints it as
        computed again. Audited; the computed figure is still shown beside it."""
        self.require_store().set_printed(ref.entity, ref.year, ref.indicator, text, reason,
                                         self.user)
        return self._reloaded()

    def printed(self, ref: FigureRef) -> PrintedFigure | None:
        """How a computed figure prints otherwise than computed, and why (None: as
        computed)."""
        found = self.require_store().printed_figures([ref.entity], [ref.year])
        return found.get((ref.entity, ref.indicator, ref.year))

    def lock_figure(self, ref: FigureRef) -> StoredValue:
        """Lock (publish) a figure: it then changes only as a restatement. A figure locked
        already is left as it is."""
        stored = self.require_store().set_status(ref.entity, ref.year, ref.indicator,
                                                 "locked", self.user)
        self._reloaded()
        return stored

    def figure_entity(self, entity: str | None, year: int, indicator: str) -> str:
        """The entity a figure is named at (default: the group), once the year's edition is
        known to hold its indicator."""
        store = self.require_store()
        chosen = entity or store.root().code
        store.known_indicator(year, indicator)
        return chosen

