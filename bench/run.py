"""The scale benchmark: synthetic ModernGov councils on 127.0.0.1, crawled by the real pipeline
on SQLite and PostgreSQL, each figure measured in the same run as its reference. Prints one
Markdown table (and writes it, with every raw measurement, under bench/out/).

    python -m bench.run                 # the README's table (a few minutes on 2 cores)
    python -m bench.run --quick         # a small run, to check the machinery

What is measured, per database:

* first crawl: `monitor.crawler.crawl_source` (a `scrapy crawl` child: fetch, parse,
  extract, diff, store) against a bare Scrapy spider (`bench/bare_spider.py`) fetching the
  same pages with the same download settings, run just before it; pages per second are
  pages fetched / wall-clock seconds of the crawl process, start-up included, for both;
* the crawl's coverage: every page the generator meant the spider to fetch was fetched;
* a second crawl of the unchanged councils: new versions, archive growth, time;
* storage: archive growth of the first crawl / raw response bytes served to it;
* peak memory: the crawl child's peak RSS (`getrusage(RUSAGE_CHILDREN)` in a fresh
  helper process, `bench/crawl_once.py`), and, with `--memory-meetings`, one large council
  crawled once for the 10,000-page figure;
* alert delivery: N change rows queued through `alerts.outbox.enqueue_alerts`, delivered by
  `alerts.delivery.deliver_due` to a local webhook receiver that counts webhook-ids and
  checks the Standard Webhooks signatures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.synthetic_council import CouncilSpec, generate, generate_councils, load_corpus
from core.uktime import UK
from councilwatch.replay import ReplayServer

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_ADMIN = os.environ.get("COUNCILWATCH_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
LOOKBACK, LOOKAHEAD = 90, 60
WEBHOOK_SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # a test secret, base64


@dataclass
class Site:
    name: str
    folder: Path
    manifest: dict
    server: ReplayServer

    def url_file(self, out: Path) -> Path:
        path = out / f"{self.name}-urls.txt"
        base = self.server.url.rstrip("/")
        path.write_text("\n".join(base + t for t in self.manifest["expected"]), encoding="utf-8")
        return path

    def fetched(self) -> list:
        return [h for h in self.server.hits if not h.target.startswith("/robots.txt")]

    def served_bytes(self) -> int:
        """Raw body bytes sent to the crawler (200 answers; a 304 sends none)."""
        total = 0
        for hit in self.fetched():
            if hit.status == 200:
                route = self.server._find(hit.target)  # noqa: SLF001 - the bench reads its own server
                total += len(route.body) if route else 0
        return total

    def coverage(self) -> tuple[int, list[str]]:
        """How many of the pages meant to be crawled were fetched, and which were missed."""
        from councilwatch.replay import _normal_query

        got = {_normal_query(h.target) for h in self.fetched()}
        got_paths = {t.split("?")[0] for t in got}
        missed = []
        for target in self.manifest["expected"]:
            normal = _normal_query(target)
            # Routes without a query (the decision lists) answer the spider's dated query.
            if normal not in got and not ("?" not in target and target in got_paths):
                missed.append(target)
        return len(self.manifest["expected"]) - len(missed), missed


# -- databases -------------------------------------------------------------------------
def create_database(backend: str, out: Path, tag: str) -> str:
    if backend == "sqlite":
        path = out / f"archive-{tag}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    name = f"cw_bench_{tag}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return (
        PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name
    )


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def archive_bytes(url: str) -> int:
    """Bytes the archive occupies: the SQLite file after a WAL checkpoint, or the sum of
    every table's total relation size (heap, indexes, TOAST) on PostgreSQL."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return Path(path).stat().st_size + _size(Path(path + "-wal"))
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        return conn.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm')"
        ).fetchone()[0]


