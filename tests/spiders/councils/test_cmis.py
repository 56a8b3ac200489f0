"""The CMIS platform on real Birmingham captures: its parsers, the registry `compare` reads,
and a crawl of a replayed CMIS site."""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from core.config import UK
from councilwatch.replay import ReplayServer
from spiders.councils import cmis_pages
from spiders.items import validate
from spiders.parsers import parse_saved, saved_response
from tests.helpers.command import councilwatch

FIXTURES = Path(__file__).parent / "fixtures" / "cmis"
REAL_HOST = "https://birmingham.cmis.uk.com"
SITE = "/birmingham/Meetings/tabid/70/ctl/"
MEETING = (
    SITE + "ViewMeetingPublic/mid/397/Meeting/{}/Committee/6/SelectedTab/Documents/Default.aspx"
)
LIST_VIEW = SITE + "MeetingCalendarListView/mid/397/Default.aspx"


def capture(name: str) -> bytes:
    return (FIXTURES / f"birmingham_cmis_{name}_trimmed.html").read_bytes()


def test_a_meeting_page_gives_committee_start_status_venue_and_papers():
    page = parse_saved(REAL_HOST + MEETING.format(15060), capture("meeting_summary"), "bham")

    assert page.problems == []
    [meeting] = page.documents
    assert meeting.key == "bham:meeting:15060"
    assert meeting.fields == {
        "committee": "Licensing Sub-Committee A",
        "start": "2026-08-03T10:00:00+01:00",  # 24-hour clock, BST in August
        "status": "Scheduled",  # labelled Status, though its value has the class "Venue"
        "venue": "On-line meeting",
        "items": [],
        "documents": [
            {
                "title": "Minutes of the previous meeting",
                "url": REAL_HOST + "/birmingham/Document.ashx?czJKcaeAi5tUFL1DTL2UE4sOqCLHzE2A",
                "id": "czJKcaeAi5tUFL1DTL2UE4sOqCLHzE2A",
            }
        ],
    }
    validate(meeting)


def test_a_meeting_page_without_its_committee_is_a_problem_not_a_document():
    body = capture("meeting_summary").replace(b"Committee:", b"Comittee:")
    page = parse_saved(REAL_HOST + MEETING.format(15060), body, "bham")

    assert page.documents == []
    assert page.problems == ["meeting page without a Meeting id or Committee (layout changed?)"]


def test_the_list_view_gives_each_meeting_with_its_date():
    refs = cmis_pages.meetings_from_list(saved_response(REAL_HOST + LIST_VIEW, capture("listview")))

    assert [(r.id, r.day) for r in refs] == [
        ("15042", date(2026, 7, 9)),
        ("15115", date(2026, 7, 23)),
    ]


def test_the_calendar_dates_its_meetings_in_the_year_of_its_url():
    url = cmis_pages.calendar_url(REAL_HOST + LIST_VIEW, date(2026, 6, 1))
    refs = cmis_pages.meetings_from_list(saved_response(url, capture("calendar_month")))

    assert (
        url == REAL_HOST + SITE + "MeetingCalendarPublicNoJava/mid/397/Date/2026-06-01/Default.aspx"
    )
    assert [(r.id, r.day) for r in refs] == [
        ("15028", date(2026, 6, 8)),
        ("15029", date(2026, 6, 9)),
        ("15030", date(2026, 6, 9)),
        ("15099", date(2026, 6, 30)),
    ]


def test_a_page_without_a_meetings_grid_is_told_apart_from_an_empty_month():
    html = b"<html><body><p>Page not found</p></body></html>"
    assert cmis_pages.meetings_from_list(saved_response(REAL_HOST + LIST_VIEW, html)) is None


def _months_around_today() -> list[date]:
    today = datetime.now(UK).date()
    index = today.year * 12 + today.month - 1
    return [date((index + k) // 12, (index + k) % 12 + 1, 1) for k in range(-6, 7)]


@pytest.fixture
def replayed_cmis(tmp_path):
    """A CMIS site on 127.0.0.1 made of the captures, their links pointed at it."""
    with ReplayServer() as server:
        base = server.url.rstrip("/")

        def add(target: str, body: bytes) -> None:
            server.add(
                target, body.replace(REAL_HOST.encode(), base.encode()), content_type="text/html"
            )

        add(LIST_VIEW, capture("listview"))
        empty = (
            capture("calendar_month").split(b'<tr class="rgRow"')[0]
            + b"</table></div></body></html>"
        )
        # The month calendars the crawl walks: two of them link to the same meetings, one
        # without the "SelectedTab" part, and each meeting is fetched once all the same.
        months = _months_around_today()
        calendars = {
            months[0]: capture("calendar_month"),
            months[1]: capture("calendar_month").replace(b"/SelectedTab/Documents/", b"/"),
        }
        for month in months:
            target = (
                SITE + f"MeetingCalendarPublicNoJava/mid/397/Date/{month:%Y-%m-%d}/Default.aspx"
            )
            add(target, calendars.get(month, empty))
        for ident, committee in (
            ("15042", 4),
            ("15115", 38),
            ("15028", 6),
            ("15029", 7),
            ("15030", 7),
            ("15099", 4),
        ):
            target = MEETING.format(ident).replace("Committee/6", f"Committee/{committee}")
            add(target, capture("meeting_summary"))
        (tmp_path / "councilwatch.toml").write_text(
            "[crawl]\ndelay_seconds = 0\n\n"
            f'[[sources]]\nname = "bham"\ntype = "cmis"\nbase_url = "{base}/birmingham/"\n'
            f'meetings_page = "{LIST_VIEW.removeprefix("/birmingham/")}"\n'
            "lookback_days = 3650\nlookahead_days = 3650\n",
            encoding="utf-8",
        )
        yield tmp_path, server


def _councilwatch(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return councilwatch(folder, *args, db=f"sqlite:///{folder / 'archive.db'}")


def test_a_cmis_council_is_crawled_from_its_list_view_and_calendars(replayed_cmis):
    folder, server = replayed_cmis

    result = _councilwatch(folder, "crawl", "--no-alerts")
    exported = _councilwatch(folder, "export", "--format", "jsonl")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 problems" in result.stdout and "problem:" not in result.stdout, result.stdout
    stored = {row["key"]: row for row in map(json.loads, exported.stdout.splitlines())}
    assert set(stored) == {
        f"bham:meeting:{ident}" for ident in ("15042", "15115", "15028", "15029", "15030", "15099")
    }
    # Each meeting page once, though two calendars link to it.
    meeting_hits = [h.target for h in server.hits if "ViewMeetingPublic" in h.target]
    assert len(meeting_hits) == len(set(meeting_hits)) == 6
