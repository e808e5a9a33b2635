"""The session's catalogue and years: the edition as a workbook, an edited one checked and
stored, a new year opened, and how the figures cover a framework."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from esgdesk.application.session.core import Changes, SessionCore

if TYPE_CHECKING:
    from esgdesk.exchange.catalogue_book import CatalogueImport
    from esgdesk.model.blocks import Block, BlockAddition
    from esgdesk.rules.coverage import DisclosureCoverage
    from esgdesk.rules.targets import Progress


class CataloguePart(SessionCore):
    """The year's edition as a workbook and back, a new year, what it covers."""

    # -- the catalogue ------------------------------------------------------------------
    def export_catalogue(self, out: Path, lang: str) -> Path:
        """The year's edition as a workbook to edit in Excel or LibreOffice."""
        from esgdesk.exchange.catalogue_book import write_catalogue_book

        year = self.require_workspace().year
        return write_catalogue_book(self.require_store().edition_document(year), out, lang,
                                    year)

    def plan_catalogue(self, path: Path, year: int | None = None) -> CatalogueImport:
        """An edited catalogue workbook, checked whole against the database: its problems
        (sheet!cell) or its difference from the year's edition (the year worked on unless
        named). Nothing is written."""
        from esgdesk.exchange.catalogue_book import plan_import

        chosen = self.require_workspace().year if year is None else year
        return plan_import(self.require_store(), path, chosen)

    def apply_catalogue(self, plan: CatalogueImport, name: str) -> Changes:
        """Store a checked plan as the year's edition (one audited transaction); the forms
        redraw from it."""
        return self.import_catalogue(plan, name, self.require_workspace().year)

    def import_catalogue(self, plan: CatalogueImport, name: str, year: int) -> Changes:
        """Store a checked plan as a year's edition (one audited transaction); nothing when
        it has problems or changes nothing."""
        if plan.problems or plan.unchanged:
            return Changes()
        self.require_store().store_edition(year, plan.document, f"imported {name}", self.user)
        workspace = self.workspace
        return self._rescoped(workspace.entity if workspace else None,
                              workspace.year if workspace else None) | Changes(saved=True)

    # -- a template's block -----------------------------------------------------------------
    @staticmethod
    def template_blocks() -> list[Block]:
        """The blocks the shipped templates offer, template by template."""
        from esgdesk.model.blocks import blocks
        from esgdesk.model.templates import available

        return [b for t in available() for b in blocks(t.id)]

    def plan_block(self, template_id: str, block_id: str, year: int | None = None,
                   ) -> BlockAddition:
        """A year's edition (the year worked on unless named) with a template's block taken
        into it, and what that changes; refused (BlockConflict) where it would change what
        figures already typed mean. Nothing is written."""
        from esgdesk.model.blocks import add_block

        store = self.require_store()
        chosen = self.require_workspace().year if year is None else year
        return add_block(store.edition_document(chosen), template_id, block_id,
                         held=set(store.years_with_figures()), year=chosen)

    def add_block(self, addition: BlockAddition, year: int | None = None) -> Changes:
        """Store a planned block as the year's edition (one audited transaction); nothing
        when it changes nothing. The forms redraw from it."""
        if addition.unchanged:
            return Changes()
        chosen = self.require_workspace().year if year is None else year
        self.require_store().store_edition(
            chosen, addition.document,
            f"added block {addition.block} from template {addition.template}", self.user)
        workspace = self.workspace
        return self._rescoped(workspace.entity if workspace else None,
                              workspace.year if workspace else None) | Changes(saved=True)

    def open_year(self, year: int) -> Changes:
        """Give a new reporting year its own edition (a copy of the last) and work on it."""
        self.require_store().open_year(year, self.user)
        return self._rescoped(None, year) | Changes(saved=True)

    def frameworks_used(self) -> list[str]:
        from esgdesk.rules.coverage import frameworks_used

        return frameworks_used(self.catalogue)

    def coverage(self, framework_id: str) -> list[DisclosureCoverage]:
        """How the year's figures cover a framework's disclosures."""
        from esgdesk.rules.coverage import year_coverage

        return year_coverage(self.require_store(), self.require_workspace().year, framework_id)

    def target_progress(self, year: int, entity: str | None = None) -> list[Progress]:
        """Each target of the year's edition, with its progress in that year for an entity
        (the group by default): the base year's figure, the year's, the reduction reached."""
        from esgdesk.rules.targets import target_progress

        store = self.require_store()
        catalogue = store.edition(year)
        code = store.entity(entity).code if entity else store.root().code
        return target_progress(store, catalogue, list(catalogue.targets), code, year)

    def children_count(self) -> int:
        """How many direct children the chosen entity has (a parent's export can compare
        them or give each a sheet)."""
        workspace = self.require_workspace()
        return len(self.require_store().children(workspace.entity))

    def first_indicator_of(self, department: str) -> str | None:
        """Where a department's work starts: its first supplied indicator."""
        from esgdesk.rules.review import department_first_indicator

        return department_first_indicator(self.catalogue, department)

