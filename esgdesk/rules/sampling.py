"""A verifier's sample of a year's figures, drawn so that anyone can draw it again: the same
seed gives the same figures on any machine (each figure's chance comes from SHA-256 of the
seed and its name, and exact decimal arithmetic, never the platform's floating point).
Quantities are drawn by magnitude (a figure's share of its indicator's total: the big
electricity bills before the small ones); other figures, and everything when drawn
`random`, with equal chances."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Context, Decimal

from esgdesk.errors import EsgdeskError
from esgdesk.model.catalogue import Catalogue
from esgdesk.model.frozen import Frozen
from esgdesk.model.states import VALUE
from esgdesk.storage.store import StoredValue

BY = ("magnitude", "random")
_EXACT = Context(prec=60)
_LEAST_WEIGHT = Decimal("1e-12")  # a zero quantity can still be drawn, last


class Candidate(Frozen):
    """A figure that may be drawn, with its weight."""

    _fields = ("entity", "indicator", "weight")
    entity: str
    indicator: str
    weight: Decimal

    def __init__(self, entity: str, indicator: str, weight: Decimal) -> None:
        self.__dict__.update(entity=entity, indicator=indicator, weight=weight)


def population(catalogue: Catalogue, figures: Iterable[StoredValue], by: str,
               department: str = "") -> list[Candidate]:
    """The figures a sample is drawn from: those typed (not computed) that hold a value, of
    one department's indicators when one is named, each weighted as `by` says."""
    if by not in BY:
        raise EsgdeskError(f"a sample is drawn by {' or '.join(BY)}, not '{by}'",
                           f"抽样方式须为 {' 或 '.join(BY)}，而不是“{by}”", kind="usage")
    held = []
    for stored in figures:
        indicator = catalogue.indicators.get(stored.indicator)
        if indicator is None or indicator.formula is not None or stored.value is None \
                or stored.state != VALUE:
            continue
        if department and indicator.owner != department:
            continue
        held.append((stored, indicator))
    totals: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for stored, indicator in held:
        if by == "magnitude" and indicator.type.unit_id is not None:
            totals[indicator.id] = totals.get(indicator.id, Decimal(0)) + abs(
                Decimal(str(stored.value)))
            counts[indicator.id] = counts.get(indicator.id, 0) + 1
    found = []
    for stored, indicator in sorted(held, key=lambda p: (p[0].entity, p[0].indicator)):
        weight = Decimal(1)
        total = totals.get(indicator.id)
        if total:  # its share of the indicator's total, one on average
            share = _EXACT.multiply(abs(Decimal(str(stored.value))), counts[indicator.id])
            weight = max(_EXACT.divide(share, total), _LEAST_WEIGHT)
        elif total is not None:  # every figure of it is zero
            weight = Decimal(1)
        found.append(Candidate(stored.entity, stored.indicator, weight))
    return found


def draw(candidates: Iterable[Candidate], size: int, seed: str) -> list[tuple[str, str]]:
    """`size` figures drawn without replacement, each with a chance in proportion to its
    weight (Efraimidis and Spirakis: the largest keys u^(1/w), u from the seed and the
    figure's name), in the order drawn."""
    if size < 1:
        raise EsgdeskError("a sample holds at least one figure", "样本至少包含一个数据",
                           kind="usage")
    keyed = []
    scale = Decimal(2 ** 256 + 1)  # exact: an int's Decimal is
    for candidate in candidates:
        digest = hashlib.sha256(f"{seed}\x1f{candidate.entity}\x1f{candidate.indicator}"
                                .encode()).digest()
        u = _EXACT.divide(Decimal(int.from_bytes(digest, "big") + 1), scale)
        key = _EXACT.divide(u.ln(_EXACT), candidate.weight)
        keyed.append((key, candidate.entity, candidate.indicator))
    keyed.sort(key=lambda k: (-k[0], k[1], k[2]))
    return [(entity, indicator) for _, entity, indicator in keyed[:size]]
