"""Conditional requests: the middleware asks with the validators stored last time, once the
pipeline has handed it the archive, and answers a 304 with the stored body."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from spiders.middlewares import ConditionalGetMiddleware
from spiders.signals import archive_opened
from storage.validators import write_validators

URL = "https://c.gov.uk/plan"
BODY = b"<html><body><p>The plan, as first downloaded.</p></body></html>"


@pytest.fixture
def stored(archive):
    headers = {"etag": '"v1"', "last_modified": None, "content_type": "text/html; charset=utf-8"}
    write_validators(archive, "camp", {URL: (headers, BODY, "text/html")})
    return archive


@pytest.fixture
def crawler():
    return get_crawler(settings_dict={"TWISTED_REACTOR_ENABLED": False})


def test_no_request_is_conditional_before_the_archive_is_handed_over(stored, crawler):
    middleware = ConditionalGetMiddleware.from_crawler(crawler)
    request = Request(URL)
    middleware.process_request(request)
    assert b"If-None-Match" not in request.headers


def test_the_archive_handed_over_by_signal_makes_requests_conditional_and_304s_whole(
    stored, crawler
):
    middleware = ConditionalGetMiddleware.from_crawler(crawler)
    with ThreadPoolExecutor(max_workers=1) as writer:
        crawler.signals.send_catch_log(signal=archive_opened, archive=stored, writer=writer)
        request = Request(URL)
        middleware.process_request(request)
        assert request.headers[b"If-None-Match"] == b'"v1"'
        answer = middleware.process_response(request, Response(URL, status=304, request=request))
    assert isinstance(answer, HtmlResponse)
    assert answer.status == 200 and answer.body == BODY and "304" in answer.flags
