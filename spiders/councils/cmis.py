"""The CMIS spider: one spider for every council on Civica CMIS (DotNetNuke sites).

A council is configuration (`[[sources]] type = "cmis"`: base_url, meetings_page,
lookback_days, lookahead_days, documents). Discovery: the meeting list view
(`meetings_page`, which shows the current month whatever it is asked) and the month
calendars of the window (`MeetingCalendarPublicNoJava/.../Date/{yyyy-mm-dd}/`, on the
list view's tab and module). Content: each meeting page (`ViewMeetingPublic`), stored.
Parsing is in `cmis_pages.py`; fetching once, the window and emitting come from
`CouncilSpider`.
"""

from __future__ import annotations

from urllib.parse import urljoin

from spiders.councils import cmis_pages as cmis
from spiders.councils.platform import PRIORITY_FOLLOW, CouncilSpider


class CmisSpider(CouncilSpider):
    name = "cmis"
    source_type = "cmis"

    async def start(self):
        listing = urljoin(self.source.base_url, self.source.meetings_page)
        yield self.request(listing, self.parse_meeting_list)
        for month in self.window_months():
            url = cmis.calendar_url(listing, month)
            if url is None:
                self.logger.info("no tab and module ids in %s: the list view only", listing)
                break
            yield self.request(url, self.parse_meeting_list)

    def parse_meeting_list(self, response):
        yield from self.listed_requests(
            response, cmis.meetings_from_list(response), "meetings grid"
        )

    def content_request(self, url: str, priority: int = PRIORITY_FOLLOW):
        """A meeting page, once per meeting id, whichever list or calendar linked to it."""
        ident = cmis.path_param(url, "Meeting")
        if not (ident and cmis.MEETING_PAGE.search(url)) or not self.once("meeting:" + ident):
            return None
        return self.request(url, self.parse_content, priority=priority,
                            cb_kwargs={"name": "viewmeetingpublic"})  # fmt: skip
