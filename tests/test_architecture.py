"""The layers hold: each package imports only the layers below it, nothing circles, the core
never imports Qt, value types are asked rather than named, and ui/ stays presentation."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "esgdesk"
UI = ROOT / "ui"

# Lowest first: a module may import its own layer and those before it.
LAYERS = ("base", "model", "storage", "rules", "exchange", "application")
BASE_MODULES = {"esgdesk", "esgdesk.errors", "esgdesk.paths"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources(folder: Path) -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(folder.rglob("*.py"))
            if "migrations" not in p.parts}


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def _tree(path: Path) -> ast.Module:
    """A file's syntax tree, parsed once for all the tests here (they only read it)."""
    return ast.parse(_text(path))


@cache
def _imports(path: Path) -> tuple[tuple[str, list[str], int], ...]:
    """Every import in a file, at any depth: (module, names, line)."""
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, [], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names], node.lineno))
    return tuple(found)


def _layer(module: str) -> str:
    if module in BASE_MODULES:
        return "base"
    if module == "esgdesk.__main__":
        return "application"
    return module.split(".")[1]


def _target(module: str, names: list[str], known: set[str]) -> list[str]:
    """The esgdesk modules an import statement reaches."""
    reached = []
    for name in names or [""]:
        candidate = f"{module}.{name}" if name else module
        if candidate in known:
            reached.append(candidate)
        elif module in known:
            reached.append(module)
    return reached


def test_each_layer_imports_only_the_layers_below_it() -> None:
    modules = _sources(CORE)
    wrong = []
    for module, path in modules.items():
        own = LAYERS.index(_layer(module))
        for imported, names, line in _imports(path):
            for target in _target(imported, names, set(modules)):
                if LAYERS.index(_layer(target)) > own:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_no_import_circle_in_the_core() -> None:
    modules = _sources(CORE)
    graph = {m: {t for imported, names, _line in _imports(p)
                 for t in _target(imported, names, set(modules)) if t != m}
             for m, p in modules.items()}
    # A package's __init__ importing its own modules is not a circle of meaning.
    for module in graph:
        graph[module] = {t for t in graph[module] if not module.startswith(t + ".")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert not circles, circles


def test_the_core_never_imports_qt() -> None:
    wrong = [f"{p.relative_to(ROOT)}:{line}" for p in CORE.rglob("*.py")
             for imported, _names, line in _imports(p) if imported.startswith("PySide6")]
    assert not wrong, wrong


def test_value_types_are_asked_not_named() -> None:
    pattern = re.compile(r"type\.name\s*(==|!=|in\b)|type_name\s+(not\s+)?in\s*\(")
    wrong = []
    for path in [*CORE.rglob("*.py"), *UI.rglob("*.py")]:
        if path == CORE / "model" / "types.py":
            continue
        for number, line in enumerate(_text(path).splitlines(), 1):
            if pattern.search(line):
                wrong.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not wrong, "\n".join(wrong)


def test_ui_files_stay_small_and_hold_no_storage_or_workbook_code() -> None:
    too_long = [f"{p.name}: {n} lines" for p in UI.glob("*.py")
                if (n := len(_text(p).splitlines())) > 500]
    assert not too_long, too_long
    banned = ("sqlite3", "sqlalchemy", "openpyxl", "alembic", "xlsxwriter", "psycopg")
    wrong = [f"{p.name}:{line} imports {imported}" for p in UI.glob("*.py")
             for imported, _names, line in _imports(p) if imported.split(".")[0] in banned]
    assert not wrong, wrong


def test_ui_imports_nothing_from_storage() -> None:
    """ui/ asks the session (or the model, or application/databases.py for a database's
    location) and never reaches the store's modules, not even for a type."""
    sources = sorted(UI.rglob("*.py"))
    assert len(sources) > 20
    wrong = [f"{p.relative_to(ROOT)}:{line} imports {imported} {names}" for p in sources
             for imported, names, line in _imports(p)
             if imported.startswith("esgdesk.storage")
             or (imported == "esgdesk" and "storage" in names)]
    assert not wrong, "\n".join(wrong)


def test_what_is_postgresqls_lives_in_its_engine_module() -> None:
    """psycopg, the PostgreSQL driver, is imported by esgdesk/storage/postgres.py alone."""
    wrong = [f"{p.relative_to(ROOT)}:{line}" for p in CORE.rglob("*.py")
             if p.name != "postgres.py"
             for imported, _names, line in _imports(p) if imported.split(".")[0] == "psycopg"]
    assert not wrong, wrong


def test_no_private_name_is_imported_across_modules() -> None:
    wrong = []
    for path in [*CORE.rglob("*.py"), *UI.rglob("*.py"), ROOT / "main.py"]:
        for imported, names, line in _imports(path):
            if imported.split(".")[0] not in ("esgdesk", "ui"):
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {private} from "
                             f"{imported}")
    assert not wrong, "\n".join(wrong)


