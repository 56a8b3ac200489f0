"""The archive keeps every distinct version of a document, once, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.config import Config
from monitor.importer import import_pages
from spiders.items import DocumentItem, PageItem
from storage.blobs import read_blob
from storage.models import Blob, Document, Version
from tests.helpers.items import page

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


def store(archive, item: PageItem, when: datetime):
    with archive.session() as session:
        return import_pages(session, Config(), "camp", "page", [item], crawl_run_id=None, now=when)[
            0
        ]


def count(archive, model) -> int:
    with archive.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_storing_unchanged_content_writes_nothing_and_the_crawls_coverage_says_when_it_was_seen(
    archive,
):
    from storage.coverage import record_coverage
    from storage.models import CrawlRun, Source
    from storage.queries import show_last_seen

    store(archive, page("We object to closing 31 of 44 centres."), T0)
    again = store(archive, page("We object to closing 31 of 44 centres."), T0 + timedelta(days=1))
    with archive.session() as session:
        [version] = session.scalars(select(Version)).all()
        assert version.last_seen == T0  # the row was not rewritten
        # What the crawl's pipeline does once, at the end of the crawl:
        run = CrawlRun(source=session.scalar(select(Source)), started_at=T0)
        session.add(run)
        session.flush()
        record_coverage(session, run.id, run.source_id, again.unchanged_ids, T0 + timedelta(days=1))
    with archive.session() as session:
        doc = session.scalar(select(Document))
        version = session.scalar(select(Version))
        show_last_seen(session, [doc], [version])
        assert doc.last_seen == version.last_seen == T0 + timedelta(days=1)
    with archive.session() as session:
        assert session.scalar(select(Version.last_seen)) == T0  # shown, never written back


def test_a_replaced_version_keeps_when_it_was_last_seen(archive):
    from storage.coverage import record_coverage
    from storage.models import CrawlRun, Source

    store(archive, page("31 of 44 centres."), T0)
    again = store(archive, page("31 of 44 centres."), T0 + timedelta(days=1))
    with archive.session() as session:
        run = CrawlRun(source=session.scalar(select(Source)), started_at=T0)
        session.add(run)
        session.flush()
        record_coverage(session, run.id, run.source_id, again.unchanged_ids, T0 + timedelta(days=1))
    store(archive, page("29 of 44 centres."), T0 + timedelta(days=2))
    with archive.session() as session:
        first, second = session.scalars(select(Version).order_by(Version.id)).all()
        assert first.last_seen == T0 + timedelta(days=1)
        assert second.seen_at == second.last_seen == T0 + timedelta(days=2)


def test_changed_content_adds_exactly_one_version(archive):
    store(archive, page("We object to closing 31 of 44 centres."), T0)
    outcome = store(archive, page("We object to closing 29 of 44 centres."), T0 + timedelta(days=1))
    assert outcome.new_versions == 1
    assert count(archive, Version) == 2


def test_a_document_keeps_its_first_seen_time_across_versions(archive):
    store(archive, page("one"), T0)
    store(archive, page("two"), T0 + timedelta(days=3))
    with archive.session() as session:
        doc = session.scalar(select(Document))
        assert doc.first_seen == T0
        assert doc.last_seen == T0 + timedelta(days=3)


def test_a_raw_body_is_stored_once_compressed_and_readable(archive):
    body = ("<html><body><p>" + "Children's centres. " * 2000 + "</p></body></html>").encode()
    store(archive, page("same text", body=body, key="camp:page:http://x/a"), T0)
    store(archive, page("same text", body=body, key="camp:page:http://x/b"), T0)
    with archive.session() as session:
        blobs = session.scalars(select(Blob)).all()
        assert len(blobs) == 1
        assert len(blobs[0].data) < len(body) / 10
        assert read_blob(session, blobs[0].sha256) == body


def test_a_crash_while_storing_a_page_leaves_nothing_of_it(archive):
    with pytest.raises(RuntimeError):
        with archive.session() as session:
            import_pages(
                session, Config(), "camp", "page", [page("text")], crawl_run_id=None, now=T0
            )
            raise RuntimeError("crawl process killed mid-page")
    assert count(archive, Document) == 0
    assert count(archive, Version) == 0
    assert count(archive, Blob) == 0


def test_an_invalid_document_is_reported_with_its_url_and_not_stored(archive):
    bad = page("")  # a watched page whose text came out empty: layout changed?
    outcome = store(archive, bad, T0)
    assert outcome.problems and outcome.problems[0].startswith("http://x/a: camp:page:http://x/a")
    assert count(archive, Document) == 0


def test_the_same_body_parsed_differently_is_recorded_as_a_reparse(archive):
    body = b"<html>the page did not change</html>"
    store(archive, page("old parser output", body=body), T0)
    store(archive, page("new parser output", body=body), T0 + timedelta(days=1))
    with archive.session() as session:
        latest = session.scalar(select(Document)).latest_version
        assert latest.reparse is True


def meeting_page(item_titles: dict[str, str]) -> PageItem:
    items = [
        DocumentItem(
            key=key,
            kind="agenda_item",
            url="http://x/m",
            title=title,
            fields={
                "meeting": "k:meeting:1",
                "number": None,
                "title": title,
                "text": None,
                "decision": None,
                "minutes": None,
                "restricted": False,
                "documents": [],
            },
        )  # fmt: skip
        for key, title in item_titles.items()
    ]
    meeting = DocumentItem(key="k:meeting:1", kind="meeting", url="http://x/m", title="Cabinet",
                           fields={"committee": "Cabinet", "start": None, "status": None,
                                   "venue": None, "items": list(item_titles), "documents": []})  # fmt: skip
    return PageItem(source="k", url="http://x/m", body=repr(item_titles).encode(),
                    documents=[meeting, *items])  # fmt: skip


def test_an_item_dropped_from_a_meeting_is_named_by_its_archived_title(archive):
    with archive.session() as session:
        page_v1 = meeting_page(
            {"k:agenda_item:1": "Minutes", "k:agenda_item:2": "Children's centres"}
        )
        import_pages(session, Config(), "k", "moderngov", [page_v1], crawl_run_id=None, now=T0)
    with archive.session() as session:
        page_v2 = meeting_page({"k:agenda_item:1": "Minutes"})
        outcome = import_pages(session, Config(), "k", "moderngov", [page_v2], crawl_run_id=None,
                               now=T0 + timedelta(days=1))[0]  # fmt: skip
        summaries = [c.summary for c in outcome.changes]
    assert "item removed: Children's centres" in summaries


def test_reading_the_archive_does_not_wait_for_a_crawl_writing_to_sqlite(sqlite_url):
    """WAL lets readers go on beside a writer; only writers queue (BEGIN IMMEDIATE)."""
    import sqlite3

    from storage.db import open_archive

    archive = open_archive(sqlite_url)
    store(archive, page("We object."), T0)
    writer = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a crawl in the middle of storing a page
    try:
        with archive.reading() as session:
            assert session.scalar(select(func.count()).select_from(Document)) == 1
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        archive.dispose()
