"""Helpers the scheduler tests share: waiting on a process's progress, reading the archive."""

from __future__ import annotations

import time

from sqlalchemy import func, select


def wait_for(condition, what: str, timeout: float = 60.0):
    """Poll until `condition()` is truthy (a process's progress, seen in the database)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def crawl_runs(archive, source: str = "camp"):
    from storage.models import CrawlRun, Source

    with archive.session() as session:
        return session.scalars(
            select(CrawlRun)
            .join(Source, CrawlRun.source_id == Source.id)
            .where(Source.name == source)
            .order_by(CrawlRun.id)
        ).all()


def lock_row(archive, source: str = "camp"):
    from storage.leases import crawl_lock_name
    from storage.models import CrawlLock

    with archive.session() as session:
        return session.get(CrawlLock, crawl_lock_name(source))


def document_count(archive) -> int:
    from storage.models import Document

    with archive.session() as session:
        return session.scalar(select(func.count()).select_from(Document))
