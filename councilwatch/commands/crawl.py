"""`councilwatch crawl`: one pass over the configured sources, for people and for cron.

Exit codes (cron mails or pages on anything but 0):
  0    every source ran, or was skipped because another process or host was already
       crawling it (the source's lock in the database; that crawl covers this pass)
  1    a source's crawl failed, timed out or lost its lock
  2    bad input: unknown source, malformed config
  130  stopped by SIGINT (Ctrl-C); 143 stopped by SIGTERM: the crawls in progress were
       asked to finish cleanly and marked interrupted, the sources not started did not run

Sources are crawled side by side, `[crawl] sources_in_parallel` at once (default 8), each
in its own crawl process at its own site's pace; each result is printed as it ends.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import typer

from councilwatch.app import app, err, out, plural, state
from councilwatch.config import ConfigError


@app.command()
def crawl(
    ctx: typer.Context,
    sources: list[str] = typer.Argument(None, help="Sources to crawl (default: all enabled)."),
    no_alerts: bool = typer.Option(False, "--no-alerts", help="Store changes but send nothing."),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Print only problems (for cron): silent when all is well."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Show the crawl's own log as it runs."
    ),
) -> None:
    """Crawl sources once: store new versions, detect changes, queue and deliver alerts.

    Exit code 0 when every source ran (or was skipped because another process is
    already crawling it), 1 when any failed, 130/143 when stopped by SIGINT/SIGTERM.
    Safe to run from cron: a source is never crawled twice at once.

    Sources run side by side, [crawl] sources_in_parallel at once (default 8), each
    in its own crawl process of about 100-200 MB, at its own site's polite pace. A
    crawl stops after [crawl] max_pages pages (the next one goes on from there) or
    when nothing has answered for [crawl] stall_minutes.

    Example: councilwatch crawl oxfordshire oxford-mail

    Example (crontab): 0 6 * * * cd /srv/councilwatch && councilwatch crawl --quiet
    """
    from alerts.delivery import deliver_due
    from alerts.health import check_health

    st = state(ctx)
    verbose = verbose or st.verbose
    config = st.config(required=True)
    names = sources or [s.name for s in config.sources if s.enabled]
    if not names:
        raise ConfigError(f"{config.path}: no sources configured")
    for name in names:
        config.source(name)  # unknown names fail before anything runs
    # Then the secrets, only when this run may send: `--no-alerts` sends nothing.
    st.config(sending=not no_alerts)
    archive = st.archive()
    stopped = _StopOnSignal()
    results = []

    def report(result) -> None:
        results.append(result)
        if result.skipped:
            if not quiet:
                out.print(f"{result.source}: SKIPPED - {result.problems[0].split(': ', 1)[1]}",
                          markup=False)  # fmt: skip
        elif not quiet or not result.ok or result.problems:
            _print_result(result)

    with stopped:
        _crawl_side_by_side(config, archive, names, verbose, quiet, stopped, report)
    ran = [r for r in results if not r.skipped]
    # Health problems (a source failing or suddenly finding nothing) are queued even with
    # --no-alerts: they are for the maintainers, not the campaigners.
    check_health(config, archive, ran)
    if not no_alerts and not stopped.signum:
        deliver_due(config, archive)
    archive.dispose()
    if stopped.signum:
        crawled = {r.source for r in results}
        left = [name for name in names if name not in crawled]
        err.print(
            f"councilwatch: stopped by {signal.Signals(stopped.signum).name}"
            + (f"; not crawled: {', '.join(left)}" if left else ""),
            markup=False,
        )
        raise typer.Exit(128 + stopped.signum)
    if not all(r.ok for r in ran):
        raise typer.Exit(1)


def _crawl_side_by_side(config, archive, names, verbose, quiet, stopped, report) -> None:
    """Crawl `names`, up to `[crawl] sources_in_parallel` at once, reporting each as it ends.

    Each crawl is its own process at its own site's pace (`monitor.crawler`), so sources
    side by side do not slow each other down: a crawl waits on its site's politeness
    delay, not on the CPU. After a signal no further source starts.
    """
    from monitor.crawler import crawl_source

    running: list[str] = []
    guard = threading.Lock()

    def one(name):
        if stopped.signum:
            return None
        with guard:
            running.append(name)
        try:
            return crawl_source(config, archive, name, verbose=verbose,
                                stop_requested=stopped.is_set)  # fmt: skip
        finally:
            with guard:
                running.remove(name)

    def describe() -> str:
        with guard:
            now = list(running)
        done = len(results_seen)
        head = f"crawling {', '.join(now[:4])}{' ...' if len(now) > 4 else ''}"
        return f"{head} ({done} of {len(names)} sources done)" if len(names) > 1 else head

    results_seen: list[str] = []
    workers = min(config.crawl.sources_in_parallel, len(names))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl")
    status = contextlib.nullcontext() if quiet else err.status("crawling ...", spinner="dots")
    try:
        with status as spinner:
            pending = {pool.submit(one, name) for name in names}
            while pending:
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()
                    if result is not None:
                        results_seen.append(result.source)
                        report(result)
                if spinner is not None:
                    spinner.update(describe())
    except BaseException:
        stopped.stop_all()  # a crawl that raised (database gone): the others stop cleanly
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class _StopOnSignal:
    """While active, SIGTERM and SIGINT ask the running crawl to stop instead of killing us.

    Killing the parent would leave the crawl process running without its lock renewed
    and its run never finished; asking it to stop lets Scrapy close cleanly and the run
    be recorded as interrupted.
    """

    def __init__(self) -> None:
        self.signum = 0
        self._event = threading.Event()
        self._previous: dict[int, object] = {}

    def is_set(self) -> bool:
        return self._event.is_set()

    def stop_all(self) -> None:
        self._event.set()

    def _handle(self, signum, _frame) -> None:
        if self._event.is_set():
            # Already stopping; the crawl is killed if it has not closed after its grace
            # period, so a second signal changes nothing rather than orphaning it.
            err.print("councilwatch: still stopping ...", markup=False)
            return
        self.signum = signum
        self._event.set()
        err.print("councilwatch: stopping: asking the crawl to finish cleanly ...", markup=False)

    def __enter__(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def _print_result(r) -> None:
    mark = "ok" if r.ok else r.status.upper()
    out.print(
        f"{r.source}: {mark} - {plural(r.pages, 'page')}, {plural(r.documents, 'document')} "
        f"({r.new_documents} new), {plural(r.new_versions, 'new version')}, "
        f"{plural(r.changes, 'change')}, {plural(len(r.problems), 'problem')}, {r.seconds:.1f}s"
        + (" (page budget reached: the next crawl goes on with the rest)" if r.budget_reached
           else ""),
        markup=False,
    )  # fmt: skip
    for problem in r.problems[:10]:
        out.print(f"  problem: {problem}", markup=False)
    if len(r.problems) > 10:
        out.print(f"  ... and {len(r.problems) - 10} more (see crawl run {r.run_id})", markup=False)
    if not r.ok and r.log_file:
        out.print(f"  log: {r.log_file}", markup=False)
