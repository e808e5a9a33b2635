"""Arithmetic over indicator ids, as the catalogue writes it: `a / b * 100`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation

from esgdesk.model.frozen import Frozen

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)|(.))")


FACTOR = "factor."  # a formula's name for a factor: factor.ncv.diesel, factor.grid
GRID = "grid"  # the grid factor of the entity's province, else the national one


class FormulaError(ValueError):
    """A formula in the catalogue cannot be read: the formula, and why in en and zh."""

    def __init__(self, text: str, reason: str, reason_zh: str) -> None:
        self.text, self.reason, self.reason_zh = text, reason, reason_zh
        super().__init__(f"'{text}': {reason}")

    def message(self, lang: str = "en") -> str:
        return f"“{self.text}”：{self.reason_zh}" if lang == "zh" else str(self)


class Formula(Frozen):
    """A parsed formula: its text, the ids it reads, and how to evaluate it: `source`, one
    Python expression over `values` and `constants`, compiled on its first evaluation (a
    catalogue is read at every start-up; most of its formulas are evaluated later, if at
    all). Formulas are equal when their text and what they read are; one pickles without
    its compiled code."""

    _fields = ("text", "indicators", "factors")
    text: str
    indicators: tuple[str, ...]
    source: str
    # Factors it reads (`factor.ncv.diesel` → "ncv.diesel"; `factor.grid`: the grid factor of
    # the entity's province); their values come in `values` as "factor.<id>".
    factors: tuple[str, ...]
    constants: tuple[Decimal, ...]

    def __init__(self, text: str, indicators: tuple[str, ...], source: str,
                 factors: tuple[str, ...] = (), constants: tuple[Decimal, ...] = ()) -> None:
        self.__dict__.update(text=text, indicators=indicators, source=source, factors=factors,
                             constants=constants)

    def _evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = eval(compile(f"lambda values: {self.source}", f"<formula {self.text}>",
                                    "eval"),
                            {"__builtins__": {}, "constants": self.constants})
            object.__setattr__(self, "_compiled", compiled)
        return compiled(values)

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_compiled"}

    def words(self, name: Callable[[str], str]) -> str:
        """The formula in words: each id it reads named by `name` (an indicator's label in
        the reader's language, say; a factor's id comes with its "factor." prefix), × and ÷
        for * and /."""
        shown = {"*": "×", "/": "÷"}
        text = ""
        for kind, value in _tokenise(self.text):
            part = name(value) if kind == "name" else shown.get(value, value)
            if text and not text.endswith("(") and part != ")":
                text += " "
            text += part
        return text

    def evaluate_whole(self, values: Mapping[str, Decimal]) -> Decimal | None:
        """`evaluate` where every id the formula reads is in `values` and it reads no
        factor (a computed figure of a whole table): the result, or None for a divisor of
        zero."""
        try:
            return self._evaluate(values)
        except (ZeroDivisionError, DivisionByZero, InvalidOperation):
            return None

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal | None:
        """The result, or None when a component or a factor is missing or a divisor is
        zero."""
        if any(values.get(i) is None for i in self.indicators):
            return None
        missing = [FACTOR + f for f in self.factors if values.get(FACTOR + f) is None]
        try:
            if not missing:
                return self._evaluate(values)
            # A factor not known matters only where the activity is not zero: 0 L of diesel
            # is 0 t CO2 whatever diesel's factor. Two stand-in values tell.
            one = self._evaluate({**values, **dict.fromkeys(missing, Decimal(1))})
            other = self._evaluate({**values, **dict.fromkeys(missing, Decimal(7))})
            return one if one == other else None
        except (ZeroDivisionError, DivisionByZero, InvalidOperation):
            return None


def parse(text: str) -> Formula:
    tokens = _tokenise(text)
    position = 0
    names: list[str] = []

    def peek() -> tuple[str, str] | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal position
        token = peek()
        if token is None:
            raise FormulaError(text, "ends too early", "不完整")
        position += 1
        return token

    # Each part becomes Python source over `values` (ids as quoted keys, numbers as
    # constants), compiled once: a figure computed for every entity and year is one call.
    constants: list[Decimal] = []

    def expression() -> str:
        result = term()
        while (token := peek()) and token[1] in "+-":
            take()
            result = f"({result} {token[1]} {term()})"
        return result

    def term() -> str:
        result = factor()
        while (token := peek()) and token[1] in "*/":
            take()
            result = f"({result} {token[1]} {factor()})"
        return result

    def factor() -> str:
        kind, value = take()
        if kind == "number":
            constants.append(Decimal(value))
            return f"constants[{len(constants) - 1}]"
        if kind == "name":
            names.append(value)
            return f"values[{value!r}]"
        if value == "(":
            inner = expression()
            if take()[1] != ")":
                raise FormulaError(text, "missing ')'", "缺少“)”")
            return inner
        if value == "-":
            return f"(-{factor()})"
        raise FormulaError(text, f"unexpected '{value}'", f"不应出现“{value}”")

    source = expression()
    if peek() is not None:
        raise FormulaError(text, f"unexpected '{peek()[1]}'", f"不应出现“{peek()[1]}”")
    ordered = list(dict.fromkeys(names))
    return Formula(text, tuple(n for n in ordered if not n.startswith(FACTOR)), source,
                   tuple(n.removeprefix(FACTOR) for n in ordered if n.startswith(FACTOR)),
                   tuple(constants))


def _tokenise(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    for number, name, other in _TOKEN.findall(text):
        if number:
            tokens.append(("number", number))
        elif name:
            tokens.append(("name", name))
        elif other.strip():
            if other not in "+-*/()":
                raise FormulaError(text, f"unexpected '{other}'", f"不应出现“{other}”")
            tokens.append(("op", other))
    return tokens
