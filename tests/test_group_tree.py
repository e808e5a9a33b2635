"""A realistic group's 2024 cycle: three companies, four sites (one company's head office a
site of its own), two provinces with a provincial grid factor and one with only a regional
one; requests filled, saved by LibreOffice and imported; the export read back at every
level. The sample holds the printed report on `group`: this is where figures flow up."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_collect import fill, soffice_resave
from workbooks import load_workbook

from esgdesk.errors import EnteredElsewhere
from esgdesk.exchange.export import export_workbook
from esgdesk.exchange.intake import import_files
from esgdesk.exchange.requests import write_request
from esgdesk.exchange.workbook import word
from esgdesk.model.layout import FigureRef
from esgdesk.model.templates import template_document
from esgdesk.rules.consolidate import NONE, Consolidation
from esgdesk.rules.factor_values import FactorValues
from esgdesk.rules.validation import Finding, validate
from esgdesk.rules.workspace import Workspace
from esgdesk.storage.store import Change, Store, create_new, open_database

YEAR = 2024
STAFF = "people.employees.total"
E = "environment.energy."
G = "environment.ghg."
# code: (kind, parent, province, zh, en)
TREE = {
    "group": ("group", None, None, "示例集团", "Example Group"),
    "acme": ("company", "group", "guangdong", "甲公司", "Acme Co."),
    "acme-hq": ("site", "acme", "guangdong", "甲公司总部", "Acme head office"),
    "acme-plant": ("site", "acme", "guangdong", "甲公司工厂", "Acme plant"),
    "beta": ("company", "group", "fujian", "乙公司", "Beta Co."),
    "beta-plant": ("site", "beta", "fujian", "乙公司工厂", "Beta plant"),
    # Jiangsu: no provincial factor is shipped, only its regional grid's (华东)
    "gamma": ("company", "group", "jiangsu", "丙公司", "Gamma Co."),
    "gamma-plant": ("site", "gamma", "jiangsu", "丙公司工厂", "Gamma plant"),
}
SITES = ("acme-hq", "acme-plant", "beta-plant", "gamma-plant")
COMPANIES = ("acme", "beta", "gamma")
# What each site typed: electricity kWh, green-certified kWh, natural gas m³, diesel L.
ENERGY = {
    "acme-hq": (4_703_500, 0, 0, 1_200),
    "acme-plant": (1_250_000, 300_000, 86_000, 5_400),
    "beta-plant": (820_000, 0, 12_500, 2_000),
    "gamma-plant": (356_000, 50_000, 0, 900),
}
HEADS = {"acme": 980, "beta": 30, "gamma": 25}  # 2024 head-counts; the group printed 955


def _build_tree(path: Path) -> None:
    store = create_new(path)
    try:
        store.set_setting("company", "示例集团 / Example Group")
        store.set_setting("first_year", "2023")
        for code, (kind, parent, province, zh, en) in TREE.items():
            store.add_entity(code, zh, en, kind, parent, province)
        store.store_edition(2023, template_document(), "the shipped template", "coordinator")
        from esgdesk.model.factors import DEFAULT_SETS

        store.load_factor_sets(2023, list(DEFAULT_SETS), "coordinator")
        # The printed 2023 report holds the group's figures (before collection at companies).
        store.set_history([Change("group", 2023, STAFF, "955")], "coordinator",
                          reason="printed")
    finally:
        store.close()


@pytest.fixture
def tree_db(master_copy: Callable[[str, Callable[[Path], None], Path], Path],
            tmp_path: Path) -> Iterator[Store]:
    """The tree (built once per run), a copy of its own."""
    store = open_database(master_copy("group-tree.db", _build_tree, tmp_path / "group.db"))
    yield store
    store.close()


def _cycle(store: Store, tmp_path: Path, diesel_blank: str | None = None) -> list[Any]:
    """Requests for every site (EHS) and company (HR), filled as contributors would, saved
    by LibreOffice and imported."""
    folder = tmp_path / "requests"
    folder.mkdir(exist_ok=True)
    filled = []
    for site in SITES:
        path = write_request(store, site, YEAR, "ehs", folder / f"{site}.xlsx", "coordinator")
        electricity, green, gas, diesel = ENERGY[site]
        values: dict[tuple[str, str], Any] = {
            (E + "electricity", "value"): electricity,
            (E + "electricity_renewable", "value"): green,
            (E + "natural_gas", "value"): gas,
            (E + "diesel", "value"): diesel,
        }
        if site == diesel_blank:
            values[(E + "diesel", "value")] = None
        for fuel in ("solar_self_generated", "gasoline", "lpg", "coal", "purchased_heat"):
            values[(E + fuel, "state")] = "不适用"
            values[(E + fuel, "note")] = "not used at this site"
        filled.append(fill(path, values))
    for company in COMPANIES:
        path = write_request(store, company, YEAR, "hr", folder / f"{company}.xlsx",
                             "coordinator")
        filled.append(fill(path, {(STAFF, "value"): HEADS[company]}))
    resaved = _resave_all(filled, tmp_path)
    reports = import_files(store, resaved, "coordinator")
    for report in reports:
        assert report.acceptable, (report.path, report.refused)
    return reports


def _resave_all(paths: list[Path], work: Path) -> list[Path]:
    """Open and save every workbook with LibreOffice, as contributors without esgdesk
    would: one LibreOffice run for them all."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        return [soffice_resave(path, work) for path in paths]  # says how to install it
    outdir = work / "resaved"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir),
         *map(str, paths)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # a loaded machine's LibreOffice now and then exits 0 having saved nothing: once more
    return [outdir / path.name if (outdir / path.name).exists() else soffice_resave(path, work)
            for path in paths]


