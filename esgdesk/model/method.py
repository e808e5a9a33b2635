"""The method's choices as data (resources/method.toml): which stored factor a formula's
factor name reads (`factor.grid_market`, `factor.natural_gas_ncv`), chosen for the database
or per entity, each with its default and its options' zh and en words."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import NamedTuple

from esgdesk.errors import EsgdeskError
from esgdesk.paths import RESOURCES

METHOD_FILE = RESOURCES / "method.toml"


class Option(NamedTuple):
    id: str
    zh: str
    en: str
    reads: Mapping[str, str]  # a formula's factor name → the stored factor id ("grid": grid)

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Choice(NamedTuple):
    """A choice of the method: `scope` "database" or "entity"."""

    id: str
    scope: str
    zh: str
    en: str
    default: str
    options: Mapping[str, Option]

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def option(self, typed: str) -> Option:
        """An option by its id (any case, - or _), or a refusal naming the options."""
        key = typed.strip().lower().replace("-", "_")
        if key in self.options:
            return self.options[key]
        ids = ", ".join(self.options)
        raise EsgdeskError(f"'{typed[:40]}' is not a choice of {self.id} ({ids})",
                           f"“{typed[:40]}”不是 {self.id} 的选项（{ids}）",
                           where=self.id, kind="unknown_choice")

    def setting_key(self, entity: str | None) -> str:
        """Where the choice is kept among the database's settings."""
        return f"method.{self.id}" if entity is None else f"method.{self.id}.{entity}"


@cache
def choices() -> dict[str, Choice]:
    """Every choice of the method, by id."""
    import tomllib  # when the file is first read, not at start-up

    with METHOD_FILE.open("rb") as handle:
        raw = tomllib.load(handle)
    found: dict[str, Choice] = {}
    for item in raw["choices"]:
        options = {o["id"]: Option(o["id"], o["label"]["zh"], o["label"]["en"],
                                   dict(o["reads"])) for o in item["options"]}
        found[item["id"]] = Choice(item["id"], item["scope"], item["label"]["zh"],
                                   item["label"]["en"], item["default"], options)
    return found


def chosen_names() -> frozenset[str]:
    """The factor names formulas read through a choice."""
    return frozenset(name for choice in choices().values()
                     for option in choice.options.values() for name in option.reads)


def find_choice(typed: str) -> Choice:
    key = typed.strip().lower().replace("-", "_")
    if key in choices():
        return choices()[key]
    ids = ", ".join(choices())
    raise EsgdeskError(f"'{typed[:40]}' is no choice of the method ({ids})",
                       f"“{typed[:40]}”不是计算方法的选项（{ids}）", kind="unknown_choice")
