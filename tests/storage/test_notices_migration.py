"""Migration 0009: crawl run notices, up and down, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import alembic_config, open_archive
from storage.models import Base


def columns(archive) -> set[str]:
    return {c["name"] for c in inspect(archive.engine).get_columns("crawl_runs")}


def test_crawl_run_notices_come_and_go_with_their_migration(db_url):
    archive = open_archive(db_url)
    assert "notices" in columns(archive)
    with archive.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if "notices" in repr(d)] == []
    command.downgrade(alembic_config(db_url), "0008")
    archive.engine.dispose()
    assert "notices" not in columns(archive)
    assert "problems" in columns(archive)
    command.upgrade(alembic_config(db_url), "head")
    archive.engine.dispose()
    assert "notices" in columns(archive)
    archive.dispose()
