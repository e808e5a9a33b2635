"""A verifier's work on the session: drawing a sample of a year's figures, and packing the
year for a verifier to check offline."""

from __future__ import annotations

import tempfile
from pathlib import Path

from esgdesk.application.session.core import Changes, SessionCore
from esgdesk.errors import Problem
from esgdesk.model.assurance import Mark, Sample


class AssurancePart(SessionCore):
    """Samples and packs."""

    def draw_sample(self, year: int, size: int, seed: str, by: str = "magnitude",
                    department: str = "") -> Sample:
        """Draw a sample anyone can draw again with the same seed, and record it (audited)."""
        from esgdesk.rules.sampling import draw, population

        store = self.require_store()
        catalogue = store.edition(year)
        if department and department not in catalogue.departments:
            from esgdesk.errors import UnknownDepartment

            raise UnknownDepartment(department, list(catalogue.departments))
        figures = store.figures_of([e.code for e in store.entities()], [year]).values()
        drawn = draw(population(catalogue, figures, by, department), size, seed)
        return store.record_sample(year, seed, size, by, department, drawn, self.user)

    def assurance_workbook(self, year: int, out: Path, lang: str = "zh") -> Path:
        """The year's latest sample as a workbook for the verifier to mark."""
        from esgdesk.errors import NotFound
        from esgdesk.exchange.assurance_book import write_assurance_book

        store = self.require_store()
        sample = store.latest_sample(year)
        if sample is None:
            raise NotFound(f"no sample of {year} yet: draw one with esgdesk assurance sample",
                           f"{year} 年还没有样本：请先用 esgdesk assurance sample 抽样")
        return write_assurance_book(store, sample, out, lang)

    def import_marks(self, path: Path) -> tuple[Changes, list[Problem]]:
        """`import_assurance` for the window: what changed (the marks are findings)."""
        stored, problems = self.import_assurance(path)
        return (self._reloaded() if stored else Changes()), problems

    def import_assurance(self, path: Path) -> tuple[int, list[Problem]]:
        """A marked assurance workbook: its marks stored (audited, one transaction), or its
        problems (nothing stored). The number of marks stored."""
        from esgdesk.exchange.assurance_book import read_assurance_book

        store = self.require_store()
        marks, problems = read_assurance_book(path, store.latest_sample)
        if problems:
            return 0, problems
        return store.set_marks(marks, self.user, source=path.name), []

    def marks(self, year: int) -> list[Mark]:
        """Each sampled figure's latest mark of a year."""
        return self.require_store().marks_of_years({year})

    def write_pack(self, year: int, out: Path, lang: str = "zh") -> Path:
        """The year's assurance pack (the report workbook, every figure with its history,
        the audit log, the evidence, the factors, the method, the catalogue edition, the
        sample and its marks, and the manifest)."""
        from datetime import UTC, datetime

        import esgdesk
        from esgdesk.exchange.assurance_pack import write_pack
        from esgdesk.exchange.export import export_workbook

        store = self.require_store()
        with tempfile.TemporaryDirectory() as folder:
            report = export_workbook(store, year, Path(folder) / "report.xlsx", lang=lang)
            content = report.read_bytes()
        return write_pack(store, year, out, content, self.user,
                          datetime.now(UTC).isoformat(timespec="seconds"), esgdesk.__version__)
