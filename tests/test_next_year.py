"""A 2024 cycle on the 2023 catalogue (issue 13): titles follow the year, figures keep the
precision they take, text figures carry both languages, and requests carry what the 2023
report already set, with input cells on every row and only explanations shown."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from workbooks import load_workbook

from esgdesk.errors import InvalidValue
from esgdesk.exchange.intake import import_files, preview_file
from esgdesk.exchange.metadata import META_SHEET, read_meta
from esgdesk.exchange.requests import shown, write_request
from esgdesk.model.catalogue import Catalogue, shorten
from esgdesk.model.types import ValueRefused, bilingual_value, value_type
from esgdesk.storage.store import Change, Store, open_database

ENV_TARGET = "environment.targets.wastewater.target"
GRADE = "innovation.supplier_rating.excellent.grade"
TARGET = "innovation.quality.incoming_pass_rate_target"


def _map(book: Any) -> dict[tuple[str, str], tuple[str, str]]:
    _meta, cells = read_meta(book[META_SHEET], "test")
    return {(c.indicator, c.kind): (c.sheet, c.cell) for c in cells if c.kind != "fixed"}


def _value(book: Any, indicator: str, kind: str = "value") -> Any:
    sheet, cell = _map(book)[(indicator, kind)]
    return book[sheet][cell].value


def _type_into(path: Path, values: dict[tuple[str, str], Any]) -> Path:
    book = load_workbook(path)
    where = _map(book)
    for key, value in values.items():
        sheet, cell = where[key]
        book[sheet][cell] = value
    sheet, cell = where[("", "submitted_by")]
    book[sheet][cell] = "Wang Fang"
    book.save(path)
    return path


def _texts(path: Path) -> list[str]:
    book = load_workbook(path)
    return [str(shown(c)) for sheet in book.worksheets if sheet.title != META_SHEET
            for row in sheet.iter_rows() for c in row if c.value is not None]


# -- 3: precision ---------------------------------------------------------------------------
@pytest.mark.parametrize("name,places,typed,fits,reason,reason_zh", [
    ("decimal", 0, "250.5", "250", "takes whole numbers", "只填整数"),
    ("money", 2, "5,197.225", "5,197.20", "at most 2 decimals", "最多 2 位小数"),
    ("percentage", 1, "43.65 %", "43.60 %", "at most 1 decimal", "最多 1 位小数"),
])
def test_more_decimals_than_the_figure_takes_are_refused_with_the_reason(
        name: str, places: int, typed: str, fits: str, reason: str, reason_zh: str) -> None:
    with pytest.raises(ValueRefused, match=reason) as refused:
        value_type(name, places).parse(typed)
    assert reason_zh in refused.value.zh
    value_type(name, places).parse(fits)  # trailing zeros are not decimals


def test_a_typed_figure_with_too_many_decimals_is_not_stored(sample: Store) -> None:
    with pytest.raises(InvalidValue) as refused:  # hours: one decimal printed
        sample.set_value(Change("group", 2024, "environment.energy.electricity", "250.5"),
                         "test")
    assert "whole numbers" in refused.value.message("en")
    assert "只填整数" in refused.value.message("zh") and "整数" in refused.value.reason_zh
    assert sample.get("group", 2024, "environment.energy.electricity") is None


def test_the_sample_holds_every_figure_at_its_printed_precision(sample: Store) -> None:
    figures = [stored for stored in sample.all_values() if stored.value is not None]
    assert len(figures) > 200  # the printed report's figures, several years of them
    for stored in figures:
        spec = sample.catalogue.indicators[stored.indicator]
        assert spec.type.parse(stored.value) == stored.value, stored


def test_a_fraction_read_as_a_percentage_keeps_the_precision(sample: Store,
                                                             tmp_path: Path) -> None:
    rate = "people.turnover_rate"  # last year 21.35 %, two decimals
    fits = _type_into(write_request(sample, "group", 2024, "hr", tmp_path / "a.xlsx", "c"),
                      {(rate, "value"): 0.8512})
    report = preview_file(sample, fits)
    assert not report.refused and any("85.12" in n for n in report.notices)
    too_fine = _type_into(write_request(sample, "group", 2024, "hr", tmp_path / "b.xlsx", "c"),
                          {(rate, "value"): 0.85123})
    report = preview_file(sample, too_fine)
    sheet, cell = _map(load_workbook(too_fine))[(rate, "value")]
    assert [(p.sheet, p.cell) for p in report.refused] == [(sheet, cell)]
    assert "at most 2 decimals" in report.refused[0].en and "最多 2 位小数" in report.refused[0].zh


def test_a_percent_formatted_cell_with_too_many_decimals_is_refused_at_its_cell(
        sample: Store, tmp_path: Path) -> None:
    path = write_request(sample, "group", 2024, "hr", tmp_path / "p.xlsx", "c")
    book = load_workbook(path)
    sheet, cell = _map(book)[("people.contracts.signing_rate", "value")]
    book[sheet][cell] = 0.85123
    book[sheet][cell].number_format = "0.000%"
    book.save(path)
    refused = preview_file(sample, path).refused
    assert [(p.sheet, p.cell, p.code) for p in refused] == [(sheet, cell, "invalid_value")]


# -- 18: value types refuse in both languages -----------------------------------------------
def test_value_types_refuse_in_chinese_too() -> None:
    with pytest.raises(ValueRefused) as refused:
        value_type("count").parse("12.5")
    assert str(refused.value) == "a count is a whole number" == refused.value.en
    assert refused.value.zh == "计数须为整数"
    for name, typed in (("count", "abc"), ("percentage", "120"), ("yesno", "maybe"),
                        ("text", ""), ("bilingual", "a\x01b")):
        with pytest.raises(ValueRefused) as refused:
            value_type(name, 2).parse(typed)
        assert refused.value.zh != refused.value.en and not refused.value.zh.isascii()


# -- 8: titles follow the year ----------------------------------------------------------------
def test_titles_naming_the_year_follow_it(catalogue: Catalogue) -> None:
    key = catalogue.chapter("key_figures")
    assert key.title("zh") == "数说2023" and key.title("en", 2024) == "Data of 2024"
    targets = catalogue.tables["environment.targets"]
    assert targets.title("zh", 2024).startswith("2024 安全环境目标")
    assert targets.title("en").startswith("2023 Environmental Safety Objectives")
    achievements = [t for t in catalogue.tables.values() if "重要成果" in t.title("zh")]
    assert achievements and all(t.title("zh", 2024) == "2024 年重要成果" for t in achievements)
    assert all("2023" not in t.title(lang, 2024) for t in catalogue.tables.values()
               for lang in ("zh", "en"))


def test_the_report_name_follows_the_year_and_the_company(catalogue: Catalogue) -> None:
    assert catalogue.report_name("zh") == "熵基科技股份有限公司2023年度环境、社会及治理 (ESG) 报告"
    assert catalogue.report_name("en", 2024) == (
        "2024 Environmental, Social and Governance (ESG) Report of ZKTeco Co., Ltd.")
    assert catalogue.report_name("zh", 2024, "ACME Ltd.") == (
        "ACME Ltd. 2024年度环境、社会及治理 (ESG) 报告")


def test_chapters_have_short_sheet_titles(catalogue: Catalogue) -> None:
    titles = {c.id: c.sheet_title("en") for c in catalogue.chapters}
    assert titles["governance"] == "01 Governance" and titles["people"] == "04 People"
    assert catalogue.chapter("people").sheet_title("zh") == "04 以人为本"
    assert all(len(c.sheet_title(lang)) <= 31 for c in catalogue.chapters
               for lang in ("zh", "en"))
    assert shorten("01 Steady for far-reaching, Opening up", 31) == "01 Steady for far-reaching"


def test_a_2024_request_says_2024(sample: Store, tmp_path: Path) -> None:
    for department in ("quality", "ehs"):
        for lang in ("zh", "en"):
            path = write_request(sample, "group", 2024, department,
                                 tmp_path / f"{department}-{lang}.xlsx", "c", lang=lang)
            texts = _texts(path)
            assert not [t for t in texts if "2023" in t and "年重要成果" in t]
            assert not [t for t in texts if "Data of 2023" in t or t == "2023 Objective"]
    zh = _texts(tmp_path / "ehs-zh.xlsx")
    assert any(t.startswith("2024 安全环境目标") for t in zh)
    assert any("2024年度环境、社会及治理 (ESG) 报告" in t for t in zh)
    en = _texts(tmp_path / "quality-en.xlsx")
    assert "2024 Objective" in en and "2025 Objective" in en


# -- 22: bilingual text -----------------------------------------------------------------------
def test_a_bilingual_text_keeps_both_languages_and_shows_the_one_asked() -> None:
    text = value_type("bilingual")
    stored = text.parse("达标排放")
    assert text.display(stored, "en") == "达标排放"  # only Chinese given: shown in both
    both = text.parse_in("Up-to-standard discharge", "en", stored)
    assert json.loads(both) == {"zh": "达标排放", "en": "Up-to-standard discharge"}
    assert text.display(both, "en") == "Up-to-standard discharge"
    assert text.display(both, "zh") == "达标排放"
    assert text.display("安全事故为零", "zh") == "安全事故为零"  # plain text held before
    changed = text.parse_in("零事故", "zh", both)
    assert json.loads(changed) == {"zh": "零事故", "en": "Up-to-standard discharge"}
    assert text.parse(both) == both
    assert value_type("count").display("1226", "en") == "1,226"


def test_the_sample_holds_both_languages_where_the_report_prints_both(sample: Store) -> None:
    spec = sample.catalogue.indicators[ENV_TARGET]
    stored = sample.get("group", 2023, ENV_TARGET)
    assert stored is not None and stored.value is not None
    assert spec.type.display(stored.value, "en") == "Up-to-standard discharge"
    assert spec.type.display(stored.value, "zh") == "达标排放"
    grade = sample.get("group", 2023, GRADE)
    assert grade is not None and grade.value == bilingual_value("A 级", "Level A")
    score = sample.get("group", 2023, "innovation.supplier_rating.unqualified.score")
    assert score is not None and "Below 60 points (inclusive)" in (score.value or "")


def test_each_request_shows_its_language_and_typing_keeps_the_other(sample: Store,
                                                                    tmp_path: Path) -> None:
    sample.set_value(Change("group", 2024, ENV_TARGET,
                            bilingual_value("达标排放", "Up-to-standard discharge")), "c")
    english = write_request(sample, "group", 2024, "ehs", tmp_path / "en.xlsx", "c",
                            lang="en")
    book = load_workbook(english)
    assert _value(book, ENV_TARGET) == "Up-to-standard discharge"
    assert not [t for t in _texts(english) if "达标排放" in t]
    chinese = write_request(sample, "group", 2024, "ehs", tmp_path / "zh.xlsx", "c", lang="zh")
    assert _value(load_workbook(chinese), ENV_TARGET) == "达标排放"
    _type_into(english, {(ENV_TARGET, "value"): "Discharge up to standard"})
    reports = import_files(sample, [english], "coordinator", overwrite_newer=True)
    assert reports[0].acceptable, reports[0].refused
    stored = sample.get("group", 2024, ENV_TARGET)
    assert stored is not None and json.loads(stored.value or "") == {
        "zh": "达标排放", "en": "Discharge up to standard"}


# -- 24: requests -----------------------------------------------------------------------------
def test_the_2024_quality_request_carries_the_target_2023_set(sample: Store,
                                                              tmp_path: Path) -> None:
    path = write_request(sample, "group", 2024, "quality", tmp_path / "q.xlsx", "c")
    book = load_workbook(path)
    assert _value(book, TARGET) == pytest.approx(99.10)  # the 2023 report's 2024 objective
    assert _value(book, "innovation.quality.incoming_pass_rate") is None
    reports = import_files(sample, [_type_into(path, {})], "coordinator")
    assert reports[0].acceptable, reports[0].refused
    stored = sample.get("group", 2024, TARGET)
    assert stored is not None and stored.value == "99.1"


def test_target_tables_have_state_and_explanation_cells(sample: Store, tmp_path: Path) -> None:
    path = write_request(sample, "group", 2024, "quality", tmp_path / "q.xlsx", "c")
    where = _map(load_workbook(path))
    actual = "innovation.quality.incoming_pass_rate"
    assert (actual, "state") in where and (actual, "note") in where
    assert where[(actual, "note")] == where[(TARGET, "note")]  # one explanation a row
    _type_into(path, {(actual, "value"): 99.2, (actual, "note"): "new inspection line"})
    assert import_files(sample, [path], "coordinator")[0].acceptable
    stored = sample.get("group", 2024, actual)
    assert stored is not None and stored.note == "new inspection line"
    env = load_workbook(write_request(sample, "group", 2024, "ehs", tmp_path / "e.xlsx", "c"))
    assert (ENV_TARGET, "state") in _map(env) and (ENV_TARGET, "note") in _map(env)


def test_the_skills_table_has_its_years(sample: Store, tmp_path: Path) -> None:
    sample.set_value(Change("group", 2023, "people.skills.electronics.level5", "800"), "c")
    path = write_request(sample, "group", 2024, "hr", tmp_path / "hr.xlsx", "c")
    book = load_workbook(path)
    sheet, cell = _map(book)[("people.skills.electronics.level5", "value")]
    row = [c.value for c in book[sheet][book[sheet][cell].row]]
    assert row[:5] == ["五级", "人", None, 800, None]  # 2022, 2023, then 2024 to type
    header = next(r for r in book[sheet].iter_rows() if r[0].value == "类别")
    assert [c.value for c in header[2:5]] == [2022, 2023, 2024]  # shown as "2022 年" …
    assert [c.number_format.split(";")[0] for c in header[2:5]] == [
        '"2022 年"', '"2023 年"', '"2024 年"']


def test_provenance_is_kept_for_coordinators_and_not_shown_to_contributors(
        sample: Store, tmp_path: Path) -> None:
    investment = sample.get("group", 2023, "environment.protection_investment")
    assert investment is not None and investment.note == ""
    assert investment.provenance == "English edition prints RMB 170,800"
    repurchased = sample.get("group", 2023, "people.incentives.shares_repurchased")
    assert repurchased is not None and repurchased.note.startswith("cumulative")
    texts = _texts(write_request(sample, "group", 2024, "ehs", tmp_path / "e.xlsx", "c"))
    assert not [t for t in texts if "English edition" in t or "printed" in t]
    ir = _texts(write_request(sample, "group", 2024, "ir", tmp_path / "i.xlsx", "c"))
    assert any(t.startswith("cumulative for the repurchase plan") for t in ir)  # explained
    hr = _texts(write_request(sample, "group", 2024, "hr", tmp_path / "h.xlsx", "c"))
    assert not [t for t in hr if "printed as" in t or "stated in text" in t]


def test_a_0005_database_is_upgraded_with_provenance_empty(sample_path: Path,
                                                           tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy(sample_path, old)
    with sqlite3.connect(old) as raw:
        raw.execute("ALTER TABLE value DROP COLUMN provenance")
        raw.execute("DROP TABLE catalogue_edition")  # 0007 on
        raw.execute("DROP TABLE catalogue_content")
        for table, column in (("audit", "entered"), ("audit", "factor"), ("entity", "province"),
                              ("audit", "db_user")):
            raw.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # 0008 and 0009 on
        raw.execute("DROP TABLE factor")
        raw.execute("DROP INDEX ix_value_year")  # 0010 on
        raw.execute("CREATE INDEX ix_value_entity_year ON value (entity_id, year)")
        raw.execute("DROP TABLE attachment")  # 0013 on
        raw.execute("DROP TABLE assurance_mark")
        raw.execute("DROP TABLE assurance_sample")
        raw.execute("DROP TABLE evidence_content")
        for column in ("quality", "method"):
            raw.execute(f"ALTER TABLE value DROP COLUMN {column}")
        for column in ("printed", "printed_reason"):  # 0012 on
            raw.execute(f"ALTER TABLE value DROP COLUMN {column}")
        raw.execute("DROP TABLE entity_parent")  # 0011 on
        for column in ("from_year", "to_year", "equity_share", "control"):
            raw.execute(f"ALTER TABLE entity DROP COLUMN {column}")
        raw.execute("UPDATE alembic_version SET version_num = '0005'")
    raw.close()
    store = open_database(old)
    try:
        stored = store.get("group", 2023, "people.employees.total")
        assert stored is not None and stored.provenance == ""
        store.set_value(Change("group", 2024, "people.employees.total", "4200",
                               provenance="from the HR system"), "c")
        assert store.get("group", 2024, "people.employees.total").provenance == (
            "from the HR system")
    finally:
        store.close()
