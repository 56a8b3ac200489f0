"""The one pipeline: hands each scraped page to the importer and keeps the crawl run's record."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.util
import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object
from sqlalchemy import update
from twisted.internet.task import LoopingCall

from core.config import database_url
from monitor.importer import PageOutcome, import_pages
from spiders.items import PageItem
from spiders.signals import archive_opened
from storage.archive import source_row
from storage.coverage import record_coverage
from storage.db import Archive, DatabaseError
from storage.models import CrawlRun
from storage.types import utcnow

log = logging.getLogger(__name__)


# The run's counts are written with the page that brings them at most this often (and
# at the end), not with every page: `councilwatch status` shows progress, and a page
# costs one statement less.
PROGRESS_SECONDS = 2.0
# Pages stored in one transaction at most, when the crawl outpaces the database: enough
# to share the cost of a transaction and a flush, few enough that a page's changes are
# committed within a second or so on a slow database.
BATCH = 50
# A fast crawl hands the writer one page at a time, and a transaction's own work (finding
# the source, its documents, their suspect pages; the commit) then costs more than the
# page: 1.0 ms a page stored alone against 0.16 ms in transactions of 16 (unchanged pages;
# new ones 6.1 against 3.9 ms). So the writer, finding fewer than BATCH pages waiting,
# waits this long for more before it stores them.
GATHER_SECONDS = 0.05


@dataclass(frozen=True)
class RunCounts:
    pages: int = 0
    documents: int = 0
    new_documents: int = 0
    new_versions: int = 0
    changes: int = 0

    def plus(self, outcome: PageOutcome) -> RunCounts:
        return RunCounts(
            self.pages + 1,
            self.documents + outcome.documents,
            self.new_documents + outcome.new_documents,
            self.new_versions + outcome.new_versions,
            self.changes + len(outcome.changes),
        )


class _LoadedOnFirstCall:
    """The hook named by a dotted path, imported when first called: most crawls find no
    change, and the alerts package (its channels import an HTTP client, a feed writer and
    their dependencies) costs a crawl process some 40 ms to import. A path whose module
    does not exist fails here, when the crawl starts."""

    def __init__(self, path: str) -> None:
        module = path.rpartition(".")[0]
        if not module or importlib.util.find_spec(module) is None:
            raise ValueError(f"COUNCILWATCH_ON_CHANGES: no module {module!r} for {path!r}")
        self.path = path
        self.hook = None

    def __call__(self, *args, **kwargs):
        if self.hook is None:
            self.hook = load_object(self.path)
        return self.hook(*args, **kwargs)


class ArchivePipeline:
    """Stores pages in the archive and records the crawl run.

    Pages are stored together in one transaction: those that arrived while the last
    transaction was being written, and those that arrive within GATHER_SECONDS after (up to
    BATCH); a page that fails is retried on its own, so it loses only itself.

    The run row is created when the spider opens (or handed in as `-a run_id=N` by
    `councilwatch crawl`, which holds the source's lock) and finished on close with
    the spider's counts, problems and finish reason.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.counts = RunCounts()
        self.progress_due = 0.0
        # Documents found unchanged, recorded once when the crawl ends (storage.coverage).
        self.unchanged: set[int] = set()
        # Pages are stored on one thread of their own, in the order they come, so that
        # the crawl downloads and parses the next pages while the database works; the
        # pages that arrive meanwhile wait, and are then stored together.
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-writer")
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.waiting: list[tuple[PageItem, Future[PageOutcome]]] = []
        # A crawl is never stopped for taking long, only for receiving nothing: no
        # response for this long (`[crawl] stall_minutes`) closes it as "stalled".
        self.stall_seconds = crawler.settings.getfloat("COUNCILWATCH_STALL_SECONDS", 0)
        self.last_response = time.monotonic()
        self.stall_check: LoopingCall | None = None
        crawler.signals.connect(self._response_received, signal=signals.response_received)
        # The alerts a page's changes owe are queued in the transaction that stores the
        # page, by the hook the settings name (`COUNCILWATCH_ON_CHANGES`, a dotted path;
        # spiders/settings.py names alerts.outbox.enqueue_alerts). A setting, not an import:
        # monitor sits below alerts; and not a registry that alerts fills in when imported,
        # which would drop alerts without a word in any process that forgot that import.
        # Every crawl process is made from the settings, so the wiring is in one visible place.
        hook = crawler.settings.get("COUNCILWATCH_ON_CHANGES")
        self.on_changes = _LoadedOnFirstCall(hook) if hook else None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        url = database_url(os.environ.get("COUNCILWATCH_DB"), spider.config)
        self.archive = Archive(url)
        given = getattr(spider, "run_id", None)
        with self.archive.session() as session:
            if given:
                self.run_id = int(given)
            else:
                source = source_row(session, spider.source.name, spider.source.type)
                run = CrawlRun(source=source, started_at=utcnow())
                session.add(run)
                session.flush()
                self.run_id = run.id
        # The conditional-GET middleware reads validators through the archive, and writes
        # them on the writer thread, after the pages that came before.
        self.crawler.signals.send_catch_log(
            signal=archive_opened, archive=self.archive, writer=self.writer
        )
        if self.stall_seconds > 0:
            self.last_response = time.monotonic()
            self.stall_check = LoopingCall(self._check_stall, spider)
            self.stall_check.start(min(30.0, self.stall_seconds / 4), now=False)

    def _response_received(self, *args, **kwargs) -> None:
        self.last_response = time.monotonic()

    def _check_stall(self, spider) -> None:
        idle = time.monotonic() - self.last_response
        if idle > self.stall_seconds:
            self.stall_check.stop()
            self.stall_check = None
            spider.problem(
                spider.source.name,
                f"stalled: no response for {idle / 60:.1f} minutes; stopped "
                "(the next crawl fetches the pages not reached first)",
            )
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="stalled"))

    async def process_item(self, item, spider=None):
        spider = spider or self.crawler.spider
        if not isinstance(item, PageItem):
            raise DropItem(f"not a PageItem: {type(item).__name__}")
        stored: Future[PageOutcome] = Future()
        with self.arrived:
            self.waiting.append((item, stored))
            self.arrived.notify()
        self.writer.submit(self._store_waiting, spider)
        try:
            outcome = await asyncio.wrap_future(stored)
        except DatabaseError as exc:
            # Nothing of this page was written; the next crawl fetches it again.
            spider.problem(item.url, f"not stored: {exc}")
            deferred_from_coro(
                self.crawler.engine.close_spider_async(reason="database_unavailable")
            )
            raise DropItem(str(exc)) from None
        for problem in outcome.problems:
            spider.problem(item.url, problem)
        stats = self.crawler.stats
        stats.inc_value("councilwatch/documents", outcome.documents)
        stats.inc_value("councilwatch/new_versions", outcome.new_versions)
        return item

    def _store_waiting(self, spider) -> None:
        """Store the pages waiting, up to BATCH of them; runs on the writer thread.

        Every page queues one call, so each page is taken by its own call or an earlier one.
        """
        with self.arrived:
            if self.waiting:
                self.arrived.wait_for(lambda: len(self.waiting) >= BATCH, GATHER_SECONDS)
            batch, self.waiting = self.waiting[:BATCH], self.waiting[BATCH:]
        if not batch:
            return
        try:
            outcomes = self._store(spider, [item for item, _ in batch])
        except DatabaseError as exc:  # unreachable, locked: nothing of the batch was written
            for _, stored in batch:
                stored.set_exception(exc)
        except Exception as exc:  # noqa: BLE001 - handed to each page's own handling
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
                return
            # One page spoiled the transaction: store each on its own, so only it is lost.
            for item, stored in batch:
                try:
                    stored.set_result(self._store(spider, [item])[0])
                except Exception as page_exc:  # noqa: BLE001
                    stored.set_exception(page_exc)
        else:
            for (_, stored), outcome in zip(batch, outcomes, strict=True):
                stored.set_result(outcome)

    def _store(self, spider, items: list[PageItem]) -> list[PageOutcome]:
        """These pages in one transaction."""
        with self.archive.session() as session:
            outcomes = import_pages(
                session,
                spider.config,
                spider.source.name,
                spider.source.type,
                items,
                crawl_run_id=self.run_id,
                now=utcnow(),
                on_changes=self.on_changes,
            )
            counts = self.counts
            for outcome in outcomes:
                counts = counts.plus(outcome)
                self.unchanged.update(outcome.unchanged_ids)
            if time.monotonic() >= self.progress_due:
                self._write_counts(session, counts)
                self.progress_due = time.monotonic() + PROGRESS_SECONDS
        self.counts = counts  # only once the pages are committed
        return outcomes

    def _write_counts(self, session, counts: RunCounts) -> None:
        session.execute(
            update(CrawlRun).where(CrawlRun.id == self.run_id).values(**dataclasses.asdict(counts))
        )

    def spider_closed(self, spider, reason):
        if self.stall_check is not None and self.stall_check.running:
            self.stall_check.stop()
        self.writer.shutdown(wait=True)  # the pages and validators it still holds first
        if self.archive is None or self.run_id is None:
            return
        stats = {
            k: v
            for k, v in self.crawler.stats.get_stats().items()
            if isinstance(v, int | float | str) and not k.startswith("memusage")
        }
        try:
            with self.archive.session() as session:
                run = session.get(CrawlRun, self.run_id)
                problems = list(spider.problems)
                # A news source that read articles and found none on its topics today
                # ran fine (the news spider counts those it left out).
                found = self.counts.documents or stats.get("councilwatch/articles_off_topic", 0)
                # The page budget (`[crawl] max_pages`) ends a pass, not a failure: the
                # next crawl goes on with the pages this one did not reach. A site given
                # up (unreachable) has said why in its own problem line.
                complete = reason in ("finished", "closespider_pagecount")
                if not found and complete and not spider.sites_given_up:
                    problems.append(
                        f"{spider.source.name}: the crawl found no documents at all "
                        "(site down, blocked, or its layout changed?)"
                    )
                for name, value in dataclasses.asdict(self.counts).items():
                    setattr(run, name, value)
                record_coverage(session, run.id, run.source_id, self.unchanged, utcnow())
                run.problems = problems
                run.notices = list(spider.notices)
                run.stats = stats if reason == "finished" else {**stats, "finish_reason": reason}
                run.finished_at = utcnow()
                if reason == "shutdown":
                    # Stopped by a signal (the scheduler stopping, or its parent gone):
                    # nothing wrong with the source; the next run completes the crawl.
                    run.status = "interrupted"
                else:
                    run.status = "finished" if complete and found else "failed"
        except DatabaseError as exc:
            log.error("could not record the end of crawl run %s: %s", self.run_id, exc)
        finally:
            self.archive.dispose()
