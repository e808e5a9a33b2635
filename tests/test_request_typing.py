"""Request workbooks as contributors meet them: typed into LibreOffice Calc from the keyboard.

Every department's request of both templates (zkteco-2023 on the sample's tree, szse-17 on
a new database) is typed down every block of every sheet in Calc's own window, AutoInput on
as shipped (tests/calc_keyboard.py drives it under Xvfb), saved by Calc and imported: every
figure lands where it was typed. Mistakes planted in one file (pasted past the validation)
are all reported by the first import, and written into an annotated copy.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from esgdesk.exchange.annotate import MARK, annotate
from esgdesk.exchange.intake import import_files
from esgdesk.exchange.metadata import META_SHEET, CellSpec, read_meta
from esgdesk.exchange.requests import entity_takes, request_tables, write_request
from esgdesk.exchange.returned import INVALID_VALUE, NOT_A_STATE
from esgdesk.model.catalogue import Indicator
from esgdesk.storage.newdb import EntitySpec, create_database
from esgdesk.storage.store import Store, open_database

HARNESS = Path(__file__).with_name("calc_keyboard.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with python3-uno
YEAR = 2024


def _calc_with_a_window() -> bool:
    """LibreOffice with an X11 window (not the -nogui build), its Python bridge and Xvfb."""
    plugins = Path("/usr/lib/libreoffice/program")
    return (shutil.which("soffice") is not None and shutil.which("xvfb-run") is not None
            and any(plugins.glob("libvclplug_gen*.so")) and (plugins / "libscuilo.so").exists()
            and subprocess.run([SYSTEM_PYTHON, "-c", "import uno"],
                               capture_output=True).returncode == 0)


pytestmark = [pytest.mark.integration, pytest.mark.skipif(
    not _calc_with_a_window(),
    reason="needs libreoffice-calc, python3-uno and xvfb (make testdeps installs them)")]


@dataclass
class Request:
    """One request workbook and what is typed into it."""

    store: Store
    entity: str
    department: str
    path: Path
    out: Path
    steps: list[dict[str, Any]] = field(default_factory=list)
    typed: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # cell → (id, text)
    order: list[str] = field(default_factory=list)  # where each typed figure should land
    checks: list[tuple[str, str]] = field(default_factory=list)  # (cell, text) to be refused
    unit: dict[str, str] = field(default_factory=dict)  # indicator → unit typed
    units_typed: list[tuple[str, str]] = field(default_factory=list)  # (cell, unit) taken


def _typed_text(spec: Indicator, index: int, store: Store) -> str:
    """A valid entry for a figure, distinct from its neighbours, no prefix of another."""
    if spec.type.numeric:
        low, high = store.edition(YEAR).bounds(spec)
        number = Decimal(11 + index % 80) + low
        if high is not None and number > high:
            number = high
        return format(number, "f")
    rule = spec.type.entry_rule(None, None)
    if rule.kind == "list":
        return rule.formula1.strip('"').split(",")[0]
    return f"说明{index}号"


def _plan(store: Store, entity: str, department: str, folder: Path) -> Request:
    path = write_request(store, entity, YEAR, department,
                         folder / f"{store.path.stem}-{entity}-{department}.xlsx", "coordinator")
    request = Request(store, entity, department, path, folder / "saved" / path.name)
    _meta, cells = read_meta(load_workbook(path)[META_SHEET], path.name)
    catalogue = store.edition(YEAR)
    values = [c for c in cells if c.kind == "value"]
    by_column: dict[tuple[str, str], list[CellSpec]] = {}
    for spec in values:
        column = spec.cell.rstrip("0123456789")
        by_column.setdefault((spec.sheet, column), []).append(spec)
    index = 0
    for (sheet, _column), column_cells in by_column.items():
        column_cells.sort(key=lambda c: int(c.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")))
        request.steps.append({"goto": f"$'{sheet}'.{column_cells[0].cell}"})
        for cell in column_cells:  # typed down the column: Enter finds the next figure
            text = _typed_text(catalogue.indicators[cell.indicator], index, store)
            request.steps.append({"type": text})
            request.typed[(sheet, cell.cell)] = (cell.indicator, text)
            request.order.append(absolute(sheet, cell.cell))
            index += 1
    return request


def absolute(sheet: str, cell: str) -> str:
    """A cell's address as Calc names the cursor's place ($sheet.$E$5; Calc quotes a sheet's
    name only where it has to, so quotes are left out on both sides)."""
    column = cell.rstrip("0123456789")
    return f"${sheet}.${column}${cell[len(column):]}"


def _stored_as(spec: Indicator, text: str, unit: str | None = None) -> str:
    return spec.type.parse(spec.type.with_unit(text, unit))


@dataclass
class Typed:
    requests: list[Request]
    results: list[list[dict[str, Any]]]
    planted: Request
    pasted: dict[tuple[str, str], str]  # (sheet, cell) → what was pasted
    folder: Path


def _cell_of(request: Request, kind: str, wanted: Any) -> tuple[str, str, str]:
    """The first (sheet, cell, indicator) of a kind whose figure `wanted(spec)` accepts."""
    _meta, cells = read_meta(load_workbook(request.path)[META_SHEET], request.path.name)
    catalogue = request.store.edition(YEAR)
    for spec in cells:
        if spec.kind == kind and wanted(catalogue.indicators[spec.indicator]):
            return spec.sheet, spec.cell, spec.indicator
    raise AssertionError(f"no {kind} cell in {request.path.name}")


def _whole_percentage(spec: Indicator) -> bool:
    return spec.type.numeric and spec.type.default_max == 100 and spec.type.places == 0


@pytest.fixture(scope="module")
def typed(_sample_tree_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("typing")
    (folder / "saved").mkdir()
    shutil.copyfile(_sample_tree_master, folder / "zkteco.db")
    zkteco = open_database(folder / "zkteco.db")
    szse = create_database(folder / "szse.db", "示例股份 Example Co", YEAR, [
        EntitySpec("group", "示例股份", "Example Co", "group"),
        EntitySpec("works", "示例工厂", "Example Works", "company", "group"),
        EntitySpec("plant", "一号工厂", "Plant One", "site", "works")], template="szse-17")
    requests = []
    for store in (zkteco, szse):
        catalogue = store.edition(YEAR)
        tree = list(store.tree())
        for department in catalogue.departments:
            for kind in ("group", "company", "site"):  # at each level where it types
                entity = next((e.code for e in tree if e.kind == kind and request_tables(
                    catalogue, department, entity_takes(store, e.code))), None)
                if entity is not None:
                    requests.append(_plan(store, entity, department, folder))
    planted = next(r for r in requests if r.store is zkteco and r.department == "hr"
                   and r.entity == "zkteco")
    pasted = {}
    sheet, cell, _ = _cell_of(planted, "value", lambda s: s.type.places == 0
                              and s.type.default_max is None and s.type.numeric)
    pasted[(sheet, cell)] = "600人"
    sheet, cell, indicator = _cell_of(planted, "value", _whole_percentage)
    assert zkteco.get(planted.entity, YEAR - 1, indicator) is None  # no last year to judge by
    pasted[(sheet, cell)] = "0.85"
    # Typed into the same cell from the keyboard, 0.85 is refused by the cell itself, and
    # so is 85%: Calc checks an entry as the cell's own (General) format reads it, 0.85,
    # before it formats the cell as a percentage, so no rule in the cell can tell 85% from
    # 0.85. The cell takes 85 alone, and its message says so; nothing typed there is
    # stored as something else.
    for text in ("0.85", "85%"):
        planted.checks.append((absolute(sheet, cell), text))
        planted.steps += [{"goto": f"$'{sheet}'.{cell}"}, {"type": text}]
    sheet, cell, _ = _cell_of(planted, "state", lambda s: True)
    pasted[(sheet, cell)] = "maybe"
    for (sheet, cell), text in pasted.items():
        planted.steps.append({"paste": [sheet, cell, text]})
    ehs = next(r for r in requests if r.store is zkteco and r.department == "ehs"
               and r.entity == "dongguan")
    sheet, cell, indicator = _cell_of(ehs, "unit", lambda s: True)
    ehs.steps += [{"goto": f"$'{sheet}'.{cell}"}, {"type": "MWh"}]
    ehs.unit[indicator] = "MWh"
    ehs.units_typed.append((absolute(sheet, cell), "MWh"))
    sheet, cell, _ = _cell_of(ehs, "unit", lambda s: s.id != indicator)
    ehs.checks.append((absolute(sheet, cell), "furlong"))
    ehs.steps += [{"goto": f"$'{sheet}'.{cell}"}, {"type": "furlong"}]
    job = {"profile": str(folder / "profile"), "files": [
        {"path": str(r.path), "out": str(r.out), "steps": r.steps} for r in requests]}
    (folder / "job.json").write_text(json.dumps(job, ensure_ascii=False))
    run = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", SYSTEM_PYTHON,
                          str(HARNESS), str(folder / "job.json"), str(folder / "result.json")],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads((folder / "result.json").read_text())
    yield Typed(requests, results, planted, pasted, folder)
    zkteco.close()
    szse.close()


def test_every_template_and_department_is_typed(typed: Typed) -> None:
    templates = {r.store.path.stem for r in typed.requests}
    assert templates == {"zkteco", "szse"}
    for store_name in templates:
        store = next(r.store for r in typed.requests if r.store.path.stem == store_name)
        asked = {r.department for r in typed.requests if r.store is store}
        catalogue = store.edition(YEAR)
        entities = [e.code for e in store.tree()]
        collecting = {d for d in catalogue.departments if any(
            request_tables(catalogue, d, entity_takes(store, e)) for e in entities)}
        assert asked == collecting and asked
    assert sum(len(r.typed) for r in typed.requests) > 150


def test_each_figure_typed_down_a_block_lands_where_it_was_typed(typed: Typed) -> None:
    for request, result in zip(typed.requests, typed.results, strict=True):
        for entry in result:
            entry["cell"] = entry["cell"].replace("'", "")
        figures = [r for r in result if (r["cell"], r["typed"]) not in request.checks]
        units = [r for r in figures if (r["cell"], r["typed"]) in request.units_typed]
        assert [r["cell"] for r in figures if r not in units] == request.order, \
            request.path.name
        assert not [r for r in figures if r["refused"]], request.path.name


def test_the_cell_refuses_what_import_would_refuse(typed: Typed) -> None:
    checked = 0
    for request, result in zip(typed.requests, typed.results, strict=True):
        for cell, text in request.checks:
            entry = next(r for r in result
                         if (r["cell"].replace("'", ""), r["typed"]) == (cell, text))
            assert entry["refused"], f"{text} was taken in {cell}"
            checked += 1
    assert checked == 3  # 0.85 and 85% in a whole-number percentage, a unit outside the list


def test_typed_requests_import_as_typed(typed: Typed) -> None:
    for request in typed.requests:
        if request is typed.planted:
            continue
        report = import_files(request.store, [request.out], "coordinator")[0]
        assert report.acceptable, (request.path.name, [str(p) for p in report.refused])
        catalogue = request.store.edition(YEAR)
        for (_sheet, _cell), (indicator, text) in request.typed.items():
            spec = catalogue.indicators[indicator]
            held = request.store.get(request.entity, YEAR, indicator)
            assert held is not None and held.value == _stored_as(
                spec, text, request.unit.get(indicator)), (request.path.name, indicator)


def test_the_first_import_reports_every_planted_mistake_and_annotates_a_copy(
        typed: Typed) -> None:
    request = typed.planted
    report = import_files(request.store, [request.out], "coordinator")[0]
    found = {(p.sheet, p.cell): p for p in report.refused}
    assert set(found) == set(typed.pasted)
    assert {p.code for p in report.refused} == {INVALID_VALUE, NOT_A_STATE}
    for (sheet, cell), text in typed.pasted.items():
        problem = found[(sheet, cell)]
        assert problem.message("zh").startswith(f"{sheet}!{cell}")
        assert text in problem.en and text in problem.zh
        assert problem.indicator not in problem.message("en")  # named by label, not id
    assert request.store.get(request.entity, YEAR, request.typed[
        next(iter(request.typed))][0]) is None  # nothing written
    copy = annotate(request.out, report.refused, typed.folder / "annotated.xlsx")
    book = load_workbook(copy)
    for (sheet, cell), problem in found.items():
        marked = book[sheet][cell]
        assert marked.comment is not None and problem.zh in marked.comment.text
        assert problem.en in marked.comment.text
        assert marked.fill.fgColor.rgb.endswith(MARK)
    # The contributor corrects the marked cells; the file goes in whole.
    fixed = load_workbook(request.out)
    for (sheet, cell), _text in typed.pasted.items():
        typed_there = request.typed.get((sheet, cell))
        fixed[sheet][cell] = int(typed_there[1]) if typed_there else None
    fixed.save(typed.folder / "corrected.xlsx")
    report = import_files(request.store, [typed.folder / "corrected.xlsx"], "coordinator")[0]
    assert report.acceptable, [str(p) for p in report.refused]
    catalogue = request.store.edition(YEAR)
    for (indicator, text) in request.typed.values():
        held = request.store.get(request.entity, YEAR, indicator)
        assert held is not None and held.value == _stored_as(catalogue.indicators[indicator],
                                                             text)
