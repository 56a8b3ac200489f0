"""Scrapy's spider loader, importing only the module of the spider a crawl runs.

Scrapy's own loader imports every module under SPIDER_MODULES at start-up to find the
spiders' names. Each `scrapy crawl` runs one spider, and every crawl pays for the others'
imports (the ModernGov parser, the news and article readers) before its first request.
The names are known here; a name not listed, or a listing of all spiders, falls back to
Scrapy's walk of SPIDER_MODULES.
"""

from __future__ import annotations

from importlib import import_module

from scrapy.spiderloader import SpiderLoader

# Spider name -> the module that defines it.
SPIDERS = {
    "moderngov": "spiders.councils.moderngov",
    "news": "spiders.web.news",
    "page": "spiders.web.page",
}


class OneSpiderLoader(SpiderLoader):
    def _load_all_spiders(self) -> None:
        self._all_loaded = False  # on first need, not at start-up

    def _load_everything(self) -> None:
        if not self._all_loaded:
            self._all_loaded = True
            super()._load_all_spiders()

    def load(self, spider_name: str):
        if spider_name not in self._spiders and spider_name in SPIDERS:
            self._load_spiders(import_module(SPIDERS[spider_name]))
        if spider_name not in self._spiders:
            self._load_everything()
        return super().load(spider_name)

    def find_by_request(self, request) -> list[str]:
        self._load_everything()
        return super().find_by_request(request)

    def list(self) -> list[str]:
        self._load_everything()
        return super().list()
