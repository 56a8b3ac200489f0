"""A read-only SQLite copy of the public part of an archive, for Datasette.

Datasette reads SQLite only, so a PostgreSQL archive is served from a snapshot. The
snapshot has the full schema (made by the same migrations) but only the tables
journalists read: raw bodies, HTTP validators, the alert outbox and locks stay behind. Its
full-text index is rebuilt from the copied versions.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, select

from storage import fulltext
from storage.db import JSON_TEXT, Archive, upgrade
from storage.models import Base

# crawl_coverage says when each crawl last saw a document unchanged (`storage.coverage`).
PUBLIC_TABLES = (
    "sources", "crawl_runs", "documents", "versions", "changes", "figures", "crawl_coverage",
)  # fmt: skip
# Views of those tables (`storage.fulltext`), made by the migrations.
PUBLIC_VIEWS = ("version_texts", "figure_sentences")
BATCH = 1000


def sqlite_snapshot(archive: Archive, path: Path) -> dict[str, int]:
    """Copy the public tables of `archive` into a new SQLite file at `path`; rows per table.

    Written beside `path` and moved into place at the end, so a server reading an
    older snapshot never sees a half-written one.
    """
    path = Path(path).resolve()
    tmp = path.with_name(path.name + ".partial")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    upgrade(f"sqlite:///{tmp}")
    # A plain engine: foreign keys are not enforced, so documents can point at their
    # latest version before it is copied, and versions at raw bodies that stay behind.
    target = create_engine(f"sqlite:///{tmp}", json_serializer=JSON_TEXT)
    counts: dict[str, int] = {}
    try:
        with archive.engine.connect() as src, target.begin() as dst:
            for name in PUBLIC_TABLES:
                table = Base.metadata.tables[name]
                result = src.execution_options(yield_per=BATCH).execute(
                    select(table).order_by(*table.primary_key.columns)
                )
                counts[name] = 0
                for batch in result.partitions():
                    rows = [dict(row._mapping) for row in batch]
                    dst.execute(table.insert(), rows)
                    counts[name] += len(rows)
            fulltext.sqlite_rebuild(dst)
        with target.connect() as conn:
            # Served immutable: a rollback journal file is simpler than WAL for that.
            conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
    finally:
        target.dispose()
    os.replace(tmp, path)
    return counts
