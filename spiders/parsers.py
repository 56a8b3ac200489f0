"""The URL picks the parser: the same pure functions serve a crawl and `councilwatch compare`.

Council platforms' page types come from `spiders/councils/page_types.PAGE_TYPES`, the table
their spiders' callbacks read; the news module lists `(pattern, parse)` pairs in its
`PARSERS`. `parse` takes a Scrapy response and the source name and returns the `PageItem` the
crawl would store. The first pattern that matches the URL wins; any other page is parsed as
a watched page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from scrapy.http import Request
from scrapy.responsetypes import responsetypes

from spiders.items import DocumentItem, PageItem
from spiders.web.page import parse_page

Parser = Callable[..., PageItem]


def registry() -> list[tuple[re.Pattern[str], Parser]]:
    from spiders.councils import page_types
    from spiders.web import article

    return [*page_types.parsers(), *article.PARSERS]


def saved_response(url: str, body: bytes, content_type: str | None = None):
    """A Scrapy response for a saved body, typed and decoded exactly as a download would be."""
    headers = {"Content-Type": content_type} if content_type else {}
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    return cls(url=url, body=body, headers=headers, request=Request(url))


def parse_saved(url: str, body: bytes, source: str, content_type: str | None = None) -> PageItem:
    response = saved_response(url, body, content_type)
    for pattern, parse in registry():
        if pattern.search(url):
            return parse(response, source)
    return parse_page(response, source)


def documents_on(page: PageItem) -> list[DocumentItem]:
    """Every document the page prints, including those a crawl completes from another page
    before storing them (ModernGov agenda items whose minutes the meeting page cuts short),
    as this page prints them: what `compare` judges, so no substance on the page is unseen."""
    return [*page.documents, *(item for _, item in getattr(page, "incomplete", ()))]
