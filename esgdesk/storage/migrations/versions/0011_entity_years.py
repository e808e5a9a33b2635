"""The group's structure per reporting year: the years an entity counts in (from, and the last
year it counts: none for always and still held), the group's equity share in it and whether
it has operational control; and the moves between parents, each from a year on, so that the
tree of every past year stays as it was.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN alters the table in place: the entities and their audit rows stay as they are.
    op.add_column("entity", sa.Column("from_year", sa.Integer(), nullable=True))
    op.add_column("entity", sa.Column("to_year", sa.Integer(), nullable=True))
    op.add_column("entity", sa.Column("equity_share", sa.Text(), nullable=True))
    op.add_column("entity", sa.Column("control", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    op.create_table(
        "entity_parent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity_id", sa.Integer(), sa.ForeignKey("entity.id"), nullable=False),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("entity.id"), nullable=False),
        sa.Column("from_year", sa.Integer(), nullable=False),
        sa.UniqueConstraint("entity_id", "from_year"),
    )


def downgrade() -> None:
    op.drop_table("entity_parent")
    with op.batch_alter_table("entity") as batch:
        for column in ("control", "equity_share", "to_year", "from_year"):
            batch.drop_column(column)
