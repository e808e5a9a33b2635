"""The figures one user works on: an entity (with its sites) for a reporting year and two before."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING

from esgdesk.model.catalogue import Catalogue, Chapter, Label, Table
from esgdesk.model.factors import factor_set, factor_set_ids
from esgdesk.model.layout import FORM_YEARS, FigureRef, FormGrid, SiteInfo
from esgdesk.model.restatement import restated_words
from esgdesk.model.states import STATES, is_state_text
from esgdesk.rules.consolidate import NONE, Consolidation, Figure, adds_up, missing_words
from esgdesk.rules.factor_values import FactorValues
from esgdesk.rules.figures import FigureBook, rounded
from esgdesk.rules.validation import SEVERITIES, Finding
from esgdesk.storage.factors import FactorValue
from esgdesk.storage.store import UNLOGGED, PrintedFigure, Store, StoredValue

if TYPE_CHECKING:
    from esgdesk.rules.validation.validator import Validator

IDS = re.compile(r"[a-z_]\w*(?:\.\w+)+")  # an indicator's or a factor's id in a formula


def reporting_years(store: Store) -> tuple[list[int], int]:
    """The years a user may choose (those held, the first, and the one after the latest)
    and the one to start on (the latest held)."""
    held = store.years()
    first = int(store.setting("first_year", "0") or 0)
    latest = max(held) if held else max(first, date.today().year - 1)
    return sorted(set(held) | {latest + 1} | ({first} if first else set())), latest


def region_words(region: str | None, lang: str) -> str:
    """Where a factor is for, in words: a province's or a regional grid's name, "全国" for
    the country; "" when it says nothing."""
    from esgdesk.model.provinces import provinces, regions

    if not region:
        return ""
    if region.upper() == "CN":
        return "全国" if lang == "zh" else "China"
    found = provinces().get(region) or regions().get(region)
    if found is None:
        return region
    return found.zh if lang == "zh" else found.en


class Workspace:
    """Reads once, writes through the store (one audited transaction per change).

    A parent's figures are its children's, consolidated, so the whole tree below the entity
    is read. With `defer_tree` (the window, where the form must show at once) only the
    entity's own figures and its shown sites' are read first: its consolidated figures are
    *pending* until a `ValidationRun`, which reads the tree in steps between events, is
    adopted (or `ensure_tree` reads it at once).
    """

    def __init__(self, store: Store, entity: str, year: int, defer_tree: bool = False,
                 ) -> None:
        self.store = store
        self.catalogue: Catalogue = store.edition(year)
        self.entity = store.entity(entity).code
        self.year = year
        self.years = tuple(range(year - FORM_YEARS + 1, year + 1))
        self._scope = store.tree().subtree(self.entity)
        sites = {code for table in self.catalogue.tables.values() for code in table.sites}
        self._shown = [self.entity] + [c for c in self._scope if c in sites and c != self.entity]
        self.tree_ready = not defer_tree or len(self._scope) == len(self._shown)
        self._edits: list[StoredValue] = []  # the reporting year's figures, as written
        self.reads = 0  # how many times the figures were read (a run sees one reading)
        self.book = FigureBook(self.catalogue, {})
        self.figures: Consolidation | None = None
        self._grids: dict[str, FormGrid] = {}
        self._validator: Validator | None = None
        self._findings: list[Finding] = []
        self._findings_at: dict[tuple[str, str], list[Finding]] = {}
        self._printed: dict[tuple[str, str, int], PrintedFigure] | None = None
        self.read_at = ""  # the audit head before the figures were last read
        # The audit head the figures held are at: read_at, moved on by each write of the
        # reporting year made through this workspace right after it (see `written`); ""
        # once another write came between (anyone's: every write has its audit row).
        self._at_head = ""
        self.recalled = False  # its findings are those a scope found before (FindingsMemory)
        self.reload()

    def reload(self) -> None:
        """Read the figures again (after another user or an import changed them); a
        validation run started before is refused by `adopt`."""
        self.reads += 1
        self.read_at = self._at_head = self.store.audit_head()
        self._printed = None  # read again when first asked
        # the whole subtree (a parent's figures are its children's), or what is shown first
        codes = self._scope if self.tree_ready else self._shown
        self.book = FigureBook(self.catalogue, self.store.figures_of(codes, self.years),
                               FactorValues(self.store))
        self._consolidate()
        if self._validator is not None:
            self._validator = None
            self.validate()

    def _consolidate(self) -> None:
        self.figures = Consolidation(self.store, self.years, self.entity, book=self.book,
                                     catalogue=self.catalogue)

    def let_go(self) -> None:
        """Another workspace replaced this one: its figures and findings go now (a form out
        of sight may hold it until it is shown, and then takes the new one; meanwhile this
        one shows nothing)."""
        self.book = FigureBook(self.catalogue, {})
        self.tree_ready = True
        self._edits, self._validator, self._findings, self._findings_at = [], None, [], {}
        self._consolidate()

    def letting_go(self) -> Iterator[None]:
        """`let_go` at once, the figures it held freed in steps (a part of them in each):
        a group's hundreds of thousands take a tenth of a second to free, longer than a
        switch to another entity may take."""
        book, figures, validator = self.book, self.figures, self._validator
        self.let_go()
        if validator is not None:
            yield from validator.figures.emptied()
        if figures is not None:
            yield from figures.emptied()
        yield from book.emptied()

    def ensure_tree(self) -> bool:
        """Read the figures below the entity now, if they were deferred; True if it did."""
        if self.tree_ready:
            return False
        below = [c for c in self._scope if c not in self._shown]
        self.book.add(self.store.figures_of(below, self.years))
        self.tree_ready = True
        self._consolidate()
        return True

    def unread(self) -> list[str]:
        """The entities whose figures are not read yet (those below, while deferred)."""
        return [] if self.tree_ready else [c for c in self._scope if c not in self._shown]

    def pending(self, ref: FigureRef) -> bool:
        """A figure made from the tree below, not read yet (shown as pending)."""
        if self.tree_ready or ref.entity not in self._scope or ref.entity in self._shown[1:]:
            return False
        if self.figures is not None and self.figures.takes(ref.entity, ref.indicator, ref.year):
            return False
        stored = self.stored(ref)
        return stored is None or stored.value is None or self.is_derived(ref)

    def scope(self) -> list[str]:
        """The entity and every entity under it, in tree order."""
        return list(self._scope)

    @property
    def tree_size(self) -> int:
        """How many entities `scope` holds."""
        return len(self._scope)

    # -- layout ---------------------------------------------------------------
    def grid(self, table: Table) -> FormGrid:
        if table.id not in self._grids:
            self._grids[table.id] = FormGrid(self.catalogue, table, self.entity, self.year,
                                             self.sites_for(table))
        return self._grids[table.id]

    def sites_for(self, table: Table) -> list[SiteInfo]:
        """The table's sites that belong to the chosen entity (or it, if it is one)."""
        sites = []
        for code in table.sites:
            if code in self._scope:
                entity = self.store.entity(code)
                sites.append(SiteInfo(code, Label(entity.name_zh, entity.name_en)))
        return sites

    # -- reading --------------------------------------------------------------
    def stored(self, ref: FigureRef) -> StoredValue | None:
        return self.book.stored(ref.entity, ref.indicator, ref.year)

    def figure(self, ref: FigureRef) -> Figure:
        """A numeric figure as stored, consolidated or computed, whole or not (nothing while
        it is pending: see `pending`)."""
        if self.figures is None or not self.catalogue.indicators[ref.indicator].type.numeric \
                or self.pending(ref):
            return NONE
        if not self.tree_ready and ref.entity == self.entity:  # its own, the tree unread
            number = self.book.readable(ref.entity, ref.year).get(ref.indicator)
            if number is not None:
                return Figure(number)
            return Figure(None, ((ref.entity, ref.indicator),)) \
                if self.figures.takes(ref.entity, ref.indicator, ref.year) else NONE
        return self.figures.figure(ref.entity, ref.indicator, ref.year)

    def number(self, ref: FigureRef) -> Decimal | None:
        """A numeric figure when it is whole (stored, consolidated or computed)."""
        found = self.figure(ref)
        return found.number if found.complete else None

    def is_consolidated(self, ref: FigureRef) -> bool:
        """A typed figure this entity shows from its children (it is typed below it)."""
        assert self.figures is not None
        return not self.is_derived(ref) \
            and not self.figures.takes(ref.entity, ref.indicator, ref.year) \
            and self.figures.applies(ref.entity, ref.indicator, ref.year)

    def takes(self, ref: FigureRef) -> bool:
        """Whether the figure is typed at this entity (else it is shown, read-only)."""
        assert self.figures is not None
        return self.figures.takes(ref.entity, ref.indicator, ref.year)

    def incomplete_words(self, ref: FigureRef, lang: str) -> str:
        """What a total lacks ("东莞：柴油消耗量"), '' when it is whole or there is nothing."""
        found = self.figure(ref)
        if not found.missing:
            return ""
        names = self.store.tree().names()
        return missing_words(found.missing, names, self.catalogue, lang)

    def printed(self, ref: FigureRef) -> PrintedFigure | None:
        """How the report prints a computed figure otherwise than computed (a percentage
        rounded so its column adds up to 100 %), with why; None when it prints as computed.
        Read for the whole scope when first asked after a reading."""
        if self._printed is None:
            self._printed = self.store.printed_figures(self._scope, self.years)
        return self._printed.get((ref.entity, ref.indicator, ref.year))

    def origin(self, ref: FigureRef, lang: str) -> list[str]:
        """Where a figure shown but not typed here comes from, what a total lacks, and how
        the report prints a computed figure otherwise, as lines in the interface's language
        (for the cell's tooltip and the details)."""
        lines: list[str] = []
        printed = self.printed(ref) if self.is_derived(ref) else None
        if printed is not None:
            indicator = self.catalogue.indicators[ref.indicator]
            shown = indicator.type.format(printed.printed)
            lines.append(f"报告印为 {shown}（计算值 {self.display(ref) or '—'}）：{printed.reason}"
                         if lang == "zh" else
                         f"Printed as {shown} (computed {self.display(ref) or '—'}): "
                         f"{printed.reason}")
        if self.figures is not None and self.is_consolidated(ref) and self.stored(ref) is None:
            below = self.figures.entering(ref.entity, ref.indicator, ref.year)
            names = ", ".join(self.store.entity(c).name(lang) for c in below[:6])
            if len(below) > 6:
                names += f" … ({len(below)})"
            lines.append(f"由下级合并（{names}）：只读，请在下级填报" if lang == "zh" else
                         f"Consolidated from {names}: read only, typed there")
        elif self.figures is not None and self.is_consolidated(ref):
            lines.append("按已发布数据保存在本级；与下级合并数比较" if lang == "zh" else
                         "Held here as published; compared with its children's consolidation")
        missing = self.incomplete_words(ref, lang)
        if missing:
            lines.append(f"不完整，缺：{missing}" if lang == "zh" else
                         f"Incomplete; missing: {missing}")
        return lines

    def display(self, ref: FigureRef, lang: str | None = None) -> str:
        """The figure as the report prints it (1,226 · 29.86 · ✓), or '' when there is none;
        a total with parts missing shows what is there as a floor (≥1,226), a ratio with an
        input missing "…". In a language, a state and a text figure are said in it ("n/a");
        without one, a state in both; a state follows the mark the report prints for it
        ("/ n/a", the edition's `marks`)."""
        indicator = self.catalogue.indicators[ref.indicator]
        if indicator.derived or (indicator.type.numeric and self.stored(ref) is None):
            if self.pending(ref):
                return "…"
            found = self.figure(ref)
            if found.number is None:
                return ""
            shown = indicator.type.format(str(rounded(indicator, found.number)))
            if not found.missing:
                return shown
            # what is there of a sum is a floor ("≥1,283.88"); of a ratio, nothing yet
            return f"≥{shown}" if adds_up(indicator) else "…"
        stored = self.stored(ref)
        if stored is not None and stored.state != "value":
            state = STATES[stored.state]
            said = state.word(lang) if lang is not None else state.label
            # the mark the report prints for it ("/"), beside the word that says what it is
            mark = self.catalogue.marks.get(stored.state, "")
            return f"{mark} {said}" if mark and mark.casefold() != said.casefold() else said
        if stored is None or stored.value is None:
            return ""
        if lang is not None:
            return indicator.type.display(stored.value, lang)
        return indicator.type.format(stored.value)

    def edit_text(self, ref: FigureRef) -> str:
        """The figure as an editor starts with it: unformatted, full precision."""
        stored = self.stored(ref)
        if stored is not None and stored.state != "value":
            return STATES[stored.state].text
        return stored.value if stored is not None and stored.value is not None else ""

    def last_explanation(self, ref: FigureRef) -> str:
        """Last year's note on the same figure, carried forward beside this year's."""
        if ref.year != self.year:
            return ""
        last = self.book.stored(ref.entity, ref.indicator, ref.year - 1)
        return last.note if last is not None else ""

    def restatement(self, ref: FigureRef, lang: str) -> tuple[str, str] | None:
        """(what was published, why it was restated: the kind, what changed and the reason,
        in a language) for a restated figure."""
        stored = self.stored(ref)
        if stored is None or stored.published is None:
            return None
        spec = self.catalogue.indicators[ref.indicator]
        published = stored.published
        if not is_state_text(published):
            published = spec.type.format(published)
        kind, why = restated_words(stored.restated, lang)
        return published, f"{kind}：{why}" if lang == "zh" else f"{kind}: {why}"

    def factor_trace(self, ref: FigureRef) -> list[tuple[str, FactorValue | None]]:
        """The factors a computed figure was made with, as its formula names them
        ("grid"), each with the stored factor it took (its value, unit and source), or
        None where the year has none."""
        indicator = self.catalogue.indicators[ref.indicator]
        if indicator.formula is None:
            return []
        values = self._factor_values()
        stored = self.store.factors(ref.year)
        return [(name, stored.get(values.resolve(ref.entity, ref.year, name)))
                for name in indicator.formula.factors]

    def method_lines(self, ref: FigureRef, lang: str) -> list[str]:
        """How a computed figure was made, for the details: its formula, the choices of
        the method in force, and each factor with its value, data year and source (for a
        grid factor: why it is the province's, the region's or the national one)."""
        indicator = self.catalogue.indicators[ref.indicator]
        if indicator.formula is None:
            return []
        return [indicator.formula.words(lambda token: self._token_words(token, lang)),
                *self._factor_values().describe(ref.entity, ref.year,
                                                indicator.formula.factors, lang)]

    def _token_words(self, token: str, lang: str) -> str:
        """A formula's id in words: an indicator's label in the language, a factor as
        such ("因子 ncv.diesel", "factor ncv.diesel")."""
        if token.startswith("factor."):
            return ("因子 " if lang == "zh" else "factor ") + token.removeprefix("factor.")
        known = self.catalogue.indicators.get(token)
        return known.label(lang) if known is not None else token

    def computed_sentence(self, ref: FigureRef, lang: str) -> str:
        """A computed figure read as a sentence: its formula with each figure and factor
        replaced by its value and unit, a factor with its data year and the set it comes
        from in words, then the result ("外购电网电力 1,200,000 千瓦时 × 0.4419 kg/kWh (广东,
        2023 年, 2023年电力二氧化碳排放因子（生态环境部、国家统计局）) ÷ 1000 = 530.28
        吨二氧化碳当量"); "" for a typed one."""
        indicator = self.catalogue.indicators[ref.indicator]
        if indicator.formula is None:
            return ""
        factors = dict(self.factor_trace(ref))
        known_sets = set(factor_set_ids())

        def figure_words(indicator_id: str) -> str:
            part = self.catalogue.indicators[indicator_id]
            number = self.figure(FigureRef(ref.entity, ref.year, indicator_id)).number
            shown = "—" if number is None else part.type.format(str(rounded(part, number)))
            return f"{part.label(lang)} {shown} {part.unit(lang)}".strip()

        def factor_words(name: str) -> str:
            factor = factors.get(name)
            if factor is None or factor.value is None:
                return f"({name}: {'无' if lang == 'zh' else 'none'})"
            where = [place] if (place := region_words(factor.region, lang)) else []
            if factor.data_year is not None:
                where.append(f"{factor.data_year} 年" if lang == "zh" else str(factor.data_year))
            if factor.set_id in known_sets:
                title = factor_set(factor.set_id).title
                where.append(title.get(lang) or title.get("en") or factor.set_id)
            return f"{factor.value_text} {factor.unit} ({', '.join(where)})"

        def word(match: re.Match[str]) -> str:
            token = match.group(0)
            if token.startswith("factor."):
                return factor_words(token.removeprefix("factor."))
            if token in self.catalogue.indicators:
                return figure_words(token)
            return token

        text = IDS.sub(word, indicator.formula.text)
        text = text.replace(" * ", " × ").replace(" / ", " ÷ ")
        return f"{text} = {self.display(ref, lang) or '—'} {indicator.unit(lang)}".strip()

    def _factor_values(self) -> FactorValues:
        found = self.book.factors
        return found if isinstance(found, FactorValues) else FactorValues(self.store)

    def is_derived(self, ref: FigureRef) -> bool:
        return self.catalogue.indicators[ref.indicator].derived

    def is_locked(self, ref: FigureRef) -> bool:
        stored = self.stored(ref)
        return stored is not None and stored.status == "locked"

    def is_editable(self, ref: FigureRef) -> bool:
        return ref.year == self.year and not self.is_derived(ref) and not self.is_locked(ref) \
            and self.takes(ref) and self.may_write(ref)

    def may_write(self, ref: FigureRef) -> bool:
        """Whether the user's role on a server lets it change this figure (always, on a
        file): a contributor only its departments' figures, never an approved one. The
        server refuses the rest in the end; this greys out what it would refuse."""
        if not self.store.may_write(self.catalogue.indicators[ref.indicator].owner):
            return False
        if self.store.server_role()[0] == "coordinator":
            return True
        stored = self.stored(ref)
        return stored is None or stored.status not in ("approved", "locked")

    # -- writing --------------------------------------------------------------
    def version_read(self, ref: FigureRef) -> int:
        """The version of a figure as the forms read it (0: none was held), for a write to
        refuse when someone changed it since."""
        current = self.stored(ref)
        return current.version if current else 0

    def set_note(self, ref: FigureRef, note: str, user: str) -> StoredValue:
        current = self.stored(ref)
        stored = self.store.set_note(ref.entity, ref.year, ref.indicator, note, user,
                                     expected_version=current.version if current else 0)
        self.written(ref, stored)
        return stored

    def written(self, ref: FigureRef, stored: StoredValue) -> None:
        """Take a figure just written through the session: held as stored, its findings
        checked again."""
        heads = self.store.last_write  # the audit head before and after the write
        if ref.year != self.year or heads is None:
            self._at_head = ""  # findings that do not follow it, or a head not known
        elif heads != UNLOGGED:  # (a write of nothing new leaves the head where it was)
            self._at_head = heads[1] if self._at_head and heads[0] == self._at_head else ""
        self.book.put(stored)
        if self.figures is not None:
            self.figures.forget(ref.entity, ref.year)
        if ref.year == self.year:
            self._edits.append(stored)
            if self._validator is not None:
                self._index(self._validator.update(stored))

    def evidence_changed(self, ref: FigureRef) -> None:
        """A document was attached to a figure or removed from it: its findings checked
        again."""
        if ref.year == self.year and self._validator is not None:
            self._index(self._validator.update_evidence(ref.entity, ref.indicator))

    # -- findings -------------------------------------------------------------------
    def validate(self) -> list[Finding]:
        """Validate the reporting year of the entity and everything under it."""
        if self._validator is None:
            from esgdesk.rules.validation.validator import Validator  # after the first paint

            self.ensure_tree()
            self._validator = Validator(self.store, self.year, self.entity, book=self.book)
            self._index(self._validator.run())
        return self._findings

    def findings(self) -> list[Finding]:
        return self._findings

    def recall(self, findings: list[Finding]) -> None:
        """Show the findings a scope found before, while nothing was written since (see
        FindingsMemory): its run hands the same ones at its end."""
        self.recalled = True
        self._index(findings)

    @property
    def edits_made(self) -> int:
        """How many figures of the reporting year were written through this workspace."""
        return len(self._edits)

    @property
    def validated(self) -> bool:
        return self._validator is not None

    @property
    def findings_head(self) -> str:
        """The audit head whose figures the findings shown are exactly the findings of:
        the head read before the figures were, moved on by each edit of the reporting year
        made here since (a write of one figure, its rules run again at once, or when the
        run that was reading the tree ends), provided nobody wrote in between; "" when not
        validated or not known (another write came between, a figure of another year was
        written, or a write failed)."""
        return self._at_head if self._validator is not None else ""

    def adopt(self, run: ValidationRun) -> bool:
        """Take the findings of a finished validation run: the edits made while it ran
        are re-validated now. False if it has not finished, belongs to another workspace,
        this one was validated meanwhile, or its figures were read again since it began."""
        validator = run.validator
        if run.workspace is not self or validator is None or self._validator is not None \
                or run.reads != self.reads:
            return False
        if not self.tree_ready:  # the run read the tree below into this workspace's book
            self.tree_ready = True
            self._consolidate()
        latest = {(s.entity, s.indicator): s for s in self._edits[run.edits_seen:]}
        for written in latest.values():
            validator.update(written)
        if self.figures is not None:  # the years the run worked out are not worked out again
            self.figures.take_worked_out(validator.figures)
        self._validator = validator
        self._index(validator.findings())
        return True

    def preview(self, run: ValidationRun) -> bool:
        """Show the findings a run of this reading has found so far, when it has new ones
        to show (see `ValidationRun.so_far`); `adopt` takes them all at its end."""
        if run.workspace is not self or self._validator is not None or run.reads != self.reads:
            return False
        found = run.so_far()
        if found is None:
            return False
        self._index(found)
        return True

    def findings_at(self, ref: FigureRef) -> list[Finding]:
        """Findings that involve a figure (reporting year only), worst first."""
        if ref.year != self.year:
            return []
        return self._findings_at.get((ref.entity, ref.indicator), [])

    def _index(self, findings: list[Finding]) -> None:
        self._findings = findings
        self._findings_at = {}
        for finding in findings:
            for indicator in finding.indicators:
                self._findings_at.setdefault((finding.entity, indicator), []).append(finding)
        order = {s: n for n, s in enumerate(SEVERITIES)}
        for found in self._findings_at.values():
            found.sort(key=lambda f: (f.explained, order[f.severity]))

    # -- progress ---------------------------------------------------------------
    def completion(self, table: Table) -> tuple[int, int]:
        """(filled, required) typed figures of the reporting year in a table."""
        refs = [r for r in self.grid(table).figures(current_only=True)
                if not self.is_derived(r) and self.takes(r)]  # what is typed here
        filled = sum(1 for r in refs if (s := self.stored(r)) is not None
                     and (s.value is not None or s.state != "value"))
        return filled, len(refs)

    def chapter_completion(self, chapter: Chapter) -> tuple[int, int]:
        seen: set[FigureRef] = set()
        filled = required = 0
        for table in chapter.tables:
            for ref in self.grid(table).figures(current_only=True):
                if ref in seen or self.is_derived(ref) or not self.takes(ref):
                    continue
                seen.add(ref)
                required += 1
                stored = self.stored(ref)
                filled += stored is not None and (stored.value is not None
                                                  or stored.state != "value")
        return filled, required


