"""Downloader middlewares: conditional requests, and refusing what is not what we asked for."""

from __future__ import annotations

import codecs
import logging
import weakref
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import TextResponse
from scrapy.responsetypes import responsetypes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from spiders.items import media_type
from spiders.signals import archive_opened
from storage.db import DatabaseError
from storage.validators import (
    Pending,
    Validator,
    stored_body,
    validators_of_site,
    write_validators,
)

log = logging.getLogger(__name__)


class ConditionalGetMiddleware:
    """Sends If-None-Match / If-Modified-Since from what the server said last time.

    Scrapy's HTTP cache never expires its entries, so this keeps the
    validators in the archive instead, where every cron host sees them. A 304 is
    answered with the body stored last time, so spiders parse exactly as usual and
    the archive records "seen, unchanged". Servers that ignore validators still work:
    the archive compares content hashes anyway.

    The database is not asked once per request: a site's validators are read in one
    query the first time the crawl requests a page of that site, and new ones are
    written in batches (`FLUSH_EVERY` responses, and when the spider closes) by the
    pipeline's writer thread, after the pages queued before them: the crawl never waits
    for the write, and most bodies are in the archive by then, stored with their pages'
    versions. The pipeline hands over its archive and writer with the `archive_opened`
    signal (spiders/signals.py); until then, and in a crawl without it, no request is
    conditional. A crawl that dies before a batch is written loses nothing but those
    validators: the next crawl fetches the pages in full.
    """

    FLUSH_EVERY = 50

    def __init__(self, crawler):
        self.crawler = crawler
        self.known: dict[str, dict[str, Validator]] = {}  # site -> url -> validator
        # url -> (its validator headers, the body, its media type); the body is hashed and
        # stored on the writer thread, not here on the crawl's.
        self.pending: Pending = {}
        self.archive = None
        self.writer = None
        crawler.signals.connect(self.archive_opened, signal=archive_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def archive_opened(self, archive, writer) -> None:
        self.archive, self.writer = archive, writer

    def _archive(self, request):
        archive = self.archive
        if archive is None or request.method != "GET" or request.url.endswith("/robots.txt"):
            return None
        return archive

    def process_request(self, request, spider=None):
        archive = self._archive(request)
        if archive is None:
            return None
        validator = self._validators_of_site(archive, request.url).get(request.url)
        if validator is None:
            return None
        request.meta["cw_validator"] = validator
        if validator.etag:
            request.headers[b"If-None-Match"] = validator.etag
        if validator.last_modified:
            request.headers[b"If-Modified-Since"] = validator.last_modified
        return None

    def process_response(self, request, response, spider=None):
        archive = self._archive(request)
        if archive is None:
            return response
        validator = request.meta.get("cw_validator")
        if response.status == 304 and validator is not None:
            body = stored_body(archive, validator)
            # Nothing is written for a 304: an unchanged re-crawl adds no bytes and, on
            # PostgreSQL, no dead rows (`checked_at` is when the validator was stored).
            return _as_downloaded(request, response, body, validator.content_type)
        if response.status == 200:
            etag = response.headers.get(b"ETag")
            modified = response.headers.get(b"Last-Modified")
            if etag or modified:
                ctype = response.headers.get(b"Content-Type")
                headers = {
                    "etag": etag.decode("latin-1") if etag else None,
                    "last_modified": modified.decode("latin-1") if modified else None,
                    "content_type": ctype.decode("latin-1") if ctype else None,
                }
                # The same validators as stored (a server that ignores If-None-Match but
                # sends the same ETag) name the same body: nothing to rewrite.
                if validator is None or headers != {
                    "etag": validator.etag,
                    "last_modified": validator.last_modified,
                    "content_type": validator.content_type,
                }:
                    self.pending[request.url] = (headers, response.body, media_type(response))
                    self._maybe_flush(archive)
        return response

    def _validators_of_site(self, archive, url: str) -> dict[str, Validator]:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}/"
        if site not in self.known:
            self.known[site] = {}
            try:
                self.known[site] = validators_of_site(archive, site)
            except DatabaseError as exc:
                log.warning("no conditional requests to %s: %s", site, exc)
        return self.known[site]

    def _maybe_flush(self, archive) -> None:
        if len(self.pending) >= self.FLUSH_EVERY:
            self._flush(archive)

    def _flush(self, archive) -> None:
        pending, self.pending = self.pending, {}
        if pending:
            source_name = self.crawler.spider.source.name
            self.writer.submit(write_validators, archive, source_name, pending)

    def spider_closed(self, spider, reason):
        if self.archive is not None and self.pending:
            # Written here and now: the pipeline's writer may already have stopped.
            write_validators(self.archive, spider.source.name, self.pending)


def _as_downloaded(request, response, body: bytes, content_type: str | None):
    """The response a 200 would have given: the stored body with its original Content-Type,
    typed and decoded exactly as the first download was (a 304 carries neither). The body
    was stored decoded (this middleware sits below HttpCompressionMiddleware), and a 304's
    headers name no Content-Encoding, so nothing decompresses it again."""
    headers = response.headers.copy()
    # Should a server name an encoding on its 304, it is not the stored body's: that is decoded.
    headers.pop(b"Content-Encoding", None)
    if content_type:
        headers[b"Content-Type"] = content_type
    cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
    restored = cls(
        url=response.url,
        status=200,
        headers=headers,
        body=body,
        request=request,
        flags=[*response.flags, "304"],
    )
    # ResponseGuard (above this middleware) repaired the first download's charset; the
    # stored body is the same bytes under the same header, so it gets the same repair.
    if isinstance(restored, TextResponse):
        return _repair_encoding(restored)
    return restored