def table_bytes(url: str) -> dict[str, int]:
    """Bytes per table, indexes and full-text index included, largest first."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        rows = conn.execute(
            "SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d "
            "LEFT JOIN sqlite_master m ON m.name = d.name GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
        conn.close()
        return dict(rows)
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        rows = conn.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm') ORDER BY 2 DESC"
        ).fetchall()
    return dict(rows)


def row_writes(url: str) -> dict[str, int]:
    """PostgreSQL's cumulative row updates and current dead rows in the archive's tables
    (the dead-row check: an unchanged crawl should rewrite nothing). Zeros on SQLite."""
    if url.startswith("sqlite"):
        return {"updated": 0, "dead": 0, "tables": {}}
    import psycopg

    time.sleep(1.0)  # backends report their counts when they end; give them a moment
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        # The archive's content; a crawl's own bookkeeping (its crawl_runs row, updated
        # with its progress, and its lease in crawl_locks) is one row each.
        rows = conn.execute(
            "SELECT relname, n_tup_upd + n_tup_del, n_dead_tup FROM pg_stat_user_tables "
            "WHERE relname NOT IN ('crawl_runs', 'crawl_locks')"
        ).fetchall()
    return {
        "updated": sum(r[1] for r in rows), "dead": sum(r[2] for r in rows),
        "tables": {r[0]: [r[1], r[2]] for r in rows if r[1] or r[2]},
    }  # fmt: skip


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def count_rows(url: str, table: str) -> int:
    from sqlalchemy import text

    from storage.db import Archive

    archive = Archive(url)
    try:
        with archive.session() as session:
            return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        archive.dispose()


# -- crawls ----------------------------------------------------------------------------
def crawl_settings(concurrency: int) -> list[str]:
    # Exactly what monitor.crawler.crawl_command passes for `delay_seconds = 0`.
    return ["-s", "DOWNLOAD_DELAY=0.0", "-s", "AUTOTHROTTLE_START_DELAY=0.0",
            "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}"]  # fmt: skip


def bare_crawl(site: Site, out: Path, concurrency: int) -> dict:
    site.server.hits.clear()
    log = out / "logs" / f"bare-{site.name}-{time.time_ns()}.log"
    command = [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "bench" / "bare_spider.py"),
               "-a", f"urls={site.url_file(out)}", *crawl_settings(concurrency),
               "-s", f"LOG_FILE={log}"]  # fmt: skip
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="spiders.settings")
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)  # fmt: skip
    seconds = time.monotonic() - started
    return {"pages": len(site.fetched()), "seconds": seconds, "bytes": site.served_bytes(),
            "crawling_seconds": crawling_seconds(log)}  # fmt: skip


def crawling_seconds(log: Path | str | None) -> float | None:
    """Seconds from the spider opening to its closing, as Scrapy's stats report them: the
    crawl without the process's start-up (imports, settings, engine)."""
    if not log or not Path(log).exists():
        return None
    found = re.findall(r"'elapsed_time_seconds': ([0-9.]+)", Path(log).read_text(errors="replace"))
    return float(found[-1]) if found else None


def set_conditional(sites: list[Site], answer_304: bool) -> None:
    """Make the replayed servers honour (or ignore) If-None-Match, as real servers differ."""
    for site in sites:
        for route in site.server.routes.values():
            route.conditional = answer_304


def pipeline_crawl(site: Site, config: Path, db: str) -> dict:
    site.server.hits.clear()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.crawl_once", "--config", str(config), "--db", db,
         "--source", site.name],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    fetched, missed = site.coverage()
    statuses: dict[int, int] = {}
    for hit in site.fetched():
        statuses[hit.status] = statuses.get(hit.status, 0) + 1
    result.update(
        crawling_seconds=crawling_seconds(result["log_file"]),
        fetched_pages=len(site.fetched()),
        bytes=site.served_bytes(),
        expected=len(site.manifest["expected"]),
        covered=fetched,
        missed=missed[:10],
        statuses=statuses,
    )
    return result


