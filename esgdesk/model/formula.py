"""Arithmetic over indicator ids, as the catalogue writes it: `a / b * 100`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, DivisionByZero, InvalidOperation

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)|(.))")


FACTOR = "factor."  # a formula's name for a factor: factor.ncv.diesel, factor.grid
GRID = "grid"  # the grid factor of the entity's province, else the national one


class FormulaError(ValueError):
    """A formula in the catalogue cannot be read."""


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its text, the ids it reads, and how to evaluate it."""

    text: str
    indicators: tuple[str, ...]
    _evaluate: Callable[[Mapping[str, Decimal]], Decimal] = field(compare=False)
    # Factors it reads (`factor.ncv.diesel` → "ncv.diesel"; `factor.grid`: the grid factor of
    # the entity's province); their values come in `values` as "factor.<id>".
    factors: tuple[str, ...] = ()

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
            raise FormulaError(f"'{text}': ends too early")
        position += 1
        return token

    def expression() -> Callable[[Mapping[str, Decimal]], Decimal]:
        result = term()
        while (token := peek()) and token[1] in "+-":
            take()
            left, right = result, term()
            result = _combine(token[1], left, right)
        return result

    def term() -> Callable[[Mapping[str, Decimal]], Decimal]:
        result = factor()
        while (token := peek()) and token[1] in "*/":
            take()
            left, right = result, factor()
            result = _combine(token[1], left, right)
        return result

    def factor() -> Callable[[Mapping[str, Decimal]], Decimal]:
        kind, value = take()
        if kind == "number":
            constant = Decimal(value)
            return lambda values: constant
        if kind == "name":
            names.append(value)
            return lambda values: values[value]
        if value == "(":
            inner = expression()
            if take()[1] != ")":
                raise FormulaError(f"'{text}': missing ')'")
            return inner
        if value == "-":
            operand = factor()
            return lambda values: -operand(values)
        raise FormulaError(f"'{text}': unexpected '{value}'")

    evaluate = expression()
    if peek() is not None:
        raise FormulaError(f"'{text}': unexpected '{peek()[1]}'")
    ordered = list(dict.fromkeys(names))
    return Formula(text, tuple(n for n in ordered if not n.startswith(FACTOR)), evaluate,
                   tuple(n.removeprefix(FACTOR) for n in ordered if n.startswith(FACTOR)))


def _combine(
    operator: str,
    left: Callable[[Mapping[str, Decimal]], Decimal],
    right: Callable[[Mapping[str, Decimal]], Decimal],
) -> Callable[[Mapping[str, Decimal]], Decimal]:
    if operator == "+":
        return lambda values: left(values) + right(values)
    if operator == "-":
        return lambda values: left(values) - right(values)
    if operator == "*":
        return lambda values: left(values) * right(values)
    return lambda values: left(values) / right(values)


def _tokenise(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    for number, name, other in _TOKEN.findall(text):
        if number:
            tokens.append(("number", number))
        elif name:
            tokens.append(("name", name))
        elif other.strip():
            if other not in "+-*/()":
                raise FormulaError(f"'{text}': unexpected '{other}'")
            tokens.append(("op", other))
    return tokens