class ResponseGuardMiddleware:
    """Refuses what is not what we asked for, and repairs what is merely mislabelled.

    - A binary body (image, archive, PDF...) where a page was expected is refused with a
      logged reason. Requests that expect a document say so: `meta["cw_binary_ok"]`
      accepts any body; `meta["cw_documents_ok"]` accepts PDF and Word files only (a
      watched page whose URL turns out to serve a PDF), still refusing images and archives.
    - Bodies arrive decoded (gzip, deflate, br, zstd): this middleware sits below Scrapy's
      HttpCompressionMiddleware (see settings.DOWNLOADER_MIDDLEWARES).
    - A body over DOWNLOAD_MAXSIZE never gets here, compressed or decoded: Scrapy cancels
      the download, or stops decompressing, and the request's errback reports Scrapy's
      reason (the size against the limit).
    - A page whose declared charset is wrong (a windows-1252 page served as utf-8, the
      commonest case on council and news sites) is re-decoded, so its £ signs survive.

    The refusal raises IgnoreRequest with the reason; every councilwatch request has the
    `request_failed` errback, which records it once as a crawl problem. Requests without
    an errback still get the warning in the log.
    """

    DOCUMENT_TYPES = (
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    BINARY_TYPES = (
        "image/",
        "audio/",
        "video/",
        "font/",
        "application/octet-stream",
        "application/zip",
        "application/x-",
        "application/vnd.",
    )

    def __init__(self, crawler):
        self.crawler = crawler
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        # Bytes received so far per request in flight: a body sent without Content-Length
        # (chunked, as servers send what they compress on the fly) that passes the limit is
        # cancelled by Scrapy with an empty DownloadCancelledError; this says why.
        self.received: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def bytes_received(self, data, request, spider=None):
        self.received[request] = self.received.get(request, 0) + len(data)

    def process_exception(self, request, exception, spider=None):
        received = self.received.pop(request, 0)
        limit = request.meta.get("download_maxsize", self.maxsize)
        if isinstance(exception, DownloadCancelledError) and limit and received > limit:
            raise IgnoreRequest(
                f"refused: body larger than download max size ({limit}): "
                f"stopped after {received} bytes (sent without Content-Length)"
            ) from exception
        return None

    def process_response(self, request, response, spider=None):
        self.received.pop(request, None)
        if request.meta.get("cw_binary_ok") or request.url.endswith("/robots.txt"):
            return response
        if response.status != 200:
            return response
        ctype = media_type(response) or ""
        is_document = ctype in self.DOCUMENT_TYPES or response.body[:5] == b"%PDF-"
        if is_document and request.meta.get("cw_documents_ok"):
            return response
        # NUL bytes mean binary, except in UTF-16/32 text, which announces itself with a BOM.
        looks_binary = b"\x00" in response.body[:4096] and not read_bom(response.body)[0]
        if is_document or looks_binary or ctype.startswith(self.BINARY_TYPES):
            what = ctype or "binary data"
            reason = f"refused: expected a page, got {what} ({len(response.body)} bytes)"
            if request.errback is None:
                log.warning("%s: %s", request.url, reason)
            raise IgnoreRequest(reason)
        if isinstance(response, TextResponse):
            return _repair_encoding(response)
        return response


def _strictly(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _declares_charset(response: TextResponse) -> bool:
    """True when the header, a byte-order mark or a meta tag names the page's charset."""
    header = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    return bool(
        http_content_type_encoding(header)
        or read_bom(response.body)[0]
        or html_body_declared_encoding(response.body)
    )


def _repair_encoding(response: TextResponse) -> TextResponse:
    """The response re-decoded when its declared charset cannot be its real one."""
    body = response.body
    if body.isascii():
        return response
    declared = response.encoding
    if not _declares_charset(response):
        # Nothing declared, so Scrapy guessed (charset-normalizer), and for short English
        # pages it guesses windows-1250 and turns £ into Ł. The HTML standard's default
        # for English-language pages is windows-1252; valid utf-8 still wins.
        for candidate in ("utf-8", "cp1252"):
            if _strictly(body, candidate):
                if codecs.lookup(candidate).name != codecs.lookup(declared).name:
                    return response.replace(encoding=candidate)
                return response
        return response
    single_byte = codecs.lookup(declared).name not in ("utf-8", "utf-16", "utf-32")
    if _strictly(body, declared) and not (single_byte and _strictly(body, "utf-8")):
        return response
    # utf-8 is self-checking: if the bytes are valid utf-8 and not ascii, they are utf-8.
    # Otherwise a meta tag may be right where the header was wrong; failing that, the
    # web's single-byte default, windows-1252 (which is what "latin-1" pages really are).
    candidates = ["utf-8"]
    meta = html_body_declared_encoding(body)
    if meta:
        candidates.append(meta)
    candidates.append("cp1252")
    for candidate in candidates:
        if candidate and codecs.lookup(candidate).name != codecs.lookup(declared).name:
            if _strictly(body, candidate):
                log.info(
                    "%s: declared charset %s does not fit the body; decoded as %s",
                    response.url,
                    declared,
                    candidate,
                )
                return response.replace(encoding=candidate)
    return response
