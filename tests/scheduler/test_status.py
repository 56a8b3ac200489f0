"""`councilwatch status`: each source's last run, its counts, its next run and its health."""

from __future__ import annotations

import json


def test_a_source_whose_site_is_down_shows_as_failing_with_the_reason(
    campaign_site, campaign_config, cli, sqlite_url
):
    campaign_config(schedule="30 7 * * 1-5")
    for path in campaign_site.paths:
        campaign_site.add(path, "Service unavailable", status=503)

    crawl = cli("crawl", db=sqlite_url)
    assert crawl.returncode == 1
    status = cli("status", "--json", db=sqlite_url)

    [camp] = json.loads(status.stdout)["sources"]
    assert camp["health"] == "failing"
    assert "found no documents" in camp["failing_reason"]
    assert camp["last_run"]["status"] == "failed" and camp["last_run"]["problems"]
    assert camp["next_run"] and camp["schedule"] == "30 7 * * 1-5"
    table = cli("status", db=sqlite_url).stdout
    assert "camp" in table and "failing since" in table


def test_a_source_never_crawled_shows_its_next_run_in_uk_time(campaign_config, cli, sqlite_url):
    campaign_config(schedule="0 6 * * *")
    assert cli("db", "upgrade", db=sqlite_url).returncode == 0  # status never creates one
    status = cli("status", "--json", db=sqlite_url)
    [camp] = json.loads(status.stdout)["sources"]
    assert (camp["health"], camp["last_run"]) == ("never run", None)
    # 06:00 in London is 06:00 or 05:00 UTC depending on the season.
    assert camp["next_run"][11:16] in ("06:00", "05:00")
