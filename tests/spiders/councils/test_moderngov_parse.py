"""ModernGov parsers on real captures (Kingston, Kirklees, Manchester) and on faithful
hand-written pages for the page types with no capture (issue, mgAi, full decision, RSS).

One assertion per field, so a layout change names exactly what it broke. The pages are
parsed through `spiders.parsers.parse_saved`, exactly as `councilwatch compare` and a crawl
parse them (the URL picks the parser)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spiders.councils import markup, moderngov_discovery, moderngov_documents, moderngov_site
from spiders.items import validate
from spiders.parsers import parse_saved, saved_response
from tests.helpers.moderngov_testsite import COUNCIL, FIXTURES, SITE, SITE_CALENDAR_ONLY

KINGSTON = "https://moderngov.kingston.gov.uk/"
KIRKLEES = "https://democracy.kirklees.gov.uk/"
MANCHESTER = "https://democracy.manchester.gov.uk/"
OXFORDSHIRE = "https://mycouncil.oxfordshire.gov.uk/"


def parse(url: str, path, source: str = "kingston", content_type: str | None = None):
    return parse_saved(url, path.read_bytes(), source, content_type)


def docs(page) -> dict:
    return {d.key: d for d in page.documents}


def response(url: str, path, content_type: str | None = None):
    return saved_response(url, path.read_bytes(), content_type)


# -- a meeting with decisions and minutes: Kingston, 15 January 2026 -----------------------

MEETING_URL = KINGSTON + "ieListDocuments.aspx?CId=711&MId=10221&Ver=4"
meeting_page = parse(MEETING_URL, FIXTURES / "kingston_ieListDocuments_MId10221.html")
meeting = docs(meeting_page)["kingston:meeting:10221"]
item_59 = "kingston:agenda_item:51902"
item_58 = docs(meeting_page)["kingston:agenda_item:51894"]
item_63 = docs(meeting_page)["kingston:agenda_item:51899"]


MEETING_FIELDS = {
    "committee": "Kingston and North Kingston Neighbourhood Committee",
    # ISO, with the London offset
    "start": "2026-01-15T19:30:00+00:00",
    "status": "Confirmed",
    # without the directions link
    "venue": "Guildhall, Kingston upon Thames.",
    # agenda item keys, in printed order
    "items": [
        f"kingston:agenda_item:{n}"
        for n in (
            51890,
            51891,
            51892,
            51893,
            51894,
            51902,
            51903,
            51900,
            51901,
            51899,
            51896,
            51897,
        )
    ],
}


def test_meeting_documents_are_the_packs_and_printed_papers_without_file_sizes():
    assert [d["title"] for d in meeting.fields["documents"]] == [
        "Agenda frontsheet",
        "Agenda reports pack",
        "Supplement: Agenda Item 7 - Community Safety Update",
        "Late Material",
        "Printed decisions",
        "Printed minutes",
    ]


def test_meeting_title_is_the_page_heading():
    assert meeting.title == (
        "Kingston and North Kingston Neighbourhood Committee - Thursday 15 January 2026 7:30 pm"
    )


def test_every_document_of_the_meeting_page_validates_against_its_schema():
    assert [validate(d) and d.key for d in meeting_page.documents] == [
        d.key for d in meeting_page.documents
    ]


def test_items_with_minutes_cut_short_are_not_stored_from_the_meeting_page_alone():
    assert item_59 not in docs(meeting_page)


def test_items_with_minutes_cut_short_go_to_their_mgai_page_to_be_completed():
    assert [(url, item.key) for url, item in meeting_page.incomplete] == [
        (KINGSTON + "mgAi.aspx?ID=51902", item_59),
        (KINGSTON + "mgAi.aspx?ID=51903", "kingston:agenda_item:51903"),
    ]


def test_mgai_pages_are_reached_only_with_the_item_they_complete():
    assert [u for u in meeting_page.follow if "mgAi" in u] == []


ITEM_63_FIELDS = {
    # the meeting's key
    "meeting": "kingston:meeting:10221",
    # as printed
    "number": "63.",
    "title": "Community Grants Programme",
    # the description before any sub-heading
    "text": "To consider applications for Neighbourhood Community Grants (NCGs).",
    # words hard-wrapped by Word joined
    "decision": (
        "RESOLVED that:\n"
        "1. the redistribution of any remaining Councillor Ward Funding (CWF) as of January "
        "30th 2026 to the Neighbourhood Community Grants Programme be approved; and\n"
        "2. the application for £1,800 of Neighbourhood Community Grant funding by Barnfield "
        "Riding for the Disabled be approved."
    ),
    # attachment ids, and titles without the hidden text
    "documents": [
        {
            "title": "Community Grants Programme",
            "url": KINGSTON + "documents/s112228/KNK Community Grants Programme 15 Jan - "
            "Report Template.pdf",
            "id": "112228",
        },
        {
            "title": "Annex 1 - NCG and BCG Guidelines (updated May 2023)",
            "url": KINGSTON + "documents/s111802/Annex 1 - NCG and BCG Guidelines updated "
            "May 2023.pdf",
            "id": "111802",
        },
    ],
    "restricted": False,
}

# an item without a decision block
ITEM_58_FIELDS = {"decision": None}


def test_agenda_item_minutes_start_with_the_first_paragraph():
    assert item_63.fields["minutes"].startswith(
        "The Committee considered a report outlining the proposed redistribution of unspent "
        "Councillor Ward Funding (CWF)"
    )


def test_agenda_item_url_anchors_the_item_on_the_meeting_page():
    assert item_63.url == MEETING_URL + "#AI51899"


# -- another meeting: upper-case MID, issue links per item --------------------------------

november = parse(
    KINGSTON + "ieListDocuments.aspx?CId=711&MID=10220&Ver=4",
    FIXTURES / "kingston_ieListDocuments_2025-11-18.html",
)


def test_a_meeting_url_spelt_mid_gives_the_meeting_key():
    assert november.documents[0].key == "kingston:meeting:10220"


def test_the_background_links_of_items_lead_to_their_issue_pages():
    assert [u for u in november.follow if "Issue" in u] == [
        KINGSTON + "mgIssueHistoryHome.aspx?IId=53844",
        KINGSTON + "mgIssueHistoryHome.aspx?IId=53845",
    ]


# -- a cancelled meeting -------------------------------------------------------------------

cancelled_page = parse(
    KINGSTON + "ieListDocuments.aspx?CId=711&MId=10161&Ver=4",
    FIXTURES / "kingston_ieListDocuments_MId10161_cancelled.html",
)
cancelled = cancelled_page.documents[0]


CANCELLED_FIELDS = {
    "status": "Cancelled",
    # a cancelled meeting keeps its date
    "start": "2025-12-04T19:30:00+00:00",
    # without the CANCELLED suffix
    "committee": "Kingston and North Kingston Neighbourhood Committee",
    "venue": "Guildhall, Kingston upon Thames.",
    "items": [],
}


def test_a_cancelled_meeting_page_holds_only_the_meeting():
    assert len(cancelled_page.documents) == 1


def test_a_meeting_page_whose_heading_is_gone_yields_nothing_and_says_so():
    body = (FIXTURES / "kingston_ieListDocuments_MId10161_cancelled.html").read_bytes()
    page = parse_saved(
        KINGSTON + "ieListDocuments.aspx?CId=711&MId=10161&Ver=4",
        body.replace(b'class="mgSubTitleTxt"', b'class="mgPageHeading"'),
        "kingston",
    )
    assert (page.documents, len(page.problems)) == ([], 1)


def test_a_summer_meeting_start_has_the_bst_offset():
    assert (
        markup.iso_start(date(2026, 6, 15), markup.parse_time("7:30 pm"))
        == "2026-06-15T19:30:00+01:00"
    )


# -- an agenda item page (mgAi.aspx): full minutes ------------------------------------------

agenda_item = parse("http://127.0.0.1:8000/mgAi.aspx?ID=51903", SITE / "mgAi_51903.html").documents[
    0
]


AGENDA_ITEM_FIELDS = {
    # the linked meeting's key
    "meeting": "kingston:meeting:10221",
    # from the meeting line
    "number": "60.",
    "title": "Coombe Lane West Zebra Crossing - Local Consultation Results",
    "text": (
        "To consider the results of a public consultation on the Introduction of Zebra "
        "Crossing on Coombe Lane West and seek a way forward."
    ),
    "decision": (
        "RESOLVED that the decision on the implementation of the scheme as shown in Annex 1 "
        "be deferred to the Committee meeting in March 2026."
    ),
    "restricted": False,
}


def test_mgai_minutes_are_complete():
    assert agenda_item.fields["minutes"].endswith(
        "Therefore, it was RESOLVED that the decision on the implementation of the scheme as "
        "shown in Annex 1 be deferred to the Committee meeting in March 2026."
    )


def test_mgai_documents():
    assert [d["id"] for d in agenda_item.fields["documents"]] == ["112215", "112216"]


def test_mgai_title_leaves_out_the_printed_number():
    assert not agenda_item.title.startswith("60")


# -- an agenda item completed by its mgAi page: what the crawl stores ------------------------
# Item 60 of the Kingston meeting: the meeting page cuts its minutes short, the crawl takes the
# item to mgAi.aspx in the request's cb_kwargs and stores it from there.

cut_short = dict((item.key, item) for _, item in meeting_page.incomplete)[
    "kingston:agenda_item:51903"
]
whole_page = moderngov_documents.parse_agenda_item(
    response(KINGSTON + "mgAi.aspx?ID=51903", SITE / "mgAi_51903.html"), "kingston", item=cut_short
)
[whole] = whole_page.documents


# What the meeting page gave (the values the mgAi page reads too), title without the
# printed number, the meeting page's documents, and the full minutes from mgAi.
WHOLE_FIELDS = {
    **AGENDA_ITEM_FIELDS,
    "documents": cut_short.fields["documents"],
    "minutes": agenda_item.fields["minutes"],
}


def test_whole_item_document_title_is_without_the_printed_number():
    assert whole.title == "Coombe Lane West Zebra Crossing - Local Consultation Results"


def test_the_meeting_page_minutes_of_that_item_were_cut_short():
    assert cut_short.fields["minutes"].endswith("implementation of the scheme as shown ...")


def test_whole_item_url_is_its_mgai_page():
    assert whole.url == KINGSTON + "mgAi.aspx?ID=51903"


def test_whole_item_is_stored_with_the_mgai_body():
    assert (whole_page.url, whole_page.body) == (
        KINGSTON + "mgAi.aspx?ID=51903",
        (SITE / "mgAi_51903.html").read_bytes(),
    )


def test_whole_item_validates_against_its_schema():
    assert validate(whole)["minutes"] == whole.fields["minutes"]


def test_an_mgai_page_without_full_minutes_stores_nothing_and_says_so():
    body = (SITE / "mgAi_51903.html").read_text(encoding="utf-8")
    body = body.replace('<p class="mgSubItemTitleTxt">Minutes:</p>', "")
    body = (
        body[: body.index("The Chair moved")]
        + body[body.index("</div>\n</div>", body.index("The Chair moved")) :]
    )
    page = moderngov_documents.parse_agenda_item(
        saved_response(KINGSTON + "mgAi.aspx?ID=51903", body.encode(), "text/html"),
        "kingston",
        item=cut_short,
    )
    assert (page.documents, page.problems) == (
        [],
        [
            "agenda item kingston:agenda_item:51903 has no full minutes on its mgAi page "
            "(layout changed?)"
        ],
    )


# -- decisions: Kirklees (trimmed real pages) and a full page ------------------------------

committee_decision = parse(
    KIRKLEES + "ieDecisionDetails.aspx?ID=13149",
    FIXTURES / "kirklees_ieDecisionDetails_minutes_trimmed.html",
    "kirklees",
).documents[0]
officer_decision = parse(
    KIRKLEES + "ieDecisionDetails.aspx?ID=13570",
    COUNCIL / "ieDecisionDetails_13570.html",
    "kirklees",
).documents[0]
multi_paragraph = parse(
    KIRKLEES + "ieDecisionDetails.aspx?ID=13600",
    FIXTURES / "kirklees_ieDecisionDetails_multiparagraph_trimmed.html",
    "kirklees",
).documents[0]
full_decision_page = parse(
    "http://127.0.0.1:8000/ieDecisionDetails.aspx?ID=13567",
    COUNCIL / "ieDecisionDetails_13567.html",
)
full_decision = full_decision_page.documents[0]


COMMITTEE_DECISION_FIELDS = {
    "title": "Minutes of Previous Meeting",
    # of a committee decision: the committee that met
    "decision_maker": "Policy Committee",
    "status": "Recommendations Approved",
    # ISO
    "decision_date": "2015-10-19",
    # ISO
    "published": "2015-10-22",
    "decision": (
        "The Minutes of the Policy Committee meeting on 23 September 2015 were approved as a "
        "correct record."
    ),
    # the meeting it was decided at
    "meeting": "kirklees:meeting:4832",
    # the issue it belongs to
    "issue": "kirklees:issue:6535",
    # attachment ids, and titles without file sizes
    "documents": [
        {
            "title": "polc2 - 23.09.2015",
            "url": KIRKLEES + "documents/s7942/polc2 - 23.09.2015.pdf",
            "id": "7942",
        }
    ],
    "key_decision": False,
    "call_in": False,
    # no purpose section
    "purpose": None,
}


OFFICER_DECISION_FIELDS = {
    "decision_maker": "Strategic Director for Environment",
    "key_decision": True,
    "call_in": True,
    "purpose": "To seek approval for alternative processing arrangements.",
    # an officer decision has no meeting
    "meeting": None,
}


MULTI_PARAGRAPH_FIELDS = {
    # the ampersand unescaped
    "decision_maker": "Service Director - Homes & Neighbourhoods",
    # paragraphs kept, spacer paragraphs dropped
    "decision": (
        "The demolition of the existing tower blocks has been approved to support the "
        "regeneration of Berry Brow.\n"
        "This decision was authorised by the Cabinet at its meeting on Tuesday, 27 July 2021."
    ),
}


FULL_DECISION_FIELDS = {
    # read inside the council's template
    "decision_maker": "Kingston and North Kingston Neighbourhood Committee",
    # the decision and not the reasons
    "decision": (
        "RESOLVED that the decision on the implementation of the scheme as shown in Annex 1 "
        "be deferred to the Committee meeting in March 2026."
    ),
    # linked with upper-case MID
    "meeting": "kingston:meeting:10221",
}


def test_a_decision_page_leads_to_its_issue_page():
    assert full_decision_page.follow == [
        "http://127.0.0.1:8000/ieIssueDetails.aspx?IId=53900&PlanId=0&Opt=3"
    ]


# -- an issue history (Oxfordshire, Cabinet item 78, after the seed's page text) -----------

issue_page = parse(
    OXFORDSHIRE + "ieIssueDetails.aspx?IId=10926&PlanId=0&Opt=3",
    FIXTURES / "oxfordshire_ieIssueDetails_item78.html",
    "oxfordshire",
)
issue = issue_page.documents[0]
site_issue = parse(
    "http://127.0.0.1:8000/ieIssueDetails.aspx?IId=53900&PlanId=0&Opt=3",
    SITE / "ieIssueDetails_53900.html",
).documents[0]


ISSUE_FIELDS = {
    # a double-escaped apostrophe, unescaped
    "title": "Future Arrangements in Children's Social Care",
    "forward_plan_ref": "2015/023",
    "contact": "Jim Leivers, Director for Children’s Services Tel: (01865) 815122",
    "documents": [
        {
            "title": "Future Arrangements in Children's Social Care",
            "url": OXFORDSHIRE + "documents/s30521/CA7.pdf",
            "id": "30521",
        }
    ],
}


oxfordshire_78 = issue.fields["meetings"][0]


OXFORDSHIRE_78_FIELDS = {
    "date": "2015-09-15",
    "committee": "Cabinet",
    # as printed
    "item": "78",
    # without the printed number
    "title": "Future Arrangements in Children's Social Care",
    "decision": (
        "Recommendation agreed.\nIt was further agreed that the outcome of the "
        "consultation be considered by Performance Scrutiny Committee before coming back "
        "to cabinet."
    ),
    # as printed there, cut short
    "minutes": (
        "In common with councils across England, Oxfordshire County Council have to make "
        "savings across all service areas as a result of reductions in government funding.\n"
        "Eleanor Pritchard, informed Cabinet that she had used her local children’s centre "
        "when she had felt ..."
    ),
}


# a meeting the issue goes to that is not yet held, so not yet decided
NOT_YET_HELD_FIELDS = {"decision": None, "minutes": None}


def test_issue_went_to_one_meeting():
    assert len(issue.fields["meetings"]) == 1


def test_issue_meeting_keeps_exactly_the_item_fields():
    assert list(oxfordshire_78) == [
        "date", "committee", "item", "title", "text", "decision", "minutes"
    ]  # fmt: skip


def test_issue_meeting_item_text_is_the_report_summary_with_its_figures():
    assert oxfordshire_78["text"].split("\n")[:3] == [
        "Report by Director for Children’s Services (CA7).",
        "In common with councils across England, Oxfordshire County Council have to make "
        "savings across all service areas as a result of reductions in government funding, "
        "pressures on all services and restrictions on ability to raise Council Tax. The "
        "Children, Education and Families Directorate need to find savings of £8 million.",
        "The £8m that remains from the current £16m budget for the Early Intervention Service "
        "will be combined with the £4m budget for Children’s Social Care Family Support Teams "
        "to create a wholly new £12m service.",
    ]


def test_issue_meeting_item_text_leaves_out_the_labelled_rows():
    assert "Forward Plan Ref" not in oxfordshire_78["text"]


def test_issue_validates_against_its_schema():
    assert validate(issue)["meetings"][0] == oxfordshire_78


def test_issue_page_leads_to_the_decisions_it_lists():
    assert issue_page.follow == [OXFORDSHIRE + "ieDecisionDetails.aspx?ID=7843"]


def test_an_issue_lists_every_meeting_it_went_to_in_order():
    assert [(m["date"], m["item"]) for m in site_issue.fields["meetings"]] == [
        ("2025-12-03", "45."),
        ("2026-01-15", "60."),
        ("2026-06-15", "2."),
    ]


def test_each_issue_meeting_has_the_title_printed_at_that_meeting():
    assert [m["title"] for m in site_issue.fields["meetings"]] == [
        "Coombe Lane West Zebra Crossing - Local Consultation Results",
        "Coombe Lane West Zebra Crossing - Local Consultation Results",
        "Coombe Lane West Zebra Crossing - Further Report",
    ]


# -- the web service (Manchester XML) -------------------------------------------------------

committees = moderngov_discovery.committees_from_xml(
    response(
        MANCHESTER + "mgWebService.asmx/GetCommittees", FIXTURES / "manchester_GetCommittees.xml"
    )
)
meetings = moderngov_discovery.meetings_from_xml(
    response(MANCHESTER + "mgWebService.asmx/GetMeetings", FIXTURES / "manchester_GetMeetings.xml")
)
ws_page = parse(
    MANCHESTER + "mgWebService.asmx/GetMeeting?lMeetingId=4967",
    FIXTURES / "manchester_GetMeeting_with_minutes.xml",
    "manchester",
)
ws_meeting, ws_item, _ = ws_page.documents
ws_cancelled = parse(
    MANCHESTER + "mgWebService.asmx/GetMeeting?lMeetingId=4966",
    FIXTURES / "manchester_GetMeeting_cancelled.xml",
    "manchester",
).documents[0]


def test_get_committees_skips_expired_committees():
    assert [(c.id, c.title) for c in committees] == [
        ("163", "Art Galleries Committee"),
        ("144", "Audit Committee"),
    ]


def test_get_meetings_gives_ids_committees_and_dates():
    assert [(m.id, m.committee_id, m.day) for m in meetings] == [
        ("4966", "144", date(2026, 1, 13)),
        ("4967", "144", date(2026, 2, 10)),
    ]


def test_a_disabled_web_service_answer_is_not_mistaken_for_xml():
    answer = saved_response(
        MANCHESTER + "mgWebService.asmx/GetCommittees",
        b"System.InvalidOperationException: Web Service method name is not valid.",
        "text/plain",
    )
    with pytest.raises(moderngov_site.NotWebService):
        moderngov_discovery.committees_from_xml(answer)


WS_MEETING_FIELDS = {
    # read from its documents
    "committee": "Audit Committee",
    # read from the dotted time
    "start": "2026-02-10T10:00:00+00:00",
    "status": "Confirmed",
    "venue": "Council Antechamber, Level 2, Town Hall Extension",
    "items": [
        "manchester:agenda_item:18831",
        "manchester:agenda_item:18833",
    ],
}


WS_ITEM_FIELDS = {
    # the number as displayed
    "number": "1.",
    # the escaped Word HTML, as text
    "text": "To approve as a correct record the minutes of the meeting held on 25 November 2025.",
    "minutes": "To approve the minutes of the meeting held on 25 November 2025 as a correct record.",
    # with the attachment id
    "documents": [
        {
            "title": "6 - CHAIR APPROVED Minutes Audit Committee 25 Nov 2025",
            "url": MANCHESTER + "mgConvert2PDF.aspx?ID=60860",
            "id": "60860",
        }
    ],
    "restricted": False,
}


WS_CANCELLED_FIELDS = {"status": "Cancelled"}


# -- discovery pages --------------------------------------------------------------------

listing = moderngov_discovery.meetings_from_list_html(
    response(
        KINGSTON + "ieListMeetings.aspx?CommitteeId=711",
        FIXTURES / "kingston_ieListMeetings_711.html",
    )
)


def test_meeting_list_gives_every_meeting_with_its_date():
    assert (len(listing.meetings), listing.meetings[3].id, listing.meetings[3].day) == (
        15,
        "10221",
        date(2026, 1, 15),
    )


def test_meeting_list_gives_the_earlier_page():
    assert listing.earlier == (
        KINGSTON + "ieListMeetings.aspx?Act=earlier&CId=711&D=202409051930&MD=ielistmeetings"
    )


def test_meeting_list_gives_the_later_page():
    assert listing.later == (
        KINGSTON + "ieListMeetings.aspx?Act=later&CId=711&D=202606151930&MD=ielistmeetings"
    )


def test_committee_structure_gives_committee_ids_and_titles():
    found = moderngov_discovery.committees_from_html(
        response(
            KINGSTON + "mgCommitteeStructure.aspx", FIXTURES / "kingston_mgCommitteeStructure.html"
        )
    )
    assert (len(found), found[4]) == (
        30,
        moderngov_discovery.Committee("711", "Kingston and North Kingston Neighbourhood Committee"),
    )


def test_decision_list_keeps_decisions_and_skips_the_issue_history_row():
    found = moderngov_discovery.decisions_from_list(
        response(
            KIRKLEES + "mgDelegatedDecisions.aspx",
            FIXTURES / "kirklees_mgDelegatedDecisions_list_trimmed.html",
        )
    )
    assert [(d.id, d.day) for d in found] == [
        ("13567", date(2025, 4, 1)),
        ("13149", date(2025, 11, 3)),
    ]


def test_officer_decision_list_with_two_columns():
    found = moderngov_discovery.decisions_from_list(
        response(
            KIRKLEES + "mgListOfficerDecisions.aspx",
            FIXTURES / "kirklees_mgListOfficerDecisions_trimmed.html",
        )
    )
    assert [d.url for d in found] == [KIRKLEES + "ieDecisionDetails.aspx?ID=13149"]


def test_a_page_without_a_decisions_table_is_reported_as_none():
    page = saved_response(
        KIRKLEES + "mgDelegatedDecisions.aspx",
        b"<html><body><div id='modgov'></div></body></html>",
        "text/html",
    )
    assert moderngov_discovery.decisions_from_list(page) is None


def test_rss_gives_the_links_of_its_items():
    found = moderngov_discovery.links_from_rss(
        response(
            "http://127.0.0.1:8000/mgRss.aspx?XXR=0",
            COUNCIL / "mgRss_whats_new.xml",
            "application/rss+xml",
        )
    )
    assert found == [
        KINGSTON + "ieDecisionDetails.aspx?ID=13567",
        KINGSTON + "ieListDocuments.aspx?CId=711&MID=10221",
        KINGSTON + "mgUserInfo.aspx?UID=1430",
    ]


def test_rss_links_map_onto_the_configured_base_url_in_one_spelling():
    assert moderngov_site.canonical(
        KINGSTON + "ieListDocuments.aspx?CId=711&MID=10221", "http://127.0.0.1:8000/"
    ) == ("http://127.0.0.1:8000/ieListDocuments.aspx?CId=711&MId=10221&Ver=4")


def test_an_html_page_where_a_feed_should_be_gives_no_links():
    page = saved_response(
        "http://127.0.0.1:8000/mgRss.aspx?CID=711",
        b"<html><body><p>What's new</p></body></html>",
        "text/html",
    )
    assert moderngov_discovery.links_from_rss(page) == []


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("15 Jan 2026\xa07:30 pm", date(2026, 1, 15)),
        ("Thursday 4 December 2025", date(2025, 12, 4)),
        ("03/04/2026", date(2026, 4, 3)),  # day first, always
        ("22&#47;10&#47;2015".replace("&#47;", "/"), date(2015, 10, 22)),
    ],
)
def test_uk_dates_are_read_day_first(printed, expected):
    assert markup.parse_date(printed) == expected


@pytest.mark.parametrize("number", ["78", "1/19", "54.", "4:", "77/21"])
def test_item_numbers_are_kept_as_printed(number):
    body = (FIXTURES / "kingston_ieListDocuments_MId10221.html").read_bytes()
    body = body.replace(b"</a>63.</p>", b"</a>" + number.encode() + b"</p>")
    page = parse_saved(MEETING_URL, body, "kingston")
    assert docs(page)["kingston:agenda_item:51899"].fields["number"] == number


# -- layout changes are reported, never stored as empty ------------------------------------


def _relaid(path, old: bytes, new: bytes) -> bytes:
    body = path.read_bytes()
    assert old in body
    return body.replace(old, new)


def test_a_meeting_page_whose_item_table_is_renamed_yields_nothing_and_says_so():
    page = parse_saved(
        MEETING_URL,
        _relaid(
            FIXTURES / "kingston_ieListDocuments_MId10221.html",
            b'class="mgItemNumberCell"',
            b'class="mgNumber"',
        ),
        "kingston",
    )
    assert (page.documents, len(page.problems)) == ([], 1)


def test_a_meeting_item_without_its_id_yields_nothing_rather_than_a_shorter_agenda():
    page = parse_saved(
        MEETING_URL,
        _relaid(
            FIXTURES / "kingston_ieListDocuments_MId10221.html", b'<a name="AI51890"', b'<a id="x"'
        ),
        "kingston",
    )
    assert (page.documents, len(page.problems)) == ([], 1)


def test_a_decision_page_whose_labels_moved_yields_nothing_and_says_so():
    page = parse_saved(
        KIRKLEES + "ieDecisionDetails.aspx?ID=13149",
        _relaid(
            FIXTURES / "kirklees_ieDecisionDetails_minutes_trimmed.html", b"mgLabel", b"dgLabel"
        )
        .replace(b"mgSubSubTitleTxt", b"dgHeading")
        .replace(b"mgPlanItemInForce", b"dgStatus"),
        "kirklees",
    )
    assert (page.documents, len(page.problems)) == ([], 1)


def test_an_issue_page_whose_meeting_lines_changed_yields_nothing_and_says_so():
    page = parse_saved(
        OXFORDSHIRE + "ieIssueDetails.aspx?IId=10926&PlanId=0&Opt=3",
        _relaid(
            FIXTURES / "oxfordshire_ieIssueDetails_item78.html",
            b"Meeting: <a",
            b"Considered at: <a",
        ),
        "oxfordshire",
    )
    assert (page.documents, len(page.problems)) == ([], 1)


def test_the_calendar_gives_meetings_with_committee_and_date():
    found = moderngov_discovery.meetings_from_calendar(
        response(
            "http://127.0.0.1:8000/mgCalendarMonthView.aspx?GL=1&bcr=1&M=12&Y=2025",
            SITE_CALENDAR_ONLY / "mgCalendarMonthView.html",
        )
    )
    assert found[1] == moderngov_discovery.MeetingRef(
        "10240", "712", date(2025, 12, 4), "New and Old Malden Neighbourhood Committee"
    )


def _meeting_with_heading(heading: str):
    body = (FIXTURES / "kingston_ieListDocuments_MId10161_cancelled.html").read_bytes()
    old = b"Kingston and North Kingston Neighbourhood Committee - Thursday 4 December 2025 7:30 pm, CANCELLED"
    assert old in body
    page = parse_saved(
        KINGSTON + "ieListDocuments.aspx?CId=711&MId=10161&Ver=4",
        body.replace(old, heading.encode()),
        "kingston",
    )
    return page.documents[0].fields


@pytest.mark.parametrize(
    ("heading", "committee", "start", "status"),
    [
        (
            "Cabinet - Tuesday, 15th September, 2015 2.00 pm",
            "Cabinet",
            "2015-09-15T14:00:00+01:00",
            "Confirmed",
        ),
        (
            "Planning Committee - North - Monday, 3rd March, 2025 12 noon",
            "Planning Committee - North",
            "2025-03-03T12:00:00+00:00",
            "Confirmed",
        ),
        (
            "Council - Wednesday 25 February 2026 10.00 am, POSTPONED",
            "Council",
            "2026-02-25T10:00:00+00:00",
            "Postponed",
        ),
        ("Full Council - 9 July 2026", "Full Council", "2026-07-09", "Confirmed"),
    ],
)
def test_meeting_headings_as_councils_print_them(heading, committee, start, status):
    found = _meeting_with_heading(heading)
    assert (found["committee"], found["start"], found["status"]) == (committee, start, status)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_any_date_as_moderngov_prints_it_reads_back_day_first(day):
    printed = [
        f"{day:%d/%m/%Y}",
        f"{day.day} {day:%B %Y}",
        f"{day:%A}, {day.day}th {day:%B}, {day:%Y}",
        f"{day.day} {day:%b %Y}\xa07:30 pm",
    ]
    assert [markup.parse_date(p) for p in printed] == [day] * 4


@given(st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_any_time_as_moderngov_prints_it_reads_back(at):
    hour = at.hour % 12 or 12
    half = "am" if at.hour < 12 else "pm"
    assert markup.parse_time(f"{hour}:{at.minute:02d} {half}") == at


# -- the fields read, one test each: a layout change names the document and field it broke ----

FIELDS_READ = {
    "the Kingston meeting": (meeting.fields, MEETING_FIELDS),
    "agenda item 63": (item_63.fields, ITEM_63_FIELDS),
    "agenda item 58": (item_58.fields, ITEM_58_FIELDS),
    "the cancelled meeting": (cancelled.fields, CANCELLED_FIELDS),
    "the mgAi agenda item": (agenda_item.fields, AGENDA_ITEM_FIELDS),
    "the completed agenda item": (whole.fields, WHOLE_FIELDS),
    "the Kirklees committee decision": (committee_decision.fields, COMMITTEE_DECISION_FIELDS),
    "the Kirklees officer decision": (officer_decision.fields, OFFICER_DECISION_FIELDS),
    "the multi-paragraph decision": (multi_paragraph.fields, MULTI_PARAGRAPH_FIELDS),
    "the full decision page": (full_decision.fields, FULL_DECISION_FIELDS),
    "the Oxfordshire issue": (issue.fields, ISSUE_FIELDS),
    "the Oxfordshire issue's meeting": (oxfordshire_78, OXFORDSHIRE_78_FIELDS),
    "the issue meeting not yet held": (site_issue.fields["meetings"][2], NOT_YET_HELD_FIELDS),
    "the web service's meeting": (ws_meeting.fields, WS_MEETING_FIELDS),
    "the web service's agenda item": (ws_item.fields, WS_ITEM_FIELDS),
    "the web service's cancelled meeting": (ws_cancelled.fields, WS_CANCELLED_FIELDS),
}


@pytest.mark.parametrize(
    ("document", "field"),
    [(document, field) for document, (_, fields) in FIELDS_READ.items() for field in fields],
)
def test_each_field_of_each_document_reads_as_printed(document, field):
    parsed, expected = FIELDS_READ[document]
    assert parsed[field] == expected[field]


# -- the key of each document: the platform's id of the page, under the council's name ----

KEYS_READ = {
    "the mgAi agenda item": (agenda_item, "kingston:agenda_item:51903"),
    "the completed agenda item": (whole, "kingston:agenda_item:51903"),
    "the Kirklees committee decision": (committee_decision, "kirklees:decision:13149"),
    "the Oxfordshire issue": (issue, "oxfordshire:issue:10926"),
}


@pytest.mark.parametrize("document", KEYS_READ)
def test_each_document_key_is_its_platform_id(document):
    parsed, expected = KEYS_READ[document]
    assert parsed.key == expected
