"""Fixtures for the ModernGov tests: the replayed council site and a config pointing at it."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from councilwatch.replay import ReplayServer
from tests.helpers.command import councilwatch
from tests.helpers.moderngov_testsite import WIDE_WINDOW, council_server


@dataclass
class Crawl:
    """What one `councilwatch crawl` printed, what the archive then held, and what was asked."""

    result: subprocess.CompletedProcess
    documents: dict[str, dict]
    requested: list[str]


class ReplayedCouncil:
    """A replayed ModernGov council, its config (source `kingston`) and an archive."""

    def __init__(self, folder: Path, server: ReplayServer, extra: str = ""):
        self.folder, self.server = folder, server
        self.db = f"sqlite:///{folder / 'archive.db'}"
        (folder / "councilwatch.toml").write_text(
            "[crawl]\ndelay_seconds = 0\ntimeout_minutes = 5\n\n"
            '[[sources]]\nname = "kingston"\ntype = "moderngov"\n'
            f'base_url = "{server.url}"\n' + WIDE_WINDOW + extra,
            encoding="utf-8",
        )

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return councilwatch(self.folder, *args, db=self.db)

    def crawl(self) -> Crawl:
        before = len(self.server.hits)
        result = councilwatch(self.folder, "crawl", "--no-alerts", db=self.db)
        assert "Traceback" not in result.stderr, result.stderr
        exported = councilwatch(self.folder, "export", "--format", "jsonl", db=self.db)
        assert exported.returncode == 0, exported.stderr
        documents = {row["key"]: row for row in map(json.loads, exported.stdout.splitlines())}
        requested = [hit.target for hit in self.server.hits[before:]]
        return Crawl(result, documents, requested)


@pytest.fixture(scope="module")
def replayed_council(tmp_path_factory):
    """Start a replayed council: `replayed_council(*overlays, extra=config lines)`."""
    servers: list[ReplayServer] = []

    def start(*overlays: Path, extra: str = "") -> ReplayedCouncil:
        server = council_server().start()
        servers.append(server)
        for overlay in overlays:
            server.load(overlay)
        return ReplayedCouncil(tmp_path_factory.mktemp("council"), server, extra)

    yield start
    for server in servers:
        server.stop()
