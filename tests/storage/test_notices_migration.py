"""Migration 0009: crawl run notices, up and down, on SQLite and PostgreSQL."""

from __future__ import annotations

from storage.db import open_archive
from tests.helpers.migrations import columns, differences, downgrade, upgrade


def test_crawl_run_notices_come_and_go_with_their_migration(db_url):
    archive = open_archive(db_url)
    assert "notices" in columns(archive, "crawl_runs")
    assert differences(archive, "notices") == []
    downgrade(archive, db_url, "0008")
    assert "notices" not in columns(archive, "crawl_runs")
    assert "problems" in columns(archive, "crawl_runs")
    upgrade(archive, db_url)
    assert "notices" in columns(archive, "crawl_runs")
    archive.dispose()
