"""The session's set-up of the group: entities, provinces, the method's choices and the
years' factors, each audited and refused when it would move a published figure unless
made as a restatement."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from esgdesk.application.session.core import Changes, SessionCore
from esgdesk.model.entities import EntityInfo, EntityTree

if TYPE_CHECKING:
    from esgdesk.exchange.factor_file import FactorImport
    from esgdesk.exchange.structure_book import StructurePlan
    from esgdesk.storage.factors import FactorValue
    from esgdesk.storage.restatements import PublishedMove, Restatement


class SetupPart(SessionCore):
    """The group's set-up: entities, provinces, the method's choices, factors."""

    # the published figures the last change of the group's structure restated (replaced
    # by each)
    restated: tuple[PublishedMove, ...] = ()

    # -- the group's set-up: entities, provinces, the method, factors ---------------------
    def add_entity(self, code: str, name_zh: str, name_en: str, kind: str,
                   parent: str | None = None, province: str | None = None,
                   from_year: int | None = None, equity_share: str | None = None,
                   control: bool = True, restate: str | None = None,
                   reason: str = "") -> Changes:
        """Add a company or site under its parent, counting from a year (always when None):
        one transaction with its audit row; EntityRefused with what is wrong. Refused
        (PublishedWouldMove) when it counts in a year whose published totals it would
        change unless made as a boundary restatement, as `move_entity`."""
        from esgdesk.model.entities import EntityInfo
        from esgdesk.rules.boundary import add_entity

        info = EntityInfo(0, code, name_zh, name_en, kind, parent, province, from_year, None,
                          equity_share, control)
        self.restated = tuple(add_entity(self.require_store(), info, self.user,
                                         self.restatement(restate, reason)))
        return self._rescoped(None, None) | Changes(saved=True)

    def rename_entity(self, code: str, name_zh: str | None = None,
                      name_en: str | None = None) -> Changes:
        """Give an entity new names (either or both), audited ("rename")."""
        store = self.require_store()
        held = store.entity(code)
        store.change_entity(code, self.user, name_zh=name_zh or held.name_zh,
                            name_en=name_en or held.name_en)
        return self._rescoped(None, None) | Changes(saved=True)

    def move_entity(self, code: str, parent: str, from_year: int, restate: str | None = None,
                    reason: str = "") -> Changes:
        """Put an entity under another parent from a year on, audited ("move"); the years
        before keep the tree they had. Refused (PublishedWouldMove) when it would move a
        published figure unless made as a restatement (`restate` "boundary", with a
        reason), which restates each in the same transaction."""
        from esgdesk.rules.boundary import move_entity

        self.restated = tuple(move_entity(self.require_store(), code, parent, from_year,
                                          self.user, self.restatement(restate, reason)))
        return self._rescoped(None, None) | Changes(saved=True)

    def close_entity(self, code: str, from_year: int, restate: str | None = None,
                     reason: str = "") -> Changes:
        """Close or divest an entity from a year: nothing is expected of it from then, its
        figures of the years before stay (refused when it has figures from that year on, or
        entities still under it), audited ("close"). Refused when it would move a published
        figure unless made as a boundary restatement, as `move_entity`."""
        from esgdesk.rules.boundary import close_entity

        self.restated = tuple(close_entity(self.require_store(), code, from_year, self.user,
                                           self.restatement(restate, reason)))
        return self._rescoped(None, None) | Changes(saved=True)

    def set_entity_share(self, code: str, equity_share: str | None = None,
                         control: bool | None = None, restate: str | None = None,
                         reason: str = "") -> Changes:
        """Change the group's equity share in an entity (percent) or whether it has
        operational control (None: kept), audited ("entity"). Refused when it would move a
        published figure unless made as a boundary restatement, as `move_entity`."""
        from esgdesk.rules.boundary import set_share

        self.restated = tuple(set_share(self.require_store(), code, equity_share, control,
                                        self.user, self.restatement(restate, reason)))
        return self._rescoped(None, None) | Changes(saved=True)

    def entity_tree(self, year: int | None = None) -> EntityTree:
        """The group's tree of a year (every entity ever held, under its latest parent,
        without one)."""
        return self.require_store().tree(year)

    def export_structure(self, path: Path, lang: str = "zh") -> Path:
        """Write the group's structure as a workbook to edit (exchange.structure_book)."""
        from esgdesk.exchange.structure_book import write_structure_book

        store = self.require_store()
        return write_structure_book(store.structure(), path, lang,
                                    store.setting("company"))

    def plan_structure(self, path: Path) -> StructurePlan:
        """A structure workbook read and compared with the database: its problems (each at
        its sheet!cell) or the changes it makes; nothing is written."""
        from esgdesk.exchange.structure_book import plan_structure

        return plan_structure(self.require_store(), path)

    def structure_moves(self, plan: StructurePlan) -> list[PublishedMove]:
        """The published figures a planned structure workbook would move, restated only if
        it is imported as a boundary restatement; nothing is written."""
        from esgdesk.rules.boundary import structure_book_moves

        return structure_book_moves(self.require_store(), plan.added,
                                    [wanted for _held, wanted in plan.changed], plan.moved)

    def import_structure(self, plan: StructurePlan, source: str, restate: str | None = None,
                         reason: str = "") -> Changes:
        """Store a structure workbook's changes, planned and without problems: one
        transaction, every change with its audit row; refused when they would move a
        published figure unless made as a boundary restatement, as `move_entity`."""
        from esgdesk.exchange.structure_book import apply_structure

        self.restated = tuple(apply_structure(self.require_store(), plan, self.user, source,
                                              self.restatement(restate, reason)))
        return self._rescoped(None, None) | Changes(saved=True)

    @staticmethod
    def restatement(kind: str | None, reason: str) -> Restatement | None:
        """The restatement a change of method is made as (its kind and why), or None."""
        from esgdesk.storage.restatements import Restatement

        if kind is None:
            return None
        restatement = Restatement(kind, reason)
        restatement.check()
        return restatement

    def set_province(self, code: str, province: str | None, restate: str | None = None,
                     reason: str = "") -> tuple[EntityInfo, list[PublishedMove]]:
        """Put an entity in a province (any of its names; None clears it), audited: refused
        when it would move a published figure unless made as a restatement (`restate` its
        kind). The entity as stored, and the figures restated."""
        from esgdesk.rules.published import change_province

        found = change_province(self.require_store(), code, province, self.user,
                                self.restatement(restate, reason))
        self._reloaded()
        return found

    def choose_method(self, choice: str, option: str, entity: str | None = None,
                      restate: str | None = None, reason: str = "",
                      ) -> tuple[str, list[PublishedMove]]:
        """Choose an option of the method for the database or an entity, audited (refused
        when it would move a published figure unless made as a restatement). The option as
        stored, and the figures restated."""
        from esgdesk.rules.published import change_choice

        found = change_choice(self.require_store(), choice, option, entity, self.user,
                              self.restatement(restate, reason))
        self._reloaded()
        return found

    def load_factor_sets(self, year: int, set_ids: list[str], restate: str | None = None,
                         reason: str = "") -> tuple[int, list[PublishedMove]]:
        """Copy shipped factor sets into a year (a later set overrides an earlier one's ids),
        refused when they would move a published figure unless made as a restatement. How
        many factors were written, and the figures restated."""
        from esgdesk.rules.published import factor_moves, refuse_or_restate
        from esgdesk.storage.factors import shipped_factors

        store = self.require_store()
        restatement = self.restatement(restate, reason)
        moves = refuse_or_restate(
            factor_moves(store, year, shipped_factors(set_ids)), restatement is not None,
            f"loading {', '.join(set_ids)} into {year}", f"将 {', '.join(set_ids)} 载入 {year} 年")
        written = store.load_factor_sets(year, set_ids, self.user, moves, restatement)
        self._reloaded()
        return written, moves

    def set_factor(self, year: int, factor_id: str, value: str | None, *,
                   unit: str | None = None, source: str = "", table: str | None = None,
                   data_year: int | None = None, verified: bool = False, reason: str = "",
                   restate: str | None = None) -> tuple[FactorValue, list[PublishedMove]]:
        """Set one factor of a year (None clears it); what is not given is kept from the
        factor held. Refused when it would move a published figure unless made as a
        restatement. The factor as stored, and the figures restated."""
        from esgdesk.rules.published import change_factors

        store = self.require_store()
        held = store.factors(year).get(factor_id)
        factor = store.prepare_factor(
            factor_id, value, unit if unit is not None else (held.unit if held else ""),
            source, table if table is not None else (held.table_ref if held else ""), reason,
            gas=held.gas if held else "", region=held.region if held else "",
            data_year=data_year if data_year is not None else (
                held.data_year if held else None),
            set_id="", verified=verified)
        stored, moves = change_factors(store, year, [factor], self.user, reason, factor.source,
                                       self.restatement(restate, reason))
        self._reloaded()
        return stored[0], moves

    def import_factors(self, year: int, path: Path, dry_run: bool = False,
                       restate: str | None = None, reason: str = "") -> FactorImport:
        """Read a factor file (.xlsx or .csv) and, unless a dry run or it has a problem,
        store its factors in the year (one audited transaction)."""
        from esgdesk.exchange.factor_file import import_factors

        found = import_factors(self.require_store(), year, path, self.user, dry_run=dry_run,
                               restatement=self.restatement(restate, reason))
        if not dry_run and found.changes and not found.problems:
            self._reloaded()
        return found

