"""The closed set of value types: each parses, checks and formats its own values, and knows
how it is written to and read from a workbook cell. Nobody else switches on a type's name."""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from esgdesk.model.frozen import Frozen
from esgdesk.model.states import VALUE, special_state

if TYPE_CHECKING:
    import random

YES_WORDS = {"yes", "y", "true", "1", "✓", "✔", "是", "√", "达成"}
NO_WORDS = {"no", "n", "false", "0", "✗", "✘", "否", "×", "未达成"}


# A spreadsheet cell holds at most 32,767 characters, and no control characters but tab,
# line feed and carriage return: text beyond either is refused where it enters (typed,
# imported or read from a workbook), never cut or dropped on the way out.
CELL_TEXT_LIMIT = 32_767
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_problem(text: str, lang: str = "en") -> str | None:
    """Why a text cannot be kept and written to a workbook cell as it is ("is … long",
    "contains …", to follow the name of what it is; in Chinese a clause of its own), or
    None."""
    if len(text) > CELL_TEXT_LIMIT:
        if lang == "zh":
            return f"长 {len(text):,} 个字符，一个单元格最多容纳 {CELL_TEXT_LIMIT:,} 个，请缩短"
        return (f"is {len(text):,} characters long; a cell holds at most {CELL_TEXT_LIMIT:,}, "
                "so shorten it")
    control = _CONTROL.search(text)
    if control is not None:
        code, position = f"U+{ord(control.group()):04X}", control.start() + 1
        if lang == "zh":
            return f"第 {position} 个字符是控制字符 {code}，请删除"
        return f"contains the control character {code} at position {position}; remove it"
    return None


LARGEST = Decimal(10) ** 15  # beyond any figure of a company's report, in any unit


class ValueRefused(ValueError):
    """A typed text cannot be a value of this type: `en` and `zh` say why (str() is the
    English reason); `text` is the text refused when it is not the one typed as given (a
    unit given apart joined to it), else None."""

    def __init__(self, en: str, zh: str = "", text: str | None = None) -> None:
        self.en = en
        self.zh = zh or en
        self.text = text
        super().__init__(en)

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


def _refuse_text(text: str) -> None:
    """Refuse a text no workbook cell can hold whole."""
    problem = text_problem(text)
    if problem:
        raise ValueRefused(problem, text_problem(text, "zh") or problem)


def normalise_number_text(text: str) -> str:
    """Fold full-width digits and unify thousands separators to commas."""
    folded = unicodedata.normalize("NFKC", text).strip()
    folded = folded.replace("\u2212", "-")
    # Thousands separators: commas, spaces (incl. thin/no-break spaces), apostrophes.
    return re.sub(r"[\s'’]+", ",", folded)


def _parse_decimal(text: str) -> Decimal:
    cleaned = normalise_number_text(text)
    if not cleaned:
        raise ValueRefused("empty", "没有填写内容")
    if "," in cleaned and not re.fullmatch(r"[+-]?[\d,]+(\.\d*)?", cleaned):
        raise ValueRefused("not a number", "不是数字")  # words with it ("about 1200")
    if "," in cleaned:
        if not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
            raise ValueRefused("thousands separators in the wrong places", "千位分隔符的位置不对")
        cleaned = cleaned.replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", cleaned):
        raise ValueRefused("not a number", "不是数字")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the pattern above
        raise ValueRefused("not a number", "不是数字") from exc
    if not value.is_finite():
        raise ValueRefused("not a finite number", "不是有限的数")
    if abs(value) >= LARGEST:
        raise ValueRefused("larger than any figure esgdesk stores (10^15)",
                           "超出 esgdesk 能保存的最大数值（10^15）")
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


def _bounds(low: Decimal | None, high: Decimal | None) -> tuple[str, str, str]:
    """An input cell's bounds for Excel (no upper bound is the largest figure kept) and
    the range as people read it."""
    bottom = low if low is not None else Decimal(0)
    top = high if high is not None else LARGEST - 1
    span = f"{canonical(bottom)}–{canonical(high)}" if high is not None \
        else f"≥ {canonical(bottom)}"
    return canonical(bottom), canonical(top), span


