"""A group set up from nothing with the command line alone: three companies and five sites in
two provinces from a structure workbook, one site acquired in 2024 and one closed from 2024;
2022–2024 figures typed at the sites; each year's export adds up over that year's structure
(the closed site's history stays in 2022–2023, the acquired one counts from 2024)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_cli
from workbooks import load_workbook

from esgdesk.application.cli import main
from esgdesk.exchange.workbook import word

ELECTRICITY = "environment.energy.electricity"
# code: (zh, en, kind, parent, province, from, to)
STRUCTURE = {
    "north": ("北方公司", "North Co.", "company", "group", "湖北", None, None),
    "south": ("南方公司", "South Co.", "company", "group", "广东", None, None),
    "east": ("东方公司", "East Co.", "company", "group", "广东", None, None),
    "wuhan": ("武汉工厂", "Wuhan plant", "site", "north", "湖北", None, None),
    "xiangyang": ("襄阳工厂", "Xiangyang plant", "site", "north", "hubei", None, 2023),
    "foshan": ("佛山工厂", "Foshan plant", "site", "south", "guangdong", None, None),
    "zhuhai": ("珠海工厂", "Zhuhai plant", "site", "south", "Guangdong", 2024, None),
    "shantou": ("汕头工厂", "Shantou plant", "site", "east", "广东", None, None),
}
SITES = ("wuhan", "xiangyang", "foshan", "zhuhai", "shantou")
YEARS = (2022, 2023, 2024)


def held(code: str, year: int) -> bool:
    first, last = STRUCTURE[code][5], STRUCTURE[code][6]
    return (first is None or first <= year) and (last is None or year <= last)


def electricity(site: str, year: int) -> int:
    """What each site typed (kWh): a different figure for every site and year."""
    return (SITES.index(site) + 1) * 100_000 + (year - 2000) * 1_000


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["--user", "coordinator", *args])
    out, err = capsys.readouterr()
    assert code == 0, (args, err)
    return out


def by_entity(path: Path) -> dict[str, dict[str, Any]]:
    """The export's By entity sheet: indicator label → {entity name: value}."""
    book = load_workbook(path, read_only=True, data_only=True)  # values, row by row
    sheet = book[next(n for n in book.sheetnames if word("by_entity", "en") in n)]
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    header = list(rows[0])
    return {row[0]: {name: row[n] for n, name in enumerate(header) if name}
            for row in rows[1:] if row[0]}


def _build_group(db: Path) -> None:
    """The group from nothing: `init`, its structure from the workbook (previewed, then
    imported), and each site's electricity of each year it was held."""
    def cli(*args: str) -> str:
        done = run_cli("--user", "coordinator", *args)
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    cli("init", str(db), "--year", "2022", "--company-zh", "示例集团",
        "--company-en", "Example Group")
    book = db.with_name("structure.xlsx")
    cli("entity", "export", str(db), "--out", str(book), "--lang", "en")
    workbook = load_workbook(book)
    sheet = workbook["entities"]
    header = [c.value for c in sheet[1]]
    for code, (zh, en, kind, parent, province, first, last) in STRUCTURE.items():
        values = {"code": code, "name_zh": zh, "name_en": en, "kind": kind, "parent": parent,
                  "province": province, "from": first, "to": last, "control": "yes",
                  "equity_share": 60 if code == "east" else None}
        sheet.append([values.get(column) for column in header])
    workbook.save(book)
    out = cli("entity", "import", str(db), str(book), "--dry-run")
    assert "nothing was written" in out and out.count("\n+ ") + out.startswith("+ ") == 8
    assert cli("entity", "list", str(db)).count("\n") == 1  # nothing stored yet
    cli("entity", "import", str(db), str(book))
    for year in YEARS:
        for site in SITES:
            if held(site, year):
                cli("set", str(db), "--entity", site, "--year", str(year), ELECTRICITY,
                    str(electricity(site, year)))


@pytest.fixture
def group(master_copy: Callable[[str, Callable[[Path], None], Path], Path],
          tmp_path: Path) -> Path:
    """The group built from nothing (once per run), a copy of its own."""
    return master_copy("group-setup.db", _build_group, tmp_path / "group.db")


