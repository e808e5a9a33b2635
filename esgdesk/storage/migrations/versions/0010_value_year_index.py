"""The years a database holds, found without reading its figures: an index on the figures'
year lets the years be found by seeking it from one year to the next (a dozen seeks), where
seeking each entity's years was some thousand (8–12 ms on a group of ninety entities, on
every opening). The index on (entity, year) goes: the unique key on (entity, year,
indicator) begins with the same columns and serves the same reads.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_value_year", "value", ["year"])
    op.drop_index("ix_value_entity_year", table_name="value")


def downgrade() -> None:
    op.create_index("ix_value_entity_year", "value", ["entity_id", "year"])
    op.drop_index("ix_value_year", table_name="value")
