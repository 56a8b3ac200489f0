"""Two `councilwatch run` services on one PostgreSQL archive, sharing 16 local sources.

    python -m bench.two_services                  # 16 sources, 3 minutes

Each source is a watched-pages source on its own loopback address (127.0.0.2 ...), whose
pages answer slowly, so each crawl takes some seconds; every source's schedule is every
minute. Both services read the same config and archive, as two hosts would. Measured:
crawls per source (none starved), crawls of one source that overlapped in time (never
two at once: must be 0), how the crawls split between the services, and the skips.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench.run import OUT, create_database, drop_database, git_state
from councilwatch.replay import ReplayServer

PAGES = 6


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=16)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--page-seconds", type=float, default=0.5)
    parser.add_argument("--out", type=Path, default=OUT / "two-services")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    servers = []
    for n in range(args.sources):
        server = ReplayServer(host=f"127.0.0.{n + 2}").start()
        for p in range(PAGES):
            server.add(f"/notice/{p}", f"<html><body><main><p>Source {n}, notice {p}: the "
                       "consultation closes on 5 January.</p></main></body></html>",
                       delay=args.page_seconds)  # fmt: skip
        servers.append(server)
    lines = ["[crawl]", "delay_seconds = 0", "sources_in_parallel = 8", 'log_dir = "logs"', ""]
    for n, server in enumerate(servers):
        urls = ", ".join(f'"{server.url}notice/{p}"' for p in range(PAGES))
        lines += ["[[sources]]", f'name = "src{n:02d}"', 'type = "page"', f"urls = [{urls}]",
                  'schedule = "* * * * *"', ""]  # fmt: skip
    config = out / "councilwatch.toml"
    config.write_text("\n".join(lines), encoding="utf-8")
    db = create_database("postgresql", out, "two_services")
    from storage.db import open_archive

    open_archive(db).dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
    env["COUNCILWATCH_DB"] = db
    services = []
    try:
        for name in ("a", "b"):
            log = (out / f"service-{name}.log").open("w")
            services.append((name, log, subprocess.Popen(
                [sys.executable, "-c", "from councilwatch.cli import run; run()", "--config",
                 str(config), "run"], cwd=out, env=env, stdout=log, stderr=subprocess.STDOUT,
            )))  # fmt: skip
        time.sleep(args.minutes * 60)
        for _, _, proc in services:
            proc.send_signal(signal.SIGTERM)
        for _, log, proc in services:
            proc.wait(timeout=120)
            log.close()
        report(db, out, args, [name for name, _, _ in services])
    finally:
        for _, _, proc in services:
            if proc.poll() is None:
                proc.kill()
        for server in servers:
            server.stop()
        drop_database(db)


def report(db: str, out: Path, args, names: list[str]) -> None:
    from sqlalchemy import select

    from storage.db import Archive
    from storage.models import CrawlRun, Source

    archive = Archive(db)
    with archive.session() as session:
        runs = session.execute(
            select(Source.name, CrawlRun.id, CrawlRun.status, CrawlRun.started_at,
                   CrawlRun.finished_at).join(Source).order_by(CrawlRun.started_at)
        ).all()  # fmt: skip
    archive.dispose()
    by_service: dict[int, str] = {}
    skips = Counter()
    for name in names:
        text = (out / f"service-{name}.log").read_text(errors="replace")
        for run_id in re.findall(r"crawl \S+ \w+ \(run (\d+)\)", text):
            by_service[int(run_id)] = name
        skips[name] = len(re.findall(r"crawl \S+ skipped", text))
    per_source = Counter(name for name, *_ in runs)
    overlaps = 0
    last_end: dict[str, object] = {}
    for name, _, _, started, finished in runs:
        if name in last_end and last_end[name] is not None and started < last_end[name]:
            overlaps += 1
        last_end[name] = finished
    statuses = Counter(status for _, _, status, _, _ in runs)
    split = Counter(by_service.get(run_id, "?") for _, run_id, *_ in runs)
    print(f"{git_state()}; load {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{args.sources} sources, every minute, {args.minutes:g} minutes, 2 services: "
          f"{len(runs)} crawls ({dict(statuses)})")  # fmt: skip
    print(f"crawls per source: min {min(per_source.values(), default=0)}, max "
          f"{max(per_source.values(), default=0)}; sources never crawled: "
          f"{args.sources - len(per_source)}")  # fmt: skip
    print(f"crawls of one source overlapping in time: {overlaps}")
    print(f"crawls by service: {dict(split)}; skips logged (the other held the lock): "
          f"{dict(skips)}")  # fmt: skip
    print("Reproduce: `python -m bench.two_services`")


if __name__ == "__main__":
    main()
