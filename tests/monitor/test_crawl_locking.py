"""`councilwatch crawl` from cron: one crawl per source at a time, and a clean stop on SIGTERM."""

from __future__ import annotations

import signal
from pathlib import Path

from sqlalchemy import select

from storage.db import open_archive
from storage.models import Document, Version
from tests.helpers.scheduler_helpers import crawl_runs, document_count, lock_row, wait_for


def _opened(db_url):
    return open_archive(db_url)


def test_two_processes_contending_for_one_source_crawl_it_once(
    campaign_site, campaign_config, spawn, db_url
):
    campaign_config()
    archive = _opened(db_url)
    first = spawn("crawl", db=db_url)
    wait_for(lambda: lock_row(archive), "the first crawl to take the source's lock")
    # Freeze the first while it holds the lock: as if its crawl were taking a long time.
    first.send_signal(signal.SIGSTOP)
    try:
        second = spawn("crawl", db=db_url)
        out2, err2 = second.communicate(timeout=120)
    finally:
        first.send_signal(signal.SIGCONT)
    out1, err1 = first.communicate(timeout=120)

    assert first.returncode == 0, out1 + err1
    assert "camp: ok - 4 pages" in out1
    # Skipping is not a failure: cron must not page anyone for it.
    assert second.returncode == 0, out2 + err2
    assert "camp: SKIPPED - already being crawled by" in out2
    assert len(crawl_runs(archive)) == 1
    assert lock_row(archive) is None
    archive.dispose()


def test_a_skipped_source_prints_nothing_with_quiet(
    campaign_site, campaign_config, cli, sqlite_url
):
    db_url = sqlite_url
    from storage import leases as locks

    campaign_config()
    archive = _opened(db_url)
    holder = locks.new_owner().replace(":", "-", 1)  # another host, alive
    locks.acquire(archive, locks.crawl_lock_name("camp"), holder)

    result = cli("crawl", "--quiet", db=db_url)

    assert result.returncode == 0
    assert result.stdout == "" and result.stderr == ""
    assert crawl_runs(archive) == []
    archive.dispose()


def test_sigterm_mid_crawl_leaves_a_consistent_archive_that_the_next_run_completes(
    campaign_site, campaign_config, spawn, cli, postgres_url
):
    # PostgreSQL here; the scheduler's SIGTERM test covers SQLite.
    db_url = postgres_url
    # Slow enough that the crawl is still running when its first page is counted (the
    # run's counts are written every 2 s): 24 pages at 0.5 s each.
    campaign_site.slow(0.5, notices=20)
    campaign_config()
    archive = _opened(db_url)
    crawl = spawn("crawl", db=db_url)
    # Mid-crawl: a page stored, many still to come. Scrapy finishes the requests it
    # has already handed to its downloader (at most 16) and drops the rest.
    wait_for(lambda: (runs := crawl_runs(archive)) and runs[0].pages >= 1, "a first page")

    crawl.send_signal(signal.SIGTERM)
    out, err = crawl.communicate(timeout=120)

    assert crawl.returncode == 128 + signal.SIGTERM, out + err
    assert "stopped by SIGTERM" in err
    [run] = crawl_runs(archive)
    assert run.status == "interrupted" and run.finished_at is not None
    assert lock_row(archive) is None
    stored = document_count(archive)
    assert 1 <= stored < 24
    _assert_every_document_is_whole(archive)

    campaign_site.slow(0, notices=20)
    again = cli("crawl", db=db_url)

    assert again.returncode == 0, again.stdout + again.stderr
    assert crawl_runs(archive)[-1].status == "finished"
    assert document_count(archive) == 24
    _assert_every_document_is_whole(archive)
    archive.dispose()


def _assert_every_document_is_whole(archive) -> None:
    """No half-written page: every document has its latest version, with text and raw body."""
    with archive.session() as session:
        for doc in session.scalars(select(Document)):
            versions = session.scalars(select(Version).where(Version.document_id == doc.id)).all()
            assert versions, doc.key
            assert doc.latest_version_id == versions[-1].id
            assert versions[-1].text and versions[-1].raw_sha256


def test_a_crawl_whose_parent_is_killed_stops_and_the_next_crawl_takes_over_at_once(
    campaign_site, campaign_config, spawn, cli, sqlite_url
):
    campaign_site.slow(0.5, notices=20)  # still crawling when its first page is counted
    campaign_config()
    archive = _opened(sqlite_url)
    crawl = spawn("crawl", db=sqlite_url)
    wait_for(lambda: (runs := crawl_runs(archive)) and runs[0].pages >= 1, "a first page")
    [child] = _children(crawl.pid)

    crawl.send_signal(signal.SIGKILL)  # no chance to release its lock or finish its run
    crawl.wait(timeout=60)
    wait_for(lambda: not Path(f"/proc/{child}").exists() or _is_zombie(child),
             "the orphaned scrapy process to stop")  # fmt: skip
    assert lock_row(archive) is not None  # left behind, lease not yet expired

    campaign_site.slow(0, notices=20)
    again = cli("crawl", db=sqlite_url)

    assert again.returncode == 0, again.stdout + again.stderr
    first, second = crawl_runs(archive)
    # Told to stop when its parent died, the crawl closed cleanly and said so itself.
    assert first.status == "interrupted"
    assert second.status == "finished" and document_count(archive) == 24
    assert lock_row(archive) is None
    archive.dispose()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(t) for t in text]
    return found


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (FileNotFoundError, IndexError):
        return True
