"""The demo council and news site served as real servers serve them (compressed, with
validators, chunked, IIS headers and a session cookie: the replay server's defaults) give
exactly the documents, versions and changes the same sites give served plain; a further
crawl of the compressed sites is answered with 304s and adds nothing."""

from __future__ import annotations

import pytest

from tests.helpers.demo_crawls import crawl_the_demo


@pytest.fixture(scope="module")
def demo_crawls(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    return {
        "compressed": crawl_the_demo(folder / "compressed", compress=True, crawls_after_edit=2),
        "plain": crawl_the_demo(folder / "plain", compress=False),
    }


def test_the_compressed_demo_sites_give_the_documents_versions_and_changes_of_the_plain_ones(
    demo_crawls,
):
    compressed = demo_crawls["compressed"]["after_edit"]
    plain = demo_crawls["plain"]["after_edit"]
    assert len(plain["documents"]) > 20 and len(plain["changes"]) > 5  # the demo was crawled
    assert compressed["documents"] == plain["documents"]
    assert compressed["versions"] == plain["versions"]
    assert compressed["changes"] == plain["changes"]


def test_the_compressed_servers_really_compressed_and_the_plain_ones_did_not(demo_crawls):
    compressed = {h.encoding for h in demo_crawls["compressed"]["hits"] if h.status == 200}
    plain = {h.encoding for h in demo_crawls["plain"]["hits"] if h.status == 200}
    assert "gzip" in compressed
    assert plain == {None}


def test_every_crawl_of_the_compressed_demo_finishes_ok(demo_crawls):
    for result in demo_crawls["compressed"]["crawls"]:
        for source in ("kingston", "oxford-mail"):
            assert f"{source}: ok - " in result.stdout, result.stdout


def test_a_further_crawl_of_the_compressed_demo_is_answered_304_and_adds_nothing(demo_crawls):
    compressed = demo_crawls["compressed"]
    pages = [h for h in compressed["later_hits"] if h.target != "/robots.txt"]
    assert pages and all(h.headers.get("If-None-Match") for h in pages)
    assert {h.status for h in pages} == {304}, [h.target for h in pages if h.status != 304]
    assert compressed["after_all"] == compressed["after_edit"]
    assert "0 new versions, 0 changes" in compressed["crawls"][-1].stdout
