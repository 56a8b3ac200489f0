"""Migration 0003: the outbox tables, up and down, matching the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import alembic_config, open_archive
from storage.models import Base

TABLES = {"alert_outbox", "alert_messages", "alert_attempts", "source_health"}


def test_the_outbox_tables_come_and_go_with_their_migration_and_match_the_models(db_url):
    archive = open_archive(db_url)
    assert TABLES <= set(inspect(archive.engine).get_table_names())
    with archive.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_name": lambda name, type_, parents: not (type_ == "table" and "_fts" in (name or ""))},
        )  # fmt: skip
        diffs = compare_metadata(context, Base.metadata)
    assert [d for d in diffs if any(t in repr(d) for t in TABLES)] == []

    command.downgrade(alembic_config(db_url), "0002")
    archive.engine.dispose()
    assert not TABLES & set(inspect(archive.engine).get_table_names())
    command.upgrade(alembic_config(db_url), "head")
    archive.engine.dispose()
    assert TABLES <= set(inspect(archive.engine).get_table_names())
    archive.dispose()
