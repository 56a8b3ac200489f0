"""The ModernGov spider: one spider for every council on Civica Modern.Gov.

A council is configuration (`[[sources]] type = "moderngov"`: base_url, committees,
lookback_days, lookahead_days, documents), never code. What it does for a source:

Discovery (never stored):
  1. the "what's new" RSS feed first, at high priority, so recently changed pages are
     fetched before the routine sweep;
  2. committees and their meetings in the date window from the web service
     (`mgWebService.asmx` GetCommittees, GetMeetings); when the service is disabled or
     answers with anything but its XML, from the HTML pages instead
     (`mgCommitteeStructure.aspx`, then `ieListMeetings.aspx` per committee, paging
     earlier/later through the window), and when there is no committee page either, from
     the month calendar; each followed committee's RSS feed too;
  3. decisions in the window from `mgDelegatedDecisions.aspx` and
     `mgListOfficerDecisions.aspx` (the web service has no decision methods).

Content (stored; each document key always comes from the same page type, so versions never
flip between two renderings of one thing):
  * meeting + agenda items: `ieListDocuments.aspx` (the only page that prints decisions and
    minutes per item; GetMeeting has neither decision text nor the truncation marker);
  * an agenda item whose minutes are cut short there: still read from the meeting page, then
    taken (in the request's `cb_kwargs`) to `mgAi.aspx?ID=` for its full minutes and stored
    from there, whole; mgAi is never fetched on its own;
  * decision: `ieDecisionDetails.aspx?ID=`;
  * issue: `ieIssueDetails.aspx?IId=&PlanId=0&Opt=3`, reached from items and decisions;
  * reports (when `documents = true`): the PDF/Word files, by attachment id.

Parsing is in `moderngov_discovery.py` and `moderngov_documents.py` (pure functions; the
document pages registered in `PAGE_TYPES`, shared with `councilwatch compare`); the window,
"fetch each page once" and emitting come from `CouncilSpider` (`platform.py`). This module
only decides what to fetch next.
"""

from __future__ import annotations

from urllib.parse import quote, urljoin

import scrapy

from spiders.councils import moderngov_discovery as discovery
from spiders.councils import page_types
from spiders.councils.markup import page_name, query_param
from spiders.councils.moderngov_documents import parse_meeting
from spiders.councils.moderngov_site import NotWebService, canonical, meeting_url
from spiders.councils.platform import PRIORITY_FOLLOW, CouncilSpider

# Recently changed pages (from RSS) go first.
PRIORITY_RSS = 30
PRIORITY_FROM_RSS = 20


