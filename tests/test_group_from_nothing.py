"""A listed company sets its group up from nothing with the command line alone, as a
coordinator would: the szse-17 template, three companies and five sites in two provinces
from a structure workbook (one site acquired in 2024, one closed from 2024), a catalogue edit
adding a table with its notes and a base-year target, and 2022–2024 figures typed at the
sites in the units their bills use (electricity in MWh, gas in m³). The 2024 export's totals
are the sums over that year's structure, the closed site's history stays in its years, n/a
prints as "/", and the target's progress is the reduction from the base year."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from workbooks import load_workbook

from esgdesk.application.cli import main

ELECTRICITY = "environment.energy.electricity"
GAS = "environment.energy.natural_gas"
TABLE = "environment.site_energy"
# code: (zh, en, kind, parent, province, from, to)
STRUCTURE = {
    "north": ("北方公司", "North Co.", "company", "group", "湖北", None, None),
    "south": ("南方公司", "South Co.", "company", "group", "广东", None, None),
    "east": ("东方公司", "East Co.", "company", "group", "广东", None, None),
    "wuhan": ("武汉工厂", "Wuhan plant", "site", "north", "湖北", None, None),
    "xiangyang": ("襄阳工厂", "Xiangyang plant", "site", "north", "湖北", None, 2023),
    "foshan": ("佛山工厂", "Foshan plant", "site", "south", "广东", None, None),
    "zhuhai": ("珠海工厂", "Zhuhai plant", "site", "south", "广东", 2024, None),
    "shantou": ("汕头工厂", "Shantou plant", "site", "east", "广东", None, None),
}
SITES = ("wuhan", "xiangyang", "foshan", "zhuhai", "shantou")
YEARS = (2022, 2023, 2024)
NOTES = (("站点能源按账单填报。", "Site energy is taken from the bills."),
         ("珠海工厂自 2024 年起纳入。", "The Zhuhai plant counts from 2024."))


def held(code: str, year: int) -> bool:
    first, last = STRUCTURE[code][5], STRUCTURE[code][6]
    return (first is None or first <= year) and (last is None or year <= last)


def mwh(site: str, year: int) -> Decimal:
    """Electricity each site typed, in MWh (three decimals: whole kWh)."""
    return Decimal(SITES.index(site) + 1) * 100 + Decimal(year - 2000) + Decimal("0.125")


def gas(site: str, year: int) -> int:
    """Natural gas each site typed, in m³ (Shantou has none: n/a)."""
    return (SITES.index(site) + 1) * 1_000 + (year - 2000) * 10


def run(*args: str) -> str:
    """A command as the coordinator types it; what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--user", "coordinator", *args])
    assert code == 0, (args, err.getvalue())
    return out.getvalue()


def rows_of(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(values_only=True))


