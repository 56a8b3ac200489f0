"""`detect_changes` on the structured fields of each kind: what alerts, how it reads, what is noise."""

from __future__ import annotations

import copy
import re

from hypothesis import given
from hypothesis import strategies as st

from monitor.changes import detect_changes
from tests.helpers.items import decision_fields

DECISION = decision_fields(
    purpose="To agree a new 0-19 service.",
    decision="The £8m that remains will be combined with the £4m budget to create a wholly new £12m service.",
    meeting="oxfordshire:meeting:4120",
    issue="oxfordshire:issue:9876",
    documents=[
        {
            "title": "Report CA7",
            "url": "https://example.gov.uk/documents/s31234/CA7.pdf",
            "id": "31234",
        }
    ],
)
MEETING = {
    "committee": "Cabinet",
    "start": "2026-01-15T19:30:00+00:00",
    "status": "Confirmed",
    "venue": "County Hall, Oxford",
    "items": ["ox:agenda_item:1", "ox:agenda_item:2"],
    "documents": [
        {
            "title": "Agenda frontsheet",
            "url": "https://example.gov.uk/documents/g1/Agenda.pdf?T=0&v=3",
            "id": None,
        }
    ],
}


def edited(base: dict, **fields) -> dict:
    return {**copy.deepcopy(base), **fields}


def kinds(changes) -> list[str]:
    return [c.kind for c in changes]


def test_a_called_in_decision_raises_a_status_alert():
    [change] = detect_changes("decision", DECISION, edited(DECISION, status="Called In"))
    assert change.kind == "status" and change.alert
    assert change.summary == "status: Recommendations Approved -> Called In"


def test_a_figure_edit_in_a_decision_is_a_figure_change_not_a_wording_change():
    new = edited(DECISION, decision=DECISION["decision"].replace("£12m", "£14m"))
    [change] = detect_changes("decision", DECISION, new)
    assert change.kind == "figure" and change.alert
    assert change.summary == "£12m -> £14m (new service)"
    assert (change.old_value, change.new_value) == (12_000_000, 14_000_000)
    assert "£14m" in change.after and "£12m" in change.before


def test_reworded_decision_text_is_a_decision_change():
    new = edited(DECISION, decision=DECISION["decision"].replace("wholly new", "deferred"))
    [change] = detect_changes("decision", DECISION, new)
    assert change.kind == "decision" and "[-wholly new-] {+deferred+}" in change.summary


def test_figures_are_matched_by_meaning_when_a_sentence_moves():
    old = "Cabinet agreed to close 31 of 44 children's centres. The new service will cost £12m."
    new = "The new service will cost £12m. Cabinet agreed to close 29 of 44 children's centres."
    changes = detect_changes("page", {"title": "Cuts", "text": old}, {"title": "Cuts", "text": new})
    figures = [c for c in changes if c.kind == "figure"]
    assert [c.summary for c in figures] == ["children's centres: 31 -> 29 (of 44)"]


def test_a_table_of_amounts_pairs_row_by_row_even_when_values_coincide():
    old = " ".join(f"Ward {i} will receive £{i * 1000:,} for roads." for i in range(1, 31))
    new = " ".join(f"Ward {i} will receive £{i * 1100:,} for roads." for i in range(1, 31))
    changes = detect_changes(
        "page", {"title": "Grants", "text": old}, {"title": "Grants", "text": new}
    )
    # £11,000 was ward 11's and is now ward 10's: still two changes, one per ward.
    assert [(c.old_value, c.new_value) for c in changes] == [
        (i * 1000, i * 1100) for i in range(1, 31)
    ]


def test_a_new_figure_in_running_text_alerts_and_reads_as_new():
    old = {"title": "Update", "text": "The consultation has closed."}
    new = {
        "title": "Update",
        "text": "The consultation has closed. The council plans 200 redundancies.",
    }
    changes = detect_changes("page", old, new)
    assert "new figure: redundancies: 200" in [c.summary for c in changes]


def test_a_moved_meeting_is_a_date_change():
    [change] = detect_changes(
        "meeting", MEETING, edited(MEETING, start="2026-01-22T18:00:00+00:00")
    )
    assert change.kind == "date"
    assert change.summary == "meeting date: Thu 15 Jan 2026 19:30 -> Thu 22 Jan 2026 18:00"


def test_the_same_instant_written_differently_is_not_a_date_change():
    assert detect_changes("meeting", MEETING, edited(MEETING, start="2026-01-15T19:30:00Z")) == []


