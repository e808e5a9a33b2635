"""The table model on its own, without a view: what each role says for each kind of cell."""

from __future__ import annotations

from PySide6.QtCore import Qt

from esgdesk.model.types import Entry
from esgdesk.rules.workspace import Workspace
from esgdesk.storage.store import Store
from ui.table_model import FormTableModel


def _model(sample: Store, table_id: str, entity: str = "group", year: int = 2023,
           lang: str = "zh") -> FormTableModel:
    workspace = Workspace(sample, entity, year)
    return FormTableModel(workspace.grid(sample.catalogue.tables[table_id]), workspace, lang)


def test_rows_group_headers_units_and_years_follow_the_report(qtbot, sample: Store) -> None:
    model = _model(sample, "people.structure")
    labels = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert labels[:4] == ["员工总人数", "按性别划分", "    男性", "    女性"]
    assert model.index(1, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, 1).data() == "人"
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(2, 5)] == [
        "2021 年", "2022 年", "2023 年"]
    assert model.index(0, 4).data() == "4,106"
    assert model.index(0, 4).data(Qt.ItemDataRole.EditRole) == "4106"


def test_only_the_reporting_year_of_typed_figures_is_editable(qtbot, sample: Store) -> None:
    model = _model(sample, "key_figures.data2023")
    editable = Qt.ItemFlag.ItemIsEditable
    total = model.grid.locate("people.employees.total")
    ratio = model.grid.locate("people.employees.female_ratio")
    assert model.flags(model.index(*total)) & editable
    assert not model.flags(model.index(total[0], total[1] - 1)) & editable  # 2022
    assert not model.flags(model.index(*ratio)) & editable
    assert model.index(*ratio).data() == "36.87"
    assert model.index(*ratio).data(Qt.ItemDataRole.DecorationRole) is not None


def test_a_per_site_table_has_a_column_per_year_and_site(qtbot, sample_tree: Store) -> None:
    model = _model(sample_tree, "innovation.infosec_training", lang="en")
    headers = [model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(model.columnCount())]
    assert headers[2:] == ["2021\nDongguan", "2021\nXiamen", "2022\nDongguan", "2022\nXiamen",
                           "2023\nDongguan", "2023\nXiamen"]
    participants = [model.index(1, c).data() for c in range(2, 8)]
    assert participants == ["1,290", "796", "958", "586", "1,005", "664"]


def test_a_site_sees_only_its_own_column(qtbot, sample_tree: Store) -> None:
    model = _model(sample_tree, "innovation.infosec_training", entity="xiamen", lang="en")
    assert model.columnCount() == 2 + 3
    assert model.index(1, 4).data() == "664"


def test_a_matrix_table_keeps_its_own_shape(qtbot, sample: Store) -> None:
    model = _model(sample, "innovation.quality_targets")
    headers = [model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(model.columnCount())]
    assert headers[1:] == ["2023 年目标", "2023 年目标达成情况", "2024 年目标"]
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first == ["来料检验批合格率", "99.00", "98.98", "99.10"]


def test_refusals_say_why_and_setdata_refuses(qtbot, sample: Store) -> None:
    model = _model(sample, "people.structure")
    index = model.index(0, 4)
    assert "不是数字" in model.refusal(index, "lots")  # the model speaks Chinese
    reasons: list[str] = []
    model.refused.connect(lambda _i, reason: reasons.append(reason))
    requested: list[object] = []
    model.edit_requested.connect(lambda ref, text, entry: requested.append((ref, text, entry)))
    assert not model.setData(index, "12.5")
    assert reasons and "整数" in reasons[0]
    assert model.setData(index, "4,200")
    assert requested[0][1] == "4,200"
    assert requested[0][2] == Entry("4200")  # parsed once, here, into what the store writes


def test_a_tables_progress_counts_the_reporting_years_figures_its_form_shows(
        sample_tree: Store) -> None:
    """The tree's badges are worked out before any form is built, from the reporting year's
    cells alone: the same figures, in the same order, as the form's grid once it is built."""
    entities = Workspace(sample_tree, "group", 2023).scope()
    assert len(entities) > 2  # the group, its companies and their sites
    for entity in entities:
        for year in (2022, 2023):
            workspace = Workspace(sample_tree, entity, year)
            for table in workspace.catalogue.tables.values():
                grid = workspace.grid(table)
                early = grid.figures(current_only=True)  # the form not built: its cells neither
                whole = grid.figures()  # every cell, worked out once
                assert early == [ref for ref in whole if ref.year == year], table.id
                assert grid.figures(current_only=True) == early
