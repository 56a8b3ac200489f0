"""AutoThrottle in real crawls, measured at the server: a 304 lowers the delay as a 200
does, an error page does not, and watched pages at zero delay are not spaced at all."""

from __future__ import annotations

import itertools
import threading
import time

import spiders.settings
from tests.helpers.timed_server import gaps, page

SLOW = 0.6  # seconds the slow answers take: the latency AutoThrottle spaces requests by
# Scrapy waits 0.5 to 1.5 times the delay between requests: requests spaced by SLOW come at
# least this far apart, and requests the delay no longer holds back come closer than it.
SPACED = SLOW / 4


def answers(first, then):
    """The first request of the crawl gets `first()`, every later one `then()`."""
    count = itertools.count()
    lock = threading.Lock()

    def answer(_n):
        with lock:
            n = next(count)
        return first() if n == 0 else then()

    return answer


def slow_page():
    time.sleep(SLOW)
    return page("Consultation")


def not_modified():
    return 304, {}, b""


def not_found():
    return 404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>"


def pages(server, n: int) -> list[str]:
    return [f"{server.url}p{i}" for i in range(n)]


def test_the_project_settings_use_councilwatch_autothrottle_instead_of_scrapys():
    assert spiders.settings.EXTENSIONS["spiders.throttle.AutoThrottle"] is not None
    assert spiders.settings.EXTENSIONS["scrapy.extensions.throttle.AutoThrottle"] is None


def test_fast_304s_after_a_slow_page_lower_the_delay_as_fast_200s_would(server, crawl):
    server.route("*", answers(slow_page, not_modified))
    crawl(pages(server, 6), delay=0.05)
    spacing = gaps(server.times())
    assert len(spacing) == 5
    assert spacing[0] >= SLOW  # the slow page raised the delay...
    assert spacing[-1] < SPACED  # ...and the fast 304s brought it down again


def test_fast_error_pages_after_a_slow_page_do_not_lower_the_delay(server, crawl):
    server.route("*", answers(slow_page, not_found))
    crawl(pages(server, 6), delay=0.05)
    spacing = gaps(server.times())
    assert len(spacing) == 5
    assert min(spacing) >= SPACED


def test_watched_pages_at_zero_delay_are_not_spaced_by_their_latency(server, crawl):
    server.route("*", answers(slow_page, slow_page))
    result = crawl(pages(server, 6), concurrency=2)
    assert result.returncode == 0, result.stdout + result.stderr
    times = server.times()
    assert len(times) == 6
    # At most three rounds of two at once; spaced by their latency, the four after the
    # first two would come one by one, 4 x SLOW after the first.
    assert times[-1] - times[0] < 3 * SLOW


def test_a_council_crawl_at_zero_delay_is_still_spaced_by_its_latency(server, crawl):
    server.route("*", lambda _n: slow_page())
    crawl([server.url], source_type="moderngov", concurrency=4)
    times = server.times()
    answered = times[0] + SLOW
    later = [t for t in times if t > answered]
    assert len(later) >= 3
    assert min(gaps(later)) >= SPACED


def test_watched_pages_with_a_delay_keep_autothrottle(server, crawl):
    server.route("*", answers(slow_page, slow_page))
    crawl(pages(server, 8), delay=0.05, concurrency=4)
    times = server.times()
    assert len(times) == 8
    later = [t for t in times if t > times[0] + SLOW]
    assert min(gaps(later)) >= SPACED
