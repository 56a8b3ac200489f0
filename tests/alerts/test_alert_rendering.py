"""What an alert says: highlighting that loses no words, and HTML that never lets scraped text in as markup."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from alerts.content import ChangeView, DocumentAlert, word_diff
from alerts.email import render_email

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


@given(TEXT, TEXT)
def test_the_highlighted_diff_rebuilds_both_sentences_exactly(before, after):
    runs = word_diff(before, after)
    assert "".join(t for op, t in runs if op != "added") == before
    assert "".join(t for op, t in runs if op != "removed") == after


def test_a_changed_figure_is_highlighted_as_one_word():
    runs = word_diff("a budget of £12.5m for centres", "a budget of £14m for centres")
    assert ("removed", "12.5m") in runs and ("added", "14m") in runs


@given(TEXT, TEXT, TEXT)
def test_scraped_text_never_becomes_markup_in_the_html_email(title, before, after):
    marker = "<x-injected"
    doc = DocumentAlert(
        source="oxon",
        key="oxon:decision:1",
        kind="decision",
        url='https://example.org/d?a=1&b="2"',
        title=title + marker,
        changes=[
            ChangeView(
                kind="decision",
                summary=marker + title,
                before=before + marker,
                after=marker + after,
                detected_at=datetime(2026, 11, 23, tzinfo=UTC),
            )
        ],
    )
    msg = render_email(
        [doc], [], uid="cw_x", to="a@example.org", sender="cw <cw@example.org>", subscription="s"
    )
    html = msg.get_body(("html",)).get_content()
    assert marker not in html
    assert 'href="https://example.org/d?a=1&amp;b=&quot;2&quot;"' in html