class ModernGovSpider(CouncilSpider):
    name = "moderngov"
    source_type = "moderngov"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = [c.strip() for c in self.source.committees if c.strip()]
        self.committee_ids = {c for c in wanted if c.isdigit()}
        self.committee_titles = {c.lower() for c in wanted if not c.isdigit()}

    # -- helpers -------------------------------------------------------------------------
    def url(self, path: str) -> str:
        # base_url always ends in "/" (config) and may carry a sub-path (".../modernGov/").
        return urljoin(self.source.base_url, path)

    def follows_committee(self, cid: str | None, title: str | None) -> bool:
        if not (self.committee_ids or self.committee_titles):
            return True
        if (cid or "") in self.committee_ids:
            return True
        if (title or "").strip().lower() in self.committee_titles:
            self.committee_ids.add(cid or "")  # later links carry only the id
            return True
        return False

    def content_request(self, url: str, priority: int = PRIORITY_FOLLOW):
        """A request for a page that holds documents, by its canonical URL, at most once:
        one fetch per meeting, decision and issue, however many links (spelt MId or MID,
        with or without CId) lead to it."""
        target = canonical(url, self.source.base_url)
        if target is None:
            return None
        name = page_name(target)
        page = page_types.page_type(self.source_type, name)
        if page is None or not page.alone:
            return None
        if page.parse is parse_meeting:
            # Links from feeds and decisions may lead to committees the source does not
            # follow; a link without a committee id is followed (it cannot be told apart).
            cid = query_param(target, "CId")
            if cid and not self.follows_committee(cid, None):
                return None
            ident = "meeting:" + (query_param(target, "MId") or "")
        else:
            ident = f"{name}:" + (query_param(target, "ID", "IId") or "")
        if not self.once(ident):
            return None
        return self.request(target, self.parse_content, priority=priority,
                            cb_kwargs={"name": name})  # fmt: skip

    # -- start -------------------------------------------------------------------------
    async def start(self):
        yield self.request(self.url("mgRss.aspx?XXR=0"), self.parse_rss, priority=PRIORITY_RSS,
                           meta={"cw_optional": True})  # fmt: skip
        # A disabled web service is normal, not a problem: it is probed once, without
        # retries, and the HTML pages take over.
        yield scrapy.Request(
            self.url("mgWebService.asmx/GetCommittees"),
            callback=self.parse_committees_xml,
            errback=self.web_service_failed,
            meta={"dont_retry": True},
        )
        window = quote(
            f"{self.window_start:%d/%m/%Y}-{self.window_end:%d/%m/%Y}", safe=""
        )  # DR=dd%2fmm%2fyyyy-dd%2fmm%2fyyyy, as the site's own search form sends it
        yield self.request(
            self.url(f"mgDelegatedDecisions.aspx?bcr=1&DM=0&DS=2&K=0&DR={window}&V=0"),
            self.parse_decision_list,
        )
        yield self.request(self.url("mgListOfficerDecisions.aspx"), self.parse_decision_list,
                           meta={"cw_optional": True})  # fmt: skip

    # -- discovery: web service --------------------------------------------------------
    def web_service_failed(self, failure):
        self.logger.info("web service unavailable (%s): using the HTML pages", failure.value)
        yield self.html_committees_request()

    def html_committees_request(self):
        return scrapy.Request(
            self.url("mgCommitteeStructure.aspx"),
            callback=self.parse_committees_html,
            errback=self.committees_html_failed,
        )

    def committees_html_failed(self, failure):
        self.logger.info("no committee structure page (%s): using the calendar", failure.value)
        yield from self.calendar_requests()

    def calendar_requests(self):
        """The month calendars of the window, the last resort for finding meetings.

        One request per month (`window_months`).
        """
        for month in self.window_months():
            yield self.request(
                discovery.calendar_url(self.source.base_url, month.year, month.month),
                self.parse_calendar,
            )

    def parse_calendar(self, response):
        refs = discovery.meetings_from_calendar(response)
        if refs is None:
            self.problem(response.url, "no calendar on the page (layout changed?)")
            return
        for ref in refs:
            if not self.in_window(ref.day):
                continue
            if not self.follows_committee(ref.committee_id, ref.committee):
                continue
            req = self.content_request(meeting_url(self.source.base_url, ref.id, ref.committee_id))
            if req:
                yield req

    def parse_committees_xml(self, response):
        try:
            committees = discovery.committees_from_xml(response)
        except NotWebService as exc:
            # "Web Service method name is not valid", an HTML error page, a login page...
            self.logger.info("web service answer unusable (%s): using the HTML pages", exc)
            yield self.html_committees_request()
            return
        if not committees:
            # Some installs answer every operation with empty, valid XML.
            self.logger.info("web service lists no committees: using the HTML pages")
            yield self.html_committees_request()
            return
        followed = [c for c in committees if self.follows_committee(c.id, c.title)]
        self.check_filter(response.url, committees, followed)
        for committee in followed:
            yield from self.committee_feed(committee.id)
            # ISO dates: ASP.NET reads them the same whatever the server's culture.
            yield scrapy.Request(
                self.url(
                    f"mgWebService.asmx/GetMeetings?lCommitteeId={committee.id}"
                    f"&sFromDate={self.window_start:%Y-%m-%d}&sToDate={self.window_end:%Y-%m-%d}"
                ),
                callback=self.parse_meetings_xml,
                errback=self.meetings_xml_failed,
                cb_kwargs={"committee": committee.id},
                meta={"dont_retry": True},
            )

    def meetings_xml_failed(self, failure):
        committee = failure.request.cb_kwargs["committee"]
        self.logger.info("GetMeetings failed for committee %s: using ieListMeetings", committee)
        yield self.meeting_list_request(committee)

    def parse_meetings_xml(self, response, committee: str):
        try:
            meetings = discovery.meetings_from_xml(response)
        except NotWebService as exc:
            self.logger.info("GetMeetings unusable for committee %s (%s)", committee, exc)
            yield self.meeting_list_request(committee)
            return
        for ref in meetings:
            if self.in_window(ref.day):
                req = self.content_request(
                    meeting_url(self.source.base_url, ref.id, ref.committee_id or committee),
                    priority=0,
                )
                if req:
                    yield req

    # -- discovery: HTML ---------------------------------------------------------------
    def parse_committees_html(self, response):
        committees = discovery.committees_from_html(response)
        if not committees:
            self.problem(
                response.url, "no committees found on the committee page (layout changed?)"
            )
            yield from self.calendar_requests()
            return
        followed = [c for c in committees if self.follows_committee(c.id, c.title)]
        self.check_filter(response.url, committees, followed)
        for committee in followed:
            yield from self.committee_feed(committee.id)
            yield self.meeting_list_request(committee.id)

    def check_filter(self, url: str, committees: list, followed: list) -> None:
        """A `committees` entry matching nothing is a typo or a renamed committee: say so."""
        if not (self.committee_ids or self.committee_titles):
            return
        known = {c.id for c in committees} | {c.title.lower() for c in committees}
        wanted = set(self.source.committees)
        missing = sorted(w for w in wanted if w.strip().lower() not in known)
        if missing:
            self.problem(url, f"no committee matches {', '.join(map(repr, missing))} (renamed?)")

    def meeting_list_request(self, committee: str):
        return self.request(
            self.url(f"ieListMeetings.aspx?CId={committee}&Year=0"),
            self.parse_meeting_list,
            cb_kwargs={"committee": committee, "direction": None},
        )

    def parse_meeting_list(self, response, committee: str, direction: str | None):
        listing = discovery.meetings_from_list_html(response)
        if listing is None:
            self.problem(response.url, "no meetings list on the page (layout changed?)")
            return
        days = [m.day for m in listing.meetings if m.day]
        for ref in listing.meetings:
            if self.in_window(ref.day):
                req = self.content_request(
                    meeting_url(response.url, ref.id, ref.committee_id or committee), priority=0
                )
                if req:
                    yield req
        # Page through the window, each direction only onwards (never back and forth).
        if (
            days
            and listing.earlier
            and direction in (None, "earlier")
            and min(days) > self.window_start
        ):
            yield self.request(listing.earlier, self.parse_meeting_list,
                               cb_kwargs={"committee": committee, "direction": "earlier"})  # fmt: skip
        if days and listing.later and direction in (None, "later") and max(days) < self.window_end:
            yield self.request(listing.later, self.parse_meeting_list,
                               cb_kwargs={"committee": committee, "direction": "later"})  # fmt: skip

    def committee_feed(self, committee: str):
        url = self.url(f"mgRss.aspx?CID={committee}")
        if self.once("rss:" + committee):
            yield self.request(
                url, self.parse_rss, priority=PRIORITY_RSS, meta={"cw_optional": True}
            )

    def parse_rss(self, response):
        for link in discovery.links_from_rss(response):
            # Links to mgAi pages lead nowhere: only its meeting page can hand an item to
            # mgAi to be completed (`content_request` never fetches mgAi alone).
            req = self.content_request(link, priority=PRIORITY_FROM_RSS)
            if req:
                yield req

    def parse_decision_list(self, response):
        # The officer decisions list has no date filter and may go back years.
        refs = discovery.decisions_from_list(response)
        yield from self.listed_requests(response, refs, "decisions table")

    # -- content -----------------------------------------------------------------------
    def complete_requests(self, page):
        for link, item in page.incomplete:
            # The item goes with the request and comes back whole, with the full minutes.
            if self.once("mgai.aspx:" + item.key.rsplit(":", 1)[-1]):
                yield self.request(link, self.parse_content, priority=PRIORITY_FOLLOW,
                                   cb_kwargs={"name": "mgai.aspx", "item": item})  # fmt: skip
