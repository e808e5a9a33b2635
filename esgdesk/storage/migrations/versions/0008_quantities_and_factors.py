"""Environmental accounting: the figure as entered (value and unit) kept in its audit row, the
province of an entity (grid factors are regional), and each reporting year's emission and
conversion factors, with their sources; a factor's change has its own audit column.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN alters the tables in place: the audit log's triggers stay, no row changes,
    # and rows without the new columns hash as they always did.
    op.add_column("audit", sa.Column("entered", sa.Text(), nullable=True))
    op.add_column("audit", sa.Column("factor", sa.String(64), nullable=True))
    op.add_column("entity", sa.Column("province", sa.String(32), nullable=True))
    op.create_table(
        "factor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("factor_id", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),  # exact decimal text; None: not known
        sa.Column("unit", sa.Text(), nullable=False, server_default=""),
        sa.Column("gas", sa.String(16), nullable=False, server_default=""),
        sa.Column("region", sa.String(32), nullable=False, server_default=""),
        sa.Column("data_year", sa.Integer(), nullable=True),
        sa.Column("set_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("source", sa.Text(), nullable=False, server_default=""),
        sa.Column("table_ref", sa.Text(), nullable=False, server_default=""),
        sa.Column("verified", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("changed_by", sa.Text(), nullable=False, server_default=""),
        sa.Column("changed_at", sa.String(40), nullable=False, server_default=""),
        sa.UniqueConstraint("year", "factor_id"),
    )


def downgrade() -> None:
    op.drop_table("factor")
    with op.batch_alter_table("entity") as batch:
        batch.drop_column("province")
    # audit's columns stay: dropping them would copy the append-only table.
