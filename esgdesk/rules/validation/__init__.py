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

from esgdesk.model.words import counted
from esgdesk.rules.validation.context import SUBMITTED
from esgdesk.rules.validation.finding import SEVERITIES, Finding
from esgdesk.rules.validation.kinds import RULE_KINDS, RULES, RuleKind
from esgdesk.rules.validation.validator import Validator, validate

__all__ = ["RULES", "RULE_KINDS", "SEVERITIES", "SUBMITTED", "Finding", "RuleKind", "Validator",
           "counted", "validate"]
