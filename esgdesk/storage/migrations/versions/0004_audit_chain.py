"""The audit log becomes hash-chained: each row's hash covers its content and the previous
row's hash. Existing rows are chained in id order.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TRIGGERS = {
    "audit_no_update": "BEFORE UPDATE ON audit",
    "audit_no_delete": "BEFORE DELETE ON audit",
}


def upgrade() -> None:
    from esgdesk.storage.audit import CHAINED, audit_hash

    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.add_column("audit", sa.Column("hash", sa.String(64), nullable=False, server_default=""))
    rows = bind.execute(sa.text(f"SELECT id, {', '.join(CHAINED)} FROM audit ORDER BY id"))
    previous = ""
    for row in rows.fetchall():
        previous = audit_hash(previous, dict(zip(CHAINED, row[1:], strict=True)))
        bind.execute(sa.text("UPDATE audit SET hash = :h WHERE id = :i"),
                     {"h": previous, "i": row[0]})
    if sqlite:
        for name, when in TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} "
                       "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("hash")
