"""A finding: what a rule found (severity, rule, entity, year, indicators, the numbers it read
and a message in zh and en), and the plain number texts findings quote."""

from __future__ import annotations

from decimal import Decimal

from esgdesk.model.catalogue import Label
from esgdesk.model.frozen import Frozen

SEVERITIES = ("error", "warning", "info")


class Finding(Frozen):
    """What a rule found, where, with the numbers it read and its message."""

    _fields = ("severity", "rule", "entity", "year", "indicators", "values", "message",
               "explanation")
    severity: str
    rule: str
    entity: str
    year: int
    indicators: tuple[str, ...]
    values: dict[str, str]
    message: Label
    explanation: str

    def __init__(self, severity: str, rule: str, entity: str, year: int,
                 indicators: tuple[str, ...], values: dict[str, str], message: Label,
                 explanation: str = "") -> None:
        self.__dict__.update(severity=severity, rule=rule, entity=entity, year=year,
                             indicators=indicators, values=values, message=message,
                             explanation=explanation)

    @property
    def explained(self) -> bool:
        """A warning or info with an explanation note; errors stay errors."""
        return self.severity != "error" and bool(self.explanation.strip())

    @property
    def blocking(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, object]:
        return {"severity": self.severity, "rule": self.rule, "entity": self.entity,
                "year": self.year, "indicators": list(self.indicators), "values": self.values,
                "message": self.message.as_dict(), "explained": self.explained,
                "explanation": self.explanation}


def number_text(number: Decimal | None) -> str:
    """A number as a finding quotes it (1,226 · 0.016), "—" for none."""
    if number is None:
        return "—"
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number.normalize():,f}"


def factor_text(factor: Decimal) -> str:
    """A ratio between two years, to two decimals (×11,363.30) or two significant digits
    below one (×0.009)."""
    return number_text(factor.quantize(Decimal("0.01")) if factor >= 1 else Decimal(f"{factor:.2g}"))
