"""The article parser on real Newsquest and Reach pages and on the Oxford Mail fixtures."""

from __future__ import annotations

import functools

import pytest

from spiders.hosts import host_of
from spiders.parsers import parse_saved
from spiders.web.article import ArticleRefused, parse_article
from tests.helpers.web_fixtures import CHILDRENS_SERVICES, fixture_bytes, html_response

WG = "https://www.warringtonguardian.co.uk/sport/18779991.super-league-confirms-10-positive-covid-19-tests/"
EXAMINER = "https://www.examinerlive.co.uk/news/local-news/covid-19-patrols-set-come-19071152"
BMAIL = "https://www.birminghammail.co.uk/news/midlands-news/isolating-birmingham-university-students-covid-19071210"
OXFORD = (
    "https://www.oxfordmail.co.uk/news/14876412.high-court-challenge-over-childrens-centre-cuts/"
)

CASES = {
    "warringtonguardian_article_18779991.html": {
        "key": f"wg:article:{WG}",
        "headline": "Super League confirms 10 positive Covid-19 tests",
        "byline": "Matt Turner",
        "published": "2020-10-08T14:42:17+01:00",
        "modified": "2020-10-08T14:42:17+01:00",
        "section": "sport",
        "body_starts": "SUPER League have confirmed 10 positive Covid-19 tests in its weekly update.",
        "body_ends": "Two non-playing staff members from unspecified clubs have also tested positive. All 10 are now self-isolating.",
    },
    "examinerlive_article_19071152.html": {
        "key": f"wg:article:{EXAMINER}",
        "headline": "Covid patrols are set to come to North Yorkshire with certain rules",
        "byline": "Chloe Laversuch",
        "published": "2020-10-09T05:00:00+01:00",
        "modified": "2020-10-09T05:00:00+01:00",
        "section": "Local News",
        "body_starts": "Councils are set to get cash for new covid marshals.",
        "body_ends": "The money could also be used to make sure people are self-isolating when they are advised to.",
    },
    "birminghammail_article_19071210.html": {
        "key": f"wg:article:{BMAIL}",
        "headline": "Isolating university students with Covid-19 'feel trapped in a cage'",
        # article:author holds a profile URL here; the byline comes from meta name=author.
        "byline": "Ben Perrin",
        "published": "2020-10-08T16:48:38+01:00",
        "modified": "2020-10-08T17:23:52+01:00",
        "section": "Midlands News",
        "body_starts": "A group of second year students from the University of Birmingham",
        "body_ends": 'hopefully get some sort of normality back in our lives."',
    },
    "oxfordmail_judicial_review.html": {
        "key": f"wg:article:{OXFORD}",
        "headline": "High Court challenge launched over children's centre cuts",
        "byline": "Pete Hughes",
        "published": "2016-11-10T06:00:00+00:00",
        "modified": "2016-11-10T06:00:00+00:00",
        "section": "news",
        "body_starts": "A HIGH Court challenge has been launched against plans to cut funding",
        "body_ends": "“The council has carried out two consultations and conducted impact assessments.”",
    },
}
FIELDS = [(name, field) for name, case in CASES.items() for field in case]


# The sites the saved pages come from, as a replaying source would name them.
REPLAYED_HOSTS = {"127.0.0.1", *(host_of(url) for url in (WG, EXAMINER, BMAIL, OXFORD))}


@functools.lru_cache
def parsed(name: str):
    # Served from the replay host, as in a crawl of a source whose allowed_hosts name the
    # real site: the key must still be the canonical URL.
    response = html_response(name, url="http://127.0.0.1:8123/x/1.y/")
    item = parse_article(response, "wg", hosts=REPLAYED_HOSTS)
    return item.documents[0]


def test_a_canonical_url_on_another_host_is_not_the_key():
    # A copy of a Warrington Guardian story on another site keeps its own URL as its key:
    # trusting the canonical would make the copy and the original one document.
    response = html_response(
        "warringtonguardian_article_18779991.html", url="http://127.0.0.1:8123/x/1.y/?ref=rss"
    )
    doc = parse_article(response, "wg").documents[0]
    assert doc.key == "wg:article:http://127.0.0.1:8123/x/1.y/"
    assert doc.url == "http://127.0.0.1:8123/x/1.y/"


