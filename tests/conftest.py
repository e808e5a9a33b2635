"""Fixtures: a fresh sample database for each test that needs one, on SQLite, or on a real
PostgreSQL server in the modules that set ENGINES = BOTH (the `engine` parameter)."""

from __future__ import annotations

import fcntl
import gc
import inspect
import itertools
import os
import shutil
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pg_server import PgServer, cli

from esgdesk.application.sample import create_sample
from esgdesk.model.catalogue import Catalogue, load
from esgdesk.storage import store as store_module
from esgdesk.storage.engine import make_engine, upgrade
from esgdesk.storage.location import Location, ServerUrl
from esgdesk.storage.store import Store, open_database

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot
    from sqlalchemy import Engine

    from ui.main_window import MainWindow

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


# What makes a test an integration test: another program it starts (LibreOffice, a PostgreSQL
# server, the bundle, pip) or a generated group of many entities. Found in the test's own source
# and in the module's helpers it calls, so a new test is marked without anyone remembering to.
OUTSIDE = ("soffice", "calc_keyboard", "generate_group", "dist/esgdesk", "venv.create",
           "pip", "pg_server")
QT = ("qtbot", "QApplication", "from ui", "import ui", "PySide6")


def _sources_by_line(module: object) -> dict[int, str]:
    """The text of each function defined at the module's top level, decorators included (as
    inspect.getsource gives it), by the line it starts on: from its first line (a decorator's,
    if it has one) to the last line its code (nested functions included) was compiled from,
    cut from one read of the file, where inspect.getsource reads and tokenizes the file again
    for every function (and parsing the file too took most of a second of each worker's start)."""
    file = str(getattr(module, "__file__", ""))
    try:
        lines = Path(file).read_text(encoding="utf-8").splitlines(keepends=True)
    except (OSError, ValueError):  # pragma: no cover - inspect does it then
        return {}
    found: dict[int, str] = {}
    for value in vars(module).values():
        if not inspect.isfunction(value) or value.__code__.co_filename != file:
            continue  # not a function, or one imported from another module
        first = last = value.__code__.co_firstlineno
        codes = [value.__code__]
        while codes:
            code = codes.pop()
            last = max([last, *(end for _line, end, _col, _end_col in code.co_positions()
                                if end is not None)])
            codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        found[first] = "".join(lines[first - 1:last])
    return found


def _calls(module: object) -> dict[str, str]:
    """Each module-level function's source, with the sources of the module's functions it
    calls folded in (to a fixed point), so a test calling a helper that starts LibreOffice
    reads as one that does."""
    sources: dict[str, str] = {}
    by_line = _sources_by_line(module)
    for name, value in vars(module).items():
        if inspect.isfunction(value) and value.__module__ == getattr(module, "__name__", ""):
            text = by_line.get(value.__code__.co_firstlineno)
            if text is None:
                try:
                    text = inspect.getsource(value)
                except OSError:  # pragma: no cover - a function made at run time
                    continue
            sources[name] = text
    called = {name: {other for other in sources if other != name and f"{other}(" in text}
              for name, text in sources.items()}
    grown = True
    while grown:  # the names each function reaches, to a fixed point
        grown = False
        for name, reached in called.items():
            more = set().union(*(called[other] for other in reached)) - reached - {name}
            if more:
                reached |= more
                grown = True
    return {name: text + "".join(sources[other] for other in sorted(called[name]))
            for name, text in sources.items()}


def _fixture_source(func: object, sources: dict[str, str]) -> str:
    try:
        text = inspect.getsource(func)  # type: ignore[arg-type]
    except (OSError, TypeError):  # pragma: no cover
        return ""
    return text + "".join(source for name, source in sources.items() if f"{name}(" in text)


