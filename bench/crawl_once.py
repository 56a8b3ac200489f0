"""One measured crawl: `monitor.crawler.crawl_source` (the real path, a `scrapy crawl` child)
run from a fresh process, so that the kernel's accounting of that process's children
(`getrusage(RUSAGE_CHILDREN).ru_maxrss`) is the peak resident memory of exactly this crawl
and nothing else. Prints one JSON object.

    python -m bench.crawl_once --config CONFIG --db URL --source NAME
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from core.config import load_config
from monitor.crawler import crawl_source
from storage.db import Archive


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--source", required=True)
    args = parser.parse_args(argv)
    config = load_config(args.config, required=True)
    archive = Archive(args.db)  # the schema is created by the caller, outside the timing
    started = time.monotonic()
    result = crawl_source(config, archive, args.source)
    wall = time.monotonic() - started
    archive.dispose()
    # ru_maxrss is in KiB on Linux: the largest resident set of any waited-for child.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "source": result.source,
                "status": result.status,
                "run_id": result.run_id,
                "pages": result.pages,
                "documents": result.documents,
                "new_documents": result.new_documents,
                "new_versions": result.new_versions,
                "changes": result.changes,
                "problems": result.problems[:20],
                "problem_count": len(result.problems),
                "seconds": wall,
                "peak_rss_bytes": peak_kib * 1024,
                "log_file": result.log_file,
            }
        )
    )


if __name__ == "__main__":
    main()
