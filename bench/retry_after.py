"""Requests a crawl makes to a page that answers 503 with Retry-After, timed at the server.

A real `councilwatch crawl` (the CLI, in a temporary folder with an SQLite archive) of one
watched page on a local server that always answers `503 Service Unavailable` with
`Retry-After: N`. Prints one JSON object: how many requests reached the page, when (seconds
after the first), and the crawl's problem lines.

    python -m bench.retry_after --retry-after 120 --stall-minutes 10
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers.timed_server import TimedServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--retry-after", type=int, default=120)
    parser.add_argument("--stall-minutes", type=int, default=10)
    parser.add_argument("--delay-seconds", type=float, default=0)
    args = parser.parse_args(argv)
    server = TimedServer()
    server.route("/consultation", lambda n: (503, {"Retry-After": str(args.retry_after)}, b"busy"))
    url = server.url + "consultation"
    with server, tempfile.TemporaryDirectory() as folder:
        Path(folder, "councilwatch.toml").write_text(
            f"[crawl]\ndelay_seconds = {args.delay_seconds}\n"
            f"stall_minutes = {args.stall_minutes}\n\n"
            f'[[sources]]\nname = "busy"\ntype = "page"\nurls = ["{url}"]\n',
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
        env["COUNCILWATCH_DB"] = f"sqlite:///{folder}/archive.db"
        started = time.monotonic()
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from councilwatch.cli import run; run()",
                "crawl",
                "--no-alerts",
            ],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
        )
        wall = time.monotonic() - started
    arrivals = server.times("/consultation")
    first = arrivals[0] if arrivals else 0.0
    print(
        json.dumps(
            {
                "retry_after": args.retry_after,
                "requests": len(arrivals),
                "at_seconds": [round(t - first, 2) for t in arrivals],
                "crawl_seconds": round(wall, 1),
                "exit": result.returncode,
                "problems": [
                    line.strip().removeprefix("problem: ")
                    for line in result.stdout.splitlines()
                    if line.strip().startswith("problem:")
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
