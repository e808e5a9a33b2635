"""The group's structure per reporting year, from the command line: entities added with the
year they count from, renamed, moved between parents and closed, each audited; the tree of a
year holds what was held then, under its parent of then; every refusal a code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_runner import run_cli

from esgdesk.application.cli import main
from esgdesk.storage.store import open_database


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--user", "li", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _build_group(path: Path) -> None:
    """A group of two companies: north with a site in Hubei, south with one in Guangdong."""
    done = run_cli("--user", "li", "init", str(path), "--year", "2022", "--company-zh",
                   "示例集团", "--company-en", "Example Group")
    assert done.returncode == 0, done.stderr
    for code, parent, kind, zh, en, extra in (
            ("north", "group", "company", "北方", "North", []),
            ("south", "group", "company", "南方", "South", []),
            ("east", "group", "company", "东方", "East", ["--from", "2024"]),
            ("wuhan", "north", "site", "武汉厂", "Wuhan plant", ["--province", "湖北"]),
            ("foshan", "south", "site", "佛山厂", "Foshan plant",
             ["--province", "guangdong", "--from", "2024"])):
        done = run_cli("--user", "li", "entity", "add", str(path), code, "--parent", parent,
                       "--kind", kind, "--zh", zh, "--en", en, *extra)
        assert done.returncode == 0, done.stderr


@pytest.fixture
def group(master_copy: Callable[[str, Callable[[Path], None], Path], Path],
          tmp_path: Path) -> str:
    """The group of two companies (built once per run), a copy of its own."""
    return str(master_copy("entity-years-group.db", _build_group, tmp_path / "g.db"))


def tree(capsys: pytest.CaptureFixture[str], db: str, year: int | None) -> dict[str, str]:
    args = ["entity", "list", db, "--format", "json"] + (["--year", str(year)] if year else [])
    code, out, err = run(capsys, *args)
    assert code == 0, err
    return {row["code"]: row["parent"] for row in json.loads(out)}


def test_an_entity_counts_from_its_year_under_its_parent_of_each_year(
        group: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert tree(capsys, group, 2023) == {"group": None, "north": "group", "south": "group",
                                         "wuhan": "north"}
    assert tree(capsys, group, 2024)["foshan"] == "south"
    assert tree(capsys, group, 2024)["east"] == "group"
    code, out, err = run(capsys, "entity", "move", group, "wuhan", "--parent", "south",
                         "--from", "2024")
    assert code == 0, err
    assert run(capsys, "entity", "close", group, "north", "--from", "2025")[0] == 0
    assert tree(capsys, group, 2023)["wuhan"] == "north"  # the past keeps its tree
    assert tree(capsys, group, 2024)["wuhan"] == "south"
    assert "north" not in tree(capsys, group, 2025) and "north" in tree(capsys, group, None)
    code, out, _ = run(capsys, "entity", "list", group, "--year", "2024")
    assert "foshan\tsite\t佛山厂\tFoshan plant\tguangdong\t2024–" in out
    assert run(capsys, "entity", "rename", group, "south", "--en", "South Co.")[0] == 0
    store = open_database(Path(group))
    try:
        rows = [(r.action, r.entity, r.year, r.old_value if r.action == "move" else None,
                 r.new_value if r.action == "move" else None, r.user)
                for r in store.audit_log() if r.action in ("move", "close", "rename")]
        assert rows == [("move", "wuhan", 2024, "north", "south", "li"),
                        ("close", "north", 2025, None, None, "li"),
                        ("rename", "south", 0, None, None, "li")]
        renamed = next(r for r in store.audit_log() if r.action == "rename")
        assert (json.loads(renamed.old_value)["name_en"],
                json.loads(renamed.new_value)["name_en"]) == ("South", "South Co.")
        closed = next(r for r in store.audit_log() if r.action == "close")
        assert json.loads(closed.new_value)["to"] == 2024
        assert store.verify_audit().sound
    finally:
        store.close()
    assert run(capsys, "check", group)[0] == 0
    code, out, _ = run(capsys, "entities", group, "--history", "wuhan")
    assert [line.split("\t")[2:4] for line in out.splitlines()][1:] == [["move",
                                                                        "north → south"]]
    # the old command still lists every entity ever held
    code, out, _ = run(capsys, "entities", group)
    assert code == 0 and "north" in out and "foshan" in out


@pytest.mark.parametrize(("args", "kind"), [
    (["add", "x", "--parent", "nowhere", "--kind", "site", "--zh", "甲", "--en", "X"],
     "entity.unknown_parent"),
    (["add", "x", "--parent", "wuhan", "--kind", "site", "--zh", "甲", "--en", "X"],
     "entity.site_parent"),
    (["add", "x", "--parent", "east", "--kind", "site", "--zh", "甲", "--en", "X",
      "--from", "2023"], "entity.parent_not_held"),
    (["add", "x", "--parent", "east", "--kind", "site", "--zh", "甲", "--en", "X"],
     "entity.parent_not_held"),
    (["add", "wuhan", "--parent", "south", "--kind", "site", "--zh", "甲", "--en", "X"],
     "entity.exists"),
    (["add", "x", "--parent", "south", "--kind", "site", "--zh", "甲", "--en", "X",
      "--equity-share", "120"], "entity.equity_share"),
    (["move", "north", "--parent", "wuhan", "--from", "2024"], "entity.site_parent"),
    (["move", "group", "--parent", "north", "--from", "2024"], "entity.group"),
    (["close", "group", "--from", "2024"], "entity.group"),
    (["close", "north", "--from", "2024"], "entity.holds_others"),
    (["move", "foshan", "--parent", "north", "--from", "2023"], "entity.before_from"),
])
def test_a_structure_change_refused_says_why_and_writes_nothing(
        group: str, capsys: pytest.CaptureFixture[str], args: list[str], kind: str) -> None:
    from esgdesk.application.session import Session
    from esgdesk.model.entities import EntityRefused

    verb, code, *options = args
    before = open_database(Path(group))
    count = len(before.audit_log())
    before.close()
    session = Session(user_name="li")
    session.open_for_command(Path(group))
    try:
        call = {"add": lambda: session.add_entity(
                    code, "甲", "X", "site", options[1],
                    equity_share=options[options.index("--equity-share") + 1]
                    if "--equity-share" in options else None,
                    from_year=int(options[options.index("--from") + 1])
                    if "--from" in options else None),
                "move": lambda: session.move_entity(code, options[1], int(options[3])),
                "close": lambda: session.close_entity(code, int(options[1]))}[verb]
        with pytest.raises(EntityRefused) as refused:
            call()
        assert refused.value.kind == kind
        assert len(session.require_store().audit_log()) == count
    finally:
        session.close()
    exit_code, _, err = run(capsys, "entity", verb, group, code, *options)
    assert exit_code == 2 and err.startswith("esgdesk entity: ")


def test_a_close_after_figures_are_entered_is_refused_and_figures_after_it_too(
        group: str, capsys: pytest.CaptureFixture[str]) -> None:
    from esgdesk.model.entities import EntityRefused

    electricity = "environment.energy.electricity"
    assert run(capsys, "set", group, "--entity", "wuhan", "--year", "2024", electricity,
               "1000")[0] == 0
    code, _, err = run(capsys, "entity", "close", group, "wuhan", "--from", "2024")
    assert code == 2 and "has figures in 2024" in err
    assert run(capsys, "entity", "close", group, "wuhan", "--from", "2025")[0] == 0
    store = open_database(Path(group))
    try:
        from esgdesk.storage.store import Change

        with pytest.raises(EntityRefused) as refused:
            store.set_values([Change("wuhan", 2025, electricity, "5")], "li")
        assert refused.value.kind == "entity.not_held"
        with pytest.raises(EntityRefused):  # not acquired yet
            store.set_values([Change("foshan", 2023, electricity, "5")], "li")
    finally:
        store.close()


def test_who_is_asked_follows_the_year(group: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from esgdesk.application.session import Session

    assert run(capsys, "entity", "close", group, "wuhan", "--from", "2024")[0] == 0
    # a site not yet acquired, or closed, is asked nothing that year
    for site, year in (("foshan", 2023), ("wuhan", 2024)):
        code, _, err = run(capsys, "request", group, "--year", str(year), "--entity", site,
                           "--department", "ehs", "--out", str(tmp_path / f"{site}.xlsx"))
        assert code == 2 and f"'{site}' does not count in {year}" in err
    assert run(capsys, "request", group, "--year", "2023", "--entity", "wuhan",
               "--department", "ehs", "--out", str(tmp_path / "wuhan-2023.xlsx"))[0] == 0
    session = Session(user_name="li")
    session.open_for_command(Path(group))
    try:
        folder = tmp_path / "requests"
        folder.mkdir()
        written = session.write_requests(2024, ["wuhan", "foshan"], ["ehs"], folder, "en")
        assert [p.name for p in written] == ["2024-foshan-ehs.xlsx"]
    finally:
        session.close()


def test_nothing_is_put_under_an_entity_in_years_it_does_not_count(
        group: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "entity", "add", group, "west", "--parent", "group", "--kind",
               "company", "--zh", "西方", "--en", "West")[0] == 0
    assert run(capsys, "entity", "close", group, "west", "--from", "2025")[0] == 0
    code, _, err = run(capsys, "entity", "add", group, "chengdu", "--parent", "west", "--kind",
                       "site", "--zh", "成都", "--en", "Chengdu")
    assert code == 2 and "'west' does not count in 2025" in err
    code, _, err = run(capsys, "entity", "move", group, "wuhan", "--parent", "west", "--from",
                       "2024")
    assert code == 2 and "'west' does not count in 2025" in err


def test_a_company_whose_only_site_moved_away_keeps_its_earlier_totals(
        group: str, capsys: pytest.CaptureFixture[str]) -> None:
    """North's only site, Wuhan, moves to South from 2024: North's 2023 figure is still what
    Wuhan typed (it typed nothing itself then), and only from 2024 is North, with no site
    left, where the sites' figures are typed."""
    electricity = "environment.energy.electricity"
    for year, value in ((2022, "100"), (2023, "120")):
        code, _out, err = run(capsys, "set", group, "--entity", "wuhan", "--year", str(year),
                              electricity, value)
        assert code == 0, err
    assert run(capsys, "entity", "move", group, "wuhan", "--parent", "south",
               "--from", "2024")[0] == 0
    code, out, err = run(capsys, "get", group, "--entity", "north", "--year", "2023",
                         electricity)
    assert code == 0, err
    assert "120" in out and "consolidated" in out and "wuhan" in out
    store = open_database(group)
    try:
        from esgdesk.rules.consolidate import Consolidation
        figures = Consolidation(store, [2022, 2023, 2024])
        assert not figures.takes("north", electricity, 2023)
        assert figures.takes("north", electricity, 2024)
        assert figures.figure("north", electricity, 2022).number == 100
        assert figures.figure("group", electricity, 2023).number == 120
        assert figures.figure("north", electricity, 2024).missing  # North types it now
        assert not figures.figure("north", electricity, 2023).missing
    finally:
        store.close()