def _grid(store: Store, site: str) -> Decimal:
    """The grid factor a site takes: its province's, else its region's, else the national
    one, read from the year's listed factors (kg CO2/kWh)."""
    factors = store.factors(YEAR)
    province = store.entity(site).province
    for factor_id in (f"grid.{province}", f"grid.{_region(province)}", "grid.national"):
        found = factors.get(factor_id)
        if found is not None and found.value is not None:
            return Decimal(found.value)
    raise AssertionError(f"no grid factor for {site}")


def _region(province: str | None) -> str:
    """The regional grid a province belongs to, as the grid factors' announcements group
    them (华东 for Jiangsu and Fujian, 南方 for Guangdong)."""
    return {"jiangsu": "huadong", "fujian": "huadong", "guangdong": "nanfang"}.get(
        province or "", "")


def _by_entity(path: Path, entity_names: list[str]) -> dict[str, dict[str, Any]]:
    """The export's By entity sheet: indicator label → {entity name: value}."""
    book = load_workbook(path, read_only=True, data_only=True)  # values, row by row
    sheet = book[next(n for n in book.sheetnames if word("by_entity", "en") in n)]
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    header = list(rows[0])
    columns = {name: header.index(name) for name in entity_names}
    return {row[0]: {name: row[column] for name, column in columns.items()}
            for row in rows[1:] if row[0]}


def _label(store: Store, indicator: str) -> str:
    return store.edition(YEAR).indicators[indicator].label.en


def _of(findings: list[Finding], rule: str, entity: str | None = None) -> list[Finding]:
    return [f for f in findings if f.rule == rule and (entity is None or f.entity == entity)]


