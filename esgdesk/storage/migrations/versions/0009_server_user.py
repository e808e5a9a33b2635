"""The server's user in the audit log: on a PostgreSQL server each audit row also names the
database user who wrote it, beside the user esgdesk was told (the OS login or --user). A
SQLite file leaves it empty, and a row without it hashes as it always did.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit", sa.Column("db_user", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("db_user")
