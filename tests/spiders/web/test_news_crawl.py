"""Whole news crawls of a replayed Oxford Mail and a Reach title: `councilwatch crawl`, then
`councilwatch export` (the shared `crawls` fixture in conftest.py)."""

from __future__ import annotations

import pytest

from tests.helpers.web_sites import (
    BMAIL,
    CANONICAL,
    EXAMINER,
    JUDICIAL_KEY,
    KEY,
    OLD,
    OLD_IN_SITEMAP,
    SPORT,
)


def test_news_crawl_stores_the_on_topic_articles_from_feed_and_start_page(crawls):
    oxford_mail = {k for k in crawls["first_export"] if k.startswith("oxford-mail:")}
    assert oxford_mail == {KEY, JUDICIAL_KEY}


def test_site_without_json_ld_or_topics_has_every_article_stored_by_canonical_url(crawls):
    reach = {k for k in crawls["first_export"] if k.startswith("reach:")}
    assert reach == {
        "reach:article:https://www.examinerlive.co.uk" + EXAMINER,
        "reach:article:https://www.birminghammail.co.uk" + BMAIL,
    }


def test_reach_article_fields_come_from_its_meta_tags(crawls):
    fields = crawls["first_export"]["reach:article:https://www.birminghammail.co.uk" + BMAIL][
        "fields"
    ]
    assert (fields["byline"], fields["section"], fields["published"]) == (
        "Ben Perrin",
        "Midlands News",
        "2020-10-08T16:48:38+01:00",
    )


def test_off_topic_article_is_fetched_but_not_stored(crawls, site):
    assert site.replay.requested(SPORT)
    assert not any("super-league" in key for key in crawls["first_export"])


def test_feed_entry_older_than_recheck_days_is_not_fetched(crawls, site):
    assert site.replay.requested(OLD) == []


def test_gzipped_sitemap_index_leads_to_its_news_sitemap(crawls, site):
    assert site.replay.requested("/sitemap-news.xml")


def test_sitemap_entry_older_than_recheck_days_is_not_fetched(crawls, site):
    assert site.replay.requested(OLD_IN_SITEMAP) == []


def test_crawled_article_headline_comes_from_the_page(crawls):
    fields = crawls["first_export"][KEY]["fields"]
    assert fields["headline"] == "Staff could strike again over 200 children's centre redundancies"


def test_crawled_article_byline_comes_from_the_page(crawls):
    assert crawls["first_export"][KEY]["fields"]["byline"] == "Nathan Briant"


def test_crawled_article_published_time_is_in_uk_time(crawls):
    assert crawls["first_export"][KEY]["fields"]["published"] == "2016-11-22T17:15:00+00:00"


def test_crawled_article_records_the_matching_topic(crawls):
    assert crawls["first_export"][KEY]["fields"]["topics"] == ["childrens-services"]


def test_crawled_article_url_is_the_canonical_url(crawls):
    assert crawls["first_export"][KEY]["url"] == CANONICAL


@pytest.mark.parametrize(
    "widget", ["Most Read", "Cowley Road closed", "Advertisement", "comments", "14°C", "cookie"]
)
def test_widgets_stay_out_of_the_crawled_body(crawls, widget):
    assert widget not in crawls["first_export"][JUDICIAL_KEY]["fields"]["body"]


def test_consent_wall_is_reported_not_stored(crawls):
    assert not any("consent-wall" in k for k in crawls["first_export"])
    assert "consent wall" in crawls["first"].stdout


def test_paywall_is_reported_not_stored(crawls):
    assert not any("premium" in k for k in crawls["first_export"])
    assert "paywall" in crawls["first"].stdout


def test_article_edited_after_publication_becomes_version_2_of_the_same_key(crawls):
    assert crawls["second_export"][KEY]["versions"] == 2


def test_edited_article_body_is_the_edited_text(crawls):
    assert "250 redundancies" in crawls["second_export"][KEY]["fields"]["body"]


def test_unchanged_article_answered_304_stays_at_one_version(crawls):
    # The second crawl's conditional request for it is answered 304 with the stored body.
    assert crawls["second_export"][JUDICIAL_KEY]["versions"] == 1


def test_news_source_with_nothing_on_its_topics_today_ran_fine(crawls):
    assert "bucks-free-press: ok" in crawls["first"].stdout


def test_crawl_of_every_source_exits_0(crawls):
    assert crawls["first"].returncode == 0, crawls["first"].stdout
