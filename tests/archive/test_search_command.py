"""`councilwatch search` on the command line, and its UK-date filters."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from archive_data import DECISION, REDUNDANCIES

from councilwatch.dates import date_bound
from storage.search import search


def test_search_on_the_command_line_says_which_version_matched_and_marks_the_words(
    journalist_sqlite_url, cli
):
    result = cli("search", '"31 of 44"', "--kind", "decision", "--json", db=journalist_sqlite_url)
    assert result.returncode == 0, result.stderr
    [hit] = json.loads(result.stdout)["results"]
    assert hit["document"]["key"] == DECISION
    assert hit["version"] == {
        "id": hit["version"]["id"], "number": 1, "of": 3, "current": False,
        "seen_at": "2016-02-23T17:00:00+00:00",
    }  # fmt: skip
    # An HTML fragment: the text escaped, the matched phrase in <mark>.
    assert "funding <mark>31 of 44</mark> children&#x27;s centres" in hit["snippet"]

    shown = cli("search", "redundan*", db=journalist_sqlite_url)
    assert shown.returncode == 0, shown.stderr
    assert REDUNDANCIES in shown.stdout
    assert "version 1 of 1, first seen 01 Apr 2016 00:30" in shown.stdout


def test_a_query_with_bad_syntax_gets_a_one_line_message_not_a_traceback(
    journalist_sqlite_url, cli
):
    result = cli("search", "\"children's centres", db=journalist_sqlite_url)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        'councilwatch: search: a double quote is not closed: put a phrase in "double quotes" '
        "(or remove the quote)"
    )
    bad_date = cli("search", "centres", "--since", "2016-13-01", db=journalist_sqlite_url)
    assert bad_date.returncode == 2
    assert len(bad_date.stderr.strip().splitlines()) == 1 and "Traceback" not in bad_date.stderr


def test_dates_are_uk_calendar_days_years_and_months():
    assert date_bound("2016-04-01", "--since", end=False) == datetime(2016, 3, 31, 23, 0, tzinfo=UTC)  # fmt: skip
    assert date_bound("01/04/2016", "--since", end=False) == datetime(2016, 3, 31, 23, 0, tzinfo=UTC)  # fmt: skip
    # --until a day runs to the end of that day.
    assert date_bound("2016-03-31", "--until", end=True) == datetime(2016, 3, 31, 23, 0, tzinfo=UTC)  # fmt: skip
    assert date_bound("2016", "--since", end=False) == datetime(2016, 1, 1, tzinfo=UTC)
    assert date_bound("2016", "--until", end=True) == datetime(2017, 1, 1, tzinfo=UTC)
    assert date_bound("2016-12", "--until", end=True) == datetime(2017, 1, 1, tzinfo=UTC)


def test_a_version_seen_just_after_midnight_uk_time_belongs_to_that_uk_day(journalist_archive):
    # The article was stored at 23:30 UTC on 31 March 2016: 00:30 on 1 April in the UK.
    with journalist_archive.archive.session() as session:
        on_1_april = search(
            session,
            "redundancies",
            since=date_bound("2016-04-01", "--since", end=False),
            until=date_bound("2016-04-01", "--until", end=True),
        )
        until_31_march = search(
            session, "redundancies", until=date_bound("2016-03-31", "--until", end=True)
        )
    assert [h.key for h in on_1_april] == [REDUNDANCIES]
    assert until_31_march == []
