"""Counting in English words: a number with its noun in the singular for one ("1 error",
"2 errors"). Chinese has no plural, so its texts need none of this."""

from __future__ import annotations


def counted(number: int, singular: str, plural: str = "") -> str:
    """A number with its English noun ("1 error", "2 errors", "3 figures")."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