# The panes that redraw on the session's `changed`: module → class. Each subscribes itself.
PANES = {"form_pages": "FormPages", "navigation": "NavigationTree",
         "findings_panel": "FindingsPanel", "detail_pane": "DetailPane",
         "dashboard": "DashboardPanel", "scope_bar": "ScopeBar", "panes": "StatusLabels"}
CHANGES_FIELDS = {"figures", "reloaded", "notes", "statuses", "findings", "requests", "scope",
                  "database", "saved", "touches"}


def _changed_connections(tree: ast.AST) -> list[ast.Call]:
    """Every `<anything>.changed.connect(slot)` call."""
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "connect" and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "changed"]


def _methods(cls: ast.ClassDef) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}


def test_each_pane_subscribes_to_changed_itself_and_the_window_to_nothing() -> None:
    """The window dispatches no redraw: it never connects to `changed`, nor takes a Changes.
    Each pane connects in its own constructor to a method of its own that reads what the
    Changes name."""
    window = _tree(UI / "main_window.py")
    assert not _changed_connections(window), "MainWindow subscribes to changed"
    takes_changes = [f.name for f in ast.walk(window) if isinstance(f, ast.FunctionDef)
                     for a in f.args.args
                     if a.annotation is not None and "Changes" in ast.unparse(a.annotation)]
    assert not takes_changes, f"MainWindow handles Changes in {takes_changes}"
    wrong = []
    for module, name in PANES.items():
        tree = _tree(UI / f"{module}.py")
        cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name),
                   None)
        if cls is None:
            wrong.append(f"{module}.py has no class {name}")
            continue
        methods = _methods(cls)
        slots = [c.args[0] for c in _changed_connections(methods.get("__init__", cls))
                 if c.args]
        handlers = [methods.get(s.attr) for s in slots if isinstance(s, ast.Attribute)
                    and isinstance(s.value, ast.Name) and s.value.id == "self"]
        if not any(handlers):
            wrong.append(f"{name} does not connect changed to a method of its own")
            continue
        for handler in filter(None, handlers):
            changes = handler.args.args[1].arg if len(handler.args.args) > 1 else None
            read = {n.attr for n in ast.walk(handler) if isinstance(n, ast.Attribute)
                    and isinstance(n.value, ast.Name) and n.value.id == changes}
            if not read & CHANGES_FIELDS:
                wrong.append(f"{name}.{handler.name} reads nothing of the Changes")
    assert not wrong, "\n".join(wrong)


