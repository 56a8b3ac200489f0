"""Issue 15's "Done when": a crawl of a council whose issue page, cut-short agenda item and
news story each revise a figure reports a `figure` change on each, with old and new values,
and nothing on the documents that did not change.

The replayed test council with the moderngov_site_figures overlay, and a local
paper's feed and story on the same server, crawled by the real `councilwatch crawl`; then
the moderngov_site_figures_v2 overlay revises one figure in each of the three documents, each in a
shape local text uses: the noun before the number ("the number of children ... rose to
815"), the noun elided ("Nine pupils tested positive. All nine are now at home") and a
number in words ("forty five staff").
"""

from __future__ import annotations

import json

import pytest

from tests.helpers.moderngov_testsite import SITE_FIGURES, SITE_FIGURES_V2

ISSUE = "kingston:issue:53900"
ITEM = "kingston:agenda_item:51902"


@pytest.fixture(scope="module")
def council(replayed_council):
    council = replayed_council(SITE_FIGURES, extra="")
    paper = council.server.url + "comet/rss/"
    with (council.folder / "councilwatch.toml").open("a", encoding="utf-8") as config:
        config.write(
            f'\n[[sources]]\nname = "comet"\ntype = "news"\nfeeds = ["{paper}"]\nrecheck_days = 0\n'
        )
    return council


@pytest.fixture(scope="module")
def crawls(council):
    first = council.crawl()
    council.server.load(SITE_FIGURES_V2)
    second = council.crawl()
    listed = json.loads(council.run("changes", "--json").stdout)["changes"]
    return first, second, listed


def story_key(first) -> str:
    [key] = [k for k in first.documents if k.startswith("comet:")]
    return key


def changes_on(listed, key) -> list[tuple]:
    return [
        (c["kind"], c["old_value"], c["new_value"]) for c in listed if c["document"]["key"] == key
    ]


def test_both_crawls_finish_ok_and_store_the_three_documents(crawls):
    first, second, _ = crawls
    for crawl in (first, second):
        assert crawl.result.returncode == 0, crawl.result.stdout + crawl.result.stderr
    assert {ISSUE, ITEM} <= set(first.documents)
    assert "cut forty five staff" in first.documents[story_key(first)]["fields"]["body"]


def test_a_figure_revised_on_an_issue_page_with_its_noun_before_the_number_is_a_figure_change(
    crawls,
):
    _, _, listed = crawls
    assert changes_on(listed, ISSUE) == [("figure", 815, 832)]


def test_a_figure_revised_with_its_noun_elided_in_a_cut_short_item_is_a_figure_change(crawls):
    _, _, listed = crawls
    assert changes_on(listed, ITEM) == [("figure", 9, 11)]


def test_a_number_in_words_revised_in_a_news_story_is_a_figure_change(crawls):
    first, _, listed = crawls
    assert changes_on(listed, story_key(first)) == [("figure", 45, 50)]


def test_the_figure_changes_name_what_they_count(crawls):
    first, _, listed = crawls
    summaries = {c["document"]["key"]: c["summary"] for c in listed}
    assert "children" in summaries[ISSUE]
    assert "pupils" in summaries[ITEM]
    assert "staff" in summaries[story_key(first)]


def test_nothing_is_reported_on_the_documents_that_did_not_change(crawls):
    first, second, listed = crawls
    changed = {ISSUE, ITEM, story_key(first)}
    assert {c["document"]["key"] for c in listed} == changed
    assert {k for k, d in second.documents.items() if d["versions"] > 1} == changed
    assert set(second.documents) == set(first.documents)
