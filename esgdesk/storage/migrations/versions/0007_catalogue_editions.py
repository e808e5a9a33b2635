"""The database holds its catalogue: one edition per reporting year (numbered, with who made it,
when and why), each pointing at a stored document by its content hash. A database made
before this gets the shipped catalogue (the ZKTeco 2023 template) as the edition of every
year it holds, with nothing else changed.

Revision ID: 0007
Revises: 0006
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogue_content",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("content", sa.Text(), nullable=False),
    )
    op.create_table(
        "catalogue_edition",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), sa.ForeignKey("catalogue_content.hash"),
                  nullable=False),
        sa.Column("made_by", sa.Text(), nullable=False),
        sa.Column("made_at", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False, server_default=""),
        sa.UniqueConstraint("year", "number"),
    )
    bind = op.get_bind()
    years = {row[0] for row in bind.execute(sa.text(
        "SELECT DISTINCT year FROM value UNION SELECT DISTINCT year FROM request"))}
    first = bind.execute(sa.text("SELECT value FROM setting WHERE key = 'first_year'")).first()
    if first and str(first[0]).isdigit():
        years.add(int(first[0]))
    if not years:
        return
    from esgdesk.model.catalogue import document_hash
    from esgdesk.model.templates import template_document

    document = template_document()
    digest = document_hash(document)
    bind.execute(sa.text("INSERT INTO catalogue_content (hash, content) VALUES (:h, :c)"),
                 {"h": digest, "c": json.dumps(document, ensure_ascii=False)})
    made_at = datetime.now(UTC).isoformat(timespec="microseconds")
    for year in sorted(years):
        bind.execute(sa.text(
            "INSERT INTO catalogue_edition (year, number, hash, made_by, made_at, summary) "
            "VALUES (:y, 1, :h, 'esgdesk', :at, :s)"),
            {"y": year, "h": digest, "at": made_at,
             "s": "the shipped catalogue, given at the upgrade to editions"})


def downgrade() -> None:
    op.drop_table("catalogue_edition")
    op.drop_table("catalogue_content")
