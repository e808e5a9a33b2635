"""A figure's note has two kinds: the explanation (for contributors: why a figure is what it
is, shown in next year's request as last year's explanation) stays in `note`; provenance (for
coordinators: where and how the report printed it, "printed as 超过 27 项") gets a column of
its own, never shown to contributors. Existing notes stay explanations.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN alters the table in place: no row is rewritten.
    op.add_column("value", sa.Column("provenance", sa.Text(), nullable=False,
                                     server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("value") as batch:
        batch.drop_column("provenance")
