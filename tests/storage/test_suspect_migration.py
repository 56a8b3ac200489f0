"""Migration 0007: the suspect-page and URL-health tables, up and down, matching the models."""

from __future__ import annotations

from storage.db import open_archive
from tests.helpers.migrations import differences, downgrade, tables, upgrade

TABLES = {"suspect_pages", "url_health"}


def test_the_suspect_and_url_health_tables_come_and_go_with_their_migration(db_url):
    archive = open_archive(db_url)
    assert TABLES <= tables(archive)
    assert differences(archive, *TABLES) == []
    downgrade(archive, db_url, "0006")
    assert not TABLES & tables(archive)
    upgrade(archive, db_url)
    assert TABLES <= tables(archive)
    archive.dispose()
