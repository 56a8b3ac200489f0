"""The base of every council platform's spider: the date window, each page fetched once, and
the pages a platform's parsers read emitted as the crawl stores them.

A platform is a subclass (its `name`/`source_type`, `start()`, its discovery callbacks and
`content_request`) plus its parse functions, registered in `page_types.PAGE_TYPES` under
the same `source_type`; `parse_content` reads that table, as `councilwatch compare` does.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import scrapy

from core.uktime import UK
from spiders.base import SourceSpider
from spiders.councils import page_types
from spiders.councils.page_types import CouncilPage, ListedPage
from spiders.error_pages import error_page_item
from spiders.web.documents import DocumentUnreadable, parse_document

# Follow-ups of a page go before the next sweep item.
PRIORITY_FOLLOW = 10
# Month calendars are walked at most this many months either side of this month.
CALENDAR_MONTHS = 6


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class CouncilSpider(SourceSpider):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = datetime.now(UK).date()
        self.window_start: date = today - timedelta(days=self.source.lookback_days)
        self.window_end: date = today + timedelta(days=self.source.lookahead_days)
        # One fetch per document page and report, however many links (differently spelt)
        # lead to it: keys the platform picks, "meeting:{id}", "report:{id}".
        self.scheduled: set[str] = set()

    def in_window(self, day: date | None) -> bool:
        # A meeting whose date we cannot read is fetched rather than silently skipped.
        return day is None or self.window_start <= day <= self.window_end

    def window_months(self) -> list[date]:
        """The first day of each month of the window, for sites found month by month: at
        most CALENDAR_MONTHS either side of this month, one request each, and the meetings
        that matter most are the recent and coming ones."""
        today = datetime.now(UK).date()
        month = max(self.window_start, add_months(today, -CALENDAR_MONTHS)).replace(day=1)
        last = min(self.window_end, add_months(today, CALENDAR_MONTHS))
        months = []
        while month <= last:
            months.append(month)
            month = add_months(month, 1)
        return months

    def once(self, key: str) -> bool:
        if key in self.scheduled:
            return False
        self.scheduled.add(key)
        return True

    def request(self, url: str, callback, priority: int = 0, **kwargs) -> scrapy.Request:
        return scrapy.Request(
            url, callback=callback, errback=self.request_failed, priority=priority, **kwargs
        )

    def content_request(self, url: str, priority: int = PRIORITY_FOLLOW):
        """A request for a page that holds documents, at most once (None if not to fetch)."""
        raise NotImplementedError

    def listed_requests(self, response, refs: list[ListedPage] | None, listing: str):
        """The document pages a discovery list links to, those of the window, before any
        follow-up; `refs` None (the page has no `listing`) is a problem unless the page is
        optional."""
        if refs is None:
            if not response.meta.get("cw_optional"):
                self.problem(response.url, f"no {listing} on the page (layout changed?)")
            return
        for ref in refs:
            if self.in_window(ref.day):
                req = self.content_request(ref.url, priority=0)
                if req:
                    yield req

    def complete_requests(self, page: CouncilPage):
        """Requests for the pages that complete `page.incomplete` (none by default)."""
        return ()

    # -- content -----------------------------------------------------------------------
    def emit(self, response, page: CouncilPage, what: str):
        """The page to store (if it holds anything), its problems, and its follow-ups."""
        if not page.documents and (gone := error_page_item(response, self.source.name)):
            yield gone  # an error page where documents were: the importer holds them back
            return
        for problem in page.problems:
            self.problem(response.url, problem)
        if page.documents:
            yield page
        elif not page.problems and not page.incomplete:
            self.problem(response.url, f"no {what} found on the page (layout changed?)")
        for link in page.follow:
            req = self.content_request(link)
            if req:
                yield req
        yield from self.complete_requests(page)
        if self.source.documents:
            yield from self.report_requests(page)

    def report_requests(self, page: CouncilPage):
        items = [*page.documents, *(item for _, item in page.incomplete)]
        for doc in items:
            for link in doc.fields.get("documents") or []:
                ident = link.get("id")
                if ident and self.once("report:" + ident):
                    yield scrapy.Request(
                        link["url"],
                        callback=self.parse_report,
                        cb_kwargs={"ident": ident},
                        meta={"cw_binary_ok": True},
                        errback=self.request_failed,
                    )

    def parse_content(self, response, name: str, **completes):
        """Any page that holds documents, parsed by its type `name` in the platform's
        `PAGE_TYPES` (the table `councilwatch compare` uses too); `completes` is what an
        earlier page handed on."""
        page_type = page_types.page_type(self.source_type, name)
        try:
            page = page_type.parse(response, self.source.name, **completes)
        except Exception as exc:  # noqa: BLE001 - a page that breaks the parser is a problem
            if gone := error_page_item(response, self.source.name):
                yield gone
                return
            # Scrapy would log it and go on; the crawl summary must name the page too.
            self.logger.exception("parsing %s failed", response.url)
            self.problem(
                response.url,
                f"could not parse this {page_type.what}: {type(exc).__name__}: {exc} "
                "(layout changed?)",
            )
            return
        yield from self.emit(response, page, page_type.what)

    def parse_report(self, response, ident: str):
        # A scanned PDF or an old .doc is reported, never stored empty.
        try:
            return parse_document(response, self.source.name, ident)
        except DocumentUnreadable as exc:
            self.problem(response.url, str(exc))
            return None

    # -- errors ------------------------------------------------------------------------
    def request_failed(self, failure):
        # Optional pages (feeds, lists some installs lack) are missing on many installs.
        if failure.request.meta.get("cw_optional"):
            self.logger.info(
                "optional page unavailable: %s (%s)", failure.request.url, failure.value
            )
            return
        super().request_failed(failure)
