"""Markup helpers every council platform's parsers share: text, URLs, dates, selectors.

Council sites are ASP.NET pages full of Word-pasted text, screen-reader duplicates and
dates printed day first; these read them the same way whichever platform prints them.
"""

from __future__ import annotations

import functools
import html
import re
from datetime import date, datetime, time
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree
from parsel import Selector
from parsel.csstranslator import css2xpath

from core.uktime import UK

# ---------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------

# Never part of a title or a text: screen-reader duplicates and file sizes (ModernGov's
# `mgHide`, `mgFileSize`), icons, scripts.
_NOISE = frozenset({"mgHide", "mgFileSize"})
_NOISE_TAGS = frozenset({"script", "style", "img", "input"})
_BLOCK = frozenset({
    "p", "div", "li", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "br", "blockquote", "section", "caption", "dd", "dt",
})  # fmt: skip
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")


def unescape_again(text: str) -> str:
    # Council sites double-escape some titles ("&amp;#39;" in the markup), which show up as
    # a literal "&#39;" once parsed; a second unescape gives what the council typed.
    return html.unescape(text) if _ENTITY.search(text) else text


def is_noise(el) -> bool:
    tag = el.tag
    if not isinstance(tag, str):
        return True  # comments, processing instructions
    if tag in _NOISE_TAGS:
        return True
    classes = el.get("class")
    return bool(classes) and not _NOISE.isdisjoint(classes.split())


def flatten(el, out: list[str]) -> None:
    """Append the text of `el` (not noise itself) to `out`, not its tail: that is its parent's.

    Newlines inside text are Word's hard wraps, not paragraph ends: only block elements end
    a line ("\n" around them), so the text's own newlines become spaces. Other runs of spaces
    are left to the caller, which collapses them once for the whole text.
    """
    block = el.tag in _BLOCK
    if block:
        out.append("\n")
    if el.text:
        out.append(el.text.replace("\n", " "))
    for child in el:
        if not is_noise(child):
            flatten(child, out)
        if child.tail:
            out.append(child.tail.replace("\n", " "))
    if block:
        out.append("\n")


def _raw_text(el) -> str:
    if el is None or is_noise(el):
        return ""
    parts: list[str] = []
    flatten(el, parts)
    return "".join(parts)


def text_of(el) -> str:
    """Readable text of an element: paragraphs on their own lines, Word's hard wraps, `&nbsp;`
    spacer paragraphs and runs of spaces collapsed, hidden text and file sizes dropped."""
    lines = [" ".join(line.split()) for line in _raw_text(el).split("\n")]
    return unescape_again("\n".join([line for line in lines if line]))


def one_line(el) -> str:
    """`text_of` on one line. Built without the lines: an entity never spans a line break,
    so collapsing all spaces before the second unescape gives the same words."""
    text = " ".join(_raw_text(el).split())
    # The unescape may bring spaces back ("&amp;nbsp;"), to be collapsed again.
    return " ".join(html.unescape(text).split()) if _ENTITY.search(text) else text


def or_none(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def yes_no(text: str | None) -> bool | None:
    word = (text or "").strip().lower()
    if word.startswith("yes"):
        return True
    if word.startswith("no"):
        return False
    return None


# ---------------------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------------------


def query_param(url: str, *names: str) -> str | None:
    """A query parameter whatever its spelling: ModernGov writes `MId`, `MID` and `mid`."""
    wanted = {n.lower() for n in names}
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key.lower() in wanted and value.strip():
            return value.strip()
    return None


def page_name(url: str) -> str:
    """The last path segment, lower-case: `ieListDocuments.aspx` -> "ielistdocuments.aspx"."""
    return urlsplit(url).path.rsplit("/", 1)[-1].lower()


# Memoised: an item's links are joined once to find pages to follow and again as documents.
absolute = functools.lru_cache(maxsize=1024)(urljoin)


# ---------------------------------------------------------------------------------------
# Dates (Europe/London)
# ---------------------------------------------------------------------------------------

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_LONG_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_TIME = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\b\.?", re.I)


def parse_date(text: str | None) -> date | None:
    """A UK date as printed: "15 January 2026", "15 Jan 2026", "15/01/2026" (always day first)."""
    if not text:
        return None
    text = text.replace("\xa0", " ")
    for pattern, order in ((_SLASH_DATE, "dmy"), (_ISO_DATE, "ymd"), (_LONG_DATE, "dMy")):
        found = pattern.search(text)
        if not found:
            continue
        a, b, c = found.groups()
        try:
            if order == "dmy":
                return date(int(c), int(b), int(a))
            if order == "ymd":
                return date(int(a), int(b), int(c))
            month = _MONTHS.get(b[:3].lower())
            if month:
                return date(int(c), month, int(a))
        except ValueError:
            continue
    return None


def parse_time(text: str | None) -> time | None:
    """ "7:30 pm", "10.00 am", "2pm", "12 noon"."""
    if not text:
        return None
    found = _TIME.search(text.replace("\xa0", " "))
    if not found:
        return time(12, 0) if re.search(r"\b(?:noon|midday)\b", text, re.I) else None
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3).lower()
    if not (1 <= hour <= 12 and minute < 60):
        return None
    hour = hour % 12 + (12 if half == "p" else 0)
    return time(hour, minute)


def iso_start(day: date | None, at: time | None) -> str | None:
    """ISO 8601; with a time, the Europe/London offset of that day (GMT or BST)."""
    if day is None:
        return None
    if at is None:
        return day.isoformat()
    return datetime.combine(day, at, tzinfo=UK).isoformat()


def iso_date(text: str | None) -> str | None:
    day = parse_date(text)
    return day.isoformat() if day else None


# ---------------------------------------------------------------------------------------
# Selectors
# ---------------------------------------------------------------------------------------


def css(query: str) -> etree.XPath:
    """A CSS selector compiled once, to the very XPath parsel evaluates for it.

    The parsers run these on the lxml elements themselves: a parsel `.css()` or `.xpath()`
    call translates or looks up its query and wraps every result in a Selector, and a meeting
    page makes hundreds of them.
    """
    return etree.XPath(css2xpath(query), smart_strings=False)


def first(found: list):
    return found[0] if found else None


def children(el: etree._Element) -> list[etree._Element]:
    # Elements only, as `./*` selects: comments and processing instructions are left out.
    return [child for child in el if isinstance(child.tag, str)]


def html_root(response) -> etree._Element:
    # The response's own selector is parsed once and cached, so the spider's link
    # extraction on the same response costs nothing more.
    sel = response.selector
    if getattr(sel, "type", "html") != "html":
        sel = Selector(text=response.text, type="html")
    return sel.root
