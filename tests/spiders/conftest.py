"""Fixtures for crawls against a real server that notes when each request arrived."""

from __future__ import annotations

import pytest

from tests.helpers.timed_server import TimedServer


@pytest.fixture
def server():
    with TimedServer() as running:
        yield running


@pytest.fixture
def crawl(write_config, cli, sqlite_url):
    """`councilwatch crawl` of one source, at the delay and concurrency asked for."""

    def run(
        urls: list[str], source_type: str = "page", delay: float = 0, concurrency: int = 1
    ) -> object:
        crawl = (
            f"[crawl]\ndelay_seconds = {delay}\nconcurrency = {concurrency}\n"
            "timeout_minutes = 5\n\n"
        )
        if source_type == "page":
            listed = ", ".join(f'"{url}"' for url in urls)
            source = f'type = "page"\nurls = [{listed}]\n'
        else:
            source = f'type = "moderngov"\nbase_url = "{urls[0]}"\n'
        write_config(f'{crawl}[[sources]]\nname = "site"\n{source}', polite=True)
        return cli("crawl", "--no-alerts", db=sqlite_url)

    return run