def test_each_years_export_adds_up_over_that_years_structure(
        group: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the trees of the years: the closed site in 2022–2023 only, the acquired from 2024
    listed = {year: run(capsys, "entity", "list", str(group), "--year", str(year))
              for year in YEARS}
    assert "xiangyang" in listed[2023] and "xiangyang" not in listed[2024]
    assert "zhuhai" not in listed[2023] and "zhuhai" in listed[2024]
    for year in YEARS:
        out = tmp_path / f"{year}.xlsx"
        run(capsys, "export", str(group), "--year", str(year), "--out", str(out), "--lang", "en",
            "--by-entity")
        sheet = by_entity(out)
        label = next(key for key in sheet if key.startswith("Purchased grid electricity"))
        printed = sheet[label]
        expected = {company: sum(electricity(site, year) for site in SITES
                                 if STRUCTURE[site][3] == company and held(site, year))
                    for company in ("north", "south", "east")}
        assert Decimal(str(printed["Group"])) == sum(expected.values()), year
        for company, total in expected.items():
            assert Decimal(str(printed[STRUCTURE[company][1]])) == total, (year, company)
    # by hand, 2024: Wuhan, Foshan, Zhuhai and Shantou; not Xiangyang, closed
    assert sum(electricity(s, 2024) for s in ("wuhan", "foshan", "zhuhai", "shantou")) == \
        Decimal(str(by_entity(tmp_path / "2024.xlsx")[label]["Group"])) == 1_300_000 + 4 * 24_000


def test_the_closed_site_takes_nothing_after_its_years_and_the_acquired_nothing_before(
        group: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for site, year in (("xiangyang", 2024), ("zhuhai", 2023)):
        code = main(["set", str(group), "--entity", site, "--year", str(year), ELECTRICITY,
                     "5"])
        _out, err = capsys.readouterr()
        assert code == 2 and f"'{site}' does not count in {year}" in err
    # and the closed site's history stays in its years
    out = run(capsys, "get", str(group), "--entity", "xiangyang", "--year", "2023", ELECTRICITY)
    assert str(electricity("xiangyang", 2023)) in out.replace(",", "")
    code = main(["entity", "close", str(group), "wuhan", "--from", "2024"])
    _out, err = capsys.readouterr()
    assert code == 2 and "has figures in 2024" in err


def test_the_company_and_group_names_are_given_in_each_language_and_titles_use_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "named.db"
    run(capsys, "init", str(db), "--year", "2024", "--company-zh", "舜宇光学科技",
        "--company-en", "Sunny Optical", "--group-zh", "舜宇集团", "--group-en", "Sunny Group")
    assert "group\tgroup\t舜宇集团\tSunny Group" in run(capsys, "entity", "list", str(db))
    for lang, own, other in (("en", "Sunny Optical", "舜宇光学科技"),
                             ("zh", "舜宇光学科技", "Sunny Optical")):
        out = tmp_path / f"{lang}.xlsx"
        run(capsys, "export", str(db), "--year", "2024", "--out", str(out), "--lang", lang)
        book = load_workbook(out, read_only=True)
        cover = book[book.sheetnames[0]]
        texts = [str(v) for row in cover.iter_rows(values_only=True) for v in row if v]
        assert any(own in text for text in texts)
        assert not any(other in text for text in texts)
    book = tmp_path / "structure.xlsx"
    run(capsys, "entity", "export", str(db), "--out", str(book))
    names = dict(load_workbook(book)["company"].iter_rows(min_row=2, values_only=True))
    assert names == {"company_zh": "舜宇光学科技", "company_en": "Sunny Optical"}


def test_the_consolidation_approach_is_the_methods_and_printed_with_it(
        group: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def exported(name: str) -> tuple[Decimal, list[str]]:
        out = tmp_path / name
        run(capsys, "export", str(group), "--year", "2024", "--out", str(out), "--lang", "en",
            "--by-entity")
        sheet = by_entity(out)
        label = next(key for key in sheet if key.startswith("Purchased grid electricity"))
        book = load_workbook(out, read_only=True)
        texts = [str(v) for title in book.sheetnames for row in book[title].iter_rows(
            values_only=True) for v in row if v]
        return Decimal(str(sheet[label]["Group"])), texts

    whole = sum(electricity(s, 2024) for s in ("wuhan", "foshan", "zhuhai", "shantou"))
    total, texts = exported("control.xlsx")
    assert total == whole
    assert any(t.startswith("operational control") for t in texts)
    assert "Consolidation approach" in texts
    run(capsys, "method", str(group), "consolidation", "equity_share")
    total, texts = exported("equity.xlsx")
    # East Co. (60 %) counts by its share; the others, with none given, whole
    assert total == whole - electricity("shantou", 2024) + \
        Decimal(electricity("shantou", 2024)) * Decimal("0.6")
    assert any(t.startswith("equity share") for t in texts)
    # the cover says it, whatever the catalogue computes
    cover = load_workbook(tmp_path / "equity.xlsx", read_only=True).worksheets[0]
    lines = {row[0]: row[1] for row in cover.iter_rows(values_only=True) if row and row[0]}
    assert lines["Consolidation approach"].startswith("equity share")
