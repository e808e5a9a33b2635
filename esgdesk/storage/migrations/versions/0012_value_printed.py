"""A computed percentage may print as the company's report rounds it (so that a column adds
up to 100 %): the figure as printed and why, on the figure's row; the computed figure itself
is still never stored, and the export prints the override with a footnote saying so.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN alters the table in place: no row is rewritten.
    op.add_column("value", sa.Column("printed", sa.Text(), nullable=True))
    op.add_column("value", sa.Column("printed_reason", sa.Text(), nullable=False,
                                     server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("value") as batch:
        batch.drop_column("printed_reason")
        batch.drop_column("printed")
