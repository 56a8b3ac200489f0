"""Atom feeds of changes, one per subscription that names a `feed` file, for groups who
prefer a feed reader to email. Written as static files any web server can serve."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from feedgen.feed import FeedGenerator

from alerts.content import DocumentAlert, value_change
from councilwatch.config import Config, Subscription

# Entries kept in a feed: readers poll often, so a window of recent changes is enough.
FEED_ENTRIES = 100


def feed_path(config: Config, sub: Subscription) -> Path:
    """The feed file; a relative path is beside the config file (like crawl logs)."""
    path = Path(sub.feed or "")
    if not path.is_absolute() and config.path is not None:
        path = config.path.parent / path
    return path


def _entry_id(sub: Subscription, change_id: int | None, key: str) -> str:
    # Stable tag: URIs (RFC 4151) so a reader never shows the same change twice.
    return f"tag:councilwatch,2026:{sub.name}/change/{change_id or key}"


def build_feed(sub: Subscription, docs: list[DocumentAlert], *, now: datetime) -> bytes:
    fg = FeedGenerator()
    fg.id(f"tag:councilwatch,2026:{sub.name}/feed")
    fg.title(f"councilwatch: {sub.name}")
    fg.subtitle("Changes to council decisions, meetings and local news")
    fg.link(href="https://github.com/councilwatch/councilwatch", rel="related")
    fg.author({"name": "councilwatch"})
    fg.updated(now)
    # feedgen puts the last entry added first; add oldest first so the newest leads.
    for doc in docs:
        for change in doc.changes:
            entry = fg.add_entry()
            entry.id(_entry_id(sub, change.change_id, doc.key))
            entry.title(f"{doc.label}: {change.summary}")
            entry.link(href=doc.url)
            if doc.archived_version_url:
                entry.link(href=doc.archived_version_url, rel="alternate", title="stored version")
            entry.updated(change.detected_at or now)
            lines = [f"{doc.kind.replace('_', ' ')} from {doc.source}: {change.summary}"]
            if change.before:
                lines.append(f"Before: {change.before}")
            if change.after:
                lines.append(f"After: {change.after}")
            if change.old_value is not None or change.new_value is not None:
                lines.append(f"Value: {value_change(change)}")
            # Plain text content: feedgen escapes it, so scraped text cannot inject markup.
            entry.content("\n".join(lines), type="text")
    return fg.atom_str(pretty=True)


def write_feed(
    config: Config, sub: Subscription, docs: list[DocumentAlert], *, now: datetime
) -> Path:
    """Write the feed atomically: a reader never sees half a file."""
    path = feed_path(config, sub)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = build_feed(sub, docs, now=now)
    fd, tmp = tempfile.mkstemp(prefix=".feed-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
