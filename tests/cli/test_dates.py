"""One date grammar for every --since and --until, read as UK calendar days."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from councilwatch.dates import UK, DateError, date_bound, date_range

# A winter "now", so UK midnight is 00:00 UTC; summer cases say so.
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def since(text: str) -> datetime:
    return date_bound(text, "--since", end=False, now=NOW)


def until(text: str) -> datetime:
    return date_bound(text, "--until", end=True, now=NOW)


@pytest.mark.parametrize(
    ("text", "first", "after"),
    [
        ("2016", datetime(2016, 1, 1, tzinfo=UK), datetime(2017, 1, 1, tzinfo=UK)),
        ("2016-03", datetime(2016, 3, 1, tzinfo=UK), datetime(2016, 4, 1, tzinfo=UK)),
        ("2016-12", datetime(2016, 12, 1, tzinfo=UK), datetime(2017, 1, 1, tzinfo=UK)),
        ("today", datetime(2026, 12, 1, tzinfo=UK), datetime(2026, 12, 2, tzinfo=UK)),
        ("yesterday", datetime(2026, 11, 30, tzinfo=UK), datetime(2026, 12, 1, tzinfo=UK)),
    ],
)
def test_a_year_a_month_or_a_day_runs_from_its_first_uk_midnight_to_the_next(text, first, after):
    assert (since(text), until(text)) == (first, after)


def test_iso_and_day_first_dates_are_the_same_day():
    assert since("2016-04-01") == since("01/04/2016") == since("1/4/2016")
    assert since("1/4/2016") == datetime(2016, 3, 31, 23, 0, tzinfo=UTC)  # BST midnight
    assert until("31/03/2016") == datetime(2016, 4, 1, tzinfo=UK)


def test_today_is_the_uk_day_just_after_midnight_in_summer():
    # 23:30 UTC on 30 June is 00:30 BST on 1 July: "today" is 1 July.
    now = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert date_bound("today", "--since", end=False, now=now) == datetime(2026, 7, 1, tzinfo=UK)


def test_days_weeks_and_months_ago_count_calendar_days():
    assert since("7 days ago") == datetime(2026, 11, 24, tzinfo=UK)
    assert since("1 day ago") == datetime(2026, 11, 30, tzinfo=UK)
    assert since("2 weeks ago") == datetime(2026, 11, 17, tzinfo=UK)
    assert since("3 months ago") == datetime(2026, 9, 1, tzinfo=UK)
    march_31 = datetime(2026, 3, 31, 12, tzinfo=UTC)
    assert date_bound("1 month ago", "--since", end=False, now=march_31) == datetime(
        2026, 2, 28, tzinfo=UK
    )


def test_an_iso_time_is_taken_as_given():
    assert since("2026-11-01T09:30") == datetime(2026, 11, 1, 9, 30, tzinfo=UK)
    assert since("2026-11-01T09:30:00+00:00") == datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["12/31/2026", "2026-13-01", "31/02/2026", "2016-00", "last tuesday", "soon", ""]
)
def test_anything_else_is_refused_naming_the_option(text):
    with pytest.raises(DateError, match="^--until: cannot read"):
        until(text)


def test_until_before_since_is_refused():
    with pytest.raises(DateError, match="--until is before --since"):
        date_range("2016-04", "2016-03", now=NOW)


@pytest.mark.parametrize(
    "command", [("changes",), ("search", "council"), ("figures-over-time", "x")]
)
def test_every_command_refuses_a_month_first_date_in_one_line(in_demo, command):
    result = in_demo(*command, "--since", "12/31/2026")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("councilwatch: --since: cannot read '12/31/2026'")


@pytest.mark.parametrize("command", [("changes",), ("search", "council")])
def test_every_command_reads_since_2016_as_the_whole_year_onwards(in_demo, command):
    # The demo's changes were all detected today: from 2016 finds them, until 2016 does not.
    found = in_demo(*command, "--since", "2016", "--json")
    none = in_demo(*command, "--until", "2016", "--json")
    assert found.returncode == 0 and none.returncode == 0, found.stderr + none.stderr
    assert len(found.stdout) > len(none.stdout)
    assert "[]" in none.stdout


def test_changes_since_today_finds_what_was_detected_today(in_demo):
    result = in_demo("changes", "--since", "today", "--json")
    assert result.returncode == 0, result.stderr
    assert '"kind": "status"' in result.stdout
