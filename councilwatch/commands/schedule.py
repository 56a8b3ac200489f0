"""`councilwatch run` (the scheduler service) and `councilwatch status` (what it is doing)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime

import typer

from core.uktime import UK
from councilwatch.app import app, out, state
from councilwatch.commands.options import Json


@app.command()
def run(ctx: typer.Context) -> None:
    """Run the scheduler until SIGTERM/SIGINT: each source on its own cron schedule.

    Crawls each source at its `schedule` (Europe/London time), delivers alerts on
    `[alerts] schedule`, logs one line per crawl with its counts, and stops cleanly on
    SIGTERM or Ctrl-C (a crawl in progress finishes its pages in flight and is recorded
    as interrupted; the next run completes it). Several `run` services, on one host or
    several sharing a PostgreSQL archive, never crawl one source twice at once.

    Up to [crawl] sources_in_parallel crawls run at once (default 16), each its own
    crawl process of about 100-200 MB, each at its own site's polite pace.

    Example: councilwatch run   (see the README for a systemd unit)
    """
    from alerts.delivery import deliver_due
    from alerts.health import check_health
    from monitor.scheduler import Service

    st = state(ctx)
    config = st.config(required=True, sending=True)
    archive = st.archive()
    _log_to_stderr(logging.DEBUG if st.verbose else logging.INFO)
    if not any(s.enabled for s in config.sources):
        logging.getLogger("councilwatch.run").warning(
            "no enabled sources in %s: only alert delivery is scheduled", config.path
        )
    service = Service(config, archive, health=check_health, deliver=deliver_due)
    service.run_until_signalled()
    archive.dispose()


def _log_to_stderr(level: int) -> None:
    """The service's own log (one line per crawl) at INFO; libraries stay at WARNING."""
    logger = logging.getLogger("councilwatch.run")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    from alerts.redact import SecretFilter

    handler.addFilter(SecretFilter())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    # APScheduler's "Running job ..." lines only when asked for.
    logging.getLogger("apscheduler").setLevel(
        logging.DEBUG if level < logging.INFO else logging.WARNING
    )


@app.command()
def status(
    ctx: typer.Context,
    as_json: Json = False,
) -> None:
    """Each source's last crawl, its counts and problems, its next run and its health.

    Health: ok, problems (the last crawl reported some), failing (the maintainers were
    alerted, or the last crawls failed), interrupted, crawling (someone holds its lock
    now), never run.

    Example: councilwatch status --json
    """
    from sqlalchemy import select

    from monitor.status import Told, source_status
    from storage.models import SourceHealth

    st = state(ctx)
    config = st.config(required=True)
    archive = st.existing_archive()
    # What the maintainers were last told (alerts/health.py): failing since when, and why.
    with archive.reading() as session:
        told = {
            h.source: Told(h.state, h.since, h.reason)
            for h in session.scalars(select(SourceHealth))
        }
    rows = source_status(config, archive, datetime.now(UK), told)
    archive.dispose()
    if as_json:
        out.print(json.dumps({"sources": rows}, ensure_ascii=False), markup=False)
        return
    from rich.table import Table

    # Narrow enough for an 80-column terminal or a cron mail.
    table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0), header_style="bold")
    for column in ("source", "health", "last run", "result"):
        table.add_column(column, no_wrap=True)
    for column in ("pages", "docs", "vers", "chg", "prob"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("next run", no_wrap=True)
    for row in rows:
        last = row["last_run"]
        counts = (
            [str(last[k]) for k in ("pages", "documents", "new_versions", "changes")]
            + [str(len(last["problems"]))]
            if last
            else ["-"] * 5
        )
        table.add_row(
            row["source"],
            row["health"],
            _short_time(last["started_at"]) if last else "-",
            last["status"] if last else "-",
            *counts,
            _short_time(row["next_run"]) if row["next_run"] else "disabled",
        )
    out.print(table)
    out.print("times are UK time; vers = new versions, chg = changes, prob = problems", style="dim")
    for row in rows:
        if row["locked_by"]:
            out.print(f"{row['source']}: being crawled by {row['locked_by']}", markup=False)
        if row["failing_reason"]:
            since = _short_time(row["failing_since"])
            out.print(f"{row['source']}: failing since {since}: {row['failing_reason']}",
                      markup=False)  # fmt: skip
    for row in rows:
        last = row["last_run"]
        for problem in (last["problems"] if last else [])[:3]:
            out.print(f"{row['source']}: {problem}", markup=False)


def _short_time(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(UK).strftime("%d %b %H:%M")
