"""The working session the app and the command line share: the open database, the chosen
entity and year, the validation run, and every change, each returning what it changed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.errors import EsgdeskError, NotFound
from esgdesk.model.catalogue import Catalogue
from esgdesk.model.entities import EntityInfo
from esgdesk.model.frozen import Frozen
from esgdesk.model.layout import FigureRef
from esgdesk.model.words import counted
from esgdesk.rules.figures import FigureBook
from esgdesk.rules.workspace import ValidationRun, Workspace, reporting_years
from esgdesk.storage.health import FileCheck
from esgdesk.storage.store import Change, Store, StoredValue, current_user, open_database

if TYPE_CHECKING:
    from esgdesk.exchange.catalogue_book import CatalogueImport
    from esgdesk.exchange.factor_file import FactorImport
    from esgdesk.exchange.intake import FileReport
    from esgdesk.exchange.offline import OfflineRequest
    from esgdesk.model.types import Entry
    from esgdesk.rules.coverage import DisclosureCoverage
    from esgdesk.rules.review import RequestState
    from esgdesk.rules.validation import Finding
    from esgdesk.storage.audit import ChainReport
    from esgdesk.storage.factors import FactorValue
    from esgdesk.storage.location import Location
    from esgdesk.storage.records import AuditRecord, RequestInfo
    from esgdesk.storage.restatements import PublishedMove, Restatement

Progress = Callable[[int, int, str], bool]


class Changes(Frozen):
    """What one operation changed, so each screen decides what to redraw (Anki's OpChanges).

    `figures` names the figures written (empty when `reloaded` says all of them may have
    changed); `findings` is true when the findings are new; `scope` when the entity, the
    year or the database changed; `requests` when a data request moved or was made."""

    _fields = ("figures", "reloaded", "notes", "statuses", "findings", "requests", "scope",
               "database", "saved")
    figures: frozenset[FigureRef]
    reloaded: bool
    notes: bool
    statuses: bool
    findings: bool
    requests: bool
    scope: bool
    database: bool
    saved: bool  # something was written to the database

    def __init__(self, figures: frozenset[FigureRef] = frozenset(), reloaded: bool = False,
                 notes: bool = False, statuses: bool = False, findings: bool = False,
                 requests: bool = False, scope: bool = False, database: bool = False,
                 saved: bool = False) -> None:
        self.__dict__.update(figures=figures, reloaded=reloaded, notes=notes, statuses=statuses,
                             findings=findings, requests=requests, scope=scope, database=database,
                             saved=saved)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.figures | other.figures, self.reloaded or other.reloaded,
                       self.notes or other.notes, self.statuses or other.statuses,
                       self.findings or other.findings, self.requests or other.requests,
                       self.scope or other.scope, self.database or other.database,
                       self.saved or other.saved)

    def touches(self, ref: FigureRef | None) -> bool:
        """True when the figure may look different after this change."""
        return ref is not None and (self.reloaded or self.scope or ref in self.figures
                                    or self.findings)


SCOPE = Changes(reloaded=True, findings=True, scope=True)


class Trend(Frozen):
    """An indicator's figures for one entity across every year held, the change of the
    chosen year on the one before (in %), and the change beyond which the prior-year check
    flags it (the catalogue's max_change, in %; None when the indicator has none)."""

    _fields = ("year", "points", "change", "threshold")
    year: int
    points: tuple[tuple[int, Decimal | None], ...]
    change: Decimal | None
    threshold: Decimal | None

    def __init__(self, year: int, points: tuple[tuple[int, Decimal | None], ...],
                 change: Decimal | None, threshold: Decimal | None) -> None:
        self.__dict__.update(year=year, points=points, change=change, threshold=threshold)


# The roles that may take each of a window's actions that write (on a file, the user is a
# coordinator). A window shows the others disabled, naming who may; the server refuses them
# anyway.
ACTION_ROLES = {
    "make_requests": ("coordinator",), "import_returned": ("coordinator",),
    "approve": ("coordinator",), "lock": ("coordinator",), "send_back": ("coordinator",),
    "import_catalogue": ("coordinator",), "open_year": ("coordinator",),
    "restate": ("coordinator",), "submit": ("coordinator", "contributor"),
}
ROLE_WORDS = {"coordinator": ("a coordinator", "协调人"),
              "contributor": ("a contributor", "填报人")}


class Session:
    """One user's work on one database (or a request workbook opened offline)."""

    def __init__(self, store: Store | None = None, workspace: Workspace | None = None,
                 offline: OfflineRequest | None = None, opened_head: str = "",
                 validation: ValidationRun | None = None, user_name: str = "",
                 defer_tree: bool = False) -> None:
        self.store, self.workspace, self.offline = store, workspace, offline
        self.opened_head, self.validation, self.user_name = opened_head, validation, user_name
        # The window's forms show at once: a parent's consolidated figures follow once the
        # validation run has read the tree below in steps (see Workspace, defer_tree).
        self.defer_tree = defer_tree
        # The trend's figures of other years: read once per entity and reading of a
        # workspace (the workspace's own years, where edits land, are read from it).
        self._history: tuple[tuple[Workspace, int, str], FigureBook] | None = None
        # The reporting years, with the audit head they were read at.
        self._years: tuple[str, tuple[list[int], int]] | None = None
        # The workspace shown before (and its trend's figures), let go once the new one's
        # validation has run: freeing a group's figures takes some 20 ms, which the window
        # would otherwise spend before it shows the new figures.
        self._retired: tuple[Any, ...] = ()
        # Opened for one command of the command line: closed with no automatic backup.
        self._for_command = False

    def _retire(self) -> None:
        """The workspace shown is about to be replaced: keep it until the next validation
        ends (one retired at a time: one retired before goes now)."""
        self._retired, self._history = (self.workspace, self._history), None

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue of the year being worked on (the database's latest edition with no
        year chosen, the shipped template with no database open)."""
        if self.workspace is not None:
            return self.workspace.catalogue
        if self.store is not None:
            return self.store.catalogue
        from esgdesk.model.templates import template_catalogue

        return template_catalogue()

    # -- who ----------------------------------------------------------------------------
    @property
    def user(self) -> str:
        return self.user_name or current_user()

    # -- opening and closing --------------------------------------------------------------
    def open(self, path: Path, entity: str | None = None, year: int | None = None,
             offline: OfflineRequest | None = None) -> Changes:
        """Open a database at an entity and year; on failure the session is unchanged."""
        store = open_database(path)
        try:
            if offline is None:  # a server: hear changes made after the figures are read
                store.listen()
            chosen = store.entity(entity).code if entity else store.root().code
            head = store.audit_head()
            held = reporting_years(store)
            workspace = Workspace(store, chosen, year if year is not None else held[1],
                                  defer_tree=self.defer_tree)
        except EsgdeskError:
            store.close()
            raise
        if self.store is not None:
            self.store.close()
        self._retire()
        self.store, self.offline, self.workspace = store, offline, workspace
        self.opened_head = head
        self._years = head, held
        self.validation = None
        return SCOPE | Changes(database=True)

    def close(self) -> Path | None:
        """Close the database; an automatic backup first when anything changed (not for a
        request opened offline, whose draft is its own file)."""
        if self.store is None:
            return None
        store, self.store, self.workspace, self.validation = self.store, None, None, None
        self._retired, self._history = (), None
        try:
            if self.offline is None and not store.server and not self._for_command \
                    and store.audit_head() != self.opened_head:
                from esgdesk.storage.backup import backup_if_changed  # only when it may back up

                return backup_if_changed(store, self.opened_head)
            return None
        finally:
            store.close()

    def open_for_command(self, path: Location) -> Store:
        """Open a database for one command of the command line: the store alone (no forms,
        no listening for other users), closed with no automatic backup."""
        store = open_database(path)
        if self.store is not None:
            self.store.close()
        self._retire()
        self.store, self.workspace, self.offline, self.validation = store, None, None, None
        self.opened_head, self._for_command = "", True
        return store

    @staticmethod
    def path_warning(path: Location) -> str | None:
        """A warning when a database file sits where file locking is unreliable (none for a
        server)."""
        from esgdesk.storage.health import location_warning

        return location_warning(path) if isinstance(path, Path) else None

    def require_store(self) -> Store:
        if self.store is None:
            raise NotFound("no database is open", "没有打开数据库")
        return self.store

    def require_workspace(self) -> Workspace:
        if self.workspace is None:
            raise NotFound("no database is open", "没有打开数据库")
        return self.workspace

    def location_warning(self) -> str | None:
        """A warning when the database sits where file locking is unreliable."""
        from esgdesk.storage.health import location_warning

        store = self.require_store()
        return None if store.server else location_warning(store.path)

    def engine_facts(self) -> str:
        """The database engine esgdesk runs on and how (journal mode and why; on a server,
        the server and the user's role there)."""
        if self.store is not None and self.store.server:
            role, departments = self.store.server_role()
            return (f"PostgreSQL {self.store.server_version()} · {self.store.shown} · "
                    f"role {role}" + (f" ({', '.join(departments)})" if departments else ""))
        from esgdesk.storage.health import sqlite_facts

        return sqlite_facts()

    # -- the file check, run in a separate process by the app ----------------------------
    @staticmethod
    def file_check_command(path: Path) -> tuple[str, list[str]]:
        """The program and arguments that check a database file without blocking. A frozen
        bundle has no `-m`: its own executable runs the command (on Windows its console
        twin, as the app itself is windowed)."""
        if getattr(sys, "frozen", False):
            console = Path(sys.executable).with_name("esgdesk-cli.exe")
            program = str(console) if console.is_file() else sys.executable
            return program, ["check", "--json", str(path)]
        return sys.executable, ["-m", "esgdesk", "check", "--json", str(path)]

    @staticmethod
    def read_file_check(path: Path, output: str) -> FileCheck | None:
        """The result printed by the file check, or None if it did not finish."""
        try:
            return FileCheck.from_json(path, output.strip().splitlines()[-1])
        except (ValueError, IndexError, KeyError, TypeError):
            return None

    def file_checked(self, check: FileCheck) -> bool:
        """Take a file check's result for the open database; False if it is for another."""
        if self.store is None or str(self.store.path) != check.path:
            return False
        if check.problem is None:
            self.store.mark_sound()
        return True

    def damaged_and_backup(self) -> tuple[EsgdeskError, Path | None] | None:
        """Run the integrity check now: None if the file is sound, else the error and the
        latest automatic backup (or None when there is none)."""
        from esgdesk.storage.backup import backups

        store = self.require_store()
        try:
            store.check()
            return None
        except EsgdeskError as exc:
            return exc, next(iter(backups(store.path)), None)

    def restore(self, backup: Path, path: Path | None = None) -> Changes:
        """Put a backup in place of the open (damaged) database, or of `path`, a file too
        damaged to open, and open it."""
        from esgdesk.storage.backup import restore

        if path is None or (self.store is not None and self.store.path == path):
            store = self.require_store()
            path = store.path
            store.close()
            self.store, self.workspace = None, None
        restore(backup, path)
        return self.open(path)

    @staticmethod
    def latest_backup(path: Path) -> Path | None:
        """The newest automatic backup of a database file, if any."""
        from esgdesk.storage.backup import backups

        return next(iter(backups(path)), None)

    def verify_audit(self) -> ChainReport:
        return self.require_store().verify_audit()

    def history(self, ref: FigureRef) -> list[AuditRecord]:
        """A figure's audited changes, oldest first."""
        return self.require_store().history(ref.entity, ref.year, ref.indicator)

    def entity_history(self, entity: str) -> list[AuditRecord]:
        """An entity's own audited changes (added, its province, the method's choices made
        for it), oldest first."""
        return self.require_store().entity_history(entity)

    @staticmethod
    def who(record: AuditRecord) -> str:
        """Who made an audited change, as shown (on a server, its user too where it
        differs)."""
        from esgdesk.storage.audit import who

        return who(record)

    def seal_audit(self, reason: str) -> ChainReport:
        """Seal the broken rows of the audit chain (the owner's act, audited by the sealing
        row itself); the chain as it verifies then."""
        return self.require_store().seal_audit(reason, self.user)

    # -- scope --------------------------------------------------------------------------
    def entities(self) -> list[tuple[EntityInfo, int]]:
        """Every entity in tree order with its depth (for an indented picker)."""
        if self.store is None:
            return []
        tree = self.store.tree()
        return [(entity, tree.depth(entity.code)) for entity in tree]

    def years(self) -> tuple[list[int], int]:
        """The years a user may choose, and the latest; read again only once anything was
        written (by anyone: every write adds an audit row)."""
        store = self.require_store()
        head = store.audit_head()
        if self._years is None or self._years[0] != head:
            self._years = head, reporting_years(store)
        return self._years[1]

    def select(self, entity: str | None = None, year: int | None = None) -> Changes:
        """Work on another entity or year (the figures are read again)."""
        workspace = self.require_workspace()
        chosen = self.require_store().entity(entity).code if entity else workspace.entity
        chosen_workspace = Workspace(self.require_store(), chosen,
                                     workspace.year if year is None else year,
                                     defer_tree=self.defer_tree)
        self._retire()
        self.workspace = chosen_workspace
        self.validation = None
        return SCOPE

    # -- the catalogue ------------------------------------------------------------------
    def export_catalogue(self, out: Path, lang: str) -> Path:
        """The year's edition as a workbook to edit in Excel or LibreOffice."""
        from esgdesk.exchange.catalogue_book import write_catalogue_book

        year = self.require_workspace().year
        return write_catalogue_book(self.require_store().edition_document(year), out, lang,
                                    year)

    def plan_catalogue(self, path: Path, year: int | None = None) -> CatalogueImport:
        """An edited catalogue workbook, checked whole against the database: its problems
        (sheet!cell) or its difference from the year's edition (the year worked on unless
        named). Nothing is written."""
        from esgdesk.exchange.catalogue_book import plan_import

        chosen = self.require_workspace().year if year is None else year
        return plan_import(self.require_store(), path, chosen)

    def apply_catalogue(self, plan: CatalogueImport, name: str) -> Changes:
        """Store a checked plan as the year's edition (one audited transaction); the forms
        redraw from it."""
        return self.import_catalogue(plan, name, self.require_workspace().year)

    def import_catalogue(self, plan: CatalogueImport, name: str, year: int) -> Changes:
        """Store a checked plan as a year's edition (one audited transaction); nothing when
        it has problems or changes nothing."""
        if plan.problems or plan.unchanged:
            return Changes()
        self.require_store().store_edition(year, plan.document, f"imported {name}", self.user)
        workspace = self.workspace
        return self._rescoped(workspace.entity if workspace else None,
                              workspace.year if workspace else None) | Changes(saved=True)

    def open_year(self, year: int) -> Changes:
        """Give a new reporting year its own edition (a copy of the last) and work on it."""
        self.require_store().open_year(year, self.user)
        return self._rescoped(None, year) | Changes(saved=True)

    def _rescoped(self, entity: str | None, year: int | None) -> Changes:
        """After a change of what the figures mean: the forms (when open) read again."""
        return self.select(entity, year) if self.workspace is not None else SCOPE

    def frameworks_used(self) -> list[str]:
        from esgdesk.rules.coverage import frameworks_used

        return frameworks_used(self.catalogue)

    def coverage(self, framework_id: str) -> list[DisclosureCoverage]:
        """How the year's figures cover a framework's disclosures."""
        from esgdesk.rules.coverage import year_coverage

        return year_coverage(self.require_store(), self.require_workspace().year, framework_id)

    def children_count(self) -> int:
        """How many direct children the chosen entity has (a parent's export can compare
        them or give each a sheet)."""
        workspace = self.require_workspace()
        return len(self.require_store().children(workspace.entity))

    def first_indicator_of(self, department: str) -> str | None:
        """Where a department's work starts: its first supplied indicator."""
        from esgdesk.rules.review import department_first_indicator

        return department_first_indicator(self.catalogue, department)

    # -- validation ----------------------------------------------------------------------
    def start_validation(self) -> ValidationRun:
        """Validate the whole tree in slices the caller interleaves with other work."""
        self.validation = ValidationRun(self.require_workspace())
        return self.validation

    def step_validation(self, run: ValidationRun) -> Changes | None:
        """One slice of a run; the findings' change when it ends and is adopted, an empty
        change when it ends unadopted, None while it goes on."""
        if run is not self.validation:
            return Changes()  # cancelled, or replaced by a run for another scope
        if not run.step():
            return None
        self.validation = None
        self._retired = ()  # the workspace shown before is let go now
        if self.workspace is not None and self.workspace.adopt(run):
            return Changes(findings=True)
        return Changes()

    def read_tree(self) -> Changes:
        """Read the tree below the entity now, where the window deferred it (a screenshot
        has no events to read it between)."""
        workspace = self.workspace
        return Changes(reloaded=True) if workspace is not None and workspace.ensure_tree() \
            else Changes()

    def cancel_validation(self) -> None:
        self.validation = None

    def validate_now(self) -> Changes:
        self.cancel_validation()
        self.require_workspace().validate()
        return Changes(findings=True)

    def findings(self) -> list[Finding]:
        return self.workspace.findings() if self.workspace is not None else []

    # -- figures --------------------------------------------------------------------------
    def set_figure(self, ref: FigureRef, text: str | None, overwrite: bool = False,
                   entry: Entry | None = None) -> Changes:
        """Write one figure (one transaction). A figure changed by someone else since it was
        read raises StaleValue unless `overwrite`. `entry`: what a form's cell parsed the
        text into already (ValueType.entry), written as it is."""
        workspace = self.require_workspace()
        try:
            if overwrite:
                workspace.overwrite(ref, text, self.user, entry)
            else:
                workspace.set(ref, text, self.user, entry)
        except EsgdeskError:
            self._reread()
            raise
        return Changes(figures=frozenset({ref}), findings=True, saved=True)

    def trend(self, ref: FigureRef) -> Trend:
        """The figure's indicator for its entity across every year held (the workspace's
        years as the forms show them, the others as stored)."""
        workspace = self.require_workspace()
        key = (workspace, workspace.reads, ref.entity)
        if self._history is None or self._history[0] != key:  # a Workspace equals itself
            store = self.require_store()
            self._history = key, FigureBook(self.catalogue,
                                            store.figures_of([ref.entity], store.years()))
        book = self._history[1]
        years = sorted(set(self.require_store().years()) | set(workspace.years) | {ref.year})
        points = tuple((year, workspace.number(FigureRef(ref.entity, year, ref.indicator))
                        if year in workspace.years else book.number(ref.entity, ref.indicator,
                                                                     year))
                       for year in years)
        numbers = dict(points)
        now, before = numbers.get(ref.year), numbers.get(ref.year - 1)
        change = (now - before) / before * 100 if now is not None and before else None
        indicator = self.catalogue.indicators[ref.indicator]
        limit = self.catalogue.rule(indicator, "max_change") if indicator.type.numeric else None
        threshold = Decimal(str(limit)) * 100 if limit is not None else None
        return Trend(ref.year, points, change, threshold)

    # -- other users' changes (a server database) ------------------------------------------
    def listen(self) -> bool:
        """Hear other users' changes from now on; False where nobody else can write (a file:
        SQLite announces nothing)."""
        return self.store is not None and self.offline is None and self.store.listen()

    def others_changed(self) -> Changes:
        """What other users changed since the last call: the figures of the entity and years
        in view, read again (nothing when none of theirs is in view)."""
        if self.store is None or self.workspace is None:
            return Changes()
        workspace = self.workspace
        heard = self.store.heard()
        if heard.unknown:  # a notice esgdesk does not send: believe the database, not it
            workspace.reload()
            return Changes(reloaded=True, findings=True, requests=True)
        shown = frozenset(FigureRef(entity, year, indicator)
                          for entity, year, indicator in heard.figures
                          if year in workspace.years)
        if not shown:
            return Changes(requests=bool(heard.figures))
        workspace.reload()
        return Changes(figures=shown, findings=True, requests=True)

    # What a window says while its server is away, and when it is back (en, zh).
    SERVER_LOST = ("The connection to the server was lost: reconnecting… The figures shown are "
                   "those last read; nothing can be saved until the server is back.",
                   "与服务器的连接已断开：正在重新连接……显示的是最后读取的数据；服务器恢复前"
                   "无法保存任何内容。")
    @staticmethod
    def server_back(count: int, lang: str) -> str:
        """What the window says on reconnecting: how many figures changed meanwhile."""
        if lang == "zh":
            return f"已重新连接服务器：断开期间有 {count} 个数据被修改"
        return f"Reconnected to the server: {counted(count, 'figure')} changed while it was away"

    def may(self, action: str) -> bool:
        """Whether the user's role may take a window's action (ACTION_ROLES)."""
        store = self.store
        role = store.server_role()[0] if store is not None else "coordinator"
        return role in ACTION_ROLES[action]

    def who_may(self, action: str, lang: str) -> str:
        """Who may take an action the user's role may not, in the interface's language."""
        roles = ACTION_ROLES[action]
        if lang == "zh":
            return "只有" + "或".join(ROLE_WORDS[r][1] for r in roles) + "可以执行此操作"
        return "Only " + " or ".join(ROLE_WORDS[r][0] for r in roles) + " may do this"

    def reconnect(self) -> int:
        """After the server went away: connect and listen again, and read the figures in
        view again; how many of them changed while away (Unreachable while it still is)."""
        store = self.require_store()
        store.reconnect()
        if self.workspace is None:
            return 0
        before = dict(self.workspace.book.values)
        self.workspace.reload()
        after = self.workspace.book.values
        return sum(1 for key in before.keys() | after.keys() if before.get(key) != after.get(key))

    def take_theirs(self) -> Changes:
        """Read the figures again, keeping what another user wrote."""
        self.require_workspace().reload()
        return Changes(reloaded=True, findings=True)

    def current(self, ref: FigureRef) -> StoredValue | None:
        """The figure as stored now (not as read when the form was shown)."""
        return self.require_store().get(ref.entity, ref.year, ref.indicator)

    def set_note(self, ref: FigureRef, note: str) -> Changes:
        self.require_workspace().set_note(ref, note, self.user)
        return Changes(figures=frozenset({ref}), notes=True, findings=True, saved=True)

    def restate(self, ref: FigureRef, value: str, kind: str, reason: str) -> Changes:
        """Change a locked (published) figure as a restatement, keeping what was published."""
        self.require_store().restate(ref.entity, ref.year, ref.indicator, value, kind, reason,
                                     self.user)
        return self._reloaded() | Changes(statuses=True)

    def enter_figure(self, ref: FigureRef, text: str | None, note: str | None = None,
                     unit: str | None = None, provenance: str | None = None,
                     reason: str = "") -> StoredValue:
        """Write one figure as given, with its explanation, the unit it is typed in and its
        provenance (one transaction). A reason says why the figure is n/a or not available,
        and is its explanation unless one is given; it explains no value."""
        from esgdesk.model.states import special_state

        if reason:
            if text is None or special_state(text) is None:
                raise EsgdeskError(
                    "--reason says why a figure is n/a or not available; say why a figure "
                    "changed with --explain, and where it comes from with --source",
                    "--reason 用于说明数据为何不适用或暂无；说明数据变化请用 --explain，"
                    "数据来源请用 --source", kind="usage")
            note = note if note is not None else reason  # the state's reason explains it
        stored = self.require_store().set_value(
            self._change(ref, text, note, unit, provenance), self.user, reason=reason,
            source="cli")
        self._reloaded()
        return stored

    def enter_history(self, ref: FigureRef, text: str | None, note: str | None = None,
                      unit: str | None = None, provenance: str | None = None,
                      reason: str = "") -> StoredValue:
        """Write a figure as a past report printed it, held where the report holds it (the
        group's printed years), even at an entity whose figure is otherwise its children's;
        the reason (default "history") says why."""
        [stored] = self.require_store().set_history(
            [self._change(ref, text, note, unit, provenance)], self.user,
            reason=reason or "history", source="cli")
        self._reloaded()
        return stored

    @staticmethod
    def _change(ref: FigureRef, text: str | None, note: str | None, unit: str | None,
                provenance: str | None) -> Change:
        return Change(ref.entity, ref.year, ref.indicator, text, note, unit=unit,
                      provenance=provenance)

    def lock_figure(self, ref: FigureRef) -> StoredValue:
        """Lock (publish) a figure: it then changes only as a restatement. A figure locked
        already is left as it is."""
        stored = self.require_store().set_status(ref.entity, ref.year, ref.indicator,
                                                 "locked", self.user)
        self._reloaded()
        return stored

    def figure_entity(self, entity: str | None, year: int, indicator: str) -> str:
        """The entity a figure is named at (default: the group), once the year's edition is
        known to hold its indicator."""
        store = self.require_store()
        chosen = entity or store.root().code
        store.known_indicator(year, indicator)
        return chosen

    def _reread(self) -> None:
        """After a refused write: read the figures again (a validation run that read the old
        ones is refused when it ends; the caller starts another)."""
        self.require_workspace().reload()

    def _reloaded(self) -> Changes:
        """After a write: the figures read again and validated (when forms show them)."""
        if self.workspace is not None:
            self.workspace.reload()
            self.validate_now()
        return Changes(reloaded=True, findings=True, saved=True)

    # -- the report workbook ---------------------------------------------------------------
    def export(self, path: Path, lang: str, progress: Progress | None = None,
               by_entity: bool = False, per_child: bool = False) -> Path:
        from esgdesk.exchange.export import export_workbook

        workspace = self.require_workspace()
        return export_workbook(self.require_store(), workspace.year, path, workspace.entity,
                               lang, progress, by_entity=by_entity, per_child=per_child)

    def suggested_export_name(self) -> str:
        workspace = self.require_workspace()
        return f"esgdesk-{workspace.entity}-{workspace.year}.xlsx"

    # -- collection -------------------------------------------------------------------------
    def dashboard(self) -> list[RequestState]:
        from esgdesk.rules.review import dashboard

        if self.store is None or self.workspace is None:
            return []
        return dashboard(self.store, self.workspace.year, date.today())

    def move_request(self, request_id: str, status: str, reason: str = "") -> Changes:
        """Approve, lock or send back a data request (the review's rules decide)."""
        from esgdesk.rules.review import move

        store = self.require_store()
        before = store.request(request_id)
        moved = move(store, request_id, status, self.user, reason)
        changes = self._reloaded() | Changes(requests=True, statuses=True)
        if before is not None and moved.status == before.status:  # nothing was written
            return Changes(reloaded=True, findings=True, requests=True)
        return changes

    def write_requests(self, year: int, entities: list[str], departments: list[str],
                       folder: Path, lang: str, due: str = "", assignee: str = "",
                       progress: Progress | None = None) -> list[Path]:
        """One collection workbook per entity and department, into a folder."""
        from esgdesk.exchange.requests import write_requests

        return write_requests(self.require_store(), year, entities, departments, folder,
                              self.user, lang, assignee or None, due or None, progress)

    def write_request(self, entity: str, year: int, department: str, out: Path, lang: str,
                      assignee: str | None = None, due: str | None = None) -> Path:
        """One department's collection workbook for an entity and year (the request is
        recorded, or re-used if it exists)."""
        from esgdesk.exchange.requests import write_request

        return write_request(self.require_store(), entity, year, department, out, self.user,
                             lang, assignee, due)

    def department(self, text: str) -> str:
        """The department key a user named by key or name, in any case."""
        return self.catalogue.department_key(text)

    def request_for(self, entity: str, year: int, department: str) -> RequestInfo:
        """The data request of a department for an entity and year (NotFound when none was
        made)."""
        store = self.require_store()
        request = store.request_for(entity, year, department)
        if request is None:
            name = store.catalogue.departments[department]
            raise NotFound(f"no {name.en} request for {entity} {year} (see 'esgdesk status')",
                           f"没有 {entity} {year} 年{name.zh}的数据请求（见 esgdesk status）")
        return request

    def preview_import(self, paths: list[Path], progress: Progress | None = None,
                       expect: dict[str, str] | None = None) -> list[FileReport]:
        """What returned workbooks would change, with their findings; nothing is written.
        `expect` ({"year": "2024", "entity": …, "department": …}) refuses files made for
        anything else."""
        from esgdesk.exchange.intake import preview

        return preview(self.require_store(), paths, progress, expect)

    def accept_import(self, reports: list[FileReport], confirm: Callable[[FileReport], bool],
                      ) -> tuple[int, Changes]:
        """Write the previewed files the coordinator accepted, each in one transaction; a
        file holding figures changed in the database since it was saved is written only if
        `confirm` says so. The figures written, and what changed."""
        from esgdesk.exchange.intake import accept_all

        try:
            written = accept_all(self.require_store(), reports, self.user, confirm)
        finally:
            changes = self._reloaded() | Changes(requests=True)
        return written, changes

    def open_request(self, workbook: Path, folder: Path | None = None) -> Changes:
        """Open a request workbook as forms, with no coordinator database (contributor)."""
        from esgdesk.exchange.offline import open_request

        offline, store = open_request(workbook, folder)
        store.close()
        changes = self.open(offline.database, offline.entity, offline.year, offline=offline)
        return changes

    def submit_request(self, name: str, out: Path | None = None) -> Path:
        """Write the figures back into the request workbook, ready to send back."""
        from esgdesk.exchange.offline import submit_request

        if self.offline is None:
            raise NotFound("no request workbook is open", "没有打开数据请求工作簿")
        return submit_request(self.require_store(), self.offline, name, out)

    # -- new databases ------------------------------------------------------------------------
    def open_sample(self, folder: Path) -> Changes:
        """Open the report's sample database, made in `folder` the first time."""
        from esgdesk.application.sample import create_sample

        path = folder / "sample.db"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            create_sample(path).close()
        return self.open(path)

    def create(self, path: Path, company: str, first_year: int, entity_lines: str) -> Changes:
        from esgdesk.storage.newdb import create_database, parse_entity_lines

        create_database(path, company, first_year, parse_entity_lines(entity_lines)).close()
        return self.open(path)

    # -- the group's set-up: entities, provinces, the method, factors ---------------------
    def add_entity(self, code: str, name_zh: str, name_en: str, kind: str,
                   parent: str | None = None, province: str | None = None) -> Changes:
        """Add a company or site under its parent (one transaction with its audit row)."""
        self.require_store().add_entity(code, name_zh, name_en, kind, parent, province,
                                        user=self.user)
        return self._rescoped(None, None) | Changes(saved=True)

    @staticmethod
    def restatement(kind: str | None, reason: str) -> Restatement | None:
        """The restatement a change of method is made as (its kind and why), or None."""
        from esgdesk.storage.restatements import Restatement

        if kind is None:
            return None
        restatement = Restatement(kind, reason)
        restatement.check()
        return restatement

    def set_province(self, code: str, province: str | None, restate: str | None = None,
                     reason: str = "") -> tuple[EntityInfo, list[PublishedMove]]:
        """Put an entity in a province (any of its names; None clears it), audited: refused
        when it would move a published figure unless made as a restatement (`restate` its
        kind). The entity as stored, and the figures restated."""
        from esgdesk.rules.published import change_province

        found = change_province(self.require_store(), code, province, self.user,
                                self.restatement(restate, reason))
        self._reloaded()
        return found

    def choose_method(self, choice: str, option: str, entity: str | None = None,
                      restate: str | None = None, reason: str = "",
                      ) -> tuple[str, list[PublishedMove]]:
        """Choose an option of the method for the database or an entity, audited (refused
        when it would move a published figure unless made as a restatement). The option as
        stored, and the figures restated."""
        from esgdesk.rules.published import change_choice

        found = change_choice(self.require_store(), choice, option, entity, self.user,
                              self.restatement(restate, reason))
        self._reloaded()
        return found

    def load_factor_sets(self, year: int, set_ids: list[str], restate: str | None = None,
                         reason: str = "") -> tuple[int, list[PublishedMove]]:
        """Copy shipped factor sets into a year (a later set overrides an earlier one's ids),
        refused when they would move a published figure unless made as a restatement. How
        many factors were written, and the figures restated."""
        from esgdesk.rules.published import factor_moves, refuse_or_restate
        from esgdesk.storage.factors import shipped_factors

        store = self.require_store()
        restatement = self.restatement(restate, reason)
        moves = refuse_or_restate(
            factor_moves(store, year, shipped_factors(set_ids)), restatement is not None,
            f"loading {', '.join(set_ids)} into {year}", f"将 {', '.join(set_ids)} 载入 {year} 年")
        written = store.load_factor_sets(year, set_ids, self.user, moves, restatement)
        self._reloaded()
        return written, moves

    def set_factor(self, year: int, factor_id: str, value: str | None, *,
                   unit: str | None = None, source: str = "", table: str | None = None,
                   data_year: int | None = None, verified: bool = False, reason: str = "",
                   restate: str | None = None) -> tuple[FactorValue, list[PublishedMove]]:
        """Set one factor of a year (None clears it); what is not given is kept from the
        factor held. Refused when it would move a published figure unless made as a
        restatement. The factor as stored, and the figures restated."""
        from esgdesk.rules.published import change_factors

        store = self.require_store()
        held = store.factors(year).get(factor_id)
        factor = store.prepare_factor(
            factor_id, value, unit if unit is not None else (held.unit if held else ""),
            source, table if table is not None else (held.table_ref if held else ""), reason,
            gas=held.gas if held else "", region=held.region if held else "",
            data_year=data_year if data_year is not None else (
                held.data_year if held else None),
            set_id="", verified=verified)
        stored, moves = change_factors(store, year, [factor], self.user, reason, factor.source,
                                       self.restatement(restate, reason))
        self._reloaded()
        return stored[0], moves

    def import_factors(self, year: int, path: Path, dry_run: bool = False,
                       restate: str | None = None, reason: str = "") -> FactorImport:
        """Read a factor file (.xlsx or .csv) and, unless a dry run or it has a problem,
        store its factors in the year (one audited transaction)."""
        from esgdesk.exchange.factor_file import import_factors

        found = import_factors(self.require_store(), year, path, self.user, dry_run=dry_run,
                               restatement=self.restatement(restate, reason))
        if not dry_run and found.changes and not found.problems:
            self._reloaded()
        return found
