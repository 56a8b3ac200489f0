"""Redirects against real servers on three loopback addresses: a source scene only its hosts.

The council's site is on 127.0.0.1; 127.0.0.2 is someone else's site, which must never
be asked for anything; 127.0.0.3 is where one council moved (named in its
`allowed_hosts`). Two scene of the same archive: in the first every watched page
answers; before the second, three of them turn into an off-host redirect and two loops,
and one page changes a figure (so the outbox check below can tell "nothing sent" from
"nothing would ever be sent").
"""

from __future__ import annotations

import sqlite3
import subprocess

import pytest

from core.config import ConfigError, load_config
from councilwatch.replay import ReplayServer
from tests.helpers.command import councilwatch


def page(title: str, figure: str = "£2.3m") -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body><main>"
        f"<h1>{title}</h1><p>The council proposes to save {figure} a year from its "
        "early intervention budget. Have your say by 5 January.</p></main></body></html>"
    )


def redirect(to: str, status: int = 302) -> dict:
    return {"status": status, "headers": {"Location": to}}


class Crawls:
    def __init__(self, folder, home, other, moved):
        self.folder, self.home, self.other, self.moved = folder, home, other, moved
        self.db = folder / "archive.db"

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return councilwatch(self.folder, *args, db=f"sqlite:///{self.db}")

    def rows(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.db) as db:
            return db.execute(sql, params).fetchall()

    def documents(self) -> dict[str, tuple[str, int]]:
        """key -> (url, number of versions)."""
        return {
            key: (url, count)
            for key, url, count in self.rows(
                "SELECT d.key, d.url, COUNT(v.id) FROM documents d "
                "LEFT JOIN versions v ON v.document_id = d.id GROUP BY d.id"
            )
        }

    def outbox_keys(self) -> list[str]:
        return [
            key
            for (key,) in self.rows(
                "SELECT d.key FROM alert_outbox o JOIN changes c ON c.id = o.change_id "
                "JOIN documents d ON d.id = c.document_id"
            )
        ]


def problems(result, kind: str = "problem") -> list[str]:
    return [
        line.removeprefix(f"  {kind}: ")
        for line in result.stdout.splitlines()
        if line.startswith(f"  {kind}: ")
    ]


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    with (
        ReplayServer(host="127.0.0.1") as home,
        ReplayServer(host="127.0.0.2") as other,
        ReplayServer(host="127.0.0.3") as moved,
    ):
        run = Crawls(tmp_path_factory.mktemp("redirects"), home, other, moved)
        h = home.url
        for path in ("/steady", "/away", "/loop", "/ping"):
            home.add(path, page(f"Consultation {path}"))
        other.add("/elsewhere", page("Someone else's page", "£9.9m"))
        home.add("/old", **redirect(h + "new", 301))
        home.add("/new", page("The consultation, moved"))
        home.add("/today", **redirect(h + "holding"))
        home.add("/holding", page("The consultation, for today"))
        home.add("/twin-a", **redirect(h + "together", 301))
        home.add("/twin-b", **redirect(h + "together", 301))
        home.add("/together", page("Both ways lead here"))
        home.add(
            "/reloading",
            page("Live updates").replace(
                "<head>", f'<head><meta http-equiv="refresh" content="30; url={h}reloading">'
            ),
        )
        for n in range(1, 13):
            home.add(f"/chain/{n}", **redirect(f"{h}chain/{n + 1}"))
        home.add("/democracy", **redirect(moved.url + "democracy", 301))
        moved.add("/democracy", page("Democracy, at the new domain"))
        # A ModernGov site whose pages all moved to a host the source does not name.
        for path in (
            "mgRss.aspx",
            "mgWebService.asmx/GetCommittees",
            "mgDelegatedDecisions.aspx",
            "mgListOfficerDecisions.aspx",
            "mgCommitteeStructure.aspx",
        ):
            home.add(f"/council/{path}", **redirect(f"{other.url}council/{path}", 301))
        home.add("/feed", rss([h + "news/1.local-story/", other.url + "news/2.their-story/"]))
        home.add("/news/1.local-story/", article("Local story"))
        other.add("/news/2.their-story/", article("Their story"))
        (run.folder / "councilwatch.toml").write_text(config(h, moved.url), encoding="utf-8")
        run.first = run.cli("crawl", "--no-alerts")
        run.first_documents = run.documents()
        run.first_outbox = run.outbox_keys()
        # Between the scene: one page changes, three go wrong.
        home.add("/steady", page("Consultation /steady", "£3.1m"))
        home.add("/away", **redirect(other.url + "elsewhere", 301))
        home.add("/loop", **redirect(h + "loop"))
        home.add("/ping", **redirect(h + "pong"))
        home.add("/pong", **redirect(h + "ping"))
        run.second = run.cli("crawl", "watched", "--no-alerts")
        run.second_documents = run.documents()
        run.second_outbox = run.outbox_keys()
        yield run


