"""The store's catalogue editions: what each reporting year's figures mean.

A year's edition is the highest-numbered one stored for it; a year with none of its own reads
the last edition before it (the year was opened from it and nothing was changed since), or
else the first one after it. Documents are stored once by content hash, so opening a year
costs one small row. Storing an edition is one audited transaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgdesk.errors import CatalogueError, DatabaseDamaged, EsgdeskError, UnknownIndicator
from esgdesk.model.catalogue import Catalogue, Indicator
from esgdesk.model.frozen import Frozen
from esgdesk.storage.audit import add_audit_row
from esgdesk.storage.base import now
from esgdesk.storage.edition_cache import cached_edition, keep_edition
from esgdesk.storage.entities import EntitiesPart
from esgdesk.storage.records import read_record

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

EDITION_COLUMNS = "year, number, hash, made_by, made_at, summary"


class EditionInfo(Frozen):
    """A stored edition of a year's catalogue: which, whose, when and why."""

    _fields = ("year", "number", "hash", "made_by", "made_at", "summary")
    year: int  # the year it was stored for
    number: int
    hash: str
    made_by: str
    made_at: str
    summary: str

    def __init__(self, year: int, number: int, hash: str, made_by: str, made_at: str,
                 summary: str) -> None:
        self.__dict__.update(year=year, number=number, hash=hash, made_by=made_by,
                             made_at=made_at, summary=summary)


