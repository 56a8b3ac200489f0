"""Politeness against real servers: Retry-After, backoff, Crawl-delay, and a site that is down.

Gaps are measured at the server, between the arrivals of a crawl's requests: these are
behaviours (the crawl waited at least as long as it was asked to), not benchmarks.
"""

from __future__ import annotations

import signal
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from spiders.retries import retry_after_seconds
from tests.helpers.command import start
from tests.helpers.timed_server import gaps, page


def problems(result) -> list[str]:
    return [
        line.removeprefix("  problem: ")
        for line in result.stdout.splitlines()
        if line.startswith("  problem: ")
    ]


def test_a_503_with_retry_after_is_asked_again_only_after_that_many_seconds(server, crawl):
    server.route(
        "/busy",
        lambda n: (503, {"Retry-After": "2"}, b"busy") if n == 1 else page("Consultation"),
    )
    result = crawl([server.url + "busy"])
    assert result.returncode == 0, result.stdout + result.stderr
    times = server.times("/busy")
    assert len(times) == 2
    assert gaps(times)[0] >= 1.9


def test_retry_after_given_as_an_http_date_is_waited_for(server, crawl):
    def answer(n):
        if n > 1:
            return page("Consultation")
        when = datetime.now(UTC) + timedelta(seconds=3)
        return 503, {"Retry-After": format_datetime(when, usegmt=True)}, b"busy"

    server.route("/busy", answer)
    result = crawl([server.url + "busy"])
    assert result.returncode == 0, result.stdout + result.stderr
    times = server.times("/busy")
    assert len(times) == 2
    # An HTTP date has whole seconds: 3 s from now is between 2 and 3 s away.
    assert gaps(times)[0] >= 1.9


def test_retry_after_header_reads_seconds_and_dates():
    now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120", now) == 120
    assert retry_after_seconds("Sun, 01 Mar 2026 12:02:00 GMT", now) == 120
    assert retry_after_seconds("Sun, 01 Mar 2026 11:00:00 GMT", now) == 0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_a_500_is_retried_with_growing_gaps_and_then_reported(server, crawl):
    server.route("/broken", lambda n: (500, {"Content-Type": "text/html"}, b"oops"))
    result = crawl([server.url + "broken"])
    times = server.times("/broken")
    assert len(times) == 4  # the request and RETRY_TIMES = 3 retries
    first, second, third = gaps(times)
    assert first >= 0.9
    assert second > first * 1.5
    assert third > second * 1.5
    assert problems(result)[0] == f"{server.url}broken: HTTP 500"


def test_a_retry_after_longer_than_the_crawl_waits_gives_the_site_up_with_one_problem(
    server, crawl
):
    for path in ("/a", "/b", "/c"):
        server.route(path, lambda n: (503, {"Retry-After": "3600"}, b"down for maintenance"))
    # Half a second between requests: time enough to read the first answer.
    result = crawl([server.url + p for p in ("a", "b", "c")], delay=0.5)
    asked = [a.path for a in server.arrivals if a.path != "/robots.txt"]
    assert len(asked) == 1  # the first answer said "in an hour": nothing more was asked
    [problem] = problems(result)
    assert problem.startswith(f"{server.url}: HTTP 503: the site asks to wait 3600 s")
    assert result.returncode == 1  # nothing was found: the source failed


def test_robots_crawl_delay_spaces_the_requests_to_a_site(server, crawl):
    server.route(
        "/robots.txt",
        lambda n: (200, {"Content-Type": "text/plain"}, b"User-agent: *\nCrawl-delay: 2\n"),
    )
    for path in ("/a", "/b", "/c"):
        server.route(path, lambda n, path=path: page(path))
    result = crawl([server.url + p for p in ("a", "b", "c")])
    assert result.returncode == 0, result.stdout + result.stderr
    times = server.times()
    assert len(times) == 3
    assert min(gaps(times)) >= 1.9


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def test_an_unreachable_site_is_one_problem_line_whatever_was_asked_of_it(crawl):
    down = f"http://127.0.0.1:{_closed_port()}/"
    result = crawl([down + "consultation", down + "response", down + "report.pdf"])
    assert problems(result) == [
        f"{down}: site unreachable: connection refused after 4 attempts; "
        "no more of its pages asked for in this crawl"
    ]
    assert result.returncode == 1


def test_an_unreachable_moderngov_site_is_one_problem_not_one_per_page(crawl):
    down = f"http://127.0.0.1:{_closed_port()}/"
    result = crawl([down], source_type="moderngov")
    lines = problems(result)
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith(f"{down}: site unreachable: connection refused after 4 attempts")
    assert result.returncode == 1


def test_a_crawl_told_to_stop_during_a_retry_after_wait_stops_at_once(server, write_config):
    server.route("/busy", lambda n: (503, {"Retry-After": "200"}, b"busy"))
    path = write_config(f'[[sources]]\nname = "site"\ntype = "page"\nurls = ["{server.url}busy"]\n')
    crawl = start(path.parent, "crawl", "--no-alerts", db=f"sqlite:///{path.parent / 'archive.db'}")
    deadline = time.monotonic() + 60
    while not server.times("/busy") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server.times("/busy"), "the crawl never asked for the page"
    time.sleep(1)  # now waiting out the 200 s
    stopped_at = time.monotonic()
    crawl.send_signal(signal.SIGTERM)
    out, _ = crawl.communicate(timeout=60)
    assert crawl.returncode == 143, out
    # Well within the 30 s the crawl would get before being killed.
    assert time.monotonic() - stopped_at < 15
    assert "site: INTERRUPTED" in out
