"""Watched pages against urlwatch: the same 200 local pages, at zero delay, in one run.

    pip install -e '.[bench]'            # urlwatch, in the benchmark's own environment
    python -m bench.pages_vs_urlwatch    # about a minute on 2 cores
    python -m bench.pages_vs_urlwatch --pages 50 --rounds 1   # a quick check

The pages are real council home pages (Tameside, North Yorkshire, from tests/fixtures/web)
and a campaign petition page, each made unique, served by one threaded HTTP server on
127.0.0.1. Side by side, alternating, `--rounds` times:

* `councilwatch crawl` of one `type = "page"` source listing the 200 URLs (`delay_seconds = 0`,
  `concurrency = 16`), into a fresh SQLite archive: first crawl, then an unchanged re-crawl;
* `urlwatch` 2.29 with the same URLs (a temporary config folder: urls.yaml, a config with
  every reporter off, its own cache): first run, then an unchanged re-run.

Pages per second are pages / wall-clock seconds of the whole command, start-up included, for
both. The best round of each is reported (the host is shared). Also: the CPU milliseconds
per page of `spiders.web.page.page_text` on the same bodies, for the parse alone.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from councilwatch.replay import ReplayServer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "web"
TEMPLATES = ["tameside_homepage_latest_news.html", "northyorks_homepage.html"]
PETITION = """<!DOCTYPE html><html><head><title>Petition {n}: keep our children's centres</title>
</head><body><div id="header"><a href="/">Save Our Centres</a></div><div id="content">
<div class="petition-page"><h2>Keep children's centre {n} open</h2><div class="content">
<p>We call on the county council to keep all 44 children's centres open and to drop the
plan to close 31 of them. Centre {n} saw 1,{n:03d} families last year.</p></div>
<div class="petition-signatures"><span class="signature-count">{n}</span> signatures</div>
</div><div class="like-page"><h4>Do you like this page?</h4>
<div class="likes-count"><a href="/likes">{n} people</a> like this.</div></div>
</div></body></html>"""


def pages(count: int) -> list[bytes]:
    bodies = [(FIXTURES / name).read_bytes() for name in TEMPLATES]
    out = []
    for n in range(count):
        if n % 3 == 2:
            out.append(PETITION.format(n=n).encode())
        else:
            body = bodies[n % 3]
            # A line of its own, so each page's text (and its stored version) is unique.
            out.append(body.replace(b"<body", f"<p>Page {n}</p><body".encode(), 1))
    return out


CPU = {}  # command label -> CPU-seconds of its best-timed run (the whole process tree)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], env: dict | None = None, cwd: Path | None = None,
        label: str | None = None) -> tuple[float, str]:  # fmt: skip
    started, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    if label is not None:
        # CPU-seconds of the command and every process it waited for (the crawl child):
        # on a shared host this varies far less than the wall-clock time.
        used = _children_cpu() - cpu
        CPU[label] = min(CPU.get(label, used), used)
    return seconds, proc.stdout


def councilwatch_rounds(urls: list[str], folder: Path) -> tuple[float, float, str]:
    """(first crawl seconds, unchanged re-crawl seconds, the crawl's summary line)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    listed = ", ".join(f'"{u}"' for u in urls)
    (folder / "councilwatch.toml").write_text(
        "[crawl]\ndelay_seconds = 0\nconcurrency = 16\n\n"
        f'[[sources]]\nname = "pages"\ntype = "page"\nurls = [{listed}]\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
    env["COUNCILWATCH_DB"] = f"sqlite:///{folder / 'archive.db'}"
    command = [sys.executable, "-c", "from councilwatch.cli import run; run()", "crawl",
               "--no-alerts"]  # fmt: skip
    first, out = run(command, env, folder, "cw first")
    if not re.search(rf"pages: ok - {len(urls)} pages", out):
        raise SystemExit(f"councilwatch did not store every page:\n{out}")
    second, out2 = run(command, env, folder, "cw unchanged re-run")
    return first, second, out.strip().splitlines()[0]


def urlwatch_rounds(urls: list[str], folder: Path) -> tuple[float, float]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "urls.yaml").write_text(
        "\n---\n".join(f"url: {u}" for u in urls) + "\n", encoding="utf-8"
    )
    reporters = ("stdout", "email", "html", "text", "markdown", "pushover", "pushbullet",
                 "telegram", "webhook", "matrix", "mailgun", "ifttt", "xmpp", "discord",
                 "prowl", "shell", "gotify", "signal")  # fmt: skip
    (folder / "urlwatch.yaml").write_text(
        "display:\n  new: false\n  error: true\n  unchanged: false\n"
        "report:\n" + "".join(f"  {r}:\n    enabled: false\n" for r in reporters),
        encoding="utf-8",
    )
    binary = shutil.which("urlwatch", path=str(Path(sys.executable).parent)) or "urlwatch"
    command = [binary, "--urls", str(folder / "urls.yaml"), "--config",
               str(folder / "urlwatch.yaml"), "--cache", str(folder / "cache.db"),
               "--hooks", str(folder / "hooks.py")]  # fmt: skip
    (folder / "hooks.py").write_text("", encoding="utf-8")
    env = dict(
        os.environ, HOME=str(folder), XDG_CONFIG_HOME=str(folder), XDG_CACHE_HOME=str(folder)
    )
    first, _ = run(command, env, label="uw first")
    second, _ = run(command, env, label="uw unchanged re-run")
    return first, second


def parse_cpu_ms(bodies: list[bytes]) -> float:
    from spiders.web.page import page_text

    texts = [b.decode("utf-8", "replace") for b in bodies]
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for text in texts:
            page_text(text)
        best = min(best, (time.process_time() - started) / len(texts))
    return best * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if shutil.which("urlwatch", path=str(Path(sys.executable).parent)) is None:
        raise SystemExit("urlwatch is not installed here: pip install -e '.[bench]'")
    bodies = pages(args.pages)
    server = ReplayServer().start()
    try:
        urls = []
        for n, body in enumerate(bodies):
            server.add(f"/page/{n}", body, content_type="text/html; charset=utf-8")
            urls.append(f"{server.url}page/{n}")
        work = Path(tempfile.mkdtemp(prefix="cw-vs-urlwatch-"))
        cw, uw = [], []
        for _ in range(args.rounds):
            cw.append(councilwatch_rounds(urls, work / "councilwatch"))
            uw.append(urlwatch_rounds(urls, work / "urlwatch"))
        shutil.rmtree(work, ignore_errors=True)
    finally:
        server.stop()
    n = len(bodies)
    cw_first, cw_second = min(r[0] for r in cw), min(r[1] for r in cw)
    uw_first, uw_second = min(r[0] for r in uw), min(r[1] for r in uw)
    print(f"{n} local pages, best of {args.rounds} rounds, whole commands (start-up included)")
    print(f"councilwatch summary: {cw[-1][2]}")
    print("| run | councilwatch pages/s | urlwatch 2.29 pages/s | ratio | target |")
    print("|---|---|---|---|---|")
    for label, c, u in (("first", cw_first, uw_first), ("unchanged re-run", cw_second, uw_second)):
        print(
            f"| {label} | {n / c:.1f} ({c:.2f} s) | {n / u:.1f} ({u:.2f} s) | {u / c:.2f} | >= 0.5 |"
        )
    load = os.getloadavg()[0]
    print(f"CPU-seconds, least of {args.rounds} (command and its children): "
          + "; ".join(f"{run_}: councilwatch {CPU['cw ' + run_]:.2f}, urlwatch "
                      f"{CPU['uw ' + run_]:.2f}" for run_ in ("first", "unchanged re-run"))
          + f"; 1-minute load average at the end: {load:.1f}")  # fmt: skip
    print(f"page_text CPU per page on these bodies: {parse_cpu_ms(bodies):.2f} ms")


if __name__ == "__main__":
    main()
