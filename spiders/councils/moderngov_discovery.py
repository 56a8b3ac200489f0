"""ModernGov discovery pages: where the meetings and decisions are. Never stored.

The web service's GetCommittees and GetMeetings, the committee structure, ieListMeetings,
the month calendar, the decision lists and the RSS feeds give plain lists of ids and URLs;
the spider (`spiders/councils/moderngov.py`) fetches the document pages they lead to.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin

from spiders.councils.markup import (
    css,
    html_root,
    one_line,
    page_name,
    parse_date,
    query_param,
    unescape_again,
)
from spiders.councils.moderngov_site import (
    CONTENT,
    decision_url,
    modgov_scope,
    web_service_xml,
    xml_text,
)
from spiders.councils.page_types import ListedPage
from spiders.feeds import feed_entries

# ---------------------------------------------------------------------------------------
# Web service XML (mgWebService.asmx): GetCommittees, GetMeetings
# ---------------------------------------------------------------------------------------


@dataclass
class Committee:
    id: str
    title: str


def committees_from_xml(response) -> list[Committee]:
    """GetCommittees: every committee that is neither deleted nor expired."""
    tree = web_service_xml(response, "committees")
    found = []
    for c in tree.iter("committee"):
        if (
            xml_text(c, "committeedeleted").lower() == "true"
            or xml_text(c, "committeeexpired").lower() == "true"
        ):
            continue
        found.append(
            Committee(xml_text(c, "committeeid"), unescape_again(xml_text(c, "committeetitle")))
        )
    return [c for c in found if c.id]


@dataclass
class MeetingRef:
    id: str
    committee_id: str | None
    day: date | None
    committee: str | None = None


def meetings_from_xml(response) -> list[MeetingRef]:
    tree = web_service_xml(response, "getmeetings")
    refs = []
    for committee in tree.iter("committee"):
        cid = xml_text(committee, "committeeid") or None
        for m in committee.iter("meeting"):
            if xml_text(m, "meetingid"):
                refs.append(
                    MeetingRef(
                        xml_text(m, "meetingid"), cid, parse_date(xml_text(m, "meetingdate"))
                    )
                )
    return refs


# ---------------------------------------------------------------------------------------
# HTML discovery pages
# ---------------------------------------------------------------------------------------


_COMMITTEE_LINKS = css(".mgContent a, ul.mgBulletList a")


def committees_from_html(response) -> list[Committee]:
    """mgCommitteeStructure / mgListCommittees: `mgCommitteeDetails.aspx?ID=` links."""
    modgov = modgov_scope(html_root(response))
    found, seen = [], set()
    for a in _COMMITTEE_LINKS(modgov):
        href = a.get("href") or ""
        if page_name(href) != "mgcommitteedetails.aspx":
            continue
        cid = query_param(href, "ID")
        if cid and cid not in seen:
            seen.add(cid)
            found.append(Committee(cid, one_line(a)))
    return found


@dataclass
class MeetingList:
    meetings: list[MeetingRef]
    earlier: str | None
    later: str | None


def _meeting_ref(a, day: date | None, committee: str | None = None) -> MeetingRef | None:
    """A link to a meeting page, or None when it names no meeting."""
    href = a.get("href") or ""
    mid = query_param(href, "MId", "MeetingId")
    return MeetingRef(mid, query_param(href, "CId"), day, committee or None) if mid else None


_MEETING_LINKS = css("a.mgMeetingTableLnk")
_CONTENT_MEETING_LINKS = css(".mgContent a[href*='ListDocuments']")
_MEETINGS_MARKUP = css("ul.mgNonBulletTableList, .mgTableBorder, div.mgList")
_PAGING_LINKS = css("a.mgTableNextLnk")


def meetings_from_list_html(response) -> MeetingList | None:
    """ieListMeetings: meeting links with their dates, and the Earlier/Later paging links.
    None when the page has no meetings list at all (layout changed)."""
    modgov = modgov_scope(html_root(response))
    links = _MEETING_LINKS(modgov) or _CONTENT_MEETING_LINKS(modgov)
    if not links and not _MEETINGS_MARKUP(modgov):
        return None
    refs = [ref for a in links if (ref := _meeting_ref(a, parse_date(one_line(a))))]
    paging = {"earlier": None, "later": None}
    for a in _PAGING_LINKS(modgov):
        href = a.get("href") or ""
        act = (query_param(href, "Act") or "").lower()
        if act in paging and paging[act] is None:
            paging[act] = urljoin(response.url, href)
    return MeetingList(refs, paging["earlier"], paging["later"])


_CELL_TIME = re.compile(r",?\s*\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m\.?\s*$", re.I)
_CALENDAR_LINKS = css("a.mgCalendarCellTxt")
_CALENDAR_MARKUP = css("table.mgCalendarMonthTable, .mgCalendarWeekTable, .mgCalendar")


def calendar_url(base: str, year: int, month: int) -> str:
    # GL=1: the list layout of the month, one line per meeting.
    return urljoin(base, f"mgCalendarMonthView.aspx?GL=1&bcr=1&M={month}&Y={year}")


def meetings_from_calendar(response) -> list[MeetingRef] | None:
    """mgCalendarMonthView: `a.mgCalendarCellTxt` meeting links ("Cabinet, 10.00 am").
    None when the page shows no calendar at all (layout changed)."""
    modgov = modgov_scope(html_root(response))
    links = _CALENDAR_LINKS(modgov)
    if not links and not _CALENDAR_MARKUP(modgov):
        return None
    # The link's title attribute, where present, carries the date; the text does not.
    return [
        ref
        for a in links
        if (ref := _meeting_ref(a, parse_date(a.get("title")), _CELL_TIME.sub("", one_line(a))))
    ]


_DECISION_TABLES = css("table.mgTabTable")
_CONTENT_PARAGRAPHS = css(".mgContent p")
_ROWS = css("tr")
_LINKS = css("a[href]")
_CELLS = css("td")


def decisions_from_list(response) -> list[ListedPage] | None:
    """mgDelegatedDecisions / mgListOfficerDecisions: decision links in the `mgTabTable`.
    Rows linking anywhere else (issue histories) are not decisions. None when there is no table."""
    root = html_root(response)
    tables = _DECISION_TABLES(root)
    if not tables:
        if _CONTENT_PARAGRAPHS(root) and "no decisions" in one_line(CONTENT(root)[0]).lower():
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
            day = parse_date(one_line(cells[1])) if len(cells) > 1 else None
            if ident:
                refs.append(ListedPage(ident, decision_url(response.url, ident), day))
    return refs


def links_from_rss(response) -> list[str]:
    """The item links of an RSS feed (what's new, or one committee's). Some installs
    answer with an HTML page instead; that gives no links, which is not an error. Some
    escape their links twice (`&amp;amp;`): what is left is unescaped."""
    return [html.unescape(url) for url, _ in feed_entries(response.body, response.url)]
