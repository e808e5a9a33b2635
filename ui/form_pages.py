"""The chapters' forms, one page each: built on a chapter's first visit and kept; they follow
the entity, the year and the edition, and redraw the figures a change touched."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from esgdesk.application.session import Changes
from esgdesk.model.catalogue import Catalogue
from ui.chapter_form import ChapterForm
from ui.evidence_drop import FileDrop
from ui.i18n import tr
from ui.operations import SessionOps
from ui.quality_menu import QualityMenu


class FormPages(QStackedWidget):
    """The form shown, or a placeholder while no database is open."""

    figure_shown = Signal(object)  # FigureRef | None: the current cell of the form shown
    figure_selected = Signal(object)  # FigureRef | None: the user moved to another cell
    edit_requested = Signal(object, object)  # FigureRef, str | None
    refused = Signal(str)
    reached_end = Signal()  # past the chapter's last figure

    def __init__(self, ops: SessionOps, department: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.session = ops, ops.session
        self.department = department  # the user's department, "" when none is set
        self.forms: dict[str, ChapterForm] = {}
        self.edition = ""  # the content hash of the edition the forms were built from
        self.tab_chain: tuple[QWidget, QWidget] | None = None
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self.placeholder)
        ops.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        workspace = self.session.workspace
        if changes.scope and workspace is not None:
            self.follow_edition(workspace.catalogue)
            shown = self.currentWidget()
            for form in self.forms.values():  # those out of sight when shown
                form.set_workspace(workspace, defer=form is not shown)
            if changes.database:  # the window shows the chapter asked for
                return
            if self.currentWidget() is self.placeholder:
                self.show_chapter(workspace.catalogue.chapters[0].id)
            form = self.current_form()  # the details follow the cell to the new scope
            self.figure_shown.emit(form.current_figure() if form is not None else None)
        elif changes.figures or changes.reloaded or changes.notes:
            for form in self.forms.values():
                form.refresh()
        elif changes.findings:  # a validation run's: only the cells marked differently
            for form in self.forms.values():
                form.refresh_findings()

    def retranslate(self) -> None:
        self.placeholder.setText(tr("Open a database: File → Open, or File → Open sample"))

    def follow_edition(self, catalogue: Catalogue) -> None:
        """Another edition (another year's, or this year's edited): forms are built anew."""
        if catalogue.content_hash == self.edition:
            return
        self.edition = catalogue.content_hash
        for form in self.forms.values():
            self.removeWidget(form)
            form.deleteLater()
        self.forms.clear()
        self.setCurrentWidget(self.placeholder)

    def chain_tabs(self, before: QWidget, after: QWidget) -> None:
        """Tab leaves a form for `after`, Shift+Tab for `before`."""
        self.tab_chain = before, after

    def show_chapter(self, chapter_id: str) -> ChapterForm | None:
        """Show a chapter's form (built on first visit, kept afterwards)."""
        form = self.form(chapter_id)
        if form is not None:
            form.catch_up()
            self.setCurrentWidget(form)
            self.figure_shown.emit(form.current_figure())
        return form

    def form(self, chapter_id: str) -> ChapterForm | None:
        workspace = self.session.workspace
        if workspace is None:
            return None
        form = self.forms.get(chapter_id)
        if form is None:
            form = ChapterForm(workspace.catalogue.chapter(chapter_id), workspace,
                               self.ops.lang)
            form.edit_requested.connect(self.edit_requested)
            form.figure_selected.connect(self.figure_shown)
            form.figure_selected.connect(self.figure_selected)
            form.refused.connect(self.refused)
            form.reached_end.connect(self.reached_end)
            form.set_department(self.department())
            for view in form.views:  # a file dropped on a cell is that figure's evidence
                FileDrop(self.ops, lambda pos, v=view: v.model().figure(v.indexAt(pos)),
                         view.viewport())
                QualityMenu(self.ops, view)
            self.forms[chapter_id] = form
            self.addWidget(form)
            if self.tab_chain is not None:
                form.chain_tabs(*self.tab_chain)
        return form

    def prebuild(self) -> None:
        """Build the other chapters' forms while the user reads, one per event-loop turn."""
        workspace = self.session.workspace
        if workspace is None:
            return
        for chapter in workspace.catalogue.chapters:
            if chapter.id not in self.forms:
                self.form(chapter.id)
                QTimer.singleShot(0, self.prebuild)
                return

    def current_form(self) -> ChapterForm | None:
        widget = self.currentWidget()
        return widget if isinstance(widget, ChapterForm) else None

    def set_language(self, lang: str) -> None:
        for form in self.forms.values():
            form.set_language(lang)

    def set_department(self, department: str) -> None:
        for form in self.forms.values():
            form.set_department(department)
