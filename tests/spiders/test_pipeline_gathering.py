"""Pages that come one after another in a fast crawl share a transaction: the writer waits
a moment for the next ones instead of committing each page on its own."""

import asyncio

from scrapy.utils.test import get_crawler
from sqlalchemy import event

from monitor.pipeline import ArchivePipeline
from spiders.web.page import PageSpider
from storage.db import open_archive
from tests.helpers.items import page

CAMP = '[[sources]]\nname = "camp"\ntype = "page"\nurls = ["http://x/a"]\n'


def test_pages_arriving_a_moment_apart_are_committed_together(
    sqlite_url, write_config, monkeypatch
):
    # A window wide enough that a busy host cannot stretch the 50 ms between the two pages
    # past it: what is tested is that the writer waits, not how long.
    monkeypatch.setattr("monitor.pipeline.GATHER_SECONDS", 1.0)
    open_archive(sqlite_url).dispose()
    monkeypatch.setenv("COUNCILWATCH_DB", sqlite_url)
    pipeline = ArchivePipeline(get_crawler(settings_dict={"TWISTED_REACTOR_ENABLED": False}))
    spider = PageSpider(source="camp", config=str(write_config(CAMP)))
    pipeline.open_spider(spider)
    commits = []
    event.listen(pipeline.archive.engine, "commit", lambda _conn: commits.append(1))

    async def one_after_another():
        first = asyncio.ensure_future(pipeline.process_item(page("A.", key="camp:page:a"), spider))
        await asyncio.sleep(0.05)
        second = await pipeline.process_item(page("B.", key="camp:page:b"), spider)
        return [await first, second]

    try:
        assert len(asyncio.run(one_after_another())) == 2
    finally:
        pipeline.writer.shutdown()
        pipeline.archive.dispose()
    assert len(commits) == 1
