"""The reference crawl: a bare Scrapy spider that fetches a list of URLs and does nothing else.

No parsing, no items, no archive, no conditional-request middleware: the callback drops
each response. It runs with the project's own download settings (the same concurrency,
delay, AutoThrottle and robots.txt handling as the real crawl, passed the same way by
`bench/run.py`), so the difference in pages per second is what councilwatch's own work
(parse, extract, diff, store) costs.

    python -m scrapy runspider bench/bare_spider.py -a urls=URLS.txt -s CONCURRENT_REQUESTS_PER_DOMAIN=8 ...

`urls` is a file with one absolute URL a line.
"""

from __future__ import annotations

from pathlib import Path

import scrapy


class BareSpider(scrapy.Spider):
    name = "bench-bare"
    custom_settings = {
        # Only Scrapy's built-in middlewares; nothing of councilwatch's.
        "ITEM_PIPELINES": {},
        "DOWNLOADER_MIDDLEWARES": {},
        "SPIDER_MIDDLEWARES": {},
        "EXTENSIONS": {},
    }

    def __init__(self, urls: str, **kwargs):
        super().__init__(**kwargs)
        self.url_file = Path(urls)

    async def start(self):
        for url in self.url_file.read_text(encoding="utf-8").split():
            # dont_filter: the list is already the crawl's set of distinct pages.
            yield scrapy.Request(
                url,
                callback=self.drop,
                errback=self.drop,
                dont_filter=True,
                meta={"dont_retry": True},
            )

    def drop(self, response):
        return None
