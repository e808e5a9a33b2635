"""A generated group for benchmarks: many subsidiaries × many years of plausible figures.

Figures start from the sample group's 2023 figures scaled to a subsidiary, drift a
little from year to year, and keep every complete breakdown, same-figure check and
typed ratio consistent, so that validating it measures the engine, not a flood of
findings.
"""

from __future__ import annotations

import random
from contextlib import AbstractContextManager, nullcontext
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from esgdesk.application.sample import sample_changes
from esgdesk.model.catalogue import Catalogue
from esgdesk.model.factors import DEFAULT_SETS
from esgdesk.model.states import NOT_APPLICABLE
from esgdesk.model.templates import template_document
from esgdesk.storage.audit import audit_hash
from esgdesk.storage.store import Store, create_new, now

PROVINCES = ("fujian", "anhui", "sichuan", "yunnan", "hebei", "tianjin")


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
    out.update(_activity_figures(catalogue, share, drift))
    return out


# EHS activity data (the environment chapter's "environment.data" table), which the sample does
# not hold. Magnitudes for the whole group, before a subsidiary's share: a light electronics
# manufacturer of about 4 000 employees and RMB 2 billion revenue (the sample group) uses ~25 GWh
# of grid electricity a year (~6 MWh an employee: assembly lines, air conditioning, offices),
# some natural gas and LPG in canteens, diesel in generators and forklifts, gasoline in company
# cars, rarely coal or bought steam; withdraws ~250 000 m³ of water (~60 m³ an employee,
# dormitories included) and discharges 75-90 % of it; produces ~60 t of hazardous waste (waste
# oil, solvents, circuit-board scrap, mostly handed to licensed contractors) and ~1 500 t of
# general waste (mostly recycled packaging); and emits a few tonnes of VOCs (coating,
# soldering) and less NOx, SO2 and dust. Figures are in the canonical units (kWh, m³, L, kg, t,
# GJ). Which sources a subsidiary has is fixed by its share (the same every year); a source it
# does not have is n/a with a note (zero in formulas, so totals are not left empty).
_GROUP_ACTIVITY: dict[str, tuple[Decimal, float]] = {  # indicator: (group amount, share using it)
    "environment.energy.electricity": (Decimal(25_000_000), 1.0),
    "environment.energy.natural_gas": (Decimal(300_000), 0.5),
    "environment.energy.diesel": (Decimal(60_000), 0.7),
    "environment.energy.gasoline": (Decimal(120_000), 0.85),
    "environment.energy.lpg": (Decimal(20_000), 0.3),
    "environment.energy.coal": (Decimal(200), 0.05),
    "environment.energy.purchased_heat": (Decimal(5_000), 0.15),
    "environment.water.withdrawal_municipal": (Decimal(250_000), 1.0),
    "environment.water.withdrawal_groundwater": (Decimal(30_000), 0.1),
    "environment.water.withdrawal_surface": (Decimal(20_000), 0.05),
    "environment.air.vocs": (Decimal(3), 0.8),
    "environment.air.nox": (Decimal("0.8"), 0.5),
    "environment.air.so2": (Decimal("0.1"), 0.3),
    "environment.air.particulate": (Decimal("0.5"), 0.6),
}
_NOT_USED = "本单位未使用 / not used at this subsidiary"  # the note an n/a source carries
_WASTE_ROUTES = {  # group tonnes, and the routes' usual shares
    "hazardous": (Decimal(60), {"recycled": 0.15, "incinerated": 0.2, "landfilled": 0.05,
                                "third_party": 0.6}),
    "general": (Decimal(1_500), {"recycled": 0.6, "incinerated": 0.25, "landfilled": 0.1,
                                 "third_party": 0.05}),
}


