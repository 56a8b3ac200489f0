"""Migration 0003: the outbox tables, up and down, matching the models."""

from __future__ import annotations

from storage.db import open_archive
from tests.helpers.migrations import differences, downgrade, tables, upgrade

TABLES = {"alert_outbox", "alert_messages", "alert_attempts", "source_health"}


def test_the_outbox_tables_come_and_go_with_their_migration_and_match_the_models(db_url):
    archive = open_archive(db_url)
    assert TABLES <= tables(archive)
    assert differences(archive, *TABLES) == []
    downgrade(archive, db_url, "0002")
    assert not TABLES & tables(archive)
    upgrade(archive, db_url)
    assert TABLES <= tables(archive)
    archive.dispose()
