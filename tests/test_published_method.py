"""Published numbers move only by restatement, whatever moves them (issue 23, point 5): a
province is one of China's 31 provincial-level divisions (id, zh or en name, any case; a typo
is refused with the nearest names); changing a province or a factor that would move a locked
computed figure is refused with a pointer to restating it, or made as a restatement that keeps
the published figure; province changes are audited. And a site whose province has no
provincial factor takes its regional grid's (point 6)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import BOTH
from openpyxl import Workbook

from esgdesk.application.cli import main
from esgdesk.exchange.export import export_workbook
from esgdesk.exchange.factor_file import import_factors
from esgdesk.model.provinces import UnknownProvince, find_province, provinces, regions
from esgdesk.rules.consolidate import Consolidation
from esgdesk.rules.published import (
    PublishedWouldMove,
    change_choice,
    change_factors,
    change_province,
)
from esgdesk.storage.newdb import EntitySpec, create_database
from esgdesk.storage.restatements import Restatement
from esgdesk.storage.store import Change, Store, open_database

ENGINES = BOTH  # the tests on the sample run on SQLite and on a PostgreSQL server
ELECTRICITY = "environment.energy.electricity"
SCOPE2 = "environment.ghg.scope2"
YEAR = 2024


def _bytes(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build_group(path: Path) -> None:
    """A group with one company and three sites: in Guangdong (a provincial factor), Fujian
    (a provincial factor, of 2022) and Hubei (none: its regional grid, 华中, has one)."""
    store = create_database(path, "ACME", YEAR, [
        EntitySpec("group", "集团", "Group", "group"),
        EntitySpec("acme", "甲公司", "ACME Co.", "company", "group"),
        EntitySpec("gd", "东莞厂", "Dongguan plant", "site", "acme"),
        EntitySpec("fj", "厦门厂", "Xiamen plant", "site", "acme"),
        EntitySpec("hb", "武汉厂", "Wuhan plant", "site", "acme")])
    try:
        for code, province in (("gd", "guangdong"), ("fj", "Fujian"), ("hb", "湖北")):
            store.set_province(code, province, "coordinator")
    finally:
        store.close()


@pytest.fixture
def group(master_copy: Callable[[str, Callable[[Path], None], Path], Path],
          tmp_path: Path) -> Iterator[Store]:
    """The group (built once per run), a copy of its own."""
    store = open_database(master_copy("published-method-group.db", _build_group,
                                      tmp_path / "group.db"))
    yield store
    store.close()


def test_the_list_holds_the_31_divisions_each_in_one_of_the_seven_regions_or_none() -> None:
    held = provinces()
    assert len(held) == 31
    assert set(regions()) == {"huabei", "dongbei", "huadong", "huazhong", "xibei", "nanfang",
                              "xinan"}
    assert {p.region for p in held.values()} == set(regions()) | {""}
    assert [p.id for p in held.values() if not p.region] == ["neimenggu"]  # 蒙西 and 蒙东


@pytest.mark.parametrize("typed", ["guangdong", "GUANGDONG", "Guangdong", "广东", "广东省",
                                   " guang dong "])
def test_a_province_is_read_by_its_id_or_its_zh_or_en_name_in_any_case(typed: str) -> None:
    assert find_province(typed).id == "guangdong"


def test_a_mistyped_province_is_refused_with_the_nearest_names_and_nothing_is_written(
        group: Store) -> None:
    before = _bytes(group.path), len(group.audit_log())
    with pytest.raises(UnknownProvince) as refused:
        change_province(group, "gd", "guandong", "coordinator")
    assert refused.value.kind == "unknown_province" and refused.value.where == "province"
    assert refused.value.nearest[0].id == "guangdong"
    assert "广东" in refused.value.message("zh") and "guangdong" in refused.value.message("en")
    assert (_bytes(group.path), len(group.audit_log())) == before
    assert group.entity("gd").province == "guangdong"


def test_the_province_command_refuses_a_typo_on_stderr_and_writes_nothing(
        group: Store, capsys: pytest.CaptureFixture[str]) -> None:
    path = group.path
    group.close()
    before = _bytes(path)
    assert main(["province", str(path), "gd", "guandong"]) != 0
    out, err = capsys.readouterr()
    assert out == "" and "guangdong" in err and "guandong" in err
    assert _bytes(path) == before
    assert main(["province", str(path), "gd", "Guangxi"]) == 0
    assert "gd: guangxi" in capsys.readouterr().out
    store = open_database(path)
    try:
        assert store.entity("gd").province == "guangxi"
    finally:
        store.close()


def test_a_province_change_is_audited_and_setting_the_same_one_writes_nothing(
        group: Store) -> None:
    rows = [r for r in group.audit_log() if r.action == "province"]
    assert [(r.entity, r.old_value, r.new_value, r.user) for r in rows] == [
        ("gd", None, "guangdong", "coordinator"), ("fj", None, "fujian", "coordinator"),
        ("hb", None, "hubei", "coordinator")]
    count = len(group.audit_log())
    change_province(group, "hb", "Hubei", "coordinator")  # the one held
    assert len(group.audit_log()) == count
    assert group.verify_audit().sound  # the chain whole, every figure as its log says


def test_a_site_whose_province_has_no_factor_takes_its_regional_grids(group: Store) -> None:
    for code in ("gd", "fj", "hb"):
        group.set_value(Change(code, YEAR, ELECTRICITY, "1000000"), "ehs")
    factors = group.factors(YEAR)
    assert "grid.hubei" not in factors or factors["grid.hubei"].value is None
    figures = Consolidation(group, [YEAR])
    # kWh × kg/kWh / 1 000 = t, at each site's factor as listed in resources/factors
    expected = {"gd": Decimal("0.4419"), "fj": Decimal("0.4092"), "hb": Decimal("0.5271")}
    for code, factor in expected.items():
        assert figures.figures(code, YEAR)[SCOPE2] == Decimal(1000000) * factor / 1000
    assert factors["grid.huazhong"].value == Decimal("0.5271")
    assert factors["grid.huazhong"].data_year == 2023
    assert figures.figures("acme", YEAR)[SCOPE2] == sum(
        Decimal(1000000) * f / 1000 for f in expected.values())


def _lock_electricity(store: Store, code: str) -> None:
    store.set_value(Change(code, YEAR, ELECTRICITY, "1000000"), "ehs")
    store.set_status(code, YEAR, ELECTRICITY, "locked", "coordinator")


def test_a_province_change_that_moves_a_locked_scope_2_is_refused_pointing_to_restate(
        group: Store) -> None:
    _lock_electricity(group, "gd")
    before = _bytes(group.path), len(group.audit_log())
    with pytest.raises(PublishedWouldMove) as refused:
        change_province(group, "gd", "hubei", "coordinator")
    moved = {(m.entity, m.year, m.indicator): (m.published, m.after)
             for m in refused.value.moves}
    assert moved[("gd", YEAR, SCOPE2)] == ("441.90", "527.10")
    assert "--restate" in refused.value.message("en") and "重述" in refused.value.message("zh")
    assert (_bytes(group.path), len(group.audit_log())) == before
    assert group.entity("gd").province == "guangdong"
    # a site holding no published figure moves freely
    change_province(group, "fj", "hubei", "coordinator")
    assert group.entity("fj").province == "hubei"


def test_a_province_change_made_as_a_restatement_keeps_the_published_figure(
        group: Store, tmp_path: Path) -> None:
    _lock_electricity(group, "gd")
    entity, restated = change_province(group, "gd", "hubei", "coordinator",
                                       Restatement("boundary", "the plant moved to Wuhan"))
    assert entity.province == "hubei"
    assert ("gd", YEAR, SCOPE2) in {(m.entity, m.year, m.indicator) for m in restated}
    row = group.figures_of(["gd"], [YEAR])[("gd", SCOPE2, YEAR)]
    assert (row.published, row.restated, row.status) == (
        "441.90", "boundary: the plant moved to Wuhan", "locked")
    assert Consolidation(group, [YEAR]).figures("gd", YEAR)[SCOPE2] == Decimal("527.1")
    audit = group.audit_log()
    assert [(r.action, r.entity, r.indicator, r.old_value, r.new_value)
            for r in audit[-len(restated) - 1:] if r.indicator in ("", SCOPE2)][:2] == [
        ("province", "gd", "", "guangdong", "hubei"),
        ("recompute", "gd", SCOPE2, "441.90", "527.10")]
    assert group.verify_audit().sound  # the chain whole, every figure as its log says
    # the site's report prints the new figure, footnoted with what was published and why
    book = openpyxl.load_workbook(export_workbook(group, YEAR, tmp_path / "gd.xlsx",
                                                  lang="en", entity="gd"), read_only=True)
    try:
        texts = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                 for c in row if isinstance(c, str)]
    finally:
        book.close()
    assert "* Scope 2 (location-based) 2024: restated (boundary changed: the plant moved to " \
        "Wuhan); published: 441.90" in texts


def test_a_factor_change_under_a_locked_figure_is_refused_or_restated(group: Store) -> None:
    _lock_electricity(group, "gd")
    held = group.factors(YEAR)["grid.guangdong"]
    factor = group.prepare_factor("grid.guangdong", "0.4500", "kg/kWh", "a table read",
                                  "", "the table's own value", region="guangdong",
                                  data_year=2023, verified=True)
    before = _bytes(group.path), len(group.audit_log())
    with pytest.raises(PublishedWouldMove) as refused:
        change_factors(group, YEAR, [factor], "coordinator", "the table's own value",
                       "a table read")
    assert {(m.entity, m.indicator) for m in refused.value.moves} >= {("gd", SCOPE2)}
    assert (_bytes(group.path), len(group.audit_log())) == before
    assert group.factors(YEAR)["grid.guangdong"] == held
    stored, restated = change_factors(group, YEAR, [factor], "coordinator",
                                      "the table's own value", "a table read",
                                      Restatement("method", "the provincial table read"))
    assert stored[0].value_text == "0.4500"
    row = group.figures_of(["gd"], [YEAR])[("gd", SCOPE2, YEAR)]
    assert (row.published, row.restated) == ("441.90", "method: the provincial table read")
    assert {(m.entity, m.indicator) for m in restated} >= {("gd", SCOPE2)}


def test_factors_set_and_import_refuse_to_move_a_locked_figure_without_restate(
        group: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _lock_electricity(group, "hb")
    path = group.path
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "value", "unit", "gas", "region", "data_year", "source", "table"])
    sheet.append(["grid.huazhong", "0.5300", "kg/kWh", "CO2", "huazhong", 2023, "a source",
                  "a table"])
    book.save(tmp_path / "factors.xlsx")
    with pytest.raises(PublishedWouldMove):
        import_factors(group, YEAR, tmp_path / "factors.xlsx", "coordinator")
    dry = import_factors(group, YEAR, tmp_path / "factors.xlsx", "coordinator", dry_run=True)
    assert ("hb", SCOPE2) in {(m.entity, m.indicator) for m in dry.moves}
    group.close()
    before = _bytes(path)
    args = ["factors", str(path), "--year", str(YEAR), "--set", "grid.huazhong", "0.5300",
            "--source", "a source", "--reason", "read again"]
    assert main(args) != 0
    out, err = capsys.readouterr()
    assert "environment.ghg.scope2 for hb 2024: 527.10 → 530.00" in err and out == ""
    assert _bytes(path) == before
    assert main([*args, "--restate", "method"]) == 0
    assert "restated" in capsys.readouterr().out
    store = open_database(path)
    try:
        row = store.figures_of(["hb"], [YEAR])[("hb", SCOPE2, YEAR)]
        assert (row.published, row.restated) == ("527.10", "method: read again")
    finally:
        store.close()


def test_on_either_engine_a_published_scope_2_moves_only_by_restatement(sample: Store) -> None:
    """A Dongguan site (Guangdong) under the sample's group, on a file and on a server."""
    sample.add_entity("dongguan", "东莞", "Dongguan", "site", "group", "guangdong")
    for indicator, kwh in ((ELECTRICITY, "1000000"), (ELECTRICITY + "_renewable", "200000")):
        sample.set_value(Change("dongguan", YEAR, indicator, kwh), "ehs")
        sample.set_status("dongguan", YEAR, indicator, "locked", "coordinator")
    count = len(sample.audit_log())
    with pytest.raises(PublishedWouldMove):
        change_province(sample, "dongguan", "湖北", "coordinator")
    with pytest.raises(PublishedWouldMove):
        change_choice(sample, "scope2_market", "grid_average", None, "coordinator")
    assert len(sample.audit_log()) == count
    change_province(sample, "dongguan", "湖北", "coordinator",
                    Restatement("boundary", "the plant moved"))
    change_choice(sample, "scope2_market", "grid_average", None, "coordinator",
                  Restatement("method", "the grid average for the uncovered part"))
    rows = sample.figures_of(["dongguan"], [YEAR])
    assert rows[("dongguan", SCOPE2, YEAR)].published == "441.90"
    market = rows[("dongguan", "environment.ghg.scope2_market", YEAR)]
    assert market.published == "487.68"  # 800 000 kWh × 0.6096 kg/kWh
    assert market.restated == "method: the grid average for the uncovered part"
    assert [r.action for r in sample.audit_log()[count:]].count("recompute") >= 2
    assert {"province", "method"} <= {r.action for r in sample.audit_log()[count:]}
    assert sample.verify_audit().sound  # the chain whole, every figure as its log says


