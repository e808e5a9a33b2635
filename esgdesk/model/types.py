"""The closed set of value types: each parses, checks and formats its own values, and knows
how it is written to and read from a workbook cell. Nobody else switches on a type's name."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

YES_WORDS = {"yes", "y", "true", "1", "✓", "✔", "是", "√", "达成"}
NO_WORDS = {"no", "n", "false", "0", "✗", "✘", "否", "×", "未达成"}


# A spreadsheet cell holds at most 32,767 characters, and no control characters but tab,
# line feed and carriage return: text beyond either is refused where it enters (typed,
# imported or read from a workbook), never cut or dropped on the way out.
CELL_TEXT_LIMIT = 32_767
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_problem(text: str) -> str | None:
    """Why a text cannot be kept and written to a workbook cell as it is ("is … long",
    "contains …", to follow the name of what it is), or None."""
    if len(text) > CELL_TEXT_LIMIT:
        return (f"is {len(text):,} characters long; a cell holds at most {CELL_TEXT_LIMIT:,}, "
                "so shorten it")
    control = _CONTROL.search(text)
    if control is not None:
        return (f"contains the control character U+{ord(control.group()):04X} at "
                f"position {control.start() + 1}; remove it")
    return None


LARGEST = Decimal(10) ** 15  # beyond any figure of a company's report, in any unit


class ValueRefused(ValueError):
    """A typed text cannot be a value of this type; the message says why."""


def normalise_number_text(text: str) -> str:
    """Fold full-width digits and unify thousands separators to commas."""
    folded = unicodedata.normalize("NFKC", text).strip()
    folded = folded.replace("\u2212", "-")
    # Thousands separators: commas, spaces (incl. thin/no-break spaces), apostrophes.
    return re.sub(r"[\s'’]+", ",", folded)


def _parse_decimal(text: str) -> Decimal:
    cleaned = normalise_number_text(text)
    if not cleaned:
        raise ValueRefused("empty")
    if "," in cleaned:
        if not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
            raise ValueRefused("thousands separators in the wrong places")
        cleaned = cleaned.replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", cleaned):
        raise ValueRefused("not a number")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the pattern above
        raise ValueRefused("not a number") from exc
    if not value.is_finite():
        raise ValueRefused("not a finite number")
    if abs(value) >= LARGEST:
        raise ValueRefused("larger than any figure esgdesk stores (10^15)")
    return value


def canonical(value: Decimal) -> str:
    """A decimal as stored: no exponent, no trailing zeros after the point."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def group_thousands(value: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{rounded:,.{places}f}"


@dataclass(frozen=True)
class EntryRule:
    """What a request workbook's data validation allows in an input cell (no openpyxl here):
    an Excel validation type and operator with its formulas, and the rule in both languages."""

    kind: str  # Excel's validation type: whole, decimal, list, textLength
    operator: str | None
    formula1: str
    formula2: str | None
    zh: str
    en: str

    def text(self) -> str:
        return f"{self.zh} · {self.en}"


