"""Migrations that add tables: each one's tables come and go with it, and match the models."""

from __future__ import annotations

import pytest

from storage.db import open_archive
from tests.helpers.migrations import differences, downgrade, tables, upgrade


@pytest.mark.parametrize(
    ("before", "added"),
    [
        pytest.param(
            "0002",
            {"alert_outbox", "alert_messages", "alert_attempts", "source_health"},
            id="0003 the outbox",
        ),
        pytest.param("0006", {"suspect_pages", "url_health"}, id="0007 suspect pages, URL health"),
    ],
)
def test_a_migrations_tables_come_and_go_with_it_and_match_the_models(db_url, before, added):
    archive = open_archive(db_url)
    assert added <= tables(archive)
    assert differences(archive, *added) == []
    downgrade(archive, db_url, before)
    assert not added & tables(archive)
    upgrade(archive, db_url)
    assert added <= tables(archive)
    archive.dispose()
