"""Fixtures for the scheduler tests: a small campaign site on the replay server, a config
watching it, and the real `councilwatch` command started in the background."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

PAGES = {
    "/response": "Our response: we object to closing 31 of 44 children's centres.",
    "/petition": "The petition has 60 signatures so far.",
    "/budget": "The council proposes a £14m cut to early intervention.",
    "/meeting": "Cabinet meets on 24 November to decide the future of the centres.",
}


def page_html(title: str, text: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home | News</nav>"
        f"<main><h1>{title}</h1><p>{text}</p></main><footer>(c) campaign</footer></body></html>"
    )


@pytest.fixture
def campaign_site(replay):
    """Four watched pages. `slow(seconds, notices=N)` makes every page but the first answer
    slowly and adds N notice pages, so a crawl is still busy when a test interrupts it."""

    def serve(delay: float = 0.0, notices: int = 0) -> None:
        pages = dict(PAGES)
        for n in range(notices):
            pages[f"/notice/{n}"] = f"Public notice {n}: the consultation closes on 5 January."
        for i, (path, text) in enumerate(pages.items()):
            replay.add(path, page_html(path.strip("/").title(), text), delay=delay if i else 0.0)
        replay.paths = list(pages)

    serve()
    replay.slow = serve
    return replay


@pytest.fixture
def campaign_config(write_config, campaign_site):
    """Writes councilwatch.toml with source `camp` (and any extra TOML) and returns its path."""

    def write(schedule: str = "0 6 * * *", extra: str = "") -> Path:
        urls = ", ".join(f'"{campaign_site.url.rstrip("/")}{p}"' for p in campaign_site.paths)
        return write_config(
            f'[[sources]]\nname = "camp"\ntype = "page"\nurls = [{urls}]\n'
            f'schedule = "{schedule}"\n\n{extra}'
        )

    return write


@pytest.fixture
def spawn(tmp_path):
    """Start the real `councilwatch` command in the background; stopped at teardown if alive."""
    started: list[subprocess.Popen] = []

    def start(*args: str, db: str) -> subprocess.Popen:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
        environ["COUNCILWATCH_DB"] = db
        proc = subprocess.Popen(
            [sys.executable, "-c", "from councilwatch.cli import run; run()", *args],
            cwd=tmp_path,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
