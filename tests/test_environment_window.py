"""The environment chapter in the app: a site's EHS head types electricity in MWh and gas in
m³, the emissions appear computed in the form, and the detail pane traces them to their
factors and sources; screenshots in both languages at 1366×768 kept for a look."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from esgdesk.model.layout import FigureRef
from esgdesk.storage.store import Change, open_database
from ui.main_window import MainWindow

SITE, YEAR = "dongguan", 2024
NOT_USED = "本厂区未使用 / not used at this site"


def _site_figures(path: Path) -> None:
    store = open_database(path)
    try:
        store.set_values([
            Change(SITE, YEAR, "environment.energy.electricity_renewable", "150 MWh"),
            Change(SITE, YEAR, "environment.energy.solar_self_generated", "n/a", NOT_USED),
            Change(SITE, YEAR, "environment.energy.natural_gas", "1,800 立方米"),
            Change(SITE, YEAR, "environment.energy.diesel", "12,000 升"),
            Change(SITE, YEAR, "environment.energy.gasoline", "8500"),
            Change(SITE, YEAR, "environment.energy.lpg", "n/a", NOT_USED),
            Change(SITE, YEAR, "environment.energy.coal", "n/a", NOT_USED),
            Change(SITE, YEAR, "environment.energy.purchased_heat", "n/a", NOT_USED),
            Change(SITE, YEAR, "environment.water.withdrawal_municipal", "9.6 万立方米"),
            Change(SITE, YEAR, "environment.water.withdrawal_groundwater", "n/a", NOT_USED),
            Change(SITE, YEAR, "environment.water.withdrawal_surface", "n/a", NOT_USED),
            Change(SITE, YEAR, "environment.water.wastewater_discharged", "78000"),
        ], "ehs")
    finally:
        store.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_site_types_mwh_and_sees_its_emissions_computed_and_traced(
        qtbot: QtBot, sample_tree_path: Path, tmp_path: Path, lang: str,
        screenshots: Path) -> None:
    _site_figures(sample_tree_path)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, lang)
    qtbot.addWidget(window)
    window.open_database(sample_tree_path, SITE, YEAR, chapter="environment")
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.commit_edit(FigureRef(SITE, YEAR, "environment.energy.electricity"), "1.2 GWh")
    workspace = window.workspace
    assert workspace is not None
    assert workspace.stored(FigureRef(SITE, YEAR, "environment.energy.electricity")).value \
        == "1200000"
    scope2 = FigureRef(SITE, YEAR, "environment.ghg.scope2")
    number = workspace.number(scope2)
    factor = workspace.store.factors(YEAR)["grid.guangdong"].value  # Dongguan: Guangdong
    assert number == 1200000 * factor / 1000
    assert workspace.display(scope2).replace(",", "") != ""
    assert window.jump_to("environment.ghg.scope2")
    qtbot.wait(50)
    trace = window.detail.fields["formula"].text()
    source = ("2023年电力二氧化碳排放因子（生态环境部、国家统计局）" if lang == "zh"
              else "China electricity CO2 emission factors, 2023 (MEE, NBS)")
    assert "factor.grid = " in trace and "grid.guangdong" in trace and source in trace
    assert "cn-grid-2023" not in trace  # the set in words, not its code
    # its data year and why it is that factor, in the window's language
    assert ("数据年份 2023" if lang == "zh" else "data year 2023") in trace, trace
    assert ("广东的省级因子" if lang == "zh" else "Guangdong's provincial factor") in trace, trace
    diesel = window.detail  # the history says what was typed
    window.jump_to("environment.energy.diesel")
    qtbot.wait(20)
    changes = [diesel.history.topLevelItem(n).text(2)
               for n in range(diesel.history.topLevelItemCount())]
    assert any("12,000 升" in change for change in changes), changes
    window.jump_to("environment.ghg.scope2")
    qtbot.wait(50)
    assert window.grab().save(str(screenshots / f"environment-{lang}-1366x768.png"))
