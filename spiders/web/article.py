"""Pure parsers for news articles: metadata from JSON-LD and meta tags, the body from trafilatura.

A new news site should need no hand-written selectors, so nothing here names a site's
markup. Metadata is read in the order publishers are most careful with: the page's
schema.org `NewsArticle` (what Google News reads), then OpenGraph/`article:*` meta
(what social networks read, e.g. Reach plc pages without JSON-LD), then whatever
trafilatura's own metadata extraction finds. The body is trafilatura's main text, after
removing the parts of a news template that are never the story (most-read lists,
comment counters, adverts, weather, cookie notices), because trafilatura keeps a
"most read" box when it happens to sit inside the article container.

A page that is a paywall or a consent wall is not an article: `ArticleRefused` says
which, so the spider reports it instead of archiving the wall as the story.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from scrapy.http import HtmlResponse, TextResponse

from core.dates import parse_iso
from core.uktime import UK
from spiders.hosts import host_of
from spiders.items import DocumentItem, PageItem, document_key, page_of
from storage.topics import matching_topics

ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "LiveBlogPosting",
    "BlogPosting",
    "Report",
}

# Article URL shapes, as data: Newsquest titles (Oxford Mail, Bucks Free Press, ...)
# publish `/{section}/{numericId}.{slug}/` (moderngov.md, appendix A); Reach plc titles
# end the slug with `-{numericId}`. Only these shapes go into the parser registry: a
# generic pattern there would claim every URL and starve the page parser.
# The slug has at least one hyphen, so a council's `/downloads/file/12345.pdf` is not one.
NEWSQUEST_ARTICLE = re.compile(
    r"^https?://[^/]+/(?:[a-z0-9-]+/)+\d{5,}\.[a-z0-9]+(?:-[a-z0-9]+)+/?(?:[?#].*)?$"
)
REACH_ARTICLE = re.compile(
    r"^https?://(?:www\.)?(?:examinerlive|birminghammail|manchestereveningnews|liverpoolecho|"
    r"mirror|express|chroniclelive|walesonline|bristolpost|nottinghampost|derbytelegraph|"
    r"leicestermercury|stokesentinel|hulldailymail|plymouthherald|cambridge-news|"
    r"getsurrey|kentlive|essexlive|gloucestershirelive|somersetlive|devonlive|cornwalllive|"
    r"lincolnshirelive|grimsbytelegraph|coventrytelegraph|getreading|buckinghamshirelive|"
    r"hertfordshiremirror|bedfordshirelive|dailypost|belfastlive|mylondon|dailyrecord|"
    r"football\.london)\.co\.uk/(?:[a-z0-9-]+/)+[a-z0-9-]+-\d{6,}(?:[?#].*)?$"
)
# Any other site: a path ending in a long number or a slug of at least four words is
# probably a story rather than a section, tag or author page. Used only to pick links
# from a start page, never for the registry.
GENERIC_ARTICLE_PATH = re.compile(
    r"(?:\d{5,}[./-][a-z0-9-]+/?$|[-/]\d{6,}/?$|/[a-z0-9]+(?:-[a-z0-9]+){3,}/?$|\.html?$)"
)
NOT_ARTICLE_PATH = re.compile(
    r"/(?:tag|tags|topic|topics|author|authors|profile|search|login|register|subscribe|"
    r"my|account|advertising|contact|about|terms|privacy|cookies?|jobs|rss)(?:/|$)",
    re.I,
)

# Class or id tokens of the template parts that are never the story. Tokens are
# matched on their hyphen/underscore-separated parts ("most-read-block", "dfp_ad_slot",
# "comment-text-container"), so an `article-body` or `header` is never taken for `ad`.
WIDGET_TOKEN = re.compile(
    r"(?:^|[-_])(?:most[-_]?(?:read|popular|viewed|commented|shared)|mostread|mostpopular|"
    r"popular|trending|related|recommended|read[-_]?more|more[-_]?stories|"
    r"newsletter|signup|sign[-_]up|cookies?|consent|gdpr|cmp|"
    r"ad|ads|advert|adverts|advertisement|dfp|gpt|taboola|outbrain|teads|sponsored|promo|"
    r"weather|comments?[-_]?(?:count|link|total|number|button|text)|commentcount|"
    r"social|share|sharing|breadcrumbs?|byline|author[-_]?(?:name|bio|info|details)|"
    r"article[-_]timestamp|article[-_]tags)(?:[-_]|$)",
    re.I,
)
# Lines that are a widget's heading or counter even when its markup gave nothing away.
WIDGET_LINE = re.compile(
    r"^(?:most (?:read|popular|viewed|commented)|trending(?: now)?|popular|advertisement|"
    r"advert|sponsored|read more|related (?:articles|stories)|more stories|"
    r"\d+\s*comments?|comments?|share this (?:article|story)|sign up to our newsletter)$",
    re.I,
)
# Elements never removed by the widget rule, whatever their classes say.
KEEP_TAGS = {"html", "body", "main", "article"}

PAYWALL_PHRASES = (
    "subscribe to continue reading",
    "subscribe to read",
    "subscribe to keep reading",
    "this article is for subscribers",
    "this article is only available to subscribers",
    "available to subscribers only",
    "exclusive to subscribers",
    "premium content",
    "already a subscriber",
    "to continue reading this article",
    "to read the full article",
    "log in to continue reading",
    "sign in to continue reading",
)
CONSENT_PHRASES = (
    "we value your privacy",
    "before you continue",
    "your privacy choices",
    "accept all cookies",
    "accept all",
    "reject all",
    "manage preferences",
    "manage my preferences",
    "consent to the use of cookies",
    "we and our partners",
    "we use cookies",
    "cookie settings",
)
# A real story is longer than the teaser a wall leaves behind.
WALL_BODY_CHARS = 1000


class ArticleRefused(ValueError):
    """The page is not an article we can store: a paywall, a consent wall, or no story."""


@dataclass
class Article:
    canonical: str
    headline: str | None
    byline: str | None
    published: str | None
    modified: str | None
    section: str | None
    body: str
    description: str | None = None


# -- metadata -------------------------------------------------------------------------


def _json_ld_objects(tree) -> Iterable[dict]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            # Templates sometimes leave a trailing comma or a stray control character.
            try:
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
            except ValueError:
                continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            obj = stack.pop(0)
            if isinstance(obj, list):
                stack.extend(obj)
            elif isinstance(obj, dict):
                yield obj
                if isinstance(obj.get("@graph"), list):
                    stack.extend(obj["@graph"])


def _types(obj: dict) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def news_article_json_ld(tree) -> dict | None:
    for obj in _json_ld_objects(tree):
        if _types(obj) & ARTICLE_TYPES:
            return obj
    return None


def _plain(value: str) -> str:
    """A JSON-LD or meta string as a reader sees it: publishers print HTML entities in them
    (`children&#x27;s` in JSON-LD, `&amp;#39;` in a meta tag), which no parser decodes."""
    if "&" in value:
        value = html.unescape(value)
    return " ".join(value.split())


def _text(value) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("name")
    if not isinstance(value, str):
        return None
    value = _plain(value)
    return value or None


def _author_names(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = []
    for v in values:
        name = v.get("name") if isinstance(v, dict) else v
        if isinstance(name, str) and name.strip() and not _is_url(name):
            names.append(_plain(name))
    return names


def _is_url(value: str) -> bool:
    return value.strip().startswith(("http://", "https://", "/"))


def _meta(tree, *names: str) -> str | None:
    """The first non-empty meta content among `property=` / `name=` / `itemprop=` names."""
    for name in names:
        for attr in ("property", "name", "itemprop"):
            for content in tree.xpath(f'//meta[@{attr}="{name}"]/@content'):
                content = _plain(content)
                if content:
                    return content
    return None


def iso_time(value: str | None) -> str | None:
    """ISO 8601 in Europe/London time, as docs/interface.md asks; a bare date stays a date."""
    if not value:
        return None
    value = value.strip()
    parsed = parse_iso(value)
    if parsed is None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value).isoformat()
        import dateparser

        parsed = dateparser.parse(
            value,
            languages=["en"],
            settings={
                "DATE_ORDER": "DMY",
                "TIMEZONE": "Europe/London",
                "RETURN_AS_TIMEZONE_AWARE": True,
            },
        )
        if parsed is None:
            return None
    if len(value) == 10 and "T" not in value:
        return parsed.date().isoformat()
    if parsed.tzinfo is None:
        # A time without an offset on a UK news site is UK local time.
        parsed = parsed.replace(tzinfo=UK)
    return parsed.astimezone(UK).isoformat()


def canonical_url(tree, response_url: str, ld: dict | None, hosts=None) -> str:
    """<link rel=canonical>, then og:url, then the JSON-LD url, then the URL fetched, cleaned.

    A canonical URL on another host than the page's (or than the source's `hosts`) is
    not believed: a syndicated copy or a careless template would make different pages
    one document. The URL fetched is the key then."""
    own = {host_of(response_url), *(hosts or ())}
    candidates = [
        *tree.xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href'),
        _meta(tree, "og:url"),
        _text((ld or {}).get("url")),
        _text((ld or {}).get("mainEntityOfPage")),
    ]
    for candidate in candidates:
        if candidate and candidate.strip():
            url = urljoin(response_url, candidate.strip())
            if url.startswith(("http://", "https://")) and host_of(url) in own:
                return clean_url(url)
    return clean_url(response_url)


def clean_url(url: str) -> str:
    """Without fragment or tracking parameters, so one story has one key."""
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (k.startswith(("utm_", "fbclid", "gclid")) or k in ("ref", "icid", "int_source"))
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def section_from_url(url: str) -> str | None:
    if NEWSQUEST_ARTICLE.match(url):
        return urlsplit(url).path.strip("/").split("/")[0] or None
    return None


# -- body ---------------------------------------------------------------------------


def _holds_story(el) -> bool:
    """A container with several long paragraphs is the story, whatever one class says
    (e.g. `<div class="content ad-free">` around everything)."""
    return len(el.xpath(".//p[string-length(normalize-space()) > 150]")) >= 3


def _remove_widgets(tree) -> None:
    for el in tree.xpath("//*[@class or @id]"):
        if el.tag in KEEP_TAGS or el.getparent() is None:
            continue
        tokens = (el.get("class") or "").split() + (el.get("id") or "").split()
        if any(WIDGET_TOKEN.search(t) for t in tokens) and not _holds_story(el):
            el.drop_tree()
    for el in tree.xpath("//aside|//nav|//footer|//form|//iframe|//noscript|//template"):
        if el.getparent() is not None:
            el.drop_tree()


def article_body(tree, url: str) -> str:
    """The story's text, paragraphs separated by blank lines."""
    import trafilatura  # imported when used: the spider loader imports every spider module

    _remove_widgets(tree)
    html = lxml.html.tostring(tree, encoding="unicode")
    text = trafilatura.extract(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        # No `deduplicate`: it remembers text across calls in the process and would
        # return nothing the second time the same story is parsed.
        deduplicate=False,
    )
    if not text:
        return ""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line and not WIDGET_LINE.match(line))


