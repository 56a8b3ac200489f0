"""The news spider: one spider for Newsquest titles and any other news site.

A news source says where to look (`start_urls`: section pages; `feeds`: RSS or Atom;
`sitemaps`: XML sitemaps, news sitemaps and sitemap indexes) and which `topics` it
cares about. The spider finds article URLs there, fetches each article, parses it
with the site-independent parser in `article.py` and yields only those matching a
topic. What a site-specific spider would hard-code is data here: the article URL
shapes in `article.py` pick story links out of a section page.

`recheck_days`: the spider cannot see the archive, so it uses the dates feeds and
sitemaps give: an entry last modified (or, without that, published) more than
`recheck_days` ago is not fetched. Section pages give no dates, so their links are
always fetched; conditional requests (ETag/Last-Modified, kept in the archive) make an
unchanged article cheap. `recheck_days = 0` turns the date filter off.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import lxml.html
import scrapy
from lxml import etree
from scrapy.utils.gz import gunzip

from spiders.base import SourceSpider
from spiders.error_pages import error_page_item
from spiders.feeds import XML_PARSER, child_text, feed_entries, local_name, parse_date
from spiders.settings import DOWNLOAD_MAXSIZE
from spiders.web.article import (
    ArticleRefused,
    clean_url,
    is_article_url,
    looks_like_article,
    parse_article,
    response_text,
)


def _descendant_text(el, *names: str) -> str | None:
    for child in el.iter():
        if local_name(child) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


class SitemapTooLarge(ValueError):
    """A gzipped sitemap that unpacks to more than the download limit (a gzip bomb?)."""


def sitemap_entries(
    body: bytes, base_url: str, max_size: int = DOWNLOAD_MAXSIZE
) -> tuple[str, list[tuple[str, datetime | None]]]:
    """('index' or 'urlset', [(URL, lastmod or news publication date)]).

    A `.gz` file (sent as it is, not with a Content-Encoding Scrapy decodes) is unpacked
    here, stopping at `max_size` bytes: the sitemap protocol's own limit is 50 MB unpacked,
    and a few hundred kilobytes of gzip can unpack to gigabytes.
    """
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except ValueError:  # Scrapy's "decompressed past max_size"; corrupt gzip is OSError
            raise SitemapTooLarge(
                f"gzipped sitemap unpacks to more than {max_size} bytes (a gzip bomb?); not read"
            ) from None
    root = etree.fromstring(body, XML_PARSER) if body.strip() else None
    if root is None:
        return "urlset", []
    kind = "index" if local_name(root) == "sitemapindex" else "urlset"
    entries = []
    for el in root:
        if local_name(el) not in ("url", "sitemap"):
            continue
        loc = child_text(el, "loc")
        if not loc:
            continue
        when = child_text(el, "lastmod") or _descendant_text(el, "publication_date")
        entries.append((urljoin(base_url, loc), parse_date(when)))
    return kind, entries


class NewsSpider(SourceSpider):
    name = "news"
    source_type = "news"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keywords_by_topic = {t: self.config.keywords(t) for t in self.source.topics}
        days = self.source.recheck_days
        self.not_before = datetime.now(UTC) - timedelta(days=days) if days else None

    async def start(self):
        for urls, callback, meta in (
            (self.source.feeds, self.parse_feed, None),
            # Sitemaps are often gzipped files; they are XML we asked for, not a page.
            (self.source.sitemaps, self.parse_sitemap, {"cw_binary_ok": True}),
            (self.source.start_urls, self.parse_listing, None),
        ):
            for url in urls:
                yield scrapy.Request(url, callback=callback, errback=self.request_failed, meta=meta)

    # -- finding articles -----------------------------------------------------------
    def _recent(self, when: datetime | None) -> bool:
        return self.not_before is None or when is None or when >= self.not_before

    def _article_request(self, url: str):
        return scrapy.Request(
            clean_url(url), callback=self.parse_article, errback=self.request_failed
        )

    def parse_feed(self, response):
        entries = feed_entries(response.body, response.url)
        if not entries:
            self.problem(response.url, "not an RSS or Atom feed, or a feed with no entries")
        for url, when in entries:
            if not self.on_own_host(url):
                continue
            if self._recent(when):
                yield self._article_request(url)
            else:
                self.crawler.stats.inc_value("councilwatch/articles_not_rechecked")

    def parse_sitemap(self, response):
        try:
            kind, entries = sitemap_entries(
                response.body, response.url, self.settings.getint("DOWNLOAD_MAXSIZE")
            )
        except SitemapTooLarge as exc:
            self.problem(response.url, str(exc))
            return
        except (OSError, EOFError, struct.error) as exc:
            self.problem(response.url, f"sitemap could not be decompressed: {exc}")
            return
        if not entries:
            self.problem(response.url, "not a sitemap, or an empty one")
        for url, when in entries:
            if not self.on_own_host(url):
                continue
            if not self._recent(when):
                self.crawler.stats.inc_value("councilwatch/articles_not_rechecked")
            elif kind == "index":
                yield scrapy.Request(
                    url,
                    callback=self.parse_sitemap,
                    errback=self.request_failed,
                    meta={"cw_binary_ok": True},
                )
            else:
                yield self._article_request(url)

    def parse_listing(self, response):
        if looks_like_article(response):
            # A start URL may itself be a story someone wants followed.
            yield from self.parse_article(response)
            return
        host = urlsplit(response.url).netloc
        seen = set()
        text = response_text(response)
        hrefs = lxml.html.fromstring(text).xpath("//a/@href") if text.strip() else []
        for href in hrefs:
            url = clean_url(urljoin(response.url, href.strip()))
            if url in seen or urlsplit(url).netloc != host or not is_article_url(url):
                continue
            seen.add(url)
            yield self._article_request(url)
        if not seen:
            self.problem(response.url, "no article links found on this start page")

    # -- articles -------------------------------------------------------------------
    def parse_article(self, response):
        try:
            item = parse_article(response, self.source.name, self.keywords_by_topic, self.hosts)
        except ArticleRefused as exc:
            if gone := error_page_item(response, self.source.name):
                yield gone  # an article now an error page: the importer holds it back
                return
            self.problem(response.url, f"not stored: {exc}")
            return
        if item is None:
            if gone := error_page_item(response, self.source.name):
                yield gone
                return
            # Off topic: expected for most of a local paper, so counted, not a problem.
            self.crawler.stats.inc_value("councilwatch/articles_off_topic")
            self.logger.debug("off topic: %s", response.url)
            return
        yield item
