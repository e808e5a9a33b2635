"""Environmental accounting in any catalogue: the szse-17 template takes quantities at its sites
and computes energy, tce, Scope 1 and 2 and the intensities from them and the year's factors;
a catalogue without that accounting takes it from the template in one step (a block), after
which the same figures typed give the same computed figures as a database made from the
template; a block that would change what figures already typed mean is refused."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_cli

from esgdesk.application.session import Session
from esgdesk.model.blocks import BlockConflict, add_block, block_parts, blocks
from esgdesk.model.catalogue import read_document
from esgdesk.model.templates import available, template_document
from esgdesk.rules.consolidate import Consolidation
from esgdesk.storage.newdb import EntitySpec, create_database
from esgdesk.storage.store import Change, Store, open_database

YEAR = 2024
BLOCK = "environment-accounting"
ELECTRICITY = "environment.energy.electricity"
GAS = "environment.energy.natural_gas"
REVENUE = "environment.basis.revenue"
COMPUTED = ["environment.energy.natural_gas_mwh", "environment.energy.total_mwh",
            "environment.energy.total_tce", "environment.ghg.scope1_natural_gas",
            "environment.ghg.scope1", "environment.ghg.scope2", "environment.ghg.total"]
INTENSITIES = ["environment.energy.intensity", "environment.energy.intensity_revenue",
               "environment.ghg.intensity_revenue"]
TREE = [EntitySpec("group", "示例集团", "Example Group", "group"),
        EntitySpec("works", "示例股份", "Example Co", "company", "group"),
        EntitySpec("plant", "一号工厂", "Plant One", "site", "works"),
        EntitySpec("mill", "二号工厂", "Plant Two", "site", "works")]


def _own_catalogue() -> dict[str, Any]:
    """A company's own catalogue: szse-17 with no environmental accounting (its environment
    chapter keeps compliance and circular economy only)."""
    document = copy.deepcopy(template_document("szse-17"))
    chapter = next(c for c in document["chapters"] if c["chapter"]["id"] == "environment")
    kept = {"environment.compliance", "environment.circular"}
    chapter["tables"] = [t for t in chapter["tables"] if t["id"] in kept]
    shown = {r["indicator"] for t in chapter["tables"] for r in t["rows"] if "indicator" in r}
    chapter["indicators"] = [i for i in chapter["indicators"] if i["id"] in shown]
    chapter["sections"] = [s for s in chapter["sections"] if s["id"] in kept]
    chapter["checks"] = []
    return document


def _database(path: Path, document: dict[str, Any] | None = None) -> Store:
    store = create_database(path, "示例股份 Example Co", YEAR, TREE, template="szse-17",
                            document=document)
    store.set_province("plant", "guangdong", "tester")
    store.set_province("mill", "fujian", "tester")
    return store


NONE_USED = ["environment.energy.electricity_renewable", "environment.energy.solar_self_generated",
             "environment.energy.diesel", "environment.energy.gasoline", "environment.energy.lpg",
             "environment.energy.coal", "environment.energy.purchased_heat"]


def _type_figures(store: Store) -> None:
    for site in ("plant", "mill"):
        for iid in NONE_USED:
            store.set_value(Change(site, YEAR, iid, "n/a"), "ehs")
    for change in (Change("plant", YEAR, ELECTRICITY, "1.2 MWh"),
                   Change("mill", YEAR, ELECTRICITY, "3 万千瓦时"),
                   Change("plant", YEAR, GAS, "1,000 m³"),
                   Change("mill", YEAR, GAS, "n/a"),
                   Change("works", YEAR, REVENUE, "2500")):
        store.set_value(change, "ehs")


def test_szse_17_takes_quantities_at_its_sites_and_computes_scope_1_and_2(tmp_path: Path,
                                                                        ) -> None:
    store = _database(tmp_path / "szse.db")
    try:
        _type_figures(store)
        assert store.get("plant", YEAR, ELECTRICITY).value == "1200"  # kWh, as typed: 1.2 MWh
        assert store.get("mill", YEAR, ELECTRICITY).value == "30000"
        factors = {k: f.value for k, f in store.factors(YEAR).items()}
        figures = Consolidation(store, [YEAR])
        plant, mill = figures.figures("plant", YEAR), figures.figures("mill", YEAR)
        assert plant["environment.ghg.scope2"] == Decimal(1200) * factors["grid.guangdong"] / 1000
        assert mill["environment.ghg.scope2"] == Decimal(30000) * factors["grid.fujian"] / 1000
        gas_mwh = Decimal(1000) * factors["ncv.natural_gas_volume"] / 3600000
        assert plant["environment.energy.natural_gas_mwh"] == gas_mwh
        per_tj = (factors["co2.natural_gas"] + factors["ch4.natural_gas"] * factors["gwp.ch4"]
                  + factors["n2o.natural_gas"] * factors["gwp.n2o"])
        assert plant["environment.ghg.scope1"] == gas_mwh * Decimal("0.0036") * per_tj / 1000
        assert plant["environment.ghg.scope1"] > 0
        assert mill["environment.ghg.scope1"] == 0  # no gas used there ("n/a")
        works = figures.figures("works", YEAR)
        total = plant["environment.ghg.total"] + mill["environment.ghg.total"]
        assert works["environment.ghg.total"] == total
        assert works["environment.ghg.intensity_revenue"] == total / 2500
        assert "environment.ghg.intensity_revenue" not in plant  # a site has no revenue
    finally:
        store.close()


def _computed(store: Store) -> dict[tuple[str, str], Decimal | None]:
    figures = Consolidation(store, [YEAR])
    return {(entity, iid): figures.figures(entity, YEAR).get(iid)
            for entity in ("plant", "mill", "works", "group") for iid in COMPUTED + INTENSITIES}


def _session(path: Path) -> Session:
    session = Session(user_name="coordinator")
    session.open_for_command(path)
    return session


def test_a_catalogue_given_the_block_computes_as_the_template_does(tmp_path: Path) -> None:
    _database(tmp_path / "own.db", _own_catalogue()).close()
    session = _session(tmp_path / "own.db")
    try:
        assert ELECTRICITY not in session.require_store().edition(YEAR).indicators
        addition = session.plan_block("szse-17", BLOCK, YEAR)
        assert ("indicator", ELECTRICITY) in addition.added and not addition.retired
        assert not session.add_block(addition, YEAR).figures
        # taken twice, it changes nothing the second time
        assert session.plan_block("szse-17", BLOCK, YEAR).unchanged
    finally:
        session.close()
    direct = _database(tmp_path / "direct.db")
    own = open_database(tmp_path / "own.db")
    try:
        assert own.edition(YEAR).indicators[ELECTRICITY] \
            == direct.edition(YEAR).indicators[ELECTRICITY]
        for store in (direct, own):
            _type_figures(store)
        given, expected = _computed(own), _computed(direct)
        assert given == expected
        assert expected[("plant", "environment.ghg.scope2")]  # not empty on both sides
        assert expected[("works", "environment.ghg.intensity_revenue")]
        assert expected[("group", "environment.energy.total_tce")]
        added = [r for r in own.audit_log() if r.action == "catalogue"][-1]
        assert added.reason == f"added block {BLOCK} from template szse-17"
        assert added.user == "coordinator"
        assert own.verify_audit().intact
    finally:
        direct.close()
        own.close()


def _older_edition() -> dict[str, Any]:
    """An older szse-17 edition: water withdrawn typed in tonnes, electricity as a plain
    decimal in kWh (no quantity)."""
    document = _own_catalogue()
    chapter = next(c for c in document["chapters"] if c["chapter"]["id"] == "environment")
    common = {"owner": "ehs", "aggregation": "sum", "entered_at": "site", "gri": [],
              "cass": [], "szse": [], "hkex": [], "precision": 2, "type": "decimal",
              "section": "environment.compliance"}
    chapter["indicators"] += [
        {**common, "id": "environment.water.withdrawal", "label": {"zh": "取水量",
         "en": "Water withdrawn"}, "unit": {"zh": "吨", "en": "t"}},
        {**common, "id": ELECTRICITY, "label": {"zh": "外购电力", "en": "Purchased electricity"},
         "unit": {"zh": "千瓦时", "en": "kWh"}, "precision": 0}]
    chapter["tables"].append({
        "id": "environment.resources", "section": "environment.compliance",
        "title": {"zh": "资源", "en": "Resources"}, "source": "added", "layout": "years",
        "years": 3, "header": {"zh": "指标", "en": "Indicator"}, "unit_column": True,
        "rows": [{"indicator": "environment.water.withdrawal", "indent": 0},
                 {"indicator": ELECTRICITY, "indent": 0}]})
    return document


def test_a_block_changing_what_typed_figures_mean_is_refused_and_nothing_is_written(
        tmp_path: Path) -> None:
    store = _database(tmp_path / "older.db", _older_edition())
    store.set_value(Change("plant", YEAR, "environment.water.withdrawal", "500"), "ehs")
    store.set_value(Change("plant", YEAR, ELECTRICITY, "800"), "ehs")
    editions = len(store.editions())
    store.close()
    session = _session(tmp_path / "older.db")
    try:
        with pytest.raises(BlockConflict) as refused:
            session.plan_block("szse-17", BLOCK, YEAR)
        assert refused.value.kind == "conflict"
        # tonnes would become m³; electricity stays in kWh and may become a quantity
        assert refused.value.indicators == ["environment.water.withdrawal"]
        assert "吨 → 立方米" in refused.value.message("zh")
        assert len(session.require_store().editions()) == editions
    finally:
        session.close()


def test_an_older_edition_without_figures_there_takes_the_block_and_retires_what_it_replaces(
        ) -> None:
    addition = add_block(_older_edition(), "szse-17", BLOCK, held={ELECTRICITY}, year=YEAR)
    assert ("indicator", ELECTRICITY) in addition.replaced  # a decimal in kWh → a quantity
    assert ("indicator", "environment.water.withdrawal") in addition.replaced
    catalogue, problems = read_document(addition.document, YEAR)
    assert not problems
    assert catalogue.indicators[ELECTRICITY].type.name == "quantity"
    assert "environment.resources" in catalogue.tables  # the company's own table is kept


def test_the_zkteco_template_takes_the_block_whole() -> None:
    addition = add_block(template_document("zkteco-2023"), "szse-17", BLOCK, year=YEAR)
    catalogue, problems = read_document(addition.document, YEAR)
    assert not problems
    assert {"environment.basis.revenue", "environment.water.reuse_rate"} \
        <= set(catalogue.indicators)
    assert "environment.data" in catalogue.tables  # its own table still shows its figures


def test_every_shipped_block_brings_every_indicator_its_tables_read() -> None:
    found = [b for t in available() for b in blocks(t.id)]
    assert [b.id for b in found] == [BLOCK]
    for each in found:
        parts = block_parts(each)
        assert parts.indicators and set(parts.tables) == set(each.tables)


def test_the_command_line_adds_a_block_after_a_dry_run(tmp_path: Path) -> None:
    path = tmp_path / "own.db"
    _database(path, _own_catalogue()).close()
    before = path.read_bytes()
    dry = run_cli("catalogue", "add-block", str(path), "--template", "szse-17", "--block",
                  BLOCK, "--year", str(YEAR), "--dry-run", "--lang", "en")
    assert dry.returncode == 0, dry.stderr
    assert f"+ indicator {ELECTRICITY}  (added)" in dry.stdout
    assert path.read_bytes() == before
    done = run_cli("catalogue", "add-block", str(path), "--template", "szse-17", "--block",
                   BLOCK, "--year", str(YEAR))
    assert done.returncode == 0, done.stderr
    assert "edition 2" in done.stdout
    again = run_cli("catalogue", "add-block", str(path), "--template", "szse-17", "--block",
                    BLOCK, "--year", str(YEAR))
    assert again.returncode == 0 and "nothing to change" in again.stdout
    unknown = run_cli("catalogue", "add-block", str(path), "--template", "szse-17", "--block",
                      "water-only")
    assert unknown.returncode != 0 and BLOCK in unknown.stderr  # names the blocks there are
    store = open_database(path)
    try:
        assert ELECTRICITY in store.edition(YEAR).indicators
        store.set_value(Change("plant", YEAR, ELECTRICITY, "1.2 MWh"), "ehs")
        assert store.get("plant", YEAR, ELECTRICITY).value == "1200"
    finally:
        store.close()


def test_every_indicator_of_the_block_is_cited_and_what_was_not_read_says_so() -> None:
    import tomllib

    from esgdesk.model.templates import template

    with (template("szse-17").folder / "citations.toml").open("rb") as handle:
        data = tomllib.load(handle)
    documents, citations = data["documents"], data["citations"]
    for key, document in documents.items():
        assert all(document.get(f) for f in ("title", "issuer", "date", "read")), key
    cited = [iid for citation in citations for iid in citation["indicators"]]
    parts = block_parts(next(b for b in blocks("szse-17") if b.id == BLOCK))
    assert sorted(cited) == sorted(parts.indicators)  # each once, none left out
    for citation in citations:
        assert set(citation["asks"]) <= set(documents), citation["indicators"]
        assert citation["formula"], citation["indicators"]
        guides = [d for d in citation["asks"] if d.startswith("guide-")]
        if guides or "not read" in citation["section"]:
            # no guide's text was read: what rests on one is marked unverified
            assert citation["unverified"] is True, citation["indicators"]


def test_the_app_adds_the_block_from_the_catalogue_menu_and_redraws_the_form(
        qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    path = tmp_path / "own.db"
    _database(path, _own_catalogue()).close()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, "en")
    qtbot.addWidget(window)
    window.open_database(path, "plant", YEAR, chapter="environment")
    assert window.menus.add_block_action.isEnabled()
    assert window.menus.add_block_action.text() == "&Add from a template…"
    dialog = window.catalogue_actions.block_dialog(("szse-17", BLOCK))
    assert dialog.apply.isEnabled() and ELECTRICITY in dialog.text.toPlainText()
    dialog.close()
    assert window.catalogue_actions.add_block(("szse-17", BLOCK), apply=True)
    assert ELECTRICITY in window.workspace.catalogue.indicators
    form = window.show_chapter("environment")
    assert form is not None and form.view_of("environment.energy") is not None
    # typed in the form, the figure behaves as the template's: 1.2 MWh is 1 200 kWh
    from esgdesk.model.layout import FigureRef

    window.commit_edit(FigureRef("plant", YEAR, ELECTRICITY), "1.2 MWh")
    assert window.session.require_store().get("plant", YEAR, ELECTRICITY).value == "1200"
    # taken, the block has nothing more to add: the dialog says so and offers no Apply
    again = window.catalogue_actions.block_dialog(("szse-17", BLOCK))
    assert not again.apply.isEnabled()
    again.close()


def test_a_retired_indicator_holding_figures_comes_back_only_with_its_meaning() -> None:
    document = _older_edition()
    chapter = next(c for c in document["chapters"] if c["chapter"]["id"] == "environment")
    water = next(i for i in chapter["indicators"] if i["id"] == "environment.water.withdrawal")
    chapter["indicators"].remove(water)
    table = next(t for t in chapter["tables"] if t["id"] == "environment.resources")
    table["rows"] = [r for r in table["rows"] if r["indicator"] != water["id"]]
    document["retired"] = [{**water, "chapter": "environment"}]
    with pytest.raises(BlockConflict) as refused:
        add_block(document, "szse-17", BLOCK, held={water["id"]}, year=YEAR)
    assert refused.value.indicators == [water["id"]]
    revived = add_block(document, "szse-17", BLOCK, year=YEAR)  # no figures: it comes back
    assert ("indicator", water["id"]) in revived.added
    assert "retired" not in revived.document
