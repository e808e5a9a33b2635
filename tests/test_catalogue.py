import re
import shutil
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from esgdesk.errors import Item
from esgdesk.model.catalogue import CATALOGUE_DIR, Catalogue, read


def _raw_indicator_ids() -> list[str]:
    ids = []
    for path in sorted(CATALOGUE_DIR.glob("[0-9][0-9]_*.toml")):
        with path.open("rb") as handle:
            ids += [i["id"] for i in tomllib.load(handle).get("indicators", [])]
    return ids


def test_catalogue_data_has_no_problems() -> None:
    _, problems = read()
    assert problems == []


def test_indicator_ids_are_unique_ascii_and_dotted() -> None:
    ids = _raw_indicator_ids()
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert duplicates == []
    assert all(i.isascii() and i == i.lower() and "." in i for i in ids)


def test_every_indicator_has_zh_and_en_label_and_unit(catalogue: Catalogue) -> None:
    for indicator in catalogue.indicators.values():
        assert indicator.label.zh.strip() and indicator.label.en.strip(), indicator.id
        if indicator.type.numeric:
            assert indicator.unit.zh.strip() and indicator.unit.en.strip(), indicator.id


def test_every_row_and_formula_refers_to_known_indicators(catalogue: Catalogue) -> None:
    known = set(catalogue.indicators)
    for table in catalogue.tables.values():
        assert set(table.indicators()) <= known, table.id
    for indicator in catalogue.indicators.values():
        if indicator.formula:
            assert set(indicator.formula.indicators) <= known, indicator.id
    for check in catalogue.checks:
        assert set(check.involved()) <= known


def test_catalogue_covers_the_report(catalogue: Catalogue) -> None:
    chapters = [c.id for c in catalogue.chapters]
    assert chapters == ["key_figures", "governance", "environment", "innovation", "people",
                        "community"]
    assert len(catalogue.indicators) >= 200
    for must in ("people.employees.total", "innovation.rd.staff", "innovation.rd.investment",
                 "innovation.customers.satisfaction_score", "governance.dividends.cash",
                 "community.donations.lanzhou_university", "environment.protection_investment"):
        assert must in catalogue.indicators


def test_a_figure_printed_in_two_tables_is_one_indicator(catalogue: Catalogue) -> None:
    tables = {t.id for t in catalogue.tables_of("people.employees.total")}
    assert "key_figures.data2023" in tables and "people.structure" in tables


def test_percentages_are_never_summed(catalogue: Catalogue) -> None:
    percentages = [i for i in catalogue.indicators.values() if i.type.name == "percentage"]
    assert len(percentages) >= 10  # the report prints dozens; none checked would pass
    for indicator in percentages:
        assert indicator.aggregation != "sum", indicator.id


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("addition,code,item", [
    ('[[indicators]]\nid = "people.loop.a"\nlabel = {zh="甲", en="A"}\n'
     'unit = {zh="人", en="persons"}\ntype = "count"\nowner = "hr"\n'
     'section = "people.rights"\naggregation = "formula"\nformula = "people.loop.b + 1"\n'
     '[[indicators]]\nid = "people.loop.b"\nlabel = {zh="乙", en="B"}\n'
     'unit = {zh="人", en="persons"}\ntype = "count"\nowner = "hr"\n'
     'section = "people.rights"\naggregation = "formula"\nformula = "people.loop.a * 2"\n',
     "cycle", Item("indicator", "people.loop.a", "formula")),
    ('[[tables]]\nid = "people.broken"\nsection = "people.rights"\n'
     'title = {zh="坏", en="Broken"}\nrows = [{ indicator = "people.employees.total" }, '
     '{ indicator = "people.nobody" }]\n',
     "unknown_indicator", Item("row", "people.broken", "indicator", index=1)),
    ('[[indicators]]\nid = "people.no_en"\nlabel = {zh="无英文"}\n'
     'unit = {zh="人", en="persons"}\ntype = "count"\nowner = "hr"\n'
     'section = "people.rights"\naggregation = "sum"\n', "missing_value",
     Item("indicator", "people.no_en", "label", "en")),
    ('[[indicators]]\nid = "people.employees.total"\nlabel = {zh="重", en="Again"}\n'
     'unit = {zh="人", en="persons"}\ntype = "count"\nowner = "hr"\n'
     'section = "people.rights"\naggregation = "sum"\n', "duplicate_id",
     Item("indicator", "people.employees.total", "id")),
])
def test_broken_catalogue_data_is_reported_with_its_code_and_place(
        tmp_path: Path, addition: str, code: str, item: Item) -> None:
    directory = _copy(tmp_path)
    people = directory / "04_people.toml"
    people.write_text(people.read_text(encoding="utf-8") + "\n" + addition, encoding="utf-8")
    _, problems = read(directory)
    assert (code, item) in {(p.code, p.item) for p in problems}, problems
    assert all(CHINESE.search(p.message("zh")) for p in problems), problems
