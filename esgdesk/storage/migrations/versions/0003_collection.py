"""Collection: data requests and their review status, imported submissions, restatements.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("entity_id", sa.Integer, sa.ForeignKey("entity.id"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("department", sa.String(32), nullable=False),
        sa.Column("assignee", sa.Text, nullable=False, server_default=""),
        sa.Column("due", sa.String(10), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="requested"),
        sa.Column("changed_by", sa.Text, nullable=False),
        sa.Column("changed_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("entity_id", "year", "department"),
    )
    op.create_table(
        "submission",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("request_id", sa.String(32), sa.ForeignKey("request.id"), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("submitted_by", sa.Text, nullable=False),
        sa.Column("saved_at", sa.String(40), nullable=False),
        sa.Column("imported_by", sa.Text, nullable=False),
        sa.Column("imported_at", sa.String(40), nullable=False),
        sa.Column("figures", sa.Integer, nullable=False),
    )
    op.add_column("value", sa.Column("published", sa.Text, nullable=True))
    op.add_column("value", sa.Column("restated", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("value") as batch:
        batch.drop_column("restated")
        batch.drop_column("published")
    op.drop_table("submission")
    op.drop_table("request")
