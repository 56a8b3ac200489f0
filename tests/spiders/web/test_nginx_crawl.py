"""Crawls of a real web server: Debian's nginx serving a static copy of the news site and the
watched pages, with `gzip on`, ETags and Last-Modified (tests/helpers/nginx.conf.template).
nginx must be installed (`.ci/run` installs it); without it these tests are skipped
locally and fail in CI."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from councilwatch.replay import ReplayServer
from tests.helpers.archive_snapshot import snapshot
from tests.helpers.command import councilwatch
from tests.helpers.nginx_site import NginxServer, find_nginx
from tests.helpers.web_sites import serve_news, serve_pages


class WithoutQueries:
    """The replay server given only the pages a static site can hold (no query strings)."""

    def __init__(self, replay):
        self.replay = replay
        self.url = replay.url

    def add(self, target, *args, **kwargs):
        if "?" not in target:
            self.replay.add(target, *args, **kwargs)


@pytest.fixture(scope="module")
def nginx_binary() -> str:
    binary = find_nginx()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("nginx must be installed in CI (apt-get install nginx; .ci/run does)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return binary


class Crawler:
    """`councilwatch crawl` in its own folder, into its own SQLite archive."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.db_path = folder / "archive.db"

    def crawl(self, config: str) -> subprocess.CompletedProcess:
        crawl = "[crawl]\ndelay_seconds = 0\ntimeout_minutes = 5\n\n"
        (self.folder / "councilwatch.toml").write_text(crawl + config, encoding="utf-8")
        result = councilwatch(self.folder, "crawl", "--no-alerts", db=f"sqlite:///{self.db_path}")
        assert "Traceback" not in result.stderr, result.stderr
        return result


@pytest.fixture(scope="module")
def crawled(nginx_binary, tmp_path_factory):
    """One crawl of the sites from nginx and one from the plain replay server, then a second
    crawl from nginx (crawls cost seconds: the tests share them)."""
    server = NginxServer(nginx_binary, tmp_path_factory.mktemp("nginx"))
    config = serve_news(server.site) + serve_pages(server.site)
    from_nginx = Crawler(tmp_path_factory.mktemp("from-nginx"))
    server.start()
    try:
        first = from_nginx.crawl(config)
        first_hits = server.hits()
        after_first = snapshot(from_nginx.db_path, server.url)
        second = from_nginx.crawl(config)
        second_hits = server.hits()[len(first_hits) :]
        after_second = snapshot(from_nginx.db_path, server.url)
    finally:
        server.stop()
    with ReplayServer(compress=False) as plain:
        plain_config = serve_news(WithoutQueries(plain)) + serve_pages(WithoutQueries(plain))
        from_plain = Crawler(tmp_path_factory.mktemp("from-plain"))
        from_plain.crawl(plain_config)
        plain_snapshot = snapshot(from_plain.db_path, plain.url)
    return {
        "first": first,
        "first_hits": first_hits,
        "nginx": after_first,
        "second": second,
        "second_hits": second_hits,
        "nginx_after_second": after_second,
        "plain": plain_snapshot,
    }


def test_a_crawl_of_nginx_stores_what_a_crawl_of_the_plain_server_stores(crawled):
    nginx, plain = crawled["nginx"], crawled["plain"]
    assert len(nginx["documents"]) >= 8  # articles, pages, reports: the sites were read
    assert nginx == plain


def test_nginx_compressed_the_pages_the_crawl_stored(crawled):
    pages = [
        h
        for h in crawled["first_hits"]
        if h.status == 200 and h.content_type.startswith(("text/", "application/rss+xml"))
    ]
    assert pages and all(h.encoding == "gzip" for h in pages), pages


def test_a_second_crawl_of_nginx_is_answered_304_and_adds_nothing(crawled):
    # All but the image a watched URL turned into: refused, so neither stored nor validated.
    fetched_before = {
        h.uri
        for h in crawled["first_hits"]
        if h.status == 200 and not h.content_type.startswith("image/")
    }
    again = [h for h in crawled["second_hits"] if h.uri in fetched_before]
    assert again and all(h.status == 304 for h in again), [h for h in again if h.status != 304]
    assert crawled["nginx_after_second"] == crawled["nginx"]
    for line in crawled["second"].stdout.splitlines():
        if " - " in line and "pages" in line:
            assert "0 new versions" in line and "0 changes" in line, line
