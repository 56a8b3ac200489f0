"""Opening the archive for writing migrates it when, and only when, its schema is behind."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from storage.db import alembic_config, open_archive, schema_revisions


def test_an_archive_a_schema_behind_is_upgraded_when_opened_for_writing(db_url):
    open_archive(db_url).dispose()
    command.downgrade(alembic_config(db_url), "0008")
    archive = open_archive(db_url)
    columns = {c["name"] for c in inspect(archive.engine).get_columns("crawl_runs")}
    with archive.engine.connect() as conn:
        version = conn.scalar(text("SELECT version_num FROM alembic_version"))
    archive.dispose()
    assert "notices" in columns
    assert version == schema_revisions()[1]


def test_a_new_archive_gets_the_newest_schema(sqlite_url):
    archive = open_archive(sqlite_url)
    with archive.engine.connect() as conn:
        version = conn.scalar(text("SELECT version_num FROM alembic_version"))
    archive.dispose()
    assert version == schema_revisions()[1]