def test_a_parent_refuses_what_its_children_enter_and_says_where(tree_db: Store) -> None:
    with pytest.raises(EnteredElsewhere) as refused:
        tree_db.set_value(Change("group", YEAR, STAFF, "1000"), "hr")
    assert refused.value.at == ["acme", "beta", "gamma"] and refused.value.kind \
        == "entered_elsewhere"
    with pytest.raises(EnteredElsewhere) as refused:  # a company with sites: at its sites
        tree_db.set_value(Change("acme", YEAR, E + "electricity", "4703500"), "ehs")
    assert refused.value.at == ["acme-hq", "acme-plant"]
    with pytest.raises(EnteredElsewhere) as refused:  # a site: head-counts are its company's
        tree_db.set_value(Change("acme-hq", YEAR, STAFF, "10"), "hr")
    assert refused.value.at == ["acme"]
    assert tree_db.get("group", YEAR, STAFF) is None  # nothing written
    # The form shows the parent's figure read-only, consolidated, with where it comes from.
    tree_db.set_values([Change(c, YEAR, STAFF, str(n)) for c, n in HEADS.items()], "hr")
    space = Workspace(tree_db, "group", YEAR)
    ref = FigureRef("group", YEAR, STAFF)
    assert not space.is_editable(ref) and space.display(ref) == "1,035"
    assert "Acme Co., Beta Co., Gamma Co." in space.origin(ref, "en")[0]
    # The request of a company with sites asks only what the company enters.
    assert tree_db.request_indicators("ehs", YEAR, "acme") == [
        i for i in tree_db.request_indicators("ehs", YEAR)
        if tree_db.edition(YEAR).indicators[i].entered_at == "company"]


def test_a_realistic_group_adds_up_at_every_level(tree_db: Store, tmp_path: Path) -> None:
    _cycle(tree_db, tmp_path)
    findings = validate(tree_db, YEAR)
    assert not _of(findings, "totals") and not _of(findings, "incomplete")
    names = {code: tree_db.entity(code).name_en for code in TREE}
    exports = {}
    for entity in ("group", *COMPANIES):
        out = tmp_path / f"{entity}-en.xlsx"
        export_workbook(tree_db, YEAR, out, entity, "en", by_entity=True)
        kids = [c for c, spec in TREE.items() if spec[1] == entity]
        exports[entity] = _by_entity(out, [names[entity], *(names[k] for k in kids)])

    def printed(entity: str, indicator: str) -> Decimal:
        parent = TREE[entity][1]
        sheet = exports["group"] if entity == "group" else exports[
            entity if entity in COMPANIES else parent]  # type: ignore[index]
        value = sheet[_label(tree_db, indicator)][names[entity]]
        assert value is not None, (entity, indicator)
        return Decimal(str(value))

    cent = Decimal("0.01")
    for entity in TREE:
        lines = [printed(entity, G + f"scope1_{fuel}")
                 for fuel in ("natural_gas", "diesel", "gasoline", "lpg", "coal")]
        assert abs(printed(entity, G + "scope1") - sum(lines)) <= cent * 3, entity
        assert abs(printed(entity, G + "total") - printed(entity, G + "scope1")
                   - printed(entity, G + "scope2")) <= cent * 2, entity
        assert printed(entity, G + "total") >= printed(entity, G + "scope2")
        carriers = (printed(entity, E + "electricity") / 1000
                    + sum(printed(entity, E + f"{fuel}_mwh")
                          for fuel in ("natural_gas", "diesel", "gasoline", "lpg", "coal")))
        assert abs(printed(entity, E + "total_mwh") - carriers) <= cent * 6, entity
    # Scope 2 by hand from the listed factors: each site's electricity × its grid factor
    # (Gamma's plant, in Jiangsu, its regional grid's: no provincial factor is listed).
    assert "grid.jiangsu" not in tree_db.factors(YEAR)
    assert _grid(tree_db, "gamma-plant") == tree_db.factors(YEAR)["grid.huadong"].value
    by_site = {site: Decimal(ENERGY[site][0]) * _grid(tree_db, site) / 1000 for site in SITES}
    for site, expected in by_site.items():
        assert printed(site, G + "scope2") == expected.quantize(cent), site
    assert printed("acme", G + "scope2") == (by_site["acme-hq"] + by_site["acme-plant"]
                                             ).quantize(cent)
    assert printed("group", G + "scope2") == sum(by_site.values()).quantize(cent)
    # the head office's electricity counts in its company's and the group's energy
    assert printed("acme", E + "electricity") == ENERGY["acme-hq"][0] + ENERGY["acme-plant"][0]
    assert printed("group", E + "electricity") == sum(e[0] for e in ENERGY.values())
    # no parent is missing what its children supply
    assert not [f for f in _of(findings, "missing") if f.entity in ("group", *COMPANIES)]