# -- the article --------------------------------------------------------------------


def response_text(response) -> str:
    """The decoded body; one Scrapy could not type as text (no Content-Type) is read as HTML."""
    if isinstance(response, TextResponse):
        return response.text
    headers = {k: v for k, v in response.headers.items() if k.lower() != b"content-length"}
    return HtmlResponse(url=response.url, body=response.body, headers=headers).text


def _tree(response):
    text = response_text(response)
    tree = lxml.html.fromstring(text) if text.strip() else None
    if tree is None:
        raise ArticleRefused("empty page")
    return tree


def extract_article(response, hosts=None) -> Article:
    """Headline, byline, times, section, canonical URL and body of the article at `response`.

    `hosts`: the source's hosts, where its canonical URL may be (see `canonical_url`)."""
    tree = _tree(response)
    ld = news_article_json_ld(tree) or {}
    canonical = canonical_url(tree, response.url, ld or None, hosts)

    headline = (
        _text(ld.get("headline"))
        or _meta(tree, "og:title", "twitter:title")
        or _text(tree.findtext(".//h1"))
        or _text(tree.findtext(".//title"))
    )
    authors = _author_names(ld.get("author"))
    if not authors:
        meta_author = _meta(tree, "author", "article:author", "parsely-author", "sailthru.author")
        if meta_author and not _is_url(meta_author):
            authors = [meta_author]
    published = iso_time(
        _text(ld.get("datePublished"))
        or _meta(tree, "article:published_time", "datePublished", "pubdate", "date")
        or _first(tree.xpath("//time[@itemprop='datePublished']/@datetime"))
    )
    modified = iso_time(
        _text(ld.get("dateModified"))
        or _meta(tree, "article:modified_time", "dateModified", "og:updated_time")
    )
    section = (
        _text(ld.get("articleSection"))
        or _meta(tree, "article:section", "og:section")
        or section_from_url(canonical)
    )
    description = _text(ld.get("description")) or _meta(tree, "og:description", "description")

    walled = _wall(tree, ld)
    body = article_body(tree, response.url)
    if walled and len(body) < WALL_BODY_CHARS:
        raise ArticleRefused(walled)

    if not (authors and published):
        # Only now ask trafilatura's metadata extractor: it parses the page again.
        import trafilatura

        meta = trafilatura.extract_metadata(response_text(response), default_url=response.url)
        if meta is not None:
            if not authors and meta.author:
                authors = [a.strip() for a in meta.author.split(";") if a.strip()]
            published = published or iso_time(meta.date)
            section = section or (meta.categories[0] if meta.categories else None)

    return Article(
        canonical=canonical,
        headline=headline,
        byline=", ".join(dict.fromkeys(authors)) or None,
        published=published,
        modified=modified,
        section=section,
        body=body,
        description=description,
    )


