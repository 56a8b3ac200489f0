"""The crawl lock: a lease row in the archive, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest

from core.config import Config, PageSource
from monitor.crawler import start_run
from storage import leases as locks
from storage.db import open_archive
from storage.models import CrawlRun
from storage.types import utcnow
from tests.helpers.scheduler_helpers import lock_row


@pytest.fixture(scope="module")
def shared_archive(module_db_url):
    """One archive per database for this module (migrating one costs seconds); every test
    uses its own lock names, so they cannot see each other's rows."""
    archive = open_archive(module_db_url)
    yield archive
    archive.dispose()


@pytest.fixture
def archive(shared_archive):
    return shared_archive


@pytest.fixture
def source():
    return f"camp-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def NAME(source):  # noqa: N802 - reads as the constant it replaces
    return locks.crawl_lock_name(source)


def test_a_held_lock_is_refused_to_a_second_owner_until_released(archive, NAME):
    first, second = locks.new_owner(), locks.new_owner()
    assert locks.acquire(archive, NAME, first).acquired
    refused = locks.acquire(archive, NAME, second)
    assert not refused.acquired and refused.owner == first
    locks.release(archive, NAME, first)
    assert locks.acquire(archive, NAME, second).acquired


def test_only_the_holder_can_renew_or_release(archive, NAME, source):
    holder, other = locks.new_owner(), locks.new_owner()
    locks.acquire(archive, NAME, holder)
    assert not locks.renew(archive, NAME, other)
    locks.release(archive, NAME, other)
    assert lock_row(archive, source).owner == holder
    assert locks.renew(archive, NAME, holder)


def test_an_expired_lease_is_taken_over_and_the_dead_holders_run_is_marked_interrupted(
    archive, tmp_path, NAME, source
):
    config = Config(
        sources=[PageSource(name=source, type="page", urls=["http://127.0.0.1/"])],
        path=tmp_path / "councilwatch.toml",
    )
    crashed = "another-host:4242:cafef00d"  # a host that died mid-crawl
    now = utcnow()
    assert locks.acquire(archive, NAME, crashed, now=now).acquired
    run_id = start_run(archive, config, source)
    locks.attach_run(archive, NAME, crashed, run_id)

    before_expiry = now + timedelta(seconds=locks.LEASE_SECONDS - 1)
    assert not locks.acquire(archive, NAME, locks.new_owner(), now=before_expiry).acquired

    after_expiry = now + timedelta(seconds=locks.LEASE_SECONDS + 1)
    claim = locks.acquire(archive, NAME, locks.new_owner(), now=after_expiry)
    assert claim.acquired and claim.took_over_from == crashed
    with archive.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run.status == "interrupted"
        assert "stopped renewing its lock" in run.problems[-1]


def test_a_renewed_lease_is_not_taken_over(archive, NAME):
    holder = locks.new_owner()
    now = utcnow()
    locks.acquire(archive, NAME, holder, now=now)
    later = now + timedelta(seconds=locks.LEASE_SECONDS - 10)
    assert locks.renew(archive, NAME, holder, now=later)
    past_first_lease = now + timedelta(seconds=locks.LEASE_SECONDS + 10)
    assert not locks.acquire(archive, NAME, locks.new_owner(), now=past_first_lease).acquired


def test_a_lock_left_by_a_killed_process_on_this_host_is_taken_over_at_once(archive, NAME):
    # A real process that has exited: its pid is free, its lease has not run out.
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    dead = f"{locks.new_owner().split(':')[0]}:{child.stdout.strip()}:deadbeef"
    locks.acquire(archive, NAME, dead)
    claim = locks.acquire(archive, NAME, locks.new_owner())
    assert claim.acquired and claim.took_over_from == dead


def _contend(url: str, name: str, barrier, results) -> None:
    from storage.db import Archive

    archive = Archive(url)
    owner = locks.new_owner()
    barrier.wait()
    results.put((owner, locks.acquire(archive, name, owner).acquired))
    archive.dispose()


def test_processes_racing_for_one_lock_let_exactly_one_win(archive, NAME, source):
    # fork: the contenders start at once without re-importing everything; each opens its
    # own engine, nothing of the parent's connection pool is used in them.
    ctx = multiprocessing.get_context("fork")
    contenders = 4
    barrier, results = ctx.Barrier(contenders), ctx.Queue()
    procs = [ctx.Process(target=_contend, args=(archive.url, NAME, barrier, results))
             for _ in range(contenders)]  # fmt: skip
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    winners = [owner for owner, won in outcomes if won]
    assert len(winners) == 1
    assert lock_row(archive, source).owner == winners[0]
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
