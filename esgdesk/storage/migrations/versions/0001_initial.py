"""Entities, values, audit log and settings.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("name_zh", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("entity.id"), nullable=True),
    )
    op.create_table(
        "value",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entity_id", sa.Integer, sa.ForeignKey("entity.id"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("indicator", sa.String(128), nullable=False),
        sa.Column("value", sa.Text, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("changed_by", sa.Text, nullable=False),
        sa.Column("changed_at", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("entity_id", "year", "indicator"),
    )
    op.create_index("ix_value_entity_year", "value", ["entity_id", "year"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.Integer, sa.ForeignKey("entity.id"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("indicator", sa.String(128), nullable=False),
        sa.Column("old_value", sa.Text, nullable=True),
        sa.Column("new_value", sa.Text, nullable=True),
        sa.Column("old_status", sa.String(16), nullable=True),
        sa.Column("new_status", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_value", "audit", ["entity_id", "year", "indicator"])
    op.create_table(
        "setting",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("setting")
    op.drop_index("ix_audit_value", "audit")
    op.drop_table("audit")
    op.drop_index("ix_value_entity_year", "value")
    op.drop_table("value")
    op.drop_table("entity")
