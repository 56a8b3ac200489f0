"""When each document was last seen, from one coverage row per crawl (`CrawlCoverage`)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CrawlCoverage, Document


def to_ranges(ids: Iterable[int]) -> list[list[int]]:
    ranges: list[list[int]] = []
    for ident in sorted(set(ids)):
        if ranges and ident == ranges[-1][1] + 1:
            ranges[-1][1] = ident
        else:
            ranges.append([ident, ident])
    return ranges


def holds(ranges: list[list[int]], ident: int) -> bool:
    i = bisect_right(ranges, [ident, float("inf")]) - 1
    return i >= 0 and ranges[i][0] <= ident <= ranges[i][1]


def record_coverage(
    session: Session, run_id: int, source_id: int, ids: Iterable[int], seen_at: datetime
) -> None:
    ranges = to_ranges(ids)
    if ranges:
        count = sum(last - first + 1 for first, last in ranges)
        session.add(CrawlCoverage(run_id=run_id, source_id=source_id, seen_at=seen_at,
                                  document_ranges=ranges, documents=count))  # fmt: skip


def last_seen(session: Session, documents: Iterable[Document]) -> dict[int, datetime]:
    """Document id -> when it was last seen: its stored `last_seen` (first seen, or its
    latest version written) or the newest crawl that found it unchanged, if later."""
    result: dict[int, datetime] = {}
    by_source: dict[int, list[Document]] = {}
    for doc in documents:
        result[doc.id] = doc.last_seen
        by_source.setdefault(doc.source_id, []).append(doc)
    for source_id, docs in by_source.items():
        waiting = {doc.id: doc.last_seen for doc in docs}
        floor = min(waiting.values())
        rows = session.execute(
            select(CrawlCoverage.seen_at, CrawlCoverage.document_ranges)
            .where(CrawlCoverage.source_id == source_id)
            .order_by(CrawlCoverage.seen_at.desc())
            .execution_options(yield_per=50)
        )
        for seen_at, ranges in rows:
            if not waiting or seen_at <= floor:
                break  # no older crawl can make any of those still waiting later
            found = [ident for ident in waiting if holds(ranges, ident)]
            for ident in found:
                result[ident] = max(result[ident], seen_at)
                del waiting[ident]
            if found and waiting:
                floor = min(waiting.values())
        rows.close()
    return result
