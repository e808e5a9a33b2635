"""The catalogue as a workbook a coordinator edits in Excel or LibreOffice, in the spirit of
XLSForm: one sheet per kind of item, a row per item, a header row naming the columns, and
drop-down lists for every choice and every id it refers to.

columns.py (the sheets, their columns, help and drop-downs), write.py (`write_catalogue_book`),
read.py (`read_catalogue_book`: every problem at its sheet!cell), plan.py (`plan_import`: the
book against a database, and the difference it makes), problems.py (the codes)."""

from esgdesk.exchange.catalogue_book.columns import COLUMNS, SHEETS
from esgdesk.exchange.catalogue_book.plan import (
    CatalogueImport,
    EditionDiff,
    Moved,
    Renamed,
    RuleChange,
    plan_import,
)
from esgdesk.exchange.catalogue_book.problems import (
    BAD_FORMULA,
    BAD_ID,
    CATALOGUE,
    COLUMN_MISSING,
    CYCLE,
    DUPLICATE_ID,
    FORMULA_CELL,
    MISSING_VALUE,
    NOT_A_CHOICE,
    NOT_A_NUMBER,
    NOT_YES_NO,
    RETIRED_IN_TABLE,
    SHEET_MISSING,
    TEXT_REFUSED,
    TYPE_CHANGED,
    UNIT_CHANGED,
    UNKNOWN_CHAPTER,
    UNKNOWN_COLUMN,
    UNKNOWN_DEPARTMENT,
    UNKNOWN_INDICATOR,
    UNKNOWN_KEY,
    UNKNOWN_SECTION,
    UNKNOWN_TABLE,
    UNKNOWN_TYPE,
)
from esgdesk.exchange.catalogue_book.read import read_catalogue_book
from esgdesk.exchange.catalogue_book.write import write_catalogue_book

__all__ = [
    "BAD_FORMULA", "BAD_ID", "CATALOGUE", "COLUMNS", "COLUMN_MISSING", "CYCLE", "DUPLICATE_ID",
    "FORMULA_CELL", "MISSING_VALUE", "NOT_A_CHOICE", "NOT_A_NUMBER", "NOT_YES_NO",
    "RETIRED_IN_TABLE", "SHEETS", "SHEET_MISSING", "TEXT_REFUSED", "TYPE_CHANGED",
    "UNIT_CHANGED", "UNKNOWN_CHAPTER", "UNKNOWN_COLUMN", "UNKNOWN_DEPARTMENT",
    "UNKNOWN_INDICATOR", "UNKNOWN_KEY", "UNKNOWN_SECTION", "UNKNOWN_TABLE", "UNKNOWN_TYPE",
    "CatalogueImport", "EditionDiff", "Moved", "Renamed", "RuleChange", "plan_import",
    "read_catalogue_book", "write_catalogue_book",
]
