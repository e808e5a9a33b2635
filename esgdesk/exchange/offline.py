"""A request workbook opened in esgdesk, with no coordinator database.

`open_request` turns a collection workbook into a small working database (kept in
the user's data folder, so a draft survives closing the app): the request's entity,
the prior years carried in the workbook with last year's explanations, and what
was typed so far. The ordinary forms and validator then work on it, checking
against the carried prior years. `submit_request` writes the figures, notes and
the contributor's name back into the workbook's input cells, ready to e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from esgdesk.errors import EsgdeskError
from esgdesk.exchange.export import save_atomically, set_value
from esgdesk.exchange.requests import (
    FIXED_KINDS,
    META_SHEET,
    STATE_CHOICES,
    CellSpec,
    _cell_value,
    _read_meta,
    check_zip,
    read_returned,
)
from esgdesk.storage.newdb import EntitySpec, create_database
from esgdesk.storage.store import Change, Store, open_database

CARRIED_BY = "request workbook"


@dataclass(frozen=True)
class OfflineRequest:
    workbook: Path
    database: Path
    request: str
    entity: str
    year: int
    department: str
    lang: str


def working_folder() -> Path:
    from platformdirs import user_data_path

    return user_data_path("esgdesk", appauthor=False) / "requests"


def open_request(path: str | Path, folder: Path | None = None) -> tuple[OfflineRequest, Store]:
    """The request and an open working database for it (made on first opening)."""
    from openpyxl import load_workbook

    path = Path(path)
    returned = read_returned(path, _catalogue())
    if any("metadata" in p or "missing" in p for p in returned.problems):
        raise EsgdeskError(f"{path.name}: {returned.problems[0]}")
    meta = returned.meta
    offline = OfflineRequest(path, (folder or working_folder()) / f"{meta['request']}.db",
                             meta["request"], meta["entity"], int(meta["year"]),
                             meta["department"], meta["lang"])
    if offline.database.exists():
        return offline, open_database(offline.database)
    offline.database.parent.mkdir(parents=True, exist_ok=True)
    check_zip(path)
    book = load_workbook(path, keep_links=False)
    _meta, cells = _read_meta(book[META_SHEET], path.name)
    store = create_database(offline.database, "", offline.year - 2, [EntitySpec(
        offline.entity, meta["entity_zh"], meta["entity_en"], "company")])
    try:
        store.set_setting("request", str(path))
        changes = _carried(cells, offline.entity)
        if changes:
            store.set_values(changes, CARRIED_BY, reason=f"carried in {path.name}")
        typed = [Change(offline.entity, f.year, f.indicator, f.text, f.note or None)
                 for f in returned.figures if f.text is not None or f.note]
        if typed:
            store.set_values(typed, returned.submitted_by or CARRIED_BY,
                             reason=f"typed in {path.name}")
    except EsgdeskError:
        store.close()
        offline.database.unlink(missing_ok=True)
        raise
    return offline, store


def _catalogue() -> Any:
    from esgdesk.model.catalogue import load

    return load()


def _carried(cells: list[CellSpec], entity: str) -> list[Change]:
    """The prior years' figures and last year's explanations carried in the workbook."""
    figures: dict[tuple[str, int], list[str | None]] = {}
    for cell in cells:
        if cell.kind == "prior" and cell.expected:
            figures.setdefault((cell.indicator, cell.year), [None, None])[0] = cell.expected
        elif cell.kind == "last_note" and cell.expected:
            figures.setdefault((cell.indicator, cell.year), [None, None])[1] = cell.expected
    return [Change(entity, year, indicator, text, note)
            for (indicator, year), (text, note) in figures.items() if text or note]


def submit_request(store: Store, offline: OfflineRequest, name: str,
                   out: str | Path | None = None) -> Path:
    """Write the reporting year's figures, notes and the contributor's name into the
    workbook's input cells (the locked content is left as it came)."""
    from openpyxl import load_workbook

    if not name.strip():
        raise EsgdeskError("say who submits the figures (your name)")
    check_zip(offline.workbook)
    book = load_workbook(offline.workbook, keep_links=False)
    _meta, cells = _read_meta(book[META_SHEET], offline.workbook.name)
    catalogue = store.catalogue
    held = store.values(offline.entity, [offline.year])
    words = dict(zip(("not_applicable", "not_available"), STATE_CHOICES[offline.lang],
                     strict=True))
    for cell in cells:
        if cell.kind in FIXED_KINDS:
            continue
        target = book[cell.sheet][cell.cell]
        if cell.kind == "submitted_by":
            set_value(target, name.strip())
            continue
        if cell.kind == "submitted_at":
            target.value = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            continue
        stored = held.get((cell.indicator, offline.year))
        spec = catalogue.indicators[cell.indicator]
        if cell.kind == "value":
            value = (_cell_value(spec, stored.value) if stored is not None
                     and stored.value is not None else None)
        elif cell.kind == "state":
            value = words.get(stored.state) if stored is not None else None
        else:  # the note
            value = stored.note if stored is not None and stored.note else None
        set_value(target, value)  # a note beginning with "=" stays text
    return save_atomically(book, Path(out) if out else offline.workbook)
