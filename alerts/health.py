"""Source health for maintainers: tell them once when a source breaks, and once when it recovers.

The same for each URL a source's crawls report a problem for (an HTTP error, a refused
answer, a page held back as suspect, a redirect away): a URL with a problem in
`[maintainers] url_failures_before_alert` crawls in a row (default 2) is reported once,
naming it, and once more when it works again. `url_health` holds each URL's streak.

A source is failing when its crawl failed, found nothing, or found far fewer documents
than its recent runs did (the council redesigned its site and our parser now matches
nothing, or the site is serving an error page with a 200). `source_health` holds the
state last reported, so a source that stays broken for a week produces one alert, not
one per crawl.
"""

from __future__ import annotations

import logging
import statistics
from datetime import datetime

from sqlalchemy import select

from alerts.outbox import enqueue_health
from core.config import Config
from storage.coverage import holds
from storage.db import Archive
from storage.models import CrawlCoverage, CrawlRun, Document, Source, SourceHealth, UrlHealth
from storage.types import utcnow

log = logging.getLogger(__name__)

# "Far fewer than usual": under this share of the median of the last RECENT_RUNS
# finished runs, once there are at least MIN_HISTORY of them to judge by.
DROP_RATIO = 0.5
RECENT_RUNS = 5
MIN_HISTORY = 3


def _read_off_topic_articles(session, result) -> int:
    """Articles a news source read and left out as off its topics: not an empty crawl."""
    run = session.get(CrawlRun, result.run_id) if result.run_id else None
    return int(((run.stats or {}) if run else {}).get("councilwatch/articles_off_topic", 0))


def problem_with(session, result) -> str | None:
    """Why this crawl result means the source is unhealthy, or None if it looks normal."""
    if result.status == "failed":
        detail = result.problems[-1] if result.problems else "the crawl failed"
        return f"crawl failed: {detail}"
    if result.status != "finished":
        return None  # interrupted (stopped by us) or skipped says nothing about the source
    if result.documents == 0 and not _read_off_topic_articles(session, result):
        return "the crawl found no documents"
    # Spiders end a problem with "(layout changed?)" when a page no longer yields what it
    # should (moderngov); the maintainers must hear of it even though the crawl ran.
    relaid = [p for p in result.problems if p.endswith("(layout changed?)")]
    if relaid:
        return f"{len(relaid)} page(s) no longer parse: {relaid[0]}"
    history = session.scalars(
        select(CrawlRun.documents)
        .join(Source, CrawlRun.source_id == Source.id)
        .where(
            Source.name == result.source,
            CrawlRun.status == "finished",
            CrawlRun.id != (result.run_id or -1),
            CrawlRun.documents > 0,
        )
        .order_by(CrawlRun.id.desc())
        .limit(RECENT_RUNS)
    ).all()
    if len(history) >= MIN_HISTORY:
        usual = statistics.median(history)
        if result.documents < usual * DROP_RATIO:
            return (
                f"the crawl found {result.documents} documents, far fewer than usual "
                f"(median {usual:g} over the last {len(history)} runs)"
            )
    return None


def check_health(config: Config, archive: Archive, results, *, now: datetime | None = None) -> int:
    """Queue source-health alerts for the maintainers; return how many state changes were found."""
    now = now or utcnow()
    changed = 0
    for result in results:
        if getattr(result, "skipped", False):
            continue
        with archive.session() as session:
            problem = problem_with(session, result)
            if problem is None and result.status != "finished":
                continue
            row = session.get(SourceHealth, result.source)
            was_failing = row is not None and row.state == "failing"
            if problem and not was_failing:
                state, reason = "failing", problem
            elif problem is None and was_failing:
                state, reason = "recovered", f"the crawl found {result.documents} documents"
            else:
                continue
            if row is None:
                row = SourceHealth(source=result.source, state="ok", since=now)
                session.add(row)
            row.state = "failing" if state == "failing" else "ok"
            row.reason = problem
            row.since = now
            event = {
                "source": result.source,
                "state": state,
                "reason": reason,
                "run_id": result.run_id,
            }
            enqueue_health(session, config, event, now=now)
            changed += 1
            log.warning("source %s is %s: %s", result.source, state, reason)
    for result in results:
        if result.status == "finished" and result.run_id is not None:
            with archive.session() as session:
                changed += check_url_health(session, config, result, now=now)
    return changed


def problem_url(problem: str) -> str | None:
    """The URL a crawl problem is about ("<url>: <what went wrong>"), or None for problems
    about the whole source ("<source>: the crawl found no documents at all")."""
    url, sep, _ = problem.partition(": ")
    return url if sep and url.startswith(("http://", "https://")) else None


def urls_read(session, source: str, run_id: int, urls: list[str]) -> set[str]:
    """Which of `urls` this run read a document from: stored by it, or found unchanged
    (an unchanged document is not rewritten; the run's coverage row holds it)."""
    if not urls:
        return set()
    run = session.get(CrawlRun, run_id)
    if run is None:
        return set()
    documents = session.execute(
        select(Document.id, Document.url, Document.last_seen)
        .join(Source, Document.source_id == Source.id)
        .where(Source.name == source, Document.url.in_(urls))
    ).all()
    coverage = session.get(CrawlCoverage, run_id)
    ranges = coverage.document_ranges if coverage is not None else []
    return {
        url
        for ident, url, last_seen in documents
        if last_seen >= run.started_at or holds(ranges, ident)
    }


def check_url_health(session, config: Config, result, *, now: datetime) -> int:
    """Count each URL's crawls in a row with a problem; queue one alert when a URL reaches
    the threshold and one when it works again. Returns how many alerts were queued.

    Only finished crawls count: when a whole crawl fails (the site is down), the source's
    alert says so, and its URLs keep the streaks they had. A URL neither failing nor read
    in a crawl (not asked this time) keeps its streak too.
    """
    threshold = config.maintainers.url_failures_before_alert
    failing: dict[str, str] = {}
    for problem in result.problems:
        url = problem_url(problem)
        if url and url not in failing:
            failing[url] = problem[len(url) + 2 :]
    rows = {
        row.url: row
        for row in session.scalars(select(UrlHealth).where(UrlHealth.source == result.source))
    }
    queued = 0
    for url, reason in failing.items():
        row = rows.get(url)
        if row is None:
            row = UrlHealth(source=result.source, url=url, failures=0, first_failed_at=now)
            session.add(row)
        if row.last_run_id == result.run_id:
            continue  # this run was counted already
        row.failures += 1
        row.reason, row.last_run_id = reason, result.run_id
        if row.failures >= threshold and row.alerted_at is None:
            row.alerted_at = now
            event = {
                "source": result.source,
                "url": url,
                "state": "failing",
                "reason": f"a problem in {row.failures} crawls in a row: {reason}",
                "run_id": result.run_id,
            }
            queued += enqueue_health(session, config, event, now=now) and 1
            log.warning("%s (source %s) is failing: %s", url, result.source, reason)
    quiet = [url for url in rows if url not in failing]
    for url in urls_read(session, result.source, result.run_id, quiet):
        row = rows[url]
        if row.alerted_at is not None:
            event = {
                "source": result.source,
                "url": url,
                "state": "recovered",
                "reason": f"it was read normally again after {row.failures} crawls with a problem",
                "run_id": result.run_id,
            }
            queued += enqueue_health(session, config, event, now=now) and 1
            log.warning("%s (source %s) has recovered", url, result.source)
        session.delete(row)
    return queued
