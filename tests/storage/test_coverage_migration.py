"""Migration 0008: crawl coverage, up and down; going down carries each sighting back into
the rows the older code read `last_seen` from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.config import Config
from monitor.importer import import_pages
from spiders.items import DocumentItem, PageItem
from storage.coverage import record_coverage
from storage.db import open_archive
from storage.models import CrawlRun, Document, Source, Version
from tests.helpers.migrations import differences, downgrade, tables, upgrade

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


def page(n: int) -> PageItem:
    url = f"http://x/{n}"
    doc = DocumentItem(key=f"camp:page:{url}", kind="page", url=url, title=f"Page {n}",
                       fields={"title": f"Page {n}", "text": f"Notice {n}."})  # fmt: skip
    return PageItem(source="camp", url=url, body=b"<p>x</p>", documents=[doc])


def test_crawl_coverage_comes_and_goes_with_its_migration_and_going_down_keeps_last_seen(db_url):
    archive = open_archive(db_url)
    assert "crawl_coverage" in tables(archive)
    assert differences(archive, "crawl_coverage") == []
    later = T0 + timedelta(days=1)
    for when in (T0, later):
        with archive.session() as session:
            outcomes = [
                import_pages(
                    session, Config(), "camp", "page", [page(n)], crawl_run_id=None, now=when
                )[0]
                for n in range(3)
            ]
        if when == later:
            with archive.session() as session:
                run = CrawlRun(source=session.scalar(select(Source)), started_at=later)
                session.add(run)
                session.flush()
                seen = [i for o in outcomes[:2] for i in o.unchanged_ids]  # page 2 not reached
                record_coverage(session, run.id, run.source_id, seen, later)

    downgrade(archive, db_url, "0006")
    assert "crawl_coverage" not in tables(archive)
    with archive.session() as session:
        docs = {d.url: d.last_seen for d in session.scalars(select(Document))}
        versions = sorted(session.scalars(select(Version.last_seen)))
    assert docs == {"http://x/0": later, "http://x/1": later, "http://x/2": T0}
    assert versions == [T0, later, later]

    upgrade(archive, db_url)
    assert "crawl_coverage" in tables(archive)
    archive.dispose()
