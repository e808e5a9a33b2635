"""Small dialogs: the user's profile, a new database, export options, finding an indicator."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from esgdesk.model.catalogue import Catalogue

SAMPLE_ENTITIES = "group, 集团, Group, group\nhq, 总部, Headquarters, company, group"


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ProfileDialog(QDialog):
    """Who the user is and which department's tables are theirs; set once, remembered."""

    def __init__(self, catalogue: Catalogue, lang: str, name: str, department: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Profile"))
        layout = QFormLayout(self)
        self.name = QLineEdit(name)
        self.department = QComboBox()
        for key, label in catalogue.departments.items():
            self.department.addItem(label(lang), key)
        found = self.department.findData(department)
        self.department.setCurrentIndex(max(found, 0))
        layout.addRow(self.tr("Name"), self.name)
        layout.addRow(self.tr("Department"), self.department)
        layout.addRow(_buttons(self))

    def values(self) -> tuple[str, str]:
        return self.name.text().strip(), str(self.department.currentData())


class ExportOptionsDialog(QDialog):
    """For a parent entity: add a comparison sheet and/or one sheet per direct child."""

    def __init__(self, children: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export options"))
        layout = QVBoxLayout(self)
        self.by_entity = QCheckBox(self.tr("A sheet comparing the entity with its {n} direct "
                                           "children").replace("{n}", str(children)))
        self.per_child = QCheckBox(self.tr("One sheet per direct child with all the tables"))
        self.by_entity.setChecked(True)
        layout.addWidget(self.by_entity)
        layout.addWidget(self.per_child)
        layout.addWidget(_buttons(self))

    def values(self) -> tuple[bool, bool]:
        return self.by_entity.isChecked(), self.per_child.isChecked()


class RestateDialog(QDialog):
    """A published (locked) figure changed: the new figure, the kind of restatement, why."""

    def __init__(self, label: str, published: str, kinds: dict[str, tuple[str, str]],
                 lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Restate a published figure"))
        layout = QFormLayout(self)
        self.value = QLineEdit()
        self.kind = QComboBox()
        for key, (zh, en) in kinds.items():
            self.kind.addItem(zh if lang == "zh" else en, key)
        self.reason = QLineEdit()
        layout.addRow(self.tr("Figure"), QLabel(label))
        layout.addRow(self.tr("Published"), QLabel(published))
        layout.addRow(self.tr("New figure"), self.value)
        layout.addRow(self.tr("Kind"), self.kind)
        layout.addRow(self.tr("Reason"), self.reason)
        layout.addRow(_buttons(self))

    def values(self) -> tuple[str, str, str]:
        return self.value.text().strip(), str(self.kind.currentData()), self.reason.text()


class NewDatabaseDialog(QDialog):
    def __init__(self, first_year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New database"))
        layout = QFormLayout(self)
        self.company = QLineEdit()
        self.first_year = QSpinBox()
        self.first_year.setRange(1990, 2100)
        self.first_year.setValue(first_year)
        self.entities = QPlainTextEdit(SAMPLE_ENTITIES)
        self.entities.setPlaceholderText(self.tr("code, Chinese name, English name, kind, parent"))
        layout.addRow(self.tr("Company"), self.company)
        layout.addRow(self.tr("First reporting year"), self.first_year)
        layout.addRow(self.tr("Entities (code, Chinese name, English name, kind, parent)"),
                      self.entities)
        layout.addRow(_buttons(self))


class FindDialog(QDialog):
    """Ctrl+F: type any words of a zh or en label, or an id; Enter jumps to the figure. Each
    match names its chapter and table; the chapter being filled comes first."""

    def __init__(self, catalogue: Catalogue, lang: str, parent: QWidget | None = None,
                 chapter: str | None = None, year: int | None = None) -> None:
        super().__init__(parent)
        self.catalogue, self.lang = catalogue, lang
        self.chapter, self.year = chapter, year
        self.setWindowTitle(self.tr("Find an indicator"))
        self.resize(560, 380)
        layout = QVBoxLayout(self)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Words of a label (Chinese or English) or an id"))
        self.results = QListWidget()
        self.nothing = QLabel()
        self.nothing.setVisible(False)
        layout.addWidget(self.query)
        layout.addWidget(self.nothing)
        layout.addWidget(self.results)
        self.query.textChanged.connect(self._search)
        self.query.installEventFilter(self)
        self.results.itemActivated.connect(lambda _item: self.accept())

    def _search(self, text: str) -> None:
        self.results.clear()
        for indicator in self.catalogue.search(text, self.chapter)[:200]:
            table = self.catalogue.home_table(indicator.id)
            chapter = self.catalogue.chapter(table.chapter)
            where = f"{chapter.number} {chapter.title(self.lang, self.year)}".strip()
            item = QListWidgetItem(f"{indicator.label(self.lang)}\n    {where} › "
                                   f"{table.title(self.lang, self.year)}")
            item.setToolTip(indicator.id)
            item.setData(Qt.ItemDataRole.UserRole, indicator.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)
        self.nothing.setText(self.tr("Nothing matches “{words}”").replace("{words}", text.strip())
                             if text.strip() and not self.results.count() else "")
        self.nothing.setVisible(bool(self.nothing.text()))

    def eventFilter(self, watched, event) -> bool:  # type: ignore[no-untyped-def]
        if watched is not self.query or not isinstance(event, QKeyEvent) \
                or event.type() != QKeyEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.results.currentItem() is not None:  # the top match, or the one chosen
                self.accept()
            return True
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = min(max(self.results.currentRow() + step, 0), self.results.count() - 1)
            self.results.setCurrentRow(row)
            return True
        return super().eventFilter(watched, event)

    def chosen(self) -> str | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


def edit_profile(settings: QSettings, catalogue: Catalogue, lang: str,
                 parent: QWidget | None = None) -> bool:
    """Ask for the user's name and department (kept in the settings)."""
    dialog = ProfileDialog(catalogue, lang, str(settings.value("profile/name", "")),
                           str(settings.value("profile/department", "")), parent)
    if dialog.exec() != ProfileDialog.DialogCode.Accepted:
        return False
    name, department = dialog.values()
    settings.setValue("profile/name", name)
    settings.setValue("profile/department", department)
    return True