def _first(values):
    return values[0] if values else None


def _wall(tree, ld: dict) -> str | None:
    """'paywall: ...' or 'consent wall: ...' when the page says so, else None.

    Only the page's own text counts: a site header's "Subscribe" or "Already a
    subscriber? Log in" and a footer's "Cookie settings" are on every page. A consent
    notice shown over a real article (which carries its article metadata) is not a wall.
    """
    free = ld.get("isAccessibleForFree")
    if free is False or (isinstance(free, str) and free.strip().lower() == "false"):
        return "paywall: the article is marked as not free to read (isAccessibleForFree: false)"
    template = "ancestor::header or ancestor::nav or ancestor::footer or ancestor::aside"
    visible = " ".join(
        " ".join(t.split())
        for t in tree.xpath(
            f"//body//text()[not(ancestor::script) and not(ancestor::style) and not({template})]"
        )
    ).lower()
    visible = visible.replace("\u2019", "'")
    for phrase in PAYWALL_PHRASES:
        if phrase in visible:
            return f"paywall: the page asks readers to subscribe ({phrase!r})"
    if ld:
        return None
    hits = [phrase for phrase in CONSENT_PHRASES if phrase in visible]
    # One phrase alone is a cookie notice ("we use cookies"); a wall says several things.
    if len(hits) >= 2:
        return f"consent wall: the page asks for cookie consent ({hits[0]!r})"
    return None


