"""How figures were obtained, read for a few entities by their rows, the same as read for the
whole year, on both engines."""

from __future__ import annotations

from conftest import BOTH

from esgdesk.storage import evidence
from esgdesk.storage.store import Store

ENGINES = BOTH
TOTAL = "people.employees.total"


def test_a_few_entities_qualities_are_the_years_own_for_them(
        sample: Store, engine: str) -> None:
    sample.set_quality("group", 2023, TOTAL, "estimated", "head-count at year end", "hr")
    sample.set_quality("group", 2023, "people.employees.male", "measured", "", "hr")
    whole = sample.qualities(2023)
    assert whole[("group", TOTAL)] == ("estimated", "head-count at year end")
    assert sample.qualities(2023, ["group"]) == whole
    assert sample.qualities(2023, ["group", "no-such-entity"]) == whole
    assert sample.qualities(2023, []) == {} and sample.qualities(2023, ["no-such-entity"]) == {}
    assert sample.qualities(2022, ["group"]) == {}
    many = [f"e{n}" for n in range(evidence.QUALITIES_BY_ENTITY)] + ["group"]  # the year's
    assert sample.qualities(2023, many) == whole
