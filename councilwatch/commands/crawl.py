"""`councilwatch crawl`: one pass over the configured sources, for people and for cron."""

from __future__ import annotations

import typer

from councilwatch.app import app, err, out, state
from councilwatch.config import ConfigError


@app.command()
def crawl(
    ctx: typer.Context,
    sources: list[str] = typer.Argument(None, help="Sources to crawl (default: all enabled)."),
    no_alerts: bool = typer.Option(False, "--no-alerts", help="Store changes but send nothing."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only problems (for cron)."),
) -> None:
    """Crawl sources once: store new versions, detect changes, queue and deliver alerts.

    Exit code 0 when every source ran, 1 when any failed.

    Example: councilwatch crawl oxfordshire oxford-mail
    """
    from alerts.delivery import deliver_due
    from alerts.health import check_health
    from monitor.crawler import crawl_source

    st = state(ctx)
    config = st.config(required=True)
    names = sources or [s.name for s in config.sources if s.enabled]
    if not names:
        raise ConfigError(f"{config.path}: no sources configured")
    for name in names:
        config.source(name)  # unknown names fail before anything runs
    archive = st.archive()
    results = []
    for name in names:
        with err.status(f"crawling {name} ...", spinner="dots"):
            result = crawl_source(config, archive, name, verbose=st.verbose)
        results.append(result)
        if not quiet or not result.ok or result.problems:
            _print_result(result)
    # Health problems (a source failing or suddenly finding nothing) are queued even with
    # --no-alerts: they are for the maintainers, not the campaigners.
    check_health(config, archive, results)
    if not no_alerts:
        deliver_due(config, archive)
    archive.dispose()
    if not all(r.ok for r in results):
        raise typer.Exit(1)


def _print_result(r) -> None:
    mark = "ok" if r.ok else r.status.upper()
    out.print(
        f"{r.source}: {mark} - {r.pages} pages, {r.documents} documents "
        f"({r.new_documents} new), {r.new_versions} new versions, {r.changes} changes, "
        f"{len(r.problems)} problems, {r.seconds:.1f}s",
        markup=False,
    )
    for problem in r.problems[:10]:
        out.print(f"  problem: {problem}", markup=False)
    if len(r.problems) > 10:
        out.print(f"  ... and {len(r.problems) - 10} more (see crawl run {r.run_id})", markup=False)
    if not r.ok and r.log_file:
        out.print(f"  log: {r.log_file}", markup=False)
