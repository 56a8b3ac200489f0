"""The pipeline stores the pages waiting for it together, and a page that spoils the
batch is lost alone."""

from concurrent.futures import Future

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from monitor.pipeline import ArchivePipeline
from spiders.items import PageItem
from spiders.web.page import PageSpider
from storage.db import open_archive
from storage.models import Document
from tests.helpers.items import page as archived_page


def page(name: str, body) -> PageItem:
    return archived_page(f"We object ({name}).", body=body, key=f"camp:page:{name}")


@pytest.fixture
def pipeline_and_spider(db_url, write_config, monkeypatch):
    config = write_config('[[sources]]\nname = "camp"\ntype = "page"\nurls = ["http://x/a"]\n')
    monkeypatch.setenv("COUNCILWATCH_DB", db_url)
    open_archive(db_url).dispose()
    spider = PageSpider(source="camp", config=str(config))
    # Nothing is downloaded: the pipeline is driven directly, as Scrapy's scraper would.
    pipeline = ArchivePipeline(get_crawler(settings_dict={"TWISTED_REACTOR_ENABLED": False}))
    pipeline.open_spider(spider)
    yield pipeline, spider
    pipeline.writer.shutdown()
    pipeline.archive.dispose()


def store_together(pipeline, spider, items):
    stored = []
    for item in items:
        stored.append(Future())
        pipeline.waiting.append((item, stored[-1]))
    pipeline._store_waiting(spider)
    return stored


def test_pages_waiting_together_are_stored_together(pipeline_and_spider):
    pipeline, spider = pipeline_and_spider
    stored = store_together(pipeline, spider, [page("a", b"<p>a</p>"), page("b", b"<p>b</p>")])
    assert [s.result().new_documents for s in stored] == [1, 1]
    assert pipeline.counts.pages == 2


def test_a_page_that_spoils_its_batch_is_lost_alone_and_the_others_are_stored(pipeline_and_spider):
    pipeline, spider = pipeline_and_spider
    # A spider bug: a body that is text, not bytes, fails the whole transaction.
    items = [page("a", b"<p>a</p>"), page("broken", "<p>not bytes</p>"), page("c", b"<p>c</p>")]
    stored = store_together(pipeline, spider, items)
    assert stored[0].result().new_documents == 1
    assert stored[2].result().new_documents == 1
    with pytest.raises(TypeError):
        stored[1].result()
    with pipeline.archive.reading() as session:
        keys = session.scalars(select(Document.key).order_by(Document.key)).all()
    assert keys == ["camp:page:a", "camp:page:c"]
    assert pipeline.counts.pages == 2
