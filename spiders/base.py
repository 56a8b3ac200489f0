"""The base of every councilwatch spider: one configured source, and a place to report problems."""

from __future__ import annotations

import logging
import os
from typing import ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest

from core.config import ConfigError, load_config
from spiders.hosts import host_of, source_hosts

log = logging.getLogger(__name__)


class CrawlProblem(IgnoreRequest):
    """A request given up for a reason the crawl summary should say in its own words
    ("redirected to other host X, not followed"), about `url`, the URL the crawl asked
    for (the watched one, before any redirect). `report=False`: already reported once
    (the second page of a site found unreachable), so the errback stays quiet."""

    def __init__(self, url: str, message: str, *, report: bool = True):
        super().__init__(message)
        self.url = url
        self.message = message
        self.report = report


def watched_url(request) -> str:
    """The URL the crawl asked for: a redirected request's first URL."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


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
        # Not failures, but worth a line in the summary (see `notice`).
        self.notices: list[str] = []
        # Only these hosts are fetched from (spiders/redirects.py): an off-host link is
        # not followed, an off-host redirect is a problem.
        self.hosts = source_hosts(self.source)
        self._other_hosts_seen: set[str] = set()
        # Sites the crawl stopped asking (unreachable, or a Retry-After too long to wait
        # for; spiders/retries.py), each already reported as one problem.
        self.sites_given_up: dict[str, str] = {}

    def on_own_host(self, url: str) -> bool:
        """True for a link to one of the source's hosts; other hosts' links (a feed's
        syndicated stories, a partner site) are counted and logged once per host."""
        host = host_of(url)
        if host in self.hosts:
            return True
        if self.crawler is not None:
            self.crawler.stats.inc_value("councilwatch/links_to_other_hosts")
        if host not in self._other_hosts_seen:
            self._other_hosts_seen.add(host)
            self.logger.info("not following links to %s (not one of this source's hosts)", host)
        return False

    def problem(self, url: str, message: str) -> None:
        text = f"{url}: {message}"
        self.logger.warning("problem: %s", text)
        self.problems.append(text)
        if self.crawler is not None:
            self.crawler.stats.inc_value("councilwatch/problems")

    def notice(self, url: str, message: str) -> None:
        """Something the maintainers should know that is not a failure (a watched page
        that moved permanently and was read at its new address): in the summary, but not
        a problem, so URL health never counts it."""
        text = f"{url}: {message}"
        self.logger.info("notice: %s", text)
        self.notices.append(text)

    def request_failed(self, failure) -> None:
        """Errback for every request: a 404, 500, timeout or refusal is a problem, not a crash."""
        request = failure.request
        url = watched_url(request)
        if isinstance(failure.value, CrawlProblem):
            if failure.value.report:
                self.problem(failure.value.url, failure.value.message)
            return
        response = getattr(failure.value, "response", None)
        if response is not None:
            self.problem(url, f"HTTP {response.status}" + _after_redirect(request))
        else:
            self.problem(url, f"{failure.type.__name__}: {failure.getErrorMessage()}")


def _after_redirect(request) -> str:
    return f" (redirected to {request.url})" if request.meta.get("redirect_urls") else ""
