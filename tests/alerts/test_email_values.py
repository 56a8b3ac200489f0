"""The alert email gives values as the document wrote them (units, what a count counts)
and says which clock its times are on."""

from datetime import UTC, datetime

from alerts.content import ChangeView, DocumentAlert
from alerts.email import render_html, render_text


def _alert(before: str, after: str, old: float, new: float, at: datetime) -> DocumentAlert:
    change = ChangeView("figure", "figure changed", before, after, old, new, detected_at=at)
    return DocumentAlert(
        "oxon", "oxon:decision:1", "decision", "https://x.example/1", "Rents", [change]
    )


WINTER = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)


def test_a_money_value_keeps_its_pound_sign():
    doc = _alert("Rent is £1,800 a month.", "Rent is £2,100 a month.", 1800, 2100, WINTER)
    assert "Value: £1,800 -> £2,100" in render_text([doc], [])
    assert "£1,800</del>" in render_html([doc], [])


def test_a_percentage_keeps_its_percent_sign():
    doc = _alert(
        "Council tax rises by 30% this year.", "Council tax rises by 35% this year.", 30, 35, WINTER
    )
    assert "Value: 30% -> 35%" in render_text([doc], [])


def test_a_count_says_what_it_counts():
    doc = _alert("There are 12 libraries.", "There are 9 libraries.", 12, 9, WINTER)
    assert "Value: 12 -> 9 libraries" in render_text([doc], [])


def test_times_say_gmt_in_winter_and_bst_in_summer():
    winter = render_text([_alert("a 1% b", "a 2% b", 1, 2, WINTER)], [])
    summer = render_text([_alert("a 1% b", "a 2% b", 1, 2, SUMMER)], [])
    assert "1 Dec 2026 09:30 GMT" in winter
    assert "1 Jul 2026 10:30 BST" in summer
