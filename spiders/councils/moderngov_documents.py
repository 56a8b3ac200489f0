"""ModernGov document pages: what the crawl stores, read by pure functions.

The spider (`spiders/councils/moderngov.py`) and `councilwatch compare` call exactly these
functions (registered below in `PAGE_TYPES`), so a saved page parses as in a crawl. Each
returns a `CouncilPage`, the `PageItem` the crawl stores, plus `follow` (pages holding more
documents) and `problems` (layout trouble): `ieListDocuments` (meeting + agenda items), `mgAi`
(one agenda item, full minutes), `ieDecisionDetails` (decision), `ieIssueDetails` (issue
history), and the web service's `GetMeeting` XML.

Markup notes (docs/moderngov.md): hidden screen-reader text (`.mgHide`) and file sizes
(`.mgFileSize`) are dropped from titles; Word-pasted text is re-flowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from parsel import Selector

from spiders.councils.markup import (
    absolute,
    children,
    css,
    first,
    flatten,
    html_root,
    is_noise,
    iso_date,
    iso_start,
    one_line,
    or_none,
    page_name,
    parse_date,
    parse_time,
    query_param,
    text_of,
    unescape_again,
    yes_no,
)
from spiders.councils.moderngov_site import (
    CONTENT,
    NotWebService,
    agenda_item_url,
    document_links,
    issue_url,
    modgov_scope,
    web_service_xml,
    xml_text,
)
from spiders.councils.page_types import CouncilPage, PageType, register
from spiders.items import DocumentItem, document_key

# ---------------------------------------------------------------------------------------
# Page pieces: labelled rows, agenda item blocks
# ---------------------------------------------------------------------------------------

_LABEL = css("span.mgLabel")
_LABEL_ROWS = etree.XPath(".//p[span[contains(@class,'mgLabel')]]")
_SUBTITLE = css("h2.mgSubTitleTxt")
_ANCHORS = css("a")
_HREFS = css("a::attr(href)")
_ACTION_LINKS = css("ul.mgActionList a")


def _labelled(scopes: list) -> dict[str, etree._Element]:
    """`<p><span class="mgLabel">Label: </span>value</p>` rows in `scopes`, by lower-cased
    label."""
    rows: dict[str, etree._Element] = {}
    for scope in scopes:
        for p in _LABEL_ROWS(scope):
            label = one_line(_LABEL(p)[0]).rstrip(": ").lower()
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
        if not is_noise(child):
            flatten(child, parts)
        if child.tail:
            parts.append(child.tail)
    return or_none(unescape_again(" ".join("".join(parts).split())))


def _subtitle(scope: etree._Element) -> str:
    found = _SUBTITLE(scope)
    return one_line(found[0]) if found else ""


_SECTION_CAPTION = css("caption.mgSectionTitle")
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


def _html_page(response, source: str) -> tuple[CouncilPage, etree._Element]:
    """The page to fill from a ModernGov HTML page, and the part of it ModernGov prints."""
    page = CouncilPage(
        source=source, url=response.url, body=response.body, content_type="text/html"
    )
    return page, modgov_scope(html_root(response))


def _titled_page(response, source: str, what: str, id_param: str):
    """A decision or issue page: the page to fill, its ModernGov part and its `(id, title,
    content)`; content None, with the problem noted, when any of the three is missing."""
    page, modgov = _html_page(response, source)
    ident = query_param(response.url, id_param)
    title = unescape_again(_subtitle(modgov))
    content = first(CONTENT(modgov))
    if not ident or not title or content is None:
        page.problems.append(f"{what} page without a title or content (layout changed?)")
        content = None
    return page, modgov, (ident, title, content)


def _page_document(
    page: CouncilPage, kind: str, ident: str, title: str, fields: dict
) -> CouncilPage:
    """`page` with its one document, a `kind` keyed by the page's id, its title first among
    its fields."""
    page.documents.append(
        DocumentItem(
            key=document_key(page.source, kind, ident),
            kind=kind,
            url=page.url,
            title=title,
            fields={"title": title, **fields},
        )
    )
    return page


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
            title = one_line(el)
            number = _printed_number(el)
            if number and title.startswith(number):
                title = title[len(number) :].strip()
            documents += document_links(_ANCHORS(el), base)
            current = None
            continue
        if "mgSubItemTitleTxt" in classes:
            current = one_line(el).rstrip(": ").lower()
            continue
        anchors = _ANCHORS(el)
        if any("mgai.aspx" in (a.get("href") or "").lower() for a in anchors):
            truncated = truncated or current == "minutes"
        for a in anchors:
            href = absolute(base, a.get("href") or "")
            name = page_name(href)
            if name in ("iedecisiondetails.aspx", "mgissuehistoryhome.aspx", "ieissuedetails.aspx"):
                follow.append(href)
        if tag in ("ul", "ol") or "mgBulletList" in classes:
            if current is None or "document" in current:
                documents += document_links(anchors, base)
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
        title=unescape_again(title),
        number=number,
        text=or_none("\n".join(t for t in text_parts if t)),
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
        "decision": or_none(block.sections.get("decision")),
        "minutes": or_none(block.sections.get("minutes")),
        "restricted": block.restricted,
        "documents": block.documents,
    }


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
_NUMBER_CELL = css("td.mgItemNumberCell")
_AI_ANCHOR_NAMES = etree.XPath(".//a[starts-with(@name,'AI')]/@name", smart_strings=False)
_ITEMS_MARKUP = css("table.mgItemTable, #mgItemTable, p.mgAiTitleTxt")
_MAIN_TITLE_TEXT = css("h1.mgMainTitleTxt ::text")
_CONTENT_P_TEXT = css(".mgContent p::text")
_VIEW_DIRECTIONS = re.compile(r"\s*View directions\s*$", re.I)


def _promises_items(root: etree._Element) -> bool:
    """Whether a meeting page with no item rows should have had some."""
    if _ITEMS_MARKUP(root):
        return True
    heading = " ".join(_MAIN_TITLE_TEXT(root)).lower()
    says_none = "no documents are available" in " ".join(_CONTENT_P_TEXT(root)).lower()
    return "agenda" in heading and not says_none


def parse_meeting(response, source: str) -> CouncilPage:
    """A meeting page: the meeting and, in printed order, its agenda items.

    Items whose minutes are cut short here ("view the full minutes text") are in `incomplete`
    with their `mgAi.aspx` URL: everything else about them is read here, and the crawl
    completes them with the full minutes from that page, always, so each agenda item's
    versions have one composition.
    """
    url = response.url
    page, modgov = _html_page(response, source)
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
    labels = _labelled(CONTENT(modgov) or [modgov])
    venue_row = labels.get("venue")
    if venue_row is None:
        venue_row = labels.get("proposed venue")
    venue = None
    if venue_row is not None:
        venue = _label_value(venue_row)
        venue = or_none(_VIEW_DIRECTIONS.sub("", venue or ""))
    documents = document_links(_ACTION_LINKS(modgov), url)

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
        anchor = first(_AI_ANCHOR_NAMES(row))
        if anchor and anchor[2:].isdigit():
            aiid = anchor[2:]
        if not aiid and content is not None:
            for href in _HREFS(content):
                if page_name(href) == "mgai.aspx" or "mglistrecordedvotesshort" in href.lower():
                    aiid = query_param(href, "ID", "AIID")
                    if aiid:
                        break
        number = or_none(one_line(number_cell))
        if not aiid or content is None:
            # Without its id an item has no key; storing the rest would report it removed.
            page.problems.append(f"agenda item {number or '?'} has no item id (layout changed?)")
            page.documents, page.follow = [], []
            return page
        key = document_key(source, "agenda_item", aiid)
        items.append(key)
        block = _item_block(children(content), url)
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
_ITEM_TITLE = css("p.mgAiTitleTxt")


def parse_agenda_item(response, source: str, item: DocumentItem | None = None) -> CouncilPage:
    """`mgAi.aspx?ID=`: one agenda item with its full minutes text.

    With `item` (the item as its meeting page printed it, minutes cut short) the result is
    that item with the full minutes from this page: number, title, text, decision, documents
    and meeting stay the meeting page's. Without it (a saved mgAi page given to `compare`),
    the item as this page prints it.
    """
    url = response.url
    page, modgov = _html_page(response, source)
    aiid = query_param(url, "ID")
    content = first(CONTENT(modgov))
    if not aiid or content is None or not _ITEM_TITLE(content):
        page.problems.append("agenda item page without an item title (layout changed?)")
        return page
    labels = _labelled([content])
    meeting_row = labels.get("meeting")
    meeting_key = number = None
    if meeting_row is not None:
        href = first(_HREFS(meeting_row))
        mid = query_param(href or "", "MId", "MeetingId")
        meeting_key = document_key(source, "meeting", mid) if mid else None
        found = _ITEM_MEETING.search(_label_value(meeting_row) or "")
        number = or_none(found.group(1)) if found else None
    elements = [el for el in children(content) if not (_LABEL(el) and el.tag == "p")]
    block = _item_block(elements, url)
    page.follow += block.follow
    if item is not None:
        minutes = or_none(block.sections.get("minutes"))
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


_NARRATIVE_HEADINGS = css("h3.mgSubSubTitleTxt")
_NEXT_ELEMENT = etree.XPath("following-sibling::*[1]")
_MEETING_DATE_PREFIX = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{4}\s*-\s*")
_ISSUE_LINK_HREFS = css("ul.mgActionList a::attr(href), .mgContent a::attr(href)")
_IN_FORCE = css("span.mgPlanItemInForce")
_LABELLED_LISTS = etree.XPath(".//p[contains(@class,'mgLabel')]/following-sibling::ul[1]")


def parse_decision(response, source: str) -> CouncilPage:
    url = response.url
    page, modgov, (ident, title, content) = _titled_page(response, source, "decision", "ID")
    if content is None:
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
        name = one_line(heading).rstrip(": ").lower()
        following = _NEXT_ELEMENT(heading)
        if following and "mgWordPara" in (following[0].get("class") or ""):
            narrative[name] = text_of(following[0])

    meeting_key = None
    maker = value("decision maker")
    at_meeting = labels.get("decided at meeting")
    if at_meeting is not None:
        href = first(_HREFS(at_meeting)) or ""
        mid = query_param(href, "MId", "MeetingId")
        meeting_key = document_key(source, "meeting", mid) if mid else None
        if maker is None:
            # Committee decisions carry no "Decision Maker:" row; the committee that met
            # ("19/10/2015 - Policy Committee") is the one that decided.
            maker = or_none(_MEETING_DATE_PREFIX.sub("", value("decided at meeting") or ""))
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
    status = one_line(status_el[0]) if status_el else value("decision status")
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
        documents += document_links(_ANCHORS(ul), url)
    return _page_document(
        page,
        "decision",
        ident,
        title,
        {
            "decision_maker": maker,
            "status": or_none(status),
            "decision_date": iso_date(value("date of decision")),
            "published": iso_date(value("publication date")),
            "key_decision": yes_no(value("is key decision?", "is key decision", "key decision")),
            "call_in": yes_no(
                value(
                    "is subject to call in?",
                    "is subject to call-in?",
                    "subject to call in",
                    "subject to call-in",
                )
            ),
            "purpose": or_none(narrative.get("purpose")),
            "decision": or_none(narrative.get("decision") or narrative.get("decisions")),
            "meeting": meeting_key,
            "issue": issue_key,
            "documents": documents,
        },
    )


# ---------------------------------------------------------------------------------------
# Issue page: ieIssueDetails.aspx?Opt=3 ("Issue - meetings")
# ---------------------------------------------------------------------------------------

_ISSUE_MEETING = re.compile(
    r"^Meeting:\s*(?P<date>\d{1,2}/\d{1,2}/\d{4})(?:,?\s*\d{1,2}[:.]\d{2}\s*[ap]m)?\s*-\s*"
    r"(?P<committee>.+?)\s*(?:\(Item\s*(?P<item>[^)]*)\))?\s*$",
    re.I,
)

_ISSUE_ITEMS_MARKUP = css("p.mgAiTitleTxt, div.mgWordPara")


def parse_issue(response, source: str) -> CouncilPage:
    """Every meeting an issue went to: "Meeting: 15/09/2015 - Cabinet (Item 78)" blocks, each
    with the item as printed at that meeting: its number, title (without the number), report
    text, decision and minutes."""
    url = response.url
    page, _, (iid, title, content) = _titled_page(response, source, "issue", "IId")
    if content is None:
        return page
    blocks: list[tuple[dict, list]] = []
    for el in children(content):
        found = _ISSUE_MEETING.match(one_line(el))
        if found:
            blocks.append((found.groupdict(), []))
        elif blocks:
            blocks[-1][1].append(el)
    meetings, documents = [], []
    forward_plan_ref = contact = None
    for head, elements in blocks:
        labelled = [el for el in elements if el.tag == "p" and _LABEL(el)]
        for row in labelled:
            label = one_line(_LABEL(row)[0]).rstrip(": ").lower()
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
                "date": iso_date(head["date"]),
                "committee": or_none(head["committee"]),
                "item": or_none(head["item"]) or block.number,
                "title": or_none(block.title),
                "text": block.text,
                "decision": or_none(block.sections.get("decision")),
                "minutes": or_none(block.sections.get("minutes")),
            }
        )
    if not blocks and _ISSUE_ITEMS_MARKUP(content):
        # Items are printed but no "Meeting: ..." line was recognised.
        page.problems.append("issue page items without their meeting lines (layout changed?)")
        page.follow = []
        return page
    seen: set[str] = set()
    return _page_document(
        page,
        "issue",
        iid,
        title,
        {
            "meetings": meetings,
            "forward_plan_ref": forward_plan_ref,
            "contact": contact,
            "documents": [d for d in documents if not (d["url"] in seen or seen.add(d["url"]))],
        },
    )


# ---------------------------------------------------------------------------------------
# Web service meeting: mgWebService.asmx/GetMeeting
# ---------------------------------------------------------------------------------------


def _escaped_html_text(value: str) -> str | None:
    # GetMeeting carries Word HTML as escaped text; read it as HTML, as on the page.
    if not value.strip():
        return None
    return or_none(text_of(Selector(text=f"<div>{value}</div>", type="html").css("div")[0].root))


def parse_web_service_meeting(response, source: str) -> CouncilPage:
    """GetMeeting XML in the same field shapes as the meeting page.

    The crawl stores meetings from their `ieListDocuments` page (it alone prints decisions);
    this parser serves `councilwatch compare` on saved web-service answers and tools that
    only have the XML. The committee title comes from the linked documents' `committeetitle`
    or the item's `refertocommittee`.
    """
    url = response.url
    page = CouncilPage(source=source, url=url, body=response.body, content_type="text/xml")
    try:
        tree = web_service_xml(response, "meeting")
    except NotWebService as exc:
        page.problems.append(f"GetMeeting answer unreadable: {exc}")
        return page
    mid = xml_text(tree, "meetingid")
    meeting_key = document_key(source, "meeting", mid)
    committee = xml_text(tree, ".//linkeddoc/committeetitle") or xml_text(
        tree, ".//agendaitem/refertocommittee"
    )
    items = []
    for ai in tree.iter("agendaitem"):
        aiid = xml_text(ai, "agendaitemid")
        if not aiid:
            continue
        key = document_key(source, "agenda_item", aiid)
        items.append(key)
        documents = [
            {
                "title": or_none(xml_text(d, "title")),
                "url": xml_text(d, "url"),
                "id": or_none(xml_text(d, "attachmentid")),
            }
            for d in ai.iter("linkeddoc")
            if xml_text(d, "url")
        ]
        title = unescape_again(xml_text(ai, "agendaitemtitle"))
        page.documents.append(
            DocumentItem(
                key=key,
                kind="agenda_item",
                url=url,
                title=title,
                fields={
                    "meeting": meeting_key,
                    "number": or_none(xml_text(ai, "fulldisplaynumberformat"))
                    or or_none(xml_text(ai, "agendaitemnumber")),
                    "title": title,
                    "text": _escaped_html_text(ai.findtext("agendatext") or ""),
                    # The XML says only whether a decision exists, never its text.
                    "decision": None,
                    "minutes": _escaped_html_text(ai.findtext("minutesnonemptyhtmlbody") or ""),
                    "restricted": xml_text(ai, "isrestricted").lower() == "true",
                    "documents": documents,
                },
            )
        )
    status = xml_text(tree, "meetingstatus") or None
    start = iso_start(
        parse_date(xml_text(tree, "meetingdate")), parse_time(xml_text(tree, "meetingtime"))
    )
    page.documents.insert(
        0,
        DocumentItem(
            key=meeting_key,
            kind="meeting",
            url=url,
            title=f"{committee} - {xml_text(tree, 'meetingdate')}" if committee else None,
            fields={
                "committee": committee,
                "start": start,
                "status": status.split(";")[0].strip().capitalize() if status else None,
                "venue": or_none(xml_text(tree, "meetinglocation")),
                "items": items,
                "documents": [],
            },
        ),
    )
    return page


# ---------------------------------------------------------------------------------------
# The registry (`spiders/councils/page_types.py`): the page name picks the parser
# ---------------------------------------------------------------------------------------

register(
    "moderngov",
    [
        PageType("meeting", ("ielistdocuments.aspx", "mglistdocuments.aspx"), parse_meeting),
        PageType("agenda item", ("mgai.aspx",), parse_agenda_item, alone=False),
        PageType("decision", ("iedecisiondetails.aspx",), parse_decision),
        PageType("issue", ("ieissuedetails.aspx", "mgissuehistoryhome.aspx"), parse_issue),
        # `mgWebService.asmx/GetMeeting` by its operation.
        PageType("meeting", ("getmeeting",), parse_web_service_meeting),
    ],
)
