"""Search latency over a large archive, on SQLite and on PostgreSQL.

    python -m bench.search_latency --documents 100000

Builds an archive of N documents (10% of them with a second version), then runs a
fixed set of journalist queries through `storage.search.search` (the code behind
`councilwatch search`), each several times, and prints the median and 95th percentile.

Documents are written with bulk inserts rather than the crawler's importer (which would
take hours for 100,000 pages), but the full-text index is filled exactly as in
production: by `storage.fulltext.index_versions`, which the archive runs in the flush that
stores a version. Figures are found with the real `monitor.figures.figures_in_sentences`,
once per distinct sentence.

Texts are sentences from the real Oxfordshire council papers and Oxford Mail articles in
tests/fixtures/seeds, mixed with templated council phrases on other subjects (planning,
highways, adult care, schools, budgets) with varied places and figures, so that common
and rare words occur with realistic frequencies.
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text, update

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"

PLACES = [
    "Banbury", "Bicester", "Didcot", "Witney", "Abingdon", "Wantage", "Thame", "Henley",
    "Kidlington", "Carterton", "Chipping Norton", "Wallingford", "Faringdon", "Oxford",
    "Blackbird Leys", "Rose Hill", "Headington", "Cowley", "Botley", "Eynsham",
]  # fmt: skip
SERVICES = [
    "children's centres", "early intervention hubs", "libraries", "day centres for older people",
    "household waste recycling centres", "youth centres", "bus services", "fire stations",
    "care homes", "special schools", "park and ride sites", "road maintenance teams",
]  # fmt: skip
TEMPLATES = [
    "The Cabinet agreed to reduce funding for {service} in {place} by £{money}m from April {year}.",
    "Officers reported that {n} of {d} {service} would remain open under the proposals.",
    "A consultation on the future of {service} in {place} received {n} responses.",
    "The planning committee approved {n} new homes on land north of {place}.",
    "Councillors noted an overspend of £{money}m in adult social care for {year}/{next}.",
    "The highways budget for {place} was cut by {pct} per cent following the review.",
    "Members asked why {service} in {place} had seen a {pct} per cent fall in visits.",
    "The council will consult on closing {n} {service} to save £{money}m a year.",
    "The scrutiny committee called in the decision on {service} for further review.",
    "Residents of {place} presented a petition with {sig} signatures opposing the closure.",
    "The director said the savings target of £{money}m for {year} was achievable.",
    "The school admissions policy for {place} was agreed without amendment.",
    "Funding of £{money}m was allocated to {service} across the county.",
    "The report recommends that {n} {service} transfer to community groups by {month} {year}.",
    "An academy conversion for the primary school in {place} was noted.",
    "The meeting was adjourned and will reconvene on {day} {month} {year}.",
    "Apologies for absence were received from Councillor {name}.",
    "Councillor {name} declared an interest as a governor of a school in {place}.",
    "The minutes of the previous meeting were approved as a correct record.",
    "Questions from members of the public concerned flooding on the A{road} near {place}.",
]  # fmt: skip
NAMES = ["Hibbert-Biles", "Harrod", "Tilley", "Constance", "Brighouse", "Pressel", "Smith", "Patel"]
MONTHS = ["January", "March", "April", "June", "September", "October", "November"]
KINDS = [("agenda_item", 0.45), ("decision", 0.2), ("article", 0.2), ("document", 0.1), ("page", 0.05)]  # fmt: skip
SOURCES = [
    ("oxfordshire", "moderngov"), ("west-oxfordshire", "moderngov"), ("cherwell", "moderngov"),
    ("vale-of-white-horse", "moderngov"), ("oxford-mail", "news"), ("banbury-guardian", "news"),
]  # fmt: skip

# (query, options): common words, phrases, prefixes, OR/NOT, filters, a rare word.
QUERIES = [
    ('"children\'s centres"', {}),
    ("closure", {}),
    ("consultation responses", {}),
    ('"early intervention"', {}),
    ("redundan*", {}),
    ("academy OR academies", {}),
    ("savings -cabinet", {}),
    ("centres", {"kind": "decision"}),
    ("funding", {"source": "oxford-mail"}),
    ("overspend", {"since": datetime(2024, 1, 1, tzinfo=UTC)}),
    ("budget", {"figure_kind": "money"}),
    ("playbus", {}),
    ('"judicial review"', {}),
    ("centres", {"sort": "newest"}),
]


def seed_sentences() -> list[str]:
    sentences = []
    for path in sorted(SEEDS.glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        for s in re.split(r"(?<=[.!?”])\s+", body):
            s = " ".join(s.split())
            if len(s) > 30:
                sentences.append(s)
    return sentences


def templated(rng: random.Random) -> str:
    year = rng.randint(2015, 2026)
    return rng.choice(TEMPLATES).format(
        service=rng.choice(SERVICES), place=rng.choice(PLACES), money=rng.choice(["1.2", "2", "2.5", "4", "6", "8", "14", "0.5"]),
        year=year, next=(year + 1) % 100, n=rng.randint(2, 60), d=rng.randint(60, 90),
        pct=rng.randint(3, 40), sig=rng.randint(100, 20000), name=rng.choice(NAMES),
        month=rng.choice(MONTHS), day=rng.randint(1, 28), road=rng.randint(34, 4260),
    )  # fmt: skip


def sentence_pool(rng: random.Random, size: int = 6000) -> list[str]:
    seeds = seed_sentences()
    pool = list(seeds)
    while len(pool) < size:
        pool.append(templated(rng))
    return pool


def figures_by_sentence(pool: list[str]) -> list[list[dict]]:
    """Each sentence's figures; their sentences' offsets are within the pool sentence."""
    from monitor.figures import figures_in_sentences

    found = []
    for sentence in pool:
        found.append(
            [
                {
                    "kind": f.kind,
                    "value": float(f.value),
                    "unit": f.unit,
                    "denominator": None if f.denominator is None else float(f.denominator),
                    "subject": (f.subject or None) and f.subject[:200],
                    "text": f.text,
                    "sentence_start": start,
                    "sentence_end": end,
                }
                for f, start, end in figures_in_sentences(sentence)
            ]
        )
    return found


def build(url: str, documents: int, seed: int = 8) -> dict:
    """Create the archive at `url` (schema by the real migrations) and fill it."""
    from storage.db import open_archive
    from storage.fulltext import index_versions
    from storage.models import Document, Figure, Source, Version

    rng = random.Random(seed)
    pool = sentence_pool(rng)
    n_seed = len(seed_sentences())
    pool_figures = figures_by_sentence(pool)
    archive = open_archive(url)
    started = time.perf_counter()
    start_day = datetime(2015, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 11, 1, tzinfo=UTC) - start_day).total_seconds()
    kinds, weights = zip(*KINDS, strict=True)
    with archive.engine.begin() as conn:
        conn.execute(
            insert(Source.__table__),
            [{"id": i, "name": n, "type": t, "created_at": start_day} for i, (n, t) in enumerate(SOURCES, 1)],
        )  # fmt: skip
    version_id = 0
    batch = 2000
    for first in range(1, documents + 1, batch):
        docs, versions, texts, figures = [], [], [], []
        for doc_id in range(first, min(first + batch, documents + 1)):
            kind = rng.choices(kinds, weights)[0]
            source_id = rng.randint(1, len(SOURCES))
            seen = start_day + timedelta(seconds=rng.random() * span)
            # Articles and papers about children's services draw on the real texts.
            on_topic = rng.random() < 0.25
            n_sentences = rng.randint(6, 24)
            picks = [
                rng.randrange(n_seed) if on_topic and rng.random() < 0.6 else rng.randrange(n_seed, len(pool))
                for _ in range(n_sentences)
            ]  # fmt: skip
            title = pool[picks[0]][:120]
            docs.append({
                "id": doc_id, "key": f"{SOURCES[source_id - 1][0]}:{kind}:{doc_id}",
                "source_id": source_id, "kind": kind, "url": f"https://example.gov.uk/{kind}/{doc_id}",
                "title": title, "first_seen": seen, "last_seen": seen,
            })  # fmt: skip
            n_versions = 2 if rng.random() < 0.1 else 1
            for v in range(n_versions):
                if v:  # an edit: one sentence replaced
                    picks = list(picks)
                    picks[rng.randrange(len(picks))] = rng.randrange(n_seed, len(pool))
                    seen = seen + timedelta(days=rng.randint(1, 60))
                body = " ".join(pool[i] for i in picks[1:])
                version_id += 1
                versions.append({
                    "id": version_id, "document_id": doc_id, "seen_at": seen, "last_seen": seen,
                    "content_hash": f"{doc_id:032x}{v:032x}", "title": title,
                    "fields": {"title": title, "text": body},
                    "raw_sha256": None, "parser_version": "1", "reparse": False, "crawl_run_id": None,
                })  # fmt: skip
                # The version's text (title, then body: the "title" field repeats the title).
                texts.append({"id": version_id, "title": title, "text": title + "\n" + body})
                at = 0  # where each picked sentence starts in the text
                for n, i in enumerate(picks):
                    end = len(title) if n == 0 else at + len(pool[i])
                    for f in pool_figures[i]:
                        figures.append({"version_id": version_id, "document_id": doc_id, **f,
                                        "sentence_start": min(at + f["sentence_start"], end),
                                        "sentence_end": min(at + f["sentence_end"], end)})  # fmt: skip
                    at = end + 1
        with archive.engine.begin() as conn:
            conn.execute(insert(Document.__table__), docs)
            conn.execute(insert(Version.__table__), versions)
            index_versions(conn, texts)
            if figures:
                conn.execute(insert(Figure.__table__), figures)
        done = min(first + batch - 1, documents)
        if done % 20000 == 0 or done == documents:
            print(f"  {done} documents ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    with archive.engine.begin() as conn:
        # One aggregate join, not a correlated subquery per document: before ANALYZE,
        # PostgreSQL plans the latter as a scan of `versions` per document.
        latest = (
            select(Version.document_id, func.max(Version.id).label("id"))
            .group_by(Version.document_id)
            .subquery()
        )
        conn.execute(
            update(Document.__table__)
            .where(Document.id == latest.c.document_id)
            .values(latest_version_id=latest.c.id)
        )
        if archive.dialect == "postgresql":
            # The ids above were given explicitly, which PostgreSQL's sequences do not see:
            # move each on past its table's largest id, or the first crawl into this
            # archive fails on a duplicate key.
            for table in ("sources", "documents", "versions", "figures"):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                ))  # fmt: skip
    # Fresh statistics and a vacuumed heap, as autovacuum gives a long-running archive.
    with archive.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if archive.dialect == "postgresql" else "ANALYZE"))
    built = time.perf_counter() - started
    with archive.session() as session:
        counts = {
            "documents": session.scalar(select(func.count()).select_from(Document)),
            "versions": session.scalar(select(func.count()).select_from(Version)),
            "figures": session.scalar(select(func.count()).select_from(Figure)),
        }
    archive.dispose()
    return {"build_seconds": round(built), **counts}


def measure(url: str, repeat: int) -> list[dict]:
    from storage.db import Archive
    from storage.search import search

    archive = Archive(url)
    rows = []
    for query, options in QUERIES:
        timings, found = [], 0
        for n in range(repeat + 1):
            with archive.session() as session:
                started = time.perf_counter()
                hits = search(session, query, limit=20, **options)
                elapsed = (time.perf_counter() - started) * 1000
            if n:  # the first run warms the caches; it is not counted
                timings.append(elapsed)
            found = len(hits)
        rows.append({"query": query, "options": options, "hits": found, "timings": timings})
    archive.dispose()
    return rows


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def describe(options: dict) -> str:
    return " ".join(
        f"--{k.replace('_', '-')} {v.date() if isinstance(v, datetime) else v}" for k, v in options.items()
    )  # fmt: skip


def report(name: str, info: dict, rows: list[dict]) -> str:
    every = [t for r in rows for t in r["timings"]]
    lines = [
        f"### {name}: {info.get('documents', '?')} documents, {info.get('versions', '?')} versions, "
        f"{info.get('figures', '?')} figures (built in {info.get('build_seconds', '?')} s)",
        "",
        "| query | rows | median ms | p95 ms |",
        "|---|---:|---:|---:|",
    ]
    for r in rows:
        label = f"`{r['query']}` {describe(r['options'])}".strip()
        lines.append(
            f"| {label} | {r['hits']} | {statistics.median(r['timings']):.1f} | {percentile(r['timings'], 95):.1f} |"
        )
    lines.append(
        f"| **all queries** | | **{statistics.median(every):.1f}** | **{percentile(every, 95):.1f}** |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per query")
    parser.add_argument("--sqlite", default="bench/out/search-latency.db")
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/cw_bench_search",
        help="a database that may be dropped and recreated ('' to skip PostgreSQL)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure existing archives, do not rebuild"
    )
    args = parser.parse_args()

    results = {}
    targets = [("SQLite (FTS5)", f"sqlite:///{Path(args.sqlite).resolve()}")]
    if args.postgres:
        targets.append(("PostgreSQL 15 (tsvector + GIN)", args.postgres))
    for name, url in targets:
        info: dict = {}
        if not args.reuse:
            print(f"building {name} archive of {args.documents} documents…", file=sys.stderr)
            fresh(url)
            info = build(url, args.documents)
        rows = measure(url, args.repeat)
        results[name] = report(name, info, rows)
        print(results[name] + "\n")
    print(
        f"Machine: {platform.machine()}, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def fresh(url: str) -> None:
    """Start from an empty database."""
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        path.parent.mkdir(parents=True, exist_ok=True)
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    admin = base.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