def _build_group(db: Path) -> None:
    """The group from nothing, with the command line alone: its structure, its catalogue's
    new table (notes and a target), the sites' figures in their bills' units."""
    folder = db.parent
    run("init", str(db), "--template", "szse-17", "--year", "2022",
        "--company-zh", "示例集团股份", "--company-en", "Example Holdings")
    # the structure, from its workbook
    book = folder / "structure.xlsx"
    run("entity", "export", str(db), "--out", str(book), "--lang", "en")
    workbook = load_workbook(book)
    sheet = workbook["entities"]
    header = [c.value for c in sheet[1]]
    for code, (zh, en, kind, parent, province, first, last) in STRUCTURE.items():
        values = {"code": code, "name_zh": zh, "name_en": en, "kind": kind, "parent": parent,
                  "province": province, "from": first, "to": last, "control": "yes"}
        sheet.append([values.get(column) for column in header])
    workbook.save(book)
    run("entity", "import", str(db), str(book))
    # the catalogue: a table of the sites' energy, with two notes and a base-year target
    catalogue = folder / "catalogue.xlsx"
    run("catalogue", "export", str(db), "--year", "2022", "--out", str(catalogue))
    edited = load_workbook(catalogue)
    tables = edited["tables"]
    columns = [c.value for c in tables[1]]
    table = {"id": TABLE, "chapter": "environment", "section": "environment.energy",
             "title_zh": "站点能源", "title_en": "Energy at the sites", "layout": "years",
             "order": 99, "source": "added", "years": 3, "header_zh": "指标",
             "header_en": "Indicator", "unit_column": "yes"}
    tables.append([table.get(column) for column in columns])
    for order, indicator in enumerate((ELECTRICITY, GAS), start=1):
        edited["rows"].append([TABLE, order, indicator, None, None, 0, None])
    for number, (zh, en) in enumerate(NOTES, start=1):
        edited["notes"].append([TABLE, number, zh, en])
    edited["targets"].append(["electricity_2024", ELECTRICITY, "absolute", 10, 2022, 2024,
                              "外购电力较 2022 年降低 10%", "Grid electricity down 10 % on 2022",
                              TABLE])
    edited.save(catalogue)
    said = run("catalogue", "import", str(db), str(catalogue), "--year", "2022",
               "--dry-run")
    assert TABLE in said and "electricity_2024" in said
    run("catalogue", "import", str(db), str(catalogue), "--year", "2022")
    # the figures, typed at the sites in their bills' units
    for year in YEARS:
        for site in SITES:
            if not held(site, year):
                continue
            run("set", str(db), "--entity", site, "--year", str(year), ELECTRICITY,
                f"{mwh(site, year)} MWh")
            if site == "shantou":
                run("set", str(db), "--entity", site, "--year", str(year), GAS, "n/a",
                    "--reason", "no gas supply at the plant")
            else:
                run("set", str(db), "--entity", site, "--year", str(year), GAS,
                    f"{gas(site, year)} m³")


