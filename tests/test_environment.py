"""Environmental accounting: quantities entered in any unit of their dimension and stored in
their own, emissions computed from activity data and the year's factors (a site's grid
factor by its province), summed over sites, and the checks that need no prior year."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from esgdesk.errors import InvalidValue
from esgdesk.rules.consolidate import Consolidation
from esgdesk.rules.validation import Validator
from esgdesk.storage.newdb import EntitySpec, create_database
from esgdesk.storage.store import Change, Store

ELECTRICITY = "environment.energy.electricity"
SCOPE2 = "environment.ghg.scope2"
EMPLOYEES = "people.employees.total"


def _bytes(store: Store) -> str:
    return hashlib.sha256(store.path.read_bytes()).hexdigest()


def test_a_figure_entered_in_mwh_is_stored_in_kwh_and_keeps_what_was_typed(sample_tree: Store,
                                                                          ) -> None:
    stored = sample_tree.set_value(Change("dongguan", 2024, ELECTRICITY, "1.2", unit="MWh"), "ehs")
    assert stored.value == "1200"
    typed = sample_tree.set_value(Change("xiamen", 2024, ELECTRICITY, "3 万千瓦时"), "ehs")
    assert typed.value == "30000"
    plain = sample_tree.set_value(Change("xiamen", 2023, ELECTRICITY, "800"), "ehs")
    assert plain.value == "800"
    entered = [r.entered for r in sample_tree.history("dongguan", 2024, ELECTRICITY)]
    assert entered == ["1.2 MWh"]
    assert [r.entered for r in sample_tree.history("xiamen", 2023, ELECTRICITY)] == [None]
    assert sample_tree.verify_audit().intact
    # the two sites consolidate in kWh; the group's other sites have not reported yet
    group = Consolidation(sample_tree, [2024]).figure("group", ELECTRICITY, 2024)
    assert group.number == 31200 and group.partial


@pytest.mark.parametrize(("text", "unit", "words"), [
    ("5", "t", "cannot be converted to kWh"),
    ("5", "furlongs", "'furlongs' is not a unit"),
    ("5 m3", None, "cannot be converted to kWh"),
])
def test_a_unit_of_another_dimension_is_refused_and_nothing_is_written(
        sample_tree: Store, text: str, unit: str | None, words: str) -> None:
    before = _bytes(sample_tree), len(sample_tree.audit_log())
    with pytest.raises(InvalidValue) as refused:
        sample_tree.set_value(Change("dongguan", 2024, ELECTRICITY, text, unit=unit), "ehs")
    assert words in refused.value.message("en")
    assert "use one of: kWh, 10,000 kWh, MWh" in refused.value.message("en")  # what fits
    assert (_bytes(sample_tree), len(sample_tree.audit_log())) == before


def test_a_unit_for_a_figure_without_one_is_refused(sample: Store) -> None:
    with pytest.raises(InvalidValue, match="no unit"):
        sample.set_value(Change("group", 2024, EMPLOYEES, "4200", unit="MWh"), "hr")


def test_scope_2_is_each_sites_electricity_times_its_provinces_grid_factor(sample_tree: Store,
                                                                          ) -> None:
    sample_tree.set_value(Change("dongguan", 2024, ELECTRICITY, "1.2 MWh"), "ehs")  # Guangdong
    sample_tree.set_value(Change("xiamen", 2024, ELECTRICITY, "800000"), "ehs")  # Fujian
    factors = sample_tree.factors(2024)
    # Each province's latest factor read (resources/factors): Fujian's from the 2022 set,
    # Guangdong's from the 2023 set, loaded over it.
    fujian = factors["grid.fujian"].value
    guangdong = factors["grid.guangdong"].value
    assert fujian is not None and guangdong is not None
    assert (factors["grid.fujian"].data_year, factors["grid.guangdong"].data_year) \
        == (2022, 2023)
    figures = Consolidation(sample_tree, [2024])
    dongguan = Decimal(1200) * guangdong / 1000  # kWh × kg/kWh → t
    xiamen = Decimal(800000) * fujian / 1000
    assert figures.figures("dongguan", 2024)[SCOPE2] == dongguan
    assert figures.figures("xiamen", 2024)[SCOPE2] == xiamen
    # a parent's emissions are its sites' summed, never recomputed with another factor
    # (incomplete until its other sites report: never shown as if whole)
    group = figures.figure("group", SCOPE2, 2024)
    assert group.number == dongguan + xiamen and group.partial
    assert SCOPE2 not in figures.figures("group", 2024)


def test_a_changed_factor_recomputes_the_figure_and_is_audited(sample_tree: Store) -> None:
    sample_tree.set_value(Change("xiamen", 2024, ELECTRICITY, "1000"), "ehs")
    before = Consolidation(sample_tree, [2024]).figures("xiamen", 2024)[SCOPE2]
    sample_tree.set_factor(2024, "grid.fujian", "0.5", "kg/kWh", "a coordinator's own study",
                      "", "coordinator", "the 2024 figure is published")
    after = Consolidation(sample_tree, [2024]).figures("xiamen", 2024)[SCOPE2]
    assert after == Decimal("0.5") and after != before
    rows = [r for r in sample_tree.audit_log() if r.factor == "grid.fujian"]
    assert rows and rows[-1].new_value == "0.5" and sample_tree.verify_audit().intact
    assert Consolidation(sample_tree, [2023]).figures("xiamen", 2023).get(SCOPE2) is None


def test_an_n_a_activity_counts_as_none_used(sample_tree: Store) -> None:
    sample_tree.set_value(Change("xiamen", 2024, "environment.energy.diesel", "n/a"), "ehs")
    sample_tree.set_value(Change("xiamen", 2024, "environment.energy.gasoline", "100 L"), "ehs")
    figures = Consolidation(sample_tree, [2024]).figures("xiamen", 2024)
    assert figures.get("environment.energy.gasoline_mwh") is not None
    assert figures.get("environment.energy.diesel_mwh") == 0


def _group_of_sites(tmp_path: Path) -> Store:
    # five companies with no site of their own: each types its head-count and its energy
    store = create_database(tmp_path / "sites.db", "ACME", 2024, [
        EntitySpec("group", "集团", "Group", "group"),
        *(EntitySpec(f"site{n}", f"工厂{n}", f"Plant {n}", "company", "group")
          for n in range(5))])
    for n in range(5):
        store.set_province(f"site{n}", "fujian")
    return store


def test_the_peer_check_catches_a_slip_in_a_first_year_and_not_a_normal_spread(
        tmp_path: Path) -> None:
    store = _group_of_sites(tmp_path)
    try:
        for n, (heads, kwh) in enumerate([(100, 400000), (220, 950000), (80, 300000),
                                          (150, 700000), (120, 480000)]):
            store.set_value(Change(f"site{n}", 2024, EMPLOYEES, str(heads)), "hr")
            store.set_value(Change(f"site{n}", 2024, ELECTRICITY, str(kwh)), "ehs")
        quiet = [f for f in Validator(store, 2024).run() if f.rule == "peer"]
        assert quiet == []  # a normal spread (3,750 to 4,667 kWh per employee)
        # site 3 types its MWh figure into the kWh cell: 700 for 700,000
        store.set_value(Change("site3", 2024, ELECTRICITY, "700"), "ehs")
        found = [f for f in Validator(store, 2024).run() if f.rule == "peer"]
        assert [(f.entity, f.indicators) for f in found] == [("site3", (ELECTRICITY,))]
        message = found[0].message("en")
        assert "4.67 per employee" in message and "median of its 4 siblings" in message
        assert "0.001" in message  # ×0.001: a thousandth of its siblings
        assert "人均" in found[0].message("zh")
    finally:
        store.close()


def test_a_computed_figure_without_its_factor_is_a_finding(tmp_path: Path) -> None:
    store = _group_of_sites(tmp_path)
    try:
        store.set_value(Change("site0", 2024, "environment.energy.coal", "12"), "ehs")
        # IPCC's "other bituminous coal" calorific value could not be read: shipped empty
        assert store.factors(2024)["ncv.other_bituminous_coal"].value is None
        found = [f for f in Validator(store, 2024).run()
                 if f.rule == "factor" and f.entity == "site0"]
        assert any("ncv.other_bituminous_coal" in f.message("en") for f in found)
        store.set_province("site1", None)
        store.set_value(Change("site1", 2024, ELECTRICITY, "1000"), "ehs")
        found = [f for f in Validator(store, 2024).run()
                 if f.rule == "factor" and f.entity == "site1"]
        assert any("has no province" in f.message("en") for f in found)
    finally:
        store.close()


def test_a_request_asks_the_unit_a_quantity_is_typed_in(sample_tree: Store, tmp_path: Path) -> None:
    from workbooks import load_workbook

    from esgdesk.exchange.intake import import_files
    from esgdesk.exchange.metadata import META_SHEET, read_meta
    from esgdesk.exchange.requests import write_request

    request = write_request(sample_tree, "dongguan", 2024, "ehs", tmp_path / "ehs.xlsx", "c",
                            lang="en")
    book = load_workbook(request)
    _meta, cells = read_meta(book[META_SHEET], request.name)
    where = {(c.indicator, c.kind): (c.sheet, c.cell) for c in cells}
    sheet, cell = where[(ELECTRICITY, "unit")]
    assert book[sheet][cell].value == "kWh"  # its own unit unless changed
    offered = [v for v in book[sheet].data_validations.dataValidation if cell in v.sqref]
    assert offered and "MWh" in offered[0].formula1 and "10^4 kWh" in offered[0].formula1
    book[sheet][cell] = "MWh"
    value_sheet, value_cell = where[(ELECTRICITY, "value")]
    book[value_sheet][value_cell] = 1.2
    name_sheet, name_cell = where[("", "submitted_by")]
    book[name_sheet][name_cell] = "Chen Li"
    book.save(request)
    [report] = import_files(sample_tree, [request], "coordinator")
    assert not report.refused, [p.message("en") for p in report.refused]
    assert sample_tree.get("dongguan", 2024, ELECTRICITY).value == "1200"


def test_a_factor_changed_after_approval_is_a_finding(sample_tree: Store) -> None:
    sample_tree.set_value(Change("xiamen", 2024, ELECTRICITY, "1000"), "ehs")
    sample_tree.set_status("xiamen", 2024, ELECTRICITY, "approved", "coordinator")
    quiet = [f for f in Validator(sample_tree, 2024).run() if f.rule == "factor"
             and f.entity == "xiamen" and "approved" in f.message("en")]
    assert quiet == []
    sample_tree.set_factor(2024, "grid.fujian", "0.45", "kg/kWh", "a newer publication", "",
                      "coordinator", "newer factor")
    found = [f for f in Validator(sample_tree, 2024).run() if f.rule == "factor"
             and f.entity == "xiamen" and SCOPE2 in f.indicators]
    assert any("grid.fujian" in f.message("en") and "approved" in f.message("en")
               for f in found)
