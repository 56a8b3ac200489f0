"""Migration 0002: the figures table and the full-text structures, up and down."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import alembic_config, open_archive
from storage.models import Base
from storage.search import search
from tests.helpers.archive_data import REDUNDANCIES, article, seed, store


def test_downgrading_removes_the_search_tables_and_upgrading_indexes_existing_versions(db_url):
    archive = open_archive(db_url)
    body = seed("oxford-mail-redundancies")
    store(archive, "oxford-mail", "news", article(REDUNDANCIES, "Redundancies", body, "2016-04-01"),
          datetime(2016, 4, 1, tzinfo=UTC))  # fmt: skip
    command.downgrade(alembic_config(db_url), "0001")
    tables = set(inspect(archive.engine).get_table_names())
    assert "figures" not in tables
    assert not {t for t in tables if t.startswith("versions_fts")}
    assert "versions" in tables

    # Versions stored before search existed are indexed by the upgrade itself.
    command.upgrade(alembic_config(db_url), "head")
    with archive.session() as session:
        assert [h.key for h in search(session, "unison")] == [REDUNDANCIES]
        assert [h.key for h in search(session, "redundan*")] == [REDUNDANCIES]
    archive.dispose()


def test_autogenerate_proposes_nothing_for_the_search_tables(db_url):
    archive = open_archive(db_url)
    with archive.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_name": lambda name, type_, parents: not (type_ == "table" and "_fts" in (name or ""))},
        )  # fmt: skip
        diffs = compare_metadata(context, Base.metadata)
    archive.dispose()
    mine = [d for d in diffs if "figures" in repr(d) or "_fts" in repr(d)]
    assert mine == []


def test_postgresql_full_text_indexes_take_new_versions_in_place_not_through_a_pending_list(
    postgres_url,
):
    archive = open_archive(postgres_url)
    with archive.engine.connect() as conn:
        options = dict(
            conn.exec_driver_sql(
                "SELECT relname, reloptions FROM pg_class "
                "WHERE relname IN ('ix_versions_fts_tsv', 'ix_versions_fts_words')"
            ).all()
        )
    archive.dispose()
    assert options == {
        "ix_versions_fts_tsv": ["fastupdate=off"],
        "ix_versions_fts_words": ["fastupdate=off"],
    }
