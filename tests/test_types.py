from decimal import Decimal

import pytest

from esgdesk.model.formula import FormulaError, parse
from esgdesk.model.types import ValueRefused, value_type


@pytest.mark.parametrize("typed", ["1226", "1,226", "1 226", "１２２６", " 1226 ", "1\u00a0226"])
def test_count_understands_separators_and_full_width_digits(typed: str) -> None:
    assert value_type("count").parse(typed) == "1226"


@pytest.mark.parametrize("typed,reason", [
    ("12a", "not a number"), ("1.5", "whole number"), ("-3", "negative"),
    ("", "empty"), ("1,22", "thousands"), ("nan", "not a number"), ("inf", "not a number"),
])
def test_count_refuses_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(ValueRefused, match=reason):
        value_type("count").parse(typed)


def test_percentage_accepts_a_percent_sign_and_refuses_out_of_range() -> None:
    percentage = value_type("percentage", 2)
    assert percentage.parse("29.86 %") == "29.86"
    assert percentage.parse("１００％") == "100"
    with pytest.raises(ValueRefused, match="between 0 and 100"):
        percentage.parse("100.5")


def test_values_show_as_the_report_prints_them() -> None:
    assert value_type("count").format("1226") == "1,226"
    assert value_type("percentage", 2).format("29.86") == "29.86"
    assert value_type("percentage", 0).format("28.5714") == "29"
    assert value_type("money", 2).format("21361.34") == "21,361.34"
    assert value_type("yesno").format("yes") == "✓"


def test_yes_no_and_text() -> None:
    assert value_type("yesno").parse("✓") == "yes"
    assert value_type("yesno").parse("否") == "no"
    with pytest.raises(ValueRefused):
        value_type("yesno").parse("maybe")
    assert value_type("text").parse("  达标排放 ") == "达标排放"


def test_formula_evaluates_over_indicator_ids() -> None:
    formula = parse("a.b / (c.d * 10000) * 100")
    assert formula.indicators == ("a.b", "c.d")
    result = formula.evaluate({"a.b": Decimal("21361.34"), "c.d": Decimal("19.70")})
    assert result is not None and round(result, 2) == Decimal("10.84")
    assert formula.evaluate({"a.b": Decimal(1)}) is None
    assert parse("x / y").evaluate({"x": Decimal(1), "y": Decimal(0)}) is None


@pytest.mark.parametrize("text", ["a +", "(a", "a $ b", "a b"])
def test_formula_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(FormulaError):
        parse(text)


@pytest.mark.parametrize("typed,state", [("n/a", "not_applicable"), ("不适用", "not_applicable"),
                                         ("Ｎ／Ａ", "not_applicable"),
                                         ("暂无", "not_available"), ("n.av.", "not_available")])
def test_an_entry_reads_a_state_from_any_of_its_spellings_into_its_id(typed: str,
                                                                      state: str) -> None:
    from esgdesk.model.types import Entry

    assert value_type("count").entry(typed) == Entry(None, state)
    assert value_type("quantity", 0, "kwh").entry(typed, "MWh") == Entry(None, state)


def test_an_entry_is_parsed_once_into_the_value_stored_and_what_was_typed() -> None:
    from esgdesk.model.types import VALUE, Entry

    energy = value_type("quantity", 0, "kwh")
    assert energy.entry("1.2", "MWh") == Entry("1200", VALUE, "1.2 MWh")
    assert energy.entry("1,200") == Entry("1200", VALUE, None)  # in its own unit: plain
    assert value_type("count").entry("1,226") == Entry("1226")
    with pytest.raises(ValueRefused, match="whole number") as refused:
        energy.entry("1.23456", "MWh")  # 1234.56 kWh: more decimals than it takes
    assert refused.value.text == "1.23456 MWh"  # the text refused, its unit joined
    with pytest.raises(ValueRefused, match="no unit to convert") as refused:
        value_type("count").entry("12", "MWh")
    assert refused.value.text is None  # what was typed, as typed
