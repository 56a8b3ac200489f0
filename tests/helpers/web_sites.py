"""The replayed sites the crawl tests share: an Oxford Mail, a Reach title, a council and a
campaign. Every crawl-level test module reads the result of the same two crawls (see
`crawls` in conftest.py), because each crawl costs seconds."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from tests.helpers.web_fixtures import (
    FIXTURES,
    NEWS,
    NEWS_EDITED,
    make_docx,
    make_pdf,
    make_scanned_pdf,
)

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


CONSULTATION = """<!DOCTYPE html>
<html><head><title>Children's centres consultation | Oxfordshire County Council</title></head>
<body>
<header><a href="/">Oxfordshire County Council</a> <nav><a href="/news">News</a></nav></header>
<div id="cookie-banner">We use cookies on this site. <a href="/cookies">Cookie settings</a></div>
<main>
<h1>Children’s centres consultation</h1>
<p>The council proposes to save £2.3m a year from its early intervention budget.</p>
<p>Funding would be withdrawn from 31 of 44 children’s centres. Have your say by 5 January.</p>
<p>Paper copies cost £0 and are available from any library – please ask at the desk.</p>
</main>
<footer>© Oxfordshire County Council</footer>
</body></html>"""

RESPONSE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Our response</title></head>
<body><nav>Home | About | Donate</nav>
<div id="response"><h2>Our response</h2><p>We oppose withdrawing funding from 31 children’s centres.</p></div>
<div class="sidebar"><p>Donate £5 today</p></div></body></html>"""

REPORT_V1 = [
    "Cabinet 14 March - Children's Services Transformation",
    "Proposed saving: £6m over two years.",
    "Funding withdrawn from 31 of 44 children's centres.",
]
REPORT_V2 = [
    "Cabinet 14 March - Children's Services Transformation",
    "Proposed saving: £8m over two years.",
    "Funding withdrawn from 35 of 44 children's centres.",
]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def serve_news(replay) -> str:
    """The Oxford Mail (feed, sitemap index, section page, articles, walls) and a Reach site;
    returns their config."""
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
    replay.add(REDUNDANCIES, NEWS / "oxfordmail_redundancies.html")
    replay.add(JUDICIAL, NEWS / "oxfordmail_judicial_review.html")
    replay.add(SPORT, FIXTURES / "warringtonguardian_article_18779991.html")
    replay.add(OLD, NEWS / "oxfordmail_judicial_review.html")
    replay.add(OLD_IN_SITEMAP, NEWS / "oxfordmail_judicial_review.html")
    replay.add("/reach/", REACH_LISTING)
    # A quiet news day: the feed has nothing on children's services.
    replay.add(
        "/bfp/rss/",
        rss([(base + SPORT, now - timedelta(hours=2))]),
        content_type="application/rss+xml; charset=utf-8",
    )
    replay.add(EXAMINER, FIXTURES / "examinerlive_article_19071152.html")
    replay.add(BMAIL, FIXTURES / "birminghammail_article_19071210.html")
    replay.add(CONSENT, FIXTURES / "oxfordmail_consent_wall.html")
    replay.add(PAYWALLED, FIXTURES / "oxfordmail_paywalled.html")
    return f"""
[[sources]]
name = "oxford-mail"
type = "news"
start_urls = ["{replay.url}news/"]
feeds = ["{replay.url}news/rss/"]
sitemaps = ["{replay.url}sitemap.xml.gz"]
# The replayed pages' canonical URLs are on the real site: that host is this source's too.
allowed_hosts = ["www.oxfordmail.co.uk"]
topics = ["childrens-services"]
recheck_days = 14

[[sources]]
name = "bucks-free-press"
type = "news"
feeds = ["{replay.url}bfp/rss/"]
allowed_hosts = ["www.oxfordmail.co.uk"]
topics = ["childrens-services"]

# Any other site, no JSON-LD (Reach plc), no topics: every article is kept.
[[sources]]
name = "reach"
type = "news"
start_urls = ["{replay.url}reach/"]
allowed_hosts = ["www.examinerlive.co.uk", "www.birminghammail.co.uk"]

[topics.childrens-services]
keywords = ["children's centre", "early intervention", "looked-after children",
            "children's social care", "family support", "safeguarding", "SEND"]
"""


def edit_news(replay) -> None:
    """The newsroom edits a story after publication."""
    replay.add(REDUNDANCIES, NEWS_EDITED / "oxfordmail_redundancies.html")


def serve_pages(replay) -> str:
    """Council pages in bad charsets, reports, a campaign's response; returns their config."""
    cp1252 = CONSULTATION.encode("cp1252")
    # A windows-1252 page whose server claims utf-8, and one that says nothing at all.
    replay.add("/consultation-wrong-charset", cp1252, content_type="text/html; charset=utf-8")
    replay.add("/consultation-no-charset", cp1252, content_type="text/html")
    replay.add("/our-response", RESPONSE)
    # The campaign's site was redesigned: the watched part is gone from this page.
    replay.add("/our-old-response", RESPONSE.replace('id="response"', 'id="article"'))
    report = make_pdf(REPORT_V1, title="Microsoft Word - Cabinet report.docx")
    replay.add("/reports/cabinet-report.pdf", report, content_type="application/pdf")
    replay.add("/mgConvert2PDF.aspx?ID=4411", make_pdf(REPORT_V1), content_type="application/pdf")
    replay.add("/reports/scanned.pdf", make_scanned_pdf(), content_type="application/pdf")
    response_docx = make_docx(
        ["Our consultation response", "We oppose closing 31 of 44 children’s centres."]
    )
    replay.add("/reports/response.docx", response_docx, content_type=DOCX)
    replay.add("/photo", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    u = replay.url
    return f"""
[[sources]]
name = "council-pages"
type = "page"
urls = ["{u}consultation-wrong-charset", "{u}consultation-no-charset",
        "{u}reports/cabinet-report.pdf", "{u}mgConvert2PDF.aspx?ID=4411",
        "{u}reports/scanned.pdf", "{u}reports/response.docx", "{u}photo"]

[[sources]]
name = "campaign"
type = "page"
urls = ["{u}our-response", "{u}our-old-response"]
selector = "#response"
"""


def edit_pages(replay) -> None:
    """The council replaces the report at the same URL with revised figures."""
    revised = make_pdf(REPORT_V2, title="Cabinet report")
    replay.add("/reports/cabinet-report.pdf", revised, content_type="application/pdf")
