"""The method as a verifier would check it (issue 23, point 6): market-based Scope 2 at the
national factor that excludes market-traded non-fossil electricity (the grid average as a
coordinator's option), natural gas per site as GB/T 2589-2008's oil-field or gas-field row,
CH4 and N2O cited from IPCC 2006 Table 2.3, and each site's grid factor, its data year and
basis in the details and on the report's Factors used sheet, which says when a year's grid
factors mix data years."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from esgdesk.application.cli import main
from esgdesk.exchange.export import export_workbook
from esgdesk.model.factors import factor_set
from esgdesk.model.layout import FigureRef
from esgdesk.rules.consolidate import Consolidation
from esgdesk.rules.published import PublishedWouldMove, change_choice
from esgdesk.rules.validation import Validator
from esgdesk.rules.workspace import Workspace
from esgdesk.storage.newdb import EntitySpec, create_database
from esgdesk.storage.restatements import Restatement
from esgdesk.storage.store import Change, Store, open_database

YEAR = 2024
E = "environment."
KWH, GREEN, M3 = Decimal(1000000), Decimal(200000), Decimal(10000)


def _build_group(path: Path) -> None:
    """Sites in Guangdong (its 2023 provincial factor), Fujian (only 2022's read) and Hubei
    (none: 华中's regional factor), each using grid electricity, some of it covered by
    certificates, and natural gas."""
    store = create_database(path, "ACME", YEAR, [
        EntitySpec("group", "集团", "Group", "group"),
        EntitySpec("acme", "甲公司", "ACME Co.", "company", "group"),
        EntitySpec("gd", "东莞厂", "Dongguan plant", "site", "acme"),
        EntitySpec("fj", "厦门厂", "Xiamen plant", "site", "acme"),
        EntitySpec("hb", "武汉厂", "Wuhan plant", "site", "acme")])
    try:
        for code, province in (("gd", "guangdong"), ("fj", "fujian"), ("hb", "hubei")):
            store.set_province(code, province, "coordinator")
            store.set_values([Change(code, YEAR, E + "energy.electricity", str(KWH)),
                              Change(code, YEAR, E + "energy.electricity_renewable",
                                     str(GREEN)),
                              Change(code, YEAR, E + "energy.natural_gas", str(M3)),
                              *(Change(code, YEAR, E + "energy." + fuel, "n/a") for fuel in (
                                  "diesel", "gasoline", "lpg", "coal", "purchased_heat",
                                  "solar_self_generated"))], "ehs")
    finally:
        store.close()


@pytest.fixture
def group(master_copy: Callable[[str, Callable[[Path], None], Path], Path],
          tmp_path: Path) -> Iterator[Store]:
    """The group (built once per run), a copy of its own."""
    store = open_database(master_copy("method-choices-group.db", _build_group,
                                      tmp_path / "group.db"))
    yield store
    store.close()


def _factor(store: Store, factor_id: str) -> Decimal:
    value = store.factors(YEAR)[factor_id].value
    assert value is not None, factor_id
    return value


def test_market_based_scope_2_takes_the_factor_excluding_market_traded_non_fossil(
        group: Store) -> None:
    residual = _factor(group, "grid.national_excl_market_nonfossil")
    assert residual == Decimal("0.6096")  # 2023's, as cn-grid-2023 cites it
    figures = Consolidation(group, [YEAR])
    for code in ("gd", "fj", "hb"):
        assert figures.figures(code, YEAR)[E + "ghg.scope2_market"] == \
            (KWH - GREEN) * residual / 1000
    assert figures.figures("acme", YEAR)[E + "ghg.scope2_market"] == \
        3 * (KWH - GREEN) * residual / 1000


def test_the_grid_average_is_a_coordinators_option_audited(group: Store) -> None:
    chosen, moved = change_choice(group, "scope2_market", "grid-average", None, "coordinator")
    assert (chosen, moved) == ("grid_average", [])
    figures = Consolidation(group, [YEAR])
    for code, grid in (("gd", "grid.guangdong"), ("fj", "grid.fujian"),
                       ("hb", "grid.huazhong")):
        assert figures.figures(code, YEAR)[E + "ghg.scope2_market"] == \
            (KWH - GREEN) * _factor(group, grid) / 1000
    last = group.audit_log()[-1]
    assert (last.action, last.old_value, last.new_value, last.entity) == (
        "method", "excl_market", "grid_average", "group")
    assert group.verify_audit().intact


def test_natural_gas_is_oil_field_gas_by_default_and_a_site_may_choose_gas_field(
        group: Store) -> None:
    figures = Consolidation(group, [YEAR]).figures("gd", YEAR)
    assert figures[E + "energy.natural_gas_mwh"] == \
        M3 * _factor(group, "ncv.natural_gas_volume") / 3600000
    assert _factor(group, "ncv.natural_gas_volume") == Decimal("38931")
    oil_tce = figures[E + "energy.total_tce"]
    change_choice(group, "natural_gas", "gasfield", "gd", "coordinator")
    assert group.audit_log()[-1].action == "method"
    gas_field = Consolidation(group, [YEAR]).figures("gd", YEAR)
    # tce: the gas-field row's 1.2143 kgce/m³ for the 1.3300 of oil-field gas
    assert _factor(group, "coal_equivalent.natural_gas_gasfield") == Decimal("1.2143")
    assert gas_field[E + "energy.total_tce"] == oil_tce - M3 * (
        Decimal("1.3300") - Decimal("1.2143")) / 1000
    # its calorific value was not read: no gas MWh, and the validator names the factor
    assert group.factors(YEAR)["ncv.natural_gas_gasfield_volume"].value is None
    assert E + "energy.natural_gas_mwh" not in gas_field
    found = [f.message("en") for f in Validator(group, YEAR).run()
             if f.rule == "factor" and f.entity == "gd"]
    assert any("ncv.natural_gas_gasfield_volume" in m for m in found), found
    # the other sites keep oil-field gas
    assert Consolidation(group, [YEAR]).figures("fj", YEAR)[E + "energy.natural_gas_mwh"] \
        == M3 * Decimal("38931") / 3600000


def test_a_choice_that_moves_a_published_figure_is_refused_or_restated(group: Store) -> None:
    group.set_status("gd", YEAR, E + "energy.natural_gas", "locked", "coordinator")
    with pytest.raises(PublishedWouldMove) as refused:
        change_choice(group, "natural_gas", "gasfield", "gd", "coordinator")
    # only figures made of locked figures alone are published: gas energy, not total tce
    # (it reads the electricity, which is not locked)
    moved = {(m.entity, m.indicator) for m in refused.value.moves}
    assert ("gd", E + "energy.natural_gas_mwh") in moved
    assert ("gd", E + "energy.total_tce") not in moved
    assert group.setting("method.natural_gas.gd", "oilfield") == "oilfield"
    change_choice(group, "natural_gas", "gasfield", "gd", "coordinator",
                  Restatement("method", "the supplier's gas is gas-field gas"))
    row = group.figures_of(["gd"], [YEAR])[("gd", E + "energy.natural_gas_mwh", YEAR)]
    assert row.published is not None and row.restated.startswith("method: ")


def test_ch4_and_n2o_are_cited_from_table_2_3_not_table_2_2() -> None:
    ipcc = factor_set("ipcc-2006-stationary")
    for gas in ("ch4", "n2o"):
        for fuel in ("natural_gas", "lpg", "diesel", "gasoline", "residual_fuel_oil",
                     "other_bituminous_coal"):
            factor = ipcc.get(f"{gas}.{fuel}")
            assert "Table 2.3" in factor.table and "manufacturing" in factor.table, factor.id
            assert "Table 2.2" not in factor.table, factor.id
    assert ipcc.get("ch4.natural_gas").value == Decimal("1")
    assert ipcc.get("n2o.natural_gas").value == Decimal("0.1")
    assert ipcc.get("ch4.other_bituminous_coal").value is None  # not read: empty


def test_the_details_give_each_sites_grid_factor_its_data_year_and_basis(
        group: Store) -> None:
    space = Workspace(group, "hb", YEAR)
    en = space.method_lines(FigureRef("hb", YEAR, E + "ghg.scope2"), "en")
    assert en[0] == "Purchased grid electricity × factor grid ÷ 1000"  # in words, no ids
    assert space.method_lines(FigureRef("hb", YEAR, E + "ghg.scope2"), "zh")[0] == \
        "外购电网电力 × 因子 grid ÷ 1000"
    assert any("grid.huazhong" in line and "data year 2023" in line
               and "no provincial factor for Hubei" in line for line in en), en
    zh = space.method_lines(FigureRef("hb", YEAR, E + "ghg.scope2"), "zh")
    assert any("数据年份 2023" in line and "华中" in line for line in zh), zh
    market = space.method_lines(FigureRef("hb", YEAR, E + "ghg.scope2_market"), "en")
    assert any("national factor excluding market-traded non-fossil electricity (default)"
               in line for line in market), market
    gas = Workspace(group, "fj", YEAR).method_lines(
        FigureRef("fj", YEAR, E + "energy.natural_gas_mwh"), "en")
    assert any(line.startswith("Natural gas kind") and "oil-field gas" in line
               for line in gas), gas


def test_the_factors_used_sheet_shows_the_method_each_sites_factor_and_mixed_vintages(
        group: Store, tmp_path: Path) -> None:
    path = export_workbook(group, YEAR, tmp_path / "report.xlsx", lang="en")
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [row for row in book["Factors used"].iter_rows(values_only=True)]
    finally:
        book.close()
    method = next(n for n, row in enumerate(rows) if row[0] == "Method")
    listed = {row[0] for row in rows[1:method]}
    assert {"grid.guangdong", "grid.fujian", "grid.huazhong",
            "grid.national_excl_market_nonfossil", "ncv.natural_gas_volume"} <= listed
    texts = [" | ".join(str(c) for c in row if c is not None) for row in rows[method:]]
    assert any("Market-based Scope 2" in t and "excluding market-traded" in t
               for t in texts), texts
    by_site = {row[0]: row for row in rows[method:] if row[0] in (
        "Dongguan plant", "Xiamen plant", "Wuhan plant")}
    assert by_site["Wuhan plant"][1:4] == ("grid.huazhong", 0.5271, 2023)
    assert by_site["Xiamen plant"][1:4] == ("grid.fujian", 0.4092, 2022)
    assert "Natural gas kind" in by_site["Dongguan plant"][5]
    assert any("more than one data year (2022, 2023)" in t for t in texts), texts
    # the market-based figure's cell comment names the choice in force
    book = openpyxl.load_workbook(path)
    try:
        comments = [cell.comment.text for ws in book.worksheets for row in ws.iter_rows()
                    for cell in row if cell.comment is not None]
    finally:
        book.close()
    assert any("factor.grid_market: Market-based Scope 2" in c and
               "excluding market-traded non-fossil" in c for c in comments)


def test_the_method_command_lists_and_sets_choices(group: Store,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = str(group.path)
    group.close()
    assert main(["method", path]) == 0
    out = capsys.readouterr().out
    assert "scope2_market\tdatabase\texcl_market" in out and "natural_gas\tper entity" in out
    assert main(["method", path, "natural_gas", "gasfield"]) != 0  # per entity
    assert "--entity" in capsys.readouterr().err
    assert main(["method", path, "natural_gas", "gas_field_x", "--entity", "gd"]) != 0
    assert "oilfield, gasfield" in capsys.readouterr().err
    assert main(["method", path, "natural_gas", "gasfield", "--entity", "gd"]) == 0
    assert main(["method", path]) == 0
    assert "natural_gas\tgd\tgasfield" in capsys.readouterr().out
