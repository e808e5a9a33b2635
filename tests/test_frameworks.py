"""The framework files (resources/frameworks) load, hold each code once, say where their
wording was read, and list every GRI / CASS-ESG / SZSE / HKEX code the catalogues use."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from esgdesk.errors import NotFound
from esgdesk.model import catalogue as catalogue_module
from esgdesk.model.frameworks import FRAMEWORKS_DIR, framework, framework_ids, read, refs_of

RESOURCES = FRAMEWORKS_DIR.parent
EXPECTED = {"gri-2021": "gri", "cass-esg-5": "cass", "szse-17": "szse", "hkex-esg": "hkex"}
CATALOGUES = [RESOURCES / "catalogue", RESOURCES / "templates" / "szse-17"]

# Codes a catalogue uses that its framework file does not list, each with the reason. Empty
# today: every code the catalogues cite is in its framework file (unverified ones included).
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def test_the_four_frameworks_are_shipped() -> None:
    assert set(EXPECTED) <= set(framework_ids())


@pytest.mark.parametrize("framework_id", sorted(EXPECTED))
def test_every_file_loads_with_its_field_and_a_source(framework_id: str) -> None:
    loaded = framework(framework_id)
    assert loaded.id == framework_id
    assert loaded.field == EXPECTED[framework_id]
    assert loaded.title.zh and loaded.title.en
    assert loaded.edition and loaded.source
    assert loaded.items


@pytest.mark.parametrize("framework_id", sorted(EXPECTED))
def test_codes_are_unique(framework_id: str) -> None:
    codes = framework(framework_id).codes()
    assert len(codes) == len(set(codes)), [c for c in codes if codes.count(c) > 1]


@pytest.mark.parametrize("framework_id", sorted(EXPECTED))
def test_each_item_is_verified_with_both_titles_or_says_why(framework_id: str) -> None:
    items = framework(framework_id).items
    assert items, framework_id
    for item in items:
        assert item.source, f"{framework_id} {item.code}: no source"
        if not (item.title.zh and item.title.en):
            assert item.note, f"{framework_id} {item.code}: a missing title needs a note saying why"
        if not item.verified:
            assert item.note, f"{framework_id} {item.code}: an unverified item says why"


@pytest.mark.parametrize("framework_id", sorted(EXPECTED))
def test_the_file_says_what_was_and_was_not_verified(framework_id: str) -> None:
    text = (FRAMEWORKS_DIR / f"{framework_id}.toml").read_text(encoding="utf-8")
    head = text.split("[[items]]")[0].lower()
    assert "verified:" in head and "not verified" in head


def test_an_unverified_item_has_no_guessed_title() -> None:
    # CASS-ESG 5.0: no text listing its indicators was read, so no title is filled in.
    items = framework("cass-esg-5").items
    assert items  # an empty list would pass the check below having checked nothing
    assert all(not i.verified and not i.title.zh and not i.title.en for i in items)


def test_an_unknown_framework_or_code_is_not_found() -> None:
    with pytest.raises(NotFound):
        framework("sasb")
    with pytest.raises(NotFound):
        framework("gri-2021").item("999-9")
    energy = framework("gri-2021").item("302-1")
    assert energy.title.en == "Energy consumption within the organization"


def _codes_used(directory: Path, key: str) -> set[str]:
    used: set[str] = set()
    for path in sorted(directory.glob("[0-9][0-9]_*.toml")):
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
        for entry in [*raw.get("sections", []), *raw.get("indicators", [])]:
            used.update(entry.get(key, ()))
    return used


@pytest.mark.parametrize("directory", CATALOGUES, ids=lambda d: d.name)
@pytest.mark.parametrize("framework_id", sorted(EXPECTED))
def test_every_code_a_catalogue_uses_is_in_its_framework(framework_id: str,
                                                         directory: Path) -> None:
    if not directory.exists():
        pytest.skip(f"{directory} is not there")
    listed = set(framework(framework_id).codes())
    used = _codes_used(directory, EXPECTED[framework_id])
    missing = {c for c in used - listed if (framework_id, c) not in KNOWN_GAPS}
    assert not missing, f"{directory.name} uses {sorted(missing)} not in {framework_id}"


def test_refs_of_reads_the_field_the_framework_names() -> None:
    shipped = catalogue_module.load()
    indicator = next(i for i in shipped.indicators.values() if i.gri)
    assert refs_of(indicator, "gri-2021") == indicator.gri
    assert refs_of(indicator, "cass-esg-5") == indicator.cass
    assert refs_of(indicator, "szse-17") == indicator.szse
    assert refs_of(indicator, "hkex-esg") == indicator.hkex


def test_read_takes_a_file_path(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text('id = "x"\nfield = "gri"\nsource = "s"\n'
                    '[[items]]\ncode = "1"\ntitle = { zh = "甲", en = "A" }\nverified = true\n',
                    encoding="utf-8")
    loaded = read(path)
    assert loaded.item("1").title.zh == "甲"
    assert loaded.item("1").source == "s"  # an item without its own source has the file's


# -- the MoF's climate standard: mapped in its own file, not by a catalogue field ------------
MOF = "mof-climate"


def test_the_mof_climate_standard_is_shipped_cited_and_says_what_was_not_read() -> None:
    loaded = framework(MOF)
    assert loaded.field == ""  # no catalogue field: the file maps its items to indicators
    assert loaded.title.zh == "企业可持续披露准则第1号——气候（试行）"
    assert loaded.edition and loaded.source
    codes = loaded.codes()
    assert len(codes) == len(set(codes))
    for item in loaded.items:
        assert item.source, item.code
        if not item.verified:
            assert item.note, f"{item.code}: an unverified item says why"
    head = (FRAMEWORKS_DIR / f"{MOF}.toml").read_text(encoding="utf-8").split("[[items]]")[0]
    assert "verified:" in head.lower() and "not verified" in head.lower()
    # every metric is our label over categories read in a summary: none claims the wording
    assert all(not i.verified for i in loaded.items if i.topic in ("metric", "target"))


def test_every_indicator_the_mof_file_maps_is_in_a_shipped_catalogue() -> None:
    from esgdesk.model.templates import available, template_catalogue

    known = {iid for t in available() for iid in template_catalogue(t.id).indicators}
    mapped = {iid for item in framework(MOF).items for iid in item.indicators}
    assert mapped and mapped <= known, sorted(mapped - known)


def test_refs_of_reads_the_mof_files_own_mapping() -> None:
    shipped = catalogue_module.load()
    assert refs_of(shipped.indicators["environment.ghg.scope2"], MOF) == ("M2",)
    assert refs_of(shipped.indicators["environment.ghg.scope1_diesel"], MOF) == ("M1",)
    assert refs_of(shipped.indicators["people.employees.total"], MOF) == ()


def test_the_frameworks_command_reports_mof_coverage(tmp_path: Path) -> None:
    import json

    from cli_runner import run_cli

    from esgdesk.storage.newdb import EntitySpec, create_database
    from esgdesk.storage.store import Change

    path = tmp_path / "szse.db"
    store = create_database(path, "示例 Example", 2024, [
        EntitySpec("group", "示例", "Example", "group"),
        EntitySpec("plant", "工厂", "Plant", "site", "group")], template="szse-17")
    try:
        store.set_value(Change("plant", 2024, "environment.energy.electricity", "1.2 MWh"), "ehs")
    finally:
        store.close()
    run = run_cli("frameworks", str(path), "--year", "2024", "--format", "json")
    assert run.returncode == 0, run.stderr
    report = {f["framework"]: f for f in json.loads(run.stdout)}
    assert MOF in report  # the edition maps indicators to it, so it is reported unasked
    states = {d["code"]: d for d in report[MOF]["disclosures"]}
    assert states["M2"]["state"] == "covered"  # Scope 2 computed from the electricity
    assert "environment.ghg.scope2" in states["M2"]["filled"]
    assert states["M1"]["state"] == "empty"  # mapped, no fuel typed yet
    assert states["M3"]["state"] == "not_covered"
    assert states["M3"]["verified"] is False
