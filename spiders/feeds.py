"""Reading RSS and Atom feeds: news sites' feeds and ModernGov's `mgRss.aspx` alike."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urljoin

from lxml import etree

from core.dates import parse_http_date, parse_iso

XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)


def local_name(el) -> str:
    return etree.QName(el).localname.lower() if isinstance(el.tag, str) else ""


def child_text(el, *names: str) -> str | None:
    for child in el:
        if local_name(child) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_date(value: str | None) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, sitemaps) to an aware datetime; None if neither."""
    if not value:
        return None
    value = value.strip()
    parsed = parse_iso(value) or parse_http_date(value)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _alternate_link(el) -> str | None:
    """The `href` of an Atom `<link>` child (rel "alternate", the default)."""
    for child in el:
        if local_name(child) == "link" and child.get("rel", "alternate") == "alternate":
            if child.get("href"):
                return child.get("href")
    return None


def feed_entries(body: bytes, base_url: str) -> list[tuple[str, datetime | None]]:
    """(URL, last modified or published) for each RSS item or Atom entry, in feed order.

    Whatever the feed calls its link: RSS `<link>`, an Atom link inside an RSS item, or
    the `<guid>`. A page that is not a feed (some servers answer with HTML) has none.
    """
    try:
        root = etree.fromstring(body, XML_PARSER) if body.strip() else None
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    entries = []
    for el in root.iter():
        name = local_name(el)
        if name == "item":  # RSS 0.9x/1.0/2.0
            link = child_text(el, "link") or _alternate_link(el) or child_text(el, "guid")
            when = child_text(el, "updated", "modified") or child_text(el, "pubdate", "date")
        elif name == "entry":  # Atom
            link = _alternate_link(el)
            when = child_text(el, "updated") or child_text(el, "published")
        else:
            continue
        if link and link.strip():
            entries.append((urljoin(base_url, link.strip()), parse_date(when)))
    return entries
