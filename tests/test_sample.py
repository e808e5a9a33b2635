"""The sample database holds the report's printed figures, exactly as printed."""

from decimal import Decimal

import pytest

from esgdesk.exchange.dump import dump_rows
from esgdesk.storage.store import Store

EMPLOYEE_STRUCTURE = {
    "people.employees.total": (3834, 3788, 4106),
    "people.employees.male": (2431, 2394, 2592),
    "people.employees.female": (1403, 1394, 1514),
    "people.employees.age_30_under": (1878, 1811, 1931),
    "people.employees.age_31_50": (1864, 1890, 2078),
    "people.employees.age_over_50": (92, 87, 97),
    "people.employees.doctorate": (2, 2, 2),
    "people.employees.masters": (117, 131, 135),
    "people.employees.bachelors": (1540, 1648, 1902),
    "people.employees.college_below": (2175, 2007, 2067),
    "people.employees.production": (1050, 941, 994),
    "people.employees.sales": (1214, 1305, 1568),
    "people.employees.technical": (1117, 1125, 1226),
    "people.employees.finance": (127, 126, 79),
    "people.employees.admin": (326, 291, 239),
}

RD_TALENT = {
    "innovation.rd.staff": (1131, 1125, 1226),
    "innovation.rd.staff_bachelor": (642, 702, 794),
    "innovation.rd.staff_master": (56, 66, 75),
    "innovation.rd.staff_doctor": (2, 1, 1),
    "innovation.rd.staff_male": (901, 884, 956),
    "innovation.rd.staff_female": (230, 241, 270),
    "innovation.rd.staff_under30": (673, 620, 652),
    "innovation.rd.staff_30to40": (380, 440, 459),
}

CUSTOMER_SATISFACTION = {
    "innovation.customers.surveyed": (3240, 3497, 3511),
    "innovation.customers.surveyed_ratio": (85, 88, 92),
    "innovation.customers.survey_questionnaires": (3812, 3947, 3817),
    "innovation.customers.satisfaction_score": (90, 92, 93),
}


def _table_ids(sample: Store, table_id: str) -> set[str]:
    return set(sample.catalogue.tables[table_id].indicators())


@pytest.mark.parametrize("table_id,printed", [
    ("people.structure", EMPLOYEE_STRUCTURE),
    ("innovation.rd_talent", RD_TALENT),
    ("innovation.satisfaction", CUSTOMER_SATISFACTION),
])
def test_the_sample_holds_the_printed_table(sample: Store, table_id: str, printed: dict) -> None:
    typed = {i for i in _table_ids(sample, table_id)
             if not sample.catalogue.indicators[i].derived}
    assert typed == set(printed), "the test names every typed row of the table"
    stored = sample.values("group", (2021, 2022, 2023))
    for indicator, figures in printed.items():
        for year, figure in zip((2021, 2022, 2023), figures, strict=True):
            assert Decimal(stored[(indicator, year)].value) == figure, (indicator, year)


def test_derived_figures_come_out_as_printed(sample: Store) -> None:
    rows = {(r["entity"], r["year"], r["indicator"]): r for r in dump_rows(sample)}
    printed = {
        "people.employees.female_ratio": "36.87",
        "innovation.rd.staff_ratio": "29.86",
        "governance.board.female_ratio": "29",
        "governance.board.independent_ratio": "43",
        "people.health.exam_pass_rate": "97.3",
        "people.recruitment.new_hires": "1038",
        "innovation.ip.granted_total": "170",
    }
    for indicator, figure in printed.items():
        row = rows[("group", 2023, indicator)]
        assert (row["value"], row["status"]) == (figure, "computed"), indicator


def test_site_figures_live_on_the_sites_and_the_group_keeps_its_own(sample_tree: Store) -> None:
    sessions = "innovation.infosec.training.sessions"
    assert sample_tree.get("dongguan", 2023, sessions).value == "12"
    assert sample_tree.get("xiamen", 2023, sessions).value == "4"
    # The key figures print 166 for the group: kept as printed, for the validator to question.
    assert sample_tree.get("group", 2023, sessions).value == "166"
    participants = "innovation.infosec.training.participants"
    assert sample_tree.get("dongguan", 2023, participants).value == "1005"
    assert sample_tree.get("xiamen", 2023, participants).value == "664"


def test_every_sample_figure_is_a_typed_indicator_of_the_catalogue(sample: Store) -> None:
    values = list(sample.all_values())
    assert len(values) > 250
    for value in values:
        indicator = sample.catalogue.indicators[value.indicator]
        assert not indicator.derived
        assert indicator.type.parse(value.value) == value.value
