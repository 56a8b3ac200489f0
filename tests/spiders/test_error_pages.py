"""Recognising error and not-found pages served with 200, by the wording real servers use."""

from __future__ import annotations

import pytest

from spiders.error_pages import error_wording
from tests.helpers import DEMO_SITE, TESTS

IIS_404 = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>404 - File or directory not found.</title></head>
<body><div id="header"><h1>Server Error</h1></div><div id="content"><div class="content-container">
<fieldset><h2>404 - File or directory not found.</h2><h3>The resource you are looking for might have
been removed, had its name changed, or is temporarily unavailable.</h3></fieldset></div></div></body></html>"""
IIS_503 = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">
<HTML><HEAD><TITLE>Service Unavailable</TITLE></HEAD><BODY><h2>Service Unavailable</h2>
<hr><p>HTTP Error 503. The service is unavailable.</p></BODY></HTML>"""
WORDPRESS = """<html><head><title>Page not found – Save Our Centres</title></head><body>
<main><h1 class="page-title">Oops! That page can’t be found.</h1><p>It looks like nothing was found
at this location. Maybe try one of the links below or a search?</p></main></body></html>"""
NO_TITLE = """<html><head><title>Oxfordshire County Council</title></head><body><main>
<p>Sorry, the page you requested could not be found. Please use the search box above.</p>
</main></body></html>"""


@pytest.mark.parametrize(
    ("page", "wording"),
    [
        (IIS_404, "404 - File or directory not found."),
        (IIS_503, "Service Unavailable"),
        (WORDPRESS, "Page not found"),
        (NO_TITLE, "the page you requested could not be found"),
        (
            (TESTS / "fixtures/suspect_sites/council_error/runtime_error.html").read_text(),
            "Runtime Error",
        ),
        (
            (TESTS / "fixtures/suspect_sites/pages_gone/not-found.html").read_text(),
            "Page not found",
        ),
    ],
)
def test_an_error_page_served_with_200_is_recognised_by_its_wording(page, wording):
    assert error_wording(page.encode(), "text/html; charset=utf-8") == wording


REAL_PAGES = sorted(
    [*(TESTS / "fixtures/web").glob("*.html"), *(TESTS / "fixtures/moderngov_site").glob("*.html"),
     *(TESTS / "fixtures/moderngov").glob("*.html"), *DEMO_SITE.rglob("*.html")]
)  # fmt: skip


@pytest.mark.parametrize("path", REAL_PAGES, ids=lambda p: p.name)
def test_a_real_council_or_news_page_is_not_an_error_page(path):
    assert error_wording(path.read_bytes(), "text/html") is None


@pytest.mark.parametrize(
    "title",
    [
        "Council apologises for bin collection error | Oxford Mail",
        "Error in council tax bills corrected | Oxfordshire County Council",
        "Bus route 404 to be withdrawn | Oxford Mail",
    ],
)
def test_a_page_whose_title_only_mentions_an_error_is_not_an_error_page(title):
    page = f"<html><head><title>{title}</title></head><body><main><h1>{title.split(' | ')[0]}</h1>"
    page += (
        "<p>" + "The council said the problem had been fixed and residents would not pay more. " * 3
    )
    page += "</p></main></body></html>"
    assert error_wording(page.encode(), "text/html") is None


def test_a_pdf_is_never_read_as_an_error_page():
    assert error_wording(b"%PDF-1.4 Page not found", "application/pdf") is None
