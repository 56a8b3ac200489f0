"""Fixtures for the ModernGov tests: the replayed council site and a config pointing at it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from moderngov_testsite import SITE, WIDE_WINDOW


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
