"""Issue 13's "Done when", as a user meets it: watched pages that go wrong in one crawl.

A campaign watches four council pages on 127.0.0.1. Between two runs of the real
`councilwatch crawl` (alerts sent, to a real SMTP server and a real webhook receiver), one
page turns into a "Page not found" page served with 200, one redirects to another host
(127.0.0.2, someone else's site), one redirects to itself, and the fourth revises a figure,
so "the subscribers got nothing about the bad pages" is told apart from "nothing was ever
going to be sent".
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook

from councilwatch.replay import ReplayServer
from tests.helpers import FIXTURES
from tests.helpers.alert_helpers import SECRET

SUSPECT_SITES = FIXTURES / "suspect_sites"
SOFT_404, AWAY, LOOP, STEADY = "consultation", "away", "loop", "steady"


def page(title: str, figure: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body><main><h1>{title}</h1>"
        f"<p>The council proposes to save {figure} a year from its early intervention budget "
        "by changing how family support is delivered. Have your say by 5 January.</p>"
        "</main></body></html>"
    )


def problems(result) -> list[str]:
    prefix = "  problem: "
    return [line[len(prefix) :] for line in result.stdout.splitlines() if line.startswith(prefix)]


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def crawls(tmp_path, cli, write_config, smtp_server, receiver, campaign_subscription):
    with ReplayServer(host="127.0.0.1") as home, ReplayServer(host="127.0.0.2") as other:
        h = home.url
        home.add(f"/{SOFT_404}", SUSPECT_SITES / "pages" / "childrens-centres.html")
        home.add(f"/{AWAY}", page("Family hubs", "£1.2m"))
        home.add(f"/{LOOP}", page("Early help", "£0.8m"))
        home.add(f"/{STEADY}", page("Libraries", "£2.3m"))
        other.add("/elsewhere", page("Someone else's page", "£9.9m"))
        urls = ", ".join(f'"{h}{path}"' for path in (SOFT_404, AWAY, LOOP, STEADY))
        write_config(
            f"""
[[sources]]
name = "watched"
type = "page"
urls = [{urls}]
"""
            + campaign_subscription('sources = ["watched"]')
        )
        db = tmp_path / "archive.db"
        env = {"CAMPAIGN_SECRET": SECRET}
        first = cli("crawl", db=f"sqlite:///{db}", env=env)
        assert first.returncode == 0, first.stdout + first.stderr
        versions_before = dict(
            rows(
                db,
                "SELECT d.url, COUNT(v.id) FROM documents d JOIN versions v ON v.document_id = d.id GROUP BY d.id",
            )
        )

        home.add(f"/{SOFT_404}", SUSPECT_SITES / "pages_gone" / "not-found.html")
        home.add(f"/{AWAY}", status=301, headers={"Location": f"{other.url}elsewhere"})
        home.add(f"/{LOOP}", status=302, headers={"Location": f"{h}{LOOP}"})
        home.add(f"/{STEADY}", page("Libraries", "£3.1m"))
        second = cli("crawl", db=f"sqlite:///{db}", env=env)
        yield {
            "url": h,
            "other": other,
            "db": db,
            "first": first,
            "second": second,
            "versions_before": versions_before,
            "smtp": smtp_server,
            "receiver": receiver,
        }


def test_watched_pages_gone_wrong_are_problems_stored_nowhere_and_never_reach_subscribers(crawls):
    h, db, second = crawls["url"], crawls["db"], crawls["second"]
    assert "Traceback" not in second.stderr, second.stderr
    # The crawl names each watched URL that went wrong, in words a maintainer can act on.
    found = problems(second)
    assert any(
        p.startswith(f"{h}{SOFT_404}: ")
        and "held back as suspect: the page reads as an error or not-found page" in p
        for p in found
    ), found
    assert any(
        p.startswith(f"{h}{AWAY}: redirected to other host 127.0.0.2, not followed") for p in found
    ), found
    assert f"{h}{LOOP}: redirect loop: {h}{LOOP} -> {h}{LOOP}" in found, found

    # No new version of any of them; the steady page's revision is the only new version.
    versions_after = dict(
        rows(
            db,
            "SELECT d.url, COUNT(v.id) FROM documents d JOIN versions v ON v.document_id = d.id GROUP BY d.id",
        )
    )
    assert crawls["versions_before"] == {h + p: 1 for p in (SOFT_404, AWAY, LOOP, STEADY)}
    assert versions_after == {**crawls["versions_before"], h + STEADY: 2}
    latest = dict(
        rows(
            db,
            "SELECT d.url, v.text FROM documents d JOIN version_texts v ON v.id = ("
            "SELECT MAX(id) FROM versions WHERE document_id = d.id)",
        )
    )
    assert "£2.3m" in latest[h + SOFT_404] and "Page not found" not in latest[h + SOFT_404]

    # Nothing asked of, or stored from, the other host.
    assert crawls["other"].hits == []
    assert not [r for r in rows(db, "SELECT url, key FROM documents") if "127.0.0.2" in " ".join(r)]
    assert not [t for (t,) in rows(db, "SELECT text FROM version_texts") if "Someone else" in t]

    # Subscribers: only the steady page's figure change is queued, mailed and posted.
    queued = rows(
        db,
        "SELECT DISTINCT d.url FROM alert_outbox o JOIN changes c ON c.id = o.change_id "
        "JOIN documents d ON d.id = c.document_id",
    )
    assert queued == [(h + STEADY,)]
    [mail] = crawls["smtp"].inbox.messages
    body = mail.get_body(("plain",)).get_content()
    assert "£3.1m" in body
    for path in (SOFT_404, AWAY, LOOP):
        assert f"{h}{path}\n" not in body and f"{h}{path} " not in body
    [request] = crawls["receiver"].requests
    payload = Webhook(SECRET).verify(request.body, request.headers)
    assert payload["document"]["url"] == h + STEADY
