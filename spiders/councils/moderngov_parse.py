"""Pure parsers for ModernGov (Civica Modern.Gov) pages: one set of functions for every council.

The spider (`spiders/councils/moderngov.py`) and `councilwatch compare` call exactly these
functions, so a saved page parses the same way as in a crawl. Two families:

* **Document pages** (listed in `PARSERS`) return a `ModernGovPage`, the `PageItem` the crawl
  stores, plus `follow` (pages holding more documents) and `problems` (layout trouble):
  `ieListDocuments` (meeting + agenda items), `mgAi` (one agenda item, full minutes),
  `ieDecisionDetails` (decision), `ieIssueDetails` (issue history), and the web service's
  `GetMeeting` XML.
* **Discovery pages** return plain lists of ids / URLs and are never stored: GetCommittees,
  GetMeetings, the committee structure, ieListMeetings, the month calendar, the decision
  lists, the RSS feeds.

Markup notes (docs/moderngov.md): selectors anchor on ModernGov's own `mg*` classes inside
`#modgov`, never on the council's page template; hidden screen-reader text (`.mgHide`) and
file sizes (`.mgFileSize`) are dropped from titles; Word-pasted text is re-flowed.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree
from parsel import Selector
from parsel.csstranslator import css2xpath

from core.uktime import UK
from spiders.feeds import feed_entries
from spiders.items import DocumentItem, PageItem, document_key


@dataclass
class ModernGovPage(PageItem):
    """A stored page, plus what the spider needs to go on (never stored itself)."""

    follow: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Agenda items whose minutes this page cuts short, each with the `mgAi.aspx` URL that
    # completes it: everything but the full minutes is here, so the crawl takes the item to
    # that page (`parse_agenda_item(..., item=)`) and stores it from there, whole.
    incomplete: list[tuple[str, DocumentItem]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------

# Never part of a title or a text: screen-reader duplicates, file sizes, icons, scripts.
_NOISE = frozenset({"mgHide", "mgFileSize"})
_NOISE_TAGS = frozenset({"script", "style", "img", "input"})
_BLOCK = frozenset({
    "p", "div", "li", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "br", "blockquote", "section", "caption", "dd", "dt",
})  # fmt: skip
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")


def _unescape_again(text: str) -> str:
    # ModernGov double-escapes some titles ("&amp;#39;" in the markup), which show up as a
    # literal "&#39;" once parsed; a second unescape gives what the council typed.
    return html.unescape(text) if _ENTITY.search(text) else text


def _is_noise(el) -> bool:
    tag = el.tag
    if not isinstance(tag, str):
        return True  # comments, processing instructions
    if tag in _NOISE_TAGS:
        return True
    classes = el.get("class")
    return bool(classes) and not _NOISE.isdisjoint(classes.split())


def _flatten(el, out: list[str]) -> None:
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
        if not _is_noise(child):
            _flatten(child, out)
        if child.tail:
            out.append(child.tail.replace("\n", " "))
    if block:
        out.append("\n")


def _raw_text(el) -> str:
    if el is None or _is_noise(el):
        return ""
    parts: list[str] = []
    _flatten(el, parts)
    return "".join(parts)


def text_of(el) -> str:
    """Readable text of an element: paragraphs on their own lines, Word's hard wraps, `&nbsp;`
    spacer paragraphs and runs of spaces collapsed, hidden text and file sizes dropped."""
    lines = [" ".join(line.split()) for line in _raw_text(el).split("\n")]
    return _unescape_again("\n".join([line for line in lines if line]))


def _one_line(el) -> str:
    """`text_of` on one line. Built without the lines: an entity never spans a line break,
    so collapsing all spaces before the second unescape gives the same words."""
    text = " ".join(_raw_text(el).split())
    # The unescape may bring spaces back ("&amp;nbsp;"), to be collapsed again.
    return " ".join(html.unescape(text).split()) if _ENTITY.search(text) else text


def _or_none(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


# ---------------------------------------------------------------------------------------
# URLs and ids
# ---------------------------------------------------------------------------------------


def query_param(url: str, *names: str) -> str | None:
    """A query parameter whatever its spelling: ModernGov writes `MId`, `MID` and `mid`."""
    wanted = {n.lower() for n in names}
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key.lower() in wanted and value.strip():
            return value.strip()
    return None


def page_name(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1].lower()


_ATTACHMENT = re.compile(r"/documents/s(\d+)/", re.I)


def attachment_id(url: str) -> str | None:
    """The attachment id of a linked report: `documents/s{id}/…` or `mgConvert2PDF.aspx?ID=`."""
    found = _ATTACHMENT.search(urlsplit(url).path)
    if found:
        return found.group(1)
    if page_name(url) == "mgconvert2pdf.aspx":
        return query_param(url, "ID")
    return None


def _is_document_link(url: str) -> bool:
    name = page_name(url)
    return (
        "/documents/" in urlsplit(url).path.lower()
        or name in ("mgconvert2pdf.aspx", "mgchoosedocpack.aspx")
        or name.endswith((".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt"))
    )


# Memoised: an item's links are joined once to find pages to follow and again as documents.
_absolute = functools.lru_cache(maxsize=1024)(urljoin)


def _link(anchor, base: str) -> dict | None:
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith(("mailto:", "javascript:", "#")):
        return None
    url = _absolute(base, href)
    return {"title": _or_none(_one_line(anchor)), "url": url, "id": attachment_id(url)}


def _document_links(anchors, base: str) -> list[dict]:
    links, seen = [], set()
    for anchor in anchors:
        link = _link(anchor, base)
        if link and _is_document_link(link["url"]) and link["url"] not in seen:
            seen.add(link["url"])
            links.append(link)
    return links


def meeting_url(base: str, mid: str, cid: str | None = None) -> str:
    """One spelling of every meeting page URL, so a meeting is fetched (and stored) once."""
    if cid:
        return urljoin(base, f"ieListDocuments.aspx?CId={cid}&MId={mid}&Ver=4")
    return urljoin(base, f"ieListDocuments.aspx?MId={mid}&Ver=4")


def agenda_item_url(base: str, aiid: str) -> str:
    return urljoin(base, f"mgAi.aspx?ID={aiid}")


def decision_url(base: str, ident: str) -> str:
    return urljoin(base, f"ieDecisionDetails.aspx?ID={ident}")


def issue_url(base: str, iid: str) -> str:
    # The "Issue - meetings" view: every meeting the issue went to, with item and decision.
    return urljoin(base, f"ieIssueDetails.aspx?IId={iid}&PlanId=0&Opt=3")


def canonical(url: str, base: str | None = None) -> str | None:
    """The URL the crawl uses for a page that holds documents, whatever link led to it.

    Built on `base` (the council's base URL) when given: feeds and older pages link with
    absolute URLs whose scheme or host spelling may differ from the configured one.
    """
    base = base or url
    name = page_name(url)
    if name in ("ielistdocuments.aspx", "mglistdocuments.aspx"):
        mid = query_param(url, "MId", "MeetingId")
        return meeting_url(base, mid, query_param(url, "CId")) if mid else None
    if name == "iedecisiondetails.aspx":
        ident = query_param(url, "ID")
        return decision_url(base, ident) if ident else None
    if name in ("mgissuehistoryhome.aspx", "ieissuedetails.aspx", "mgissuehistorychronology.aspx"):
        iid = query_param(url, "IId")
        return issue_url(base, iid) if iid else None
    if name == "mgai.aspx":
        aiid = query_param(url, "ID")
        return agenda_item_url(base, aiid) if aiid else None
    return None


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


def _iso_date(text: str | None) -> str | None:
    day = parse_date(text)
    return day.isoformat() if day else None


def _yes_no(text: str | None) -> bool | None:
    word = (text or "").strip().lower()
    if word.startswith("yes"):
        return True
    if word.startswith("no"):
        return False
    return None


# ---------------------------------------------------------------------------------------
# Shared page pieces
# ---------------------------------------------------------------------------------------


def _css(query: str) -> etree.XPath:
    """A CSS selector compiled once, to the very XPath parsel evaluates for it.

    The parsers run these on the lxml elements themselves: a parsel `.css()` or `.xpath()`
    call translates or looks up its query and wraps every result in a Selector, and a meeting
    page makes hundreds of them.
    """
    return etree.XPath(css2xpath(query), smart_strings=False)


def _first(found: list):
    return found[0] if found else None


# `#modgov` by the id index libxml2 builds while parsing HTML, instead of testing every
# element of the page: the first element with that id, as the CSS selector's first match.
_MODGOV = etree.XPath("id('modgov')")
_CONTENT = _css(".mgContent")
_LABEL = _css("span.mgLabel")
_LABEL_ROWS = etree.XPath(".//p[span[contains(@class,'mgLabel')]]")
_SUBTITLE = _css("h2.mgSubTitleTxt")
_ANCHORS = _css("a")
_HREFS = _css("a::attr(href)")
_ACTION_LINKS = _css("ul.mgActionList a")


def _html(response) -> etree._Element:
    # The response's own selector is parsed once and cached, so the spider's link
    # extraction on the same response costs nothing more.
    sel = response.selector
    if getattr(sel, "type", "html") != "html":
        sel = Selector(text=response.text, type="html")
    return sel.root


def _modgov(root: etree._Element) -> etree._Element:
    found = _MODGOV(root)
    return found[0] if found else root


def _labelled(scopes: list) -> dict[str, etree._Element]:
    """`<p><span class="mgLabel">Label: </span>value</p>` rows in `scopes`, by lower-cased
    label."""
    rows: dict[str, etree._Element] = {}
    for scope in scopes:
        for p in _LABEL_ROWS(scope):
            label = _one_line(_LABEL(p)[0]).rstrip(": ").lower()
            rows.setdefault(label, p)
    return rows


def _label_value(row: etree._Element | None) -> str | None:
    """The text of a labelled row after its label."""
    if row is None:
        return None
    parts: list[str] = []
    label_seen = False
    if row.text:
        parts.append(row.text)
    for child in row:
        if not label_seen and "mgLabel" in (child.get("class") or ""):
            label_seen = True
            parts = []
            if child.tail:
                parts.append(child.tail)
            continue
        if not _is_noise(child):
            _flatten(child, parts)
        if child.tail:
            parts.append(child.tail)
    return _or_none(_unescape_again(" ".join("".join(parts).split())))


def _subtitle(scope: etree._Element) -> str:
    found = _SUBTITLE(scope)
    return _one_line(found[0]) if found else ""


_SECTION_CAPTION = _css("caption.mgSectionTitle")
_RESTRICTED = re.compile(r"^\(?(?:restricted|exempt|confidential)\b.{0,60}$", re.I | re.S)
_TRUNCATED = re.compile(r"\s*\.\.\.\s*view the full (?:minutes|item) text for item.*$", re.I | re.S)


@dataclass
class ItemBlock:
    """One agenda item as ModernGov prints it (meeting page, mgAi page, issue page)."""

    title: str
    number: str | None  # as printed before the title ("78 Future ..."), on issue and mgAi pages
    text: str | None
    sections: dict[str, str]
    documents: list[dict]
    truncated: bool
    restricted: bool
    follow: list[str]


# The item number as issue and mgAi pages print it before the title: "78&nbsp;<a>Title</a>",
# "45.&nbsp;Title". Only a short token with a digit, ended by the non-breaking space ModernGov
# puts after it, so a title that starts with a number ("2026/27 Budget") keeps it.
_PRINTED_NUMBER = re.compile(r"^\s*(\(?[0-9][\w./()]{0,7})\xa0")


def _printed_number(title_el: etree._Element) -> str | None:
    found = _PRINTED_NUMBER.match(title_el.text or "")
    if found:
        return found.group(1)
    lead = (title_el.text or "").strip()
    # "78 <a>Title</a>": a number on its own before the title's link.
    if len(title_el) and re.fullmatch(r"\(?[0-9][\w./()]{0,7}", lead):
        return lead
    return None


def _item_block(elements: list, base: str) -> ItemBlock:
    """Parse the run of sibling elements that make up one item.

    Order of the sub-sections ("Decision:", "Minutes:", "Additional documents:") varies and
    any can be missing, so each is found by its label, never by position.
    """
    title = ""
    number = None
    text_parts: list[str] = []
    sections: dict[str, str] = {}
    documents: list[dict] = []
    follow: list[str] = []
    truncated = False
    restricted = False
    current: str | None = None
    for el in elements:
        classes = (el.get("class") or "").split()
        tag = el.tag
        if "mgAiTitleTxt" in classes and not title:
            title = _one_line(el)
            number = _printed_number(el)
            if number and title.startswith(number):
                title = title[len(number) :].strip()
            documents += _document_links(_ANCHORS(el), base)
            current = None
            continue
        if "mgSubItemTitleTxt" in classes:
            current = _one_line(el).rstrip(": ").lower()
            continue
        anchors = _ANCHORS(el)
        if any("mgai.aspx" in (a.get("href") or "").lower() for a in anchors):
            truncated = truncated or current == "minutes"
        for a in anchors:
            href = _absolute(base, a.get("href") or "")
            name = page_name(href)
            if name in ("iedecisiondetails.aspx", "mgissuehistoryhome.aspx", "ieissuedetails.aspx"):
                follow.append(href)
        if tag in ("ul", "ol") or "mgBulletList" in classes:
            if current is None or "document" in current:
                documents += _document_links(anchors, base)
            continue
        if "mgWordPara" in classes or tag in ("div", "p"):
            if _SECTION_CAPTION(el):
                continue
            body = text_of(el)
            if current is None:
                if "mgWordPara" in classes:
                    text_parts.append(body)
                elif _RESTRICTED.match(body):
                    # A short marker paragraph before the item's text ("Exempt", "Restricted
                    # item"): printed where the item's papers are not public.
                    restricted = True
            elif "document" not in current and body:
                prior = sections.get(current)
                sections[current] = f"{prior}\n{body}" if prior else body
    if "minutes" in sections and truncated:
        sections["minutes"] = _TRUNCATED.sub(" ...", sections["minutes"]).strip()
    seen: set[str] = set()
    documents = [d for d in documents if not (d["url"] in seen or seen.add(d["url"]))]
    return ItemBlock(
        title=_unescape_again(title),
        number=number,
        text=_or_none("\n".join(t for t in text_parts if t)),
        sections=sections,
        documents=documents,
        truncated=truncated,
        restricted=restricted or bool(re.search(r"\((?:restricted|exempt)\)\s*$", title, re.I)),
        follow=follow,
    )


def _agenda_item_fields(meeting_key: str | None, number: str | None, block: ItemBlock) -> dict:
    return {
        "meeting": meeting_key,
        "number": number,
        "title": block.title,
        "text": block.text,
        "decision": _or_none(block.sections.get("decision")),
        "minutes": _or_none(block.sections.get("minutes")),
        "restricted": block.restricted,
        "documents": block.documents,
    }


def _children(el: etree._Element) -> list[etree._Element]:
    # Elements only, as `./*` selects: comments and processing instructions are left out.
    return [child for child in el if isinstance(child.tag, str)]


# ---------------------------------------------------------------------------------------
# Meeting page: ieListDocuments.aspx
# ---------------------------------------------------------------------------------------

_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
# "{Committee} - {date} {time}[, CANCELLED]". Installs print the date their own way
# ("Thursday 15 January 2026 7:30 pm", "Tuesday, 15th September, 2015 2.00 pm",
# "Monday, 3rd March, 2025 12 noon"), so only the date is matched strictly; time and status
# are read from whatever follows it.
_MEETING_TITLE = re.compile(
    rf"^(?P<committee>.+?)\s+-\s+(?:{_WEEKDAY},?\s+)?"
    r"(?P<date>\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?,?\s+\d{4})(?P<rest>.*)$",
    re.I | re.S,
)
_TRAILING_STATUS = re.compile(r",\s*([A-Za-z][A-Za-z ]*[A-Za-z])\s*$")


def meeting_status(suffix: str | None) -> str:
    """The web service's vocabulary ("Confirmed", "Cancelled"), so both paths agree."""
    if not suffix:
        return "Confirmed"
    return suffix.strip().capitalize()


_ITEM_ROWS = etree.XPath(
    ".//table[contains(@class,'mgItemTable')]//tr[td[contains(@class,'mgItemNumberCell')]]"
)
_NUMBER_CELL = _css("td.mgItemNumberCell")
_AI_ANCHOR_NAMES = etree.XPath(".//a[starts-with(@name,'AI')]/@name", smart_strings=False)
_ITEMS_MARKUP = _css("table.mgItemTable, #mgItemTable, p.mgAiTitleTxt")
_MAIN_TITLE_TEXT = _css("h1.mgMainTitleTxt ::text")
_CONTENT_P_TEXT = _css(".mgContent p::text")
_VIEW_DIRECTIONS = re.compile(r"\s*View directions\s*$", re.I)


def _promises_items(root: etree._Element) -> bool:
    """Whether a meeting page with no item rows should have had some."""
    if _ITEMS_MARKUP(root):
        return True
    heading = " ".join(_MAIN_TITLE_TEXT(root)).lower()
    says_none = "no documents are available" in " ".join(_CONTENT_P_TEXT(root)).lower()
    return "agenda" in heading and not says_none


def parse_meeting(response, source: str) -> ModernGovPage:
    """A meeting page: the meeting and, in printed order, its agenda items.

    Items whose minutes are cut short here ("view the full minutes text") are in `incomplete`
    with their `mgAi.aspx` URL: everything else about them is read here, and the crawl
    completes them with the full minutes from that page, always, so each agenda item's
    versions have one composition.
    """
    url = response.url
    page = ModernGovPage(source=source, url=url, body=response.body, content_type="text/html")
    modgov = _modgov(_html(response))
    mid = query_param(url, "MId", "MeetingId")
    heading = _subtitle(modgov)
    found = _MEETING_TITLE.match(heading) if heading else None
    if not mid or not found:
        page.problems.append(
            "meeting page without a '<committee> - <date>' heading or MId (layout changed?)"
        )
        return page
    meeting_key = document_key(source, "meeting", mid)
    day = parse_date(found["date"])
    status = _TRAILING_STATUS.search(found["rest"])
    labels = _labelled(_CONTENT(modgov) or [modgov])
    venue_row = labels.get("venue")
    if venue_row is None:
        venue_row = labels.get("proposed venue")
    venue = None
    if venue_row is not None:
        venue = _label_value(venue_row)
        venue = _or_none(_VIEW_DIRECTIONS.sub("", venue or ""))
    documents = _document_links(_ACTION_LINKS(modgov), url)

    rows = _ITEM_ROWS(modgov)
    if not rows and _promises_items(modgov):
        # Storing the meeting with no items would read as "every item removed".
        page.problems.append(
            "meeting page promises an agenda but no agenda items were found (layout changed?)"
        )
        return page
    items: list[str] = []
    for row in rows:
        number_cell = _NUMBER_CELL(row)[0]
        cells = [cell for cell in row if cell.tag == "td"]
        content = cells[1] if len(cells) > 1 else None
        aiid = None
        # The "#AI{id}" anchor sits in the number cell (Kingston) or, on some installs, in
        # the title cell; the mgAi and recorded-vote links carry the id too.
        anchor = _first(_AI_ANCHOR_NAMES(row))
        if anchor and anchor[2:].isdigit():
            aiid = anchor[2:]
        if not aiid and content is not None:
            for href in _HREFS(content):
                if page_name(href) == "mgai.aspx" or "mglistrecordedvotesshort" in href.lower():
                    aiid = query_param(href, "ID", "AIID")
                    if aiid:
                        break
        number = _or_none(_one_line(number_cell))
        if not aiid or content is None:
            # Without its id an item has no key; storing the rest would report it removed.
            page.problems.append(f"agenda item {number or '?'} has no item id (layout changed?)")
            page.documents, page.follow = [], []
            return page
        key = document_key(source, "agenda_item", aiid)
        items.append(key)
        block = _item_block(_children(content), url)
        page.follow += block.follow
        item = DocumentItem(
            key=key,
            kind="agenda_item",
            url=f"{url}#AI{aiid}",
            title=block.title,
            fields=_agenda_item_fields(meeting_key, number, block),
        )
        if block.truncated:
            page.incomplete.append((agenda_item_url(url, aiid), item))
        else:
            page.documents.append(item)
    committee = found["committee"].strip()
    meeting = DocumentItem(
        key=meeting_key,
        kind="meeting",
        url=url,
        title=heading,
        fields={
            "committee": committee,
            "start": iso_start(day, parse_time(found["rest"])),
            "status": meeting_status(status.group(1) if status else None),
            "venue": venue,
            "items": items,
            "documents": documents,
        },
    )
    page.documents.insert(0, meeting)
    return page


# ---------------------------------------------------------------------------------------
# Agenda item page: mgAi.aspx
# ---------------------------------------------------------------------------------------

_ITEM_MEETING = re.compile(r"\(Item\s*([^)]*)\)\s*$", re.I)
_ITEM_TITLE = _css("p.mgAiTitleTxt")


def parse_agenda_item(response, source: str, item: DocumentItem | None = None) -> ModernGovPage:
    """`mgAi.aspx?ID=`: one agenda item with its full minutes text.

    With `item` (the item as its meeting page printed it, minutes cut short) the result is
    that item with the full minutes from this page: number, title, text, decision, documents
    and meeting stay the meeting page's. Without it (a saved mgAi page given to `compare`),
    the item as this page prints it.
    """
    url = response.url
    page = ModernGovPage(source=source, url=url, body=response.body, content_type="text/html")
    modgov = _modgov(_html(response))
    aiid = query_param(url, "ID")
    content = _first(_CONTENT(modgov))
    if not aiid or content is None or not _ITEM_TITLE(content):
        page.problems.append("agenda item page without an item title (layout changed?)")
        return page
    labels = _labelled([content])
    meeting_row = labels.get("meeting")
    meeting_key = number = None
    if meeting_row is not None:
        href = _first(_HREFS(meeting_row))
        mid = query_param(href or "", "MId", "MeetingId")
        meeting_key = document_key(source, "meeting", mid) if mid else None
        found = _ITEM_MEETING.search(_label_value(meeting_row) or "")
        number = _or_none(found.group(1)) if found else None
    elements = [el for el in _children(content) if not (_LABEL(el) and el.tag == "p")]
    block = _item_block(elements, url)
    page.follow += block.follow
    if item is not None:
        minutes = _or_none(block.sections.get("minutes"))
        if minutes is None or block.truncated:
            # Stored with the meeting page's cut-short minutes, the item would flip between
            # two compositions; nothing is stored until this page gives the full text.
            page.problems.append(
                f"agenda item {item.key} has no full minutes on its mgAi page (layout changed?)"
            )
            return page
        page.documents.append(
            DocumentItem(
                key=item.key,
                kind="agenda_item",
                url=url,  # where the whole item is printed, and what is stored
                title=item.title,
                fields={**item.fields, "minutes": minutes},
            )
        )
        return page
    page.documents.append(
        DocumentItem(
            key=document_key(source, "agenda_item", aiid),
            kind="agenda_item",
            url=url,
            title=block.title,
            fields=_agenda_item_fields(meeting_key, number or block.number, block),
        )
    )
    return page


# ---------------------------------------------------------------------------------------
# Decision page: ieDecisionDetails.aspx
# ---------------------------------------------------------------------------------------


_NARRATIVE_HEADINGS = _css("h3.mgSubSubTitleTxt")
_NEXT_ELEMENT = etree.XPath("following-sibling::*[1]")
_MEETING_DATE_PREFIX = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{4}\s*-\s*")
_ISSUE_LINK_HREFS = _css("ul.mgActionList a::attr(href), .mgContent a::attr(href)")
_IN_FORCE = _css("span.mgPlanItemInForce")
_LABELLED_LISTS = etree.XPath(".//p[contains(@class,'mgLabel')]/following-sibling::ul[1]")


def parse_decision(response, source: str) -> ModernGovPage:
    url = response.url
    page = ModernGovPage(source=source, url=url, body=response.body, content_type="text/html")
    modgov = _modgov(_html(response))
    ident = query_param(url, "ID")
    title = _unescape_again(_subtitle(modgov))
    content = _first(_CONTENT(modgov))
    if not ident or not title or content is None:
        page.problems.append("decision page without a title or content (layout changed?)")
        return page
    labels = _labelled([content])

    def value(*names: str) -> str | None:
        for name in names:
            if name in labels:
                return _label_value(labels[name])
        return None

    # Narrative sections are h3 headings followed by Word text; councils add their own
    # ("Reasons for the decision:", "Alternative options considered:"), so go by heading.
    narrative: dict[str, str] = {}
    for heading in _NARRATIVE_HEADINGS(content):
        name = _one_line(heading).rstrip(": ").lower()
        following = _NEXT_ELEMENT(heading)
        if following and "mgWordPara" in (following[0].get("class") or ""):
            narrative[name] = text_of(following[0])

    meeting_key = None
    maker = value("decision maker")
    at_meeting = labels.get("decided at meeting")
    if at_meeting is not None:
        href = _first(_HREFS(at_meeting)) or ""
        mid = query_param(href, "MId", "MeetingId")
        meeting_key = document_key(source, "meeting", mid) if mid else None
        if maker is None:
            # Committee decisions carry no "Decision Maker:" row; the committee that met
            # ("19/10/2015 - Policy Committee") is the one that decided.
            maker = _or_none(_MEETING_DATE_PREFIX.sub("", value("decided at meeting") or ""))
    issue_key = None
    for href in _ISSUE_LINK_HREFS(modgov):
        iid = query_param(href, "IId") if page_name(href) in (
            "mgissuehistoryhome.aspx", "ieissuedetails.aspx"
        ) else None  # fmt: skip
        if iid:
            issue_key = document_key(source, "issue", iid)
            page.follow.append(issue_url(url, iid))
            break
    status_el = _IN_FORCE(content)
    status = _one_line(status_el[0]) if status_el else value("decision status")
    if not (status or narrative or value("date of decision", "publication date")):
        # A title and nothing else: the labels moved. Stored, it would read as the
        # status, dates and text all being withdrawn.
        page.problems.append(
            "decision page without status, dates or decision text (layout changed?)"
        )
        page.follow = []
        return page
    documents: list[dict] = []
    for ul in _LABELLED_LISTS(content):
        documents += _document_links(_ANCHORS(ul), url)
    page.documents.append(
        DocumentItem(
            key=document_key(source, "decision", ident),
            kind="decision",
            url=url,
            title=title,
            fields={
                "title": title,
                "decision_maker": maker,
                "status": _or_none(status),
                "decision_date": _iso_date(value("date of decision")),
                "published": _iso_date(value("publication date")),
                "key_decision": _yes_no(
                    value("is key decision?", "is key decision", "key decision")
                ),
                "call_in": _yes_no(
                    value(
                        "is subject to call in?",
                        "is subject to call-in?",
                        "subject to call in",
                        "subject to call-in",
                    )
                ),
                "purpose": _or_none(narrative.get("purpose")),
                "decision": _or_none(narrative.get("decision") or narrative.get("decisions")),
                "meeting": meeting_key,
                "issue": issue_key,
                "documents": documents,
            },
        )
    )
    return page


# ---------------------------------------------------------------------------------------
# Issue page: ieIssueDetails.aspx?Opt=3 ("Issue - meetings")
# ---------------------------------------------------------------------------------------

_ISSUE_MEETING = re.compile(
    r"^Meeting:\s*(?P<date>\d{1,2}/\d{1,2}/\d{4})(?:,?\s*\d{1,2}[:.]\d{2}\s*[ap]m)?\s*-\s*"
    r"(?P<committee>.+?)\s*(?:\(Item\s*(?P<item>[^)]*)\))?\s*$",
    re.I,
)

_ISSUE_ITEMS_MARKUP = _css("p.mgAiTitleTxt, div.mgWordPara")


def parse_issue(response, source: str) -> ModernGovPage:
    """Every meeting an issue went to: "Meeting: 15/09/2015 - Cabinet (Item 78)" blocks, each
    with the item as printed at that meeting: its number, title (without the number), report
    text, decision and minutes."""
    url = response.url
    page = ModernGovPage(source=source, url=url, body=response.body, content_type="text/html")
    modgov = _modgov(_html(response))
    iid = query_param(url, "IId")
    title = _unescape_again(_subtitle(modgov))
    content = _first(_CONTENT(modgov))
    if not iid or not title or content is None:
        page.problems.append("issue page without a title or content (layout changed?)")
        return page
    blocks: list[tuple[dict, list]] = []
    for el in _children(content):
        found = _ISSUE_MEETING.match(_one_line(el))
        if found:
            blocks.append((found.groupdict(), []))
        elif blocks:
            blocks[-1][1].append(el)
    meetings, documents = [], []
    forward_plan_ref = contact = None
    for head, elements in blocks:
        labelled = [el for el in elements if el.tag == "p" and _LABEL(el)]
        for row in labelled:
            label = _one_line(_LABEL(row)[0]).rstrip(": ").lower()
            if label == "forward plan ref" and forward_plan_ref is None:
                forward_plan_ref = _label_value(row)
            elif label == "contact" and contact is None:
                contact = _label_value(row)
        block = _item_block([el for el in elements if el not in labelled], url)
        documents += block.documents
        page.follow += [u for u in block.follow if page_name(u) == "iedecisiondetails.aspx"]
        # The item as printed at that meeting; its minutes as printed here too, cut short
        # where the page cuts them (" ..."), as the issue page is all that is fetched for it.
        meetings.append(
            {
                "date": _iso_date(head["date"]),
                "committee": _or_none(head["committee"]),
                "item": _or_none(head["item"]) or block.number,
                "title": _or_none(block.title),
                "text": block.text,
                "decision": _or_none(block.sections.get("decision")),
                "minutes": _or_none(block.sections.get("minutes")),
            }
        )
    if not blocks and _ISSUE_ITEMS_MARKUP(content):
        # Items are printed but no "Meeting: ..." line was recognised.
        page.problems.append("issue page items without their meeting lines (layout changed?)")
        page.follow = []
        return page
    seen: set[str] = set()
    page.documents.append(
        DocumentItem(
            key=document_key(source, "issue", iid),
            kind="issue",
            url=url,
            title=title,
            fields={
                "title": title,
                "meetings": meetings,
                "forward_plan_ref": forward_plan_ref,
                "contact": contact,
                "documents": [d for d in documents if not (d["url"] in seen or seen.add(d["url"]))],
            },
        )
    )
    return page


# ---------------------------------------------------------------------------------------
# Web service XML (mgWebService.asmx): GetCommittees, GetMeetings, GetMeeting
# ---------------------------------------------------------------------------------------


class NotWebService(ValueError):
    """The answer is not the XML the operation returns (service disabled, HTML error page)."""


def _xml(response, root: str) -> etree._Element:
    try:
        tree = etree.fromstring(
            response.body, parser=etree.XMLParser(recover=False, resolve_entities=False)
        )
    except etree.XMLSyntaxError as exc:
        raise NotWebService(f"not XML: {exc}") from None
    if tree.tag != root:
        raise NotWebService(f"expected <{root}>, got <{tree.tag}>")
    return tree


def _x(el, path: str) -> str:
    return " ".join((el.findtext(path) or "").split())


@dataclass
class Committee:
    id: str
    title: str


def committees_from_xml(response) -> list[Committee]:
    """GetCommittees: every committee that is neither deleted nor expired."""
    tree = _xml(response, "committees")
    found = []
    for c in tree.iter("committee"):
        if (
            _x(c, "committeedeleted").lower() == "true"
            or _x(c, "committeeexpired").lower() == "true"
        ):
            continue
        found.append(Committee(_x(c, "committeeid"), _unescape_again(_x(c, "committeetitle"))))
    return [c for c in found if c.id]


@dataclass
class MeetingRef:
    id: str
    committee_id: str | None
    day: date | None
    committee: str | None = None


def meetings_from_xml(response) -> list[MeetingRef]:
    tree = _xml(response, "getmeetings")
    refs = []
    for committee in tree.iter("committee"):
        cid = _x(committee, "committeeid") or None
        for m in committee.iter("meeting"):
            if _x(m, "meetingid"):
                refs.append(MeetingRef(_x(m, "meetingid"), cid, parse_date(_x(m, "meetingdate"))))
    return refs


def _escaped_html_text(value: str) -> str | None:
    # GetMeeting carries Word HTML as escaped text; read it as HTML, as on the page.
    if not value.strip():
        return None
    return _or_none(text_of(Selector(text=f"<div>{value}</div>", type="html").css("div")[0].root))


def parse_web_service_meeting(response, source: str) -> ModernGovPage:
    """GetMeeting XML in the same field shapes as the meeting page.

    The crawl stores meetings from their `ieListDocuments` page (it alone prints decisions);
    this parser serves `councilwatch compare` on saved web-service answers and tools that
    only have the XML. The committee title comes from the linked documents' `committeetitle`
    or the item's `refertocommittee`.
    """
    url = response.url
    page = ModernGovPage(source=source, url=url, body=response.body, content_type="text/xml")
    try:
        tree = _xml(response, "meeting")
    except NotWebService as exc:
        page.problems.append(f"GetMeeting answer unreadable: {exc}")
        return page
    mid = _x(tree, "meetingid")
    meeting_key = document_key(source, "meeting", mid)
    committee = _x(tree, ".//linkeddoc/committeetitle") or _x(
        tree, ".//agendaitem/refertocommittee"
    )
    items = []
    for ai in tree.iter("agendaitem"):
        aiid = _x(ai, "agendaitemid")
        if not aiid:
            continue
        key = document_key(source, "agenda_item", aiid)
        items.append(key)
        documents = [
            {
                "title": _or_none(_x(d, "title")),
                "url": _x(d, "url"),
                "id": _or_none(_x(d, "attachmentid")),
            }
            for d in ai.iter("linkeddoc")
            if _x(d, "url")
        ]
        title = _unescape_again(_x(ai, "agendaitemtitle"))
        page.documents.append(
            DocumentItem(
                key=key,
                kind="agenda_item",
                url=url,
                title=title,
                fields={
                    "meeting": meeting_key,
                    "number": _or_none(_x(ai, "fulldisplaynumberformat"))
                    or _or_none(_x(ai, "agendaitemnumber")),
                    "title": title,
                    "text": _escaped_html_text(ai.findtext("agendatext") or ""),
                    # The XML says only whether a decision exists, never its text.
                    "decision": None,
                    "minutes": _escaped_html_text(ai.findtext("minutesnonemptyhtmlbody") or ""),
                    "restricted": _x(ai, "isrestricted").lower() == "true",
                    "documents": documents,
                },
            )
        )
    status = _x(tree, "meetingstatus") or None
    start = iso_start(parse_date(_x(tree, "meetingdate")), parse_time(_x(tree, "meetingtime")))
    page.documents.insert(
        0,
        DocumentItem(
            key=meeting_key,
            kind="meeting",
            url=url,
            title=f"{committee} - {_x(tree, 'meetingdate')}" if committee else None,
            fields={
                "committee": committee,
                "start": start,
                "status": status.split(";")[0].strip().capitalize() if status else None,
                "venue": _or_none(_x(tree, "meetinglocation")),
                "items": items,
                "documents": [],
            },
        ),
    )
    return page


# ---------------------------------------------------------------------------------------
# HTML discovery pages
# ---------------------------------------------------------------------------------------


_COMMITTEE_LINKS = _css(".mgContent a, ul.mgBulletList a")


def committees_from_html(response) -> list[Committee]:
    """mgCommitteeStructure / mgListCommittees: `mgCommitteeDetails.aspx?ID=` links."""
    modgov = _modgov(_html(response))
    found, seen = [], set()
    for a in _COMMITTEE_LINKS(modgov):
        href = a.get("href") or ""
        if page_name(href) != "mgcommitteedetails.aspx":
            continue
        cid = query_param(href, "ID")
        if cid and cid not in seen:
            seen.add(cid)
            found.append(Committee(cid, _one_line(a)))
    return found


@dataclass
class MeetingList:
    meetings: list[MeetingRef]
    earlier: str | None
    later: str | None


_MEETING_LINKS = _css("a.mgMeetingTableLnk")
_CONTENT_MEETING_LINKS = _css(".mgContent a[href*='ListDocuments']")
_MEETINGS_MARKUP = _css("ul.mgNonBulletTableList, .mgTableBorder, div.mgList")
_PAGING_LINKS = _css("a.mgTableNextLnk")


def meetings_from_list_html(response) -> MeetingList | None:
    """ieListMeetings: meeting links with their dates, and the Earlier/Later paging links.
    None when the page has no meetings list at all (layout changed)."""
    modgov = _modgov(_html(response))
    links = _MEETING_LINKS(modgov) or _CONTENT_MEETING_LINKS(modgov)
    if not links and not _MEETINGS_MARKUP(modgov):
        return None
    refs = []
    for a in links:
        href = a.get("href") or ""
        mid = query_param(href, "MId", "MeetingId")
        if mid:
            refs.append(MeetingRef(mid, query_param(href, "CId"), parse_date(_one_line(a))))
    paging = {"earlier": None, "later": None}
    for a in _PAGING_LINKS(modgov):
        href = a.get("href") or ""
        act = (query_param(href, "Act") or "").lower()
        if act in paging and paging[act] is None:
            paging[act] = urljoin(response.url, href)
    return MeetingList(refs, paging["earlier"], paging["later"])


_CELL_TIME = re.compile(r",?\s*\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m\.?\s*$", re.I)
_CALENDAR_LINKS = _css("a.mgCalendarCellTxt")
_CALENDAR_MARKUP = _css("table.mgCalendarMonthTable, .mgCalendarWeekTable, .mgCalendar")


def calendar_url(base: str, year: int, month: int) -> str:
    # GL=1: the list layout of the month, one line per meeting.
    return urljoin(base, f"mgCalendarMonthView.aspx?GL=1&bcr=1&M={month}&Y={year}")


def meetings_from_calendar(response) -> list[MeetingRef] | None:
    """mgCalendarMonthView: `a.mgCalendarCellTxt` meeting links ("Cabinet, 10.00 am").
    None when the page shows no calendar at all (layout changed)."""
    modgov = _modgov(_html(response))
    links = _CALENDAR_LINKS(modgov)
    if not links and not _CALENDAR_MARKUP(modgov):
        return None
    refs = []
    for a in links:
        href = a.get("href") or ""
        mid = query_param(href, "MId", "MeetingId")
        if not mid:
            continue
        label = _one_line(a)
        # The link's title attribute, where present, carries the date; the text does not.
        day = parse_date(a.get("title"))
        refs.append(
            MeetingRef(mid, query_param(href, "CId"), day, _CELL_TIME.sub("", label) or None)
        )
    return refs


@dataclass
class DecisionRef:
    id: str
    url: str
    day: date | None


_DECISION_TABLES = _css("table.mgTabTable")
_CONTENT_PARAGRAPHS = _css(".mgContent p")
_ROWS = _css("tr")
_LINKS = _css("a[href]")
_CELLS = _css("td")


def decisions_from_list(response) -> list[DecisionRef] | None:
    """mgDelegatedDecisions / mgListOfficerDecisions: decision links in the `mgTabTable`.
    Rows linking anywhere else (issue histories) are not decisions. None when there is no table."""
    root = _html(response)
    tables = _DECISION_TABLES(root)
    if not tables:
        if _CONTENT_PARAGRAPHS(root) and "no decisions" in _one_line(_CONTENT(root)[0]).lower():
            return []
        return None
    refs = []
    for table in tables:
        for row in _ROWS(table):
            a = _LINKS(row)
            if not a:
                continue
            href = a[0].get("href")
            if page_name(href) != "iedecisiondetails.aspx":
                continue
            ident = query_param(href, "ID")
            cells = _CELLS(row)
            day = parse_date(_one_line(cells[1])) if len(cells) > 1 else None
            if ident:
                refs.append(DecisionRef(ident, decision_url(response.url, ident), day))
    return refs


def links_from_rss(response) -> list[str]:
    """The item links of an RSS feed (what's new, or one committee's). Some installs
    answer with an HTML page instead; that gives no links, which is not an error. Some
    escape their links twice (`&amp;amp;`): what is left is unescaped."""
    return [html.unescape(url) for url, _ in feed_entries(response.body, response.url)]


# ---------------------------------------------------------------------------------------
# The registry: the URL picks the parser (spiders/parsers.py)
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageType:
    """A page that holds documents: the one table both the crawl and `compare` read."""

    what: str  # how problems name the page ("meeting")
    names: tuple[str, ...]  # its page names, lower-case, as `page_name` gives them
    parse: Callable[..., ModernGovPage]
    # False for a page the crawl reaches only from another page, which hands it what it
    # completes (`mgAi.aspx`, from the meeting page that cut the item's minutes short).
    alone: bool = True


PAGE_TYPES = [
    PageType("meeting", ("ielistdocuments.aspx", "mglistdocuments.aspx"), parse_meeting),
    PageType("agenda item", ("mgai.aspx",), parse_agenda_item, alone=False),
    PageType("decision", ("iedecisiondetails.aspx",), parse_decision),
    PageType("issue", ("ieissuedetails.aspx", "mgissuehistoryhome.aspx"), parse_issue),
    PageType("meeting", ("getmeeting",), parse_web_service_meeting),
]
_BY_NAME = {name: page for page in PAGE_TYPES for name in page.names}


def page_type(url: str) -> PageType | None:
    """The document page type of `url`, by its page name (`mgWebService.asmx/GetMeeting` by
    its operation), or None for any other page."""
    return _BY_NAME.get(page_name(url))


# The registry `spiders/parsers.py` reads: the URL picks the parser.
PARSERS = [
    (re.compile(rf"/{re.escape(name)}\?", re.I), page.parse)
    for page in PAGE_TYPES
    for name in page.names
]
