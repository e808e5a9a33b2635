"""Evidence behind the figures, and how each was obtained: documents stored once by their
SHA-256 (evidence_content), attached to figures (attachment: removal is marked, never
deleted, since the audit log names it), and on each figure its quality (measured,
calculated or estimated) and an estimate's method; a verifier's samples of a year's figures
and the marks given them (passed, failed, queried).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_content",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(128), nullable=False),
    )
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity_id", sa.Integer(), sa.ForeignKey("entity.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(128), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("evidence_content.sha256"),
                  nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("attached_by", sa.Text(), nullable=False),
        sa.Column("attached_at", sa.String(40), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("removed_by", sa.Text(), nullable=True),
        sa.Column("removed_at", sa.String(40), nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_attachment_figure", "attachment", ["entity_id", "year", "indicator"])
    op.create_table(
        "assurance_sample",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("drawn_by", sa.String(16), nullable=False),
        sa.Column("department", sa.String(32), nullable=False, server_default=""),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("made_by", sa.Text(), nullable=False),
        sa.Column("made_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "assurance_mark",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity_id", sa.Integer(), sa.ForeignKey("entity.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(128), nullable=False),
        sa.Column("mark", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False, server_default=""),
        sa.Column("marked_by", sa.Text(), nullable=False),
        sa.Column("marked_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_assurance_mark_figure", "assurance_mark",
                    ["entity_id", "year", "indicator"])
    op.add_column("value", sa.Column("quality", sa.String(16), nullable=False,
                                     server_default=""))
    op.add_column("value", sa.Column("method", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("value") as batch:
        batch.drop_column("method")
        batch.drop_column("quality")
    op.drop_index("ix_assurance_mark_figure", table_name="assurance_mark")
    op.drop_table("assurance_mark")
    op.drop_table("assurance_sample")
    op.drop_index("ix_attachment_figure", table_name="attachment")
    op.drop_table("attachment")
    op.drop_table("evidence_content")
