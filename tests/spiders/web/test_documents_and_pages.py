"""Reports (PDF, Word, HTML) and watched pages, parsed from bytes."""

from __future__ import annotations

import pytest

from spiders.web.documents import DocumentUnreadable, parse_document
from spiders.web.page import page_text, parse_page
from tests.helpers.web_fixtures import (
    binary_response,
    html_response,
    make_docx,
    make_pdf,
    make_scanned_pdf,
)

REPORT = ["Children's centres: proposed savings of £1.2m", "31 of 44 centres would close."]


def test_pdf_report_text_is_extracted_line_by_line():
    response = binary_response(make_pdf(REPORT), "https://c.gov.uk/r.pdf", "application/pdf")
    doc = parse_document(response, "ox", "4411").documents[0]
    assert (
        doc.fields["text"]
        == "Children's centres: proposed savings of £1.2m\n31 of 44 centres would close."
    )


def test_document_key_uses_the_given_attachment_id():
    response = binary_response(make_pdf(REPORT), "https://c.gov.uk/r.pdf", "application/pdf")
    assert parse_document(response, "ox", "4411").documents[0].key == "ox:document:4411"


def test_pdf_served_as_octet_stream_is_still_read_as_pdf():
    response = binary_response(make_pdf(REPORT), "https://c.gov.uk/x", "application/octet-stream")
    assert "31 of 44" in parse_document(response, "ox", "1").documents[0].fields["text"]


def test_pdf_without_a_title_is_named_after_its_file():
    response = binary_response(
        make_pdf(REPORT), "https://c.gov.uk/Cabinet%20Report.pdf", "application/pdf"
    )
    assert parse_document(response, "ox", "1").documents[0].title == "Cabinet Report"


def test_pdf_title_from_content_disposition_when_metadata_has_none():
    response = binary_response(
        make_pdf(REPORT),
        "https://c.gov.uk/mgConvert2PDF.aspx?ID=1",
        "application/pdf",
        headers={"Content-Disposition": 'attachment; filename="Appendix A - Savings.pdf"'},
    )
    assert parse_document(response, "ox", "1").documents[0].title == "Appendix A - Savings"


def test_scanned_pdf_without_text_layer_is_unreadable_not_empty():
    response = binary_response(make_scanned_pdf(), "https://c.gov.uk/s.pdf", "application/pdf")
    with pytest.raises(DocumentUnreadable, match="no text layer"):
        parse_document(response, "ox", "1")


def test_corrupt_pdf_is_unreadable_with_the_reason():
    response = binary_response(b"%PDF-1.4\n1 0 obj <<", "https://c.gov.uk/b.pdf", "application/pdf")
    with pytest.raises(DocumentUnreadable, match="PDF could not be read"):
        parse_document(response, "ox", "1")


def test_old_binary_word_doc_is_reported_unsupported():
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    with pytest.raises(DocumentUnreadable, match=".doc files are not supported"):
        parse_document(
            binary_response(body, "https://c.gov.uk/r.doc", "application/msword"), "ox", "1"
        )


def test_docx_title_comes_from_its_properties():
    body = make_docx(["Savings of £6m", "Officer: J Leivers"], title="Cabinet report")
    response = binary_response(body, "https://c.gov.uk/r.docx")
    assert parse_document(response, "ox", "1").documents[0].title == "Cabinet report"


def test_corrupt_docx_is_unreadable():
    response = binary_response(b"PK\x03\x04not really a zip", "https://c.gov.uk/r.docx")
    with pytest.raises(DocumentUnreadable, match="Word document"):
        parse_document(response, "ox", "1")


def test_html_document_is_its_main_text():
    page = (
        b"<html><head><title>Report</title></head><body><nav>Menu</nav><main><p>"
        + b"Savings of 6m. " * 20
        + b"</p></main></body></html>"
    )
    doc = parse_document(html_response(page, "https://c.gov.uk/r.htm"), "ox", "1").documents[0]
    assert doc.fields["text"].startswith("Savings of 6m.") and "Menu" not in doc.fields["text"]


def test_pdf_fetched_for_a_page_source_becomes_a_document_keyed_by_url():
    response = binary_response(make_pdf(REPORT), "https://c.gov.uk/r.pdf", "application/pdf")
    assert parse_page(response, "pages").documents[0].key == "pages:document:https://c.gov.uk/r.pdf"


def test_council_page_without_main_landmark_keeps_its_news_text():
    title, text = page_text(html_response("tameside_homepage_latest_news.html").text)
    assert "£100k grant to food charity to support Tameside families" in text


def test_council_page_with_main_landmark_leaves_out_the_skip_link():
    _, text = page_text(html_response("northyorks_homepage.html").text)
    assert "Skip to main content" not in text


def test_council_promo_box_is_content_not_template():
    _, text = page_text(html_response("northyorks_homepage.html").text)
    assert "Have your say on our proposals for a new council" in text


def test_asp_net_page_wrapped_in_one_form_is_not_thrown_away():
    # ModernGov and many council CMSs wrap the whole page in <form id="aspnetForm">.
    page = (
        "<html><body><form id='aspnetForm'><div><p>"
        + "Cabinet agreed the budget. " * 20
        + "</p></div></form></body></html>"
    )
    assert "Cabinet agreed the budget." in page_text(page)[1]


def test_selector_that_matches_nothing_gives_no_text():
    assert page_text("<html><body><p>Hello</p></body></html>", "#missing")[1] == ""