def test_the_sample_and_the_generated_group_name_known_provinces() -> None:
    import tomllib

    from esgdesk.application.generate import PROVINCES
    from esgdesk.paths import RESOURCES

    with (RESOURCES / "entities.toml").open("rb") as handle:
        sample = [e["province"] for e in tomllib.load(handle)["entities"] if "province" in e]
    assert sample and all(find_province(p).id == p for p in (*sample, *PROVINCES))


def test_an_entity_is_added_only_in_a_known_province(group: Store) -> None:
    with pytest.raises(UnknownProvince):
        group.add_entity("x", "新厂", "New plant", "site", "acme", "guandong")
    assert "x" not in {e.code for e in group.entities()}
    assert group.add_entity("y", "新厂", "New plant", "site", "acme", "Hunan").province == \
        "hunan"


def test_a_stored_province_that_is_no_known_one_is_a_finding(group: Store) -> None:
    """A database from before the list may hold a mistyped province: it is named, not
    silently read as the national grid."""
    from sqlalchemy import text

    from esgdesk.rules.validation import Validator

    group.set_value(Change("gd", YEAR, ELECTRICITY, "1000"), "ehs")
    with group._writing() as s:
        s.execute(text("UPDATE entity SET province = 'guandong' WHERE code = 'gd'"))
    group._entities = None
    found = [f for f in Validator(group, YEAR).run() if f.rule == "factor" and f.entity == "gd"
             and SCOPE2 in f.indicators]
    assert [f.severity for f in found] == ["warning"]
    assert "'guandong' is no known province" in found[0].message("en")
    assert "national grid factor" in found[0].message("en")
