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

from esgdesk.errors import EsgdeskError, FileRefused
from esgdesk.exchange.metadata import FIXED_KINDS, META_SHEET, CellSpec, read_meta
from esgdesk.exchange.requests import unit_choice
from esgdesk.exchange.returned import load_request_workbook, read_returned
from esgdesk.exchange.workbook import save_atomically, set_value
from esgdesk.model.catalogue import to_document
from esgdesk.model.evidence import quality_words
from esgdesk.model.states import STATES, VALUE
from esgdesk.model.types import Entry
from esgdesk.model.units import unit_by_id
from esgdesk.paths import user_data_folder
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
    """Where the drafts of opened requests are kept."""
    return user_data_folder() / "requests"


def open_request(path: str | Path, folder: Path | None = None) -> tuple[OfflineRequest, Store]:
    """The request and an open working database for it (made on first opening)."""
    path = Path(path)
    returned = read_returned(path, None)
    broken = returned.broken_structure
    if broken is not None:
        raise FileRefused(broken.message("en"), broken.message("zh"), where=path.name,
                          kind=broken.code)
    meta = returned.meta
    offline = OfflineRequest(path, (folder or working_folder()) / f"{meta['request']}.db",
                             meta["request"], meta["entity"], int(meta["year"]),
                             meta["department"], meta["lang"])
    if offline.database.exists():
        return offline, open_database(offline.database)
    offline.database.parent.mkdir(parents=True, exist_ok=True)
    # The entity alone, at the top of its own tree: it types every figure its request asks.
    store = create_database(offline.database, "", offline.year - 2, [EntitySpec(
        offline.entity, meta["entity_zh"], meta["entity_en"], "group")],
        document=to_document(returned.carried_catalogue()))
    try:
        store.set_setting("request", str(path))
        changes = _carried(returned.cells, offline.entity)
        if changes:
            store.set_history(changes, CARRIED_BY, reason=f"carried in {path.name}")
        typed = [Change(offline.entity, f.year, f.indicator, f.text, f.note or None,
                        entry=Entry(None, f.state) if f.state != VALUE else None)
                 for f in returned.figures if f.text is not None or f.state != VALUE or f.note]
        if typed:
            store.set_values(typed, returned.submitted_by or CARRIED_BY,
                             reason=f"typed in {path.name}")
    except EsgdeskError:
        store.close()
        offline.database.unlink(missing_ok=True)
        raise
    return offline, store


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
    if not name.strip():
        raise EsgdeskError("say who submits the figures (your name)",
                           "请填写提交人（您的姓名）", kind="needs_name")
    book = load_request_workbook(offline.workbook)
    _meta, cells = read_meta(book[META_SHEET], offline.workbook.name)
    catalogue = store.edition(offline.year)
    held = store.values(offline.entity, [offline.year])
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
            value = (spec.type.entry_cell(stored.value, offline.lang) if stored is not None
                     and stored.value is not None else None)
        elif cell.kind == "state":
            state = STATES.get(stored.state) if stored is not None else None
            value = state.word(offline.lang) if state is not None else None
        elif cell.kind == "unit":  # the figure is written in its own unit
            value = unit_choice(unit_by_id(spec.type.unit_id or ""), offline.lang)
        elif cell.kind in ("quality", "method"):  # how it was obtained, as the file said
            quality, method = store.qualities(offline.year, [offline.entity]).get(
                (offline.entity, cell.indicator), ("", ""))
            value = (quality_words(quality, offline.lang) if cell.kind == "quality"
                     else method) or None
        else:  # the note
            value = stored.note if stored is not None and stored.note else None
        set_value(target, value)  # a note beginning with "=" stays text
    return save_atomically(book, Path(out) if out else offline.workbook)