@pytest.fixture(scope="module")
def group(master_copy: Callable[[str, Callable[[Path], None], Path], Path],
          tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The group (built once per run), one copy for this module's tests."""
    return master_copy("group-from-nothing.db", _build_group,
                       tmp_path_factory.mktemp("from_nothing") / "group.db")


def _group_totals(path: Path, year: int) -> tuple[Decimal, Decimal, list[str]]:
    """The new table's printed figures for the year (electricity, gas) and its lines below."""
    book = load_workbook(path, read_only=True, data_only=True)  # values, row by row
    sheets = [rows_of(sheet) for sheet in book.worksheets]
    book.close()
    for rows in sheets:
        first = [n for n, row in enumerate(rows) if row and row[0] == "Energy at the sites"]
        if not first:
            continue
        start = first[0]
        header = next(row for row in rows[start + 1:] if row and str(year) in row)
        column = header.index(str(year))
        values = {}
        below: list[str] = []
        for row in rows[start + 2:]:
            if not row or row[0] is None:
                if values:
                    break
                continue
            label = str(row[0])
            if label.startswith(("Purchased grid electricity", "Natural gas consumption")):
                values[label.split(" ")[0]] = row[column]
            elif values:
                below.append(label)
        rest = [str(row[0]) for row in rows[start:] if row and isinstance(row[0], str)]
        return Decimal(str(values["Purchased"])), Decimal(str(values["Natural"])), rest
    raise AssertionError("the new table is not printed")


def test_the_years_export_adds_up_over_its_structure_in_the_units_typed(
        group: Path, tmp_path: Path) -> None:
    out = tmp_path / "2024.xlsx"
    assert main(["export", str(group), "--year", "2024", "--lang", "en", "--out",
                 str(out)]) == 0
    electricity, gas_total, lines = _group_totals(out, 2024)
    in_2024 = [s for s in SITES if held(s, 2024)]
    assert in_2024 == ["wuhan", "foshan", "zhuhai", "shantou"]  # by hand: not Xiangyang
    assert electricity == sum(mwh(s, 2024) * 1000 for s in in_2024)  # kWh
    assert gas_total == sum(gas(s, 2024) for s in in_2024 if s != "shantou")
    # the notes under the table, numbered, and the target's progress
    assert "Note 1: Site energy is taken from the bills." in lines
    assert "Note 2: The Zhuhai plant counts from 2024." in lines
    # like for like (GHG Protocol: structural changes): 2022 without the site closed since,
    # 2024 without the one acquired since, both named; (base − current) ÷ base
    base = sum(mwh(s, 2022) * 1000 for s in ("wuhan", "foshan", "shantou"))
    current = sum(mwh(s, 2024) * 1000 for s in ("wuhan", "foshan", "shantou"))
    reached = (base - current) / base * 100
    target = next(line for line in lines if line.startswith("Target:"))
    assert target == (
        f"Target: Grid electricity down 10 % on 2022 (−10 % by 2024 against 2022): "
        f"2022 {base:,.0f} kWh, 2024 {current:,.0f} kWh (2022 without Xiangyang plant) "
        f"(2024 without Zhuhai plant, like for like); up {-reached:.1f} % from 2022, "
        f"not reduced yet"), target


def test_a_targets_base_is_restated_for_a_closed_site(group: Path) -> None:
    """North Co. had Wuhan and Xiangyang in 2022 and only Wuhan in 2024: its 2022 base is
    restated without Xiangyang's 2022 figure (GHG Protocol: structural changes); a base
    year the coordinator keeps at the entity is read as it is."""
    found = json.loads(run("targets", str(group), "--year", "2024", "--entity", "north",
                           "--format", "json"))[0]
    base, current = mwh("wuhan", 2022) * 1000, mwh("wuhan", 2024) * 1000
    assert found["base_without"] == ["xiangyang"] and found["current_without"] == []
    assert Decimal(found["base"]) == base and Decimal(found["current"]) == current
    assert Decimal(found["reduced"]) == ((base - current) / base * 100).quantize(
        Decimal("0.01"))
    group_wide = json.loads(run("targets", str(group), "--year", "2024", "--format",
                                "json"))[0]
    assert group_wide["current_without"] == ["zhuhai"]
    assert Decimal(group_wide["current"]) == sum(mwh(s, 2024) * 1000
                                                 for s in ("wuhan", "foshan", "shantou"))
    # in a year of the base year's boundary, nothing is restated
    same = json.loads(run("targets", str(group), "--year", "2023", "--format", "json"))[0]
    assert same["base_without"] == same["current_without"] == []
    assert Decimal(same["base"]) == sum(mwh(s, 2022) * 1000 for s in SITES if held(s, 2022))


def test_the_closed_site_keeps_its_history_and_the_acquired_counts_from_its_year(
        group: Path, tmp_path: Path) -> None:
    for year in (2022, 2023):
        out = tmp_path / f"{year}.xlsx"
        assert main(["export", str(group), "--year", str(year), "--lang", "en", "--out",
                     str(out)]) == 0
        electricity, _gas, _lines = _group_totals(out, year)
        assert electricity == sum(mwh(s, year) * 1000 for s in SITES if held(s, year))
        assert "xiangyang" in [s for s in SITES if held(s, year)]
    assert main(["get", str(group), "--entity", "xiangyang", "--year", "2023",
                 ELECTRICITY]) == 0
    assert main(["set", str(group), "--entity", "xiangyang", "--year", "2024", ELECTRICITY,
                 "1 MWh"]) == 2
    assert main(["set", str(group), "--entity", "zhuhai", "--year", "2023", ELECTRICITY,
                 "1 MWh"]) == 2


def test_n_a_prints_as_the_report_prints_it_in_both_languages(
        group: Path, tmp_path: Path) -> None:
    for lang in ("en", "zh"):
        out = tmp_path / f"shantou-{lang}.xlsx"
        assert main(["export", str(group), "--year", "2024", "--entity", "shantou", "--lang",
                     lang, "--out", str(out)]) == 0
        label = "Natural gas consumption" if lang == "en" else "天然气消耗量"
        book = load_workbook(out, read_only=True, data_only=True)
        found = [row for sheet in book.worksheets for row in rows_of(sheet)
                 if row and row[0] == label]
        book.close()
        assert found and all("/" in row[2:] for row in found), found


def test_a_base_year_kept_at_the_entity_is_read_as_it_is(group: Path, tmp_path: Path) -> None:
    """The printed history of a base year kept at the company itself is the base the
    coordinator chose: no like-for-like restatement of it."""
    db = tmp_path / "copy.db"
    shutil.copy(group, db)
    run("set", str(db), "--entity", "north", "--year", "2022", ELECTRICITY, "150000",
        "--history")
    found = json.loads(run("targets", str(db), "--year", "2024", "--entity", "north",
                           "--format", "json"))[0]
    assert Decimal(found["base"]) == 150000 and found["base_without"] == []
