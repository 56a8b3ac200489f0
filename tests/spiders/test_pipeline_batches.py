"""The pipeline stores the pages waiting for it together, and a page that spoils the
batch is lost alone."""

import asyncio
import threading

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import event, select

from monitor.pipeline import ArchivePipeline
from spiders.items import PageItem
from spiders.web.page import PageSpider
from storage.db import open_archive
from storage.models import Document
from tests.helpers.items import page as archived_page


def page(name: str, body) -> PageItem:
    return archived_page(f"We object ({name}).", body=body, key=f"camp:page:{name}")


@pytest.fixture
def pipeline(db_url, write_config, monkeypatch):
    config = write_config('[[sources]]\nname = "camp"\ntype = "page"\nurls = ["http://x/a"]\n')
    monkeypatch.setenv("COUNCILWATCH_DB", db_url)
    open_archive(db_url).dispose()
    crawler = get_crawler(PageSpider, settings_dict={"TWISTED_REACTOR_ENABLED": False})
    crawler.spider = PageSpider(source="camp", config=str(config))
    # Nothing is downloaded: the items are handed to the pipeline as Scrapy's scraper does.
    pipeline = ArchivePipeline.from_crawler(crawler)
    pipeline.open_spider(crawler.spider)
    yield pipeline
    pipeline.writer.shutdown()
    pipeline.archive.dispose()


def store_together(pipeline, items) -> list:
    """Hand the pipeline these items while its writer is busy, so that they wait together."""
    busy = threading.Event()
    pipeline.writer.submit(busy.wait)

    async def hand_over():
        processed = [asyncio.ensure_future(pipeline.process_item(item)) for item in items]
        await asyncio.sleep(0)  # every item is waiting before the writer is free
        busy.set()
        return await asyncio.gather(*processed, return_exceptions=True)

    return asyncio.run(hand_over())


def stored_keys(pipeline) -> list[str]:
    with pipeline.archive.reading() as session:
        return session.scalars(select(Document.key).order_by(Document.key)).all()


def test_pages_waiting_together_are_stored_together(pipeline):
    commits = []
    event.listen(pipeline.archive.engine, "commit", lambda _conn: commits.append(1))
    items = [page("a", b"<p>a</p>"), page("b", b"<p>b</p>")]
    assert store_together(pipeline, items) == items
    assert len(commits) == 1
    assert stored_keys(pipeline) == ["camp:page:a", "camp:page:b"]
    assert pipeline.counts.pages == 2


def test_a_page_that_spoils_its_batch_is_lost_alone_and_the_others_are_stored(pipeline):
    # A spider bug: a body that is text, not bytes, fails the whole transaction.
    items = [page("a", b"<p>a</p>"), page("broken", "<p>not bytes</p>"), page("c", b"<p>c</p>")]
    first, broken, last = store_together(pipeline, items)
    assert (first, last) == (items[0], items[2])
    assert isinstance(broken, TypeError)
    assert stored_keys(pipeline) == ["camp:page:a", "camp:page:c"]
    assert pipeline.counts.pages == 2
