"""How often the suspect-page rules hold back a real change, and what the error-page check costs.

Every labelled version pair (tests/helpers/labelled_pairs.py: real captures plus one edit or one
kind of noise) is judged as the importer judges a new version: does its new side read as an
error page, or look half-served against its old side? None of them is either, so every pair
held back is a delayed alert. Then the same two soft-404 fixtures the crawl tests serve, and
the cost of `error_wording` per page.

    python bench/suspect.py
"""

from __future__ import annotations

import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor import suspect  # noqa: E402 (the repo root must be on the path first)
from spiders.error_pages import error_wording  # noqa: E402
from spiders.items import validate  # noqa: E402
from storage.archive import content_hash  # noqa: E402
from storage.models import Version  # noqa: E402
from tests.helpers.labelled_pairs import labelled_pairs, old_page  # noqa: E402


def held_back(pair) -> list[str]:
    """The documents of the pair's new side the importer would hold back, and why."""
    from monitor.compare import parse_fresh

    if not pair.url:
        docs = [(pair.kind, "fields", None, pair.old_fields, None, pair.new_fields)]
        wording = None
    else:
        old = {d.key: d for d in old_page(pair.url, pair.old_body).documents}
        new = parse_fresh(pair.url, pair.new_body, None, "new", []).documents
        docs = [
            (d.kind, d.key, old[d.key].title, validate(old[d.key]), d.title, validate(d))
            for d in new
            if d.key in old
        ]
        wording = error_wording(pair.new_body, "text/html")
    found = []
    for kind, key, old_title, old_fields, title, new_fields in docs:
        previous = Version(
            content_hash=content_hash(old_title, old_fields), title=old_title, fields=old_fields
        )
        verdict = suspect.judge(kind, previous, title, new_fields, wording)
        if verdict:
            found.append(f"{pair.name}: {key}: {verdict.detail}")
    return found


def main() -> None:
    pairs = labelled_pairs()
    held = [reason for pair in pairs for reason in held_back(pair)]
    alerting = [p for p in pairs if p.alert and held_back(p)]
    print(f"{datetime.now(UTC):%d %b %Y %H:%M} UTC, Python {platform.python_version()}")
    print(f"{len(pairs)} labelled pairs ({sum(p.alert for p in pairs)} that should alert): "
          f"{len(held)} documents held back, {len(alerting)} alerting pairs delayed")  # fmt: skip
    for reason in held:
        print("  held:", reason)

    pages = sorted(
        p
        for folder in (
            "tests/fixtures/web",
            "tests/fixtures/moderngov_site",
            "tests/fixtures/moderngov",
            "tests/fixtures/suspect_sites",
            "councilwatch/demo_site",
        )  # fmt: skip
        for p in (ROOT / folder).rglob("*.html")
    )
    bodies = [p.read_bytes() for p in pages]
    flagged = [p.name for p, b in zip(pages, bodies, strict=True) if error_wording(b, "text/html")]
    rounds = 20
    started = time.perf_counter()
    for _ in range(rounds):
        for body in bodies:
            error_wording(body, "text/html")
    per_page = (time.perf_counter() - started) / (rounds * len(bodies)) * 1000
    size = sum(map(len, bodies)) / len(bodies) / 1024
    print(f"{len(pages)} pages of the repo's fixtures (mean {size:.0f} KB): "
          f"{len(flagged)} read as error pages ({', '.join(flagged)}); "
          f"error_wording {per_page:.2f} ms per page")  # fmt: skip


if __name__ == "__main__":
    main()
