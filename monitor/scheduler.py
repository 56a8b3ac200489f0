"""`councilwatch run`: the long-running service that crawls each source on its own schedule.

APScheduler 3 (4.x is still alpha), set up so that:
- timezone Europe/London, so "0 6 * * *" means 06:00 UK time in summer and winter;
- an in-memory job store built from the config at every start: the database's crawl
  runs are the durable record, and a persistent APScheduler job store cannot be shared
  between processes anyway;
- coalesce=True and max_instances=1: a slot missed while the host slept, or while the
  previous crawl of the same source was still running, becomes one run, never a backlog;
- misfire_grace_time: crawls have none (a late crawl is still worth doing, and coalescing
  keeps it to one); alert delivery keeps 15 minutes since its next slot comes soon;
- after downtime (the service was stopped over a slot), a source whose last recorded
  crawl is older than its last scheduled slot is crawled once at start, and so is one
  whose last crawl was interrupted (stopped by SIGTERM, or its host crashed).

Each crawl runs in its own `scrapy crawl` process (`monitor.crawler.crawl_source`), so a
crawl that leaks, hangs or crashes cannot take the scheduler down, and inside the
source's database lock, so a source is never crawled twice at once, even by
schedulers on several hosts sharing one PostgreSQL archive.

SIGTERM/SIGINT: no new jobs start, running crawls are asked to stop (they finish the
pages in flight and are recorded as interrupted), the service waits for them and exits 0.
"""

from __future__ import annotations

import logging
import queue
import signal
import threading
from dataclasses import dataclass
from datetime import datetime

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from core.config import Config
from core.uktime import UK
from monitor.passes import DeliverHook, HealthHook, crawl_pass
from storage import leases
from storage.db import Archive, DatabaseError
from storage.models import CrawlRun, Source

log = logging.getLogger("councilwatch.run")

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 900}


def trigger_for(schedule: str) -> CronTrigger:
    return CronTrigger.from_crontab(schedule, timezone=UK)


def next_run(schedule: str, now: datetime) -> datetime | None:
    return trigger_for(schedule).get_next_fire_time(None, now)


def last_runs(archive: Archive) -> dict[str, CrawlRun]:
    """The most recent crawl run of each source, by source name."""
    with archive.session() as session:
        rows = session.execute(
            select(Source.name, CrawlRun)
            .join(CrawlRun, CrawlRun.source_id == Source.id)
            .order_by(CrawlRun.id)
        ).all()
        return {name: run for name, run in rows}


@dataclass
class JobDone:
    job: str  # "crawl:<source>" or "alerts"
    result: object = None


