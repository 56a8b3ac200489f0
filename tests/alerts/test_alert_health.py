"""Source health: maintainers hear once when a source breaks and once when it recovers."""

from __future__ import annotations

from datetime import timedelta

from alerts.delivery import deliver_due
from alerts.health import check_health
from monitor.crawler import CrawlResult
from storage.archive import source_row
from storage.models import CrawlRun
from tests.helpers.alert_helpers import T0, failing_then_back, make_config


def _config(smtp_port):
    return make_config(smtp_port=smtp_port, maintainers={"email": "ops@example.org"})


def _history(archive, source: str, counts: list[int]) -> None:
    with archive.session() as session:
        src = source_row(session, source, "moderngov")
        for n in counts:
            session.add(CrawlRun(source=src, status="finished", documents=n, started_at=T0))


def _run(archive, source: str, documents: int, status: str = "finished") -> CrawlResult:
    _history(archive, source, [])
    with archive.session() as session:
        run = CrawlRun(
            source=source_row(session, source, "moderngov"),
            status=status,
            documents=documents,
            started_at=T0,
        )
        session.add(run)
        session.flush()
        run_id = run.id
    problems = ["oxon: crawl process exited with code 1"] if status == "failed" else []
    return CrawlResult(
        source=source, run_id=run_id, status=status, documents=documents, problems=problems
    )


def test_a_failing_source_alerts_the_maintainers_once_and_again_when_it_recovers(
    archive, smtp_server
):
    config = _config(smtp_server.port)
    _history(archive, "oxon", [120, 118, 121])

    for step, (documents, status) in enumerate(
        [(0, "failed"), (0, "failed"), (0, "finished"), (119, "finished"), (120, "finished")]
    ):
        now = T0 + timedelta(hours=step)
        check_health(config, archive, [_run(archive, "oxon", documents, status)], now=now)
        deliver_due(config, archive, now=now)

    assert smtp_server.inbox.subjects() == failing_then_back("source oxon")
    failing = smtp_server.inbox.text(0)
    assert "crawl failed: oxon: crawl process exited with code 1" in failing
    assert all(m["To"] == "ops@example.org" for m in smtp_server.inbox.messages)


def test_a_source_that_suddenly_finds_far_fewer_documents_than_usual_is_reported(
    archive, smtp_server
):
    config = _config(smtp_server.port)
    _history(archive, "oxon", [120, 118, 121, 119])

    check_health(config, archive, [_run(archive, "oxon", 115)], now=T0)
    check_health(config, archive, [_run(archive, "oxon", 12)], now=T0 + timedelta(hours=1))
    deliver_due(config, archive, now=T0 + timedelta(hours=1))

    [mail] = smtp_server.inbox.messages
    text = mail.get_body(("plain",)).get_content()
    assert "found 12 documents, far fewer than usual" in text


def test_a_new_source_with_little_history_is_not_judged_by_its_counts(sqlite_archive, smtp_server):
    config = _config(smtp_server.port)
    _history(sqlite_archive, "oxon", [300])
    assert check_health(config, sqlite_archive, [_run(sqlite_archive, "oxon", 5)], now=T0) == 0


def test_an_interrupted_or_skipped_crawl_says_nothing_about_health(sqlite_archive, smtp_server):
    config = _config(smtp_server.port)
    interrupted = _run(sqlite_archive, "oxon", 0, status="interrupted")
    skipped = CrawlResult(source="oxon", run_id=None, status="skipped")
    assert check_health(config, sqlite_archive, [interrupted, skipped], now=T0) == 0
