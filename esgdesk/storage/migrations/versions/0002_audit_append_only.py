"""The audit log becomes append-only in the database itself.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# PostgreSQL gets its own trigger functions with the PostgreSQL issue; the
# storage API refuses audit edits on every backend.
SQLITE_TRIGGERS = {
    "audit_no_update": "BEFORE UPDATE ON audit",
    "audit_no_delete": "BEFORE DELETE ON audit",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, when in SQLITE_TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} {when} "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
