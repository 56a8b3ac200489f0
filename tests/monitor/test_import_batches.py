"""Several pages stored in one transaction end as they would, stored one by one."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from core.config import Config
from monitor.importer import import_pages
from storage.blobs import read_blob
from storage.models import Blob, Change, Document, Figure, Version
from tests.helpers.items import page

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


def store_together(archive, pages):
    with archive.session() as session:
        return import_pages(session, Config(), "camp", "page", pages, crawl_run_id=None, now=T0)


def count(archive, model) -> int:
    with archive.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_pages_stored_together_each_report_their_own_documents(archive):
    outcomes = store_together(
        archive,
        [page("31 of 44 centres close.", key="camp:page:a"), page("£14m", key="camp:page:b")],
    )
    assert [(o.documents, o.new_documents, o.new_versions) for o in outcomes] == [(1, 1, 1)] * 2
    assert count(archive, Document) == 2


def test_a_document_on_two_pages_of_one_batch_is_one_document(archive):
    store_together(archive, [page("31 of 44 centres close."), page("31 of 44 centres close.")])
    assert count(archive, Document) == 1
    assert count(archive, Version) == 1


def test_a_document_that_changes_between_two_pages_of_one_batch_gets_a_version_and_a_change(
    archive,
):
    outcomes = store_together(
        archive, [page("31 of 44 centres close."), page("29 of 44 centres close.")]
    )
    assert [o.new_versions for o in outcomes] == [1, 1]
    assert count(archive, Version) == 2
    with archive.reading() as session:
        versions = session.scalars(select(Version.id).order_by(Version.id)).all()
        changes = session.scalars(select(Change)).all()
    assert changes and all((c.old_version_id, c.new_version_id) == tuple(versions) for c in changes)


def test_figures_of_a_batch_belong_to_their_own_versions(archive):
    store_together(
        archive, [page("£12m service", key="camp:page:a"), page("£14m service", key="camp:page:b")]
    )
    with archive.reading() as session:
        rows = session.execute(
            select(Document.key, Figure.text)
            .join(Figure, Figure.document_id == Document.id)
            .join(Version, Version.id == Figure.version_id)
            .where(Version.document_id == Document.id)
        ).all()
    assert sorted(rows) == [("camp:page:a", "£12m"), ("camp:page:b", "£14m")]


def test_a_batch_stores_each_raw_body_once_whether_or_not_it_was_archived_before(archive):
    store_together(archive, [page("one", body=b"<p>one</p>", key="camp:page:a")])
    store_together(
        archive,
        [
            page("one, again", body=b"<p>one</p>", key="camp:page:b"),
            page("two", body=b"<p>two</p>", key="camp:page:c"),
            page("two, again", body=b"<p>two</p>", key="camp:page:d"),
        ],
    )
    with archive.reading() as session:
        digests = session.scalars(select(Blob.sha256)).all()
        bodies = sorted(read_blob(session, digest) for digest in digests)
    assert bodies == [b"<p>one</p>", b"<p>two</p>"]