def test_a_blank_fuel_makes_every_total_that_reads_it_incomplete(tree_db: Store,
                                                                 tmp_path: Path) -> None:
    _cycle(tree_db, tmp_path, diesel_blank="beta-plant")
    findings = validate(tree_db, YEAR)
    incomplete = {(f.entity, f.indicators[0]) for f in _of(findings, "incomplete")}
    for entity in ("beta-plant", "beta", "group"):
        assert (entity, G + "scope1") in incomplete and (entity, G + "total") in incomplete
        assert (entity, E + "total_mwh") in incomplete
    assert ("acme", G + "scope1") not in incomplete  # acme's sites are whole
    finding = next(f for f in _of(findings, "incomplete", "group")
                   if f.indicators == (G + "scope1",))
    assert "Beta plant: Diesel consumption" in finding.message.en
    figures = Consolidation(tree_db, [YEAR])
    scope1 = figures.figure("group", G + "scope1", YEAR)
    assert scope1.partial and ("beta-plant", E + "diesel") in scope1.missing
    assert G + "scope1" not in figures.figures("group", YEAR)  # never a smaller number
    # The export prints no number for an incomplete total and says what is missing.
    out = export_workbook(tree_db, YEAR, tmp_path / "group-en.xlsx", "group", "en")
    book = load_workbook(out, read_only=True, data_only=True)  # values, row by row
    sheet = book[next(n for n in book.sheetnames if "Environment" in n)]
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    texts = [row[0] for row in rows if row[0]]
    # named by the indicator's own label, not the row's ("Scope 1" is a row in two tables)
    assert any(str(t).startswith("† Scope 1 GHG emissions 2024: incomplete, not printed")
               and "Beta plant: Diesel consumption" in str(t) for t in texts)
    scope_rows = [row for row in rows if row[0] == "Scope 1"]
    assert scope_rows and scope_rows[0][-1] is None
    # n/a on the blank fuel makes the totals whole again
    tree_db.set_value(Change("beta-plant", YEAR, E + "diesel", "n/a",
                             note="no generator"), "ehs")
    assert Consolidation(tree_db, [YEAR]).figure("group", G + "scope1", YEAR).complete


def test_a_figure_worked_out_alone_is_the_one_the_whole_table_gives(tree_db: Store) -> None:
    """A form asks for the few figures it shows, one at a time (its first paint waits for no
    others): each is the figure the whole table works out, asked in any order, whole or
    incomplete; and a table asked for afterwards is the whole one."""
    for site in SITES:
        electricity, _green, gas, diesel = ENERGY[site]
        tree_db.set_value(Change(site, YEAR, E + "electricity", str(electricity)), "ehs")
        tree_db.set_value(Change(site, YEAR, E + "natural_gas", str(gas)), "ehs")
        if site != "beta-plant":  # its diesel left blank: the totals reading it are incomplete
            tree_db.set_value(Change(site, YEAR, E + "diesel", str(diesel)), "ehs")
    tree_db.set_value(Change("acme", YEAR, STAFF, "980"), "hr")
    years = (YEAR - 1, YEAR)
    whole = Consolidation(tree_db, years)
    indicators = [*tree_db.edition(YEAR).indicators, "no.such.indicator"]
    asked = [(entity, indicator, year) for entity in TREE for indicator in indicators
             for year in years]
    random.Random(27).shuffle(asked)
    alone = Consolidation(tree_db, years)
    for entity, indicator, year in asked:
        assert alone.figure(entity, indicator, year) == \
            whole.table(entity, year).get(indicator, NONE), (entity, indicator, year)
    scope1 = whole.figure("group", G + "scope1", YEAR)
    assert scope1.partial and ("beta-plant", E + "diesel") in scope1.missing
    assert whole.figure("acme", G + "scope2", YEAR).complete
    some = Consolidation(tree_db, years)
    for entity, indicator, year in asked[:40]:
        some.figure(entity, indicator, year)
    for entity in TREE:
        assert list(some.table(entity, YEAR).items()) == list(whole.table(entity, YEAR).items())