def test_no_helper_in_ui_reaches_into_the_main_window() -> None:
    """A helper gets the session, widgets and callbacks it needs: no module but the window's
    own and the app that makes it imports ui.main_window (not even for a type), no function
    takes a `window` (or a MainWindow), and none sets attributes on what it was given."""
    wrong = []
    for path in sorted(UI.glob("*.py")):
        if path.name == "main_window.py":
            continue
        tree = _tree(path)
        if path.name != "app.py":
            wrong += [f"{path.name}:{line} imports ui.main_window"
                      for imported, _names, line in _imports(path)
                      if imported == "ui.main_window"]
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            parameters = [*function.args.posonlyargs, *function.args.args,
                          *function.args.kwonlyargs]
            for parameter in parameters:
                annotation = ast.unparse(parameter.annotation) if parameter.annotation else ""
                if parameter.arg == "window" or re.search(r"\bMainWindow\b", annotation):
                    wrong.append(f"{path.name}:{function.lineno} {function.name}() takes "
                                 f"{parameter.arg}: {annotation or 'the window'}")
            given = {p.arg for p in parameters} - {"self", "cls"}
            for node in ast.walk(function):
                targets = node.targets if isinstance(node, ast.Assign) else \
                    [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else []
                for target in targets:
                    for part in ast.walk(target):
                        if isinstance(part, ast.Attribute) and isinstance(part.value, ast.Name) \
                                and part.value.id in given:
                            wrong.append(f"{path.name}:{node.lineno} {function.name}() sets "
                                         f"{part.value.id}.{part.attr}")
    assert not wrong, "\n".join(wrong)


# -- one path for every change: the command line asks the session -------------------------
APPLICATION = CORE / "application"
COMMAND_LINE = sorted([*APPLICATION.glob("cli*.py"), APPLICATION / "commands.py"])
# They make a new database, as storage/newdb.py does, before any session opens it.
NEW_DATABASE_MAKERS = {"sample.py", "generate.py"}
# The functions of the layers below that write (each through the store): the command line
# reaches them only through the session.
WRITING_FUNCTIONS = {
    "esgdesk.rules.review": {"move"},
    "esgdesk.rules.published": {"change_province", "change_factors", "change_choice"},
    "esgdesk.exchange.intake": {"import_files", "accept", "accept_all"},
    "esgdesk.exchange.requests": {"write_request", "write_requests"},
    "esgdesk.exchange.factor_file": {"import_factors"},
    "esgdesk.exchange.offline": {"submit_request"},
}


def _store_writes() -> set[str]:
    """The store's public methods that write: those opening a write transaction
    (`self._writing()`), and those calling one that does."""
    calls: dict[str, set[str]] = {}
    for path in (CORE / "storage").glob("*.py"):
        for cls in _tree(path).body:
            if not isinstance(cls, ast.ClassDef):
                continue
            for method in cls.body:
                if isinstance(method, ast.FunctionDef):
                    calls.setdefault(method.name, set()).update(
                        node.attr for node in ast.walk(method)
                        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                        and node.value.id == "self")
    writes = {name for name, used in calls.items() if "_writing" in used}
    while grown := {name for name, used in calls.items() if used & writes} - writes:
        writes |= grown
    return {name for name in writes if not name.startswith("_")}


def _store_write_calls(path: Path, writes: set[str]) -> list[str]:
    """Calls in a file of a store's write method on anything but the session."""
    return [f"{path.relative_to(ROOT)}:{node.lineno} calls {node.func.attr}"
            for node in ast.walk(_tree(path))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in writes
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "session")]


def test_the_command_line_imports_nothing_from_storage() -> None:
    assert len(COMMAND_LINE) >= 5  # cli.py, its groups of commands, commands.py
    wrong = [f"{path.relative_to(ROOT)}:{line} imports {imported}"
             for path in COMMAND_LINE for imported, names, line in _imports(path)
             if imported.startswith("esgdesk.storage")
             or (imported == "esgdesk" and "storage" in names)]
    assert not wrong, "\n".join(wrong)


def test_the_command_line_reaches_what_writes_only_through_the_session() -> None:
    wrong = [f"{path.relative_to(ROOT)}:{line} imports {sorted(set(names) & found)}"
             for path in COMMAND_LINE for imported, names, line in _imports(path)
             if (found := WRITING_FUNCTIONS.get(imported, set())) & set(names)]
    assert not wrong, "\n".join(wrong)


def test_only_the_session_calls_the_stores_writes_in_the_application_layer() -> None:
    writes = _store_writes()
    assert {"set_value", "set_status", "restate", "add_entity", "set_province",
            "store_edition", "seal_audit"} <= writes  # the store's writes are found
    # the check sees a write where there is one (the sample's database is made with them)
    assert _store_write_calls(APPLICATION / "sample.py", writes)
    wrong = [call for path in sorted(APPLICATION.glob("*.py"))
             if not path.name.startswith("session") and path.name not in NEW_DATABASE_MAKERS
             for call in _store_write_calls(path, writes)]
    assert not wrong, "\n".join(wrong)


def test_a_figure_is_typed_in_through_one_session_method() -> None:
    """The forms and the command line set a figure through `Session.set_figure` alone: no
    other function of the session writes a figure the user typed."""
    typed_writes = {"set_value", "set_values", "set_history"}
    writers = {function.name
               for path in sorted((APPLICATION / "session").glob("*.py"))
               for function in ast.walk(_tree(path))
               if isinstance(function, ast.FunctionDef)
               for node in ast.walk(function)
               if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr in typed_writes}
    assert writers == {"set_figure"}, writers


def test_the_module_map_names_every_module() -> None:
    """docs/architecture.md is where a newcomer finds a module: every module of esgdesk/ and
    ui/ is named there (a migration revision apart)."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = [p for p in [*sorted((ROOT / "esgdesk").rglob("*.py")),
                           *sorted((ROOT / "ui").glob("*.py"))]
               if p.name != "__init__.py" and "migrations" not in p.parts]
    assert len(modules) > 100
    unnamed = [str(p.relative_to(ROOT)) for p in modules
               if not re.search(rf"\b{re.escape(p.stem)}(\.py|/|\b)", doc)]
    assert not unnamed, f"not in docs/architecture.md's module map: {unnamed}"
