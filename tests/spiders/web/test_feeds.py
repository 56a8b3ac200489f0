"""Finding articles in RSS, Atom and sitemaps, with the dates that decide re-checks."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

from spiders.feeds import feed_entries
from spiders.web.article import is_article_url
from spiders.web.news import sitemap_entries

RSS = b"""<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<item><title>A</title><link>https://www.oxfordmail.co.uk/news/1234567.a/</link>
<pubDate>Tue, 22 Nov 2016 17:15:00 GMT</pubDate></item>
<item><title>B</title><link>/news/7654321.b/</link><dc:date>2016-11-23T09:30:00+00:00</dc:date></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><title>A</title><link rel="alternate" href="https://ex.org/news/a-story-about-things"/>
<link rel="replies" href="https://ex.org/comments/1"/><published>2016-11-01T08:00:00Z</published>
<updated>2016-11-02T08:00:00Z</updated></entry></feed>"""

SITEMAP = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://www.oxfordmail.co.uk/news/1234567.a/</loc>
<news:news><news:publication_date>2016-11-22T17:15:00Z</news:publication_date></news:news></url>
</urlset>"""

INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://ex.org/sitemap-2016-11.xml</loc><lastmod>2016-11-30</lastmod></sitemap>
</sitemapindex>"""


def test_rss_items_give_link_and_publication_date():
    assert feed_entries(RSS, "https://www.oxfordmail.co.uk/news/rss/")[0] == (
        "https://www.oxfordmail.co.uk/news/1234567.a/",
        datetime(2016, 11, 22, 17, 15, tzinfo=UTC),
    )


def test_rss_relative_link_is_resolved_against_the_feed():
    assert feed_entries(RSS, "https://www.oxfordmail.co.uk/news/rss/")[1][0] == (
        "https://www.oxfordmail.co.uk/news/7654321.b/"
    )


def test_atom_entry_gives_alternate_link_and_updated_date():
    assert feed_entries(ATOM, "https://ex.org/feed") == [
        ("https://ex.org/news/a-story-about-things", datetime(2016, 11, 2, 8, 0, tzinfo=UTC))
    ]


def test_news_sitemap_gives_publication_date():
    assert sitemap_entries(SITEMAP, "https://ex.org/sitemap.xml") == (
        "urlset",
        [
            (
                "https://www.oxfordmail.co.uk/news/1234567.a/",
                datetime(2016, 11, 22, 17, 15, tzinfo=UTC),
            )
        ],
    )


def test_gzipped_sitemap_index_lists_child_sitemaps():
    kind, entries = sitemap_entries(gzip.compress(INDEX), "https://ex.org/sitemap.xml.gz")
    assert (kind, entries[0][0]) == ("index", "https://ex.org/sitemap-2016-11.xml")


def test_html_is_not_a_feed():
    assert feed_entries(b"<html><body>Not a feed</body></html>", "https://ex.org/") == []


def test_newsquest_article_url_is_an_article_link():
    assert is_article_url("https://www.bucksfreepress.co.uk/news/24131107.wycombe-youth-centre/")


def test_newsquest_section_page_is_not_an_article_link():
    assert not is_article_url("https://www.oxfordmail.co.uk/news/local/")


def test_author_page_with_a_long_slug_is_not_an_article_link():
    assert not is_article_url("https://ex.org/author/jane-smith-news-reporter-oxford/")
