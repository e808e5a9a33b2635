"""Errors a user can cause, each carrying what went wrong and where."""

from __future__ import annotations


class EsgdeskError(Exception):
    """Base of every error that is shown to the user as one clear message."""

    def message(self) -> str:
        return str(self)


class CatalogueError(EsgdeskError):
    """The catalogue data in resources/ is inconsistent."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("catalogue: " + "; ".join(problems))


class UnknownIndicator(EsgdeskError):
    def __init__(self, indicator_id: str) -> None:
        self.indicator_id = indicator_id
        super().__init__(f"unknown indicator '{indicator_id}' (see 'esgdesk catalogue')")


class UnknownEntity(EsgdeskError):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"unknown entity '{code}' (see 'esgdesk entities')")


class InvalidValue(EsgdeskError):
    def __init__(self, indicator_id: str, text: str, reason: str) -> None:
        self.indicator_id = indicator_id
        self.text = text
        self.reason = reason
        super().__init__(f"{indicator_id}: '{text}' refused: {reason}")


class DerivedIndicator(EsgdeskError):
    def __init__(self, indicator_id: str, formula: str) -> None:
        self.indicator_id = indicator_id
        super().__init__(
            f"{indicator_id} is computed from its components ({formula}); "
            "change the components instead"
        )


class ValueLocked(EsgdeskError):
    def __init__(self, entity: str, year: int, indicator_id: str) -> None:
        super().__init__(f"{indicator_id} for {entity} {year} is locked; unlock it first")


class StaleValue(EsgdeskError):
    """The value changed since the caller read it (optimistic concurrency)."""

    def __init__(self, indicator_id: str, changed_by: str, changed_at: str) -> None:
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(
            f"{indicator_id} was changed by {changed_by} at {changed_at} since you read it"
        )


class DatabaseError(EsgdeskError):
    """The database file cannot be used: unreadable, not ours, too new, locked."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
