"""`councilwatch crawl` against a replayed site: versions stored once, changes once, on both databases."""

import json

import pytest

PAGE_V1 = (
    "<html><head><title>Our response</title></head><body><nav>Home | News</nav>"
    "<main><p>We object to closing 31 of 44 children's centres.</p></main></body></html>"
)
PAGE_V2 = PAGE_V1.replace("31 of 44", "29 of 44")


@pytest.fixture
def campaign_site(replay, write_config):
    replay.add("/response", PAGE_V1)
    write_config(f'[[sources]]\nname = "camp"\ntype = "page"\nurls = ["{replay.url}response"]\n')
    return replay


def export(cli, db):
    result = cli("export", db=db)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_crawl_stores_the_page_and_prints_a_summary(campaign_site, cli, sqlite_url):
    result = cli("crawl", db=sqlite_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "camp: ok - 1 page, 1 document (1 new), 1 new version," in result.stdout
    [doc] = export(cli, sqlite_url)
    assert doc["fields"]["text"] == "We object to closing 31 of 44 children's centres."


def test_unchanged_pages_add_no_versions_and_a_changed_page_adds_exactly_one(
    campaign_site, cli, db_url
):
    """The foundation's promise, on SQLite and on PostgreSQL."""
    cli("crawl", db=db_url)
    unchanged = cli("crawl", db=db_url)
    campaign_site.add("/response", PAGE_V2)
    changed = cli("crawl", db=db_url)
    [doc] = export(cli, db_url)
    assert "0 new versions" in unchanged.stdout
    assert "1 new version," in changed.stdout
    assert doc["versions"] == 2
    assert doc["fields"]["text"] == "We object to closing 29 of 44 children's centres."


def test_the_second_crawl_asks_conditionally_and_a_304_changes_nothing(
    campaign_site, cli, sqlite_url
):
    cli("crawl", db=sqlite_url)
    cli("crawl", db=sqlite_url)
    second = campaign_site.requested("/response")[-1]
    assert second.headers.get("If-None-Match") and second.status == 304
    [doc] = export(cli, sqlite_url)
    assert doc["versions"] == 1


def test_requests_identify_councilwatch_and_read_robots_txt(campaign_site, cli, sqlite_url):
    cli("crawl", db=sqlite_url)
    assert campaign_site.requested("/robots.txt")
    assert campaign_site.requested("/response")[0].headers["User-Agent"].startswith("councilwatch/")


def test_a_page_forbidden_by_robots_txt_is_not_fetched(campaign_site, cli, sqlite_url):
    campaign_site.add(
        "/robots.txt", "User-agent: *\nDisallow: /response\n", content_type="text/plain"
    )
    result = cli("crawl", db=sqlite_url)
    assert not campaign_site.requested("/response")
    assert result.returncode == 1  # a source that yields nothing is a failure, said loudly


def test_a_site_answering_500_fails_the_source_and_names_the_problem(
    campaign_site, cli, sqlite_url
):
    campaign_site.add("/response", "oops", status=500)
    result = cli("crawl", db=sqlite_url)
    assert result.returncode == 1
    assert "camp: FAILED" in result.stdout
    assert "HTTP 500" in result.stdout


def test_an_unknown_source_is_one_line_and_exit_2(campaign_site, cli, sqlite_url):
    result = cli("crawl", "nowhere", db=sqlite_url)
    assert result.returncode == 2
    assert result.stderr.strip() == "councilwatch: unknown source 'nowhere' (known: camp)"


def test_a_304_answer_parses_exactly_like_the_original_download(
    replay, write_config, cli, sqlite_url
):
    """The stored body stands in for a 304 with its own charset, so nothing re-decodes wrongly."""
    page = "<html><body><main><p>The council’s £14m plan for 31 of 44 centres.</p></main></body></html>"
    replay.add("/plan", page.encode("cp1252"), content_type="text/html; charset=windows-1252")
    write_config(f'[[sources]]\nname = "camp"\ntype = "page"\nurls = ["{replay.url}plan"]\n')
    cli("crawl", db=sqlite_url)
    second = cli("crawl", db=sqlite_url)
    assert replay.requested("/plan")[-1].status == 304
    assert "0 new versions" in second.stdout
    [doc] = export(cli, sqlite_url)
    assert doc["fields"]["text"] == "The council’s £14m plan for 31 of 44 centres."
