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
from functools import lru_cache

import scrapy
from lxml import etree
from parsel.csstranslator import css2xpath

from spiders.base import SourceSpider, watched_url
from spiders.items import DocumentItem, PageItem, document_key
from spiders.web.article import response_text

# Parts of a page that are never its substance.
BOILERPLATE = frozenset({
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "iframe",
    "svg", "button", "select", "dialog",
})  # fmt: skip
# Class or id parts of template furniture on council and campaign sites. Narrower than
# the news widget list: a council's "promo" or "related" box is often the consultation
# call-out a campaign wants to watch.
TEMPLATE_TOKEN = re.compile(
    r"(?:^|[-_])(?:cookies?|consent|gdpr|cmp|skip[-_]?link|skip[-_]?to[-_]?content|"
    r"breadcrumbs?|share|sharing|social|addthis|feedback|back[-_]?to[-_]?top|"
    r"ad|ads|advert|adverts|advertisement|dfp|newsletter|weather|"
    r"comments?[-_]?(?:count|link|total|number|button|text)|commentcount|"
    # Counters and widgets: likes, shares, views, followers, reactions, "most read" lists.
    # Compound names only: Drupal's content lists are `view`/`views-row`, which stay.
    r"likes?|likes?[-_]?(?:count|counter|total|number|button|box|page|this)|fb[-_]?like|"
    r"shares?[-_]?(?:count|counter|total|number)|sharecount|likecount|"
    r"(?:page[-_]?)?views?[-_]?(?:count|counter|total|number)|viewcount|pageviews|"
    r"followers?(?:[-_]?(?:count|counter|total|number))?|reactions?|"
    r"most[-_]?(?:read|popular|viewed|shared|commented)|mostread|mostpopular|trending|"
    r"popular[-_]?(?:posts|stories|articles|news|content))(?:[-_]|$)",
    re.I,
)
# The same names searched once in an element's class and id joined by spaces.
_TEMPLATE_NAMES = re.compile(
    TEMPLATE_TOKEN.pattern.replace("(?:^|[-_])", r"(?:^|[-_\s])", 1)[: -len("(?:[-_]|$)")]
    + r"(?:[-_\s]|$)",
    re.I,
)
_ATTRIBUTED = etree.XPath(".//*[@class or @id or @hidden or @aria-hidden or @style]")
# Furniture found by its wording, whatever its markup: NationBuilder's "Do you like this
# page?" box, "30 people like this", "Be the first to like this", and an element that
# holds nothing but a social counter ("1.2k views", "45 shares"). A petition's "1,234
# signatures" is none of these and stays.
FURNITURE_WORDS = re.compile(
    r"^(?:do you like this (?:page|post)\??|be the first to like this\.?|"
    r"(?:[\d,.]+[km]?|one|no one|nobody)\s+(?:people|person|others?)\s+likes? this\.?|"
    r"[\d,.]+\s*[km]?\s+(?:likes?|shares?|comments?|views?|followers?|retweets?|reactions?)|"
    r"(?:likes?|shares?|comments?|views?|followers?)\s*:?\s*[\d,.]+\s*[km]?|"
    r"most (?:read|popular|viewed|shared|commented)|trending(?: now)?|popular (?:posts|stories))$",
    re.I,
)
# Wording furniture is a small widget: never a block with more text than this.
FURNITURE_MAX_CHARS = 300
# A list of links headed "Most read" (or "Trending"...) is a widget as a whole: the heading's
# box, or the heading and the list after it, up to this much text.
_LIST_HEADING = re.compile(
    r"^(?:most (?:read|popular|viewed|shared|commented)|trending|popular)", re.I
)
LIST_WIDGET_MAX_CHARS = 1500
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "strong", "b", "span", "div"})
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


BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main",
    "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
})  # fmt: skip
# Elements that can frame a furniture widget found by its wording: the widget is the
# smallest of these around the words.
_WIDGET_FRAMES = BLOCKS | {"span", "a", "strong", "em", "b", "small", "label"}
_NEVER_TEMPLATE = frozenset({"html", "body", "main", "article"})


# The page is parsed once, by lxml, and read without changing the tree: what the template
# removes is a set of elements the walks below skip (with their subtrees; the text after a
# skipped element, its tail, is its parent's and stays).
Removed = set


def _children(el):
    return [child for child in el if isinstance(child.tag, str)]


def _pieces(el, removed: Removed, out: list[str]) -> None:
    """The text nodes under `el` in reading order, as separate pieces (the text of an
    element, then each child's content and the child's tail)."""
    if el.text:
        out.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and child not in removed:
            _pieces(child, removed, out)
        if child.tail:
            out.append(child.tail)


