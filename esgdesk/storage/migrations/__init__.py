"""Alembic revisions of the esgdesk schema, applied by esgdesk.storage.store.open_database."""
