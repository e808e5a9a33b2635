"""The catalogue: the report's chapters, tables, rows and indicators as data. Its records
(records.py), the documents they are read from and written to (documents.py) and what can
be wrong with them (checks.py); the names callers use are importable from here."""

from typing import Any

from esgdesk.model.catalogue.records import (
    AGGREGATIONS,
    CHECK_KINDS,
    DEFAULT_MARKS,
    EVIDENCE_CHOICES,
    EVIDENCE_REQUIRED,
    LANGUAGES,
    LAYOUTS,
    NO_LABEL,
    RULE_KEYS,
    SHEET_NAME_LIMIT,
    SOURCES,
    TARGET_KINDS,
    Catalogue,
    Chapter,
    Check,
    Column,
    Indicator,
    Label,
    Note,
    Row,
    Section,
    Table,
    Target,
    default_level,
    fill_year,
    name_in,
    shorten,
)

__all__ = [
    "AGGREGATIONS", "CATALOGUE_DIR", "CHECK_KINDS", "DEFAULT_MARKS", "ENTITIES_FILE",
    "EVIDENCE_CHOICES", "EVIDENCE_REQUIRED",
    "LANGUAGES", "LAYOUTS", "NO_LABEL", "RULE_KEYS", "SHEET_NAME_LIMIT", "SOURCES",
    "TARGET_KINDS", "Catalogue", "Chapter", "Check", "Column", "Indicator", "Label", "Note",
    "Row", "Section", "Table", "Target", "default_level", "directory_document",
    "document_hash", "entity_codes", "fill_year", "indicator_document", "load", "name_in",
    "read", "read_document", "shorten", "to_document",
]

# The documents' names are read from documents.py when first asked for: a database opened
# takes its catalogue from the cache, and the window's first paint reads no document.
DOCUMENT_NAMES = frozenset((
    "CATALOGUE_DIR", "ENTITIES_FILE", "directory_document", "document_hash", "entity_codes",
    "indicator_document", "load", "read", "read_document", "to_document"))


def __getattr__(name: str) -> Any:
    if name not in DOCUMENT_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from esgdesk.model.catalogue import documents

    return getattr(documents, name)
