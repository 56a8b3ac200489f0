"""Migration 0007: the suspect-page and URL-health tables, up and down, matching the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import alerts.outbox  # noqa: F401  (registers every table the archive has)
from storage.db import alembic_config, open_archive
from storage.models import Base

TABLES = {"suspect_pages", "url_health"}


def test_the_suspect_and_url_health_tables_come_and_go_with_their_migration(db_url):
    archive = open_archive(db_url)
    assert TABLES <= set(inspect(archive.engine).get_table_names())
    with archive.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        diffs = compare_metadata(context, Base.metadata)
    assert [d for d in diffs if any(t in repr(d) for t in TABLES)] == []

    command.downgrade(alembic_config(db_url), "0006")
    archive.engine.dispose()
    assert not TABLES & set(inspect(archive.engine).get_table_names())
    command.upgrade(alembic_config(db_url), "head")
    archive.engine.dispose()
    assert TABLES <= set(inspect(archive.engine).get_table_names())
    archive.dispose()
