"""Whole news crawls of a replayed Oxford Mail: `councilwatch crawl`, then `councilwatch export`."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from conftest import FIXTURES

REDUNDANCIES = "/news/14912257.staff-could-strike-again-over-200-childrens-centre-redundancies/"
JUDICIAL = "/news/14876412.high-court-challenge-over-childrens-centre-cuts/"
SPORT = "/sport/18779991.super-league-confirms-10-positive-covid-19-tests/"
OLD = "/news/13000001.an-article-from-years-ago-about-childrens-centres/"
OLD_IN_SITEMAP = "/news/12000002.another-old-childrens-centres-story/"
CONSENT = "/news/14950001.consent-wall-instead-of-a-story/"
PAYWALLED = "/news/14999999.premium-childrens-centres-inquiry/"

EXAMINER = "/news/local-news/covid-19-patrols-set-come-19071152"
BMAIL = "/news/midlands-news/isolating-birmingham-university-students-covid-19071210"
REACH_LISTING = f"""<html><head><title>Local News</title></head><body>
<a href="/news/">News</a> <a href="/news/local-news/">Local news</a>
<a href="{EXAMINER}">Covid patrols</a> <a href="{BMAIL}">Isolating students</a>
</body></html>"""

CANONICAL = "https://www.oxfordmail.co.uk" + REDUNDANCIES
KEY = "oxford-mail:article:" + CANONICAL
JUDICIAL_KEY = "oxford-mail:article:https://www.oxfordmail.co.uk" + JUDICIAL


def rss(items: list[tuple[str, datetime]]) -> str:
    entries = "".join(
        f"<item><title>t</title><link>{link}?ref=rss</link>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>"
        for link, when in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Oxford Mail | News</title>{entries}</channel></rss>"
    )


LISTING = f"""<!DOCTYPE html><html><head><title>News | Oxford Mail</title></head><body>
<nav><a href="/news/">News</a> <a href="/sport/">Sport</a> <a href="/author/profile/1.Pete_Hughes/">Pete</a></nav>
<main>
  <h2 class="nq-article-card-headline"><a href="{JUDICIAL}">High Court challenge</a></h2>
  <h2 class="nq-article-card-headline"><a href="{CONSENT}">Breaking</a></h2>
  <h2 class="nq-article-card-headline"><a href="{PAYWALLED}">Inside the fight</a></h2>
</main></body></html>"""


@pytest.fixture(scope="module")
def crawls(site):
    """Crawl the replayed Oxford Mail, then crawl again after the newsroom edits a story."""
    replay = site.replay
    now = datetime.now(UTC)
    base = replay.url.rstrip("/")
    replay.add(
        "/news/rss/",
        rss(
            [
                (base + REDUNDANCIES, now - timedelta(hours=3)),
                (base + SPORT, now - timedelta(hours=5)),
                (base + OLD, now - timedelta(days=400)),
            ]
        ),
        content_type="application/rss+xml; charset=utf-8",
    )
    replay.add("/news/", LISTING)
    # A gzipped sitemap index pointing to a news sitemap, as large publishers serve them.
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemap-news.xml</loc><lastmod>{now.isoformat()}</lastmod></sitemap>"
        "</sitemapindex>"
    )
    replay.add("/sitemap.xml.gz", gzip.compress(index.encode()), content_type="application/x-gzip")
    replay.add(
        "/sitemap-news.xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}{JUDICIAL}</loc><lastmod>{now.isoformat()}</lastmod></url>"
        f"<url><loc>{base}{OLD_IN_SITEMAP}</loc><lastmod>2015-01-01</lastmod></url></urlset>",
        content_type="application/xml",
    )
    replay.add(REDUNDANCIES, FIXTURES / "oxfordmail_redundancies.html")
    replay.add(JUDICIAL, FIXTURES / "oxfordmail_judicial_review.html")
    replay.add(SPORT, FIXTURES / "warringtonguardian_article_18779991.html")
    replay.add(OLD, FIXTURES / "oxfordmail_judicial_review.html")
    replay.add(OLD_IN_SITEMAP, FIXTURES / "oxfordmail_judicial_review.html")
    replay.add("/reach/", REACH_LISTING)
    replay.add(EXAMINER, FIXTURES / "examinerlive_article_19071152.html")
    replay.add(BMAIL, FIXTURES / "birminghammail_article_19071210.html")
    replay.add(CONSENT, FIXTURES / "oxfordmail_consent_wall.html")
    replay.add(PAYWALLED, FIXTURES / "oxfordmail_paywalled.html")
    site.write_config(
        f"""
[[sources]]
name = "oxford-mail"
type = "news"
start_urls = ["{replay.url}news/"]
feeds = ["{replay.url}news/rss/"]
sitemaps = ["{replay.url}sitemap.xml.gz"]
topics = ["childrens-services"]
recheck_days = 14

# Any other site, no JSON-LD (Reach plc), no topics: every article is kept.
[[sources]]
name = "reach"
type = "news"
start_urls = ["{replay.url}reach/"]

[topics.childrens-services]
keywords = ["children's centre", "early intervention", "looked-after children",
            "children's social care", "family support", "safeguarding", "SEND"]
"""
    )
    first = site.cli("crawl", "oxford-mail", "reach", "--no-alerts")
    first_export = site.export(kind="article")
    replay.add(REDUNDANCIES, FIXTURES / "oxfordmail_redundancies_edited.html")
    second = site.cli("crawl", "oxford-mail", "--no-alerts")
    return {
        "first": first,
        "first_export": first_export,
        "second": second,
        "second_export": site.export(kind="article"),
    }


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
