"""Every kind of rule the validator runs, declared once: its name (a Finding's `rule`), its
names in zh and en (the findings sheet, the panes) and the function that finds it. The
validator dispatches from here, and the workbooks read the names from here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from esgdesk.model.frozen import Frozen
from esgdesk.rules.validation import check_rules, factor_rules, figure_rules, group_rules

if TYPE_CHECKING:
    from esgdesk.rules.validation.context import ValidationContext
    from esgdesk.rules.validation.finding import Finding

# find(validator, entity, subject): the subject is an indicator's id, a check's number (for
# a kind that evaluates the catalogue's checks) or a table's missing group ("table|owner").
Find = Callable[["ValidationContext", str, str], "list[Finding]"]
# find_all(validator, entity, subjects): `find` on many subjects of an entity at once, each
# subject that found anything with what it found, in the order given (a group's rules run
# on hundreds of thousands of figures: what each reads is read once for all)
FindAll = Callable[["ValidationContext", str, "Iterable[str]"],
                   "Iterator[tuple[str, list[Finding]]]"]


class RuleKind(Frozen):
    """One kind of rule: `checks` names the catalogue's check kinds it evaluates (none for a
    kind the validator runs on every figure)."""

    _fields = ("name", "zh", "en", "find", "checks", "find_all")
    name: str
    zh: str
    en: str
    find: Find
    checks: tuple[str, ...]
    find_all: FindAll | None

    def __init__(self, name: str, zh: str, en: str, find: Find,
                 checks: tuple[str, ...] = (), find_all: FindAll | None = None) -> None:
        self.__dict__.update(name=name, zh=zh, en=en, find=find, checks=checks,
                             find_all=find_all)

    def find_each(self, v: ValidationContext, entity: str, subjects: Iterable[str],
                  ) -> Iterator[tuple[str, list[Finding]]]:
        """The rule on many subjects of an entity: each subject that found anything, with
        what it found, in the order given (`find_all` where the kind has it, else `find` on
        each in turn)."""
        if self.find_all is not None:
            yield from self.find_all(v, entity, subjects)
            return
        find = self.find
        for subject in subjects:
            found = find(v, entity, subject)
            if found:
                yield subject, found

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


RULE_KINDS: tuple[RuleKind, ...] = (
    RuleKind("type_range", "类型与范围", "Type and range", figure_rules.type_range,
             find_all=figure_rules.type_ranges),
    RuleKind("prior_year", "与上年比较", "Change from last year", figure_rules.prior_year,
             find_all=figure_rules.prior_years),
    RuleKind("target", "目标", "Target", figure_rules.target),
    RuleKind("breakdown", "分项合计", "Breakdown", check_rules.breakdown,
             ("breakdown", "part_of")),
    RuleKind("same_figure", "同一数字", "Same figure", check_rules.same_figure,
             ("same_figure",)),
    RuleKind("ratio", "比率", "Ratio", check_rules.ratio, ("ratio",)),
    RuleKind("consolidation", "合并", "Consolidation", group_rules.consolidation),
    RuleKind("factor", "排放因子", "Factors", factor_rules.factor),
    RuleKind("peer", "同级比较", "Sibling sites", group_rules.peer),
    RuleKind("missing", "缺报", "Missing figures", figure_rules.missing,
             find_all=figure_rules.missings),
    RuleKind("incomplete", "合计不完整", "Incomplete total", group_rules.incomplete),
    RuleKind("totals", "合计与分项", "Total and its lines", group_rules.totals),
    RuleKind("evidence", "证明文件", "Evidence", figure_rules.evidence),
    RuleKind("assurance", "核查结论", "Assurance", figure_rules.assurance),
)
RULES: dict[str, RuleKind] = {kind.name: kind for kind in RULE_KINDS}
CHECK_RULES: dict[str, RuleKind] = {check: kind for kind in RULE_KINDS for check in kind.checks}