# While a run goes on, the findings so far are shown when the first entities are evaluated
# and again halfway: each showing redraws the findings and the form (a tenth of a second on
# a large group), so they are counted by the work done, not by the clock.
PREVIEWS = (0.0, 0.5)  # the share of the entities evaluated at each showing
# Only a large tree's run shows findings before its end: a small one ends within a few
# slices, and its findings then take every edit made meanwhile at once.
PREVIEW_ENTITIES = 50


class ValidationRun:
    """Validating a workspace's whole tree in small steps (an entity's figures read, or
    its rules evaluated), so a window can interleave it with the user's work without a
    thread. `Workspace.adopt` takes the result; edits made meanwhile are re-validated then.

    The years the validation reads (the reporting year and the one before) are read first;
    once every rule is evaluated (`checked`) the findings are all shown, and the form's
    earlier years of the tree are read after them: a large group's findings do not wait
    for a year no rule reads."""

    def __init__(self, workspace: Workspace) -> None:
        from esgdesk.rules.validation.validator import Validator  # after the first paint

        self.workspace = workspace
        self.edits_seen = workspace.edits_made
        self.reads = workspace.reads
        self.validator: Validator | None = None
        unread = workspace.unread()  # read in steps, into the workspace's own book
        checking = tuple(y for y in workspace.years if y >= workspace.year - 1)
        rest = [y for y in workspace.years if y not in checking] if unread else []
        self._pending = Validator(workspace.store, workspace.year, workspace.entity,
                                  read=not unread, book=workspace.book, unread=unread,
                                  read_years=checking if rest else workspace.years)
        self._steps = chain(self._pending.steps(), self._reading_rest(unread, rest))
        self.done = False
        self.checked = False  # every rule evaluated; the form's earlier years may be unread
        self._checked_shown = False
        self._previews = list(PREVIEWS)  # those still to show

    def _reading_rest(self, unread: list[str], years: list[int]) -> Iterator[str]:
        """After the rules: the tree's figures of the form's years no rule reads, an entity
        at a time (as the validator reads the others)."""
        self.checked = True
        if not years:
            return
        yield ""  # the slice ends with the findings all found, to show them at once
        store, book = self.workspace.store, self.workspace.book
        for entity in unread:
            book.add_rows(entity, store.rows_of(entity, years, keep=False))
            yield entity

    def so_far(self) -> list[Finding] | None:
        """The findings of the entities evaluated so far, when it is time to show them (see
        PREVIEWS; a tree of PREVIEW_ENTITIES or more): the first as soon as the first
        entities are read and evaluated (from the bottom of the tree up, the rest still
        being read), and all of them once every rule is evaluated, while the form's earlier
        years are still being read; None otherwise."""
        pending = self._pending
        if len(pending.order) < PREVIEW_ENTITIES or self.done or self.workspace.recalled:
            return None  # (a scope's findings recalled are all shown already)
        if self.checked:
            if self._checked_shown:
                return None
            self._checked_shown = True
            return pending.findings()
        if not pending.evaluated or not pending.results or not self._previews \
                or pending.evaluated <= self._previews[0] * len(pending.order):
            return None
        while self._previews and pending.evaluated > self._previews[0] * len(pending.order):
            self._previews.pop(0)
        return pending.findings()

    @property
    def findings_complete(self) -> bool:
        """Whether every finding of the run has been handed out (by `so_far` or at its end):
        what is left is reading the form's earlier years."""
        return self.done or self._checked_shown or self.workspace.recalled

    def step(self, budget: float = 0.015) -> bool:
        """Work for about `budget` seconds; True once every entity is validated and the
        form's years are all read."""
        end = time.perf_counter() + budget
        for _ in self._steps:
            if time.perf_counter() >= end or (self.checked and not self.findings_complete
                                              and len(self._pending.order)
                                              >= PREVIEW_ENTITIES):
                return False
        self.validator, self.done = self._pending, True
        return True