class EntryRule(Frozen):
    """What a request workbook's data validation allows in an input cell (no openpyxl here):
    an Excel validation type and operator with its formulas, and the rule in both languages."""

    _fields = ("kind", "operator", "formula1", "formula2", "zh", "en")
    kind: str  # Excel's validation type: whole, decimal, list, textLength
    operator: str | None
    formula1: str
    formula2: str | None
    zh: str
    en: str

    def __init__(self, kind: str, operator: str | None, formula1: str, formula2: str | None,
                 zh: str, en: str) -> None:
        self.__dict__.update(kind=kind, operator=operator, formula1=formula1, formula2=formula2,
                             zh=zh, en=en)

    def text(self) -> str:
        return f"{self.zh} · {self.en}"


class Entry(Frozen):
    """What a user typed for a figure, parsed once by its type into what the store writes: the
    stored text (None for a state or a cleared figure), the state (states.VALUE or an
    explicit state's id) and, when the figure is stored as something else than a plain
    reading of it, what was typed ("1.2 MWh" stored as 1200 kWh), which the audit row keeps."""

    _fields = ("value", "state", "entered")
    value: str | None
    state: str
    entered: str | None

    def __init__(self, value: str | None, state: str = VALUE, entered: str | None = None,
                 ) -> None:
        self.__dict__.update(value=value, state=state, entered=entered)


CLEARED = Entry(None)  # nothing typed: the figure's value is cleared


class ValueType(Frozen):
    """How one kind of figure is typed, stored, shown, checked and written to a workbook.

    The kinds (Count, Number, …) are its subclasses: equal when of the same kind with the
    same fields."""

    _fields = ("name", "precision")
    name: str
    precision: int

    def __init__(self, name: str, precision: int = 0) -> None:
        self.__dict__.update(name=name, precision=precision)

    numeric = True

    def parse(self, text: str) -> str:
        """Turn what a user typed into the stored text, or raise ValueRefused."""
        raise NotImplementedError

    def entry(self, text: str, unit: str | None = None) -> Entry:
        """What a user typed (with a unit given apart: `--unit MWh`, a unit column), parsed
        once into what the store writes: an explicit state in any of its spellings ("n/a",
        "不适用"), else a value of this type; ValueRefused says why not."""
        state = special_state(text)
        if state is not None:
            return Entry(None, state)
        typed = self.with_unit(text, unit)
        try:
            return self.value_entry(typed)
        except ValueRefused as exc:
            raise ValueRefused(exc.en, exc.zh, typed if typed != text else None) from None

    def value_entry(self, typed: str) -> Entry:
        """A typed value (its unit joined to it), parsed: see entry."""
        return Entry(self.parse(typed))

    def declaration(self) -> dict[str, Any]:
        """How the catalogue declares this type: its name, and its precision where the
        type has one (value_type(**declaration) gives it back)."""
        if self.name in NEEDS_PRECISION:
            return {"type": self.name, "precision": self.precision}
        return {"type": self.name}

    def with_unit(self, text: str, unit: str | None) -> str:
        """What a user typed with a unit given apart (`--unit MWh`, a unit column), as
        one entry; a type without units refuses any unit."""
        if unit:
            raise ValueRefused(f"this figure has no unit to convert from '{unit}'",
                               f"此项没有可换算的单位（“{unit}”）")
        return text

    def counts_na_as_zero(self) -> bool:
        """Whether "n/a" enters a formula as zero: an activity that does not apply was
        not used (a site with no diesel). Other figures marked n/a leave it empty."""
        return False

    @property
    def unit_id(self) -> str | None:
        """The canonical unit of a quantity (esgdesk.model.units), None for other types."""
        return None

    def parse_in(self, text: str, lang: str, old: str | None = None) -> str:
        """What a user typed in one language (a request workbook's language, say), as
        stored: the bilingual text sets that language's text and keeps the other from
        `old`; every other type reads it as parse does."""
        return self.parse(text)

    def format(self, stored: str) -> str:
        """Show a stored value as the report prints it."""
        raise NotImplementedError

    def display(self, stored: str, lang: str) -> str:
        """A stored value as a workbook or a form in `lang` shows it."""
        return self.format(stored)

    def lacks(self, stored: str, lang: str) -> bool:
        """Whether a stored value has no words in `lang`, so that a workbook in that
        language shows it in the other (a text held in Chinese alone, in English)."""
        return False

    # -- precision and checks -------------------------------------------------------
    @property
    def places(self) -> int:
        """Decimals shown and kept after rounding."""
        return self.precision

    def check_places(self, value: Decimal) -> None:
        """Refuse more decimals than the figure takes: a figure is shown as stored, never
        rounded to another number on screen or in a workbook."""
        exponent = value.normalize().as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if decimals <= self.places:
            return
        if self.places == 0:
            raise ValueRefused("this figure takes whole numbers", "此项只填整数")
        unit = "decimal" if self.places == 1 else "decimals"
        raise ValueRefused(f"this figure takes at most {self.places} {unit}",
                           f"此项最多 {self.places} 位小数")

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

    def entry_cell(self, stored: str, lang: str = "zh") -> Any:
        """A stored figure as the input cell of a request workbook in `lang` holds it."""
        return self.excel_number(Decimal(stored)) if self.numeric else stored

    def entry_rule(self, low: Decimal | None, high: Decimal | None) -> EntryRule:
        """The data validation of an input cell, over the catalogue's bounds."""
        bottom, top, span = _bounds(low, high)
        return EntryRule("decimal", "between", bottom, top,
                         f"{span}，{self.places} 位小数", f"{span}, {self.places} decimals")

    def cell_number(self, number: Decimal, number_format: str) -> tuple[Decimal, bool]:
        """A number read from a returned workbook's cell, and whether it was reinterpreted
        because of the cell's format."""
        return number, False

    def may_be_fraction(self, number: Decimal) -> bool:
        """True where a number read from a workbook may be a fraction meant as this type's
        figure (0.85 for 85 %), which only last year's figure tells (see fraction_read)."""
        return False

    def fraction_read(self, number: Decimal, prior: Decimal) -> Decimal | None:
        """A typed fraction meant as this type's figure (0.85 for 85 %), judged against last
        year's figure; None when it is read as typed. Raises ValueRefused when the reading
        has more decimals than the figure takes."""
        return None

    # -- generated figures ----------------------------------------------------------
    def sample_value(self, base: Decimal, scale: Decimal | None, rng: random.Random) -> Decimal:
        """A plausible figure near `base`: scaled for a summed figure, else jittered."""
        if scale is not None:
            return base * scale
        return base * Decimal(rng.uniform(0.97, 1.03))


