"""The demo's two crawls (its sites, then its edits) through the real `councilwatch crawl`,
on replay servers that compress or not: for the compressed-crawl tests and
`bench/compressed_demo.py`."""

from __future__ import annotations

import subprocess

from councilwatch.commands.demo import SITE, write_demo_config
from councilwatch.replay import ReplayServer
from tests.helpers.archive_snapshot import snapshot
from tests.helpers.command import councilwatch


def crawl(folder) -> subprocess.CompletedProcess:
    result = councilwatch(folder, "crawl", "--no-alerts")
    assert "Traceback" not in result.stderr, result.stderr
    return result


def crawl_the_demo(folder, *, compress: bool, crawls_after_edit: int = 1) -> dict:
    """The demo's two crawls (its sites, then its edits) through `councilwatch crawl`."""
    folder.mkdir()
    with ReplayServer(compress=compress) as council, ReplayServer(compress=compress) as news:
        council.load(SITE / "council")
        news.load(SITE / "news")
        write_demo_config(folder, council.url, news.url)
        first = crawl(folder)
        council.load(SITE / "council_edit")
        news.load(SITE / "news_edit")
        second = crawl(folder)
        after_edit = snapshot(folder / "councilwatch.db", council.url, news.url)
        seen = len(council.hits), len(news.hits)
        again = [crawl(folder) for _ in range(crawls_after_edit - 1)]
        return {
            "crawls": [first, second, *again],
            "after_edit": after_edit,
            "after_all": snapshot(folder / "councilwatch.db", council.url, news.url),
            "hits": council.hits[: seen[0]] + news.hits[: seen[1]],
            "later_hits": council.hits[seen[0] :] + news.hits[seen[1] :],
        }
