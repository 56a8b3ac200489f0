"""Crawl locks shared through the database: one lease row per lock name.

Why a row and not a file lock or an advisory lock: the archive's database is the one
thing every process and every host already shares. A file lock (`flock`) covers only
one host; PostgreSQL advisory locks belong to one connection, leak when it goes back
to the pool and break behind PgBouncer, and SQLite has none.
A row with an owner and a lease expiry works the same on SQLite and PostgreSQL.

The rules:
- `acquire` takes a free lock, or one whose lease has expired (its holder crashed or
  its host went away), or one whose holder is a process on this host that no longer
  exists. Anything else is held: the caller skips.
- The holder renews the lease while it works (`renew`); a crawl that hangs is still
  bounded by the crawl timeout, so a lock can never be held for ever.
- `release` deletes the row, but only if the caller still owns it.
- Taking over from a dead holder marks the crawl run it left "running" as interrupted,
  so the archive never shows a crawl as running that nobody is running.

Lease times come from the caller's clock (every host should run NTP); the lease is
minutes long, so a few seconds of clock drift between hosts does not matter.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from storage.db import dialect_insert
from storage.models import CrawlLock, CrawlRun
from storage.types import utcnow

# How long a lock stays held without renewal. A host that dies holding a lock blocks
# that source for at most this long; holders renew every LEASE_SECONDS / 3.
LEASE_SECONDS = 300


@dataclass(frozen=True)
class Claim:
    """The answer to `acquire`: whether we hold the lock now, and otherwise who does."""

    acquired: bool
    name: str
    owner: str  # the holder: us when acquired
    acquired_at: datetime
    lease_until: datetime
    took_over_from: str | None = None  # a dead holder we replaced

    def describe_holder(self) -> str:
        return f"{self.owner} (since {self.acquired_at:%Y-%m-%d %H:%M:%S} UTC)"


def new_owner() -> str:
    """A unique holder id that still says which host and process holds the lock."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def crawl_lock_name(source: str) -> str:
    return f"crawl:{source}"


def _holder_is_dead_here(owner: str) -> bool:
    """True when `owner` is a process on this host that has exited (crashed or killed).

    Lets the next crawl on the same host go ahead at once instead of waiting for the
    lease to run out. Holders on other hosts are judged by their lease alone.
    """
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, someone else's
    return False


def acquire(archive, name: str, owner: str, *, now: datetime | None = None) -> Claim:
    now = now or utcnow()
    until = now + timedelta(seconds=LEASE_SECONDS)
    with archive.session() as session:
        # SQLite: the session's transaction began with BEGIN IMMEDIATE, so only one
        # writer at a time gets here. PostgreSQL: FOR UPDATE makes a second acquirer
        # wait for the first one's commit and then see its row.
        row = session.scalar(select(CrawlLock).where(CrawlLock.name == name).with_for_update())
        if row is None:
            values = dict(
                name=name, owner=owner, acquired_at=now, renewed_at=now, lease_until=until
            )
            # ON CONFLICT: on PostgreSQL two acquirers can both find no row; one insert wins.
            won = session.execute(
                dialect_insert(session, CrawlLock)
                .values(**values)
                .on_conflict_do_nothing()
                .returning(CrawlLock.name)
            ).first()
            if won:
                return Claim(True, name, owner, now, until)
            row = session.scalar(select(CrawlLock).where(CrawlLock.name == name))
            return Claim(False, name, row.owner, row.acquired_at, row.lease_until)
        if row.owner != owner and row.lease_until > now and not _holder_is_dead_here(row.owner):
            return Claim(False, name, row.owner, row.acquired_at, row.lease_until)
        previous = row.owner if row.owner != owner else None
        if previous and row.run_id is not None:
            _mark_abandoned(session, row.run_id, previous, now)
        row.owner, row.acquired_at, row.renewed_at, row.lease_until, row.run_id = (
            owner, now, now, until, None
        )  # fmt: skip
        return Claim(True, name, owner, now, until, took_over_from=previous)


def _mark_abandoned(session, run_id: int, holder: str, now: datetime) -> None:
    run = session.get(CrawlRun, run_id)
    if run is not None and run.status == "running":
        run.status = "interrupted"
        run.finished_at = now
        run.problems = [
            *(run.problems or []),
            f"crawl abandoned: its holder {holder} stopped renewing its lock (crashed or killed)",
        ]


def attach_run(archive, name: str, owner: str, run_id: int) -> None:
    with archive.session() as session:
        session.execute(
            update(CrawlLock)
            .where(CrawlLock.name == name, CrawlLock.owner == owner)
            .values(run_id=run_id)
        )


def renew(archive, name: str, owner: str, *, now: datetime | None = None) -> bool:
    """Extend our lease; False when the lock is no longer ours (taken over after expiry)."""
    now = now or utcnow()
    with archive.session() as session:
        result = session.execute(
            update(CrawlLock)
            .where(CrawlLock.name == name, CrawlLock.owner == owner)
            .values(renewed_at=now, lease_until=now + timedelta(seconds=LEASE_SECONDS))
        )
        return result.rowcount == 1


def release(archive, name: str, owner: str) -> None:
    with archive.session() as session:
        session.execute(delete(CrawlLock).where(CrawlLock.name == name, CrawlLock.owner == owner))


def held_locks(archive, now: datetime | None = None) -> dict[str, CrawlLock]:
    """Locks currently held (lease not expired, holder not known to be dead), by name."""
    now = now or utcnow()
    with archive.session() as session:
        rows = session.scalars(select(CrawlLock).where(CrawlLock.lease_until > now)).all()
        return {row.name: row for row in rows if not _holder_is_dead_here(row.owner)}
