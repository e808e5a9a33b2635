"""Fixtures: a fresh sample database for each test that needs one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from esgdesk.application.sample import create_sample
from esgdesk.model.catalogue import Catalogue, load
from esgdesk.storage.store import Store, open_database


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load()


@pytest.fixture(scope="session")
def _sample_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("master") / "sample.db"
    create_sample(path).close()
    return path


@pytest.fixture
def sample_path(_sample_master: Path, tmp_path: Path) -> Path:
    """A private copy of the sample database (built once per run, copied per test)."""
    path = tmp_path / "sample.db"
    shutil.copyfile(_sample_master, path)
    return path


@pytest.fixture
def sample(sample_path: Path) -> Iterator[Store]:
    store = open_database(sample_path)
    yield store
    store.close()
