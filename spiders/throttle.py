"""Scrapy's AutoThrottle, with a 304 Not Modified counted as the answer it is, with
robots.txt's Crawl-delay as the least delay for a site that asks for one, and with no
spacing at all for a spider that asks for none at zero delay."""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.extensions import throttle

log = logging.getLogger(__name__)


class AutoThrottle(throttle.AutoThrottle):
    """Lets a 304's latency lower the delay, as a 200's does.

    Scrapy's AutoThrottle never lowers the delay on a non-200 answer, because error
    pages and redirects come back fast and would speed the crawl up against a failing
    server. A 304 is neither: it is the server answering a conditional request in full.
    Left as it is, a re-crawl of unchanged pages could only ever slow down, up to
    AUTOTHROTTLE_MAX_DELAY between requests, which is what conditional requests exist
    to avoid.
    """

    unspaced = False  # set when the spider opens

    def _adjust_delay(self, slot, latency, response) -> None:
        if self.unspaced:
            return
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)

    # -- robots.txt Crawl-delay ---------------------------------------------------------
    # A site's robots.txt may ask for more time between requests than `delay_seconds`
    # gives it; that is then the slot's delay and AutoThrottle's floor for that site,
    # without the random ±50% jitter (which would halve it). Capped at
    # AUTOTHROTTLE_MAX_DELAY: a site asking for minutes per page is crawled at that pace.

    def _spider_opened(self, spider) -> None:
        super()._spider_opened(spider)
        # `delay_seconds = 0` asks for no delay, yet AutoThrottle would still space requests
        # by their latency (its target is one request in flight per site), which for
        # watched pages on one's own host is most of the crawl. A spider whose pages are
        # independent (`unspaced_at_zero_delay`) then keeps delay 0, with
        # `concurrency` requests in flight; a robots.txt Crawl-delay still applies.
        self.unspaced = self._unspaced(spider)
        self.crawl_delays: dict[str, float] = {}  # download slot -> delay robots.txt asks for
        self.crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)

    def _unspaced(self, spider) -> bool:
        return (
            self.mindelay == 0
            and self._start_delay() == 0
            and getattr(spider, "unspaced_at_zero_delay", False)
        )

    def _robots_parsed(self, robotparser, request) -> None:
        crawl_delay = getattr(robotparser, "crawl_delay", None)
        agent = self.crawler.settings.get("ROBOTSTXT_USER_AGENT") or self.crawler.settings.get(
            "USER_AGENT"
        )
        asked = crawl_delay(agent) if crawl_delay is not None else None
        if not asked or asked <= self.mindelay:
            return
        delay = min(float(asked), self.maxdelay)
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        self.crawl_delays[key] = delay
        # For the slot as it is, and as it is made again if Scrapy drops it while idle.
        downloader.per_slot_settings.setdefault(key, {}).update(delay=delay, jitter=0)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, delay)
            try:
                slot.jitter = 0
            except AttributeError:  # Scrapy before 2.17
                slot.randomize_delay = False
        log.info("%s: robots.txt asks for %s s between requests (Crawl-delay)", key, asked)

    def _response_downloaded(self, response, request, spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        floor = self.crawl_delays.get(key or "")
        if slot is not None and floor:
            slot.delay = max(slot.delay, floor)
