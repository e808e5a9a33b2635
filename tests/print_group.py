"""A realistic group for 2024, built straight (without the request cycle): the group of
test_group_tree with the printed report as its 2022–2023 history, each 2024 figure typed
where the catalogue says it is entered, and text figures held in one language only."""

from __future__ import annotations

from pathlib import Path

from test_group_tree import ENERGY, HEADS, STAFF, TREE, YEAR, E

from esgdesk.application.sample import sample_changes
from esgdesk.model.factors import DEFAULT_SETS
from esgdesk.model.templates import template_document
from esgdesk.model.types import bilingual_value
from esgdesk.storage.store import Change, Store, create_new

CHINESE_ONLY = 3  # bilingual text figures of 2024 typed in Chinese alone


def realistic_group(path: Path) -> tuple[Store, int]:
    """The group's database at `path`, and how many 2024 text figures it holds in Chinese
    alone."""
    store = create_new(path)
    store.set_setting("company", "示例集团 / Example Group")
    store.set_setting("first_year", "2022")
    for code, (kind, parent, province, zh, en) in TREE.items():
        store.add_entity(code, zh, en, kind, parent, province)
    store.store_edition(2022, template_document(), "the shipped template", "coordinator")
    store.load_factor_sets(2022, list(DEFAULT_SETS), "coordinator")
    store.load_factor_sets(YEAR, list(DEFAULT_SETS), "coordinator")
    printed = [c for c in sample_changes() if c.entity == "group" and c.year >= 2022]
    store.set_history(printed, "coordinator", reason="printed")
    catalogue, tree = store.edition(YEAR), store.tree()
    chinese_only, held_in_chinese = 0, 0
    typed: list[Change] = []
    for change in printed:
        spec = catalogue.indicators.get(change.indicator)
        if change.year != 2023 or spec is None or spec.derived:
            continue
        value = change.text or ""
        if spec.type.name == "bilingual" and chinese_only < CHINESE_ONLY:
            zh = spec.type.display(value, "zh")
            value, chinese_only = bilingual_value(zh=zh), chinese_only + 1
        for code in TREE:
            if tree.takes(code, spec.entered_at):
                typed.append(Change(code, YEAR, change.indicator, value))
                held_in_chinese += spec.type.lacks(value, "en")
    energy = {E + n: i for i, n in enumerate(
        ("electricity", "electricity_renewable", "natural_gas", "diesel"))}
    typed = [c for c in typed if c.indicator not in energy and c.indicator != STAFF]
    typed += [Change(site, YEAR, indicator, str(ENERGY[site][i]))
              for site in ENERGY for indicator, i in energy.items()]
    typed += [Change(company, YEAR, STAFF, str(n)) for company, n in HEADS.items()]
    store.set_values(typed, "coordinator")
    return store, held_in_chinese
