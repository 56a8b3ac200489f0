"""The base of every councilwatch spider: one configured source, and a place to report problems."""

from __future__ import annotations

import logging
import os
from typing import ClassVar

import scrapy

from councilwatch.config import ConfigError, load_config

log = logging.getLogger(__name__)


class SourceSpider(scrapy.Spider):
    """A spider serves every source of its `source_type`; `-a source=NAME` picks one.

    Problems (a page whose layout no longer yields the expected fields, an HTTP
    error, a refused response) go through `problem()`: they are logged, counted and
    shown in the crawl summary, never silently stored as empty documents.
    """

    source_type: ClassVar[str]

    def __init__(self, source: str | None = None, config: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if not source:
            raise ValueError(f"say which source to crawl: scrapy crawl {self.name} -a source=NAME")
        try:
            self.config = load_config(
                config or os.environ.get("COUNCILWATCH_CONFIG"), required=True
            )
            self.source = self.config.source(source)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        if self.source.type != self.source_type:
            raise ValueError(
                f"source {source!r} is of type {self.source.type!r}; "
                f"crawl it with `scrapy crawl {self.source.type}`"
            )
        self.problems: list[str] = []

    def problem(self, url: str, message: str) -> None:
        text = f"{url}: {message}"
        self.logger.warning("problem: %s", text)
        self.problems.append(text)
        if self.crawler is not None:
            self.crawler.stats.inc_value("councilwatch/problems")

    def request_failed(self, failure) -> None:
        """Errback for every request: a 404, 500, timeout or refusal is a problem, not a crash."""
        request = failure.request
        response = getattr(failure.value, "response", None)
        if response is not None:
            self.problem(request.url, f"HTTP {response.status}")
        else:
            self.problem(request.url, f"{failure.type.__name__}: {failure.getErrorMessage()}")