@dataclass(frozen=True)
class ValueType:
    """How one kind of figure is typed, stored, shown, checked and written to a workbook."""

    name: str
    precision: int = 0

    numeric = True

    def parse(self, text: str) -> str:
        """Turn what a user typed into the stored text, or raise ValueRefused."""
        raise NotImplementedError

    def format(self, stored: str) -> str:
        """Show a stored value as the report prints it."""
        raise NotImplementedError

    def to_number(self, stored: str) -> Decimal | None:
        return Decimal(stored) if self.numeric else None

    # -- precision and checks -------------------------------------------------------
    @property
    def places(self) -> int:
        """Decimals shown and kept after rounding."""
        return self.precision

    def quantize(self, number: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
        return number.quantize(Decimal(1).scaleb(-self.places), rounding=rounding)

    def sum_tolerance(self, parts: int) -> Decimal:
        """How far printed parts may add up from their total: half a unit each."""
        return Decimal(1).scaleb(-self.places) / 2 * parts

    @property
    def default_max(self) -> Decimal | None:
        """The upper bound a figure of this type has unless the catalogue says otherwise."""
        return None

    # -- workbooks ------------------------------------------------------------------
    def entry_format(self) -> str:
        """The Excel number format of a figure as typed (request workbooks)."""
        decimals = "." + "0" * self.places if self.places else ""
        return f"#,##0{decimals}"

    def report_format(self) -> str:
        """The Excel number format of a figure in the report workbook."""
        return self.entry_format()

    def excel_number(self, number: Decimal) -> int | float:
        """A figure as a number a workbook cell holds."""
        return float(number)

    def report_number(self, number: Decimal) -> int | float:
        """A figure as the report workbook's cell holds it (see report_format)."""
        return self.excel_number(number)

    def entry_cell(self, stored: str) -> Any:
        """A stored figure as a request workbook's input cell holds it."""
        return self.excel_number(Decimal(stored)) if self.numeric else stored

    def entry_rule(self, low: Decimal | None, high: Decimal | None) -> EntryRule:
        """The data validation of an input cell, over the catalogue's bounds."""
        bottom = low if low is not None else Decimal(0)
        top = high if high is not None else LARGEST - 1
        span = f"{canonical(bottom)}–{canonical(high)}" if high is not None \
            else f"≥ {canonical(bottom)}"
        return EntryRule("decimal", "between", canonical(bottom), canonical(top),
                         f"{span}，{self.places} 位小数", f"{span}, {self.places} decimals")

    def cell_number(self, number: Decimal, number_format: str) -> tuple[Decimal, bool]:
        """A number read from a returned workbook's cell, and whether it was reinterpreted
        because of the cell's format."""
        return number, False

    def fraction_read(self, number: Decimal, prior: Decimal) -> Decimal | None:
        """A typed fraction meant as this type's figure (0.85 for 85 %), judged against last
        year's figure; None when it is read as typed."""
        return None

    # -- generated figures ----------------------------------------------------------
    def sample_value(self, base: Decimal, scale: Decimal | None, rng: random.Random) -> Decimal:
        """A plausible figure near `base`: scaled for a summed figure, else jittered."""
        if scale is not None:
            return base * scale
        return base * Decimal(rng.uniform(0.97, 1.03))


@dataclass(frozen=True)
class Count(ValueType):
    def parse(self, text: str) -> str:
        value = _parse_decimal(text)
        if value != value.to_integral_value():
            raise ValueRefused("a count is a whole number")
        if value < 0:
            raise ValueRefused("a count cannot be negative")
        return canonical(value.to_integral_value())

    def format(self, stored: str) -> str:
        return group_thousands(Decimal(stored), 0)

    @property
    def places(self) -> int:
        return 0

    def sum_tolerance(self, parts: int) -> Decimal:
        return Decimal(0)  # whole numbers add up exactly

    def excel_number(self, number: Decimal) -> int | float:
        return int(number)

    def entry_rule(self, low: Decimal | None, high: Decimal | None) -> EntryRule:
        bottom = low if low is not None else Decimal(0)
        top = high if high is not None else LARGEST - 1
        span = f"{canonical(bottom)}–{canonical(high)}" if high is not None \
            else f"≥ {canonical(bottom)}"
        return EntryRule("whole", "between", canonical(bottom), canonical(top),
                         f"整数，{span}", f"whole number, {span}")


@dataclass(frozen=True)
class Number(ValueType):
    """Decimals and money: any finite number, shown at the printed precision."""

    def parse(self, text: str) -> str:
        return canonical(_parse_decimal(text))

    def format(self, stored: str) -> str:
        return group_thousands(Decimal(stored), self.precision)


@dataclass(frozen=True)
class Percentage(ValueType):
    def parse(self, text: str) -> str:
        folded = unicodedata.normalize("NFKC", text).strip()
        value = _parse_decimal(folded.removesuffix("%"))
        if value < 0 or value > 100:
            raise ValueRefused("a percentage lies between 0 and 100")
        return canonical(value)

    def format(self, stored: str) -> str:
        return group_thousands(Decimal(stored), self.precision)

    @property
    def default_max(self) -> Decimal | None:
        return Decimal(100)

    def report_format(self) -> str:
        decimals = "." + "0" * self.places if self.places else ""
        return f"0{decimals}%"

    def report_number(self, number: Decimal) -> int | float:
        return float(number) / 100  # shown with a % format

    def cell_number(self, number: Decimal, number_format: str) -> tuple[Decimal, bool]:
        if "%" in (number_format or ""):
            return number * 100, True  # 85% typed into a %-formatted cell is held as 0.85
        return number, False

    def fraction_read(self, number: Decimal, prior: Decimal) -> Decimal | None:
        # 0.85 where last year was 86 (not 1.2): a fraction typed for a percentage.
        if 0 < number <= 1 and prior > 10:
            return (number * 100).normalize()
        return None

    def sample_value(self, base: Decimal, scale: Decimal | None, rng: random.Random) -> Decimal:
        value = base + Decimal(rng.uniform(-2, 2))
        return min(max(value, Decimal(0)), Decimal(100))


@dataclass(frozen=True)
class Text(ValueType):
    numeric = False

    def parse(self, text: str) -> str:
        value = text.strip()
        if not value:
            raise ValueRefused("empty")
        problem = text_problem(value)
        if problem:
            raise ValueRefused(problem)
        return value

    def format(self, stored: str) -> str:
        return stored

    def entry_format(self) -> str:
        return "@"

    def entry_rule(self, low: Decimal | None, high: Decimal | None) -> EntryRule:
        return EntryRule("textLength", "lessThanOrEqual", str(CELL_TEXT_LIMIT), None,
                         "文字", "text")


@dataclass(frozen=True)
class YesNo(ValueType):
    numeric = False

    def parse(self, text: str) -> str:
        word = unicodedata.normalize("NFKC", text).strip().lower()
        if word in YES_WORDS:
            return "yes"
        if word in NO_WORDS:
            return "no"
        raise ValueRefused("answer yes or no")

    def format(self, stored: str) -> str:
        return "✓" if stored == "yes" else "✗"

    def entry_format(self) -> str:
        return "General"

    def entry_cell(self, stored: str) -> Any:
        return "是" if stored == "yes" else "否"

    def entry_rule(self, low: Decimal | None, high: Decimal | None) -> EntryRule:
        return EntryRule("list", None, '"是,否,yes,no"', None, "是 / 否", "yes / no")


TYPE_NAMES = ("count", "decimal", "percentage", "money", "text", "yesno")
NEEDS_PRECISION = ("decimal", "percentage", "money")


def value_type(name: str, precision: int | None = None) -> ValueType:
    """The value type declared in the catalogue as `name` with `precision` decimals."""
    places = 0 if precision is None else precision
    if name == "count":
        return Count(name)
    if name in ("decimal", "money"):
        return Number(name, places)
    if name == "percentage":
        return Percentage(name, places)
    if name == "text":
        return Text(name)
    if name == "yesno":
        return YesNo(name)
    raise ValueError(f"unknown value type '{name}'")
