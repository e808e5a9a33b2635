"""The one vocabulary of explicit states: a figure marked "not applicable" or "not available"
instead of a value. Store, forms, workbooks, validation and the command line all read it."""

from __future__ import annotations

import unicodedata

from esgdesk.model.frozen import Frozen

VALUE = "value"  # the ordinary state: the figure holds a value (or is empty)


class State(Frozen):
    """An explicit state, stored without a value and needing a justification note."""

    _fields = ("id", "text", "word_zh", "word_en", "name_zh", "name_en", "label", "spellings")
    id: str
    text: str  # how the audit log, dump and data sheets write it ("n/a")
    word_zh: str  # what a contributor picks in a request workbook
    word_en: str
    name_zh: str  # in a sentence ("不适用")
    name_en: str
    label: str  # in a form cell, both languages ("不适用 n/a")
    spellings: tuple[str, ...]  # what people type for it, folded (NFKC, lower case)

    def __init__(self, id: str, text: str, word_zh: str, word_en: str, name_zh: str, name_en: str,
                 label: str, spellings: tuple[str, ...]) -> None:
        self.__dict__.update(id=id, text=text, word_zh=word_zh, word_en=word_en, name_zh=name_zh,
                             name_en=name_en, label=label, spellings=spellings)

    def word(self, lang: str) -> str:
        return self.word_zh if lang == "zh" else self.word_en

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


NOT_APPLICABLE = State("not_applicable", "n/a", "不适用", "n/a", "不适用", "not applicable",
                       "不适用 n/a",
                       ("n/a", "na", "not applicable", "不适用", "—", "–"))
NOT_AVAILABLE = State("not_available", "not available", "暂无", "not available", "暂无数据",
                      "not available", "暂无 n.av.",
                      ("not available", "n.av.", "暂无", "暂无数据"))
STATES: dict[str, State] = {s.id: s for s in (NOT_APPLICABLE, NOT_AVAILABLE)}
_SPELLINGS = {spelling: state.id for state in STATES.values() for spelling in state.spellings}


def special_state(text: str) -> str | None:
    """The state a typed text asks for ("not_applicable", "not_available"), or None."""
    return _SPELLINGS.get(unicodedata.normalize("NFKC", text).strip().lower())


def state_text(state: str, value: str | None) -> str | None:
    """A figure as the audit log and the data sheets write it: its value, or its state."""
    found = STATES.get(state)
    return found.text if found is not None else value


def written_state(state: str) -> str:
    """A figure's state as the dump and the data sheets write it in their state column:
    "n/a", "not available", or "" for a figure holding a value (or nothing)."""
    found = STATES.get(state)
    return found.text if found is not None else ""


def is_state_text(text: str | None) -> bool:
    return any(s.text == text for s in STATES.values())


def state_words(lang: str) -> tuple[str, ...]:
    """The states' words a contributor picks from, in a language."""
    return tuple(s.word(lang) for s in STATES.values())