def _stripped_len(el, removed: Removed) -> int:
    """The length of the element's words joined by one space per text node, as measured
    against the template limits below."""
    pieces: list[str] = []
    _pieces(el, removed, pieces)
    words = [p.strip() for p in pieces]
    words = [w for w in words if w]
    return sum(map(len, words)) + max(len(words) - 1, 0)


def _blocks_text(el, removed: Removed, out: list[str], top: bool) -> None:
    block = not top and el.tag in BLOCKS
    if block:
        out.append("\n")
    if el.text:
        out.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and child not in removed:
            _blocks_text(child, removed, out, False)
        if child.tail:
            out.append(child.tail)
    if block:
        out.append("\n")


def _text_of(el, removed: Removed) -> str:
    """Text with one line per block: a link or <strong> inside a sentence stays in it."""
    parts: list[str] = []
    _blocks_text(el, removed, parts, True)
    lines = (" ".join(line.split()) for line in "".join(parts).splitlines())
    return "\n".join(line for line in lines if line)


@lru_cache(maxsize=4096)
def _template_names(names: str) -> bool:
    # Sites repeat the same few class strings on thousands of elements.
    return _TEMPLATE_NAMES.search(names) is not None


def _is_template(el) -> bool:
    if el.tag in _NEVER_TEMPLATE:
        return False
    names = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    if names and _template_names(names):
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _live(el, root, removed: Removed) -> bool:
    """Whether `el` (inside `root`) is still part of the text: not removed, nor inside
    something removed."""
    while el is not None and el is not root:
        if el in removed:
            return False
        el = el.getparent()
    return el is root


_WIDGET_WORDS = re.compile(
    r"like|share|comment|view|follower|retweet|reaction|most|trending|popular", re.I
)


_WORDS = etree.XPath("normalize-space()")
_SHORT_TEXTS = etree.XPath(".//text()[normalize-space()][string-length(.) < 80]")


def _short_texts(root):
    """(element holding the text, text) for each short text with a widget's word in it:
    an element's own text, or the text after a child (held by the child's parent)."""
    for piece in _SHORT_TEXTS(root):
        if _WIDGET_WORDS.search(piece):
            holder = piece.getparent()
            if piece.is_tail:
                holder = holder.getparent()
            if holder is not None:
                yield holder, str(piece)


def _frame(el, root):
    """The smallest element around `el` that can hold a widget, or None."""
    while el is not None and el is not root and el.tag not in _WIDGET_FRAMES:
        el = el.getparent()
    if el is None or el is root or el.tag in _NEVER_TEMPLATE:
        return None
    return el


def _furniture(root, removed: Removed) -> None:
    """Widgets found by their wording, whatever their markup: the smallest frame around
    the words, if it is small. Counters in tables (a consultation's results) stay."""
    found = []
    for holder, piece in _short_texts(root):
        if "like this" in piece.lower():
            found.append(holder)
            continue
        # The counter may be split over elements ("<b>30</b> likes"): up a few levels while
        # the words stay short.
        for _ in range(3):
            if holder is None or holder is root or holder.tag in _NEVER_TEMPLATE:
                break
            words = " ".join(_WORDS(holder).split())
            if len(words) > 40:
                break
            if FURNITURE_WORDS.match(words):
                found.append(holder)
                break
            holder = holder.getparent()
    for el in found:
        frame = _frame(el, root)
        if frame is None or next(frame.iterancestors("table"), None) is not None:
            continue
        # "Do you like this page?" heads a box holding the button and the count: the box.
        text = " ".join(_WORDS(frame).split()).lower()
        if text.startswith("do you like") and frame.getparent() is not None:
            box = _frame(frame.getparent(), root)
            if box is not None and _stripped_len(box, removed) <= FURNITURE_MAX_CHARS:
                frame = box
        if _LIST_HEADING.match(text) and frame.tag in _HEADINGS:
            _list_widget(frame, root, removed)
            continue
        if _stripped_len(frame, removed) <= FURNITURE_MAX_CHARS:
            removed.add(frame)


def _list_widget(heading, root, removed: Removed) -> None:
    """A "Most read" heading: with its box if the box is that widget alone, else with the
    list that follows it."""
    box = heading.getparent()
    if (box is not None and box is not root and box.tag not in _NEVER_TEMPLATE
            and _stripped_len(box, removed) <= LIST_WIDGET_MAX_CHARS):  # fmt: skip
        removed.add(box)
        return
    removed.add(heading)
    following = heading.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    if (
        following is not None
        and following.tag in ("ul", "ol", "div")
        and (_stripped_len(following, removed) <= LIST_WIDGET_MAX_CHARS)
    ):
        removed.add(following)


