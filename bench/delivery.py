"""Alert delivery to a slow receiver: N webhooks, one per document, to a local receiver that
takes `--receiver-ms` to answer each (200 ms by default), on SQLite or PostgreSQL.

    python -m bench.delivery                        # 1,000 webhooks, 200 ms each, SQLite
    python -m bench.delivery --backend postgresql

The documents are bulk-inserted (one version each); the changes are queued by the real
`alerts.outbox.enqueue_alerts` and delivered by the real `alerts.delivery.deliver_due`
(`bench.run.measure_alerts`). The receiver counts webhook-ids (duplicates) and verifies
every Standard Webhooks signature. Goal: 1,000 in under 30 s, each exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench.run import OUT, create_database, drop_database, git_state, measure_alerts


def fill(db: str, count: int) -> None:
    from storage.db import open_archive
    from storage.models import Document, Source, Version
    from storage.types import utcnow

    archive = open_archive(db)
    now = utcnow()
    with archive.session() as session:
        source = Source(name="bench", type="page")
        session.add(source)
        for n in range(count):
            doc = Document(key=f"bench:page:{n}", source=source, kind="page",
                           url=f"http://127.0.0.1/{n}", title=f"Page {n}", first_seen=now,
                           last_seen=now)  # fmt: skip
            version = Version(document=doc, seen_at=now, last_seen=now, content_hash=f"{n:064x}",
                              title=f"Page {n}", fields={"text": f"{60 + n} signatures"},
                              parser_version="bench")  # fmt: skip
            session.add_all([doc, version])
        session.flush()
        for doc in session.query(Document).all():
            doc.latest_version_id = doc.versions[0].id
    archive.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--receiver-ms", type=float, default=200)
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--out", type=Path, default=OUT / "delivery")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    config = out / "councilwatch.toml"
    config.write_text("[crawl]\ndelay_seconds = 0\n", encoding="utf-8")
    db = create_database(args.backend, out, "delivery")
    try:
        fill(db, args.alerts)
        result = measure_alerts(db, config, args.alerts, args.receiver_ms / 1000)
    finally:
        drop_database(db)
    result |= {
        "backend": args.backend, "receiver_ms": args.receiver_ms, "commit": git_state(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "command": "python -m bench.delivery " + " ".join(argv if argv is not None else sys.argv[1:]),
    }  # fmt: skip
    (out / f"results-{args.backend}.json").write_text(json.dumps(result, indent=1))
    print(f"{result['date']}, load {result['load']}, {result['commit']}")
    print(f"{args.backend}: {result['delivered']}/{result['queued']} webhooks to a "
          f"{args.receiver_ms:g} ms receiver in {result['seconds']:.1f} s "
          f"({result['delivered'] / result['seconds']:.1f}/s); received {result['received']}, "
          f"duplicates {result['duplicates']}, bad signatures {result['bad_signatures']}, "
          f"failed {result['failed']}")  # fmt: skip
    print(f"Reproduce: `{result['command']}`")


if __name__ == "__main__":
    main()
