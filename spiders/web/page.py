"""The page spider: any URL a campaign wants watched, its main content as text."""

from __future__ import annotations

import scrapy
from bs4 import BeautifulSoup

from spiders.base import SourceSpider
from spiders.items import DocumentItem, PageItem, document_key

# Parts of a page that are never its substance.
BOILERPLATE = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe"]


def page_text(html: str, selector: str | None = None) -> tuple[str | None, str]:
    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    root = soup.select_one(selector) if selector else (soup.find("main") or soup.body or soup)
    if root is None:
        return title, ""
    for tag in root.find_all(BOILERPLATE):
        tag.decompose()
    lines = (line.strip() for line in root.get_text("\n").splitlines())
    return title, "\n".join(line for line in lines if line)


def parse_page(response, source: str, selector: str | None = None) -> PageItem:
    title, text = page_text(response.text, selector)
    doc = DocumentItem(
        key=document_key(source, "page", response.url),
        kind="page",
        url=response.url,
        title=title,
        fields={"title": title, "text": text},
    )
    return PageItem(source=source, url=response.url, body=response.body, documents=[doc])


class PageSpider(SourceSpider):
    name = "page"
    source_type = "page"

    async def start(self):
        for url in self.source.urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.request_failed)

    def parse(self, response):
        yield parse_page(response, self.source.name, self.source.selector)
