"""Documents, versions and changes from the demo council and news site served compressed
(the replay server's default: gzip when accepted, validators, chunking, IIS headers) and
served plain, each through the demo's two crawls (`councilwatch crawl`, then the sites'
edits, then `councilwatch crawl` again). Prints one JSON object per server.

    python -m bench.compressed_demo
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from councilwatch.commands.demo import SITE, _write_config
from councilwatch.replay import ReplayServer


def crawl(folder: Path) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
    return subprocess.run(
        [sys.executable, "-c", "from councilwatch.cli import run; run()", "crawl", "--no-alerts"],
        cwd=folder, env=environ, capture_output=True, text=True, timeout=600,
    ).stdout  # fmt: skip


def measure(folder: Path, compress: bool) -> dict:
    folder.mkdir()
    with ReplayServer(compress=compress) as council, ReplayServer(compress=compress) as news:
        council.load(SITE / "council")
        news.load(SITE / "news")
        _write_config(folder, council.url, news.url)
        first = crawl(folder)
        council.load(SITE / "council_edit")
        news.load(SITE / "news_edit")
        second = crawl(folder)
        encodings = sorted({h.encoding or "identity" for h in council.hits + news.hits})
    conn = sqlite3.connect(folder / "councilwatch.db")
    counts = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("documents", "versions", "changes")
    }
    conn.close()
    return {
        "server": "compressed" if compress else "plain",
        "encodings_sent": encodings,
        **counts,
        "first_crawl": [line for line in first.splitlines() if " - " in line],
        "second_crawl": [line for line in second.splitlines() if " - " in line],
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for compress in (True, False):
            print(json.dumps(measure(Path(tmp) / str(compress), compress)))


if __name__ == "__main__":
    main()
