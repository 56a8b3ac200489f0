"""Fixtures for the ModernGov tests: the replayed council site and a config pointing at it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
SITE = HERE / "site"
SITE_HTML_ONLY = HERE / "site_html_only"
SITE_V2 = HERE / "site_v2"
SITE_BROKEN = HERE / "site_broken"

# The replayed pages are dated 2015-2026; windows this wide include all of them whatever
# today's date is, without a test-only config key.
WIDE_WINDOW = "lookback_days = 36500\nlookahead_days = 36500\n"


@pytest.fixture
def council(replay, write_config):
    """Serve the replayed council and write a config with it as source `kingston`."""

    def setup(*overlays: Path, extra: str = "") -> Path:
        replay.load(SITE)
        for overlay in overlays:
            replay.load(overlay)
        return write_config(
            "[[sources]]\n"
            'name = "kingston"\n'
            'type = "moderngov"\n'
            f'base_url = "{replay.url}"\n' + WIDE_WINDOW + extra
        )

    return setup


@pytest.fixture
def export(cli, sqlite_url):
    """The archive's documents after a crawl, by key (`councilwatch export --format jsonl`)."""

    def run() -> dict[str, dict]:
        result = cli("export", "--format", "jsonl", db=sqlite_url)
        assert result.returncode == 0, result.stderr
        return {row["key"]: row for row in map(json.loads, result.stdout.splitlines())}

    return run
