"""`councilwatch run`: sources crawled on their own schedules in UK time, missed slots
coalesced, a clean stop on SIGTERM. The clock is controlled with time-machine; crawls are
real `scrapy crawl` processes against the replay server."""

from __future__ import annotations

import json
import signal
from datetime import datetime, timedelta

import pytest
import time_machine

from core.config import load_config
from core.uktime import UK
from monitor.scheduler import Service
from storage.db import open_archive
from tests.helpers.scheduler_helpers import crawl_runs, lock_row, wait_for


@pytest.fixture
def service_for(campaign_site, campaign_config, sqlite_url, write_config):
    """A scheduler Service over `camp` (06:00) and `late` (06:30); stopped at teardown."""
    made = []

    def make(schedule="0 6 * * *", late="30 6 * * *"):
        urls = f'["{campaign_site.url}response"]'
        config = load_config(
            campaign_config(
                schedule,
                f'[[sources]]\nname = "late"\ntype = "page"\nurls = {urls}\nschedule = "{late}"\n'
                '\n[alerts]\nschedule = "0 3 * * *"\n',
            )
        )
        archive = open_archive(sqlite_url)
        service = Service(config, archive)
        made.append((service, archive))
        return service, archive

    yield make
    for service, archive in made:
        service.stop()
        archive.dispose()


def _next_job(service) -> str:
    done = service.done.get(timeout=120)
    return done.job


def _advance(traveller, service, when: datetime) -> None:
    traveller.move_to(when)
    service.scheduler.wakeup()


def test_each_source_is_crawled_on_its_own_schedule_in_uk_time(service_for):
    # Summer (BST, UTC+1): 06:00 in London is 05:00 UTC.
    start = datetime(2026, 7, 1, 5, 59, tzinfo=UK)
    with time_machine.travel(start, tick=False) as traveller:
        service, archive = service_for()
        service.start()
        nexts = service.next_runs()
        assert nexts["crawl:camp"] == datetime(2026, 7, 1, 6, 0, tzinfo=UK)
        assert nexts["crawl:camp"].utcoffset() == timedelta(hours=1)
        assert nexts["crawl:late"] == datetime(2026, 7, 1, 6, 30, tzinfo=UK)

        _advance(traveller, service, datetime(2026, 7, 1, 6, 0, 1, tzinfo=UK))
        assert _next_job(service) == "crawl:camp"
        assert [r.status for r in crawl_runs(archive)] == ["finished"]
        assert crawl_runs(archive, "late") == []

        _advance(traveller, service, datetime(2026, 7, 1, 6, 30, 1, tzinfo=UK))
        assert _next_job(service) == "crawl:late"
        assert len(crawl_runs(archive)) == 1
        assert [r.status for r in crawl_runs(archive, "late")] == ["finished"]
        assert service.next_runs()["crawl:camp"] == datetime(2026, 7, 2, 6, 0, tzinfo=UK)


def test_slots_missed_while_the_host_slept_are_coalesced_into_one_crawl(service_for):
    start = datetime(2026, 11, 2, 5, 0, tzinfo=UK)
    with time_machine.travel(start, tick=False) as traveller:
        service, archive = service_for(schedule="0 * * * *", late="0 0 1 1 *")
        service.start()
        # The host sleeps from 05:00 to 10:20: five hourly slots pass unseen.
        _advance(traveller, service, datetime(2026, 11, 2, 10, 20, tzinfo=UK))
        assert _next_job(service) == "crawl:camp"
        assert service.done.empty()
        assert len(crawl_runs(archive)) == 1
        assert service.next_runs()["crawl:camp"] == datetime(2026, 11, 2, 11, 0, tzinfo=UK)


