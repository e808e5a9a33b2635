"""The words of a restated figure (GRI 2-4): its kind, what changed and why, as stored in
the figure's `restated` text and as the report's footnote and the window say them in either
language.

Stored: `kind: reason`, or, when a change of the group's structure restated it,
`kind: what (en) ‖ what (zh); reason`, the change named in both languages so that a Chinese
report does not print it in English. Texts stored before the change was named in both
languages (`kind: what; reason`) are said as they are."""

from __future__ import annotations

REASONS = {
    "error": ("更正错误", "error corrected"),
    "method": ("计算方法变更", "method changed"),
    "boundary": ("统计范围变更", "boundary changed"),
}
BETWEEN = " ‖ "  # between the change's words in English and in Chinese


def _clean(words: str) -> str:
    """The change's words, kept from reading as the separators around them."""
    return " ".join(words.replace("‖", "|").replace(";", ",").replace("；", "，").split())


def restated_text(kind: str, reason: str, what: tuple[str, str] | None = None) -> str:
    """The stored text of a restatement: its kind, the change that made it (English,
    Chinese) when one did, and the user's reason."""
    if what is None:
        return f"{kind}: {reason.strip()}"
    en, zh = (_clean(words) for words in what)
    return f"{kind}: {en}{BETWEEN}{zh}; {reason.strip()}"


def restated_words(text: str, lang: str) -> tuple[str, str]:
    """(the kind's name, what changed and why) of a stored restatement in a language:
    ("统计范围变更", "wuhan 自 2023 年起归入 south；转由华南管理")."""
    kind, _, rest = text.partition(": ")
    zh_kind, en_kind = REASONS.get(kind, (kind, kind))
    named, between, reason = rest.partition("; ")
    if between and BETWEEN in named:
        en, _, zh = named.partition(BETWEEN)
        rest = f"{zh}；{reason}" if lang == "zh" else f"{en}; {reason}"
    return (zh_kind if lang == "zh" else en_kind), rest
