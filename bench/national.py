"""The national row: N synthetic councils, each on its own loopback address, crawled by ONE
`councilwatch crawl`, against one council alone, at a scaled-down politeness delay.

    python -m bench.national                      # 8 councils, delay 0.25 s, SQLite
    python -m bench.national --councils 16 --backend postgresql

Each council is a `bench/synthetic_council.py` replay folder served by its own
`ReplayServer` on 127.0.0.2, 127.0.0.3, ... (one site each, as Scrapy sees real councils).
The config is the polite one (one request in flight per site) with `delay_seconds`
scaled down, and `sources_in_parallel` = N. Measured, in one run:

* wall time of `councilwatch crawl <first council>` alone, then of `councilwatch crawl`
  over all N on a fresh archive: the ratio is the figure (goal: 8 councils <= 2x one);
* CPU seconds of all the crawl's processes (`RUSAGE_CHILDREN`), per request;
* peak memory: the largest crawl process (`ru_maxrss`, the kernel's high-water mark) and
  the peak of the whole process tree's resident memory, sampled every 0.2 s from /proc;
* from these, one pass over 300 councils of 300 pages at the default politeness (2 s),
  for a few values of `sources_in_parallel` (see `estimate`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.run import OUT, crawling_seconds, create_database, drop_database, git_state
from bench.synthetic_council import generate_councils
from core.uktime import UK
from councilwatch.replay import ReplayServer

DEFAULT_DELAY = 2.0
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int) -> tuple[int, int]:
    """(resident bytes of `root` and all its descendants, how many of them run scrapy)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = crawls = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
            crawls += b"scrapy" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            pass
    return total, crawls


