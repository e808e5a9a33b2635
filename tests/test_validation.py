"""Each rule kind finds what it should on real stored values, and stays quiet otherwise."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BOTH

from esgdesk.application.cli import main
from esgdesk.rules.validation import Finding, Validator, validate
from esgdesk.storage.store import Change, Store, open_database

ENGINES = BOTH  # each test on the sample runs on SQLite and on a PostgreSQL server


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    store = open_database(tmp_path / "v.db", create=True)
    store.add_entity("group", "集团", "Group", "group")
    store.add_entity("a", "甲", "Site A", "site", "group")
    store.add_entity("b", "乙", "Site B", "site", "group")
    yield store
    store.close()


def put(store: Store, year: int, entity: str = "group", note: str | None = None,
        **figures: str) -> None:
    store.set_values([Change(entity, year, key.replace("__", "."), value, note=note)
                      for key, value in figures.items()], user="test")


def rules(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def test_a_breakdown_that_falls_short_says_by_how_much(db: Store) -> None:
    put(db, 2023, people__employees__total="3834", people__employees__male="2431",
        people__employees__female="1359")
    [finding] = rules(validate(db, 2023), "breakdown")
    assert finding.severity == "error"
    assert "account for 3,790 of 3,834; 44 unassigned" in finding.message.en
    put(db, 2023, people__employees__female="1403")
    assert rules(validate(db, 2023), "breakdown") == []


def test_parts_larger_than_their_total_are_an_error(db: Store) -> None:
    put(db, 2023, governance__board__directors="7", governance__board__female="9")
    [finding] = rules(validate(db, 2023), "breakdown")
    assert finding.severity == "error" and "more than the total" in finding.message.en


def test_an_incomplete_breakdown_is_information_not_an_error(db: Store) -> None:
    put(db, 2023, innovation__rd__staff="1131", innovation__rd__staff_bachelor="642",
        innovation__rd__staff_master="56", innovation__rd__staff_doctor="2")
    [finding] = rules(validate(db, 2023), "breakdown")
    assert finding.severity == "info" and "700 of 1,131" in finding.message.en


def test_the_same_figure_printed_twice_must_agree(db: Store) -> None:
    put(db, 2021, people__employees__technical="1117", innovation__rd__staff="1131")
    [finding] = rules(validate(db, 2021), "same_figure")
    assert finding.values == {"people.employees.technical": "1,117",
                              "innovation.rd.staff": "1,131"}
    put(db, 2021, people__employees__technical="1131")
    assert rules(validate(db, 2021), "same_figure") == []


def test_a_group_figure_must_match_its_sites(db: Store) -> None:
    sessions = "innovation.infosec.training.sessions"
    db.set_values([Change("a", 2023, sessions, "12"), Change("b", 2023, sessions, "4")],
                  user="test")
    # typed at the sites; the group holds the figure its report printed
    db.set_history([Change("group", 2023, sessions, "166")], user="test")
    [finding] = rules(validate(db, 2023), "consolidation")
    assert finding.severity == "warning" and "add up to 16" in finding.message.en
    db.set_history([Change("group", 2023, sessions, "10")], user="test")
    [finding] = rules(validate(db, 2023), "consolidation")
    assert finding.severity == "error"  # the whole cannot be smaller than its parts
    db.set_history([Change("group", 2023, sessions, "16")], user="test")
    assert rules(validate(db, 2023), "consolidation") == []


def test_a_typed_ratio_must_agree_with_its_components(db: Store) -> None:
    put(db, 2023, innovation__rd__investment="21361.34", finance__revenue="19.70",
        innovation__rd__investment_ratio="10.84")
    assert rules(validate(db, 2023), "ratio") == []
    put(db, 2023, innovation__rd__investment_ratio="12.84")
    [finding] = rules(validate(db, 2023), "ratio")
    assert "components give 10.84" in finding.message.en


def test_a_large_change_needs_an_explanation_and_a_note_explains_it(db: Store) -> None:
    put(db, 2022, people__employees__finance="126")
    put(db, 2023, people__employees__finance="79")
    [finding] = rules(validate(db, 2023), "prior_year")
    assert finding.severity == "warning" and "-37.3%" in finding.message.en
    assert not finding.explained
    db.set_note("group", 2023, "people.employees.finance", "finance shared service moved",
                user="test")
    [finding] = rules(validate(db, 2023), "prior_year")
    assert finding.explained and finding.explanation == "finance shared service moved"


def test_small_figures_may_move_without_a_warning(db: Store) -> None:
    put(db, 2022, people__employees__doctorate="2")
    put(db, 2023, people__employees__doctorate="1")
    assert rules(validate(db, 2023), "prior_year") == []


def test_an_order_of_magnitude_slip_is_an_error(db: Store) -> None:
    put(db, 2022, innovation__rd__investment="18798.38")
    put(db, 2023, innovation__rd__investment="213613400")  # 元 typed where 万元 belongs
    [finding] = rules(validate(db, 2023), "prior_year")
    assert finding.severity == "error" and "order-of-magnitude" in finding.message.en
    db.set_note("group", 2023, "innovation.rd.investment", "typed in yuan", user="test")
    [finding] = rules(validate(db, 2023), "prior_year")
    assert finding.blocking and not finding.explained  # an explanation does not clear an error


def test_a_missing_figure_and_a_copied_forward_one_are_flagged(db: Store) -> None:
    put(db, 2022, people__employees__total="3788", people__employees__sales="1305")
    put(db, 2023, people__employees__total="3788")
    found = validate(db, 2023)
    [missing] = rules(found, "missing")  # the year is being filled: one line per table
    assert missing.severity == "warning" and missing.indicators == ("people.employees.sales",)
    assert missing.message.en == ("HR: 'Employee Structure' has 1 of 1 figure held for 2022 "
                                  "missing for 2023.")
    [copied] = rules(found, "prior_year")
    assert copied.indicators == ("people.employees.total",) and copied.severity == "info"
    assert "copied forward" in copied.message.en
    request = db.assign("group", 2023, "hr", "", "", "test")
    db.set_request_status(request.id, "submitted", "test")  # then one warning per figure
    found = validate(db, 2023)
    assert rules(found, "missing") == []
    by_indicator = {f.indicators[0]: f for f in rules(found, "prior_year")}
    assert by_indicator["people.employees.sales"].severity == "warning"
    assert "missing" in by_indicator["people.employees.sales"].message.en


def test_targets_know_whether_higher_or_lower_is_better(db: Store) -> None:
    put(db, 2023, innovation__quality__incoming_pass_rate="98.98",
        innovation__quality__incoming_pass_rate_target="99.00",
        innovation__quality__repair_rate="1.77", innovation__quality__repair_rate_target="2.00",
        innovation__quality__repair_rate_next_target="1.90")
    found = rules(validate(db, 2023), "target")
    messages = [f.message.en for f in found]
    assert any("missed its target: 98.98 against 99.00" in m for m in messages)
    assert any("the 2024 target 1.90 is weaker than the 2023 actual 1.77" in m for m in messages)
    assert len(found) == 2  # the repair rate itself (1.77 ≤ 2.00, lower is better) is met


def test_out_of_range_and_unjustified_states_are_errors(db: Store) -> None:
    put(db, 2023, people__employees__total="4106")
    with db.engine.begin() as connection:  # a figure written outside esgdesk's checks
        connection.exec_driver_sql(
            "UPDATE value SET value = '-4' WHERE indicator = 'people.employees.total'")
    [finding] = rules(validate(db, 2023), "type_range")
    assert finding.severity == "error"


def test_one_edit_revalidates_only_what_it_touches(db: Store) -> None:
    put(db, 2023, people__employees__total="3834", people__employees__male="2431",
        people__employees__female="1403")
    validator = Validator(db, 2023)
    assert rules(validator.run(), "breakdown") == []
    written = db.set_value(Change("group", 2023, "people.employees.female", "1359"), user="test")
    found = validator.update(written)
    assert "44 unassigned" in rules(found, "breakdown")[0].message.en


def test_figures_taken_at_once_find_what_a_full_run_finds_on_them(sample_tree: Store) -> None:
    from esgdesk.storage.store import StoredValue

    year, entity = 2023, "xiamen-zkteco"
    ids = sample_tree.request_indicators("hr", year, entity)[:12]
    assert ids
    figures = [StoredValue(entity, year, indicator, str(100 * (n + 1)), "value", "", "draft",
                           "test", "2024-01-01T00:00:00", 0) for n, indicator in enumerate(ids)]
    full = Validator(sample_tree, year, entity)
    for figure in figures:
        full.book.put(figure)
    touching = [f for f in full.run() if set(ids) & set(f.indicators)]
    assert touching  # the figures put move something the rules see
    taken = Validator(sample_tree, year, entity)
    found = taken.update_all(figures)
    assert [f for f in found if set(ids) & set(f.indicators)] == touching


def test_a_rule_run_on_many_figures_at_once_finds_what_it_finds_on_each(sample_tree: Store,
                                                                         ) -> None:
    from esgdesk.rules.validation import RULE_KINDS
    from esgdesk.storage.store import StoredValue

    # a slip of units, a figure copied forward: the year before's figures compared too
    sample_tree.set_values([
        Change("dongguan", 2022, "environment.energy.diesel", "5000"),
        Change("dongguan", 2023, "environment.energy.diesel", "5"),
        Change("xiamen", 2022, "environment.water.withdrawal_municipal", "12345"),
        Change("xiamen", 2023, "environment.water.withdrawal_municipal", "12345")], "test")
    validator = Validator(sample_tree, 2023)
    # and what a file from elsewhere may hold: a rate beyond its bounds, a text, n/a unsaid
    for indicator, text, state in (
            ("environment.hazardous_waste.compliant_disposal_rate", "150", "value"),
            ("innovation.infosec.training.coverage", "most", "value"),
            ("environment.energy.diesel", None, "not_applicable")):
        validator.book.put(StoredValue("xiamen", 2023, indicator, text, state, "", "draft",
                                       "test", "2024-01-01T00:00:00", 1))
    indicators = list(validator.catalogue.indicators)
    quick = [kind for kind in RULE_KINDS if kind.find_all is not None]
    assert quick
    found = 0
    for kind in quick:
        subjects = list(validator.missing_groups) if kind.name == "missing" else indicators
        for entity in validator.order:
            each = [(s, f) for s in subjects if (f := kind.find(validator, entity, s))]
            assert list(kind.find_each(validator, entity, subjects)) == each, (kind.name, entity)
            found += len(each)
    assert found  # the figures compared find something


def test_the_sample_shows_the_reports_own_contradictions(sample_tree: Store) -> None:
    found = {y: validate(sample_tree, y) for y in (2021, 2022, 2023)}
    assert not any(f.blocking for fs in found.values() for f in fs)
    summary = {(f.year, f.rule, f.indicators[0]) for fs in found.values() for f in fs
               if f.severity != "info" and f.rule != "incomplete"}
    assert summary == {
        (2021, "same_figure", "people.employees.technical"),
        (2023, "prior_year", "people.employees.finance"),
        (2023, "target", "innovation.quality.incoming_pass_rate"),
        (2023, "prior_year", "innovation.infosec.training.coverage"),
    }
    # The information-security training is printed for two sites (Dongguan, Xiamen) of
    # those that take it: the totals above them are incomplete, and say who has none.
    training = "innovation.infosec.training.sessions"
    incomplete = {(f.year, f.entity) for fs in found.values() for f in fs
                  if f.rule == "incomplete" and f.indicators == (training,)}
    assert incomplete == {(2021, "group"), (2022, "group"), (2021, "zkteco"),
                          (2022, "zkteco"), (2023, "zkteco")}  # 2023: the group printed 166
    [zkteco] = [f for f in found[2023] if f.rule == "incomplete" and f.entity == "zkteco"
                and f.indicators == (training,)]
    assert "ZKTeco head office" in zkteco.message.en


def test_cli_validate_json_and_exit_status(capsys: pytest.CaptureFixture[str],
                                           sample_path: Path) -> None:
    assert main(["validate", str(sample_path), "--year", "2023", "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)
    assert {"severity", "rule", "entity", "year", "indicators", "values", "message"} <= set(
        findings[0])
    assert main(["set", str(sample_path), "--year", "2023", "people.employees.male", "3000"]) == 0
    capsys.readouterr()
    assert main(["validate", str(sample_path), "--year", "2023"]) == 1
    assert "超过总数 4,106" in capsys.readouterr().out


def test_a_generated_group_validates_without_false_alarms(tmp_path: Path) -> None:
    from esgdesk.application.generate import generate_group

    store = generate_group(tmp_path / "g.db", companies=4, years=3)
    found = validate(store, 2023)
    assert not [f for f in found if f.severity == "error"]
    assert {f.rule for f in found} <= {"breakdown", "prior_year", "target", "factor",
                                       "incomplete", "evidence"}
    # No document is attached in a generated group: each figure whose catalogue asks for one
    # says so, and only those.
    catalogue = store.edition(2023)
    for finding in (f for f in found if f.rule == "evidence"):
        assert catalogue.indicators[finding.indicators[0]].needs_evidence
    # The factor findings are real: GB/T 2589's coefficients for natural gas could not be
    # read, nor heat's (resources/factors ships them empty), and overseas companies have no
    # province;
    # a total that reads a factor not shipped is incomplete, and says which.
    for finding in (f for f in found if f.rule == "incomplete"):
        assert "the factor " in finding.message("en"), finding.message("en")
    for finding in (f for f in found if f.rule == "factor"):
        assert "coal_equivalent." in finding.message("en") \
            or "has no province" in finding.message("en"), finding.message("en")
    store.close()


def test_not_applicable_is_an_explicit_state_that_needs_a_reason(db: Store) -> None:
    put(db, 2022, people__leave__paternity="62")
    db.set_value(Change("group", 2023, "people.leave.paternity", "n/a"), user="test")
    stored = db.get("group", 2023, "people.leave.paternity")
    assert (stored.value, stored.state) == (None, "not_applicable")
    assert db.history("group", 2023, "people.leave.paternity")[-1].new_value == "n/a"
    found = validate(db, 2023)
    [finding] = rules(found, "type_range")
    assert finding.severity == "error" and "not applicable" in finding.message.en
    assert rules(found, "prior_year") == []  # not "missing": it was said to be n/a
    db.set_note("group", 2023, "people.leave.paternity", "no paternity leave law here",
                user="test")
    assert rules(validate(db, 2023), "type_range") == []


def test_every_check_kind_of_the_catalogue_is_evaluated_by_one_declared_rule_kind() -> None:
    from esgdesk.model.catalogue import CHECK_KINDS
    from esgdesk.rules.validation.kinds import CHECK_RULES, RULE_KINDS

    assert set(CHECK_RULES) == set(CHECK_KINDS)
    names = [kind.name for kind in RULE_KINDS]
    assert len(names) == len(set(names))  # a finding's rule names one kind
    assert {"type_range", "prior_year", "missing", "consolidation", "totals"} <= set(names)


def test_the_findings_sheet_names_each_rule_as_its_kind_declares(db: Store,
                                                                  tmp_path: Path) -> None:
    from workbooks import load_workbook

    from esgdesk.exchange.export import export_workbook
    from esgdesk.rules.validation import RULES

    put(db, 2023, people__employees__total="3834", people__employees__male="2431",
        people__employees__female="1359")
    for lang in ("zh", "en"):
        out = export_workbook(db, 2023, tmp_path / f"r-{lang}.xlsx", lang=lang)
        book = load_workbook(out, read_only=True)
        sheet = book["校验结果" if lang == "zh" else "Findings"]
        shown = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True) if row[4]}
        assert RULES["breakdown"].title(lang) in shown
        assert shown <= {kind.title(lang) for kind in RULES.values()}
