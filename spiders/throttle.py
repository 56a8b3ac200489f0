"""Scrapy's AutoThrottle, with a 304 Not Modified counted as the answer it is."""

from __future__ import annotations

from scrapy.extensions import throttle


class AutoThrottle(throttle.AutoThrottle):
    """Lets a 304's latency lower the delay, as a 200's does.

    Scrapy's AutoThrottle never lowers the delay on a non-200 answer, because error
    pages and redirects come back fast and would speed the crawl up against a failing
    server. A 304 is neither: it is the server answering a conditional request in full.
    Left as it is, a re-crawl of unchanged pages could only ever slow down, up to
    AUTOTHROTTLE_MAX_DELAY between requests, which is what conditional requests exist
    to avoid.
    """

    def _adjust_delay(self, slot, latency, response) -> None:
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
