"""What each source is doing: its last crawl, its counts and problems, its next run, its health.

`councilwatch status` prints it; the health words are those of the README's "status".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.config import Config
from core.uktime import iso
from monitor.scheduler import next_run
from storage.db import Archive
from storage.leases import crawl_lock_name, held_locks
from storage.models import CrawlRun, Source

# A source whose last runs all failed this many times in a row is "failing".
FAILING_AFTER = 3


@dataclass
class Told:
    """What the maintainers were last told of a source (kept by `alerts/health.py`)."""

    state: str  # failing | ok
    since: datetime
    reason: str | None


def source_status(
    config: Config, archive: Archive, now: datetime, told: dict[str, Told]
) -> list[dict]:
    """Each configured source's row of `councilwatch status --json`; `told` by source name."""
    held = held_locks(archive)
    rows = []
    with archive.reading() as session:
        for source in config.sources:
            runs = session.scalars(
                select(CrawlRun)
                .join(Source, CrawlRun.source_id == Source.id)
                .where(Source.name == source.name)
                .order_by(CrawlRun.id.desc())
                .limit(FAILING_AFTER)
            ).all()
            lock = held.get(crawl_lock_name(source.name))
            last = runs[0] if runs else None
            alerted = told.get(source.name)
            failing = alerted is not None and alerted.state == "failing"
            rows.append(
                {
                    "source": source.name,
                    "type": source.type,
                    "schedule": source.schedule,
                    "enabled": source.enabled,
                    "last_run": _run_json(last) if last else None,
                    "next_run": iso(next_run(source.schedule, now)) if source.enabled else None,
                    "health": "failing"
                    if failing and lock is None
                    else _health(runs, lock is not None),
                    "failing_since": iso(alerted.since) if failing else None,
                    "failing_reason": alerted.reason if failing else None,
                    "locked_by": lock.owner if lock else None,
                }
            )
    return rows


def _health(runs, locked: bool) -> str:
    if locked:
        return "crawling"
    if not runs:
        return "never run"
    finished = [r for r in runs if r.status != "running"]
    if len(finished) >= FAILING_AFTER and all(r.status == "failed" for r in finished):
        return "failing"
    last = runs[0]
    if last.status == "running":
        return "interrupted"  # no lock held, so nobody is running it: a crash
    if last.status != "finished":
        return last.status
    return "problems" if last.problems else "ok"


def _run_json(run) -> dict:
    return {
        "id": run.id,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "status": run.status,
        "pages": run.pages,
        "documents": run.documents,
        "new_documents": run.new_documents,
        "new_versions": run.new_versions,
        "changes": run.changes,
        "problems": list(run.problems or []),
    }