def test_a_factor_read_by_its_name_is_the_one_every_factor_holds(tree_db: Store) -> None:
    """A formula's factor is worked out by its name alone (the grid's by the province,
    a choice's by the method), as the whole of an entity's factors holds it."""
    values = FactorValues(tree_db)
    names = ["grid", "grid_market", "natural_gas_ncv", "ncv.diesel", "grid.guangdong", "nope"]
    for entity in TREE:
        whole = values.every_value(entity, YEAR)
        assert "factor.grid" in whole  # the province's, the region's or the country's
        one_by_one = FactorValues(tree_db)(entity, YEAR)
        for name in names:
            assert one_by_one.get("factor." + name) == whole.get("factor." + name), name
        assert dict(FactorValues(tree_db)(entity, YEAR)) == whole
    # Gamma's plant is in Jiangsu, which has no provincial factor: its region's is read
    assert values("gamma-plant", YEAR)["factor.grid"] == \
        tree_db.factors(YEAR)["grid.huadong"].value


def test_a_slip_at_a_company_is_an_error_on_the_group_naming_it(tree_db: Store) -> None:
    heads = {**HEADS, "acme": 9800}  # 980 typed with a digit too many
    tree_db.set_values([Change(c, YEAR, STAFF, str(n)) for c, n in heads.items()], "hr")
    [slip] = [f for f in _of(validate(tree_db, YEAR), "prior_year", "group")
              if f.indicators == (STAFF,)]
    assert slip.severity == "error" and "Acme Co. (acme, 9,800)" in slip.message.en
    tree_db.set_value(Change("acme", YEAR, STAFF, "980"), "hr")
    assert not [f for f in _of(validate(tree_db, YEAR), "prior_year", "group")
                if f.severity == "error"]


def test_a_figure_held_on_a_parent_is_compared_with_its_children(tree_db: Store) -> None:
    tree_db.set_values([Change(c, 2023, STAFF, str(n)) for c, n in
                        {"acme": 900, "beta": 30, "gamma": 20}.items()], "hr")
    [differs] = _of(validate(tree_db, 2023), "consolidation", "group")
    assert "955" in differs.message.en and "950" in differs.message.en


