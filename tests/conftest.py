"""Fixtures: a fresh sample database for each test that needs one, on SQLite, or on a real
PostgreSQL server in the modules that set ENGINES = BOTH (the `engine` parameter)."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgServer, cli

from esgdesk.application.sample import create_sample
from esgdesk.model.catalogue import Catalogue, load
from esgdesk.storage.location import Location, ServerUrl
from esgdesk.storage.store import Store, open_database

BOTH = ("sqlite", "postgres")
# The `sample` fixture: the report's figures in a database of the group alone (a company that
# reports as one entity types every figure itself), for the tests of typing, importing,
# checking and exporting figures. Where figures flow up a tree of companies and sites:
# `sample_tree` (the sample as `esgdesk sample` makes it) and tests/test_group_tree.py.
ALONE = ("group",)
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
    create_sample(url, ALONE).close()
    return "sample_master"


@pytest.fixture
def sample_file(_sample_master: Path, tmp_path: Path) -> Path:
    """A copy of the sample as a SQLite file (to push to a server, say)."""
    path = tmp_path / "sample.db"
    shutil.copyfile(_sample_master, path)
    return path


@pytest.fixture
def group(pg_server: PgServer, sample_file: Path) -> ServerUrl:
    """The sample pushed to a server database made by `server init`, with a contributor for
    hr (li), a reader (wang) and a coordinator (zhao)."""
    url = pg_server.create_database(f"group_{next(_numbers)}")
    for args in (("server", "init", url), ("server", "push", str(sample_file), url),
                 ("server", "grant", url, "--name", "li", "--role", "contributor",
                  "--department", "hr"),
                 ("server", "grant", url, "--name", "wang", "--role", "reader"),
                 ("server", "grant", url, "--name", "zhao", "--role", "coordinator")):
        result = cli(*args)
        assert result.returncode == 0, result.stderr
    return url


@pytest.fixture
def pg_url(pg_server: PgServer) -> Location:
    """An empty database on the test server."""
    return pg_server.create_database(f"empty_{next(_numbers)}")


@pytest.fixture(scope="session", autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests keep catalogues in a cache folder of their own, not the user's."""
    import os

    previous = os.environ.get("ESGDESK_CACHE_DIR")
    os.environ["ESGDESK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("ESGDESK_CACHE_DIR", None)
    else:
        os.environ["ESGDESK_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load()


@pytest.fixture(scope="session")
def _sample_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("master") / "sample.db"
    create_sample(path, ALONE).close()
    return path


@pytest.fixture(scope="session")
def _sample_tree_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("master") / "sample-tree.db"
    create_sample(path).close()
    return path


@pytest.fixture
def sample_tree_path(_sample_tree_master: Path, tmp_path: Path) -> Path:
    """A private copy of the sample with its companies and sites, as `esgdesk sample` makes
    it (a file)."""
    path = tmp_path / "sample-tree.db"
    shutil.copyfile(_sample_tree_master, path)
    return path


@pytest.fixture
def sample_tree(sample_tree_path: Path) -> Iterator[Store]:
    store = open_database(sample_tree_path)
    yield store
    store.close()


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


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where a test saves the window it looked at: a temporary folder, or the folder named by
    ESGDESK_SCREENSHOTS (docs/screenshots when they are to be committed), so that running
    the tests never rewrites the committed pictures."""
    folder = Path(os.environ.get("ESGDESK_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
