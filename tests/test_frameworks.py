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
