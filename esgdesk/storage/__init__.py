"""Storage: the database, its schema and migrations, the audit log, backups."""
