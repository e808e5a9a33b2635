"""The detail pane: everything about the selected figure, its note and its history."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from esgdesk.model.layout import FigureRef
from esgdesk.rules.workspace import Workspace


class DetailPane(QWidget):
    note_saved = Signal(object, str)  # FigureRef, note

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ref: FigureRef | None = None
        self.workspace: Workspace | None = None
        self.lang = "zh"
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for key in ("zh", "en", "id", "unit", "type", "owner", "gri", "cass", "formula",
                    "status", "restated", "last_note"):
            value = QLabel()
            value.setWordWrap(True)
            caption = QLabel()
            form.addRow(caption, value)
            self.fields[key], self.captions[key] = value, caption
        layout.addLayout(form)
        self.note_caption = QLabel()
        layout.addWidget(self.note_caption)
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(80)
        layout.addWidget(self.note)
        self.save_note = QPushButton()
        self.save_note.clicked.connect(self._save_note)
        self.reuse_note = QPushButton()
        self.reuse_note.clicked.connect(self._reuse_note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_note)
        buttons.addWidget(self.reuse_note)
        layout.addLayout(buttons)
        self.history_caption = QLabel()
        layout.addWidget(self.history_caption)
        self.history = QTreeWidget()
        self.history.setRootIsDecorated(False)
        layout.addWidget(self.history, 1)
        self.retranslate()
        self.show_figure(None, None)

    def retranslate(self) -> None:
        captions = {
            "zh": self.tr("Label (zh)"), "en": self.tr("Label (en)"), "id": self.tr("Id"),
            "unit": self.tr("Unit"), "type": self.tr("Type"), "owner": self.tr("Owner"),
            "gri": self.tr("GRI"), "cass": self.tr("CASS-ESG 5.0"),
            "formula": self.tr("Formula"), "status": self.tr("Status"),
            "restated": self.tr("Restated"), "last_note": self.tr("Last year's explanation"),
        }
        for key, text in captions.items():
            self.captions[key].setText(text)
        self.note_caption.setText(self.tr("Note / explanation"))
        self.save_note.setText(self.tr("Save note"))
        self.reuse_note.setText(self.tr("Reuse last year's"))
        self.history_caption.setText(self.tr("History"))
        self.history.setHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("Change"),
                                      self.tr("Why")])

    def show_figure(self, ref: FigureRef | None, workspace: Workspace | None) -> None:
        self.ref, self.workspace = ref, workspace
        enabled = ref is not None and workspace is not None
        self.note.setEnabled(enabled and workspace.is_editable(ref))  # type: ignore[union-attr]
        self.save_note.setEnabled(self.note.isEnabled())
        self.reuse_note.setEnabled(self.note.isEnabled() and bool(
            workspace.last_explanation(ref)))  # type: ignore[union-attr,arg-type]
        self.history.clear()
        if not enabled:
            for value in self.fields.values():
                value.setText("")
            self.note.setPlainText("")
            return
        assert ref is not None and workspace is not None
        indicator = workspace.catalogue.indicators[ref.indicator]
        department = workspace.catalogue.departments.get(indicator.owner)
        stored = workspace.stored(ref)
        texts = {
            "zh": indicator.label.zh, "en": indicator.label.en, "id": indicator.id,
            "unit": f"{indicator.unit.zh} / {indicator.unit.en}".strip(" /"),
            "type": f"{indicator.type.name} ({indicator.type.precision})",
            "owner": department(self.lang) if department else indicator.owner,
            "gri": " / ".join(indicator.gri) or "—", "cass": " / ".join(indicator.cass) or "—",
            "formula": indicator.formula.text if indicator.formula else "—",
            "status": f"{stored.status} · {stored.changed_by} · {stored.changed_at[:19]}"
            if stored else "—",
            "restated": self.tr("published: {published} ({why})")
            .replace("{published}", restated[0]).replace("{why}", restated[1])
            if (restated := workspace.restatement(ref)) else "—",
            "last_note": workspace.last_explanation(ref) or "—",
        }
        for key, text in texts.items():
            self.fields[key].setText(text)
        self.note.setPlainText(stored.note if stored else "")
        for record in workspace.store.history(ref.entity, ref.year, ref.indicator):
            if record.action == "status":
                change = f"{record.old_status} → {record.new_status}"
            else:
                change = f"{record.old_value or '—'} → {record.new_value or '—'}"
            self.history.addTopLevelItem(QTreeWidgetItem(
                [record.at[:19].replace("T", " "), record.user, change, record.reason]))

    def _reuse_note(self) -> None:
        if self.ref is not None and self.workspace is not None:
            self.note.setPlainText(self.workspace.last_explanation(self.ref))
            self.note.setFocus()

    def _save_note(self) -> None:
        if self.ref is not None:
            self.note_saved.emit(self.ref, self.note.toPlainText().strip())
