"""Whole crawls of watched pages and reports: charsets, PDFs, replaced reports, refusals
(the shared `crawls` fixture in conftest.py)."""

from __future__ import annotations

import pytest


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
