"""The figures chart of the web view, drawn on the server: one mark per figure, escaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from councilwatch.web.chart import charts, format_figure
from storage.search import FigureSeen


def seen(key, title, value, when, kind="count", subject="children's centres", n=1):
    return FigureSeen(
        key=key, source="oxon", document_kind="decision", title=title, url="https://x/",
        kind=kind, value=value, unit=None, denominator=None, subject=subject,
        text=str(value), sentence="", version_number=n, first_seen=when, still_current=True,
    )  # fmt: skip


def test_each_figure_is_one_linked_mark_and_scraped_titles_are_escaped():
    figures = [
        seen("oxon:decision:1", "<script>alert(1)</script>", 44, datetime(2015, 9, 15, tzinfo=UTC)),
        seen("oxon:decision:1", "<script>alert(1)</script>", 31, datetime(2016, 2, 23, tzinfo=UTC), n=2),
        seen("news:article:2", "Staff & unions", 30, datetime(2016, 3, 31, 23, 30, tzinfo=UTC)),
        seen("oxon:decision:1", "Budget", 14e6, datetime(2016, 3, 1, tzinfo=UTC), kind="money"),
    ]  # fmt: skip
    [money, counts] = charts(figures)
    assert (money.kind, counts.kind) == ("money", "count")
    assert len(re.findall('class="figure-mark"', counts.svg)) == 3
    assert len(re.findall('class="figure-mark"', money.svg)) == 1
    assert "<script>" not in counts.svg and "&lt;script&gt;" in counts.svg
    assert "Staff &amp; unions" in counts.svg
    assert counts.svg.count('href="/document?key=oxon%3Adecision%3A1&amp;v=2"') == 1
    # Two series (documents); one line joins the one figure that changed in a document.
    assert [s.key for s in counts.series] == ["oxon:decision:1", "news:article:2"]
    assert counts.svg.count("<polyline") == 1
    # Ticks in UK time: 31 March 2016 23:30 UTC was already 1 April in British Summer Time.
    assert "Apr 2016" in counts.svg or "1 Apr" in counts.svg


def test_figures_read_as_a_reporter_writes_them():
    assert format_figure("money", 14_000_000) == "£14m"
    assert format_figure("money", 2_500_000) == "£2.5m"
    assert format_figure("money", 1800) == "£1,800"
    assert format_figure("percent", 12.5) == "12.5%"
    assert format_figure("count", 250) == "250"
