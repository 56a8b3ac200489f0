"""The page spider: any URL a campaign wants watched, its main content as text.

A watched page is a council consultation page, a campaign group's response, a local
party's statement: usually a CMS page with a main landmark. Its text is what a reader
sees in that landmark, with the template removed (navigation, header, footer, cookie
banners, share buttons, search forms), so that a change to the site's menu is not a
change to the page. A config `selector` narrows it further when a site needs it.

A URL that serves a PDF or Word file is watched as a document (`parse_document`).
"""

from __future__ import annotations

import re

import scrapy
from bs4 import BeautifulSoup, Tag

from spiders.base import SourceSpider, watched_url
from spiders.items import DocumentItem, PageItem, document_key
from spiders.web.article import response_text

# Parts of a page that are never its substance.
BOILERPLATE = [
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "iframe",
    "svg",
    "button",
    "select",
    "dialog",
]
# Class or id parts of template furniture on council and campaign sites. Narrower than
# the news widget list: a council's "promo" or "related" box is often the consultation
# call-out a campaign wants to watch.
TEMPLATE_TOKEN = re.compile(
    r"(?:^|[-_])(?:cookies?|consent|gdpr|cmp|skip[-_]?link|skip[-_]?to[-_]?content|"
    r"breadcrumbs?|share|sharing|social|addthis|feedback|back[-_]?to[-_]?top|"
    r"ad|ads|advert|adverts|advertisement|dfp|newsletter|weather|"
    r"comments?[-_]?(?:count|link|total|number|button|text)|commentcount)(?:[-_]|$)",
    re.I,
)
# Landmarks that hold a page's own content, most specific first.
MAIN_CANDIDATES = ["main", "[role=main]", "#main-content", "#maincontent", "#content", "article"]
# Less than this much text in a landmark means it is a stub (an empty <main> shell
# filled by scripts, a skip-link target): fall back to the whole body.
MIN_MAIN_CHARS = 200
DOCUMENT_TYPES = (
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)


BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
}


def _text_of(el: Tag) -> str:
    """Text with one line per block: a link or <strong> inside a sentence stays in it."""
    for block in el.find_all(BLOCKS):
        block.insert_before("\n")
        block.insert_after("\n")
    lines = (" ".join(line.split()) for line in el.get_text().splitlines())
    return "\n".join(line for line in lines if line)


def _is_template(el: Tag) -> bool:
    if el.name in ("html", "body", "main", "article") or el.attrs is None:
        return False
    tokens = list(el.get("class") or []) + (el.get("id") or "").split()
    if any(TEMPLATE_TOKEN.search(t) for t in tokens):
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _strip(root: Tag) -> None:
    for tag in root.find_all(BOILERPLATE):
        tag.decompose()
    for tag in root.find_all(True):
        if tag.decomposed:
            continue
        if _is_template(tag) and len(tag.get_text(" ", strip=True)) < 2000:
            tag.decompose()
    # ASP.NET sites (ModernGov among them) wrap the whole page in one <form>; only
    # small forms (search boxes, newsletter sign-ups) are template.
    for form in root.find_all("form"):
        if not form.decomposed and len(form.get_text(" ", strip=True)) < 300:
            form.decompose()


def page_text(html: str, selector: str | None = None) -> tuple[str | None, str]:
    """The page's title and the text of its main content (or of `selector`)."""
    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    title = " ".join(title.split()) if title else None
    if selector:
        found = soup.select(selector)
        if not found:
            return title, ""
        for el in found:
            _strip(el)
        return title, "\n".join(t for t in (_text_of(el) for el in found) if t)
    body = soup.body or soup
    _strip(body)
    for candidate in MAIN_CANDIDATES:
        el = body.select_one(candidate)
        if el is not None:
            text = _text_of(el)
            if len(text) >= MIN_MAIN_CHARS:
                return title, text
    return title, _text_of(body)


def is_document_response(response) -> bool:
    ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    if ctype.split(";")[0].strip() in DOCUMENT_TYPES:
        return True
    body = response.body
    # Restored 304s and careless servers give no useful Content-Type: trust the bytes.
    return body[:5] == b"%PDF-" or (body[:4] == b"PK\x03\x04" and b"word/" in body[:4096])


def parse_page(
    response, source: str, selector: str | None = None, watched: str | None = None
) -> PageItem:
    """The page as a PageItem, keyed by `watched` (the configured URL; default the URL
    fetched): a page that redirects keeps its document."""
    key_url = watched or response.url
    if is_document_response(response):
        from spiders.web.documents import parse_document

        item = parse_document(response, source, key_url)
        item.documents[0].url = _document_url(response, key_url)
        return item
    title, text = page_text(response_text(response), selector)
    doc = DocumentItem(
        key=document_key(source, "page", key_url),
        kind="page",
        url=_document_url(response, key_url),
        title=title,
        fields={"title": title, "text": text},
    )
    ctype = response.headers.get(b"Content-Type")
    return PageItem(
        source=source,
        url=response.url,
        body=response.body,
        content_type=ctype.decode("latin-1") if ctype else None,
        documents=[doc],
    )


# Redirect statuses that say the page has moved for good.
PERMANENT = (301, 308)


def moved_permanently(response) -> bool:
    return any(reason in PERMANENT for reason in response.meta.get("redirect_reasons", []))


def _document_url(response, watched: str) -> str:
    """Where the page is now if it moved for good; else the URL watched (a temporary
    redirect, to a session URL or a holding page, is not the page's address)."""
    return response.url if moved_permanently(response) else watched


class PageSpider(SourceSpider):
    name = "page"
    source_type = "page"

    async def start(self):
        for url in self.source.urls:
            # A watched URL may be a report (PDF or Word, whatever its URL looks like,
            # e.g. mgConvert2PDF.aspx?ID=...); the response guard still refuses images,
            # archives and other binaries for it.
            yield scrapy.Request(
                url,
                callback=self.parse,
                errback=self.request_failed,
                meta={"cw_documents_ok": True},
            )

    def parse(self, response):
        from spiders.web.documents import DocumentUnreadable

        watched = watched_url(response.request)
        try:
            item = parse_page(response, self.source.name, self.source.selector, watched)
        except DocumentUnreadable as exc:
            self.problem(watched, str(exc))
            return
        for doc in item.documents:
            if doc.kind == "page" and not doc.fields["text"]:
                where = f"selector {self.source.selector!r}" if self.source.selector else "page"
                self.problem(watched, f"the {where} has no text; not stored")
                return
        if moved_permanently(response):
            # Still stored under the configured URL, so its history goes on; the
            # summary says so until the config names the new address.
            self.problem(
                watched,
                f"moved permanently to {response.url}; still watched under its configured "
                "URL (put the new URL in the source's urls)",
            )
        elif watched != response.url:
            self.logger.info("%s: redirected to %s", watched, response.url)
        yield item