def crawl(config: Path, db: str, sources: list[str], cwd: Path) -> dict:
    """One `councilwatch crawl`, its wall time, CPU and memory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
    env["COUNCILWATCH_DB"] = db
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from councilwatch.cli import run; run()", "--config",
         str(config), "crawl", *sources],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    peak = {"rss": 0, "crawls": 0}

    def sample() -> None:
        while proc.poll() is None:
            rss, crawls = tree_rss(proc.pid)
            peak["rss"] = max(peak["rss"], rss)
            peak["crawls"] = max(peak["crawls"], crawls)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.monotonic() - started
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"crawl exited {proc.returncode}:\n{out}\n{err}")
    return {
        "seconds": seconds,
        "cpu_seconds": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "largest_process_bytes": after.ru_maxrss * 1024,
        "peak_tree_bytes": peak["rss"],
        "peak_crawls": peak["crawls"],
        "summary": out.strip().splitlines(),
    }


def latest_log(folder: Path, source: str) -> Path | None:
    logs = sorted(folder.glob(f"{source}-*.log"), key=lambda p: p.stat().st_mtime)
    return logs[-1] if logs else None


def pages_of(summary: list[str]) -> int:
    return sum(int(line.split(" - ", 1)[1].split()[0]) for line in summary if ": ok - " in line)


def estimate(per_request: float, cpu_per_request: float, startup_cpu: float, memory: int,
             councils: int = 300, pages: int = 300, cores: int = 2) -> list[dict]:  # fmt: skip
    """One pass over `councils` x `pages` at the default delay, per `sources_in_parallel`.

    A council takes `pages` x (the default delay + what a request costs beyond the delay,
    measured); councils run `parallel` at a time. CPU is the bound only if the crawls
    need more than the cores give: each request's CPU plus each process's start-up.
    """
    council_seconds = pages * (DEFAULT_DELAY + per_request)
    cpu_total = councils * (pages * cpu_per_request + startup_cpu)
    rows = []
    for parallel in (8, 16, 24, 32, 48):
        rounds = -(-councils // parallel)
        wall = max(rounds * council_seconds, cpu_total / cores)
        rows.append({"sources_in_parallel": parallel, "hours": wall / 3600,
                     "cpu_share": cpu_total / (wall * cores), "memory_bytes": parallel * memory})  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=8)
    parser.add_argument("--meetings", type=int, default=8, help="per council (~5 pages each)")
    parser.add_argument("--delay", type=float, default=0.25, help="delay_seconds (polite: 2)")
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT / "national")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "load_start": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "command": "python -m bench.national " + " ".join(argv if argv is not None else sys.argv[1:]),
        "commit": git_state(),
    }  # fmt: skip
    today = datetime.now(UK).date()
    manifests = generate_councils(out / "sites", args.councils, args.meetings, args.seed,
                                  today=today)  # fmt: skip
    servers = [
        ReplayServer(out / "sites" / f"council-{n:02d}", host=f"127.0.0.{n + 2}").start()
        for n in range(args.councils)
    ]
    config = out / "councilwatch.toml"
    lines = ["[crawl]", f"delay_seconds = {args.delay}", "concurrency = 1",
             f"sources_in_parallel = {args.councils}", "max_pages = 0", 'log_dir = "logs"', ""]  # fmt: skip
    for manifest, server in zip(manifests, servers, strict=True):
        lines += ["[[sources]]", f'name = "{manifest["name"]}"', 'type = "moderngov"',
                  f'base_url = "{server.url}"', "lookback_days = 90", "lookahead_days = 60", ""]  # fmt: skip
    config.write_text("\n".join(lines), encoding="utf-8")
    from storage.db import open_archive

    # A source of one page: the CPU a crawl process spends on starting and stopping.
    first = manifests[0]["expected"][0]
    lines += ["[[sources]]", 'name = "startup-probe"', 'type = "page"', "enabled = false",
              f'urls = ["{servers[0].url.rstrip("/")}{first}"]', ""]  # fmt: skip
    config.write_text("\n".join(lines), encoding="utf-8")
    results = {}
    try:
        for label, sources in (("probe", ["startup-probe"]), ("one", [manifests[0]["name"]]),
                               ("all", [])):  # fmt: skip
            db = create_database(args.backend, out, f"national_{label}")
            try:
                open_archive(db).dispose()
                print(f"crawling {label} ...", file=sys.stderr, flush=True)
                served = sum(len(server.hits) for server in servers)
                results[label] = crawl(config, db, sources, out)
                # Requests the sites answered (robots.txt, discovery and stored pages).
                results[label]["pages"] = sum(len(server.hits) for server in servers) - served
                results[label]["stored_pages"] = pages_of(results[label]["summary"])
            finally:
                drop_database(db)
    finally:
        for server in servers:
            server.stop()
    one, every, probe = results["one"], results["all"], results["probe"]
    # What a request costs beyond the delay, from the single council's crawl as Scrapy
    # timed it (spider opened to closed: no process start-up).
    crawling = crawling_seconds(latest_log(out / "logs", manifests[0]["name"]))
    per_request = (crawling or one["seconds"]) / one["pages"] - args.delay
    # CPU: the one-page probe is start-up (the CLI and one crawl process, an upper bound
    # for each further process); the one council's crawl beyond the probe is its requests.
    startup_cpu = probe["cpu_seconds"]
    cpu_per_request = max(one["cpu_seconds"] - startup_cpu, 0) / (one["pages"] - probe["pages"])
    memory = every["largest_process_bytes"]
    meta["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    summary = {
        "meta": meta, "councils": args.councils, "delay": args.delay, "backend": args.backend,
        "one": one, "all": every, "ratio": every["seconds"] / one["seconds"],
        "seconds_per_request_beyond_delay": per_request, "cpu_per_request": cpu_per_request,
        "startup_cpu": startup_cpu,
        "estimate": estimate(per_request, cpu_per_request, startup_cpu, memory),
    }  # fmt: skip
    (out / "results.json").write_text(json.dumps(summary, indent=1, default=str))
    mib = 1024 * 1024
    print(f"{meta['date']}, {meta['machine']}, load {meta['load_start']} -> {meta['load_end']}, "
          f"{meta['commit']}")  # fmt: skip
    print(f"one council: {one['pages']} requests in {one['seconds']:.1f} s; "
          f"{args.councils} councils: {every['pages']} requests in {every['seconds']:.1f} s; "
          f"ratio {summary['ratio']:.2f}")  # fmt: skip
    print(f"CPU: {cpu_per_request * 1000:.1f} ms per request, {startup_cpu:.2f} s per crawl "
          f"process (start-up, a one-page crawl); a request takes {per_request * 1000:.0f} ms "
          "beyond the delay")  # fmt: skip
    print(f"memory: largest crawl process {memory / mib:.0f} MiB; whole tree peak "
          f"{every['peak_tree_bytes'] / mib:.0f} MiB with {every['peak_crawls']} crawls at once")  # fmt: skip
    for row in summary["estimate"]:
        print(f"  300 councils x 300 pages, delay 2 s, sources_in_parallel "
              f"{row['sources_in_parallel']}: {row['hours']:.1f} h, CPU {row['cpu_share']:.0%} "
              f"of 2 cores, ~{row['memory_bytes'] / mib / 1024:.1f} GiB")  # fmt: skip
    print(f"Reproduce: `{meta['command']}`")


if __name__ == "__main__":
    main()
