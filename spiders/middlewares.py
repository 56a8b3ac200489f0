"""Downloader middlewares: conditional requests, and refusing what is not what we asked for."""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest

from storage.archive import put_blob, read_blob
from storage.db import DatabaseError
from storage.models import HttpValidator
from storage.types import utcnow

log = logging.getLogger(__name__)

CONDITIONAL_HEADERS = (b"If-None-Match", b"If-Modified-Since")


class ConditionalGetMiddleware:
    """Sends If-None-Match / If-Modified-Since from what the server said last time.

    Scrapy's HTTP cache never expires (stack-notes pitfall 5), so this keeps the
    validators in the archive instead, where every cron host sees them. A 304 is
    answered with the body stored last time, so spiders parse exactly as usual and
    the archive records "seen, unchanged". Servers that ignore validators still work:
    the archive compares content hashes anyway.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        archive = getattr(self.crawler.spider, "archive", None)
        if archive is None or request.method != "GET" or request.url.endswith("/robots.txt"):
            return None
        try:
            with archive.session() as session:
                validator = session.get(HttpValidator, request.url)
                if validator is None:
                    return None
                request.meta["cw_stored_body"] = validator.body_sha256
                if validator.etag:
                    request.headers[b"If-None-Match"] = validator.etag
                if validator.last_modified:
                    request.headers[b"If-Modified-Since"] = validator.last_modified
        except DatabaseError as exc:
            log.warning("no conditional request for %s: %s", request.url, exc)
        return None

    def process_response(self, request, response, spider=None):
        archive = getattr(self.crawler.spider, "archive", None)
        if archive is None or request.method != "GET":
            return response
        if response.status == 304 and request.meta.get("cw_stored_body"):
            with archive.session() as session:
                body = read_blob(session, request.meta["cw_stored_body"])
                validator = session.get(HttpValidator, request.url)
                validator.checked_at = utcnow()
            return response.replace(status=200, body=body, flags=[*response.flags, "304"])
        if response.status == 200:
            etag = response.headers.get(b"ETag")
            modified = response.headers.get(b"Last-Modified")
            if etag or modified:
                with archive.session() as session:
                    digest = put_blob(session, response.body, _content_type(response))
                    validator = session.get(HttpValidator, request.url) or HttpValidator(
                        url=request.url
                    )
                    validator.etag = etag.decode("latin-1") if etag else None
                    validator.last_modified = modified.decode("latin-1") if modified else None
                    validator.body_sha256 = digest
                    validator.checked_at = utcnow()
                    session.merge(validator)
        return response


class ResponseGuardMiddleware:
    """Refuses a binary body where a page was expected, with a logged reason.

    Requests that expect a document (PDF, Word) say so with `meta["cw_binary_ok"]`.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        spider = self.crawler.spider
        if request.meta.get("cw_binary_ok") or request.url.endswith("/robots.txt"):
            return response
        if response.status != 200:
            return response
        ctype = _content_type(response) or ""
        looks_binary = b"\x00" in response.body[:4096]
        if looks_binary or ctype.startswith(("image/", "audio/", "video/", "application/pdf",
                                             "application/octet-stream", "application/zip")):
            reason = f"refused: expected a page, got {ctype or 'binary data'} ({len(response.body)} bytes)"
            if spider is not None and hasattr(spider, "problem"):
                spider.problem(request.url, reason)
            raise IgnoreRequest(reason)
        return response


def _content_type(response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1").split(";")[0].strip().lower() if value else None