def test_published_emissions_move_only_by_restatement_and_a_province_typo_is_refused(
        tree_db: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from esgdesk.application.cli import main

    _cycle(tree_db, tmp_path)
    for indicator in (E + "electricity", E + "electricity_renewable"):  # published
        tree_db.set_status("acme-plant", YEAR, indicator, "locked", "coordinator")
    published = Consolidation(tree_db, [YEAR]).figure("acme-plant", G + "scope2", YEAR).number
    db = str(tree_db.path)
    capsys.readouterr()
    # a mistyped province is refused with the nearest names, and nothing moves
    assert main(["province", db, "acme-plant", "guandong"]) == 2
    err = capsys.readouterr().err
    assert "guandong" in err and "guangdong" in err
    assert tree_db.entity("acme-plant").province == "guangdong"
    # a factor change under the locked figure is refused, pointing to a restatement ...
    grid = ["factors", db, "--year", str(YEAR), "--set", "grid.guangdong", "0.6000",
            "--source", "a test's own value", "--reason", "read again"]
    assert main(grid) == 2
    assert "--restate" in capsys.readouterr().err
    assert Consolidation(tree_db, [YEAR]).figure("acme-plant", G + "scope2",
                                                 YEAR).number == published
    # ... and made as one: the published figure is kept beside the new one
    assert main([*grid, "--restate", "method"]) == 0
    capsys.readouterr()
    row = tree_db.get("acme-plant", YEAR, G + "scope2")
    assert row is not None and row.published is not None
    assert Decimal(row.published) == published.quantize(Decimal("0.01"))
    report = tree_db.verify_audit()  # every figure as its audit rows say, the chain whole
    assert report.intact and report.sound, report.reason


def test_the_form_shows_a_parents_figure_read_only_and_an_incomplete_total_as_such(
        qtbot: Any, tree_db: Store) -> None:
    from PySide6.QtCore import Qt

    from ui.table_model import FormTableModel

    for site, (electricity, _green, gas, diesel) in ENERGY.items():
        tree_db.set_values([Change(site, YEAR, E + "electricity", str(electricity)),
                            Change(site, YEAR, E + "natural_gas", str(gas)),
                            *([] if site == "beta-plant" else
                              [Change(site, YEAR, E + "diesel", str(diesel))]),
                            *(Change(site, YEAR, E + fuel, "n/a", note="not used")
                              for fuel in ("gasoline", "lpg", "coal"))], "ehs")
    space = Workspace(tree_db, "group", YEAR)
    catalogue = tree_db.edition(YEAR)
    model = FormTableModel(space.grid(catalogue.tables["environment.data"]), space, "en")
    scope1 = model.index(*model.grid.locate(G + "scope1"))
    assert scope1.data().startswith("≥")  # what is there, as a floor: never a smaller whole
    tip = scope1.data(Qt.ItemDataRole.ToolTipRole)
    assert "Incomplete; missing: Beta plant: Diesel consumption" in tip
    electricity = model.index(*model.grid.locate(E + "electricity"))
    assert not model.flags(electricity) & Qt.ItemFlag.ItemIsEditable  # its sites type it
    assert "Consolidated from Acme head office, Acme plant, Beta plant, Gamma plant" in \
        electricity.data(Qt.ItemDataRole.ToolTipRole)
    site = Workspace(tree_db, "acme-plant", YEAR)
    site_model = FormTableModel(site.grid(catalogue.tables["environment.data"]), site, "en")
    assert site_model.flags(site_model.index(*site_model.grid.locate(E + "electricity"))) \
        & Qt.ItemFlag.ItemIsEditable


def test_an_import_for_an_entity_that_no_longer_takes_a_figure_writes_nothing(
        tree_db: Store, tmp_path: Path) -> None:
    tree_db.add_entity("delta", "丁公司", "Delta Co.", "company", "group", "guangdong")
    path = write_request(tree_db, "delta", YEAR, "ehs", tmp_path / "delta.xlsx", "coordinator")
    filled = fill(path, {(E + "electricity", "value"): 1000})
    # the company opens a plant of its own before the file comes back: its energy is
    # typed at the plant from now on
    tree_db.add_entity("delta-plant", "丁工厂", "Delta plant", "site", "delta", "guangdong")
    log = len(tree_db.audit_log())
    [report] = import_files(tree_db, [filled], "coordinator")
    assert not report.acceptable
    assert any("delta-plant" in problem.message("en") for problem in report.refused)
    assert tree_db.get("delta", YEAR, E + "electricity") is None
    assert len(tree_db.audit_log()) == log


def test_next_years_request_comes_with_last_years_n_a(tree_db: Store, tmp_path: Path) -> None:
    tree_db.set_value(Change("beta-plant", YEAR, E + "coal", "n/a", note="no boiler"), "ehs")
    path = write_request(tree_db, "beta-plant", YEAR + 1, "ehs", tmp_path / "next.xlsx",
                         "coordinator")
    book = load_workbook(path)
    from esgdesk.exchange.metadata import META_SHEET, read_meta

    _meta, cells = read_meta(book[META_SHEET], "test")
    [state] = [c for c in cells if c.indicator == E + "coal" and c.kind == "state"]
    assert book[state.sheet][state.cell].value == "不适用"
    [other] = [c for c in cells if c.indicator == E + "diesel" and c.kind == "state"]
    assert book[other.sheet][other.cell].value is None  # nothing marked last year


def test_a_computed_total_held_against_its_lines_is_an_error(tree_db: Store) -> None:
    """A database filled by another program may hold a computed figure: the printed
    131.00 t of Scope 1 whose lines add up to 157.23 is an error, on any entity."""
    from sqlalchemy import insert

    from esgdesk.storage.models import Value

    tree_db.set_values([Change("beta-plant", YEAR, E + "natural_gas", "12500"),
                        Change("beta-plant", YEAR, E + "diesel", "2000"),
                        *(Change("beta-plant", YEAR, E + fuel, "n/a", note="not used")
                          for fuel in ("gasoline", "lpg", "coal"))], "ehs")
    lines = Consolidation(tree_db, [YEAR]).figure("beta-plant", G + "scope1", YEAR).number
    assert lines is not None and not _of(validate(tree_db, YEAR), "totals")
    with tree_db.engine.begin() as connection:
        connection.execute(insert(Value), [{
            "entity_id": tree_db.entity("beta-plant").id, "year": YEAR,
            "indicator": G + "scope1", "value": str(lines - 26), "state": "value",
            "note": "", "status": "draft", "changed_by": "another program",
            "changed_at": "2025-01-01T00:00:00", "version": 1}])
    [found] = [f for f in _of(validate(tree_db, YEAR), "totals", "beta-plant")
               if f.indicators[0] == G + "scope1"]
    assert found.severity == "error" and "Beta plant's 'Scope 1 GHG emissions'" in \
        found.message.en


def test_the_command_line_shows_a_parents_consolidation_and_takes_printed_history(
        tree_db: Store, capsys: pytest.CaptureFixture[str]) -> None:
    from esgdesk.application.cli import main

    db = str(tree_db.path)
    tree_db.set_values([Change(c, YEAR, STAFF, str(n)) for c, n in HEADS.items()
                        if c != "gamma"], "hr")
    capsys.readouterr()
    assert main(["get", db, "--year", str(YEAR), STAFF, "--lang", "en"]) == 1
    assert "incomplete; missing: Gamma Co.: Total number of employees" in \
        capsys.readouterr().err
    assert main(["set", db, "--entity", "gamma", "--year", str(YEAR), STAFF, "25"]) == 0
    capsys.readouterr()
    assert main(["get", db, "--year", str(YEAR), STAFF]) == 0
    assert capsys.readouterr().out.split("\t")[1:4] == ["1,035", "人", "consolidated"]
    # the group's own figure of a printed year goes in as history; typed, it is refused
    assert main(["set", db, "--year", "2022", STAFF, "900"]) == 2
    assert "entered at companies (acme, beta, gamma)" in capsys.readouterr().err
    assert main(["set", db, "--year", "2022", STAFF, "900", "--history"]) == 0
    assert tree_db.get("group", 2022, STAFF).value == "900"


def test_the_window_shows_a_parents_own_figures_first_and_its_consolidation_as_it_comes(
        tree_db: Store) -> None:
    from esgdesk.application.session import Session

    tree_db.set_values([Change(c, YEAR, STAFF, str(n)) for c, n in HEADS.items()], "hr")
    path = tree_db.path
    tree_db.close()
    session = Session(defer_tree=True)
    session.open(path, "group", YEAR)
    space = session.require_workspace()
    ref = FigureRef("group", YEAR, STAFF)
    assert space.pending(ref) and space.display(ref) == "…"  # the tree below is not read yet
    assert space.unread() == [c for c in TREE if c != "group"]
    run = session.start_validation()
    changes = None
    while changes is None:
        changes = session.step_validation(run)
    assert changes.findings and not space.pending(ref) and space.display(ref) == "1,035"
    session.close()