class Count(ValueType):
    def parse(self, text: str) -> str:
        value = _parse_decimal(text)
        if value != value.to_integral_value():
            raise ValueRefused("a count is a whole number", "计数须为整数")
        if value < 0:
            raise ValueRefused("a count cannot be negative", "计数不能为负数")
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
        bottom, top, span = _bounds(low, high)
        return EntryRule("whole", "between", bottom, top, f"整数，{span}",
                         f"whole number, {span}")


class Number(ValueType):
    """Decimals and money: any finite number with at most the printed decimals."""

    def parse(self, text: str) -> str:
        value = _parse_decimal(text)
        self.check_places(value)
        return canonical(value)

    def format(self, stored: str) -> str:
        return group_thousands(Decimal(stored), self.precision)


class Percentage(ValueType):
    def parse(self, text: str) -> str:
        folded = unicodedata.normalize("NFKC", text).strip()
        value = _parse_decimal(folded.removesuffix("%"))
        if value < 0 or value > 100:
            raise ValueRefused("a percentage lies between 0 and 100", "百分比须在 0 到 100 之间")
        self.check_places(value)
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
        if self.may_be_fraction(number) and prior > 10:
            meant = (number * 100).normalize()
            try:
                self.check_places(meant)
            except ValueRefused as exc:
                raise ValueRefused(f"{canonical(number)} read as {canonical(meant)} %: {exc.en}",
                                   f"{canonical(number)} 按百分比读作 {canonical(meant)}%："
                                   f"{exc.zh}") from None
            return meant
        return None

    def may_be_fraction(self, number: Decimal) -> bool:
        return 0 < number <= 1

    def entry_rule(self, low: Decimal | None, high: Decimal | None) -> EntryRule:
        # A whole-number percentage refuses 0.85 in the cell, as import does: 85 is meant.
        # LibreOffice checks what is typed as the cell's own format reads it, before it
        # formats the cell as a percentage: "85%" typed into the cell is 0.85 to any rule
        # then, so the cell takes the number of percent alone (and says so, in a short
        # line a language that the input message shows beside the cell).
        if self.places:
            return super().entry_rule(low, high)
        bottom, top, span = _bounds(low, high)
        return EntryRule("whole", "between", bottom, top, f"整数，{span}：85% 请填 85",
                         f"whole number, {span}: for 85 % type 85")

    def sample_value(self, base: Decimal, scale: Decimal | None, rng: random.Random) -> Decimal:
        # Within 2 points, and within a tenth of a small rate (1.77 % stays near 1.77 %,
        # never 0.06 %: an order-of-magnitude change is a finding).
        spread = min(Decimal(2), base / 10)
        value = base + spread * Decimal(rng.uniform(-1, 1))
        return min(max(value, Decimal(0)), Decimal(100))


