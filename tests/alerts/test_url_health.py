"""Health per URL: a watched URL failing in N crawls in a row raises one maintainer alert naming
it, and one when it works again (real crawls of a replayed site, a real SMTP server)."""

from __future__ import annotations

import pytest
from standardwebhooks.webhooks import Webhook

from alerts.health import problem_url
from tests.helpers.alert_helpers import SECRET, failing_then_back

PAGE = (
    "<html><head><title>Consultation</title></head><body><main><h1>Consultation</h1>"
    "<p>Funding would be withdrawn from 31 of 44 children's centres.</p></main></body></html>"
)


@pytest.fixture
def watch(write_config, smtp_server):
    """Config: source `camp` watching `urls`, its maintainers alerted by email (and by what
    `maintainers` adds) through the test's SMTP server."""

    def write(urls: list[str], maintainers: str = "") -> None:
        listed = ", ".join(f'"{url}"' for url in urls)
        write_config(
            f'[[sources]]\nname = "camp"\ntype = "page"\nurls = [{listed}]\n\n'
            f'[maintainers]\nemail = "ops@example.org"\n{maintainers}\n'
            f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_server.port}\n'
        )

    return write


def test_a_url_failing_in_three_crawls_in_a_row_is_reported_once_and_again_when_it_recovers(
    replay, watch, cli, db_url, smtp_server, receiver
):
    replay.add("/consultation", PAGE)  # /gone answers 404: the council removed it
    gone = f"{replay.url}gone"
    watch(
        [f"{replay.url}consultation", gone],
        f'webhook = "{receiver.url}"\nwebhook_secret_env = "OPS_SECRET"\n'
        "url_failures_before_alert = 3\n",
    )
    subjects = []
    for crawl in range(5):
        if crawl == 4:
            replay.add("/gone", PAGE.replace("31 of 44", "29 of 44"))
        result = cli("crawl", db=db_url, env={"OPS_SECRET": SECRET})
        assert result.returncode == 0, result.stdout + result.stderr
        subjects.append(smtp_server.inbox.subjects())

    failing, back = failing_then_back(f"{gone} (source camp)")
    assert subjects[1] == []
    assert subjects[2] == [failing]
    assert subjects[3] == [failing]
    assert subjects[4] == [failing, back]
    text = smtp_server.inbox.text(0)
    assert "needs attention: a problem in 3 crawls in a row: HTTP 404" in text
    assert all(m["To"] == "ops@example.org" for m in smtp_server.inbox.messages)
    payloads = [Webhook(SECRET).verify(r.body, r.headers) for r in receiver.requests]
    assert [(p["type"], p["url"], p["state"]) for p in payloads] == [
        ("source.health", gone, "failing"),
        ("source.health", gone, "recovered"),
    ]


def test_a_problem_names_its_url_unless_it_is_about_the_whole_source():
    assert problem_url("https://council.example/a?b=1: HTTP 404") == "https://council.example/a?b=1"
    assert problem_url("camp: the crawl found no documents at all") is None


def test_a_page_moved_permanently_within_its_host_is_a_notice_and_never_failing(
    replay, watch, cli, db_url, smtp_server
):
    replay.add("/old-consultation", status=301, headers={"Location": f"{replay.url}consultation"})
    replay.add("/consultation", PAGE)
    replay.add("/gone", status=404)  # a real failure beside it, so the alerts are seen to work
    old, gone = f"{replay.url}old-consultation", f"{replay.url}gone"
    watch([old, gone])
    moved = (
        f"  notice: {old}: moved permanently to {replay.url}consultation; still watched under "
        "its configured URL (put the new URL in the source's urls)"
    )
    for _ in range(2):
        result = cli("crawl", db=db_url)
        assert result.returncode == 0, result.stdout + result.stderr
        lines = result.stdout.splitlines()
        assert moved in lines
        assert [line for line in lines if line.startswith("  problem: ")] == [
            f"  problem: {gone}: HTTP 404"
        ]
        assert "1 problem," in result.stdout
    subjects = smtp_server.inbox.subjects()
    assert subjects == [f"councilwatch: {gone} (source camp) is failing"]
