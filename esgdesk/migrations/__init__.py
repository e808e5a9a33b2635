"""Alembic revisions of the esgdesk schema, applied by esgdesk.store.open_database."""