# -- alerts ----------------------------------------------------------------------------
class Receiver:
    """A local webhook receiver: answers 204, counts webhook-ids, verifies signatures."""

    def __init__(self, delay: float = 0.0):
        from standardwebhooks.webhooks import Webhook

        self.ids: dict[str, int] = {}
        self.bad_signatures = 0
        self.lock = threading.Lock()
        verifier = Webhook(WEBHOOK_SECRET)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (the stdlib's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                uid = self.headers.get("webhook-id") or ""
                try:
                    verifier.verify(body, dict(self.headers.items()))
                    ok = True
                except Exception:  # noqa: BLE001 - any verification failure counts as bad
                    ok = False
                with receiver.lock:
                    receiver.ids[uid] = receiver.ids.get(uid, 0) + 1
                    receiver.bad_signatures += not ok
                if delay:
                    time.sleep(delay)  # a receiver that takes its time, as real ones do
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def measure_alerts(db: str, config_path: Path, count: int, receiver_delay: float = 0.0) -> dict:
    """`count` alert-worthy changes on distinct documents, queued by the real outbox code
    and delivered by the real deliverer, one webhook per document, to a local receiver."""
    from sqlalchemy import select

    from alerts.delivery import deliver_due
    from alerts.outbox import enqueue_alerts
    from core.config import Subscription, load_config
    from storage.db import Archive
    from storage.models import Change, Document
    from storage.types import utcnow

    receiver = Receiver(receiver_delay)
    os.environ["CW_BENCH_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    config = load_config(config_path, required=True)
    sub = Subscription(name="bench-hook", webhook=receiver.url,
                       webhook_secret_env="CW_BENCH_WEBHOOK_SECRET")  # fmt: skip
    config = config.model_copy(update={"subscriptions": [sub]})
    archive = Archive(db)
    try:
        now = utcnow()
        with archive.session() as session:
            documents = session.scalars(
                select(Document).where(Document.latest_version_id.is_not(None))
                .order_by(Document.id).limit(count)
            ).all()  # fmt: skip
            changes = []
            for n, doc in enumerate(documents):
                change = Change(
                    document=doc, old_version_id=doc.latest_version_id,
                    new_version_id=doc.latest_version_id, kind="figure",
                    summary=f"signatures: {60 + n} -> {85 + n}", before=f"{60 + n} signatures",
                    after=f"{85 + n} signatures", old_value=60 + n, new_value=85 + n,
                    alert=True, detected_at=now,
                )  # fmt: skip
                session.add(change)
                changes.append(change)
            session.flush()
            queued = enqueue_alerts(session, config, changes, now=now)
        started = time.monotonic()
        delivered = failed = 0
        for _ in range(3):  # one run should do; more would show as a shortfall otherwise
            report = deliver_due(config, archive, now=utcnow())
            delivered += report.delivered
            failed += report.failed
            if not report.delivered:
                break
        seconds = time.monotonic() - started
    finally:
        archive.dispose()
        receiver.stop()
    received = sum(receiver.ids.values())
    return {
        "changes": len(changes),
        "queued": queued,
        "delivered": delivered,
        "failed": failed,
        "received": received,
        "distinct_ids": len(receiver.ids),
        "duplicates": received - len(receiver.ids),
        "bad_signatures": receiver.bad_signatures,
        "seconds": seconds,
    }


# -- the run ---------------------------------------------------------------------------
def write_config(path: Path, sites: list[Site], concurrency: int) -> None:
    lines = [
        "# Written by bench/run.py: no delay and more requests in flight than is polite,",
        "# because the councils are replayed on 127.0.0.1.",
        "[crawl]", "delay_seconds = 0", f"concurrency = {concurrency}", "timeout_minutes = 60",
        'log_dir = "logs"', "",
    ]  # fmt: skip
    for site in sites:
        lines += ["[[sources]]", f'name = "{site.name}"', 'type = "moderngov"',
                  f'base_url = "{site.server.url}"', f"lookback_days = {LOOKBACK}",
                  f"lookahead_days = {LOOKAHEAD}", ""]  # fmt: skip
    path.write_text("\n".join(lines), encoding="utf-8")


def run_backend(backend: str, sites: list[Site], big: Site | None, config: Path, out: Path,
                args) -> dict:  # fmt: skip
    from storage.db import open_archive

    db = create_database(backend, out, backend)
    try:
        open_archive(db).dispose()  # the schema, outside every timing
        empty = archive_bytes(db)
        result = {"backend": backend, "empty_bytes": empty, "tables_empty": table_bytes(db)}
        if args.memory_only:
            result["big"] = pipeline_crawl(big, config, db)
            result["big"]["archive_bytes"] = archive_bytes(db) - empty
            return result
        first, bare = [], []
        for site in sites:
            # The reference first, then the pipeline, so load on the machine is shared alike.
            bare.append(bare_crawl(site, out, args.concurrency))
            first.append(pipeline_crawl(site, config, db))
        after_first = archive_bytes(db)
        tables_first = table_bytes(db)
        versions_first = count_rows(db, "versions")
        # Unchanged councils, crawled again twice: first from servers that ignore
        # validators (full 200 answers, as many council servers do), then from servers that
        # answer If-None-Match with 304, the path where the stored body is re-read.
        set_conditional(sites, False)
        writes_first = row_writes(db)
        plain = [pipeline_crawl(site, config, db) for site in sites]
        after_plain = archive_bytes(db)
        writes_plain = row_writes(db)
        set_conditional(sites, True)
        second = [pipeline_crawl(site, config, db) for site in sites]
        after_second = archive_bytes(db)
        writes_second = row_writes(db)
        result |= {
            "after_first": after_first, "tables_first": tables_first,
            "after_plain": after_plain, "after_second": after_second,
            "versions_first": versions_first, "first": first, "bare": bare, "plain": plain,
            "second": second, "writes_first": writes_first, "writes_plain": writes_plain,
            "writes_second": writes_second,
        }  # fmt: skip
        if args.alerts:
            result["alerts"] = measure_alerts(db, config, args.alerts)
        if big is not None and backend == args.memory_backend:
            if not args.memory_only:
                result["big_bare"] = bare_crawl(big, out, args.concurrency)
            result["big"] = pipeline_crawl(big, config, db)
            result["big"]["archive_bytes"] = archive_bytes(db) - after_second
        return result
    finally:
        drop_database(db)


def summarise(r: dict) -> dict:
    def total(rows, key):
        return sum(row[key] for row in rows)

    pages1, secs1 = total(r["first"], "fetched_pages"), total(r["first"], "seconds")
    pagesb, secsb = total(r["bare"], "pages"), total(r["bare"], "seconds")
    pages2, secs2 = total(r["second"], "fetched_pages"), total(r["second"], "seconds")
    secs_plain = total(r["plain"], "seconds")
    crawling1, crawlingb = (
        total(r["first"], "crawling_seconds"),
        total(r["bare"], "crawling_seconds"),
    )
    raw = total(r["first"], "bytes")
    growth1 = r["after_first"] - r["empty_bytes"]
    crawls = r["first"] + r["plain"] + r["second"] + ([r["big"]] if "big" in r else [])
    peak = max(crawls, key=lambda c: c["peak_rss_bytes"])
    largest = max(crawls, key=lambda c: c["fetched_pages"])
    return {
        "pipeline_pps": pages1 / secs1, "pipeline_pages": pages1, "pipeline_seconds": secs1,
        "bare_pps": pagesb / secsb, "bare_pages": pagesb, "bare_seconds": secsb,
        "ratio": (pages1 / secs1) / (pagesb / secsb),
        "crawling_pps": pages1 / crawling1, "bare_crawling_pps": pagesb / crawlingb,
        "crawling_ratio": (pages1 / crawling1) / (pagesb / crawlingb),
        "parts": storage_parts(r["tables_empty"], r["tables_first"], raw),
        "covered": total(r["first"], "covered"), "expected": total(r["first"], "expected"),
        "problems": total(r["first"], "problem_count"),
        "plain_new_versions": total(r["plain"], "new_versions"),
        "plain_changes": total(r["plain"], "changes"),
        "plain_growth": r["after_plain"] - r["after_first"],
        "plain_time_ratio": secs_plain / secs1,
        "second_new_versions": total(r["second"], "new_versions"),
        "second_changes": total(r["second"], "changes"),
        "second_growth": r["after_second"] - r["after_plain"],
        "plain_updates": r["writes_plain"]["updated"] - r["writes_first"]["updated"],
        "plain_dead": r["writes_plain"]["dead"] - r["writes_first"]["dead"],
        "second_updates": r["writes_second"]["updated"] - r["writes_plain"]["updated"],
        "second_dead": r["writes_second"]["dead"] - r["writes_plain"]["dead"],
        "second_pps": pages2 / secs2, "second_time_ratio": secs2 / secs1,
        "second_not_modified": sum(c["statuses"].get(304, 0) for c in r["second"]),
        "raw_bytes": raw, "growth_first": growth1, "storage_ratio": growth1 / raw,
        "versions": r["versions_first"], "bytes_per_version": growth1 / r["versions_first"],
        "raw_per_version": raw / r["versions_first"],
        "peak_rss": peak["peak_rss_bytes"], "peak_pages": peak["fetched_pages"],
        "largest_pages": largest["fetched_pages"], "largest_rss": largest["peak_rss_bytes"],
    }  # fmt: skip


# The archive's tables by what they hold; every other table is "the rest".
STORAGE_PARTS = {"blobs": "raw bodies", "blob_dictionaries": "raw bodies",
                 "versions": "versions", "figures": "figures"}  # fmt: skip


def storage_parts(empty: dict[str, int], tables: dict[str, int], raw: int) -> dict[str, float]:
    """What the first crawl added to the archive, by what its tables hold, each as a share
    of the raw bytes served (a table's size includes its indexes)."""
    parts = dict.fromkeys(["raw bodies", "versions", "full-text", "figures", "rest"], 0)
    for name, size in tables.items():
        # versions_fts* are the full-text tables: FTS5's shadow tables on SQLite.
        part = "full-text" if name.startswith("versions_fts") else STORAGE_PARTS.get(name, "rest")
        parts[part] += size - empty.get(name, 0)
    return {part: size / raw for part, size in parts.items()}


# The table's rows: label | target | the cell, formatted from `cells` of each backend's
# results (a row whose values were not measured says so).
ROWS = """\
first crawl, whole pipeline: pages/s (pages in s) |  | {pipeline_pps:.1f} ({pipeline_pages} in {pipeline_seconds:.1f} s)
same pages, bare Scrapy spider: pages/s (pages in s) |  | {bare_pps:.1f} ({bare_pages} in {bare_seconds:.1f} s)
pipeline rate / bare rate | ≥ 0.50 | {ratio:.2f}
... the same from the spider opening to its closing (start-up left out): pages/s, pipeline / bare |  | {crawling_ratio:.2f} ({crawling_pps:.1f} / {bare_crawling_pps:.1f})
pages the generator expected that the crawl fetched; crawl problems | all; 0 | {covered}/{expected}; {problems}
second crawl, unchanged, server ignores validators (200s): new versions (changes) | 0 | {plain_new_versions} ({plain_changes})
... archive growth; time / first crawl time |  | {plain_growth_mb:+.2f} MB; {plain_time_ratio:.2f}
third crawl, unchanged, server answers 304: new versions (changes) | 0 | {second_new_versions} ({second_changes})
... archive growth |  | {second_growth_mb:+.2f} MB
dead-row check, PostgreSQL: rows updated or deleted (dead rows added) by the 200 crawl; by the 304 crawl | 0; 0 | {plain_updates} ({plain_dead:+d}); {second_updates} ({second_dead:+d})
... time / first crawl time (304 answers) |  | {second_time_ratio:.2f} ({second_not_modified})
archive growth, first crawl / raw bytes served | ≤ 65% SQLite, ≤ 90% PostgreSQL | {storage_percent:.1f}% ({growth_first_mb:.1f} MB / {raw_mb:.1f} MB)
... of which raw bodies; versions (fields); full-text indexes; figures; the rest |  | {parts_percent}
archive bytes per stored version (raw bytes per version) |  | {version_kb:.1f} KB ({raw_version_kb:.1f} KB; {versions} versions)
peak RSS of a crawl process (pages in that crawl) | < 500 MB | {peak_rss_mb:.0f} MB ({peak_pages} pages)
large council, one crawl: peak RSS; pages/s (bare pages/s) | < 500 MB | {big_rss_mb:.0f} MB for {big[fetched_pages]} pages; {big_pps:.1f} ({big_bare_pps:.1f})
alerts: webhooks delivered per second (delivered / queued) |  | {alerts_rate:.1f} ({alerts[delivered]}/{alerts[queued]})
alerts: duplicate webhook-ids at the receiver; bad signatures | 0; 0 | {alerts[duplicates]}; {alerts[bad_signatures]}
"""
MB = 1024 * 1024


def cells(x: dict, r: dict) -> dict:
    """What the rows format: the summary `x` of one backend's results `r`, in table units."""
    values = {**x, **{k: r[k] for k in ("big", "big_bare", "alerts") if k in r}}
    for name in ("plain_growth", "second_growth", "growth_first", "raw_bytes", "peak_rss"):
        values[name.removesuffix("_bytes") + "_mb"] = x[name] / MB
    values |= {
        "storage_percent": 100 * x["storage_ratio"],
        "parts_percent": "; ".join(f"{100 * share:.1f}%" for share in x["parts"].values()),
        "version_kb": x["bytes_per_version"] / 1024, "raw_version_kb": x["raw_per_version"] / 1024,
    }  # fmt: skip
    if "big" in r:
        values["big_rss_mb"] = r["big"]["peak_rss_bytes"] / MB
        values["big_pps"] = r["big"]["fetched_pages"] / r["big"]["seconds"]
    if "big_bare" in r:
        values["big_bare_pps"] = r["big_bare"]["pages"] / r["big_bare"]["seconds"]
    if "alerts" in r:
        values["alerts_rate"] = r["alerts"]["delivered"] / r["alerts"]["seconds"]
    return values


def table(results: list[dict], meta: dict) -> str:
    cols = [r["backend"] for r in results]
    values = {r["backend"]: cells(summarise(r), r) for r in results}

    def cell(template: str, backend: str) -> str:
        try:
            return template.format(**values[backend])
        except KeyError:
            return "not measured"

    lines = [
        "| figure | " + " | ".join({"sqlite": "SQLite", "postgresql": "PostgreSQL"}[c] for c in cols)
        + " | target |",
        "|---|" + "---|" * len(cols) + "---|",
    ]  # fmt: skip
    for row in ROWS.splitlines():
        label, target, template = row.split(" | ")
        lines.append(
            f"| {label} | " + " | ".join(cell(template, c) for c in cols) + f" | {target.strip()} |"
        )
    head = (
        f"{meta['councils']} councils × {meta['meetings']} meetings"
        + (
            f" + one council of {meta['memory_meetings']} meetings"
            if meta["memory_meetings"]
            else ""
        )
        + f", seed {meta['seed']}, concurrency {meta['concurrency']}; {meta['machine']}; "
        f"{meta['date']}; commit {meta['commit']}; load average at start {meta['load_start']}, "
        f"at end {meta['load_end']}"
    )
    if not any("big" in r for r in results):
        lines = [line for line in lines if not line.startswith("| large council")]
    parts = []
    for r in results:
        if "tables_first" in r:
            top = list(r["tables_first"].items())[:5]
            parts.append(
                f"{r['backend']}: " + ", ".join(f"{name} {size / MB:.1f} MB" for name, size in top)
            )
    foot = (
        "\n\nLargest parts of the archive after the first crawl (tables with their indexes): "
        + "; ".join(parts)
    )
    return head + "\n\n" + "\n".join(lines) + foot


def memory_table(results: list[dict], meta: dict) -> str:
    """`--memory-only`: one large council crawled once, for the peak-memory figure."""
    lines = ["| database | pages fetched | crawl status, problems | peak RSS of the crawl process "
             "| archive growth | wall time |", "|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        big = r["big"]
        lines.append(
            f"| {r['backend']} | {big['fetched_pages']} (of {big['expected']} expected) "
            f"| {big['status']}, {big['problem_count']} "
            f"| {big['peak_rss_bytes'] / 2**20:.0f} MB | {big['archive_bytes'] / 2**20:.1f} MB "
            f"| {big['seconds']:.0f} s |"
        )
    head = (
        f"one council of {meta['memory_meetings']} meetings, seed {meta['seed']}, concurrency "
        f"{meta['concurrency']}; {meta['machine']}; {meta['date']}; commit {meta['commit']}; load average at start "
        f"{meta['load_start']}, at end {meta['load_end']}"
    )
    return head + "\n\n" + "\n".join(lines)


def git_state() -> str:
    """The commit measured, and whether the checkout had uncommitted changes (it is shared)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, text=True, capture_output=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes" if dirty else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 small councils, 50 alerts")
    parser.add_argument("--councils", type=int, help="default 3 (--quick: 2)")
    parser.add_argument("--meetings", type=int, help="per council; default 60 (--quick: 15)")
    parser.add_argument(
        "--memory-meetings",
        type=int,
        default=0,
        help="add one council this large, crawled once, for the peak-memory figure",
    )
    parser.add_argument("--memory-backend", default="sqlite")
    parser.add_argument(
        "--memory-only",
        action="store_true",
        help="only the large council, crawled once on --memory-backend",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--alerts", type=int, help="default 1000 (--quick: 50)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path, default=OUT / "run")
    args = parser.parse_args(argv)  # fmt: skip
    # --quick changes the defaults only; anything given on the command line wins.
    for name, full, quick in (("councils", 3, 2), ("meetings", 60, 15), ("alerts", 1000, 50)):
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    out = args.out.resolve()
    (out / "logs").mkdir(parents=True, exist_ok=True)
    today = datetime.now(UK).date()
    meta = {
        "councils": args.councils, "meetings": args.meetings, "seed": args.seed,
        "memory_meetings": args.memory_meetings, "concurrency": args.concurrency,
        "machine": f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                   f"SQLite {sqlite3.sqlite_version}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_start": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "commit": git_state(),
    }  # fmt: skip
    if args.memory_only:
        args.councils, args.backends, args.alerts = 0, args.memory_backend, 0
        args.memory_meetings = args.memory_meetings or 2050
    manifests = generate_councils(out / "sites", args.councils, args.meetings, args.seed,
                                  today=today, lookback_days=LOOKBACK, lookahead_days=LOOKAHEAD)  # fmt: skip
    sites = []
    for n, manifest in enumerate(manifests):
        folder = out / "sites" / f"council-{n:02d}"
        sites.append(Site(manifest["name"], folder, manifest, ReplayServer(folder).start()))
    big = None
    if args.memory_meetings:
        folder = out / "sites" / "council-big"
        spec = CouncilSpec(name="bench-big", seed=args.seed * 1000 + 999, meetings=args.memory_meetings,
                           today=today, lookback_days=LOOKBACK, lookahead_days=LOOKAHEAD,
                           host="democracy.bigcouncil.gov.uk")  # fmt: skip
        manifest = generate(folder, spec, load_corpus())
        big = Site("bench-big", folder, manifest, ReplayServer(folder).start())
    config = out / "councilwatch.toml"
    write_config(config, sites + ([big] if big else []), args.concurrency)
    results = []
    try:
        for backend in args.backends.split(","):
            print(f"{backend}: crawling...", file=sys.stderr, flush=True)
            results.append(run_backend(backend, sites, big, config, out, args))
    finally:
        for site in sites + ([big] if big else []):
            site.server.stop()
    meta["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    text = memory_table(results, meta) if args.memory_only else table(results, meta)
    (out / "results.json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=1, default=str)
    )
    (out / "table.md").write_text(text + "\n\nReproduce: `" + meta["command"] + "`\n")
    print(text)
    print(f"\nReproduce: `{meta['command']}`\nRaw measurements: {out / 'results.json'}")


if __name__ == "__main__":
    main()
