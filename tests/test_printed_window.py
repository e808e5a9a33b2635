"""The form's tooltip shows a computed figure printed otherwise beside what is computed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from esgdesk.rules.workspace import Workspace
from esgdesk.storage.store import Store
from ui.table_model import FormTableModel

RATIO = "people.employees.female_ratio"


def test_the_tooltip_shows_the_printed_figure_beside_the_computed_one(qtbot: QtBot,
                                                                      sample: Store) -> None:
    sample.set_printed("group", 2023, RATIO, "36.9", "rounded so the column adds to 100 %",
                       "coordinator")
    workspace = Workspace(sample, "group", 2023)
    table = workspace.catalogue.tables_of(RATIO)[0]
    model = FormTableModel(workspace.grid(table), workspace, "en")
    [index] = [model.index(row, column) for row in range(model.rowCount())
               for column in range(model.columnCount())
               if (ref := model.figure(model.index(row, column))) is not None
               and (ref.indicator, ref.year) == (RATIO, 2023)]
    assert index.data() == "36.87"  # the form shows what is computed
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "Printed as 36.9" in tip and "computed 36.87" in tip and "100 %" in tip
    last_year = model.index(index.row(), index.column() + 1)
    assert "Printed as" not in (last_year.data(Qt.ItemDataRole.ToolTipRole) or "")