def _activity_figures(catalogue: Catalogue, share: Decimal, drift: Decimal) -> dict[str, str]:
    """One subsidiary's EHS activity figures for one year: renewable electricity below the
    electricity bought, discharge below withdrawal, waste split by route. Drawn from their
    own generators, so the other figures stay what they were before these were added."""
    profile = random.Random(str(share))  # the same sources and fractions every year
    rng = random.Random(f"{share}|{drift}")  # this year's jitter
    scale = share * drift
    numbers: dict[str, Decimal] = {}
    unused: list[str] = []  # sources this subsidiary does not have: n/a (zero in formulas)

    def put(indicator: str, value: Decimal | None) -> None:
        spec = catalogue.indicators.get(indicator)
        if spec is not None and not spec.derived:
            if value is None:
                unused.append(indicator)
            else:
                numbers[indicator] = spec.type.quantize(value, ROUND_DOWN)

    def jitter() -> Decimal:
        return Decimal(rng.uniform(0.97, 1.03))

    for indicator, (amount, used) in _GROUP_ACTIVITY.items():
        put(indicator, amount * scale * jitter() if profile.random() < used else None)
    electricity = numbers.get("environment.energy.electricity", Decimal(0))
    green = Decimal(profile.uniform(0.1, 0.6)) if profile.random() < 0.25 else None
    put("environment.energy.electricity_renewable", electricity * green if green else None)
    solar = Decimal(profile.uniform(0.03, 0.12)) if profile.random() < 0.3 else None
    put("environment.energy.solar_self_generated",
        electricity * solar * jitter() if solar else None)
    withdrawn = sum((numbers.get(f"environment.water.withdrawal_{source}", Decimal(0))
                     for source in ("municipal", "groundwater", "surface")), Decimal(0))
    put("environment.water.wastewater_discharged",
        withdrawn * Decimal(profile.uniform(0.75, 0.9)))
    reused = Decimal(profile.uniform(0.02, 0.1)) if profile.random() < 0.3 else None
    put("environment.water.reused", withdrawn * reused if reused else None)
    for kind, (amount, routes) in _WASTE_ROUTES.items():
        total = amount * scale * jitter()
        weights = {route: Decimal(part * profile.uniform(0.7, 1.3))
                   for route, part in routes.items()}
        whole = sum(weights.values(), Decimal(0))
        for route, weight in weights.items():
            put(f"environment.waste.{kind}_{route}", total * weight / whole)
    return {**{k: format(v, "f") for k, v in numbers.items()},
            **dict.fromkeys(unused, NOT_APPLICABLE.text)}


def _copying(store: Store, connection: Any) -> AbstractContextManager[None]:
    """On a server, a copy as its owner makes one: its audit rows are written here, as a
    file's are. Nothing on a file."""
    if not store.server:
        return nullcontext()
    from esgdesk.storage import postgres

    return postgres.copying(connection)


def generate_group(path: str | Path, companies: int = 89, years: int = 10,
                   last_year: int = 2023, seed: int = 1) -> Store:
    """A new database: a group with `companies` subsidiaries × `years` years of figures."""
    from sqlalchemy import insert

    from esgdesk.storage.models import AuditEntry, Value

    store = create_new(path)
    rng = random.Random(seed)
    store.set_setting("company", "Generated group")
    store.set_setting("first_year", str(last_year - years + 1))
    store.add_entity("group", "集团", "Group", "group", user="generator")
    store.store_edition(last_year - years + 1, template_document(), "the shipped template",
                        "generator")
    store.load_factor_sets(last_year - years + 1, list(DEFAULT_SETS), "generator")
    catalogue = store.catalogue  # generated years follow the edition
    base = _base_figures(catalogue)
    for number in range(1, companies + 1):
        domestic = number <= companies * 42 // 89
        code = f"{'cn' if domestic else 'intl'}-{number:03d}"
        # Domestic companies sit in provinces whose grid factor was read (see
        # resources/factors); overseas ones have none, and are counted with the national one.
        province = PROVINCES[number % len(PROVINCES)] if domestic else None
        store.add_entity(code, f"子公司 {number:03d}", f"Subsidiary {number:03d}", "company",
                         "group", province, user="generator")
    stamp, user = now(), "esgdesk generate"
    entity_ids = {e.code: e.id for e in store.entities()}
    head = store.audit_head()
    tree = store.tree()
    # A ratio the group types (R&D investment over revenue) would disagree with its
    # companies' consolidated components: the generated group leaves it untyped.
    ratios = {c.indicator for c in catalogue.checks if c.kind == "ratio"}
    with store.engine.begin() as connection, _copying(store, connection):
        for code, entity_id in entity_ids.items():
            # each figure where the catalogue has it typed: the group's own on the group
            share = Decimal(1) if code == "group" else Decimal(rng.uniform(0.5, 1.5)) / companies
            drift = Decimal(1)
            for year in range(last_year - years + 1, last_year + 1):
                drift *= Decimal(rng.uniform(0.95, 1.08))
                figures = {k: v for k, v in generate_year(catalogue, base, share, drift,
                                                          rng).items()
                           if tree.takes(code, catalogue.indicators[k].entered_at)
                           and (code != "group" or k not in ratios)}
                connection.execute(insert(Value), [
                    {"entity_id": entity_id, "year": year, "indicator": ind,
                     **({"value": None, "state": NOT_APPLICABLE.id, "note": _NOT_USED}
                        if value == NOT_APPLICABLE.text
                        else {"value": value, "state": "value", "note": ""}),
                     "status": "draft", "changed_by": user,
                     "changed_at": stamp, "version": 1} for ind, value in figures.items()])
                rows = [{"at": stamp, "user": user, "action": "set", "entity_id": entity_id,
                         "year": year, "indicator": ind, "old_value": None, "new_value": value,
                         "old_status": None, "new_status": None, "reason": "generated",
                         "source": "generate"} for ind, value in figures.items()]
                for row in rows:
                    head = row["hash"] = audit_hash(head, row)
                connection.execute(insert(AuditEntry), rows)
    return store
