"""The detail pane: everything about the selected figure — its trend, its findings, its
labels and references, its note and its history — in a pane that scrolls rather than clips."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from esgdesk.application.session import Changes, Trend
from esgdesk.model.evidence import QUALITIES, quality_words
from esgdesk.model.layout import FigureRef
from esgdesk.model.states import STATES
from esgdesk.rules.workspace import Workspace
from ui.evidence_drop import FileDrop
from ui.i18n import finding_line, status_word
from ui.operations import SessionOps
from ui.trend_chart import TrendChart

DETAIL_WIDTH = 250  # on the first run; the dock keeps the width the user gives it
FIELDS = ("zh", "en", "id", "unit", "type", "owner", "gri", "cass", "formula", "status",
          "restated", "last_note", "quality", "evidence")


def _wrapping(label: QLabel) -> QLabel:
    """A label that wraps to the pane's width instead of widening it."""
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class DetailPane(QScrollArea):
    note_saved = Signal(object, str)  # FigureRef, note

    def __init__(self, ops: SessionOps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = ops.session
        self.ops = ops
        self.ref: FigureRef | None = None
        self.workspace: Workspace | None = None
        self.trend_of: Callable[[FigureRef], Trend] | None = ops.session.trend
        self.lang = ops.lang
        self.setWidgetResizable(True)  # as wide as the pane; scrolls sideways only when the
        # pane is narrower than its widest row (two buttons side by side)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.title = _wrapping(QLabel())
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.trend = TrendChart()
        layout.addWidget(self.trend)
        self.change = _wrapping(QLabel())
        layout.addWidget(self.change)
        self.findings = _wrapping(QLabel())
        self.findings.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.findings)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for key in FIELDS:
            value, caption = _wrapping(QLabel()), QLabel()
            caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            form.addRow(caption, value)
            self.fields[key], self.captions[key] = value, caption
        layout.addLayout(form)
        self.note_caption = QLabel()
        layout.addWidget(self.note_caption)
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(80)
        layout.addWidget(self.note)
        self.save_note = QPushButton()
        self.save_note.clicked.connect(self._save_note)
        self.reuse_note = QPushButton()
        self.reuse_note.clicked.connect(self._reuse_note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_note)
        buttons.addWidget(self.reuse_note)
        layout.addLayout(buttons)
        # How the figure was obtained: measured, calculated or estimated, and its button; the
        # method below them, as wide as the pane (on one line the three are wider than the
        # pane's first width in English).
        self.quality = QComboBox()
        self.method = QLineEdit()
        self.save_quality = QPushButton()
        self.save_quality.clicked.connect(self._save_quality)
        obtained = QHBoxLayout()
        obtained.addWidget(self.quality, 1)
        obtained.addWidget(self.save_quality)
        layout.addLayout(obtained)
        layout.addWidget(self.method)
        self.history_caption = QLabel()
        layout.addWidget(self.history_caption)
        self.history = QTreeWidget()
        self.history.setRootIsDecorated(False)
        self.history.setMinimumHeight(120)
        layout.addWidget(self.history, 1)
        self.setWidget(body)
        FileDrop(ops, lambda _pos: self.ref, body)  # a file dropped here backs the figure shown
        self.retranslate()
        ops.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        """The figure shown, redrawn when a change touched it (a new scope brings the form's
        current cell: `show_current`)."""
        if changes.touches(self.ref) and not changes.scope:
            self.show_figure(self.ref, self.session.workspace)

    def show_current(self, ref: FigureRef | None) -> None:
        """The details of the form's current cell."""
        self.show_figure(ref, self.session.workspace)

    def retranslate(self) -> None:
        captions = {
            "zh": self.tr("Label (zh)"), "en": self.tr("Label (en)"), "id": self.tr("Id"),
            "unit": self.tr("Unit"), "type": self.tr("Type"), "owner": self.tr("Owner"),
            "gri": self.tr("GRI"), "cass": self.tr("CASS-ESG 5.0"),
            "formula": self.tr("Formula"), "status": self.tr("Status"),
            "restated": self.tr("Restated"), "last_note": self.tr("Last year's explanation"),
            "quality": self.tr("Obtained"), "evidence": self.tr("Evidence"),
        }
        for key, text in captions.items():
            self.captions[key].setText(text)
        self.note_caption.setText(self.tr("Note / explanation"))
        self.save_note.setText(self.tr("Save note"))
        self.save_quality.setText(self.tr("Save how obtained"))
        self.method.setPlaceholderText(self.tr("An estimate's method"))
        chosen = self.quality.currentData()
        self.quality.clear()
        self.quality.addItem("—", "")
        for quality in QUALITIES:
            self.quality.addItem(quality_words(quality, self.lang), quality)
        self.quality.setCurrentIndex(max(self.quality.findData(chosen), 0))
        self.reuse_note.setText(self.tr("Reuse last year's"))
        self.history_caption.setText(self.tr("History"))
        self.history.setHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("Change"),
                                      self.tr("Why")])
        self.trend.empty_text = self.tr("No figures held in any year")
        self.show_figure(self.ref, self.workspace)

    def sizeHint(self) -> QSize:
        return QSize(DETAIL_WIDTH, 480)

    def take_focus(self) -> None:
        """Focus the note when it may be written, else the pane (to scroll it)."""
        (self.note if self.note.isEnabled() else self).setFocus(Qt.FocusReason.OtherFocusReason)

    def show_figure(self, ref: FigureRef | None, workspace: Workspace | None) -> None:
        enabled = ref is not None and workspace is not None
        if not enabled and self.ref is None and not self.title.text():
            self.workspace = workspace  # nothing shown, nothing to clear
            return
        if ref != self.ref:  # another figure's details start at their top
            self.verticalScrollBar().setValue(0)
        self.ref, self.workspace = ref, workspace
        self.note.setEnabled(enabled and workspace.is_editable(ref))  # type: ignore[union-attr]
        self.save_note.setEnabled(self.note.isEnabled())
        stored = workspace.stored(ref) if enabled else None  # type: ignore[union-attr,arg-type]
        for widget in (self.quality, self.method, self.save_quality):
            widget.setEnabled(self.note.isEnabled() and stored is not None
                              and stored.value is not None)
        quality, method = self.session.quality_of(ref) if enabled else ("", "")  # type: ignore[arg-type]
        self.quality.setCurrentIndex(max(self.quality.findData(quality), 0))
        self.method.setText(method)
        self.reuse_note.setEnabled(self.note.isEnabled() and bool(
            workspace.last_explanation(ref)))  # type: ignore[union-attr,arg-type]
        self.history.clear()
        if not enabled:
            for label in (self.title, self.change, self.findings, *self.fields.values()):
                label.setText("")
            for widget in (self.findings, self.trend, self.change):
                widget.setVisible(False)
            self.trend.show_trend(None, str)
            self.note.setPlainText("")
            return
        assert ref is not None and workspace is not None
        self._show_fields(ref, workspace)
        self._show_trend(ref, workspace)
        self._show_findings(ref, workspace)
        stored = workspace.stored(ref)
        self.note.setPlainText(stored.note if stored else "")
        for record in self.session.history(ref):
            if record.action == "status":
                change = f"{status_word(record.old_status)} → {status_word(record.new_status)}"
            else:
                change = f"{record.old_value or '—'} → {record.new_value or '—'}"
                if record.entered:  # typed in another unit, stored in the indicator's own
                    change += f" ({record.entered})"
            self.history.addTopLevelItem(QTreeWidgetItem(
                [record.at[:19].replace("T", " "), self.session.who(record), change,
                 record.reason]))

    def _show_fields(self, ref: FigureRef, workspace: Workspace) -> None:
        catalogue = workspace.catalogue
        indicator = catalogue.indicators[ref.indicator]
        department = catalogue.departments.get(indicator.owner)
        stored = workspace.stored(ref)
        status = "—"
        if stored is not None:
            state = STATES[stored.state].name(self.lang) if stored.state in STATES else ""
            status = " · ".join(part for part in (
                status_word(stored.status), state, stored.changed_by,
                stored.changed_at[:19].replace("T", " ")) if part)
        rule = indicator.type.entry_rule(*catalogue.bounds(indicator))
        texts = {
            "zh": indicator.label.zh, "en": indicator.label.en,
            "id": indicator.id.replace(".", ".\u200b"),  # may wrap after each dot
            "unit": indicator.unit(self.lang) or "—",
            "type": rule.zh if self.lang == "zh" else rule.en,
            "owner": department(self.lang) if department else indicator.owner,
            "gri": " / ".join(indicator.gri) or "—", "cass": " / ".join(indicator.cass) or "—",
            "formula": self._formula_text(ref, workspace),
            "status": "\n".join([status, *workspace.origin(ref, self.lang)]),
            "restated": self.tr("published: {published} ({why})")
            .replace("{published}", restated[0]).replace("{why}", restated[1])
            if (restated := workspace.restatement(ref, self.lang)) else "—",
            "last_note": workspace.last_explanation(ref) or "—",
            **self._evidence_texts(ref),
        }
        for key, text in texts.items():
            self.fields[key].setText(text)
        self.title.setText(f"{indicator.label(self.lang)} · {ref.year}")

    def _evidence_texts(self, ref: FigureRef) -> dict[str, str]:
        """How the figure was obtained, and the documents behind it (or that one is
        required and missing)."""
        quality, method = self.session.quality_of(ref)
        obtained = quality_words(quality, self.lang) or "—"
        if method:
            obtained += f": {method}"
        lines = [f"{a.file_name} · {a.size / 1024:.0f} KB · {a.attached_by} · "
                 f"{a.attached_at[:10]}" + (f" · {a.note}" if a.note else "")
                 for a in self.session.evidence_of(ref)]
        if not lines and self.session.evidence_missing(ref):
            lines.append(self.tr("Required, none attached: drop a file here"))
        return {"quality": obtained, "evidence": "\n".join(lines) or "—"}

    def _formula_text(self, ref: FigureRef, workspace: Workspace) -> str:
        """A computed figure's formula, the method's choices and the factors it was made
        with: value, unit, data year and where each was read (a verifier's first
        question), as the workspace words them."""
        sentence = workspace.computed_sentence(ref, self.lang)
        return "\n".join([*([sentence] if sentence else []),
                          *workspace.method_lines(ref, self.lang)]) or "—"

    def _show_trend(self, ref: FigureRef, workspace: Workspace) -> None:
        indicator = workspace.catalogue.indicators[ref.indicator]
        trend = self.trend_of(ref) if self.trend_of is not None and indicator.type.numeric \
            else None

        def shown(number: Decimal) -> str:
            return indicator.type.format(str(indicator.type.quantize(number)))

        self.trend.show_trend(trend, shown)
        self.trend.setVisible(trend is not None)
        parts = []
        if trend is not None and trend.change is not None:
            parts.append(self.tr("{change} % on {prior}").replace(
                "{change}", f"{trend.change:+.1f}").replace("{prior}", str(ref.year - 1)))
        if trend is not None and trend.threshold is not None:
            parts.append(self.tr("flagged beyond ±{threshold} %").replace(
                "{threshold}", f"{trend.threshold:.0f}"))
        self.change.setText(" · ".join(parts))
        self.change.setVisible(bool(parts))

    def _show_findings(self, ref: FigureRef, workspace: Workspace) -> None:
        lines = []
        for finding in workspace.findings_at(ref):
            line = finding_line(finding.severity, finding.explained,
                                finding.message(self.lang))
            if finding.explanation:
                line += f"\n↳ {finding.explanation}"
            lines.append(line)
        self.findings.setText("\n".join(lines))
        self.findings.setVisible(bool(lines))

    def _reuse_note(self) -> None:
        if self.ref is not None and self.workspace is not None:
            self.note.setPlainText(self.workspace.last_explanation(self.ref))
            self.note.setFocus()

    def _save_quality(self) -> None:
        ref = self.ref
        if ref is not None:
            quality, method = self.quality.currentData() or "", self.method.text().strip()
            self.ops.run(lambda: self.session.set_quality(ref, quality, method))

    def _save_note(self) -> None:
        if self.ref is not None:
            self.note_saved.emit(self.ref, self.note.toPlainText().strip())
