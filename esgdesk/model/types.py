"""The closed set of value types: each parses, checks and formats its own values."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

YES_WORDS = {"yes", "y", "true", "1", "✓", "✔", "是", "√", "达成"}
NO_WORDS = {"no", "n", "false", "0", "✗", "✘", "否", "×", "未达成"}


# Typed in place of a figure, these mark it "not applicable" or "not available" — explicit
# states that need a justification note, unlike an empty cell.
STATE_WORDS = {
    "n/a": "not_applicable", "na": "not_applicable", "not applicable": "not_applicable",
    "不适用": "not_applicable", "—": "not_applicable", "–": "not_applicable",
    "not available": "not_available", "n.av.": "not_available", "暂无": "not_available",
    "暂无数据": "not_available",
}


def special_state(text: str) -> str | None:
    """The state a typed text asks for ("not_applicable", "not_available"), or None."""
    return STATE_WORDS.get(unicodedata.normalize("NFKC", text).strip().lower())


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
class ValueType:
    """How one kind of figure is typed, stored and shown."""

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
