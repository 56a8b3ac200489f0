"""Pages that are error or not-found pages served with "200 OK" (soft 404s).

Council CMSs, ModernGov's IIS servers and news sites often answer a missing or broken
page with a normal 200 and a page that says so. Stored, such a page would read as every
figure and sentence of the real page being removed. `error_wording` recognises one by
the wording real servers and CMSs use, in its title, its main heading, or the first
words of a short body; it returns that wording so problems and alerts can quote it.

A title or heading must *be* the error ("Page not found | Oxfordshire County Council"),
not merely mention one ("Council apologises for bin collection error"); a phrase in the
body counts only on a short page, so an article quoting "page not found" is not one.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

# Whole titles or headings (one segment of "X | Site name") that are an error page.
# From the pages real servers send: IIS ("404 - File or directory not found.",
# "HTTP Error 503. The service is unavailable.", "500 - Internal server error."),
# ASP.NET ("Server Error in '/' Application.", "Runtime Error"), nginx and Apache
# ("404 Not Found", "502 Bad Gateway"), GOV.UK-style council sites ("Page not found"),
# WordPress ("Oops! That page can't be found.", "Nothing Found"), CDNs ("Access Denied",
# "Just a moment...").
ERROR_TITLE = re.compile(
    r"^(?:"
    r"(?:http )?(?:error )?(?:404|410)(?:\.0)?(?: error)?(?: -)?(?: page)?(?: not found| file or directory not found| gone)?"
    r"|(?:error )?404:? page not found"
    r"|(?:sorry,? |oops!? )?(?:the )?page (?:was )?not found"
    r"|(?:sorry,? |oops!? )?(?:that |this |the )?page (?:cannot|can't|could not|couldn't|can not) be found"
    r"|(?:sorry,? )?we (?:can't|cannot|couldn't|could not) find (?:that|the|this) page"
    r"|not found|nothing found|file not found|document not found|page unavailable"
    r"|(?:sorry,? )?(?:this |the )?page is (?:no longer |not |un)available"
    r"|server error(?: in '[^']*' application)?|runtime error|application error"
    r"|(?:http )?(?:error )?50[0-4](?:\.\d+)?(?: -)? ?(?:internal server error|bad gateway|service (?:temporarily )?unavailable|gateway time-?out)"
    r"|internal server error|service (?:temporarily )?unavailable|bad gateway|gateway time-?out"
    r"|http error 50\d\. the service is unavailable"
    r"|(?:sorry,? )?(?:an |there was an |there has been an )?(?:unexpected )?error (?:has )?(?:occurred|occured)(?: while processing your request)?"
    r"|(?:sorry,? )?something went wrong|error|access denied|403 forbidden|forbidden"
    r"|(?:site|website) (?:is )?(?:under|down for) maintenance|just a moment(?:\.\.\.|…)?"
    r")[.!]?$",
    re.I,
)
# Phrases that say so in the body of a short page.
ERROR_PHRASE = re.compile(
    r"the page you (?:requested|were looking for|are looking for|have requested|tried to access)"
    r"(?: could not be found| cannot be found| can't be found| was not found| does not exist"
    r"| doesn't exist| (?:might|may) have been removed| has been (?:re)?moved| is no longer available)"
    r"|sorry,? we (?:can't|cannot|couldn't|could not) find (?:that|the|this) page"
    r"|we (?:can't|cannot|couldn't|could not) find the page you(?:'re| are) looking for"
    r"|that page can(?:'|no)t be found|it looks like nothing was found at this location"
    r"|the requested (?:url|page) (?:was not found|could not be found)"
    r"|the resource you are looking for (?:might have been|has been) removed"
    r"|there is a problem with the resource you are looking for"
    r"|an application error occurred on the server"
    r"|http error 50\d\. the service is unavailable"
    r"|if you typed the web address, check it is correct"
    r"|404 - file or directory not found|server error in '[^']*' application"
    r"|this page is no longer available|the service is (?:temporarily )?unavailable",
    re.I,
)
# A body longer than this is a real page, whatever phrase it quotes.
SHORT_PAGE_WORDS = 150
# Titles and headings longer than this are not an error page's.
MAX_TITLE_CHARS = 120
NOT_CONTENT = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside")
SEGMENTS = re.compile(r"\s+[|–—·:-]\s+|\s*\|\s*")
_HEADINGS = etree.XPath("//h1|//h2")
# Compiled once: `cssselect` would translate each selector again on every page.
_MAIN = tuple(
    CSSSelector(sel, translator="html")
    for sel in ("main", "[role=main]", "#main-content", "#maincontent", "#content")
)
# The words without which a page is none of these: nearly every page lacks them all and
# is not parsed. Looked for in the lower-cased text (a case-insensitive regex over a whole
# page costs milliseconds), and with the regex only where its Unicode case folding could
# find more: a dotted or dotless capital or small i.
_MAYBE_WORDS = ("found", "find", "error", "unavailable", "denied", "forbidden",
                "maintenance", "moment")  # fmt: skip
_MAYBE_NUMBER = re.compile(r"40[34]|50\d")
_MAYBE_ERROR = re.compile(
    r"found|find|error|unavailable|denied|forbidden|maintenance|moment|"
    r"not available|no longer available|40[34]|50\d",
    re.I,
)


def _maybe_error(text: str) -> bool:
    if "\u0130" in text or "\u0131" in text:
        return _MAYBE_ERROR.search(text) is not None
    low = text.lower()
    return (
        any(word in low for word in _MAYBE_WORDS)
        or "not available" in low
        or "no longer available" in low
        or _MAYBE_NUMBER.search(text) is not None
    )


HTML_TYPES = ("text/html", "application/xhtml+xml", None, "")


def _one_line(text: str | None) -> str:
    return " ".join((text or "").replace("\u2019", "'").split())


def _error_title(text: str | None) -> str | None:
    """The part of a title or heading that is an error page's ("Page not found"), or None."""
    text = _one_line(text)
    if not text or len(text) > MAX_TITLE_CHARS:
        return None
    return next(
        (p for p in [text, *SEGMENTS.split(text)] if ERROR_TITLE.match(p.strip(" ."))), None
    )


