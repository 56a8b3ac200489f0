"""Running one source's crawl: a `scrapy crawl` child process, and what it recorded.

Every crawl is its own process because Twisted's reactor cannot be restarted in one
process, and because a crawl that leaks memory, hangs or crashes must not take the
caller (a cron job or the scheduler) down with it.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.config import Config
from storage import leases
from storage.archive import source_row
from storage.db import Archive, DatabaseError
from storage.models import CrawlRun
from storage.types import utcnow

log = logging.getLogger(__name__)

# After SIGTERM a crawl gets this long to close cleanly before it is killed.
STOP_GRACE_SECONDS = 30


def _parent_death_signal():
    """On Linux, a way to have the crawl process sent SIGTERM when its parent dies.

    If the parent (cron's `councilwatch crawl`, or `councilwatch run`) is killed with
    SIGKILL or crashes, its lock is taken over at once by the next crawl on this host;
    an orphaned crawl still running would make two crawls of one source at once. Looked
    up here, before any fork, so the child only makes one system call before exec.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def set_signal() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return set_signal


_die_with_parent = _parent_death_signal()


@dataclass
class CrawlResult:
    source: str
    run_id: int | None  # None when skipped: no run was recorded
    status: str  # finished | failed | interrupted | skipped
    pages: int = 0
    documents: int = 0
    new_documents: int = 0
    new_versions: int = 0
    changes: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # Not failures: a watched page that moved permanently, read at its new address.
    notices: list[str] = field(default_factory=list)
    log_file: str | None = None
    # Stopped by `[crawl] max_pages`: the next crawl fetches the pages not reached first.
    budget_reached: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "finished"

    @property
    def skipped(self) -> bool:
        """Another process or host was crawling this source: not a failure, nothing ran."""
        return self.status == "skipped"


def crawl_command(config: Config, source: str, run_id: int, log_file: Path | None) -> list[str]:
    spider = config.source(source).type
    command = [
        sys.executable, "-m", "scrapy", "crawl", spider,
        "-a", f"source={source}",
        "-a", f"run_id={run_id}",
        "-s", f"DOWNLOAD_DELAY={config.crawl.delay_seconds}",
        "-s", f"AUTOTHROTTLE_START_DELAY={config.crawl.delay_seconds}",
        "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={config.crawl.concurrency}",
        # The page budget: Scrapy closes the spider after this many responses
        # ("closespider_pagecount"); the next crawl fetches the stalest pages first.
        "-s", f"CLOSESPIDER_PAGECOUNT={config.crawl.max_pages}",
        "-s", f"COUNCILWATCH_STALL_SECONDS={config.crawl.stall_minutes * 60:g}",
    ]  # fmt: skip
    if log_file is not None:
        command += ["-s", f"LOG_FILE={log_file}"]
    return command


def crawl_environment(config: Config, db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        COUNCILWATCH_CONFIG=str(config.path),
        COUNCILWATCH_DB=db_url,
        COUNCILWATCH_CONTACT=config.crawl.contact,
        SCRAPY_SETTINGS_MODULE="spiders.settings",
    )
    return env


def log_path(config: Config, source: str, run_id: int) -> Path:
    folder = Path(config.crawl.log_dir)
    if not folder.is_absolute() and config.path is not None:
        folder = config.path.parent / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{source}-{run_id}.log"


def start_run(archive: Archive, config: Config, source: str) -> int:
    with archive.session() as session:
        src = config.source(source)
        run = CrawlRun(source=source_row(session, src.name, src.type), started_at=utcnow())
        session.add(run)
        session.flush()
        return run.id


def crawl_source(
    config: Config,
    archive: Archive,
    source: str,
    *,
    verbose: bool = False,
    run_id: int | None = None,
    stop_requested=lambda: False,
) -> CrawlResult:
    """Crawl one source in a child process, holding its lock, and return what its run recorded.

    The source's lock (a lease row in the database, `storage.leases`) makes sure it is
    never crawled twice at once, by this process, another process or another host.
    When someone else holds it, nothing runs and the result's status is "skipped".

    `stop_requested` is polled while the crawl runs; when it turns true the child is
    asked to stop (SIGTERM: Scrapy finishes the pages in flight and closes cleanly).
    """
    if config.path is None:
        raise ValueError("crawling needs a config file the crawl process can read")
    config.source(source)  # an unknown name fails before the lock is taken
    name, owner = leases.crawl_lock_name(source), leases.new_owner()
    claim = leases.acquire(archive, name, owner)
    if not claim.acquired:
        log.info("%s: skipped, already being crawled by %s", source, claim.describe_holder())
        return CrawlResult(
            source=source,
            run_id=None,
            status="skipped",
            problems=[f"{source}: already being crawled by {claim.describe_holder()}"],
        )
    if claim.took_over_from:
        log.warning("%s: took over the lock of %s, which had stopped", source, claim.took_over_from)
    try:
        run_id = run_id or start_run(archive, config, source)
        leases.attach_run(archive, name, owner, run_id)
        return _run_child(config, archive, source, run_id, verbose, stop_requested, name, owner)
    finally:
        try:
            leases.release(archive, name, owner)
        except DatabaseError as exc:
            # The lease runs out by itself; the next crawl waits at most LEASE_SECONDS.
            log.error("%s: could not release the crawl lock: %s", source, exc)


def _run_child(config, archive, source, run_id, verbose, stop_requested, lock_name, owner):
    log_file = None if verbose else log_path(config, source, run_id)
    command = crawl_command(config, source, run_id, log_file)
    started = time.monotonic()
    # The crawl stops itself when no response has come for stall_minutes (the
    # pipeline's stall check). This is the backstop for a crawl process that is wedged
    # (its reactor no longer runs, so Scrapy's once-a-minute stats line stops too):
    # its log file has not grown for three times that long.
    # (Only when that line is logged, at the default log level.)
    wedged_after = max(3 * config.crawl.stall_minutes * 60, 300)
    watched_log = log_file
    if os.environ.get("COUNCILWATCH_LOG_LEVEL", "INFO").upper() not in ("INFO", "DEBUG"):
        watched_log = None
    log_size, log_grew = -1, started
    renew_every = leases.LEASE_SECONDS / 3
    next_renewal = started + renew_every
    log.info("crawling %s (run %s): %s", source, run_id, " ".join(command))
    stderr = None if verbose else subprocess.PIPE
    proc = subprocess.Popen(
        command, env=crawl_environment(config, archive.url), stdout=subprocess.DEVNULL,
        stderr=stderr, text=True,
        # Its own session: a Ctrl-C in the terminal or a signal to our process group
        # reaches only us, and we decide how the crawl stops (SIGTERM, grace, kill).
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )  # fmt: skip
    ended_by: str | None = None
    kill_at = float("inf")
    while True:
        try:
            proc.wait(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            now = time.monotonic()
            if now >= next_renewal and ended_by is None:
                next_renewal = now + renew_every
                if not _renew(archive, lock_name, owner, source):
                    ended_by = "lost its crawl lock to another process (lease expired)"
                    proc.send_signal(signal.SIGTERM)
                    kill_at = now + STOP_GRACE_SECONDS
                    continue
            if watched_log is not None and ended_by is None:
                size = watched_log.stat().st_size if watched_log.exists() else 0
                if size != log_size:
                    log_size, log_grew = size, now
            wedged = watched_log is not None and now - log_grew > wedged_after
            if ended_by is None and (stop_requested() or wedged):
                ended_by = (
                    f"wedged: the crawl process logged nothing for {wedged_after / 60:g} minutes"
                    if wedged else "stopped"
                )  # fmt: skip
                proc.send_signal(signal.SIGTERM)
                kill_at = now + STOP_GRACE_SECONDS
            elif now > kill_at:
                proc.kill()
    tail = proc.stderr.read()[-2000:] if proc.stderr else ""
    seconds = time.monotonic() - started
    return _finish(archive, run_id, source, proc.returncode, ended_by, tail, seconds, log_file)


def _renew(archive, lock_name, owner, source) -> bool:
    try:
        return leases.renew(archive, lock_name, owner)
    except DatabaseError as exc:
        # The database is briefly unreachable: keep crawling and try again; the lease
        # has two more renewal periods to run.
        log.warning("%s: could not renew the crawl lock: %s", source, exc)
        return True


def _finish(archive, run_id, source, returncode, ended_by, stderr_tail, seconds, log_file):
    with archive.session() as session:
        run = session.get(CrawlRun, run_id)
        problems = list(run.problems or [])
        if run.status == "running":
            # The child died before it could record its end (crash, kill, bad arguments).
            run.status = "interrupted" if ended_by == "stopped" else "failed"
            run.finished_at = utcnow()
            why = ended_by or f"crawl process exited with code {returncode}"
            last = stderr_tail.strip().splitlines()[-1:] if stderr_tail else []
            problems.append(f"{source}: {why}" + (f": {last[0]}" if last else ""))
            run.problems = problems
        elif ended_by:
            run.status = "interrupted" if ended_by == "stopped" else "failed"
            problems.append(f"{source}: {ended_by}")
            run.problems = problems
        return CrawlResult(
            source=source,
            run_id=run_id,
            status=run.status,
            pages=run.pages,
            documents=run.documents,
            new_documents=run.new_documents,
            new_versions=run.new_versions,
            changes=run.changes,
            problems=problems,
            seconds=seconds,
            notices=list(run.notices or []),
            log_file=str(log_file) if log_file else None,
            budget_reached=(run.stats or {}).get("finish_reason") == "closespider_pagecount",
        )