def test_an_agenda_item_added_reads_with_its_title():
    new = edited(MEETING, items=[*MEETING["items"], "ox:agenda_item:3"])
    titles = {"ox:agenda_item:3": "59. Children's centres review"}
    [change] = detect_changes("meeting", MEETING, new, titles=titles)
    assert (change.kind, change.summary) == (
        "item_added",
        "item added: 59. Children's centres review",
    )


def test_an_agenda_item_removed_is_reported():
    [change] = detect_changes("meeting", MEETING, edited(MEETING, items=["ox:agenda_item:1"]))
    assert change.kind == "item_removed" and change.alert


def test_a_cancelled_heading_is_a_status_change_when_the_status_field_is_silent():
    changes = detect_changes(
        "meeting",
        MEETING,
        MEETING,
        old_title="Cabinet - 15 January 2026",
        new_title="Cabinet - 15 January 2026, CANCELLED",
    )
    assert kinds(changes) == ["status"]


def test_a_report_replaced_at_a_new_address_is_a_document_change():
    new = edited(
        DECISION,
        documents=[
            {
                "title": "Report CA7",
                "url": "https://example.gov.uk/documents/s31299/CA7.pdf",
                "id": "31299",
            }
        ],
    )
    [change] = detect_changes("decision", DECISION, new)
    assert (change.kind, change.summary) == ("document", "document replaced: Report CA7")


def test_a_cache_busting_query_string_on_a_document_link_is_noise():
    new = edited(
        MEETING,
        documents=[
            {
                "title": "Agenda frontsheet",
                "url": "https://example.gov.uk/documents/g1/Agenda.pdf?v=4&T=0",
                "id": None,
            }
        ],
    )
    changes = detect_changes("meeting", MEETING, new)
    assert all(c.kind != "document" for c in changes)


def test_whitespace_entities_quotes_and_markup_are_noise():
    old = {
        "title": "Children’s centres",
        "text": "The council will keep\n  44 children's centres &amp; 7 hubs open.",
    }
    new = {
        "title": "Children's centres",
        "text": "The <b>council</b> will keep 44 children’s centres & 7 hubs open.",
    }
    assert detect_changes("page", old, new) == []


def test_an_articles_modified_stamp_alone_reports_nothing():
    article = {"headline": "Centres to close", "byline": None, "published": "2026-01-01T10:00:00+00:00",
               "modified": "2026-01-01T10:00:00+00:00", "section": "news", "body": "Text.", "topics": ["a", "b"]}  # fmt: skip
    assert (
        detect_changes(
            "article",
            article,
            {**article, "modified": "2026-01-02T09:00:00+00:00", "topics": ["b", "A"]},
        )
        == []
    )


def test_other_wording_is_a_text_change_that_does_not_alert():
    [change] = detect_changes(
        "page",
        {"title": "T", "text": "Come to the library."},
        {"title": "T", "text": "Visit the library."},
    )
    assert change.kind == "text" and not change.alert


def test_minutes_appearing_record_the_resolution():
    item = {"meeting": "k:meeting:1", "number": "59.", "title": "Grants", "text": "Report.", "decision": None,
            "minutes": None, "restricted": False, "documents": []}  # fmt: skip
    [change] = detect_changes(
        "agenda_item", item, {**item, "minutes": "RESOLVED that the grant be approved."}
    )
    assert change.kind == "decision" and change.summary.startswith("minutes published: RESOLVED")


def test_an_issue_going_to_a_new_meeting_is_an_item_added():
    issue = {"title": "Children's centres", "meetings": [{"date": "2015-09-15", "committee": "Cabinet", "item": "78", "decision": "Agreed."}],
             "forward_plan_ref": "2015/023", "contact": None, "documents": []}  # fmt: skip
    later = copy.deepcopy(issue)
    later["meetings"].append(
        {"date": "2016-02-23", "committee": "Cabinet", "item": "12", "decision": None}
    )
    [change] = detect_changes("issue", issue, later)
    assert (
        change.kind == "item_added"
        and change.summary == "on the agenda: Cabinet, Tue 23 Feb 2016 (item 12)"
    )


def test_a_key_decision_flag_is_a_status_change():
    [change] = detect_changes("decision", DECISION, edited(DECISION, key_decision=False))
    assert (change.kind, change.summary) == ("status", "key decision: yes -> no")


# --- properties: noise never reports, a figure edit always does ----------------------------

WORDS = st.sampled_from(
    "the council cabinet agreed to close fund keep open children's centres libraries budget "
    "for and with new service families report consultation Oxford staff".split()
)
SENTENCES = st.lists(WORDS, min_size=3, max_size=12).map(
    lambda words: " ".join(words).capitalize() + "."
)


