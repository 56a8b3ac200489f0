"""AutoThrottle: a crawl of unchanged pages (all 304s) speeds up like any other."""

import pytest
from scrapy.core.downloader import Slot
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

import spiders.settings
from spiders.councils.moderngov import ModernGovSpider
from spiders.throttle import AutoThrottle
from spiders.web.page import PageSpider


@pytest.fixture
def throttle():
    return make_throttle(0.0)


def make_throttle(delay: float) -> AutoThrottle:
    settings = Settings()
    settings.setmodule(spiders.settings)
    settings.set("DOWNLOAD_DELAY", delay)
    settings.set("AUTOTHROTTLE_START_DELAY", delay)
    settings.set("TWISTED_REACTOR_ENABLED", False)  # nothing is downloaded here
    ext = AutoThrottle.from_crawler(get_crawler(settings_dict=settings.copy_to_dict()))
    ext.mindelay, ext.maxdelay = ext._min_delay(), ext._max_delay()
    return ext


def answer(status: int) -> Response:
    return Response("https://democracy.example.gov.uk/ieListDocuments.aspx?MId=1", status=status)


def test_the_project_settings_use_councilwatch_autothrottle_instead_of_scrapys():
    assert spiders.settings.EXTENSIONS["spiders.throttle.AutoThrottle"] is not None
    assert spiders.settings.EXTENSIONS["scrapy.extensions.throttle.AutoThrottle"] is None


def test_a_fast_304_lowers_the_delay_like_a_fast_200(throttle):
    after = {}
    for status in (200, 304):
        slot = Slot(concurrency=1, delay=2.0, jitter=0)
        throttle._adjust_delay(slot, 0.05, answer(status))
        after[status] = slot.delay
    assert after[304] == after[200] < 2.0


def test_a_fast_error_page_still_does_not_lower_the_delay(throttle):
    slot = Slot(concurrency=1, delay=2.0, jitter=0)
    throttle._adjust_delay(slot, 0.05, answer(500))
    assert slot.delay == 2.0


def test_watched_pages_at_zero_delay_are_not_spaced_by_their_latency(throttle):
    throttle.unspaced = throttle._unspaced(PageSpider)
    slot = Slot(concurrency=16, delay=0.0, jitter=0)
    throttle._adjust_delay(slot, 0.5, answer(200))
    assert slot.delay == 0.0


def test_a_council_crawl_at_zero_delay_is_still_spaced_by_its_latency(throttle):
    throttle.unspaced = throttle._unspaced(ModernGovSpider)
    slot = Slot(concurrency=1, delay=0.0, jitter=0)
    throttle._adjust_delay(slot, 0.5, answer(200))
    assert slot.delay == 0.5


def test_watched_pages_with_a_delay_keep_autothrottle():
    throttle = make_throttle(2.0)
    throttle.unspaced = throttle._unspaced(PageSpider)
    slot = Slot(concurrency=1, delay=2.0, jitter=0)
    throttle._adjust_delay(slot, 5.0, answer(200))
    assert slot.delay == 5.0
