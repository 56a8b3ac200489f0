"""UK time: the zone every schedule, date and displayed time is read in.

Stored times are UTC; a time without a zone (SQLite hands them back so) is UTC too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def _local(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UK)


def uk_time(value: datetime | None, missing: str = "-") -> str:
    """A time as a UK reader expects it, day first, with the clock it is on:
    `1 Dec 2026 10:42 GMT`."""
    if value is None:
        return missing
    local = _local(value)
    return f"{local.day} {local:%b %Y %H:%M} {local.tzname()}"


def uk_time_short(value: datetime | None) -> str:
    """A time for a terminal column, UK local and day first: `01 Dec 2026 10:42`."""
    if value is None:
        return "-"
    return _local(value).strftime("%d %b %Y %H:%M")


def iso(value: datetime | None) -> str | None:
    """A time for JSON: ISO 8601 in UTC (readers convert; UK time is for people)."""
    return value.astimezone(UTC).isoformat() if value else None
