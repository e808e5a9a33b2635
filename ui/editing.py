"""Editing figures in the forms: each committed cell is written at once (its own transaction)
and made undoable (the undo history is the scope's: another entity, year or database starts
it anew); a figure someone else changed meanwhile asks which to keep."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QStatusBar, QWidget

from esgdesk.application.session import Changes
from esgdesk.errors import EsgdeskError, StaleValue
from esgdesk.model.catalogue import Indicator
from esgdesk.model.layout import FigureRef
from esgdesk.model.states import STATES, special_state
from esgdesk.model.types import Entry, ValueRefused
from ui.form_pages import FormPages
from ui.i18n import tr
from ui.operations import SessionOps
from ui.validation_runner import ValidationRunner


def shown_as(indicator: Indicator, text: str | None, lang: str) -> str:
    """What was typed, as the form shows it ("4200" → "4,200", "n/a" → "不适用")."""
    if not text:
        return "—"
    state = special_state(text)
    if state is not None:
        return STATES[state].name(lang)
    try:
        return indicator.type.format(indicator.type.parse(text))
    except ValueRefused:
        return text


class SetFigureCommand(QUndoCommand):
    """One committed cell; undo and redo write again (each audited) and show the cell."""

    def __init__(self, editor: Editor, ref: FigureRef, old: str | None,
                 new: str | None) -> None:
        super().__init__()
        self.editor, self.ref, self.old, self.new = editor, ref, old, new
        self.first = True  # the write happened before the command was pushed
        self.setText(self.describe(editor.ops.lang))

    def describe(self, lang: str) -> str:
        """The change in the user's words: "员工总数 4,106 → 4,200"."""
        indicator = self.editor.session.catalogue.indicators[self.ref.indicator]
        return (f"{indicator.label(lang)} {shown_as(indicator, self.old, lang)} → "
                f"{shown_as(indicator, self.new, lang)}")

    def redo(self) -> None:
        if self.first:
            self.first = False
            return
        self.editor.write(self.ref, self.new)
        self.editor.reveal(self.ref)

    def undo(self) -> None:
        self.editor.write(self.ref, self.old)
        self.editor.reveal(self.ref)


class Editor(QObject):
    def __init__(self, ops: SessionOps, pages: FormPages, validation: ValidationRunner,
                 status: QStatusBar, jump_to: Callable[[str, str | None], bool],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.ops, self.session = ops, ops.session
        self.pages, self.validation, self.status = pages, validation, status
        self.jump_to = jump_to  # shows an indicator's cell, at an entity
        self.dialog_parent = parent
        self.undo_stack = QUndoStack(self)
        ops.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        if changes.scope:
            self.undo_stack.clear()

    def commit_edit(self, ref: FigureRef, text: str | None, entry: Entry | None = None) -> None:
        """A cell was committed: write it now (autosave), then make it undoable. `entry` is
        what the cell parsed the text into, written as it is (None: parsed on writing)."""
        workspace = self.session.require_workspace()
        old = workspace.edit_text(ref) or None
        if self.write(ref, text, entry):
            self.undo_stack.push(SetFigureCommand(self, ref, old, text))

    def reveal(self, ref: FigureRef) -> None:
        """Scroll to and select the cell of a figure just changed by undo or redo."""
        form = self.pages.current_form()
        if form is None or not form.select_figure(ref):
            self.jump_to(ref.indicator, ref.entity)

    def undo_texts(self) -> tuple[str, str]:
        """The Edit menu's undo and redo items, naming the change in the interface language."""
        stack, lang = self.undo_stack, self.ops.lang
        undo = stack.command(stack.index() - 1) if stack.canUndo() else None
        redo = stack.command(stack.index()) if stack.canRedo() else None
        return (tr("&Undo {change}").replace("{change}", undo.describe(lang))
                if isinstance(undo, SetFigureCommand) else tr("&Undo"),
                tr("&Redo {change}").replace("{change}", redo.describe(lang))
                if isinstance(redo, SetFigureCommand) else tr("&Redo"))

    def write(self, ref: FigureRef, text: str | None, entry: Entry | None = None) -> bool:
        """Write one figure in its own transaction; say clearly when it cannot be."""
        ops = self.ops
        try:
            changes = self.session.set_figure(ref, text, entry=entry)
        except StaleValue as stale:
            if not self.keep_mine(ref, stale, text):
                ops.announce(self.session.take_theirs())
                self.status.showMessage(tr("Took {who}'s figure").replace(
                    "{who}", stale.changed_by), 8000)
                return False
            return ops.run(lambda: self.session.set_figure(ref, text, overwrite=True,
                                                           entry=entry))
        except EsgdeskError as exc:  # the figures were read again
            if self.validation.running():  # it read the figures before they changed
                self.validation.start()
            ops.announce(Changes(reloaded=True))
            ops.refuse(exc)
            return False
        ops.announce(changes)
        return True

    def keep_mine(self, ref: FigureRef, stale: StaleValue, mine: str | None) -> bool:
        """Someone changed the figure since it was read: say who and when, and let the user
        keep their own figure or take the other one."""
        from PySide6.QtWidgets import QMessageBox

        current = self.session.current(ref)
        theirs = (self.session.catalogue.indicators[ref.indicator].type.format(current.value)
                  if current is not None and current.value is not None else "—")
        box = QMessageBox(QMessageBox.Icon.Question, "esgdesk", tr(
            "{who} changed this figure to {theirs} at {when}, after you opened it.\n"
            "Keep your {mine}, or take {theirs}?").replace("{who}", stale.changed_by)
            .replace("{when}", stale.changed_at[:19].replace("T", " "))
            .replace("{theirs}", theirs).replace("{mine}", mine or "—"),
            parent=self.dialog_parent)
        keep = box.addButton(tr("Keep mine"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("Take theirs"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is keep

    def save_note(self, ref: FigureRef, note: str) -> None:
        self.ops.run(lambda: self.session.set_note(ref, note))

    def restate(self, ref: FigureRef | None, answer: tuple[str, str, str] | None = None,
                ) -> bool:
        """Change a locked (published) figure as a restatement (GRI 2-4)."""
        from PySide6.QtWidgets import QDialog, QMessageBox

        from ui.dialogs import RestateDialog

        workspace = self.session.workspace
        if ref is None or workspace is None:
            return False
        if not workspace.is_locked(ref):
            QMessageBox.information(self.dialog_parent, "esgdesk", tr(
                "Select a locked (published) figure to restate; other figures are simply "
                "changed in the form."))
            return False
        if answer is None:
            lang = self.ops.lang
            label = self.session.catalogue.indicators[ref.indicator].label(lang)
            dialog = RestateDialog(f"{label} · {ref.year}", workspace.display(ref),
                                   self.session.restatement_kinds(), lang,
                                   self.dialog_parent)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            answer = dialog.values()
        value, kind, reason = answer
        return self.ops.run(lambda: self.session.restate(ref, value, kind, reason))
