"""Pure parsers for Civica CMIS pages (DotNetNuke sites): the meeting list and calendar that
lead to meetings, and the meeting page the crawl stores.

CMIS prints Telerik grids (`rgMasterTable`, rows `rgRow`/`rgAltRow`) and DNN label/value
holders; page addresses are DNN paths, not query strings:
`{site}/Meetings/tabid/70/ctl/ViewMeetingPublic/mid/397/Meeting/{id}/Committee/{id}/...`
(docs/moderngov.md, Appendix B). Only the meeting page is stored; its agenda items are not
read yet.
"""

from __future__ import annotations

import re
from datetime import date, time

from lxml import etree

from spiders.councils.markup import (
    absolute,
    css,
    first,
    html_root,
    iso_start,
    one_line,
    or_none,
    parse_date,
)
from spiders.councils.page_types import CouncilPage, ListedPage, PageType, register
from spiders.items import DocumentItem, document_key

# DNN path parameters: `/Meeting/15042/`, `/Committee/4/`, `/tabid/70/`, `/mid/397/`.
_PATH_PARAM = {
    name: re.compile(rf"/{name}/(\d+)(?:/|$)", re.I)
    for name in ("Meeting", "Committee", "tabid", "mid")
}
_CALENDAR_DATE = re.compile(r"/Date/(\d{4})-(\d{2})-(\d{2})(?:/|$)", re.I)
# "3 Aug 2026 - 10:00", "10:00 Licensing Sub-Committee A": CMIS prints the 24-hour clock.
_CLOCK = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
# `ViewMeetingPublic/mid/397/Meeting/15042/Committee/4/...`: the one page type stored.
MEETING_PAGE = re.compile(r"/ctl/ViewMeetingPublic/(?:[^?#]*/)?Meeting/\d+(?:/|$)", re.I)


def path_param(url: str, name: str) -> str | None:
    found = _PATH_PARAM[name].search(url)
    return found.group(1) if found else None


def clock_time(text: str | None) -> time | None:
    found = _CLOCK.search(text or "")
    return time(int(found.group(1)), int(found.group(2))) if found else None


def calendar_url(meeting_link: str, day: date) -> str | None:
    """The month calendar (`MeetingCalendarPublicNoJava`) holding `day`, on the tab and module
    of a meeting link: the list view shows only the current month whatever it is asked, and
    the calendar's tab and module ids differ from site to site."""
    tab, module = path_param(meeting_link, "tabid"), path_param(meeting_link, "mid")
    cut = re.search(r"/tabid/", meeting_link, re.I)
    if not (tab and module and cut):
        return None
    return (
        f"{meeting_link[: cut.start()]}/tabid/{tab}/ctl/MeetingCalendarPublicNoJava/mid/{module}"
        f"/Date/{day:%Y-%m-%d}/Default.aspx"
    )


# ---------------------------------------------------------------------------------------
# Discovery: the meeting list view and the month calendar
# ---------------------------------------------------------------------------------------


_GRID_ROWS = css("tr.rgRow, tr.rgAltRow")
_LIST_LINKS = css("td.DateColumn a[href]")
_CALENDAR_DAY = css("td.SimpleCalendarDate")
_CALENDAR_LINKS = css("p.Meeting a[href]")
_GRID = css("table.rgMasterTable, .MeetingCalendarListView table, table[id*='grdRadMeeting']")


def meetings_from_list(response) -> list[ListedPage] | None:
    """The list view (`MeetingCalendarListView`) or the month calendar: meeting links with
    their dates. None when the page has no meeting grid at all (layout changed)."""
    root = html_root(response)
    if not _GRID(root):
        return None
    month = _CALENDAR_DATE.search(response.url)
    refs = []
    for row in _GRID_ROWS(root):
        links = _LIST_LINKS(row)
        day = parse_date(one_line(links[0])) if links else None
        if not links:
            # Calendar rows print "Monday, 8 June": the year is the calendar's, from its URL.
            cell = first(_CALENDAR_DAY(row))
            links = _CALENDAR_LINKS(row)
            if cell is not None and month:
                day = parse_date(f"{one_line(cell)} {month.group(1)}")
        for a in links:
            url = absolute(response.url, a.get("href"))
            ident = path_param(url, "Meeting")
            if ident and MEETING_PAGE.search(url):
                refs.append(ListedPage(ident, url, day))
    return refs


# ---------------------------------------------------------------------------------------
# Meeting page: ViewMeetingPublic
# ---------------------------------------------------------------------------------------

_HOLDER_LABELS = css("div.DNNLabel")
_VALUE = etree.XPath("following-sibling::div[contains(concat(' ', @class, ' '), ' Value ')][1]")
_DOCUMENT_LINKS = css("ul.CmisDocumentList li.DocumentListItem a.TitleLink")
_MODULE = css("div.ModCMISMeetingsC")


def _holders(root: etree._Element) -> dict[str, etree._Element]:
    """DNN label/value holders by lower-cased label. By the label's text, never the value's
    class: CMIS gives a meeting's status value the class `Venue`."""
    found: dict[str, etree._Element] = {}
    for label in _HOLDER_LABELS(root):
        value = _VALUE(label)
        if value:
            found.setdefault(one_line(label).rstrip(": ").lower(), value[0])
    return found


def parse_meeting(response, source: str) -> CouncilPage:
    url = response.url
    page = CouncilPage(source=source, url=url, body=response.body, content_type="text/html")
    root = html_root(response)
    module = first(_MODULE(root))
    mid = path_param(url, "Meeting")
    holders = _holders(module) if module is not None else {}
    committee = one_line(holders["committee"]) if "committee" in holders else ""
    if not mid or not committee:
        page.problems.append("meeting page without a Meeting id or Committee (layout changed?)")
        return page
    when = one_line(holders["date/time"]) if "date/time" in holders else None
    documents, seen = [], set()
    for a in _DOCUMENT_LINKS(module):
        link = absolute(url, a.get("href") or "")
        if link not in seen:
            seen.add(link)
            # `Document.ashx?{token}`: the token names the document.
            token = link.partition("?")[2] or None
            documents.append({"title": or_none(one_line(a)), "url": link, "id": token})
    status, venue = holders.get("status"), holders.get("venue")
    page.documents.append(
        DocumentItem(
            key=document_key(source, "meeting", mid),
            kind="meeting",
            url=url,
            title=f"{committee} - {when}" if when else committee,
            fields={
                "committee": committee,
                "start": iso_start(parse_date(when), clock_time(when)),
                "status": or_none(one_line(status)) if status is not None else None,
                "venue": or_none(one_line(venue)) if venue is not None else None,
                "items": [],
                "documents": documents,
            },
        )
    )
    return page


register(
    "cmis",
    [PageType("meeting", ("viewmeetingpublic",), parse_meeting, pattern=MEETING_PAGE)],
)
