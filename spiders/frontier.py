"""Stalest pages first, so a crawl cut short by its page budget is carried on by the next.

A crawl of a large council stops after `[crawl] max_pages` responses (or on a stall).
Rather than keep a frontier of unvisited URLs between crawls, each crawl orders its
requests by how long ago their page was last stored: a page never stored comes first,
then the one seen longest ago, down to those the previous crawl fetched. The next crawl
therefore starts with what the last one did not reach, and a council of 10,000 pages
with a budget of 3,000 is covered in four passes. When no budget is reached the order
changes nothing but the order.

The offset stays within one step of the spider's own priorities (RSS first, then the
follow-ups of a page, then the sweep; steps of 10), so it only reorders requests the
spider ranks alike.
"""

from __future__ import annotations

import logging

from scrapy import Request
from sqlalchemy import select

from spiders.signals import archive_opened
from storage.coverage import last_seen
from storage.db import DatabaseError
from storage.models import Document, Source

log = logging.getLogger(__name__)

# Offsets 0 (never stored) down to -STEPS (stored by the previous crawl).
STEPS = 9


def offsets_by_age(last_seen_by_url: dict[str, object]) -> dict[str, int]:
    """URL -> priority offset: -1 for the page seen longest ago, -STEPS for the newest."""
    ordered = sorted(last_seen_by_url, key=last_seen_by_url.__getitem__)
    n = len(ordered)
    return {url: -1 - (STEPS - 1) * i // max(n - 1, 1) for i, url in enumerate(ordered)}


class StalestFirstMiddleware:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.offsets: dict[str, int] | None = None
        self.archive = None
        crawler.signals.connect(self.archive_opened, signal=archive_opened)

    def archive_opened(self, archive, writer) -> None:
        self.archive = archive

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _offsets(self) -> dict[str, int]:
        spider = self.crawler.spider
        archive = self.archive  # handed over by the pipeline when it opens
        if self.offsets is None:
            if archive is None:
                log.warning("pages in the spider's own order: the archive is not open yet")
                return {}
            self.offsets = {}
            try:
                with archive.reading() as session:
                    docs = session.scalars(
                        select(Document)
                        .join(Source, Source.id == Document.source_id)
                        .where(Source.name == spider.source.name)
                    ).all()
                    seen = last_seen(session, docs)
                by_url: dict[str, object] = {}
                for doc in docs:  # a page of several documents: its least recently seen
                    by_url[doc.url] = min(by_url.get(doc.url, seen[doc.id]), seen[doc.id])
                self.offsets = offsets_by_age(by_url)
            except DatabaseError as exc:
                log.warning("pages in the spider's own order: %s", exc)
        return self.offsets

    def _reordered(self, output):
        if isinstance(output, Request):
            offset = self._offsets().get(output.url)
            if offset:
                return output.replace(priority=output.priority + offset)
        return output

    def _in_order(self, outputs: list) -> list:
        """Highest priority first: the first requests go to the downloader at once,
        before the scheduler's priority queue has anything to choose between."""
        reordered = [self._reordered(output) for output in outputs]
        return sorted(reordered, key=lambda o: -o.priority if isinstance(o, Request) else 0)

    async def process_start(self, start):
        # A source's start requests are its configured URLs or a few feeds: few enough
        # to take in full and hand over stalest first.
        for output in self._in_order([output async for output in start]):
            yield output

    def process_spider_output(self, response, result, spider=None):
        yield from self._in_order(list(result))

    async def process_spider_output_async(self, response, result, spider=None):
        for output in self._in_order([output async for output in result]):
            yield output
