"""The toolbar: which entity and reporting year the forms show, and "my department first";
its pickers follow the database opened and the scope chosen."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QToolBar, QWidget

from esgdesk.application.session import Changes
from esgdesk.errors import UnknownEntity
from ui.i18n import tr
from ui.operations import SessionOps


class ScopeBar(QToolBar):
    scope_chosen = Signal(str, int)  # entity code, year
    mine_toggled = Signal(bool)

    def __init__(self, ops: SessionOps, mine_first: bool, parent: QWidget | None = None,
                 ) -> None:
        super().__init__("main", parent)
        self.ops, self.session = ops, ops.session
        self.setObjectName("main-toolbar")
        self.setMovable(False)
        self.entity_caption, self.year_caption = QLabel(), QLabel()
        self.entity_picker, self.year_picker = QComboBox(), QComboBox()
        self.entity_picker.setMinimumWidth(220)
        self.entity_caption.setBuddy(self.entity_picker)  # Alt+N
        self.year_caption.setBuddy(self.year_picker)  # Alt+Y
        self._codes: list[str] = []  # the entities offered, in the picker's order
        self.mine_only = QCheckBox()
        self.mine_only.setChecked(mine_first)
        for widget in (self.entity_caption, self.entity_picker, self.year_caption,
                       self.year_picker, self.mine_only):
            self.addWidget(widget)
            self.addSeparator()
        self.entity_picker.activated.connect(lambda _i: self._chosen())
        self.year_picker.activated.connect(lambda _i: self._chosen())
        self.mine_only.toggled.connect(self.mine_toggled)
        ops.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        workspace = self.session.workspace
        if changes.database:
            self.fill_entities(self.ops.lang)
            self.fill_years()
        elif changes.scope and workspace is not None:
            if self._codes != self.session.entity_codes():
                self.fill_entities(self.ops.lang)  # the group's structure changed
            self.pick(workspace.entity, workspace.year)

    def retranslate(self, lang: str) -> None:
        self.entity_caption.setText(tr("E&ntity"))
        self.year_caption.setText(tr("&Year"))
        self.mine_only.setText(tr("My department first"))
        self.fill_entities(lang)

    def fill_entities(self, lang: str) -> None:
        """The entities in tree order, indented by depth."""
        current = self.entity_picker.currentData()
        self.entity_picker.clear()
        entities = self.session.entities()
        for entity, depth in entities:
            self.entity_picker.addItem("    " * depth + entity.name(lang), entity.code)
        self._codes = [entity.code for entity, _depth in entities]
        if current is None and self.session.workspace is not None:
            current = self.session.workspace.entity
        self.entity_picker.setCurrentIndex(max(self.entity_picker.findData(current), 0))

    def fill_years(self) -> None:
        """The years offered (held, the first, the one after the latest)."""
        years, _latest = self.session.years()
        self.year_picker.clear()
        for year in years:
            self.year_picker.addItem(str(year), year)
        workspace = self.session.workspace
        if workspace is not None:
            self.pick(workspace.entity, workspace.year)

    def pick(self, entity: str | None, year: int | None) -> None:
        """Set the pickers (a year not offered yet is added)."""
        if entity is not None:
            found = self.entity_picker.findData(entity)
            if found < 0:
                raise UnknownEntity(entity)
            self.entity_picker.setCurrentIndex(found)
        if year is not None:
            found = self.year_picker.findData(year)
            if found < 0:
                self.year_picker.addItem(str(year), year)
                found = self.year_picker.count() - 1
            self.year_picker.setCurrentIndex(found)

    def _chosen(self) -> None:
        entity, year = self.entity_picker.currentData(), self.year_picker.currentData()
        if entity is not None and year is not None:
            self.scope_chosen.emit(str(entity), int(year))

    def chosen(self) -> tuple[str | None, int | None]:
        entity, year = self.entity_picker.currentData(), self.year_picker.currentData()
        return entity, None if year is None else int(year)