class EditionsPart(EntitiesPart):
    """Each reporting year's catalogue, read once per year and content."""

    def __init__(self, path: Path, catalogue: Catalogue | None = None) -> None:
        super().__init__(path, catalogue)
        self._parsed: dict[tuple[str, int], Catalogue] = {}

    # -- reading ----------------------------------------------------------------
    def editions(self) -> list[EditionInfo]:
        """Every stored edition, by year and number."""
        rows = self._query(f"SELECT {EDITION_COLUMNS} FROM catalogue_edition "
                           "ORDER BY year, number")
        return [read_record(EditionInfo, r) for r in rows]

    def edition_info(self, year: int) -> EditionInfo | None:
        """The edition in force for a year: its own, else the last before it, else the first
        after it; None when the database holds none (the shipped template applies)."""
        latest: dict[int, EditionInfo] = {}
        for info in self.editions():
            latest[info.year] = info
        if not latest:
            return None
        before = [y for y in latest if y <= year]
        return latest[max(before)] if before else latest[min(latest)]

    def edition(self, year: int) -> Catalogue:
        """The catalogue of a reporting year, with its titles naming that year."""
        info = self.edition_info(year)
        if info is None:
            from esgdesk.model.templates import template_document

            return self._parse(template_document(), year)
        key = (info.hash, year)
        if key not in self._parsed:
            content = self._content(info)
            cacheable = isinstance(content, str)
            found = cached_edition(content, year, info.hash) if cacheable else None
            if found is None:
                document = self._document(content, year)
                try:
                    found = self._parse(document, year, info.hash)
                except (CatalogueError, AttributeError, TypeError, ValueError, KeyError) as exc:
                    raise DatabaseDamaged(str(self.path), f"the catalogue of {year} is damaged "
                                          f"({str(exc)[:120]}); restore the latest backup",
                                          f"{year} 年的指标目录已损坏；请恢复最近的备份") from None
                if cacheable:  # read from the cache on the next start
                    keep_edition(content, year, found)
            self._parsed[key] = found
        return self._parsed[key]

    def edition_document(self, year: int) -> dict[str, Any]:
        """The document of the edition in force for a year."""
        info = self.edition_info(year)
        if info is None:
            from esgdesk.model.templates import template_document

            return template_document()
        return self._document(self._content(info), year)

    def _content(self, info: EditionInfo) -> Any:
        """The stored text of an edition's document (None when it is missing)."""
        rows = self._query("SELECT content FROM catalogue_content WHERE hash = ?", (info.hash,))
        return rows[0]["content"] if rows else None

    def _document(self, content: Any, year: int) -> dict[str, Any]:
        """An edition's stored text read as a document; DatabaseDamaged when it cannot be."""
        try:
            document = json.loads(content) if content is not None else None
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise DatabaseDamaged(str(self.path), f"the catalogue of {year} cannot be read; "
                                  "restore the latest backup",
                                  f"{year} 年的指标目录无法读取；请恢复最近的备份")
        return document

    def _parse(self, document: dict[str, Any], year: int,
               content_hash: str | None = None) -> Catalogue:
        """A document read for a year; `content_hash` is its hash when it is known (stored
        with it), so that it is not worked out again on every opening."""
        from esgdesk.model.catalogue.documents import read_document  # on a cache miss

        catalogue, problems = read_document(document, year, content_hash=content_hash)
        if problems:
            raise CatalogueError(problems)
        return catalogue

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue of the latest year the database holds an edition for (the shipped
        template when it holds none): for what does not depend on a year."""
        editions = self.editions()
        if editions:
            return self.edition(editions[-1].year)
        if getattr(self, "_given", None) is not None:
            return self._given
        from esgdesk.model.templates import template_catalogue

        return self.edition(template_catalogue().report_year)

    @catalogue.setter
    def catalogue(self, value: Catalogue | None) -> None:
        self._given = value

    def known_indicator(self, year: int, indicator_id: str) -> Indicator:
        """An indicator of a year's edition, in use or retired (its figures can be read)."""
        catalogue = self.edition(year)
        found = catalogue.indicators.get(indicator_id) or catalogue.retired.get(indicator_id)
        if found is None:
            raise UnknownIndicator(indicator_id)
        return found

    def years_with_figures(self) -> dict[str, list[int]]:
        """The years each indicator holds figures (or states) in, for the whole group."""
        rows = self._query("SELECT DISTINCT indicator, year FROM value WHERE value IS NOT NULL "
                           "OR state != 'value' ORDER BY year")
        found: dict[str, list[int]] = {}
        for row in rows:
            found.setdefault(row["indicator"], []).append(int(row["year"]))
        return found

    # -- writing ----------------------------------------------------------------
    def store_edition(self, year: int, document: dict[str, Any], summary: str, user: str,
                      ) -> EditionInfo | None:
        """Store a document as a year's edition (one audited transaction); None when it is
        the edition the year already has (nothing is written). Later years that hold figures
        and read this year's edition are first given it as their own, so what their figures
        mean does not change under them."""
        from esgdesk.model.catalogue.documents import document_hash, to_document

        document = to_document(self._parse(document, year))  # refuses a broken one
        digest = document_hash(document)
        current = self.edition_info(year)
        if current is not None and current.hash == digest:
            return None  # the year reads this content already (its own or opened from it)
        return self._add(year, digest, document, summary, user,
                         old=current.hash if current else None)

    def open_year(self, year: int, user: str) -> EditionInfo:
        """Give a year its own edition, copied from the one in force for it (the last one
        before it): the same content, so it costs one row."""
        from esgdesk.model.catalogue.documents import document_hash

        current = self.edition_info(year)
        if current is not None and current.year == year:
            raise EsgdeskError(f"{year} has its edition already (number {current.number})",
                               f"{year} 年已有自己的指标目录版本（第 {current.number} 版）",
                               kind="exists")
        document = self.edition_document(year)
        source = f"opened from {current.year}'s edition" if current else "the shipped template"
        info = self._add(year, document_hash(document), document, source, user,
                         old=current.hash if current else None)
        assert info is not None
        return info

    def _add(self, year: int, digest: str, document: dict[str, Any], summary: str, user: str,
             old: str | None) -> EditionInfo:
        from sqlalchemy import text

        stamp = now()
        with self._writing() as s:
            later = self._later_years_reading(s, year)
            for later_year, later_hash in later:
                self._insert_edition(s, later_year, later_hash, None, stamp, user,
                                     f"kept {later_year}'s catalogue before {year}'s changed",
                                     old=None)
            exists = s.execute(text("SELECT 1 FROM catalogue_content WHERE hash = :h"),
                               {"h": digest}).first()
            content = None if exists else json.dumps(document, ensure_ascii=False)
            number = self._insert_edition(s, year, digest, content, stamp, user, summary,
                                          old=old)
        return EditionInfo(year, number, digest, user, stamp, summary)

    def _later_years_reading(self, s: Session, year: int) -> list[tuple[int, str]]:
        """Later years with figures or requests but no edition of their own, which read the
        edition of `year` (or one before it) today: (year, the hash they read)."""
        from sqlalchemy import text

        own = {r[0] for r in s.execute(text("SELECT DISTINCT year FROM catalogue_edition"))}
        used = {r[0] for r in s.execute(text(
            "SELECT DISTINCT year FROM value WHERE year > :y UNION "
            "SELECT DISTINCT year FROM request WHERE year > :y"), {"y": year})}
        pinned = []
        for later in sorted(used - own):
            if any(year < y < later for y in own):
                continue  # it reads an edition between: not this one
            info = self.edition_info(later)
            if info is not None:
                pinned.append((later, info.hash))
        return pinned

    def _insert_edition(self, s: Session, year: int, digest: str, content: str | None,
                        stamp: str, user: str, summary: str, old: str | None) -> int:
        from sqlalchemy import text

        from esgdesk.storage.models import CatalogueContent, CatalogueEdition

        if content is not None:
            s.add(CatalogueContent(hash=digest, content=content))
            s.flush()
        number = (s.execute(text("SELECT MAX(number) FROM catalogue_edition WHERE year = :y"),
                            {"y": year}).scalar() or 0) + 1
        root = s.execute(text("SELECT id FROM entity WHERE parent_id IS NULL ORDER BY id "
                              "LIMIT 1")).scalar()
        s.add(CatalogueEdition(year=year, number=number, hash=digest, made_by=user,
                               made_at=stamp, summary=summary))
        if root is not None:  # the edition is written at the flush, after its audit row
            add_audit_row(s, at=stamp, user=user, action="catalogue", entity_id=root,
                          year=year, old_value=old, new_value=digest, reason=summary)
        s.flush()
        return int(number)