class Service:
    """The scheduler and its jobs; `run_until_signalled` is `councilwatch run`."""

    def __init__(
        self,
        config: Config,
        archive: Archive,
        *,
        workers: int | None = None,
        health: HealthHook | None = None,
        deliver: DeliverHook | None = None,
    ):
        """`health` runs after each crawl and `deliver` on `[alerts] schedule`; they come
        from `alerts/` (the caller wires them in), and without them those jobs do nothing."""
        self.config = config
        self.archive = archive
        self.health = health
        self.deliver = deliver
        self.stopping = threading.Event()
        # Each finished job is put here: the log says it for people, this for tests.
        self.done: queue.Queue[JobDone] = queue.Queue()
        self.scheduler = BackgroundScheduler(
            timezone=UK,
            job_defaults=JOB_DEFAULTS,
            jobstores={"default": MemoryJobStore()},
            executors={
                # Crawls of different councils run side by side, each its own process
                # at its own site's pace: `[crawl] sources_in_parallel` at once.
                "default": ThreadPoolExecutor(
                    max_workers=workers or config.crawl.sources_in_parallel
                ),
                # Delivery has its own worker so a morning of long crawls does not hold it up.
                "alerts": ThreadPoolExecutor(max_workers=1),
            },
        )
        self.scheduler.add_listener(
            self._job_trouble, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
        )

    # -- building the schedule ----------------------------------------------------
    def add_jobs(self, now: datetime) -> None:
        previous = last_runs(self.archive)
        for source in self.config.sources:
            if not source.enabled:
                continue
            trigger = trigger_for(source.schedule)
            options = {}
            last = previous.get(source.name)
            if last is not None and last.status in ("interrupted", "running"):
                # Stopped mid-crawl (by us, or a crash): finish the job now rather than
                # leave the source half-crawled until its next slot.
                log.info("%s: its last crawl was interrupted; crawling now", source.name)
                options["next_run_time"] = now
            elif last is not None:
                slot = trigger.get_next_fire_time(None, last.started_at)
                if slot is not None and slot <= now:
                    # Stopped over one or more slots: crawl once now, not once per slot.
                    log.info(
                        "%s: missed its %s run while the service was stopped; crawling now",
                        source.name,
                        slot.astimezone(UK).strftime("%d %b %H:%M"),
                    )
                    options["next_run_time"] = now
            self.scheduler.add_job(
                self._crawl,
                trigger,
                args=[source.name],
                id=leases.crawl_lock_name(source.name),
                name=f"crawl {source.name}",
                misfire_grace_time=None,
                **options,
            )
        self.scheduler.add_job(
            self._deliver,
            trigger_for(self.config.alerts.schedule),
            id="alerts",
            name="deliver alerts",
            executor="alerts",
        )

    def next_runs(self) -> dict[str, datetime | None]:
        return {job.id: job.next_run_time for job in self.scheduler.get_jobs()}

    # -- jobs -----------------------------------------------------------------------
    def _crawl(self, source: str) -> None:
        ended = []

        def on_result(result) -> None:
            ended.append(result)
            log_result(result)

        try:
            if self.stopping.is_set():
                return
            # One source: this pool's workers are what run sources side by side. Delivery
            # is its own job, on its own schedule.
            crawl_pass(
                self.config,
                self.archive,
                [source],
                workers=1,
                stop_requested=self.stopping.is_set,
                on_result=on_result,
                health=self.health,
            )
        except DatabaseError as exc:
            log.error("crawl %s: database unavailable: %s", source, exc)
        except Exception:  # noqa: BLE001 - one source's bug must not stop the others
            log.exception("crawl %s: unexpected error", source)
        finally:
            self.done.put(JobDone(f"crawl:{source}", ended[0] if ended else None))

    def _deliver(self) -> None:
        try:
            if self.stopping.is_set() or self.deliver is None:
                return
            # deliver_due holds the "alerts:deliver" lease itself: one deliverer at a
            # time across processes and hosts.
            report = self.deliver(self.config, self.archive)
            if report is not None and (report.delivered or report.failed):
                log.info("alerts: %d delivered, %d failed (will retry), %d waiting",
                         report.delivered, report.failed, report.waiting)  # fmt: skip
        except DatabaseError as exc:
            log.error("alerts: database unavailable: %s", exc)
        except Exception:  # noqa: BLE001
            log.exception("alerts: delivery failed")
        finally:
            self.done.put(JobDone("alerts"))

    def _job_trouble(self, event: JobEvent) -> None:
        if event.code == EVENT_JOB_MAX_INSTANCES:
            log.warning("%s: previous run still going; this slot is skipped", event.job_id)
        elif event.code == EVENT_JOB_MISSED:
            log.warning("%s: slot at %s missed", event.job_id, event.scheduled_run_time)
        elif event.code == EVENT_JOB_ERROR:
            log.error("%s: failed: %s", event.job_id, event.exception)

    # -- lifecycle ----------------------------------------------------------------
    def start(self, now: datetime | None = None) -> None:
        now = now or datetime.now(UK)
        self.add_jobs(now)
        self.scheduler.start()
        for job in sorted(self.scheduler.get_jobs(), key=lambda j: j.next_run_time):
            when = job.next_run_time.astimezone(UK).strftime("%a %d %b %Y %H:%M %Z")
            log.info("%s: next at %s", job.name, when)

    def stop(self) -> None:
        """Stop scheduling, ask running crawls to stop, wait for them."""
        if not self.scheduler.running:
            return
        self.stopping.set()
        self.scheduler.pause()
        self.scheduler.shutdown(wait=True)

    def run_until_signalled(self) -> None:
        def handle(signum, _frame):
            if not self.stopping.is_set():
                log.info(
                    "%s: stopping; running crawls finish their pages in flight",
                    signal.Signals(signum).name,
                )
            self.stopping.set()

        previous = {s: signal.signal(s, handle) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.start()
            while not self.stopping.wait(timeout=1):
                pass
            self.stop()
            log.info("stopped")
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def log_result(result) -> None:
    """One line per crawl with its counts: the service's log is the maintainer's record."""
    if result.skipped:
        log.info("crawl %s skipped: %s", result.source, result.problems[0])
        return
    level = logging.INFO if result.ok else logging.WARNING
    log.log(
        level,
        "crawl %s %s (run %s): %d pages, %d documents (%d new), %d new versions, "
        "%d changes, %d problems, %.1fs",
        result.source, result.status, result.run_id, result.pages, result.documents,
        result.new_documents, result.new_versions, result.changes, len(result.problems),
        result.seconds,
    )  # fmt: skip
    for problem in result.problems[:5]:
        log.log(level, "crawl %s problem: %s", result.source, problem)
    for notice in result.notices[:5]:
        log.info("crawl %s notice: %s", result.source, notice)
