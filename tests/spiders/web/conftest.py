"""Fixtures for the news, watched-page and document crawl tests: the replayed sites and the
two crawls they share."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers.command import councilwatch


class Site:
    """Replayed sites, a config and an archive shared by the crawl tests.

    Crawls cost seconds each (a `scrapy crawl` subprocess), so the session crawls
    twice and each test checks one thing about the result, instead of each test paying
    for its own crawl. Runs the real `councilwatch` command, as `cli` does.
    """

    def __init__(self, folder: Path, replay):
        self.folder = folder
        self.replay = replay
        self.db = f"sqlite:///{folder / 'archive.db'}"

    def write_config(self, body: str) -> None:
        crawl = "[crawl]\ndelay_seconds = 0\ntimeout_minutes = 5\n\n"
        (self.folder / "councilwatch.toml").write_text(crawl + body, encoding="utf-8")

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return councilwatch(self.folder, *args, db=self.db)

    def export(self, kind: str | None = None) -> dict[str, dict]:
        result = self.cli("export", "--format", "jsonl", *(["--kind", kind] if kind else []))
        assert result.returncode == 0, result.stderr
        rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        return {row["key"]: row for row in rows}


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    from councilwatch.replay import ReplayServer

    with ReplayServer() as replay:
        yield Site(tmp_path_factory.mktemp("site"), replay)


@pytest.fixture(scope="session")
def crawls(site):
    """Two crawls of every replayed site, with the publishers' edits in between.

    First crawl: all sources. Then the Oxford Mail edits a story and the council
    replaces a report; second crawl: those two sources. Tests read the summaries
    (`first`, `second`) and the archive after each (`first_export`, `second_export`).
    """
    from tests.helpers.web_sites import edit_news, edit_pages, serve_news, serve_pages

    site.write_config(serve_news(site.replay) + serve_pages(site.replay))
    first = site.cli("crawl", "--no-alerts")
    first_export = site.export()
    edit_news(site.replay)
    edit_pages(site.replay)
    second = site.cli("crawl", "oxford-mail", "council-pages", "--no-alerts")
    return {
        "first": first,
        "first_export": first_export,
        "second": second,
        "second_export": site.export(),
    }