def parse_article(
    response,
    source: str,
    keywords_by_topic: Mapping[str, Iterable[str]] | None = None,
    hosts: Iterable[str] | None = None,
) -> PageItem | None:
    """The article as a PageItem; None when it matches none of the source's topics.

    `keywords_by_topic` is the source's topics with their keywords; None or empty keeps
    every article (the registry and `councilwatch compare` parse without a topic filter).
    `hosts`: the source's hosts, where the article's canonical URL (its key) may be.
    Raises `ArticleRefused` for a paywall, a consent wall, or a page with no story.
    """
    article = extract_article(response, hosts)
    if not article.headline:
        raise ArticleRefused("no headline found (is this an article page?)")
    if not article.body:
        raise ArticleRefused("no article text found (is this an article page?)")
    topics: list[str] = []
    if keywords_by_topic:
        text = "\n".join(filter(None, [article.headline, article.description, article.body]))
        topics = matching_topics(text, keywords_by_topic)
        if not topics:
            return None
    doc = DocumentItem(
        key=document_key(source, "article", article.canonical),
        kind="article",
        url=article.canonical,
        title=article.headline,
        fields={
            "headline": article.headline,
            "byline": article.byline,
            "published": article.published,
            "modified": article.modified,
            "section": article.section,
            "body": article.body,
            "topics": topics,
        },
    )
    return page_of(response, source, [doc])


def looks_like_article(response) -> bool:
    """A page that declares itself an article (JSON-LD or og:type), whatever its URL."""
    try:
        tree = _tree(response)
    except (ArticleRefused, ValueError):
        return False
    if news_article_json_ld(tree):
        return True
    return (_meta(tree, "og:type") or "").lower() == "article"


def is_article_url(url: str) -> bool:
    if NEWSQUEST_ARTICLE.match(url) or REACH_ARTICLE.match(url):
        return True
    path = urlsplit(url).path
    return bool(GENERIC_ARTICLE_PATH.search(path)) and not NOT_ARTICLE_PATH.search(path)


def _registry_parse(response, source: str) -> PageItem:
    """For `councilwatch compare`: no topic filter, and a saved wall or non-article at an
    article-shaped URL is compared as a plain page rather than failing."""
    try:
        return parse_article(response, source)
    except ArticleRefused:
        from spiders.web.page import parse_page

        return parse_page(response, source)


PARSERS = [(NEWSQUEST_ARTICLE, _registry_parse), (REACH_ARTICLE, _registry_parse)]
