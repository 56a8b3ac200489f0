"""Figures with their meaning, on real council and local-news text (tests/figures/fixtures are
copies of the shared seeds) and on properties of how numbers are printed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.figures import extract_figures, figures_json

FIXTURES = Path(__file__).parent / "fixtures"
JUDICIAL_REVIEW = (FIXTURES / "oxford-mail-judicial-review.txt").read_text(encoding="utf-8")
REDUNDANCIES = (FIXTURES / "oxford-mail-redundancies.txt").read_text(encoding="utf-8")
ITEM_78 = (FIXTURES / "oxfordshire-cabinet-item-78-issue-history.txt").read_text(encoding="utf-8")


def only(figures, **wanted):
    matches = [f for f in figures if all(getattr(f, k) == v for k, v in wanted.items())]
    assert len(matches) >= 1, (
        f"no figure with {wanted} in {[(f.kind, f.value, f.subject) for f in figures]}"
    )
    return matches[0]


def test_a_ratio_of_childrens_centres_keeps_its_denominator_and_subject():
    figure = only(extract_figures(JUDICIAL_REVIEW), kind="count", value=31)
    assert figure.denominator == 44
    assert figure.subject == "children's centres"
    assert figure.text == "31 of 44"
    assert figure.sentence.startswith(
        "The shake-up would result in funding being pulled from 31 of 44"
    )


def test_number_words_count_what_follows_them():
    figures = extract_figures(JUDICIAL_REVIEW)
    hubs = only(figures, kind="count", value=2, denominator=7)
    assert hubs.subject == "early intervention hubs"
    assert only(figures, kind="count", subject="parents").value == 2
    assert only(figures, kind="count", subject="consultations").value == 2


def test_money_with_magnitude_words_is_read_in_pounds():
    figures = extract_figures(JUDICIAL_REVIEW)
    assert only(figures, kind="money", text="£14m", subject="new service").value == 14_000_000
    assert only(figures, kind="money", text="£500,000").value == 500_000
    assert only(figures, kind="money", text="£6m").subject == "agreed budget cuts"
    assert {f.unit for f in figures if f.kind == "money"} == {"GBP"}


def test_a_petition_count_with_a_thousands_separator_is_one_figure():
    figure = only(extract_figures(JUDICIAL_REVIEW), kind="count", subject="people")
    assert figure.value == 9_000


def test_redundancies_overspend_and_savings_are_figures_with_subjects():
    figures = extract_figures(REDUNDANCIES)
    assert only(figures, kind="count", subject="redundancies").value == 200
    assert only(figures, kind="money", subject="overspend").value == 4_100_000
    assert only(figures, kind="money", subject="budget savings").value == 290_000_000


def test_years_financial_years_and_dates_are_not_figures():
    values = {f.value for f in extract_figures(REDUNDANCIES)}
    assert not values & {2010, 2015, 16, 2016}  # "since 2010", "2015/16 budget", "February 16"


def test_reference_phone_item_and_file_size_numbers_are_not_figures():
    figures = extract_figures(ITEM_78)
    values = {f.value for f in figures}
    # Item 78, "PDF 720 KB", Forward Plan Ref 2015/023, CA7, "(01865) 815122", "0-19 service".
    assert not values & {78, 720, 2015, 23, 815122, 1865, 19, 2016}
    assert [f.subject for f in figures if f.value == 7] == ["early intervention hubs"]  # not CA7
    assert all(f.subject != "future arrangements" for f in figures)


def test_council_report_figures_are_found_with_their_meaning():
    figures = extract_figures(ITEM_78)
    assert only(figures, kind="percent", value=50).unit == "%"
    assert only(figures, kind="money", text="£12m").subject == "new service"
    assert only(figures, kind="money", text="£8 million").value == 8_000_000
    assert only(figures, kind="count", value=44).subject == "children's centres"


@pytest.mark.parametrize(
    ("text", "kind", "value", "subject"),
    [
        ("They signed a £2.5 million contract.", "money", 2_500_000, "contract"),
        ("The £1.3bn capital programme was agreed.", "money", 1_300_000_000, "capital programme"),
        ("Each group can bid for £6,000 of funding.", "money", 6_000, "funding"),
        ("Officers reported a £4.1m overspend.", "money", 4_100_000, "overspend"),
        ("The council will merge nine teams.", "count", 9, "teams"),
        ("Funding goes to two organisations in Banbury.", "count", 2, "organisations"),
        ("Council tax rises by 30 per cent next year.", "percent", 30, "council tax"),
        ("Only 50% of respondents agreed.", "percent", 50, "respondents"),
        ("The gap narrowed by 2.5 percentage points.", "percent", 2.5, None),
        ("The scheme costs 14 million pounds.", "money", 14_000_000, None),
        ("The budget was cut by £2m.", "money", 2_000_000, "budget"),
        ("It serves 1.2 million residents.", "count", 1_200_000, "residents"),
        ("Last year 200 jobs were cut.", "count", 200, "jobs"),
    ],
)
def test_the_figures_the_issue_names_are_read_with_value_and_subject(text, kind, value, subject):
    [figure] = extract_figures(text)
    assert (figure.kind, figure.value, figure.subject) == (kind, value, subject)


@pytest.mark.parametrize(
    "text",
    [
        "The meeting starts at 10.00 am on 15 January 2026.",
        "Call 01865 815122 or visit Room 2.",
        "See paragraph 12 and Appendix 3 (PDF 1.2 MB).",
        "Decision 2015/023, report CA7, minute 54.",
        "A mum-of-two spoke; the service is for ages 0-19 in the 2015/16 year.",
        "It took place on 16th February and again in the 60s.",
        "78 Future Arrangements in Children's Social Care",
        "Tier 2 rules apply to Year 11 and League Two clubs.",
    ],
)
def test_dates_times_phones_references_and_labels_are_never_figures(text):
    assert extract_figures(text) == []


def test_figures_json_has_the_interface_shape():
    document = figures_json(
        extract_figures("Under the new £14m system, eight of the centres stay open.")
    )
    first = document["figures"][0]
    assert list(first) == ["kind", "value", "unit", "denominator", "subject", "text", "sentence"]
    assert first["value"] == 14_000_000 and first["unit"] == "GBP" and first["text"] == "£14m"
    assert first["sentence"] == "Under the new £14m system, eight of the centres stay open."


def test_a_number_wrapped_to_the_start_of_a_line_is_still_a_count():
    [figure] = extract_figures(
        "The council runs a network of\n44 Children's Centres across the county."
    )
    assert (figure.value, figure.subject) == (44, "children's centres")


def test_a_sentence_wrapped_over_lines_stays_one_sentence():
    [figure] = extract_figures("The council will close\n31 of 44 children's centres\nafter March.")
    assert figure.sentence == "The council will close 31 of 44 children's centres after March."


# --- number normalisation properties ------------------------------------------------------

pounds = st.integers(min_value=1, max_value=10**12)


@given(pounds)
def test_money_is_the_same_with_or_without_thousands_separators(amount):
    with_commas = extract_figures(f"The budget is £{amount:,} this year.")
    without = extract_figures(f"The budget is £{amount} this year.")
    assert [f.value for f in with_commas] == [f.value for f in without] == [amount]


@given(st.decimals(min_value=Decimal("0.1"), max_value=Decimal("999.9"), places=1))
def test_millions_read_the_same_abbreviated_or_spelt_out(millions):
    expected = millions * 1_000_000
    for spelling in (f"£{millions}m", f"£{millions} million", f"£{millions}mn"):
        [figure] = extract_figures(f"A saving of {spelling} was agreed.")
        assert figure.value == expected and isinstance(figure.value, int)


@given(st.decimals(min_value=Decimal("0.1"), max_value=Decimal("99.9"), places=1))
def test_billions_are_a_thousand_millions(billions):
    [bn] = extract_figures(f"A £{billions}bn programme.")
    [millions] = extract_figures(f"A £{billions * 1000}m programme.")
    assert bn.value == millions.value == billions * 1_000_000_000


@given(st.integers(min_value=1, max_value=999_999))
def test_counts_read_the_printed_number(n):
    [figure] = extract_figures(f"The petition was signed by {n:,} residents.")
    assert (figure.kind, figure.value, figure.subject) == ("count", n, "residents")


@given(st.integers(min_value=0, max_value=100), st.sampled_from(["%", " per cent", " percent"]))
def test_percent_spellings_agree(n, spelling):
    [figure] = extract_figures(f"Turnout fell to {n}{spelling} of voters.")
    assert (figure.kind, figure.value, figure.unit) == ("percent", n, "%")


@given(st.text(max_size=300))
def test_any_text_gives_figures_whose_text_sits_in_their_sentence(text):
    for figure in extract_figures(text):
        assert " ".join(figure.text.split()) in figure.sentence
