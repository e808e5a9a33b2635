"""A year's catalogue, once read from its database, is kept in the user's cache folder so the
next start does not parse it again; a cache that is missing, damaged or of other content is
never trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from esgdesk.storage.edition_cache import _editions_in_use
from esgdesk.storage.store import Store, open_database


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ESGDESK_CACHE_DIR", str(folder))
    return folder


def _read(path: Path, year: int = 2023, next_start: bool = True):  # type: ignore[no-untyped-def]
    """The edition as read on opening the database, by default as at the app's next start
    (in the same process, a database of the same edition shares the catalogue read)."""
    if next_start:
        _editions_in_use.clear()
    store = open_database(path)
    try:
        return store.edition(year)
    finally:
        store.close()


def test_a_read_edition_is_kept_and_read_back_the_same(cache: Path, sample: Store) -> None:
    path = sample.path
    sample.close()
    first = _read(path)
    kept = list(cache.glob("edition-*.pickle"))
    assert len(kept) == 1
    again = _read(path)
    assert again is not first  # a new object, from the cache file
    assert again.content_hash == first.content_hash and again.report_year == 2023
    assert list(again.indicators) == list(first.indicators)
    ref = "people.employees.female_ratio"  # its formula works after the round trip
    assert again.indicators[ref].formula is not None
    assert again.indicators[ref].formula.text == first.indicators[ref].formula.text
    assert _read(path, 2022).report_year == 2022  # another year is its own file
    assert len(list(cache.glob("edition-*.pickle"))) == 2


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage"])
def test_a_damaged_cache_file_is_read_past_and_replaced(cache: Path, sample: Store,
                                                        damage: bytes) -> None:
    path = sample.path
    sample.close()
    expected = list(_read(path).indicators)
    (kept,) = cache.glob("edition-*.pickle")
    kept.write_bytes(damage)
    assert list(_read(path).indicators) == expected
    assert kept.read_bytes() != damage  # written again from the document


def test_a_cache_of_other_content_is_never_read(cache: Path, sample: Store) -> None:
    """A changed catalogue (a new edition) reads its own document, not an older cache."""
    from esgdesk.model.catalogue import to_document

    path = sample.path
    before = sample.edition(2023)
    document = to_document(before)
    chapter = document["chapters"][0]
    chapter["indicators"][0]["label"]["en"] = "Operating revenue (restated label)"
    sample.store_edition(2023, document, "relabelled", "test")
    sample.close()
    after = _read(path)
    assert after.content_hash != before.content_hash
    assert after.indicators[chapter["indicators"][0]["id"]].label.en == (
        "Operating revenue (restated label)")


def test_a_second_database_of_the_same_edition_shares_the_catalogue_read(
        cache: Path, sample: Store, tmp_path: Path) -> None:
    """Opening another database (or the same again) in the same process reads neither the
    document nor the cache file: the catalogue is never changed once read."""
    import shutil

    path = sample.path
    sample.close()
    copy = tmp_path / "copy.db"
    shutil.copyfile(path, copy)
    first = _read(path)
    (kept,) = cache.glob("edition-*.pickle")
    kept.write_bytes(b"not read again in this process")
    assert _read(copy, next_start=False) is first
    assert _read(path, 2022, next_start=False) is not first  # another year: its own