def config(h: str, moved: str) -> str:
    urls = ", ".join(f'"{h}{p}"' for p in ("steady", "away", "loop", "ping"))
    same = ", ".join(
        f'"{h}{p}"' for p in ("old", "today", "twin-a", "twin-b", "chain/1", "reloading")
    )
    return f"""[crawl]
delay_seconds = 0
timeout_minutes = 5

[[sources]]
name = "watched"
type = "page"
urls = [{urls}]

[[sources]]
name = "same-host"
type = "page"
urls = [{same}]

[[sources]]
name = "moved-council"
type = "page"
urls = ["{h}democracy"]
allowed_hosts = ["{moved.split("/")[2].split(":")[0]}"]

[[sources]]
name = "council"
type = "moderngov"
base_url = "{h}council/"

[[sources]]
name = "paper"
type = "news"
feeds = ["{h}feed"]

[[subscriptions]]
name = "campaign"
feed = "campaign.xml"
sources = ["watched"]
kinds = ["figure", "text", "document"]
"""


def rss(links: list[str]) -> str:
    items = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in links)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>'


def article(headline: str) -> str:
    return (
        f'<!DOCTYPE html><html><head><title>{headline}</title><meta property="og:type" '
        f'content="article"><link rel="canonical" href="https://www.example-paper.co.uk/news/1/">'
        f"</head><body><article><h1>{headline}</h1><p>{'A paragraph of the story. ' * 20}</p>"
        "</article></body></html>"
    )


def key(source: str, url: str) -> str:
    return f"{source}:page:{url}"


# -- the watched pages that go wrong (issue 13, "Done when") ---------------------------


def test_a_watched_page_redirected_to_another_host_is_a_problem_naming_it(scene):
    h = scene.home.url
    assert (
        f"{h}away: redirected to other host 127.0.0.2, not followed ({scene.other.url}elsewhere; "
        "add the host to the source's allowed_hosts if it moved there)"
    ) in problems(scene.second)


def test_nothing_is_asked_of_or_stored_from_the_other_host(scene):
    assert scene.other.hits == []
    assert not [url for url, _ in scene.second_documents.values() if "127.0.0.2" in url]


def test_a_page_redirecting_to_itself_is_a_problem_naming_it(scene):
    h = scene.home.url
    assert f"{h}loop: redirect loop: {h}loop -> {h}loop" in problems(scene.second)


def test_a_two_page_redirect_loop_is_a_problem_naming_the_watched_page(scene):
    h = scene.home.url
    assert f"{h}ping: redirect loop: {h}ping -> {h}pong -> {h}ping" in problems(scene.second)


def test_pages_that_went_wrong_keep_their_last_version(scene):
    h = scene.home.url
    for path in ("away", "loop", "ping"):
        doc = key("watched", h + path)
        assert scene.first_documents[doc] == (h + path, 1)
        assert scene.second_documents[doc] == (h + path, 1)


