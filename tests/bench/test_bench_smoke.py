"""The benchmark's machinery on a tiny council, so bench/ cannot silently rot: the generator's
site is crawled completely by the real ModernGov spider, the bare reference spider fetches
the same pages, and a second crawl goes through the conditional-request path. No timings
are asserted; `python -m bench.run` measures them."""

from __future__ import annotations

from datetime import datetime

from bench.run import Site, archive_bytes, bare_crawl, pipeline_crawl, write_config
from bench.synthetic_council import CouncilSpec, generate, load_corpus
from core.uktime import UK
from councilwatch.replay import ReplayServer
from storage.db import open_archive


def _site(tmp_path, web_service: bool) -> Site:
    spec = CouncilSpec(
        name="bench-smoke",
        seed=7,
        meetings=4,
        today=datetime.now(UK).date(),
        committees=2,
        web_service=web_service,
    )
    folder = tmp_path / "site"
    manifest = generate(folder, spec, load_corpus())
    return Site("bench-smoke", folder, manifest, ReplayServer(folder).start())


def test_generator_is_deterministic(tmp_path):
    spec = CouncilSpec(name="a", seed=3, meetings=5, today=datetime(2026, 11, 23).date())
    corpus = load_corpus()
    one = generate(tmp_path / "one", spec, corpus)
    two = generate(tmp_path / "two", spec, corpus)
    assert one == two
    assert (tmp_path / "one" / "routes.toml").read_bytes() == (
        tmp_path / "two" / "routes.toml"
    ).read_bytes()


def test_generated_council_is_crawled_completely(tmp_path):
    # The HTML discovery path (web service switched off) and the web-service path differ in
    # which pages lead to the meetings; the tiny run covers the HTML one, the more fragile.
    site = _site(tmp_path, web_service=False)
    try:
        (tmp_path / "logs").mkdir()
        config = tmp_path / "councilwatch.toml"
        write_config(config, [site], concurrency=4)
        db = f"sqlite:///{tmp_path / 'archive.db'}"
        open_archive(db).dispose()
        empty = archive_bytes(db)

        bare = bare_crawl(site, tmp_path, concurrency=4)
        assert bare["pages"] == len(site.manifest["expected"])

        first = pipeline_crawl(site, config, db)
        assert first["status"] == "finished", first["problems"]
        assert first["problem_count"] == 0, first["problems"]
        assert first["missed"] == []
        assert first["covered"] == first["expected"] == len(site.manifest["expected"])
        assert first["new_documents"] > 0 and first["peak_rss_bytes"] > 0
        assert archive_bytes(db) > empty

        second = pipeline_crawl(site, config, db)
        assert second["status"] == "finished"
        assert second["statuses"].get(304, 0) > 0  # conditional requests were answered
    finally:
        site.server.stop()
