"""The date readers of machine-written formats, one per format: ISO 8601 (Atom, sitemaps,
JSON-LD, stored fields) and the RFC 822 / HTTP date (RSS `pubDate`, `Retry-After`).

Dates printed for people (a council's "15th January 2026") are read by the spider of
the site that prints them; what the command line accepts is `councilwatch/dates.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_iso(value: str) -> datetime | None:
    """ISO 8601, with "Z" for UTC as feeds write it; None if it is not. Without an offset
    the result is naive: what that means depends on who wrote it."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_http_date(value: str) -> datetime | None:
    """An RFC 822 / RFC 9110 date ("Tue, 01 Dec 2026 10:00:00 GMT"); None if it is not.
    Always aware: one without a zone is UTC, as HTTP dates are."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