def test_subscribers_hear_of_the_real_change_and_nothing_of_the_pages_that_went_wrong(scene):
    assert scene.first_outbox == []
    # The steady page's figure changed (£2.3m to £3.1m): that, and only that, is queued.
    assert set(scene.second_outbox) == {key("watched", scene.home.url + "steady")}


def test_a_crawl_with_pages_gone_wrong_still_finishes_when_others_were_read(scene):
    assert scene.second.returncode == 0, scene.second.stdout + scene.second.stderr
    assert "watched: ok" in scene.second.stdout


# -- redirects that are followed --------------------------------------------------------


def test_a_page_moved_within_its_host_keeps_its_key_and_notes_where_it_went(scene):
    h = scene.home.url
    assert scene.first_documents[key("same-host", h + "old")] == (h + "new", 1)
    assert (
        f"{h}old: moved permanently to {h}new; still watched under its configured URL "
        "(put the new URL in the source's urls)"
    ) in problems(scene.first, "notice")
    # The page was read: a notice, not a problem (URL health would call it failing).
    assert not [p for p in problems(scene.first) if p.startswith(f"{h}old")]


def test_a_temporary_redirect_keeps_the_watched_url_and_is_no_problem(scene):
    h = scene.home.url
    assert scene.first_documents[key("same-host", h + "today")] == (h + "today", 1)
    assert not [p for p in problems(scene.first) if p.startswith(f"{h}today")]
    assert key("same-host", h + "holding") not in scene.first_documents


def test_two_watched_urls_redirected_to_one_page_both_keep_their_documents(scene):
    h = scene.home.url
    for twin in ("twin-a", "twin-b"):
        assert scene.first_documents[key("same-host", h + twin)] == (h + "together", 1)


def test_a_page_whose_meta_refresh_reloads_itself_is_stored_not_a_loop(scene):
    h = scene.home.url
    assert scene.first_documents[key("same-host", h + "reloading")] == (h + "reloading", 1)
    assert not [p for p in problems(scene.first) if p.startswith(f"{h}reloading")]


def test_too_many_redirects_is_a_problem_naming_the_watched_url(scene):
    h = scene.home.url
    assert f"{h}chain/1: too many redirects (11), gave up at {h}chain/12" in problems(scene.first)


def test_allowed_hosts_lets_a_council_that_moved_domain_be_followed(scene):
    h = scene.home.url
    stored = scene.first_documents[key("moved-council", h + "democracy")]
    assert stored == (scene.moved.url + "democracy", 1)
    assert [hit.target for hit in scene.moved.hits if hit.target != "/robots.txt"] == ["/democracy"]


def test_a_moderngov_page_redirected_to_another_host_is_a_problem_and_not_followed(scene):
    h = scene.home.url
    decisions = [
        p for p in problems(scene.first) if p.startswith(f"{h}council/mgDelegatedDecisions.aspx?")
    ]
    assert len(decisions) == 1
    assert ": redirected to other host 127.0.0.2, not followed" in decisions[0]
    assert scene.other.hits == []


# -- links to other hosts ----------------------------------------------------------------


def test_a_feed_link_to_another_host_is_not_followed(scene):
    h = scene.home.url
    articles = [k for k in scene.first_documents if k.startswith("paper:article:")]
    # The canonical URL is on a host the source does not crawl: the URL fetched is the key.
    assert articles == [f"paper:article:{h}news/1.local-story/"]
    assert scene.other.hits == []


# -- configuration --------------------------------------------------------------------------


def test_allowed_hosts_must_be_host_names(tmp_path):
    path = tmp_path / "councilwatch.toml"
    path.write_text(
        '[[sources]]\nname = "c"\ntype = "page"\nurls = ["https://a.example/"]\n'
        'allowed_hosts = ["https://democracy.example.gov.uk/"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value) == (
        f"{path}: sources[0] (c).allowed_hosts: 'https://democracy.example.gov.uk/' is not a "
        "host name (write just the host: 'democracy.example.gov.uk')"
    )
