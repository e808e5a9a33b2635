"""Validation: one engine evaluating the catalogue's rules on stored figures, giving findings.

The kinds of rule are declared once in `kinds` (name, zh and en names, the function that
finds them); `validator` runs them, each kind's function lives with its kin
(`figure_rules`, `check_rules`, `group_rules`, `factor_rules`).

Rule kinds: type and range; breakdowns adding up; the same figure printed twice;
a group figure against its companies and sites; typed ratios against their
components; year-over-year changes; targets; a computed figure whose factor is missing
(or whose site has no province); a site's quantity far from its sibling sites' (per
employee), which catches a unit slip in a first year. Each finding names its severity
(error blocks submission, warning needs an explanation, info), the rule, the
entity, year, indicators and numbers, and a message in zh and en.
"""

from typing import Any

from esgdesk.model.words import counted
from esgdesk.rules.validation.finding import SEVERITIES, Finding

__all__ = ["RULES", "RULE_KINDS", "SEVERITIES", "SUBMITTED", "Finding", "RuleKind", "Validator",
           "counted", "validate"]


def __getattr__(name: str) -> Any:
    """The engine and its rules, imported when first asked for: a window shows its forms
    (and the findings' words) before it validates anything."""
    if name in ("Validator", "validate"):
        from esgdesk.rules.validation import validator as module
    elif name in ("RULE_KINDS", "RULES", "RuleKind"):
        from esgdesk.rules.validation import kinds as module
    elif name == "SUBMITTED":
        from esgdesk.rules.validation import context as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(module, name)
