"""The session's core: the open database, the chosen entity and year, the validation run,
opening and closing, the file and audit checks, and other users' changes on a server; and
`Changes`, what each operation changed. Its other parts (figures, collection, catalogue,
set-up) build on it."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.application.session.kept_findings import keeping, kept_findings
from esgdesk.errors import EsgdeskError, NotFound
from esgdesk.model.catalogue import Catalogue
from esgdesk.model.entities import EntityInfo
from esgdesk.model.frozen import Frozen
from esgdesk.model.layout import FigureRef
from esgdesk.model.words import counted
from esgdesk.rules.figures import FigureBook
from esgdesk.rules.workspace import FindingsMemory, ValidationRun, Workspace, reporting_years
from esgdesk.storage.health import FileCheck, read_progress
from esgdesk.storage.store import Store, current_user, open_database

if TYPE_CHECKING:
    from esgdesk.exchange.offline import OfflineRequest
    from esgdesk.rules.validation import Finding
    from esgdesk.storage.audit import ChainReport
    from esgdesk.storage.location import Location
    from esgdesk.storage.records import AuditRecord

Progress = Callable[[int, int, str], bool]


LETTING_GO = 0.008  # seconds of a slice spent freeing the figures of the scope left
RETIRED_HELD = 8  # the scopes left whose figures wait to be freed, at most
# A run reading this many entities' figures or more frees the scopes left first, so that
# two groups' figures are never held at once; a smaller one shows its findings first.
FREE_BEFORE_READING = 50
FILE_CHECK_NICENESS = 10  # how much lower the file check's scheduling priority is


# What writing to a database imports (SQLAlchemy, and its driver for the engine).
WRITING_LIBRARIES = {"file": ("sqlalchemy", "sqlalchemy.dialects.sqlite.pysqlite"),
                     "server": ("sqlalchemy", "psycopg", "sqlalchemy.dialects.postgresql.psycopg")}


def _import_all(names: tuple[str, ...]) -> None:
    import importlib

    for name in names:
        with suppress(ImportError):  # the write that needs it says so itself
            importlib.import_module(name)


def settle_memory() -> None:
    """Keep the objects alive now out of the cyclic collector's full passes (gc.freeze):
    a group's figures are hundreds of thousands of records, and each full pass over them
    took a tenth of a second or more (half a second on a large group), several times while
    a tree was read and again at any later moment, a switch or an edit. They are freed all
    the same, by their counts, when let go (a workspace holds no cycle); the young
    generations are collected first, so no cycle just made is kept."""
    import gc

    gc.collect(1)
    gc.freeze()


def release_memory() -> None:
    """Give every object back to the collector (a database closed): any cycle kept by
    `settle_memory` is collected by its next full pass."""
    import gc

    gc.unfreeze()


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


# The roles that may take each of a window's actions that write (on a file, the user is a
# coordinator). A window shows the others disabled, naming who may; the server refuses them
# anyway.
ACTION_ROLES = {
    "make_requests": ("coordinator",), "import_returned": ("coordinator",),
    "approve": ("coordinator",), "lock": ("coordinator",), "send_back": ("coordinator",),
    "import_catalogue": ("coordinator",), "open_year": ("coordinator",),
    "restate": ("coordinator",), "submit": ("coordinator", "contributor"),
    "structure": ("coordinator",),
}
ROLE_WORDS = {"coordinator": ("a coordinator", "协调人"),
              "contributor": ("a contributor", "填报人")}


class SessionCore:
    """One user's work on one database (or a request workbook opened offline): what it holds
    and the operations every part of the session builds on. (Written out, not a dataclass:
    this module is read before the window's first paint.)"""

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
        # The workspaces shown before (and their trends' figures), let go a part at a time:
        # freeing a group's figures takes a tenth of a second or more, which a user would
        # otherwise wait before the new figures or their findings are shown. They go after
        # the new scope's findings, between the user's events (`let_go_a_part`); before a
        # large tree is read, so that two groups' figures are not held at once.
        self._retired: list[tuple[Any, ...]] = []
        self._freeing: list[Iterator[None]] = []  # the first ones', being let go
        # Opened for one command of the command line: closed with no automatic backup.
        self._for_command = False
        # The findings of the scopes shown before on this database, shown again at once
        # when nothing was written since (see FindingsMemory).
        self._findings_memory = FindingsMemory()
        self._warming: threading.Thread | None = None  # see warm_up
        self._keeping: threading.Thread | None = None  # a scope left's findings (see _keep)

    def _retire(self) -> None:
        """The workspace shown is about to be replaced: keep it until it is let go, a part
        at a time (a few kept at most: the oldest beyond them goes at once)."""
        while len(self._retired) >= RETIRED_HELD:
            self._free_oldest(None)
        if self.workspace is not None:
            self._retired.append((self.workspace, self._history))
        self._history = None

    def _let_go(self) -> None:
        """Every workspace retired goes now, its figures with it even where a form out of
        sight still holds it (until shown, when it takes the workspace shown now)."""
        self._free_retired(None)

    def _free_retired(self, budget: float | None) -> bool:
        """Let the retired workspaces go for about `budget` seconds (to the end for None);
        True once they are gone."""
        end = None if budget is None else time.perf_counter() + budget
        while self._retired:
            if not self._free_oldest(end):
                return False
        return True

    def _free_oldest(self, end: float | None) -> bool:
        """Let the oldest retired workspace go until `end` (a perf_counter time; None: to
        the end); True once it is gone."""
        for _ in self._letting_go(0):
            if end is not None and time.perf_counter() >= end:
                return False
        self._retired.pop(0)
        del self._freeing[0]
        return True

    def _letting_go(self, index: int) -> Iterator[None]:
        """The steps freeing a retired workspace's figures, begun once and kept."""
        while len(self._freeing) <= index:
            retired = self._retired[len(self._freeing)][0]
            self._freeing.append(retired.letting_go() if retired is not self.workspace
                                 else iter(()))
        return self._freeing[index]

    def _showing_nothing_retired(self) -> None:
        """Every retired workspace shows nothing from now (a form out of sight that holds
        one shows no figure of the scope left), its figures freed later: each one's
        letting go is begun, and its first step taken."""
        for index in range(len(self._freeing), len(self._retired)):
            next(self._letting_go(index), None)

    def let_go_a_part(self) -> bool:
        """Free a part of the figures of the scopes left (a window calls it between the
        user's events, once the new scope's findings are shown); True once all are gone."""
        gone = self._free_retired(LETTING_GO)
        if gone:
            settle_memory()
        return gone

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
        self._keep(self.workspace, beside=True)
        if self.store is not None:
            self.store.close()
        self._retire()
        self._findings_memory = FindingsMemory()  # another database's scopes
        self.store, self.offline, self.workspace = store, offline, workspace
        self.opened_head = head
        self._years = head, held
        self.validation = None
        self._findings_memory.recall(workspace)  # (none: another database's were let go)
        return SCOPE | Changes(database=True)

    def close(self) -> Path | None:
        """Close the database; an automatic backup first when anything changed (not for a
        request opened offline, whose draft is its own file)."""
        if self.store is None:
            return None
        self.kept_written()
        self._keep(self.workspace)
        store, self.store, self.workspace, self.validation = self.store, None, None, None
        self._retired, self._history, self._freeing = [], None, []
        self._findings_memory = FindingsMemory()
        release_memory()
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
        self._findings_memory = FindingsMemory()
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
            return program, ["check", "--json", "--progress", str(path)]
        return sys.executable, ["-m", "esgdesk", "check", "--json", "--progress", str(path)]

    @staticmethod
    def yield_to_the_window(pid: int) -> None:
        """The file check, running beside the window (seconds of a processor on a large
        file), gives way to it: a lower scheduling priority where the system has one (not
        on Windows, nor where refused)."""
        if pid > 0 and hasattr(os, "setpriority"):
            with suppress(OSError):  # gone already, or not ours to lower
                niceness = os.getpriority(os.PRIO_PROCESS, 0) + FILE_CHECK_NICENESS
                os.setpriority(os.PRIO_PROCESS, pid, min(niceness, 19))

    @staticmethod
    def read_file_check(path: Path, output: str) -> FileCheck | None:
        """The result printed by the file check, or None if it did not finish."""
        try:
            return FileCheck.from_json(path, output.strip().splitlines()[-1])
        except (ValueError, IndexError, KeyError, TypeError):
            return None

    @staticmethod
    def file_check_progress(said: str) -> tuple[str, int | None]:
        """How far a running file check is, from what it has said on standard error: its
        step ("integrity", "figures" or "chain") and, for the chain, the percentage checked
        (None before it has said anything of the chain)."""
        found = read_progress(said)
        if found is None:
            return "integrity", None
        step, done, total = found
        if step != "chain":
            return step, None
        return step, min(100, done * 100 // total) if total else 100

    def file_check_heard(self, path: Path, said: str) -> None:
        """What a running file check of the open database has said: once it is past SQLite's
        integrity check (which it stops at when the file is damaged), the file is sound, and
        a write need not run that check itself (seconds on a large file)."""
        step, _percent = self.file_check_progress(said)
        if step != "integrity" and self.store is not None and str(self.store.path) == str(path):
            self.store.mark_sound()

    def warm_up(self) -> threading.Thread | None:
        """The libraries the open database is written with, imported on a thread of their
        own beside the window (a third of a second that the window would otherwise stop
        for; the window asks once a validation run has ended), so the first edit does not
        wait for them.
        The file's integrity check is left to the file check beside the window (a write
        before that check is past it runs it itself). The thread, or None with no database or
        with them imported already."""
        if self.store is None:
            return None
        names = WRITING_LIBRARIES["server" if self.store.server else "file"]
        if all(name in sys.modules for name in names):
            return None  # imported already
        thread = threading.Thread(target=_import_all, args=(names,), daemon=True,
                                  name="esgdesk: the writing side's libraries")
        thread.start()
        self._warming = thread
        return thread

    def warming_up(self) -> bool:
        """Whether `warm_up`'s thread is still importing (it shares the processor)."""
        return self._warming is not None and self._warming.is_alive()

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

    @staticmethod
    def differs_warning(count: int, first: tuple[str, str]) -> tuple[str, str]:
        """What a window says when figures differ from the audit log (en, zh); `first` is
        the first difference in both."""
        from esgdesk.storage.audit import differs_warning

        return differs_warning(count, first)

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
        """Every entity ever held, in tree order with its depth (for an indented picker: a
        closed site's past years stay within reach)."""
        if self.store is None:
            return []
        tree = self.store.tree()
        return [(entity, tree.depth(entity.code)) for entity in tree]

    def entity_codes(self) -> list[str]:
        """The codes of `entities`, in the same order (a picker's check that the group's
        structure is the one it shows, at every switch)."""
        return list(self.store.tree().by_code) if self.store is not None else []

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
        self._findings_memory.keep(workspace)
        self._keep(workspace, beside=True)
        self._findings_memory.recall(chosen_workspace)
        self._retire()
        self.workspace = chosen_workspace
        self.validation = None
        return SCOPE

    def _rescoped(self, entity: str | None, year: int | None) -> Changes:
        """After a change of what the figures mean: the forms (when open) read again."""
        return self.select(entity, year) if self.workspace is not None else SCOPE

    # -- validation ----------------------------------------------------------------------
    def start_validation(self) -> ValidationRun:
        """Validate the whole tree in slices the caller interleaves with other work. A scope
        whose findings were found before, while nothing was written since, shows them at
        once: found in this session (recalled as it is chosen), else, for a large tree, as
        kept in the cache folder by an earlier opening (kept_findings, recalled here, after
        the window has painted the scope: reading them takes a few tens of milliseconds).
        The run's `findings_complete` says whether they are all shown from its start."""
        workspace = self.require_workspace()
        if not workspace.recalled and not workspace.validated and self.offline is None:
            self.kept_written()  # the scope left may be the one chosen, its file still written
            found = kept_findings(workspace)
            if found is not None:
                workspace.recall(found)
        self.validation = ValidationRun(workspace)
        return self.validation

    def step_validation(self, run: ValidationRun) -> Changes | None:
        """One slice of a run; the findings' change when it ends and is adopted, an empty
        change when it ends unadopted, None while it goes on. While it goes on, the
        findings of the entities evaluated so far are shown now and then (the first ones
        as soon as the first entities are read): the findings' change then, the run still
        current."""
        if run is not self.validation:
            return Changes()  # cancelled, or replaced by a run for another scope
        if self._retired and len(run.workspace.unread()) >= FREE_BEFORE_READING:
            # the scopes left are let go before a large tree is read beside them
            if self._free_retired(LETTING_GO):
                settle_memory()
            return None
        if self._retired:
            self._showing_nothing_retired()
        if not run.step():
            # What the slice read and worked out is kept out of the collector's full passes
            # at once, not only at the run's end: a group's hundreds of thousands of figures
            # read in steps made it pass over them all several times while the tree was read.
            settle_memory()
            if self.workspace is not None and self.workspace.preview(run):
                return Changes(findings=True)
            return None
        self.validation = None
        settle_memory()
        if self.workspace is not None and self.workspace.adopt(run):
            self._keep(self.workspace)  # found from the figures read, and any edits since
            return Changes(findings=True)
        return Changes()

    def _keep(self, workspace: Workspace | None, beside: bool = False) -> None:
        """Keep a large tree's findings in the cache folder under the head they are the
        findings of (kept_findings), when known: as its run ends, and as it is left after
        edits made since (not for a request opened offline, whose draft is its own file).
        `beside`: written on a thread of its own (a scope left for another, or a database
        for another: the switch or the opening does not wait the 60 ms a large group's
        take), which closing the database waits for."""
        if workspace is None or self.offline is not None:
            return
        writing = keeping(workspace)
        if writing is None:
            return
        if beside:
            self._keeping = threading.Thread(target=writing, name="esgdesk-keep-findings",
                                             daemon=True)
            self._keeping.start()
        else:
            writing()

    def kept_written(self) -> None:
        """Wait for the findings of a scope left to be written (see `_keep`)."""
        if self._keeping is not None:
            self._keeping.join()
            self._keeping = None

    def cancel_validation(self) -> None:
        self.validation = None

    def validate_now(self) -> Changes:
        self.cancel_validation()
        self.require_workspace().validate()
        return Changes(findings=True)

    def findings(self) -> list[Finding]:
        return self.workspace.findings() if self.workspace is not None else []

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

