"""`councilwatch crawl`: one pass over the configured sources, for people and for cron.

Exit codes (cron mails or pages on anything but 0):
  0    every source ran, or was skipped because another process or host was already
       crawling it (the source's lock in the database; that crawl covers this pass)
  1    a source's crawl failed, timed out or lost its lock
  2    bad input: unknown source, malformed config
  130  stopped by SIGINT (Ctrl-C); 143 stopped by SIGTERM: the crawls in progress were
       asked to finish cleanly and marked interrupted, the sources not started did not run

Sources are crawled side by side, `[crawl] sources_in_parallel` at once (default 16), each
in its own crawl process at its own site's pace; each result is printed as it ends.
"""

from __future__ import annotations

import contextlib
import signal
import threading

import typer

from core.config import ConfigError
from councilwatch.app import app, err, out, plural, state


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

    Sources run side by side, [crawl] sources_in_parallel at once (default 16), each
    in its own crawl process of about 100-200 MB, at its own site's polite pace. A
    crawl stops after [crawl] max_pages pages (the next one goes on from there) or
    when nothing has answered for [crawl] stall_minutes.

    Example: councilwatch crawl oxfordshire oxford-mail

    Example (crontab): 0 6 * * * cd /srv/councilwatch && councilwatch crawl --quiet
    """
    from alerts.delivery import deliver_due
    from alerts.health import check_health
    from monitor.passes import crawl_pass

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

    status = contextlib.nullcontext() if quiet else err.status("crawling ...", spinner="dots")

    def describe(running: list[str], done: int) -> None:
        head = f"crawling {', '.join(running[:4])}{' ...' if len(running) > 4 else ''}"
        spinner.update(f"{head} ({done} of {len(names)} sources done)" if len(names) > 1 else head)

    with contextlib.ExitStack() as crawling:
        crawling.enter_context(stopped)
        spinner = crawling.enter_context(status)
        # Health problems (a source failing or suddenly finding nothing) are queued even
        # with --no-alerts: they are for the maintainers, not the campaigners. The spinner
        # and the signal handlers are for the crawls only: they end before health and delivery.
        crawl_pass(
            config,
            archive,
            names,
            verbose=verbose,
            stop_requested=stopped.is_set,
            on_result=report,
            on_tick=None if spinner is None else describe,
            after_crawls=crawling.close,
            health=check_health,
            deliver=None if no_alerts else deliver_due,
        )
    ran = [r for r in results if not r.skipped]
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
    for notice in r.notices[:10]:
        out.print(f"  notice: {notice}", markup=False)
    if len(r.notices) > 10:
        out.print(f"  ... and {len(r.notices) - 10} more notices", markup=False)
    if not r.ok and r.log_file:
        out.print(f"  log: {r.log_file}", markup=False)