@pytest.mark.parametrize("name,field", FIELDS)
def test_article_field_comes_out_right(name, field):
    doc = parsed(name)
    expected = CASES[name][field]
    if field == "key":
        assert doc.key == expected
    elif field == "body_starts":
        assert doc.fields["body"].startswith(expected)
    elif field == "body_ends":
        assert doc.fields["body"].endswith(expected)
    else:
        assert doc.fields[field] == expected


@pytest.mark.parametrize(
    "widget",
    [
        "Most Read",  # most-read box inside the story
        "Cowley Road closed",  # a most-read headline
        "Advertisement",  # in-article advert slot
        "37",  # comment counter above the story
        "comments",
        "14°C",  # weather widget
        "Light rain",
        "We use cookies",  # cookie notice
        "Oxford Mail: Campaigners protested",  # photo caption, not story text
    ],
)
def test_widget_never_enters_the_body(widget):
    assert widget not in parsed("oxfordmail_judicial_review.html").fields["body"]


def test_real_newsquest_page_keeps_no_share_or_comment_text():
    body = parsed("warringtonguardian_article_18779991.html").fields["body"]
    assert "comment" not in body.lower()


def test_body_paragraphs_are_separated_by_blank_lines():
    body = parsed("warringtonguardian_article_18779991.html").fields["body"]
    assert body.count("\n\n") == 3


def test_article_about_childrens_centres_is_kept_with_its_topic():
    item = parse_article(
        html_response("oxfordmail_redundancies.html"),
        "oxford-mail",
        {"childrens-services": CHILDRENS_SERVICES, "housing": ["council housing"]},
    )
    assert item.documents[0].fields["topics"] == ["childrens-services"]


def test_article_matching_no_topic_is_dropped():
    item = parse_article(
        html_response("warringtonguardian_article_18779991.html"),
        "oxford-mail",
        {"childrens-services": CHILDRENS_SERVICES},
    )
    assert item is None


def test_source_without_topics_keeps_every_article():
    item = parse_article(html_response("warringtonguardian_article_18779991.html"), "wg", {})
    assert item.documents[0].fields["topics"] == []


def test_paywall_is_refused_as_a_paywall():
    with pytest.raises(ArticleRefused, match="paywall"):
        parse_article(html_response("oxfordmail_paywalled.html"), "oxford-mail")


def test_consent_wall_is_refused_as_a_consent_wall():
    with pytest.raises(ArticleRefused, match="consent wall"):
        parse_article(html_response("oxfordmail_consent_wall.html"), "oxford-mail")


def test_article_marked_not_free_with_only_a_teaser_is_a_paywall():
    page = b"""<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Inquiry",
     "isAccessibleForFree": "False", "datePublished": "2026-11-20T09:00:00Z"}
    </script></head><body><article><h1>Inquiry</h1>
    <p>Families say the closure of children's centres left them without support.</p>
    </article></body></html>"""
    with pytest.raises(ArticleRefused, match="isAccessibleForFree"):
        parse_article(html_response(page), "oxford-mail")


def test_json_ld_in_a_graph_with_a_bare_time_is_read_as_uk_time():
    page = b"""<html><head><script type="application/ld+json">
    {"@graph": [{"@type": "WebPage"}, {"@type": ["NewsArticle"], "headline": "Youth centre saved",
     "datePublished": "2026-07-01T10:30:00", "author": [{"@type": "Person", "name": "A Reporter"},
     {"@type": "Person", "name": "B Reporter"}]}]}
    </script></head><body><article><h1>Youth centre saved</h1>
    <p>The youth centre in Blackbird Leys will stay open after councillors found the money to
    keep it running for another three years, the county council announced on Tuesday.</p>
    <p>Campaigners had gathered more than 2,000 signatures calling for the centre to be saved.</p>
    </article></body></html>"""
    doc = parse_article(html_response(page), "oxford-mail").documents[0]
    assert (doc.fields["published"], doc.fields["byline"]) == (
        "2026-07-01T10:30:00+01:00",
        "A Reporter, B Reporter",
    )


