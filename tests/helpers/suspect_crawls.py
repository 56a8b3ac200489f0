"""Crawling a replayed site several times, with the archive read after each crawl: what the
suspect-page and URL-health tests check."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from alerts.outbox import MAINTAINERS
from storage.models import AlertItem, Change, Document, SuspectPage
from tests.helpers import FIXTURES
from tests.helpers.command import councilwatch

SITES = FIXTURES / "suspect_sites"


@dataclass
class Snapshot:
    """One crawl's output and the archive right after it."""

    stdout: str
    versions: dict[str, int] = field(default_factory=dict)  # document key -> versions
    latest_text: dict[str, str] = field(default_factory=dict)
    changes: dict[str, list[tuple[str, bool]]] = field(
        default_factory=dict
    )  # key -> (summary, alert)
    subscriber_items: int = 0
    maintainer_events: list[tuple[str | None, str, str]] = field(default_factory=list)
    suspects: dict[str, tuple[str, int, bool]] = field(default_factory=dict)


def snapshot(db: str, stdout: str) -> Snapshot:
    engine = create_engine(db)
    shot = Snapshot(stdout)
    try:
        with Session(engine) as session:
            for doc in session.scalars(select(Document)):
                shot.versions[doc.key] = len(doc.versions)
                shot.latest_text[doc.key] = doc.latest_version.text if doc.latest_version else ""
            for change in session.scalars(select(Change).order_by(Change.id)):
                shot.changes.setdefault(change.document.key, []).append(
                    (change.summary, change.alert)
                )
            for item in session.scalars(select(AlertItem).order_by(AlertItem.id)):
                if item.subscription == MAINTAINERS:
                    if item.channel == "email":
                        event = item.event or {}
                        shot.maintainer_events.append(
                            (event.get("url"), event["state"], event.get("reason") or "")
                        )
                else:
                    shot.subscriber_items += 1
            for row in session.scalars(select(SuspectPage)):
                shot.suspects[row.document_key] = (
                    row.reason,
                    row.sightings,
                    row.confirmed_at is not None,
                )
    finally:
        engine.dispose()
    return shot


def crawl(folder: Path, db: str, *args: str) -> Snapshot:
    result = councilwatch(folder, "crawl", *args, db=db)
    assert "Traceback" not in result.stderr, result.stderr
    return snapshot(db, result.stdout)