def error_wording(body: bytes | str | None, content_type: str | None = None) -> str | None:
    """The wording that makes this HTML page an error or not-found page, or None."""
    if not body:
        return None
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in HTML_TYPES:
        return None
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not _maybe_error(text):
        return None
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None
    for el in root.iter(*NOT_CONTENT):
        el.drop_tree()
    main = next((found[0] for sel in _MAIN if (found := sel(root))), None)
    words = _one_line((main if main is not None else root).text_content()).split()
    short = len(words) <= SHORT_PAGE_WORDS
    title = root.findtext(".//title")
    for heading in [title, *(h.text_content() for h in _HEADINGS(root)[:3])]:
        wording = _error_title(heading)
        # A heading alone could be a real page's ("Error"): the page must be short too,
        # or its <title> must say the same.
        if wording and (short or _error_title(title)):
            return wording
    if short:
        found = ERROR_PHRASE.search(" ".join(words[:80]).replace("\u2019", "'"))
        if found:
            return found.group(0)
    return None


def error_page_item(response, source: str):
    """An empty `PageItem` for a response that reads as an error page, else None.

    Spiders whose parser finds nothing on such a page (ModernGov's) or leaves it out (an
    article "off topic") hand it on this way instead of reporting a layout problem: the
    importer then holds back the documents this URL held, as it does for any page that
    reads as an error page.
    """
    from spiders.items import PageItem, media_type

    content_type = media_type(response)
    if not error_wording(response.body, content_type):
        return None
    return PageItem(source=source, url=response.url, body=response.body, content_type=content_type)