@pytest.mark.parametrize(
    "url,kind",
    [
        (OXFORD, "article"),
        ("https://www.bucksfreepress.co.uk/news/24131107.wycombe-youth-centre/", "article"),
        (EXAMINER, "article"),
        ("https://www.oxfordshire.gov.uk/residents/children-and-families/consultation", "page"),
        ("https://www.oxford.gov.uk/downloads/file/12345.pdf", "page"),
    ],
)
def test_registry_picks_the_article_parser_only_for_article_url_shapes(url, kind):
    body = html_response("oxfordmail_judicial_review.html").body
    item = parse_saved(url, body, "src", "text/html; charset=utf-8")
    assert item.documents[0].kind == kind


def test_registry_compares_a_saved_paywall_at_an_article_url_as_a_plain_page():
    body = html_response("oxfordmail_paywalled.html").body
    item = parse_saved(OXFORD, body, "oxford-mail", "text/html; charset=utf-8")
    assert item.documents[0].kind == "page"


def edited_article(fixture: str, old: bytes, new: bytes, url: str = WG, source: str = "wg"):
    """The article parsed from a real page with its first `old` made `new`."""
    page = fixture_bytes(fixture).replace(old, new, 1)
    return parse_article(html_response(page, url), source).documents[0]


def test_consent_notice_over_a_real_article_does_not_hide_the_article():
    doc = edited_article(
        "warringtonguardian_article_18779991.html",
        b'<div class="article-body">',
        b'<div class="qc-cmp2-container"><h2>We value your privacy</h2>'
        b"<button>Accept all</button><button>Manage preferences</button></div>"
        b'<div class="article-body">',
    )
    assert doc.fields["body"].startswith("SUPER League have confirmed")


def test_subscribe_link_in_the_site_header_is_not_a_paywall():
    doc = edited_article(
        "warringtonguardian_article_18779991.html",
        b"<body",
        b"<body><header><p>Already a subscriber? Log in</p></header><div",
    )
    assert doc.fields["headline"] == "Super League confirms 10 positive Covid-19 tests"


def test_missing_modified_time_stays_missing():
    page = b"""<html><head><meta property="og:type" content="article">
    <meta property="article:published_time" content="2026-01-05T09:00:00Z"></head>
    <body><article><h1>Family support hubs to close</h1><p>Five family support hubs in
    Oxfordshire will close in March, the county council has confirmed after a review of
    early help services across the county.</p></article></body></html>"""
    doc = parse_article(html_response(page), "ox").documents[0]
    assert doc.fields["modified"] is None


def test_a_json_ld_headline_with_an_html_entity_is_stored_as_read():
    # Real publishers print `&#x27;` inside JSON-LD strings, which JSON does not decode.
    doc = edited_article(
        "oxfordmail_judicial_review.html",
        b'"headline": "High Court challenge launched over children\'s centre cuts"',
        b'"headline": "High Court challenge launched over children&#x27;s centre cuts"',
        OXFORD,
        "oxford-mail",
    )
    assert doc.fields["headline"] == "High Court challenge launched over children's centre cuts"


def test_a_json_ld_author_with_an_html_entity_is_stored_as_read():
    doc = edited_article(
        "warringtonguardian_article_18779991.html", b'"Matt Turner"', b'"Matt O&#39;Turner"'
    )
    assert doc.fields["byline"] == "Matt O'Turner"


def test_a_double_escaped_meta_tag_is_stored_as_read():
    page = b"""<html><head><meta property="og:type" content="article">
    <meta property="og:title" content="Children&amp;#x27;s centres &amp;amp; hubs to close">
    <meta property="article:section" content="Health &amp;amp; care">
    <meta property="article:published_time" content="2026-01-05T09:00:00Z"></head>
    <body><article><p>Five family support hubs in Oxfordshire will close in March, the
    county council has confirmed after a review of early help services across the
    county.</p></article></body></html>"""
    doc = parse_article(html_response(page), "ox").documents[0]
    assert (doc.fields["headline"], doc.fields["section"]) == (
        "Children's centres & hubs to close",
        "Health & care",
    )
