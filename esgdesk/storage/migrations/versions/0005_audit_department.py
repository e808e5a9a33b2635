"""A data request's audit rows name its department in a column of their own, not as
"request:<department>" in the indicator column. Existing rows are left as they are: the log
is append-only and their hashes cover what they hold.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TRIGGERS = {
    "audit_no_update": "BEFORE UPDATE ON audit",
    "audit_no_delete": "BEFORE DELETE ON audit",
}


def upgrade() -> None:
    # ADD COLUMN alters the table in place (no batch copy), so the append-only triggers
    # stay, and no row is rewritten.
    op.add_column("audit", sa.Column("department", sa.String(32), nullable=True))


def downgrade() -> None:
    # Dropping a column copies the table on SQLite, which loses its triggers: drop them
    # first and put them back after.
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("department")
    if sqlite:
        for name, when in TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} "
                       "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
