"""The database tables: entities, values, the append-only audit log, settings."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Entity(Base):
    """The group, a company or a site."""

    __tablename__ = "entity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # group | company | site
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("entity.id"), nullable=True)
    # The province a site is in (pinyin, "guangdong"), for regional grid factors (0008 on).
    province: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The years it counts in (0011 on): from `from_year` (None: always) to `to_year`, the
    # last year it counts (None: still held); the group's equity share (percent, exact
    # text) and whether it has operational control.
    from_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    to_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    equity_share: Mapped[str | None] = mapped_column(Text, nullable=True)
    control: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class EntityParent(Base):
    """An entity moved under another parent from a reporting year on (0011 on)."""

    __tablename__ = "entity_parent"
    __table_args__ = (UniqueConstraint("entity_id", "from_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    from_year: Mapped[int] = mapped_column(Integer)


class Value(Base):
    """One figure: an indicator's value for an entity and a year."""

    __tablename__ = "value"
    __table_args__ = (
        UniqueConstraint("entity_id", "year", "indicator"),
        Index("ix_value_year", "year"),  # the years held, found by seeking (0010)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(128))
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    state: Mapped[str] = mapped_column(String(16), default="value")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    changed_by: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A restated figure of a locked year keeps what was published, and why it changed.
    published: Mapped[str | None] = mapped_column(Text, nullable=True)
    restated: Mapped[str] = mapped_column(Text, default="")
    # Where the figure comes from, for coordinators (schema 0006 on); `note` is the
    # explanation contributors see.
    provenance: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A computed percentage printed as the report rounds it (so a column adds to 100 %),
    # and why (schema 0012 on); the computed figure itself is never stored.
    printed: Mapped[str | None] = mapped_column(Text, nullable=True)
    printed_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # How it was obtained (0013 on): measured | calculated | estimated, "" when not said;
    # an estimate's method.
    quality: Mapped[str] = mapped_column(String(16), default="", server_default="")
    method: Mapped[str] = mapped_column(Text, default="", server_default="")


class AuditEntry(Base):
    """One change, never updated nor deleted (the database refuses both)."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_value", "entity_id", "year", "indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(40))
    user: Mapped[str] = mapped_column(Text)
    # set | note | status | restate (a figure) | request | review (a data request)
    action: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(128))  # "" on a data request's row
    # A data request's department (schema 0005 on); None on a figure's row.
    department: Mapped[str | None] = mapped_column(String(32), nullable=True)
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    old_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    new_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    hash: Mapped[str] = mapped_column(String(64), default="")  # see esgdesk/storage/audit.py
    # A figure as typed when its unit was converted ("1.2 MWh"), 0008 on; None otherwise.
    entered: Mapped[str | None] = mapped_column(Text, nullable=True)
    # A factor's row names the factor (0008 on); None on a figure's row.
    factor: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # On a server, the database user who wrote the row (0009 on); None on a SQLite file.
    db_user: Mapped[str | None] = mapped_column(Text, nullable=True)


class Request(Base):
    """A data request: one department's tables for one entity and year, and where it stands."""

    __tablename__ = "request"
    __table_args__ = (UniqueConstraint("entity_id", "year", "department"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    year: Mapped[int] = mapped_column(Integer)
    department: Mapped[str] = mapped_column(String(32))
    assignee: Mapped[str] = mapped_column(Text, default="")
    due: Mapped[str] = mapped_column(String(10), default="")  # ISO date
    status: Mapped[str] = mapped_column(String(16), default="requested")
    changed_by: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[str] = mapped_column(String(40))


class Submission(Base):
    """A returned workbook that was imported: which file, whose, when (its SHA-256 is unique)."""

    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("request.id"))
    file_name: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[str] = mapped_column(String(40))
    imported_by: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[str] = mapped_column(String(40))
    figures: Mapped[int] = mapped_column(Integer)


class Setting(Base):
    """Facts about the database itself: company name, first reporting year."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CatalogueContent(Base):
    """A catalogue document (JSON), stored once however many editions hold it."""

    __tablename__ = "catalogue_content"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[str] = mapped_column(Text)


class CatalogueEdition(Base):
    """A reporting year's catalogue: numbered per year (the highest is the year's edition);
    who made it, when and why."""

    __tablename__ = "catalogue_edition"
    __table_args__ = (UniqueConstraint("year", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(ForeignKey("catalogue_content.hash"))
    made_by: Mapped[str] = mapped_column(Text)
    made_at: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")


class Factor(Base):
    """One emission or conversion factor of a reporting year, with where it was read."""

    __tablename__ = "factor"
    __table_args__ = (UniqueConstraint("year", "factor_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    factor_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text, nullable=True)  # exact decimal text
    unit: Mapped[str] = mapped_column(Text, default="")
    gas: Mapped[str] = mapped_column(String(16), default="")
    region: Mapped[str] = mapped_column(String(32), default="")
    data_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    set_id: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    table_ref: Mapped[str] = mapped_column(Text, default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[str] = mapped_column(String(40), default="")


class EvidenceContent(Base):
    """A document's bytes, stored once by their SHA-256 however many figures it backs."""

    __tablename__ = "evidence_content"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(128))


class Attachment(Base):
    """A document attached to a figure. Never deleted: a removal is marked (by whom, when,
    why), since the audit log's rows name the attachment's content."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_figure", "entity_id", "year", "indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(128))
    sha256: Mapped[str] = mapped_column(ForeignKey("evidence_content.sha256"))
    file_name: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    attached_by: Mapped[str] = mapped_column(Text)
    attached_at: Mapped[str] = mapped_column(String(40))
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    removed_by: Mapped[str | None] = mapped_column(Text, nullable=True)
    removed_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    removed_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class AssuranceSample(Base):
    """A verifier's sample of a year's figures: how it was drawn (seed, size, by what,
    which department) and the figures drawn, as JSON [[entity, indicator], …]."""

    __tablename__ = "assurance_sample"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    drawn_by: Mapped[str] = mapped_column(String(16))  # magnitude | random
    department: Mapped[str] = mapped_column(String(32), default="")
    figures: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(Text)
    made_at: Mapped[str] = mapped_column(String(40))


class AssuranceMark(Base):
    """A verifier's mark on a figure: passed, failed or queried, with a comment."""

    __tablename__ = "assurance_mark"
    __table_args__ = (Index("ix_assurance_mark_figure", "entity_id", "year", "indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(128))
    mark: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    marked_by: Mapped[str] = mapped_column(Text)
    marked_at: Mapped[str] = mapped_column(String(40))