class Text(ValueType):
    numeric = False

    def parse(self, text: str) -> str:
        value = text.strip()
        if not value:
            raise ValueRefused("empty", "没有填写内容")
        _refuse_text(value)
        return value

    def format(self, stored: str) -> str:
        return stored

    def lacks(self, stored: str, lang: str) -> bool:
        # Latin words (a standard, a name) belong in a Chinese text; Chinese is not English.
        return lang == "en" and re.search(_CJK, stored) is not None

    def entry_format(self) -> str:
        return "@"

    def entry_rule(self, low: Decimal | None, high: Decimal | None) -> EntryRule:
        return EntryRule("textLength", "lessThanOrEqual", str(CELL_TEXT_LIMIT), None,
                         "文字", "text")


class YesNo(ValueType):
    numeric = False

    def parse(self, text: str) -> str:
        word = unicodedata.normalize("NFKC", text).strip().lower()
        if word in YES_WORDS:
            return "yes"
        if word in NO_WORDS:
            return "no"
        raise ValueRefused("answer yes or no", "请填写“是”或“否”")

    def format(self, stored: str) -> str:
        return "✓" if stored == "yes" else "✗"

    def entry_format(self) -> str:
        return "General"

    def entry_cell(self, stored: str, lang: str = "zh") -> Any:
        return "是" if stored == "yes" else "否"

    def entry_rule(self, low: Decimal | None, high: Decimal | None) -> EntryRule:
        return EntryRule("list", None, '"是,否,yes,no"', None, "是 / 否", "yes / no")


# Compiled on first use (by re's cache): its wide ranges take milliseconds to compile.
_CJK = r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]"
BILINGUAL_LANGUAGES = ("zh", "en")


def bilingual_value(zh: str = "", en: str = "") -> str:
    """A bilingual text as stored: a JSON object of the languages given ({"zh": …, "en": …})."""
    texts = {lang: text.strip() for lang, text in (("zh", zh), ("en", en)) if text.strip()}
    return json.dumps(texts, ensure_ascii=False)


def _given_languages(text: str) -> dict[str, str] | None:
    """The languages of a text written as stored ({"zh": …, "en": …}), else None."""
    if not text.startswith("{"):
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return None
    if isinstance(found, dict) and found and set(found) <= set(BILINGUAL_LANGUAGES) \
            and all(isinstance(t, str) for t in found.values()):
        return {lang: found[lang].strip() for lang in BILINGUAL_LANGUAGES
                if found.get(lang, "").strip()}
    return None


def _languages(stored: str | None) -> dict[str, str]:
    """A bilingual text's languages; a plain text (stored before the type was bilingual, or
    typed without saying its language) is one language, told by its script."""
    if not stored:
        return {}
    given = _given_languages(stored)
    if given is not None:
        return given
    return {"zh" if re.search(_CJK, stored) else "en": stored}