def _mentions_qt(module: object) -> bool:
    """Whether the module's own text imports Qt or ui/ (read once per module)."""
    text = inspect.getsource(module)  # type: ignore[arg-type]
    return any(word in text for word in QT[2:])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test is `core` (no Qt, nothing started), `ui` (Qt widgets through qtbot) or
    `integration` (LibreOffice, PostgreSQL, the bundle, the wheel, a generated group);
    `make check` runs the first two, `make test` all three."""
    # Each module's sources, each fixture's source and each module's own text are read once,
    # not once per test: inspect.getsource tokenizes the file on every call.
    modules: dict[object, dict[str, str]] = {}
    fixture_sources: dict[tuple[object, object], str] = {}
    qt_modules: dict[object, bool] = {}
    for item in items:
        if not isinstance(item, pytest.Function):
            continue
        module = item.module
        if module not in modules:
            modules[module] = _calls(module)
            qt_modules[module] = _mentions_qt(module)
        source = modules[module].get(item.function.__name__, "")
        for definitions in item._fixtureinfo.name2fixturedefs.values():
            for definition in definitions:  # the module's own fixtures, and what they call
                if getattr(definition.func, "__module__", None) == module.__name__:
                    key = (module, definition.func)
                    if key not in fixture_sources:
                        fixture_sources[key] = _fixture_source(definition.func, modules[module])
                    source += fixture_sources[key]
        fixtures = set(item.fixturenames)
        callspec = getattr(item, "callspec", None)
        on_server = "pg_server" in fixtures or (
            callspec is not None and callspec.params.get("engine") == "postgres")
        marked = item.get_closest_marker("bundle") or item.get_closest_marker("integration")
        if on_server or marked or any(word in source for word in OUTSIDE):
            item.add_marker(pytest.mark.integration)
        elif "qtbot" in fixtures or any(word in source for word in QT) \
                or qt_modules[module]:
            item.add_marker(pytest.mark.ui)
        else:
            item.add_marker(pytest.mark.core)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collecting made (the test modules, every library they import) stays for the whole
    run: it is moved out of the cyclic collector's way (gc.freeze), and the full passes come
    ten times less often. Workbooks make millions of short-lived objects, and the full passes
    they set off, each walking every object of the process, were a tenth of the tests' time;
    the app's own release_memory unfreezes everything when a database is closed, so the
    rarer passes are what still holds after the first window a test closes. (The app keeps a
    database's figures out of the full passes as well: settle_memory.)"""
    gc.collect()
    gc.freeze()
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, 100)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """After the last test pytest runs the cyclic collector five times over, to report any
    exception a finaliser could not raise; each pass walked every object the run still holds
    (seconds, in each worker). One pass here finds that garbage, and what is left alive then
    is moved out of the collector's way, so the five passes see only what is made after."""
    gc.collect()
    gc.freeze()


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


def _made_once(tmp_path_factory: pytest.TempPathFactory, name: str,
               make: Callable[[Path], None]) -> Path:
    """A master file made once per run, however many pytest-xdist workers share the run: the
    first worker to ask makes it in the run's own temporary folder, under a lock the others
    wait on, and each test copies it (the tests never open the master itself)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    folder = root / "masters"
    folder.mkdir(exist_ok=True)
    path = folder / name
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            building = folder / f"building-{name}"
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir()
            make(building / name)
            (building / name).rename(path)  # whole, or not there at all
    return path


def _built_once(tmp_path_factory: pytest.TempPathFactory, name: str,
                entities: tuple[str, ...] | None) -> Path:
    """The sample built once per run (see _made_once)."""
    return _made_once(tmp_path_factory, name,
                      lambda path: create_sample(path, entities).close())


def _migrate(path: Path) -> None:
    """An empty database file at the schema's head, made by every Alembic revision in turn."""
    engine = make_engine(path)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _new_files_copy_a_migrated_one(tmp_path_factory: pytest.TempPathFactory
                                   ) -> Iterator[None]:
    """A new SQLite database (open_database with create=True, `esgdesk init`, create_database
    and the rest, in the tests' own process) is a copy of an empty database that every Alembic
    revision made once per run, not every revision run again for each test: the same file,
    for a fraction of the time and none of the disk syncs. Upgrading an existing older file,
    and every server database, still runs the revisions themselves."""
    def upgrade_or_copy(engine: Engine, revision: str = "head") -> None:
        path = Path(str(engine.url.database))
        if revision != "head" or (path.exists() and path.stat().st_size > 0):
            upgrade(engine, revision)
            return
        engine.dispose()
        shutil.copyfile(_made_once(tmp_path_factory, "migrated.db", _migrate), path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_module, "upgrade", upgrade_or_copy)
        yield


