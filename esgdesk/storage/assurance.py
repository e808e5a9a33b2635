"""The store's assurance: the samples a verifier drew (each audited with the figures drawn)
and the marks given the sampled figures (each an audit row)."""

from __future__ import annotations

import json

from esgdesk.errors import EsgdeskError
from esgdesk.model.assurance import MARKS, Mark, Sample
from esgdesk.storage.audit import add_audit_row
from esgdesk.storage.base import now
from esgdesk.storage.entities import EntitiesPart
from esgdesk.storage.figures import check_text

SAMPLE = "sample"  # the audit action of a sample drawn
MARK = "mark"  # … and of a verifier's mark on a figure


def sample_reason(seed: str, size: int, by: str, department: str) -> str:
    """How a sample was drawn, as its audit row says it."""
    return f"seed {seed}, size {size}, by {by}" + (f", department {department}"
                                                   if department else "")


class AssurancePart(EntitiesPart):
    """Samples and marks."""

    def record_sample(self, year: int, seed: str, size: int, by: str, department: str,
                      figures: list[tuple[str, str]], user: str) -> Sample:
        """Keep a sample drawn (one transaction with its audit row, which holds the figures
        drawn and how)."""
        from esgdesk.storage.models import AssuranceSample

        drawn = json.dumps([list(f) for f in figures], ensure_ascii=False,
                           separators=(",", ":"))
        stamp = now()
        root = self.root()
        with self._writing() as s:
            add_audit_row(s, at=stamp, user=user, action=SAMPLE, entity_id=root.id, year=year,
                          new_value=drawn, reason=sample_reason(seed, size, by, department),
                          source=SAMPLE)
            row = AssuranceSample(year=year, seed=seed, size=size, drawn_by=by,
                                  department=department, figures=drawn, made_by=user,
                                  made_at=stamp)
            s.add(row)
            s.flush()
            sample_id = row.id
        found = self.latest_sample(year)
        assert found is not None and found.id == sample_id
        return found

    def latest_sample(self, year: int) -> Sample | None:
        rows = self._query("SELECT id, year, seed, size, drawn_by, department, figures, "
                           "made_by, made_at FROM assurance_sample WHERE year = ? "
                           "ORDER BY id DESC LIMIT 1", (year,))
        if not rows:
            return None
        r = rows[0]
        return Sample(r["id"], r["year"], r["seed"], r["size"], r["drawn_by"],
                      r["department"] or "", tuple(tuple(f) for f in json.loads(r["figures"])),
                      r["made_by"], r["made_at"])

    def set_marks(self, marks: list[Mark], user: str, source: str = "") -> int:
        """Store a verifier's marks (one transaction, an audit row each); those equal to the
        figure's latest mark are left. The number stored."""
        from esgdesk.storage.models import AssuranceMark

        for mark in marks:
            if mark.mark not in MARKS:
                raise EsgdeskError(f"{mark.indicator}: a mark is one of {', '.join(MARKS)}, "
                                   f"not '{mark.mark}'",
                                   f"{mark.indicator}：标记须为 {', '.join(MARKS)} 之一，"
                                   f"而不是“{mark.mark}”", kind="unknown_mark")
            check_text(mark.indicator, mark.comment, "the comment")
            self.entity(mark.entity)
        latest = {(m.entity, m.year, m.indicator): m for m in self.marks_of_years(
            {m.year for m in marks})}
        stamp = now()
        stored = 0
        with self._writing() as s:
            for mark in marks:
                before = latest.get((mark.entity, mark.year, mark.indicator))
                if before is not None and (before.mark, before.comment) == (mark.mark,
                                                                            mark.comment):
                    continue
                entity_id = self.entity(mark.entity).id
                add_audit_row(s, at=stamp, user=user, action=MARK, entity_id=entity_id,
                              year=mark.year, indicator=mark.indicator,
                              old_value=before.mark if before else None, new_value=mark.mark,
                              reason=mark.comment, source=source)
                s.add(AssuranceMark(entity_id=entity_id, year=mark.year,
                                    indicator=mark.indicator, mark=mark.mark,
                                    comment=mark.comment, marked_by=user, marked_at=stamp))
                s.flush()
                stored += 1
        return stored

    def marks_of_years(self, years: set[int]) -> list[Mark]:
        """Each figure's latest mark, of some years."""
        found: dict[tuple[str, int, str], Mark] = {}
        codes = self._codes()
        for year in sorted(years):
            for r in self._query("SELECT entity_id, year, indicator, mark, comment, marked_by, "
                                 "marked_at FROM assurance_mark WHERE year = ? ORDER BY id",
                                 (year,)):
                mark = Mark(codes[r["entity_id"]], r["year"], r["indicator"], r["mark"],
                            r["comment"], r["marked_by"], r["marked_at"])
                found[mark.entity, mark.year, mark.indicator] = mark
        return list(found.values())