class BilingualText(ValueType):
    """A text in the report's two languages (a target's wording, a grade): entered in one,
    the other optional; each workbook and form shows its own language, falling back to the
    other. Stored as a JSON object ({"zh": "达标排放", "en": "Up-to-standard discharge"})."""

    numeric = False

    def parse(self, text: str) -> str:
        texts = _languages(text.strip())
        if not texts:
            raise ValueRefused("empty", "没有填写内容")
        for value in texts.values():
            _refuse_text(value)
        return bilingual_value(**texts)

    def parse_in(self, text: str, lang: str, old: str | None = None) -> str:
        value = text.strip()
        if _given_languages(value) is not None:
            return self.parse(value)  # the languages given as stored
        if not value:
            raise ValueRefused("empty", "没有填写内容")
        _refuse_text(value)
        return bilingual_value(**{**_languages(old), lang: value})

    def format(self, stored: str) -> str:
        return " / ".join(_languages(stored).values())

    def display(self, stored: str, lang: str) -> str:
        texts = _languages(stored)
        other = next((t for code, t in texts.items() if code != lang), "")
        return texts.get(lang) or other

    def lacks(self, stored: str, lang: str) -> bool:
        return lang not in _languages(stored)

    def entry_format(self) -> str:
        return "@"

    def entry_cell(self, stored: str, lang: str = "zh") -> Any:
        # Only this language's text: the cell is read back as this language's, and the
        # other language is kept, never copied into this one.
        return _languages(stored).get(lang)

    def entry_rule(self, low: Decimal | None, high: Decimal | None) -> EntryRule:
        return EntryRule("textLength", "lessThanOrEqual", str(CELL_TEXT_LIMIT), None,
                         "文字", "text")


class Quantity(Number):
    """A quantity with a unit (energy, water, waste, emissions): stored exactly in its
    canonical unit, entered in any unit of the same dimension ("1.2 MWh" for kWh)."""

    _fields = ("name", "precision", "quantity")
    quantity: str  # the canonical unit's id (esgdesk.model.units)

    def __init__(self, name: str, precision: int = 0, quantity: str = "") -> None:
        self.__dict__.update(name=name, precision=precision, quantity=quantity)

    def parse(self, text: str) -> str:
        from esgdesk.model.units import split_quantity

        return super().parse(self._canonical_text(*split_quantity(text)))

    def value_entry(self, typed: str) -> Entry:
        from esgdesk.model.units import split_quantity

        number, unit = split_quantity(typed)  # once, for the value and what was typed
        entered = f"{number} {unit}" if unit is not None and unit.strip() else None
        return Entry(super().parse(self._canonical_text(number, unit)), VALUE, entered)

    def _canonical_text(self, number: str, unit: str | None) -> str:
        """A quantity's number in the canonical unit, from its number and unit as typed."""
        from esgdesk.errors import EsgdeskError
        from esgdesk.model.units import convert, parse_unit, unit_by_id

        if unit is None:
            return number
        try:
            target = unit_by_id(self.quantity)
            given = parse_unit(unit, fits=target)
            if given.id == target.id:
                return number
            value = _parse_decimal(number)
            return canonical(convert(value, given, target))
        except EsgdeskError as exc:
            raise ValueRefused(exc.en, exc.zh) from None

    def with_unit(self, text: str, unit: str | None) -> str:
        return f"{text} {unit}" if unit else text

    def counts_na_as_zero(self) -> bool:
        return True

    @property
    def unit_id(self) -> str | None:
        return self.quantity

    def declaration(self) -> dict[str, Any]:
        return {"type": self.name, "precision": self.precision, "quantity": self.quantity}


TYPE_NAMES = ("count", "decimal", "percentage", "money", "text", "bilingual", "yesno",
              "quantity")
NEEDS_PRECISION = ("decimal", "percentage", "money", "quantity")


def value_type(name: str, precision: int | None = None, quantity: str | None = None,
               ) -> ValueType:
    """The value type declared in the catalogue as `name` with `precision` decimals (and, for
    a quantity, its canonical unit's id)."""
    places = 0 if precision is None else precision
    if name == "quantity":
        return Quantity(name, places, quantity or "")
    if name == "count":
        return Count(name)
    if name in ("decimal", "money"):
        return Number(name, places)
    if name == "percentage":
        return Percentage(name, places)
    if name == "text":
        return Text(name)
    if name == "bilingual":
        return BilingualText(name)
    if name == "yesno":
        return YesNo(name)
    raise ValueError(f"unknown value type '{name}'")