class FindingsMemory:
    """The findings of the scopes (an entity and year) validated before on one database in
    a session, each with the audit head they are the findings of (`findings_head`: the one
    read before its figures were, or the one its own edits left): a scope chosen again
    while nothing was written since (every write has its audit row, so the head is the
    same) shows them at once, instead of after its tree is read and checked again (a few
    seconds on a large group). Its run still reads the tree, for the forms' consolidated
    figures and the edits to come, and ends with the same findings. A scope whose head is
    not known (another write came between its own) is not kept."""

    # Kept from the latest scope left back, up to so many findings in all (some ten
    # megabytes; a group of 451 entities has five or six thousand, a company a dozen) and
    # so many scopes: a coordinator goes from the group through its companies and back.
    HELD_FINDINGS = 20_000
    HELD_SCOPES = 64

    def __init__(self) -> None:
        self._held: dict[tuple[str, int, str], tuple[str, list[Finding]]] = {}

    def keep(self, workspace: Workspace | None) -> None:
        """Keep the findings of a scope about to be left, when it was validated."""
        if workspace is None or not workspace.findings_head:
            return
        key = (workspace.entity, workspace.year, workspace.catalogue.content_hash)
        self._held.pop(key, None)
        self._held[key] = (workspace.findings_head, workspace.findings())
        held = sum(len(findings) for _head, findings in self._held.values())
        while len(self._held) > 1 and (len(self._held) > self.HELD_SCOPES
                                       or held > self.HELD_FINDINGS):
            oldest = next(iter(self._held))
            held -= len(self._held.pop(oldest)[1])

    def recall(self, workspace: Workspace) -> bool:
        """Show a scope's findings kept before, if nothing was written since its figures
        were read then; True if it did."""
        found = self._held.get((workspace.entity, workspace.year,
                                workspace.catalogue.content_hash))
        if found is None or found[0] != workspace.read_at:
            return False
        workspace.recall(found[1])
        return True
