"""Whole crawls of watched pages and reports: charsets, PDFs, replaced reports, refusals."""

from __future__ import annotations

import pytest
from conftest import make_docx, make_pdf, make_scanned_pdf

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


@pytest.fixture(scope="module")
def crawls(site):
    replay = site.replay
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
    site.write_config(
        f"""
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
    )
    first = site.cli("crawl", "--no-alerts")
    first_export = site.export()
    # The council replaces the report at the same URL with revised figures.
    revised = make_pdf(REPORT_V2, title="Cabinet report")
    replay.add("/reports/cabinet-report.pdf", revised, content_type="application/pdf")
    site.cli("crawl", "council-pages", "--no-alerts")
    return {"first": first, "first_export": first_export, "second_export": site.export()}


@pytest.fixture
def stored(crawls, site):
    """A document of the first crawl by source, kind and path."""

    def get(source: str, kind: str, path: str, crawl: str = "first_export") -> dict:
        return crawls[crawl][f"{source}:{kind}:{site.replay.url}{path}"]

    return get


def test_windows_1252_page_declared_utf8_keeps_its_pound_signs(stored):
    text = stored("council-pages", "page", "consultation-wrong-charset")["fields"]["text"]
    assert "save £2.3m a year" in text


def test_windows_1252_page_with_no_charset_keeps_its_pound_signs(stored):
    text = stored("council-pages", "page", "consultation-no-charset")["fields"]["text"]
    assert "save £2.3m a year" in text


def test_windows_1252_curly_apostrophe_survives(stored):
    text = stored("council-pages", "page", "consultation-wrong-charset")["fields"]["text"]
    assert "Children’s centres consultation" in text


@pytest.mark.parametrize("template", ["cookies", "©", "News"])
def test_watched_page_text_leaves_out_header_footer_and_cookie_banner(stored, template):
    text = stored("council-pages", "page", "consultation-wrong-charset")["fields"]["text"]
    assert template not in text


def test_selector_watches_only_the_selected_part(stored):
    text = stored("campaign", "page", "our-response")["fields"]["text"]
    assert text == "Our response\nWe oppose withdrawing funding from 31 children’s centres."


def test_selector_matching_nothing_is_reported_not_stored_empty(crawls, site):
    assert f"campaign:page:{site.replay.url}our-old-response" not in crawls["first_export"]
    assert "the selector '#response' has no text" in crawls["first"].stdout


def test_pdf_url_on_a_page_source_is_stored_as_a_document_with_its_text(stored):
    doc = stored("council-pages", "document", "reports/cabinet-report.pdf")
    assert "Proposed saving: £6m over two years." in doc["fields"]["text"]


def test_pdf_title_drops_the_authoring_tool_prefix(stored):
    doc = stored("council-pages", "document", "reports/cabinet-report.pdf")
    assert doc["fields"]["title"] == "Cabinet report"


def test_url_served_as_application_pdf_is_a_document(stored):
    doc = stored("council-pages", "document", "mgConvert2PDF.aspx?ID=4411")
    assert "31 of 44 children's centres" in doc["fields"]["text"]


def test_word_docx_on_a_page_source_is_stored_with_its_text(stored):
    doc = stored("council-pages", "document", "reports/response.docx")
    expected = "Our consultation response\nWe oppose closing 31 of 44 children’s centres."
    assert doc["fields"]["text"] == expected


def test_scanned_pdf_is_not_stored_empty(crawls, site):
    assert (
        f"council-pages:document:{site.replay.url}reports/scanned.pdf" not in crawls["first_export"]
    )


def test_scanned_pdf_is_reported_as_a_problem(crawls):
    assert "no text layer" in crawls["first"].stdout


def test_image_where_a_page_was_expected_is_refused_with_a_reason(crawls):
    assert "refused: expected a page, got image/png" in crawls["first"].stdout


def test_refused_image_is_not_stored(crawls):
    assert not any(k.endswith("/photo") for k in crawls["first_export"])


def test_report_replaced_at_the_same_url_is_a_new_version(stored):
    doc = stored("council-pages", "document", "reports/cabinet-report.pdf", "second_export")
    assert doc["versions"] == 2


def test_replaced_report_text_has_the_new_figures(stored):
    doc = stored("council-pages", "document", "reports/cabinet-report.pdf", "second_export")
    assert "Proposed saving: £8m over two years." in doc["fields"]["text"]


def test_unchanged_report_stays_at_one_version(stored):
    doc = stored("council-pages", "document", "mgConvert2PDF.aspx?ID=4411", "second_export")
    assert doc["versions"] == 1
