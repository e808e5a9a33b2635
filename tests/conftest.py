"""Fixtures: a fresh sample database for each test that needs one, on SQLite, or on a real
PostgreSQL server in the modules that set ENGINES = BOTH (the `engine` parameter)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgServer

from esgdesk.application.sample import create_sample
from esgdesk.model.catalogue import Catalogue, load
from esgdesk.storage.location import Location
from esgdesk.storage.store import Store, open_database

BOTH = ("sqlite", "postgres")
_numbers = itertools.count(1)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module with ENGINES = BOTH runs each test that takes `engine` (or the sample) on
    both engines, but for the tests marked sqlite_only (a file's own behaviour)."""
    engines = getattr(metafunc.module, "ENGINES", None)
    if engines and "engine" in metafunc.fixturenames \
            and metafunc.definition.get_closest_marker("sqlite_only") is None:
        metafunc.parametrize("engine", engines, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = PgServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _pg_sample_master(pg_server: PgServer) -> str:
    url = pg_server.create_database("sample_master")
    create_sample(url).close()
    return "sample_master"


@pytest.fixture
def pg_url(pg_server: PgServer) -> Location:
    """An empty database on the test server."""
    return pg_server.create_database(f"empty_{next(_numbers)}")


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load()


@pytest.fixture(scope="session")
def _sample_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("master") / "sample.db"
    create_sample(path).close()
    return path


@pytest.fixture
def sample_path(_sample_master: Path, tmp_path: Path, engine: str,
                request: pytest.FixtureRequest) -> Location:
    """A private copy of the sample database (built once per run, copied per test): a file,
    or a database on the test server made from the server's sample."""
    if engine == "postgres":
        server = request.getfixturevalue("pg_server")
        master = request.getfixturevalue("_pg_sample_master")
        return server.create_database(f"sample_{next(_numbers)}", template=master)
    path = tmp_path / "sample.db"
    shutil.copyfile(_sample_master, path)
    return path


@pytest.fixture
def sample(sample_path: Location) -> Iterator[Store]:
    store = open_database(sample_path)
    yield store
    store.close()