@given(st.lists(SENTENCES, min_size=1, max_size=6), st.integers(min_value=0, max_value=2**16))
def test_rewrapping_and_re_encoding_text_reports_nothing(sentences, seed):
    text = " ".join(sentences)
    spaces = [m.start() for m in re.finditer(" ", text)]
    wrapped = list(text)
    for i, at in enumerate(spaces):
        if (seed >> (i % 16)) & 1:
            wrapped[at] = "\n  "
    noisy = "".join(wrapped).replace("'", "&#39;").replace("&#39;s", "’s")
    assert detect_changes("page", {"title": "T", "text": text}, {"title": "T", "text": noisy}) == []


@given(st.lists(SENTENCES, min_size=0, max_size=4), st.integers(1, 10**6), st.integers(1, 10**6))
def test_changing_an_amount_is_always_a_figure_change(sentences, before, after):
    if before == after:
        return
    old = " ".join([*sentences, f"The council will spend £{before:,} on the new service."])
    new = old.replace(f"£{before:,}", f"£{after:,}")
    changes = detect_changes("page", {"title": "T", "text": old}, {"title": "T", "text": new})
    assert [(c.kind, c.old_value, c.new_value) for c in changes] == [("figure", before, after)]


# --- every number of substance is a figure change (issue 15) -------------------------------


def page_changes(old: str, new: str):
    return detect_changes(
        "page", {"title": "Update", "text": old}, {"title": "Update", "text": new}
    )


def test_a_count_whose_noun_is_in_the_sentence_before_changes_as_a_figure():
    [change] = page_changes(
        "Nine pupils tested positive. All nine are now at home.",
        "Nine pupils tested positive. All eleven are now at home.",
    )
    assert (change.kind, change.summary) == ("figure", "pupils: 9 -> 11")
    assert (change.old_value, change.new_value) == (9, 11) and change.alert


def test_a_number_the_extractor_does_not_name_still_changes_as_a_figure():
    [change] = page_changes(
        "The council ran a 6 week consultation on the plans.",
        "The council ran a 9 week consultation on the plans.",
    )
    assert change.kind == "figure" and change.alert
    assert (change.old_value, change.new_value) == (6, 9)
    assert change.summary == "week consultation: 6 -> 9"


def test_a_year_date_or_item_number_edited_is_wording_not_a_figure():
    for old, new in [
        (
            "A report will come to Cabinet in Spring 2023.",
            "A report will come to Cabinet in Spring 2024.",
        ),
        ("The meeting on 15 January agreed it.", "The meeting on 16 January agreed it."),
        ("See item 78 of the agenda.", "See item 79 of the agenda."),
    ]:
        assert [c.kind for c in page_changes(old, new)] == ["text"], (old, new)


def test_a_figure_quoted_in_two_fields_is_one_change():
    text = "The council will cut 200 posts."
    item = {"title": "Staffing", "text": text, "minutes": text}
    edited_item = {"title": "Staffing", "text": text.replace("200", "250"),
                   "minutes": text.replace("200", "250")}  # fmt: skip
    changes = detect_changes("agenda_item", item, edited_item)
    assert [(c.kind, c.old_value, c.new_value) for c in changes] == [("figure", 200, 250)]


def test_a_range_edit_changes_only_the_bound_that_moved():
    [change] = page_changes(
        "Between 20 and 35 per cent of families were affected.",
        "Between 25 and 35 per cent of families were affected.",
    )
    assert (change.old_value, change.new_value) == (20, 25)


def test_one_edit_in_a_long_report_is_one_figure_change():
    paragraph = (
        "The Committee considered the report. A forecast overspend of £8.862m reflected a "
        "reduction of £0.136m on the FR1 overspend position of £8.998m. Of the 37 councils "
        "that were contacted, eight said they had no plans to close centres. "
    )
    old = "".join(f"Paragraph {k}. " + paragraph.replace("37", str(37 + k)) for k in range(2000))
    new = old.replace("Paragraph 1000. The Committee considered the report. A forecast overspend of £8.862m",
                      "Paragraph 1000. The Committee considered the report. A forecast overspend of £9.862m")  # fmt: skip
    assert new != old
    [change] = detect_changes("document", {"text": old}, {"text": new})
    assert (change.kind, change.old_value, change.new_value) == ("figure", 8_862_000, 9_862_000)
    assert change.summary == "£8.862m -> £9.862m (forecast overspend)"


def test_a_count_with_nothing_to_say_what_it_counts_reads_as_a_number():
    [change] = page_changes("All nine are now at home.", "All eleven are now at home.")
    assert (change.kind, change.summary) == ("figure", "number: 9 -> 11")
