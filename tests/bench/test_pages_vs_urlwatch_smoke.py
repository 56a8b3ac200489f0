"""bench/pages_vs_urlwatch.py's machinery on a few pages, so it cannot silently rot: the pages
are distinct, councilwatch stores every one of them, and urlwatch (when the `bench` extra is
installed) checks them from its own temporary config folder. No timings are asserted."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from bench.pages_vs_urlwatch import councilwatch_rounds, pages, urlwatch_rounds
from councilwatch.replay import ReplayServer


@pytest.fixture
def urls():
    server = ReplayServer().start()
    found = []
    for n, body in enumerate(pages(6)):
        server.add(f"/page/{n}", body, content_type="text/html; charset=utf-8")
        found.append(f"{server.url}page/{n}")
    yield found
    server.stop()


def test_the_benchmark_pages_are_all_different():
    assert len(set(pages(6))) == 6


def test_councilwatch_stores_every_benchmark_page(urls, tmp_path):
    *_, summary = councilwatch_rounds(urls, tmp_path / "cw")
    assert summary.startswith("pages: ok - 6 pages, 6 documents (6 new)")


@pytest.mark.skipif(
    shutil.which("urlwatch", path=str(Path(sys.executable).parent)) is None,
    reason="urlwatch is in the bench extra",
)
def test_urlwatch_runs_from_its_own_config_folder(urls, tmp_path):
    first, second = urlwatch_rounds(urls, tmp_path / "uw")
    assert (tmp_path / "uw" / "cache.db").exists() and first > 0 and second > 0
