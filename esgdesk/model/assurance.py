"""A verifier's work, as data: a sample of a year's figures (how it was drawn, so anyone can
draw it again) and the marks a verifier gives the figures sampled."""

from __future__ import annotations

from esgdesk.model.frozen import Frozen

MARKS = {"passed": ("通过", "passed"), "failed": ("不通过", "failed"),
         "queried": ("待澄清", "queried")}


class Sample(Frozen):
    """A sample drawn: the year, the seed, its size, by magnitude or at random, of one
    department's figures or all, and the figures drawn (entity, indicator), in order."""

    _fields = ("id", "year", "seed", "size", "by", "department", "figures", "made_by",
               "made_at")
    id: int
    year: int
    seed: str
    size: int
    by: str
    department: str
    figures: tuple[tuple[str, str], ...]
    made_by: str
    made_at: str

    def __init__(self, id: int, year: int, seed: str, size: int, by: str, department: str,
                 figures: tuple[tuple[str, str], ...], made_by: str, made_at: str) -> None:
        self.__dict__.update(id=id, year=year, seed=seed, size=size, by=by,
                             department=department, figures=tuple(map(tuple, figures)),
                             made_by=made_by, made_at=made_at)

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "year": self.year, "seed": self.seed, "size": self.size,
                "by": self.by, "department": self.department,
                "figures": [list(f) for f in self.figures], "made_by": self.made_by,
                "made_at": self.made_at}


class Mark(Frozen):
    """A verifier's mark on a figure: passed, failed or queried, with a comment."""

    _fields = ("entity", "year", "indicator", "mark", "comment", "marked_by", "marked_at")
    entity: str
    year: int
    indicator: str
    mark: str
    comment: str
    marked_by: str
    marked_at: str

    def __init__(self, entity: str, year: int, indicator: str, mark: str, comment: str = "",
                 marked_by: str = "", marked_at: str = "") -> None:
        self.__dict__.update(entity=entity, year=year, indicator=indicator, mark=mark,
                             comment=comment, marked_by=marked_by, marked_at=marked_at)

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self._fields}