@pytest.fixture(scope="session")
def master_copy(tmp_path_factory: pytest.TempPathFactory
                ) -> Callable[[str, Callable[[Path], None], Path], Path]:
    """`master_copy(name, make, path)`: a copy at `path` of the file `make` writes, made once
    per run under `name` (see _made_once). A module whose tests each start from the same
    database builds it once through the command line or the store, and each test changes its
    own copy; the building's own assertions still run, once."""
    def copy(name: str, make: Callable[[Path], None], path: Path) -> Path:
        shutil.copyfile(_made_once(tmp_path_factory, name, make), path)
        return path

    return copy


@pytest.fixture(scope="session")
def _sample_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built_once(tmp_path_factory, "sample.db", ALONE)


@pytest.fixture
def catalogue_book(_sample_master: Path, tmp_path: Path,
                   master_copy: Callable[[str, Callable[[Path], None], Path], Path]) -> Path:
    """A copy of its own of the sample's 2023 catalogue workbook as `write_catalogue_book`
    writes it from the sample's edition (written once per run, its return checked then), to
    edit as a coordinator would in Excel."""
    from esgdesk.exchange.catalogue_book import write_catalogue_book

    def write(path: Path) -> None:
        shutil.copyfile(_sample_master, path.with_name("sample.db"))
        store = open_database(path.with_name("sample.db"))
        try:
            assert write_catalogue_book(store.edition_document(2023), path, year=2023) == path
        finally:
            store.close()

    return master_copy("catalogue-2023.xlsx", write, tmp_path / "catalogue.xlsx")


@pytest.fixture
def sample_changed_once(master_copy: Callable[[str, Callable[[Path], None], Path], Path],
                        _sample_master: Path, tmp_path: Path,
                        ) -> Iterator[Callable[[str, Callable[[Store, Path], None]], Store]]:
    """`sample_changed_once(name, change)`: a copy of its own of the sample as `change(store,
    folder)` leaves it, the change made once per run under `name` (see master_copy), for
    tests that start from it; closed after the test."""
    opened: list[Store] = []

    def changed(name: str, change: Callable[[Store, Path], None]) -> Store:
        def build(path: Path) -> None:
            shutil.copyfile(_sample_master, path)
            store = open_database(path)
            try:
                change(store, path.parent)
            finally:
                store.close()

        opened.append(open_database(master_copy(name, build, tmp_path / "sample.db")))
        return opened[-1]

    yield changed
    for store in opened:
        store.close()


@pytest.fixture(autouse=True, scope="module")
def _interface_in_english_after_each_module() -> Iterator[None]:
    """The interface's translation is the application's, not a window's: a module whose
    window switched to Chinese would leave a panel built by the next module (on the same
    worker, in whatever order they are dealt out) speaking Chinese. Each module ends with
    the interface back in English, as a new process starts."""
    yield
    i18n = sys.modules.get("ui.i18n")
    if i18n is not None and i18n._installed:
        i18n.install_translator("en")


@pytest.fixture(autouse=True)
def _file_check_where_tested(request: pytest.FixtureRequest) -> Iterator[None]:
    """A window checks the database it opens in a process of its own (a Python importing
    esgdesk, then SQLite's integrity check and the audit chain) once it has painted. In a
    test about something else that process only took a processor from the tests, and its
    answer came at no fixed moment; there the check is not started, and the first write
    checks the file itself, as the app does when the check has not answered yet. A module
    about the check (FILE_CHECK = True) gets it as the app runs it."""
    if request.node.get_closest_marker("ui") is None \
            or getattr(request.module, "FILE_CHECK", False):
        yield
        return
    from ui.database_actions import DatabaseActions

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseActions, "_start_check", lambda _self, _path: None)
        yield


@pytest.fixture
def people_window(qtbot: QtBot, sample_path: Path, tmp_path: Path) -> MainWindow:
    """The window in English on a copy of the sample, 2023's people chapter, shown at
    1600×1000."""
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, lang="en")
    qtbot.addWidget(win)
    win.open_database(sample_path, year=2023, chapter="people")
    win.resize(1600, 1000)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture(scope="session")
def _sample_tree_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built_once(tmp_path_factory, "sample-tree.db", None)


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
