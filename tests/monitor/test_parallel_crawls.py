"""Many sources side by side, and large sources covered over several budgeted crawls."""

from __future__ import annotations

import pytest

from councilwatch.replay import ReplayServer
from storage.db import open_archive
from tests.helpers.scheduler_helpers import crawl_runs, document_count


def page(n: int) -> str:
    return (
        f"<html><head><title>Notice {n}</title></head><body><main>"
        f"<p>Public notice {n}: the consultation on centre {n} closes on 5 January.</p>"
        "</main></body></html>"
    )


@pytest.fixture
def two_sites():
    """Two councils' sites, each on its own loopback address and answering slowly."""
    with ReplayServer(host="127.0.0.2") as a, ReplayServer(host="127.0.0.3") as b:
        for site in (a, b):
            for n in range(4):
                site.add(f"/notice/{n}", page(n), delay=0.4)
        yield a, b


def sources_toml(sites) -> str:
    blocks = []
    for name, site in zip(("east", "west"), sites, strict=True):
        urls = ", ".join(f'"{site.url}notice/{n}"' for n in range(4))
        blocks.append(f'[[sources]]\nname = "{name}"\ntype = "page"\nurls = [{urls}]\n')
    return "\n".join(blocks)


def crawl_windows(tmp_path, cli, sqlite_url, sites, crawl: str) -> list[tuple]:
    """Crawl the two sites with `[crawl]` settings `crawl`: when each source's crawl began and
    ended, east's first."""
    config = f"[crawl]\ndelay_seconds = 0\n{crawl}\n" + sources_toml(sites)
    (tmp_path / "councilwatch.toml").write_text(config)
    result = cli("crawl", db=sqlite_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "east: ok - 4 pages" in result.stdout and "west: ok - 4 pages" in result.stdout
    archive = open_archive(sqlite_url)
    windows = []
    for source in ("east", "west"):
        [run] = crawl_runs(archive, source)
        assert run.status == "finished", run.problems
        windows.append((run.started_at, run.finished_at))
    archive.dispose()
    return windows


def test_sources_are_crawled_side_by_side_and_each_is_summarised(
    two_sites, tmp_path, cli, sqlite_url
):
    (east_start, east_end), (west_start, west_end) = crawl_windows(
        tmp_path, cli, sqlite_url, two_sites, ""
    )
    assert east_start < west_end and west_start < east_end  # the two crawls overlapped


def test_sources_in_parallel_1_crawls_one_source_after_another(
    two_sites, tmp_path, cli, sqlite_url
):
    windows = sorted(crawl_windows(tmp_path, cli, sqlite_url, two_sites, "sources_in_parallel = 1"))
    assert windows[0][1] <= windows[1][0]


PAGES = 60


def test_a_page_budget_ends_a_crawl_and_the_next_crawls_fetch_the_pages_not_reached(
    replay, tmp_path, cli, sqlite_url
):
    for n in range(PAGES):
        replay.add(f"/notice/{n}", page(n))
    urls = ", ".join(f'"{replay.url}notice/{n}"' for n in range(PAGES))
    (tmp_path / "councilwatch.toml").write_text(
        "[crawl]\ndelay_seconds = 0\nmax_pages = 4\n\n"
        f'[[sources]]\nname = "camp"\ntype = "page"\nurls = [{urls}]\n'
    )
    archive = open_archive(sqlite_url)
    first = cli("crawl", db=sqlite_url)
    after_first = document_count(archive)
    passes = 1
    while document_count(archive) < PAGES and passes < 6:
        again = cli("crawl", db=sqlite_url)
        assert again.returncode == 0, again.stdout + again.stderr
        passes += 1
    covered = document_count(archive)
    archive.dispose()

    assert first.returncode == 0, first.stdout + first.stderr
    assert "page budget reached" in first.stdout
    assert 0 < after_first < PAGES
    # Every pass reaches pages the previous ones did not. Scrapy finishes the requests
    # already handed to its downloader (up to 16) after the budget, so a pass stores
    # at most about 20 of the 60 pages: three or four passes, not a never-ending loop
    # over the same first pages.
    assert covered == PAGES and passes <= 5


def test_a_crawl_with_no_response_for_stall_minutes_is_stopped_and_failed(
    replay, tmp_path, cli, sqlite_url
):
    replay.add("/slow", page(1), delay=8)
    (tmp_path / "councilwatch.toml").write_text(
        "[crawl]\ndelay_seconds = 0\nstall_minutes = 0.03\n\n"
        f'[[sources]]\nname = "camp"\ntype = "page"\nurls = ["{replay.url}slow"]\n'
    )
    result = cli("crawl", db=sqlite_url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "camp: FAILED" in result.stdout
    assert "stalled: no response for" in result.stdout
    archive = open_archive(sqlite_url)
    [run] = crawl_runs(archive, "camp")
    archive.dispose()
    assert run.status == "failed" and run.stats["finish_reason"] == "stalled"


def test_timeout_minutes_is_still_accepted_and_read_as_stall_minutes(tmp_path):
    from core.config import load_config

    path = tmp_path / "councilwatch.toml"
    path.write_text("[crawl]\ntimeout_minutes = 45\n")
    assert load_config(path).crawl.stall_minutes == 45
    path.write_text("[crawl]\ntimeout_minutes = 45\nstall_minutes = 5\n")
    assert load_config(path).crawl.stall_minutes == 5


def test_the_stalest_pages_get_the_earliest_places():
    from spiders.frontier import STEPS, offsets_by_age

    offsets = offsets_by_age({"/old": 1, "/newest": 9, "/middle": 5})
    assert offsets == {"/old": -1, "/middle": -1 - (STEPS - 1) // 2, "/newest": -STEPS}
