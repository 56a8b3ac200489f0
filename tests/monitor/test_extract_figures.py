"""Figures with their meaning, on real council and local-news text (tests/fixtures/seeds) and
on properties of how numbers are printed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.figures import extract_figures, figures_json
from tests.helpers import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "seeds"
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


# --- the shapes of real reporting (issue 15) ----------------------------------------------


def counts(text):
    return [(f.value, f.denominator, f.subject) for f in extract_figures(text) if f.kind == "count"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The council will close 12 of its 30 libraries.", [(12, 30, "libraries")]),
        ("It will cut 45 of the current 210 posts.", [(45, 210, "posts")]),
        ("Ealing will close 12 of the borough's 25 children's centres.", [(12, 25, "children's centres")]),
        ("The county will have cut from 40 to 25 centres.", [(40, None, "centres"), (25, None, "centres")]),
        ("There will be about 150 fewer pupils.", [(150, None, "pupils")]),
        ("The number of children in care rose to 815, up from 760.",
         [(815, None, "children in care"), (760, None, "children in care")]),
        ("The cuts fell on 23 of 37 across the district.", [(23, 37, "cuts")]),
        ("Nine pupils tested positive. All nine are now at home.", [(9, None, "pupils"), (9, None, "pupils")]),
        ("12 have been rated outstanding.", [(12, None, None)]),
        ("Of the 52 schools visited, 31 were good and eight were outstanding.",
         [(31, 52, "schools"), (8, 52, "schools")]),
        ("It found twenty-three of thirty-seven schools had no head.", [(23, 37, "schools")]),
        ("Some three hundred families will lose support.", [(300, None, "families")]),
        ("The trust employs forty five staff.", [(45, None, "staff")]),
        ("Cornwall now has just 18 children's centres compared to 40 in 2010.",
         [(18, None, "children's centres"), (40, None, "children's centres")]),
        ("The council now operates ten child and family centres.", [(10, None, "child and family centres")]),
    ],
)  # fmt: skip
def test_counts_in_the_shapes_local_reporting_uses(text, expected):
    assert counts(text) == expected


def test_a_fraction_in_words_is_a_percentage_of_its_subject():
    [figure] = extract_figures("Two thirds of parents said the centre helped.")
    assert (figure.kind, figure.value, figure.unit, figure.subject) == (
        "percent",
        66.7,
        "%",
        "parents",
    )
    assert figure.text == "Two thirds"


def test_a_range_is_two_figures_sharing_the_range_as_their_text():
    low, high = extract_figures("Between 20 and 35 per cent of families were affected.")
    assert (low.kind, low.value, high.value) == ("percent", 20, 35)
    assert low.text == high.text == "Between 20 and 35 per cent"
    assert low.subject == high.subject == "families"
    low, high = extract_figures("Quotes ranged from £5-10m.")
    assert (low.value, high.value, low.unit) == (5_000_000, 10_000_000, "GBP")


@pytest.mark.parametrize(
    "text",
    [
        "The council sent a parcel weighing 15 pounds.",
        "The park covers 412 km2 of land.",
        "The depot handles 3,000 t of waste.",
        "Children travel up to 50 miles to school.",
        "It ran a 6 week consultation for 24 hours a day over the next two years.",
        "Support for 16 and 17 year olds, and care leavers aged 19 to 21.",
        "Savings arising from SSHH 540 – looked after children.",
    ],
)
def test_measures_durations_ages_and_codes_are_not_money_or_counts(text):
    assert extract_figures(text) == []


@pytest.mark.parametrize(
    ("text", "value", "subject"),
    [
        ("Council agreed the net budget requirement of £212.4m.", 212_400_000, "net budget requirement"),
        ("It set a Band D charge of £1,892.10 for the year.", 1_892.1, "band d charge"),
        ("Parking charges will rise by 4.5% in April.", 4.5, "parking charges"),
        ("It was reported that the Children's Services budget for 2018/19 was £57.4m.", 57_400_000,
         "children's services budget"),
        ("Mitigations of £5.7m had reduced this pressure to £9.6m.", 9_600_000, "pressure"),
        ("It was granted permission to raise council tax by an extra 9.99%.", 9.99, "council tax"),
        ("The total came to 2,450.00 £ for the hall.", 2_450, "hall"),
    ],
)  # fmt: skip
def test_subjects_come_from_the_clause_before_or_after(text, value, subject):
    figure = [f for f in extract_figures(text) if f.value == value][0]
    assert figure.subject == subject


def test_a_table_flattened_to_one_line_gives_every_rows_figures():
    rows = " ".join(f"Ward {i} | £{i * 1000:,} | {i % 7 + 2} schools |" for i in range(1, 301))
    figures = extract_figures(rows)
    assert [f.value for f in figures if f.kind == "money"] == [i * 1000 for i in range(1, 301)]
    assert all(len(f.sentence) <= 600 and f.text in f.sentence for f in figures)
