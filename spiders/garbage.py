"""Garbage collection in a crawl process: rarer, and never over the modules it imported.

A crawl process imports some 135,000 long-lived objects (Scrapy, Twisted, SQLAlchemy, lxml)
and then allocates a few hundred short-lived ones per request (requests, responses,
deferreds, asyncio tasks), almost all freed by reference counting. With CPython's default
thresholds (a young collection every 700 allocations, a full one every 70 young ones
under conditions) the collector ran about 540 times in an unchanged re-crawl of 200 pages
and took a tenth of the process's CPU, mostly walking the imported objects again and
again. Here the young generation is collected every YOUNG_THRESHOLD allocations, and once
the engine has started the objects alive then (the imports, the settings, the spider)
are frozen out of every later collection. Cycles are still collected: a cycle of
requests and responses lives at most a few collections longer than before.
"""

from __future__ import annotations

import gc

from scrapy import signals

# Young-generation allocations between collections (CPython's default: 700); the older
# generations keep their default ratios (10 and 10).
YOUNG_THRESHOLD = 10_000


class GarbageCollection:
    def __init__(self, crawler) -> None:
        # Extensions are made before the downloader middlewares and pipelines are imported
        # (the archive's SQLAlchemy models are most of those objects), so this also spares
        # the import of those the collections it would trigger.
        _, middle, old = gc.get_threshold()
        gc.set_threshold(YOUNG_THRESHOLD, middle, old)
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def engine_started(self) -> None:
        gc.freeze()
