"""A generated group for benchmarks: many subsidiaries × many years of plausible figures.

Figures start from the sample group's 2023 figures scaled to a subsidiary, drift a
little from year to year, and keep every complete breakdown, same-figure check and
typed ratio consistent, so that validating it measures the engine, not a flood of
findings.
"""

from __future__ import annotations

import random
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from esgdesk.application.sample import sample_changes
from esgdesk.errors import DatabaseError
from esgdesk.model.catalogue import Catalogue
from esgdesk.model.templates import template_document
from esgdesk.storage.audit import audit_hash
from esgdesk.storage.store import Store, now, open_database


def _base_figures(catalogue: Catalogue) -> dict[str, str]:
    """The sample's latest printed figure of each indicator, on any entity."""
    base: dict[str, str] = {}
    for change in sorted(sample_changes(), key=lambda c: c.year):
        if change.text is not None and change.indicator in catalogue.indicators:
            base[change.indicator] = change.text
    return base


def generate_year(catalogue: Catalogue, base: dict[str, str], share: Decimal,
                  drift: Decimal, rng: random.Random) -> dict[str, str]:
    """One subsidiary's figures for one year."""
    figures: dict[str, Decimal | str] = {}
    for indicator in catalogue.indicators.values():
        if indicator.derived or indicator.id not in base:
            continue
        raw = base[indicator.id]
        if not indicator.type.numeric:
            figures[indicator.id] = raw
            continue
        scale = share * drift if indicator.aggregation == "sum" else None
        figures[indicator.id] = indicator.type.sample_value(Decimal(raw), scale, rng)
        high = indicator.rules.get("max")
        if high is not None:
            figures[indicator.id] = min(figures[indicator.id], Decimal(str(high)))
    numbers = {k: catalogue.indicators[k].type.quantize(v) for k, v in figures.items()
               if isinstance(v, Decimal)}
    weights_of = dict(numbers)  # split breakdowns by the first draw, so passes agree
    # Complete breakdowns add up, "of which" parts fit, and a figure printed twice agrees;
    # a second pass settles totals that are themselves parts or copies of another figure.
    for check in [*catalogue.checks, *catalogue.checks]:
        if check.kind in ("breakdown", "part_of") and check.total in numbers:
            parts = [p for p in check.parts if p in numbers]
            weights = [weights_of[p] or Decimal(1) for p in parts]
            total, given = numbers[check.total], sum(weights, Decimal(0)) or Decimal(1)
            scale = Decimal(1) if check.kind == "part_of" or check.complete else Decimal("0.9")
            running = Decimal(0)
            for position, part in enumerate(parts):
                spec = catalogue.indicators[part]
                if position == len(parts) - 1 and check.complete and check.kind == "breakdown":
                    numbers[part] = total - running
                else:
                    numbers[part] = spec.type.quantize(total * weights[position] / given * scale,
                                                       ROUND_DOWN)
                    running += numbers[part]
        elif check.kind == "same_figure":
            first = next((i for i in check.indicators if i in numbers), None)
            for other in check.indicators:
                if first is not None and other in numbers:
                    numbers[other] = numbers[first]
    for check in catalogue.checks:  # typed ratios agree with their components
        if check.kind == "ratio" and check.indicator in numbers and check.formula:
            result = check.formula.evaluate(numbers)
            if result is not None:
                numbers[check.indicator] = catalogue.indicators[check.indicator].type.quantize(
                    min(max(result, Decimal(0)), Decimal(100)))
    out = {k: v for k, v in figures.items() if isinstance(v, str)}
    out.update({k: format(v, "f") for k, v in numbers.items()})
    return out


def generate_group(path: str | Path, companies: int = 89, years: int = 10,
                   last_year: int = 2023, seed: int = 1) -> Store:
    """A new database: a group with `companies` subsidiaries × `years` years of figures."""
    from sqlalchemy import insert

    from esgdesk.storage.models import AuditEntry, Value

    path = Path(path)
    if path.exists():
        raise DatabaseError(str(path), "exists already", "文件已存在")
    store = open_database(path, create=True)
    rng = random.Random(seed)
    store.set_setting("company", "Generated group")
    store.set_setting("first_year", str(last_year - years + 1))
    store.add_entity("group", "集团", "Group", "group")
    store.store_edition(last_year - years + 1, template_document(), "the shipped template",
                        "generator")
    catalogue = store.catalogue  # generated years follow the edition
    base = _base_figures(catalogue)
    for number in range(1, companies + 1):
        domestic = number <= companies * 42 // 89
        code = f"{'cn' if domestic else 'intl'}-{number:03d}"
        store.add_entity(code, f"子公司 {number:03d}", f"Subsidiary {number:03d}", "company",
                         "group")
    stamp, user = now(), "esgdesk generate"
    entity_ids = {e.code: e.id for e in store.entities()}
    head = store.audit_head()
    with store.engine.begin() as connection:
        for code, entity_id in entity_ids.items():
            if code == "group":
                continue
            share = Decimal(rng.uniform(0.5, 1.5)) / companies
            drift = Decimal(1)
            for year in range(last_year - years + 1, last_year + 1):
                drift *= Decimal(rng.uniform(0.95, 1.08))
                figures = generate_year(catalogue, base, share, drift, rng)
                connection.execute(insert(Value), [
                    {"entity_id": entity_id, "year": year, "indicator": ind, "value": value,
                     "state": "value", "note": "", "status": "draft", "changed_by": user,
                     "changed_at": stamp, "version": 1} for ind, value in figures.items()])
                rows = [{"at": stamp, "user": user, "action": "set", "entity_id": entity_id,
                         "year": year, "indicator": ind, "old_value": None, "new_value": value,
                         "old_status": None, "new_status": None, "reason": "generated",
                         "source": "generate"} for ind, value in figures.items()]
                for row in rows:
                    head = row["hash"] = audit_hash(head, row)
                connection.execute(insert(AuditEntry), rows)
    return store
