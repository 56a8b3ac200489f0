"""The text helpers the ModernGov parsers share, on their own: fast, no network.

`_one_line` is built without splitting lines (it is called for every title and link), and
`#modgov` is found through libxml2's id index; both must agree with the plain definitions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from parsel import Selector

from spiders.councils import markup, moderngov_site

_PIECES = [
    "Cabinet",
    " ",
    "\n",
    "\xa0",
    "\r\n",
    "\u2028",
    "&amp;#39;",
    "&amp;nbsp;",
    "&amp;amp;lt;",
    "&#10;",
    "<br>",
    "<p>Minutes:</p>",
    '<span class="mgHide">hidden</span>',
    '<span class="x mgFileSize">PDF 120 KB</span>',
    "<b>bold</b>",
    "<li>one</li>",
    "<!-- note -->",
    "<script>var x;</script>",
]


def _element(markup: str):
    return Selector(text=f"<div>{markup}</div>", type="html").css("div")[0].root


@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_one_line_is_the_text_on_one_line(pieces):
    el = _element("".join(pieces))
    assert markup.one_line(el) == " ".join(markup.text_of(el).split())


def test_text_keeps_paragraphs_and_drops_hidden_text():
    el = _element(
        'Report<span class="mgFileSize">PDF 1 MB</span> of the\nchief &amp;#39;officer&amp;#39;'
        "<p>First&nbsp; paragraph</p><p>&nbsp;</p><p>Second<br>line</p>"
    )
    assert markup.text_of(el) == "Report of the chief 'officer'\nFirst paragraph\nSecond\nline"
    assert markup.one_line(el) == "Report of the chief 'officer' First paragraph Second line"


def test_modgov_is_the_first_element_with_that_id():
    root = Selector(
        text='<div id="top"></div><div id="modgov" class="a"></div><p id="modgov" class="b"></p>',
        type="html",
    ).root
    assert moderngov_site.modgov_scope(root).get("class") == "a"
    page_without = Selector(text="<p>No ModernGov block</p>", type="html").root
    assert moderngov_site.modgov_scope(page_without) is page_without