def _strip(root, removed: Removed) -> None:
    """Mark the template inside `root` as removed, in the order that decides what counts:
    boilerplate elements, then template furniture by class, id or hiding (measured without
    the boilerplate), then furniture by its wording, then small forms. (Marking an element
    already inside a removed one changes nothing, so no element is checked for that.)"""
    removed.update(root.iter(*BOILERPLATE))
    removed.discard(root)
    for el in _ATTRIBUTED(root):
        if _is_template(el) and _stripped_len(el, removed) < 2000:
            removed.add(el)
    _furniture(root, removed)
    # ASP.NET sites (ModernGov among them) wrap the whole page in one <form>; only
    # small forms (search boxes, newsletter sign-ups) are template.
    for form in root.iter("form"):
        if form is not root and _stripped_len(form, removed) < 300:
            removed.add(form)


@lru_cache(maxsize=64)
def _select(selector: str) -> etree.XPath:
    return etree.XPath(css2xpath(selector))


def _parse(html: str):
    """The page's tree, or None for an empty page."""
    # Browsers drop a NUL from a page's text. libxml2 before 2.13 (lxml 5) ends the page
    # at one, silently, and later versions read it as U+FFFD.
    html = html.replace("\x00", "")
    if not html.strip():
        return None
    parser = _PARSER
    try:
        root = etree.fromstring(html, parser)
    except ValueError:
        # A str that still declares its encoding (`<?xml ... encoding=...?>`): as bytes.
        parser = _UTF8_PARSER
        root = etree.fromstring(html.encode("utf-8", "replace"), parser)
    if root is None or any(e.level == _FATAL for e in parser.error_log):
        # libxml2 gave up part way (more than 256 elements open at once, as a page of
        # unclosed <div>s or <font>s soon has): everything after that point is missing.
        # BeautifulSoup reads any markup to its end; lxml.html.soupparser builds the same
        # kind of tree from it.
        try:
            return _soup_parse(html)
        except RecursionError:
            # Nested past Python's recursion limit (soupparser and the walks below are
            # recursive): what libxml2 read is the most that can be read.
            return root
    return root


def _soup_parse(html: str):
    from lxml.html import soupparser

    # An lxml tree cannot hold the C0 controls XML forbids; browsers show nothing for them.
    return soupparser.fromstring(_XML_INVALID.sub("", html))


# lxml's own elements, not lxml.html's: the page is only read, and the class lookup of
# lxml.html costs more than the parse.
_PARSER = etree.HTMLParser()
_UTF8_PARSER = etree.HTMLParser(encoding="utf-8")
_FATAL = etree.ErrorLevels.FATAL
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def page_text(html: str, selector: str | None = None) -> tuple[str | None, str]:
    """The page's title and the text of its main content (or of `selector`)."""
    root = _parse(html)
    if root is None:
        return None, ""
    title_el = next(root.iter("title"), None)
    title = None
    if title_el is not None:
        words = [piece.strip() for piece in title_el.itertext()]
        title = " ".join(" ".join(w for w in words if w).split()) or None
    removed: Removed = set()
    if selector:
        # Never what a template element holds: browsers do not render it.
        found = [
            el for el in _select(selector)(root) if next(el.iterancestors("template"), None) is None
        ]
        if not found:
            return title, ""
        for el in found:
            if _live(el, root, removed):
                _strip(el, removed)
        texts = (_text_of(el, removed) if _live(el, root, removed) else "" for el in found)
        return title, "\n".join(t for t in texts if t)
    body = next(root.iter("body"), None)
    if body is None:
        body = root
    _strip(body, removed)
    for candidate in MAIN_CANDIDATES:
        for el in _select(candidate)(body):
            if el is not body and _live(el, body, removed):
                text = _text_of(el, removed)
                if len(text) >= MIN_MAIN_CHARS:
                    return title, text
                break
    return title, _text_of(body, removed)


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
    # Each watched URL is one request of its own: at `delay_seconds = 0` they go out as
    # fast as `concurrency` allows, not spaced by AutoThrottle (spiders/throttle.py).
    unspaced_at_zero_delay = True

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
            # summary says so until the config names the new address. The page was
            # read, so it is a notice, not a problem: URL health must not call it failing.
            self.notice(
                watched,
                f"moved permanently to {response.url}; still watched under its configured "
                "URL (put the new URL in the source's urls)",
            )
        elif watched != response.url:
            self.logger.info("%s: redirected to %s", watched, response.url)
        yield item
