"""The spider's decisions about what to fetch, on saved answers: fast, no network.

The spider is the real one, built from a real config file; its callbacks get the
responses a site would give and the tests look at the requests they yield."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import scrapy
from twisted.python.failure import Failure

from core.uktime import UK
from spiders.councils.markup import query_param
from spiders.councils.moderngov import ModernGovSpider
from spiders.parsers import saved_response
from tests.helpers.moderngov_testsite import COUNCIL, FIXTURES, SITE_CALENDAR_ONLY

BASE = "http://127.0.0.1:8000/council/"


@pytest.fixture
def spider(tmp_path):
    def make(extra: str = "") -> ModernGovSpider:
        path = tmp_path / "councilwatch.toml"
        path.write_text(
            f'[[sources]]\nname = "kingston"\ntype = "moderngov"\nbase_url = "{BASE}"\n' + extra,
            encoding="utf-8",
        )
        made = ModernGovSpider(source="kingston", config=str(path))
        made.crawler = None  # built outside a crawl: problems are listed, not counted in stats
        return made

    return make


def days_since(day: date) -> int:
    return (datetime.now(UK).date() - day).days


def urls(results) -> list[str]:
    return [r.url for r in results if isinstance(r, scrapy.Request)]


def answer(url: str, path, content_type: str | None = None):
    return saved_response(url, path.read_bytes(), content_type)


def test_start_reads_the_whats_new_feed_first_under_the_base_path(spider):
    import asyncio

    async def first():
        async for request in spider().start():
            return request

    assert asyncio.run(first()).url == BASE + "mgRss.aspx?XXR=0"


def test_meetings_before_the_lookback_window_are_not_fetched(spider):
    s = spider(f"lookback_days = {days_since(date(2026, 1, 1))}\nlookahead_days = 36500\n")
    response = answer(BASE + "mgWebService.asmx/GetMeetings", COUNCIL / "GetMeetings.xml")
    assert urls(s.parse_meetings_xml(response, committee="711")) == [
        BASE + "ieListDocuments.aspx?CId=711&MId=10221&Ver=4",
        BASE + "ieListDocuments.aspx?CId=711&MId=10337&Ver=4",
    ]


def test_meetings_after_the_lookahead_window_are_not_fetched(spider):
    today = datetime.now(UK).date()
    soon, later = today + timedelta(days=10), today + timedelta(days=40)
    xml = (
        "<getmeetings><committee><committeeid>711</committeeid><committeemeetings>"
        f"<meeting><meetingid>1</meetingid><meetingdate>{soon:%d/%m/%Y}</meetingdate></meeting>"
        f"<meeting><meetingid>2</meetingid><meetingdate>{later:%d/%m/%Y}</meetingdate></meeting>"
        "</committeemeetings></committee></getmeetings>"
    )
    response = saved_response(BASE + "mgWebService.asmx/GetMeetings", xml.encode(), "text/xml")
    found = urls(spider("lookahead_days = 30\n").parse_meetings_xml(response, committee="711"))
    assert found == [BASE + "ieListDocuments.aspx?CId=711&MId=1&Ver=4"]


def test_officer_decisions_before_the_window_are_not_fetched(spider):
    s = spider(f"lookback_days = {days_since(date(2025, 10, 1))}\n")
    response = answer(
        BASE + "mgListOfficerDecisions.aspx",
        FIXTURES / "kirklees_mgDelegatedDecisions_list_trimmed.html",
    )
    assert urls(s.parse_decision_list(response)) == [BASE + "ieDecisionDetails.aspx?ID=13149"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(
            b"System.InvalidOperationException: Web Service method name is not valid.",
            "text/plain",
            id="the method is not valid",
        ),
        pytest.param(
            b"<committees><committeescount> 0</committeescount></committees>",
            "text/xml",
            id="no committees",
        ),
    ],
)
def test_a_web_service_that_lists_no_committees_hands_over_to_the_html_pages(
    spider, body, content_type
):
    response = saved_response(BASE + "mgWebService.asmx/GetCommittees", body, content_type)
    assert urls(spider().parse_committees_xml(response)) == [BASE + "mgCommitteeStructure.aspx"]


def test_the_committee_filter_by_id_asks_only_for_that_committee(spider):
    response = answer(
        BASE + "mgWebService.asmx/GetCommittees", FIXTURES / "manchester_GetCommittees.xml"
    )
    found = urls(spider('committees = ["144"]\n').parse_committees_xml(response))
    assert [(u.split("?")[0], query_param(u, "CID", "lCommitteeId")) for u in found] == [
        (BASE + "mgRss.aspx", "144"),
        (BASE + "mgWebService.asmx/GetMeetings", "144"),
    ]


def test_a_meetings_list_pages_earlier_while_the_window_reaches_further_back(spider):
    s = spider("lookback_days = 36500\n")
    response = answer(
        BASE + "ieListMeetings.aspx?CId=711&Year=0", FIXTURES / "kingston_ieListMeetings_711.html"
    )
    found = urls(s.parse_meeting_list(response, committee="711", direction="earlier"))
    assert (
        found[-1]
        == BASE + "ieListMeetings.aspx?Act=earlier&CId=711&D=202409051930&MD=ielistmeetings"
    )


def test_a_meeting_reached_by_two_spellings_is_fetched_once(spider):
    s = spider()
    first = s.content_request(BASE + "ieListDocuments.aspx?CId=711&MID=10221")
    second = s.content_request(
        "https://moderngov.kingston.gov.uk/ieListDocuments.aspx?MId=10221&CId=711&Ver=4"
    )
    assert (first.url, second) == (BASE + "ieListDocuments.aspx?CId=711&MId=10221&Ver=4", None)


def test_a_committee_filter_matching_no_committee_is_a_problem(spider):
    s = spider('committees = ["Audit Committee", "Scrutiny Board"]\n')
    response = answer(
        BASE + "mgWebService.asmx/GetCommittees", FIXTURES / "manchester_GetCommittees.xml"
    )
    list(s.parse_committees_xml(response))
    assert s.problems == [
        BASE + "mgWebService.asmx/GetCommittees: no committee matches 'Scrutiny Board' (renamed?)"
    ]


def test_a_page_that_breaks_the_parser_is_a_named_problem_not_a_crash(spider):
    s = spider()
    # Not text at all: the parser cannot even build a selector.
    response = saved_response(
        BASE + "ieListDocuments.aspx?CId=711&MId=10221&Ver=4",
        b"\x00\x01\x02",
        "application/octet-stream",
    )
    found = list(s.parse_content(response, name="ielistdocuments.aspx"))
    assert (found, [p.split(": ", 1)[1].split(":")[0] for p in s.problems]) == (
        [],
        ["could not parse this meeting"],
    )


def test_without_a_committee_page_the_month_calendars_around_today_are_read(spider):
    today = datetime.now(UK).date()
    s = spider("lookback_days = 36500\nlookahead_days = 36500\n")
    found = urls(s.committees_html_failed(Failure(Exception("HTTP 404"))))
    months = [(int(query_param(u, "Y")), int(query_param(u, "M"))) for u in found]
    assert (len(months), (today.year, today.month) in months) == (13, True)


def test_the_calendar_keeps_to_the_window_and_the_committee_filter(spider):
    s = spider(
        f"lookback_days = {days_since(date(2026, 1, 1))}\nlookahead_days = 36500\n"
        'committees = ["Kingston and North Kingston Neighbourhood Committee"]\n'
    )
    response = answer(
        BASE + "mgCalendarMonthView.aspx?GL=1&bcr=1&M=1&Y=2026",
        SITE_CALENDAR_ONLY / "mgCalendarMonthView.html",
    )
    assert urls(s.parse_calendar(response)) == [
        BASE + "ieListDocuments.aspx?CId=711&MId=10221&Ver=4",
        BASE + "ieListDocuments.aspx?CId=711&MId=10337&Ver=4",
    ]


def test_a_feed_leads_to_meetings_and_decisions_but_not_to_agenda_item_pages(spider):
    feed = (
        "<rss><channel>"
        "<item><link>https://moderngov.kingston.gov.uk/mgAi.aspx?ID=51890</link></item>"
        "<item><link>https://moderngov.kingston.gov.uk/ieDecisionDetails.aspx?ID=13567</link></item>"
        "<item><link>https://moderngov.kingston.gov.uk/ieListDocuments.aspx?CId=711&amp;MID=10221</link></item>"
        "</channel></rss>"
    )
    response = saved_response(BASE + "mgRss.aspx?XXR=0", feed.encode(), "application/rss+xml")
    assert urls(spider().parse_rss(response)) == [
        BASE + "ieDecisionDetails.aspx?ID=13567",
        BASE + "ieListDocuments.aspx?CId=711&MId=10221&Ver=4",
    ]
