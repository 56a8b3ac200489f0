"""The one date grammar of every `--since` and `--until`, read as UK calendar days.

Accepted: `2026-11-01`, `1/11/2026` (day first, as in the UK), `2016` (the year),
`2016-03` (the month), `today`, `yesterday`, `7 days ago` (also weeks, months, years),
and an ISO time (`2026-11-01T09:30`, read as UK time unless it names its offset). A
period is a boundary at its start for `--since` and at its end for `--until`, so
`--since 2016 --until 2016-03` is 1 January to 31 March 2016 inclusive. Anything else
(`12/31/2026`, `2026-13-01`, `last tuesday`) is refused with the option's name, rather
than guessed: a wrong guess silently hides what a journalist is looking for.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
EXAMPLES = "2026-11-01, 1/11/2026, 2016, 2016-03, today, yesterday or '7 days ago'"

_AGO = re.compile(r"(\d+)\s+(day|week|month|year)s?\s+ago")


class DateError(ValueError):
    """Not a date this grammar reads; the message names the option and the accepted forms."""


def _month_start(year: int, month: int) -> date:
    # Months counted from year 0, so subtracting months never needs a special case.
    total = year * 12 + month - 1
    return date(total // 12, total % 12 + 1, 1)


def _period(text: str, today: date) -> tuple[date, date] | datetime:
    """The first day and the day after the last of the period `text` names, or an exact time."""
    if m := re.fullmatch(r"(\d{4})", text):
        year = int(m[1])
        return date(year, 1, 1), date(year + 1, 1, 1)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        if not 1 <= int(m[2]) <= 12:
            raise DateError("no such month")
        start = _month_start(int(m[1]), int(m[2]))
        return start, _month_start(start.year, start.month + 1)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        day = date(int(m[1]), int(m[2]), int(m[3]))
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        day = date(int(m[3]), int(m[2]), int(m[1]))
    elif text == "today":
        day = today
    elif text == "yesterday":
        day = today - timedelta(days=1)
    elif m := _AGO.fullmatch(text):
        n, unit = int(m[1]), m[2]
        if unit in ("day", "week"):
            day = today - timedelta(days=n * (7 if unit == "week" else 1))
        else:
            months = n * (12 if unit == "year" else 1)
            first = _month_start(today.year, today.month - months)
            # The same day of that month, or its last (31 March less a month is 28/29 Feb).
            last = (_month_start(first.year, first.month + 1) - timedelta(days=1)).day
            day = first.replace(day=min(today.day, last))
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}[t ]\d{1,2}:\d{2}.*", text):
        moment = datetime.fromisoformat(text.upper())  # `text` is lower case by now
        return moment if moment.tzinfo else moment.replace(tzinfo=UK)
    else:
        raise DateError("unknown form")
    return day, day + timedelta(days=1)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UK)


def date_bound(text: str, option: str, *, end: bool, now: datetime | None = None) -> datetime:
    """`text` as an aware datetime: the start of its UK period, or (`end`) the start of the
    period after it, so `< bound` keeps the whole of the last day named."""
    cleaned = " ".join(text.strip().lower().split())
    today = (now or datetime.now(UK)).astimezone(UK).date()
    try:
        period = _period(cleaned, today)
    except ValueError:  # DateError, and date() on 2026-13-01 or 31/02/2026
        raise DateError(f"{option}: cannot read {text!r} as a date (use {EXAMPLES})") from None
    if isinstance(period, datetime):
        return period
    return _midnight(period[1] if end else period[0])


def date_range(
    since: str | None, until: str | None, *, now: datetime | None = None
) -> tuple[datetime | None, datetime | None]:
    """`--since` and `--until` together; refused when nothing could fall between them."""
    lo = date_bound(since, "--since", end=False, now=now) if since else None
    hi = date_bound(until, "--until", end=True, now=now) if until else None
    if lo and hi and hi <= lo:
        raise DateError("--until is before --since: nothing can match")
    return lo, hi
