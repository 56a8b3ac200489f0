"""Documents, versions and changes from the demo council and news site served compressed
(the replay server's default: gzip when accepted, validators, chunking, IIS headers) and
served plain, each through the demo's two crawls (`councilwatch crawl`, then the sites'
edits, then `councilwatch crawl` again). Prints one JSON object per server.

    python -m bench.compressed_demo
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from tests.helpers.demo_crawls import crawl_the_demo


def measure(folder: Path, compress: bool) -> dict:
    run = crawl_the_demo(folder, compress=compress)
    first, second = (c.stdout for c in run["crawls"])
    archive = run["after_edit"]
    return {
        "server": "compressed" if compress else "plain",
        "encodings_sent": sorted({h.encoding or "identity" for h in run["hits"]}),
        "documents": len(archive["documents"]),
        "versions": sum(len(versions) for versions in archive["versions"].values()),
        "changes": len(archive["changes"]),
        "first_crawl": [line for line in first.splitlines() if " - " in line],
        "second_crawl": [line for line in second.splitlines() if " - " in line],
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for compress in (True, False):
            print(json.dumps(measure(Path(tmp) / str(compress), compress)))


if __name__ == "__main__":
    main()
