"""Retrying as polite crawlers do: later, not at once, and not at all for a site that is down.

Scrapy's RetryMiddleware sends a retry straight back to the scheduler: a 503 with
`Retry-After: 120` was asked again three times within a third of a second, and a
council site that was down was tried four times for every page the crawl wanted (one
problem line per calendar month asked for). `PoliteRetryMiddleware` replaces it:

- a 429 or 503 with `Retry-After` (seconds, or an HTTP date) is retried after that
  long, and the whole site is left alone until then; without the header, and for the
  other statuses Scrapy retries (500, 502, 504, 408, ...), the retry waits
  RETRY_BACKOFF_BASE (or DOWNLOAD_DELAY, if longer) x 2^(n-1) seconds, at most
  RETRY_BACKOFF_MAX; connection errors back off the same way;
- a `Retry-After` longer than RETRY_AFTER_MAX, or than the crawl's stall limit
  (`[crawl] stall_minutes`: a crawl with no response for that long is stopped), is not
  waited for: one problem for the site, and no more of its
  pages are asked for in this crawl;
- a site whose connection fails on every attempt of a request (refused, host name not
  found, cannot connect; a timeout counts when the site has not answered at all in this
  crawl) is unreachable: one problem ("site unreachable: connection refused after 4
  attempts"), and its other requests are dropped without a word or a connection.

Waiting never blocks the reactor: a request due later waits in `process_request`
(a timer), before it takes its place in the site's download slot.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import scrapy.exceptions
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet import error

from spiders.base import CrawlProblem, watched_url

# Statuses whose Retry-After is about the whole site, not one page (RFC 9110 10.2.3).
SITE_WIDE = (429, 503)
# A wait ends this long before the stall limit, so waiting is never taken for a stall.
STALL_MARGIN = 30.0


def _exceptions(*names: str) -> tuple[type[BaseException], ...]:
    # Scrapy 2.17 added its own download exceptions; older ones raise Twisted's.
    return tuple(filter(None, (getattr(scrapy.exceptions, name, None) for name in names)))


REFUSED = (error.ConnectionRefusedError, *_exceptions("DownloadConnectionRefusedError"))
NO_HOST = (error.DNSLookupError, *_exceptions("CannotResolveHostError"))
NO_CONNECTION = (error.ConnectError, *REFUSED, *NO_HOST)  # TCP timeouts, no route, refused
TIMEOUTS = (error.TimeoutError, *_exceptions("DownloadTimeoutError"))


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header's wait in seconds (delay-seconds or an HTTP-date); None if
    absent or unreadable. A date in the past means "now"."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _site(url: str) -> tuple[str, str]:
    """(the site's key, its root URL for messages)."""
    parts = urlsplit(url)
    return parts.netloc.lower(), f"{parts.scheme}://{parts.netloc}/"


def _what_failed(exception: BaseException) -> str:
    if isinstance(exception, REFUSED):
        return "connection refused"
    if isinstance(exception, NO_HOST):
        return "host name not found"
    if isinstance(exception, TIMEOUTS):
        return "no answer (timed out)"
    return f"could not connect ({type(exception).__name__})"


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor, task

    await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))


class PoliteRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = max(
            settings.getfloat("RETRY_BACKOFF_BASE", 1.0), settings.getfloat("DOWNLOAD_DELAY")
        )
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 600.0)
        self.paused_until: dict[str, float] = {}  # site -> monotonic time it may be asked again
        self.given_up: dict[str, str] = {}  # site -> why no more of its pages are asked for
        self.answered: set[str] = set()  # sites that sent any response in this crawl
        stall = settings.getfloat("COUNCILWATCH_STALL_SECONDS", 0)
        self.longest_wait = (
            max(0.0, min(self.retry_after_max, stall - STALL_MARGIN)) if stall
            else self.retry_after_max
        )  # fmt: skip

    # -- waiting ---------------------------------------------------------------------
    async def process_request(self, request, spider=None):
        site, _ = _site(request.url)
        self._refuse_if_given_up(request, site)
        due = max(self.paused_until.get(site, 0.0), request.meta.get("cw_not_before", 0.0))
        wait = due - time.monotonic()
        if wait > 0:
            await self._wait(request, wait)
            self._refuse_if_given_up(request, site)
        return None

    async def _wait(self, request, seconds: float) -> None:
        """Sleep in steps of a second, so that a crawl told to stop (SIGTERM, the
        scheduler shutting down) is not held up by a long Retry-After: Scrapy's
        graceful stop waits for every request in progress, and this one is."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if not getattr(self.crawler.engine, "running", True):
                raise CrawlProblem(watched_url(request), "crawl stopping", report=False)
            await _sleep(min(left, 1.0))

    def _refuse_if_given_up(self, request, site: str) -> None:
        if site in self.given_up:
            self.crawler.stats.inc_value("councilwatch/requests_to_sites_given_up")
            raise CrawlProblem(watched_url(request), self.given_up[site], report=False)

    def _backoff(self, retry_times: int) -> float:
        return min(self.backoff_max, self.backoff_base * 2 ** (retry_times - 1))

    def _give_up_on_site(self, site: str, root: str, message: str) -> None:
        self.given_up[site] = message
        self._drop_queued(site, message)
        spider = self.crawler.spider
        if hasattr(spider, "problem"):
            spider.problem(root, message)
        if hasattr(spider, "sites_given_up"):
            spider.sites_given_up[root] = message

    def _drop_queued(self, site: str, message: str) -> None:
        """Requests for the site already waiting in its download slot (they passed
        `process_request` before it was given up) are dropped there, not sent."""
        slots = getattr(getattr(self.crawler.engine, "downloader", None), "slots", {})
        for slot in list(slots.values()):
            queue = getattr(slot, "queue", None)
            if not queue:
                continue
            waiting = list(queue)
            queue.clear()
            for request, arrived in waiting:
                if _site(request.url)[0] != site:
                    queue.append((request, arrived))
                    continue
                self.crawler.stats.inc_value("councilwatch/requests_to_sites_given_up")
                arrived.errback(CrawlProblem(watched_url(request), message, report=False))

    # -- answers ---------------------------------------------------------------------
    def process_response(self, request, response, spider=None):
        site, root = _site(request.url)
        self.answered.add(site)
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        now = time.monotonic()
        retry_after = None
        if response.status in SITE_WIDE:
            retry_after = retry_after_seconds(response.headers.get(b"Retry-After"))
        if retry_after is not None and retry_after > self.longest_wait:
            message = (
                f"HTTP {response.status}: the site asks to wait {retry_after:.0f} s (Retry-After), "
                f"longer than this crawl waits ({self.longest_wait:.0f} s); "
                "no more of its pages asked for in this crawl"
            )
            self._give_up_on_site(site, root, message)
            raise CrawlProblem(watched_url(request), message, report=False)
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response  # the errback reports the status
        wait = retry_after if retry_after is not None else self._backoff(retry.meta["retry_times"])
        retry.meta["cw_not_before"] = now + wait
        if response.status in SITE_WIDE:
            self.paused_until[site] = max(self.paused_until.get(site, 0.0), now + wait)
        return retry

    def process_exception(self, request, exception, spider=None):
        if isinstance(exception, IgnoreRequest):
            return None
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        site, root = _site(request.url)
        self._refuse_if_given_up(request, site)
        retry = self._retry(request, exception)
        if retry is not None:
            retry.meta["cw_not_before"] = time.monotonic() + self._backoff(
                retry.meta["retry_times"]
            )
            return retry
        down = isinstance(exception, NO_CONNECTION) or (
            isinstance(exception, TIMEOUTS) and site not in self.answered
        )
        if not down:
            return None  # the errback reports this page's failure
        attempts = request.meta.get("retry_times", 0) + 1
        message = (
            f"site unreachable: {_what_failed(exception)} after {attempts} attempts; "
            "no more of its pages asked for in this crawl"
        )
        self._give_up_on_site(site, root, message)
        raise CrawlProblem(watched_url(request), message, report=False)
