"""The working session the app and the command line share: the open database, the chosen
entity and year, the validation run, and every change, each returning what it changed.

Its parts, by concern: core.py (opening, scope, validation, other users; `Changes`),
figures.py, evidence.py (documents behind figures, their quality), collection.py,
catalogue.py (the catalogue and years) and setup.py (entities,
provinces, the method, factors)."""

from __future__ import annotations

from esgdesk.application.session.assurance import AssurancePart
from esgdesk.application.session.catalogue import CataloguePart
from esgdesk.application.session.collection import CollectionPart
from esgdesk.application.session.core import (
    ACTION_ROLES,
    ROLE_WORDS,
    SCOPE,
    Changes,
    Progress,
)
from esgdesk.application.session.evidence import EvidencePart
from esgdesk.application.session.figures import FiguresPart, Trend
from esgdesk.application.session.setup import SetupPart
from esgdesk.storage.health import FileCheck
from esgdesk.storage.records import AuditRecord
from esgdesk.storage.store import Store, StoredValue

__all__ = ["ACTION_ROLES", "ROLE_WORDS", "SCOPE", "AuditRecord", "Changes", "FileCheck",
           "Progress", "Session", "Store", "StoredValue", "Trend"]


class Session(FiguresPart, EvidencePart, AssurancePart, CollectionPart, CataloguePart,
              SetupPart):
    """One user's work on one database (or a request workbook opened offline)."""