def test_a_source_that_missed_its_slot_while_the_service_was_stopped_is_crawled_once_at_start(
    service_for,
):
    # Stopped since a crawl on 2 November, over three 06:00 slots; restarted at noon.
    with time_machine.travel(datetime(2026, 11, 5, 12, 0, tzinfo=UK), tick=False):
        service, archive = service_for()
        _record_finished_run(service.config, archive, datetime(2026, 11, 2, 6, 0, tzinfo=UK))
        service.start()
        assert _next_job(service) == "crawl:camp"
        assert [r.status for r in crawl_runs(archive)] == ["finished", "finished"]
        # `late` never ran, so it has no missed slot to catch up: it waits for 06:30.
        assert crawl_runs(archive, "late") == []
        assert service.next_runs()["crawl:late"] == datetime(2026, 11, 6, 6, 30, tzinfo=UK)
        assert service.next_runs()["crawl:camp"] == datetime(2026, 11, 6, 6, 0, tzinfo=UK)


def test_a_source_whose_last_crawl_was_interrupted_is_crawled_again_at_start(service_for):
    with time_machine.travel(datetime(2026, 11, 5, 6, 3, tzinfo=UK), tick=False):
        service, archive = service_for()
        # Stopped by SIGTERM two minutes into this morning's crawl, restarted at 06:03.
        _record_finished_run(
            service.config, archive, datetime(2026, 11, 5, 6, 0, tzinfo=UK), "interrupted"
        )
        service.start()
        assert _next_job(service) == "crawl:camp"
        assert [r.status for r in crawl_runs(archive)] == ["interrupted", "finished"]


def _record_finished_run(config, archive, started: datetime, status: str = "finished") -> None:
    """A crawl run recorded earlier, as the archive of a service that was stopped keeps it."""
    from monitor.crawler import start_run
    from storage.models import CrawlRun

    run_id = start_run(archive, config, "camp")
    with archive.session() as session:
        run = session.get(CrawlRun, run_id)
        run.started_at, run.finished_at, run.status = started, started, status


def test_the_service_stops_cleanly_on_sigterm_mid_crawl_and_logs_each_run(
    campaign_site, campaign_config, spawn, sqlite_url, cli
):
    config = load_config(campaign_config(schedule="0 6 * * *"))
    archive = open_archive(sqlite_url)
    # A run long ago, so the service catches up at start.
    _record_finished_run(config, archive, datetime(2026, 1, 1, 6, 0, tzinfo=UK))
    # Twenty slow pages: watched pages at zero delay go out `concurrency` (1) at a time,
    # unspaced, so the crawl is still busy for well over half a minute when the signal lands.
    campaign_site.slow(1.5, notices=20)

    service = spawn("run", db=sqlite_url)
    wait_for(lambda: len(crawl_runs(archive)) == 2 and crawl_runs(archive)[1].pages >= 1,
             "the catch-up crawl to be under way")  # fmt: skip
    service.send_signal(signal.SIGTERM)
    out, err = service.communicate(timeout=120)

    assert service.returncode == 0, err
    assert "crawl camp: next at" in err
    assert "crawl camp interrupted (run 2)" in err
    assert crawl_runs(archive)[1].status == "interrupted"
    assert lock_row(archive) is None
    status = json.loads(cli("status", "--json", db=sqlite_url).stdout)
    [camp] = status["sources"]
    assert camp["health"] == "interrupted" and camp["next_run"]
    archive.dispose()


def test_alert_delivery_runs_on_its_own_schedule(campaign_site, campaign_config, sqlite_url):
    config = load_config(campaign_config("0 6 1 1 *", '[alerts]\nschedule = "15 6 * * *"\n'))
    archive = open_archive(sqlite_url)
    with time_machine.travel(datetime(2026, 11, 2, 6, 14, tzinfo=UK), tick=False) as traveller:
        service = Service(config, archive)
        try:
            service.start()
            assert service.next_runs()["alerts"] == datetime(2026, 11, 2, 6, 15, tzinfo=UK)
            _advance(traveller, service, datetime(2026, 11, 2, 6, 15, 1, tzinfo=UK))
            assert _next_job(service) == "alerts"
            assert service.next_runs()["alerts"] == datetime(2026, 11, 3, 6, 15, tzinfo=UK)
            assert crawl_runs(archive) == []
        finally:
            service.stop()
            archive.dispose()
