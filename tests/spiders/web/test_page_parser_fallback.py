"""A watched page's text when libxml2 cannot read the page whole.

lxml's HTML parser (libxml2) ends a page at a stray NUL byte (libxml2 2.12, lxml 5) or reads
it as U+FFFD (2.14), and gives up when more than 256 elements are open at once, as a page
of unclosed <div>s or <font>s soon has, dropping everything after that point. NULs are
dropped, as browsers drop them, and a page libxml2 gives up on is read by BeautifulSoup
(lxml.html.soupparser). Pages lxml reads whole keep exactly the text they had.
"""

from __future__ import annotations

import sqlite3

import pytest
from lxml import etree

from spiders.web.page import page_text
from tests.helpers import DEMO_SITE, FIXTURES

REPO_PAGES = sorted(p for folder in (FIXTURES, DEMO_SITE) for p in folder.rglob("*.htm*"))


def fatal_errors(html: str) -> list:
    """What lxml alone makes of the page: the errors at which libxml2 gave up."""
    parser = etree.HTMLParser()
    etree.fromstring(html.replace("\x00", ""), parser)
    return [e for e in parser.error_log if e.level == etree.ErrorLevels.FATAL]


def unclosed_rows(rows: int) -> str:
    """A council page whose table was made by a generator that never closed its tags."""
    cells = "".join(f"<div><font>Ward {n}: 12 objections" for n in range(rows))
    return (
        "<html><head><title>Parking zones consultation</title></head><body><main>"
        f"<h1>Parking zones consultation</h1><p>Responses by ward.</p>{cells}"
        "<p>The consultation closes on 5 January.</p></main></body></html>"
    )


def test_a_stray_nul_byte_loses_nothing_after_it_and_leaves_no_mark():
    html = (
        "<html><head><title>Budget</title></head><body><main><h1>Budget</h1>"
        "<p>The council proposes to save £2.3m.</p>\x00<p>Have your say by 5 January.</p>"
        "</main></body></html>"
    )
    assert page_text(html) == (
        "Budget",
        "Budget\nThe council proposes to save £2.3m.\nHave your say by 5 January.",
    )


def test_a_nul_byte_inside_a_sentence_is_dropped_as_browsers_drop_it():
    html = "<html><body><main><p>Funding for 31 of 44\x00 centres.</p><p>More.</p></main></body></html>"
    assert page_text(html)[1] == "Funding for 31 of 44 centres.\nMore."


def test_a_page_nested_deeper_than_libxml2_reads_keeps_its_text_to_the_end():
    html = unclosed_rows(300)
    # What lxml alone makes of it: it stops part way through the rows.
    root = etree.fromstring(html, etree.HTMLParser())
    assert "closes on 5 January" not in "".join(root.itertext())
    title, text = page_text(html)
    assert title == "Parking zones consultation"
    assert text.endswith("Ward 299: 12 objections\nThe consultation closes on 5 January.")
    assert text.count("12 objections") == 300


def test_control_characters_do_not_stop_the_fallback_parser():
    html = unclosed_rows(300).replace("Ward 7:", "Ward\x0b 7:")
    assert page_text(html)[1].endswith("The consultation closes on 5 January.")


def test_a_page_nested_past_any_parser_still_gives_what_libxml2_read():
    # Past Python's recursion limit: no crash, and the rows libxml2 read before it gave up.
    text = page_text(unclosed_rows(3000))[1]
    assert text.startswith("Parking zones consultation\nResponses by ward.\nWard 0: 12 objections")


def test_the_repository_has_page_fixtures_to_check():
    assert len(REPO_PAGES) >= 40


@pytest.mark.parametrize("path", REPO_PAGES, ids=lambda p: str(p.relative_to(DEMO_SITE.parents[1])))
def test_a_fixture_page_is_read_whole_by_lxml_and_the_same_by_the_fallback(path):
    html = path.read_bytes().decode("utf-8", "replace")
    if not html.strip():
        pytest.skip("an empty page")
    assert not fatal_errors(html)
    # The same page with more elements open at its end than libxml2 reads: the fallback
    # reads it, to the text lxml read, so a page that needs the fallback reads as it would
    # have, had libxml2 not stopped.
    too_deep = html + "<div>" * 300
    assert fatal_errors(too_deep)
    assert page_text(too_deep) == page_text(html)


def test_a_watched_page_with_a_stray_nul_byte_is_stored_whole(
    replay, write_config, cli, sqlite_url
):
    # Past the first 4 KB, where the response guard looks for binary data.
    intro = "<p>" + "The council set out its plans for early help services. " * 80 + "</p>"
    replay.add(
        "/consultation",
        "<html><head><title>Consultation</title></head><body><main><h1>Consultation</h1>"
        f"{intro}<p>It proposes to save £2.3m.</p>\x00<p>Funding would be withdrawn from "
        "31 of 44 children's centres.</p></main></body></html>",
    )
    write_config(
        f'[[sources]]\nname = "camp"\ntype = "page"\nurls = ["{replay.url}consultation"]\n'
    )
    result = cli("crawl", "--no-alerts", db=sqlite_url)
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as db:
        [(text,)] = db.execute("SELECT text FROM version_texts").fetchall()
    assert text.endswith(
        "It proposes to save £2.3m.\nFunding would be withdrawn from 31 of 44 children's centres."
    )
    assert "\ufffd" not in text
