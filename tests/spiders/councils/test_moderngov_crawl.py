"""Whole-spider tests: `councilwatch crawl` over a replayed ModernGov council on 127.0.0.1,
checked through `councilwatch export --format jsonl`.

The council (the demo's, with tests/fixtures/moderngov_site on top) is crawled once through its web service and once with
the web service switched off; the first is then crawled again after the council's edits
(moderngov_site_v2) and a redesign of one meeting page (moderngov_site_broken)."""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers.moderngov_testsite import SITE_BROKEN, SITE_HTML_ONLY, SITE_V2

MEETINGS = {"10161", "10221", "10337"}
AGENDA_ITEMS = {
    "51890", "51891", "51892", "51893", "51894", "51896", "51897", "51899", "51900",
    "51901", "51902", "51903", "52410", "52411",
}  # fmt: skip
DECISIONS = {"13567", "13570"}
ISSUES = {"53900"}
EXPECTED = (
    {f"kingston:meeting:{i}" for i in MEETINGS}
    | {f"kingston:agenda_item:{i}" for i in AGENDA_ITEMS}
    | {f"kingston:decision:{i}" for i in DECISIONS}
    | {f"kingston:issue:{i}" for i in ISSUES}
)
# What the council changed before the second crawl (tests/fixtures/moderngov_site_v2/routes.toml).
CHANGED = {
    "kingston:meeting:10221",  # an item added
    "kingston:agenda_item:51899",  # £1,800 -> £2,100 in its decision
    "kingston:meeting:10337",  # cancelled
    "kingston:decision:13567",  # called in
    "kingston:agenda_item:51902",  # 60 -> 62 signatures in its cut-short minutes
    "kingston:issue:53900",  # £48,000 -> £52,500 in the June item's report
}
ADDED = "kingston:agenda_item:51905"


@pytest.fixture(scope="module")
def council(replayed_council):
    return replayed_council(extra='\n[maintainers]\nemail = "ops@example.org"\n')


@pytest.fixture(scope="module")
def first(council):
    return council.crawl()


@pytest.fixture(scope="module")
def second(council, first):
    council.server.load(SITE_V2)
    council.server.load(SITE_BROKEN)
    return council.crawl()


@pytest.fixture(scope="module")
def html_only(replayed_council):
    # Committees by title: the HTML path learns the id from the committee page. The same
    # crawl fetches linked reports (`documents = true`): only the consultation report is on
    # the replayed server, the others answer 404.
    return replayed_council(
        SITE_HTML_ONLY,
        extra='committees = ["Kingston and North Kingston Neighbourhood Committee"]\n'
        "documents = true\n",
    ).crawl()


def fields(crawl, key):
    return crawl.documents[key]["fields"]


def without_host(value):
    return re.sub(r"http://127\.0\.0\.1:\d+/", "BASE/", repr(value))


# -- the first crawl, through the web service ----------------------------------------------


def test_a_crawl_of_the_council_finishes_ok_without_problems(first):
    assert re.search(r"^kingston: ok - .* 0 problems", first.result.stdout, re.M), (
        first.result.stdout
    )


def test_the_crawl_stores_every_meeting_agenda_item_decision_and_issue(first):
    assert set(first.documents) == EXPECTED


def test_the_whats_new_feed_is_read_first(first):
    assert [t for t in first.requested if t != "/robots.txt"][0] == "/mgRss.aspx?XXR=0"


def test_meetings_are_found_through_the_web_service(first):
    assert [t for t in first.requested if t.startswith("/ieListMeetings")] == []


def test_an_expired_committee_is_not_asked_for_meetings(first):
    assert [t for t in first.requested if "lCommitteeId=713" in t] == []


def test_each_page_is_fetched_once_however_many_links_lead_to_it(first):
    assert len(first.requested) == len(set(first.requested))


def test_a_meeting_lists_its_items_in_order(first):
    assert fields(first, "kingston:meeting:10221")["items"][5:7] == [
        "kingston:agenda_item:51902",
        "kingston:agenda_item:51903",
    ]


def test_a_cancelled_meeting_is_stored_as_cancelled(first):
    assert fields(first, "kingston:meeting:10161")["status"] == "Cancelled"


def test_a_meeting_start_has_the_london_offset(first):
    assert fields(first, "kingston:meeting:10337")["start"] == "2026-06-15T19:30:00+01:00"


def test_an_item_cut_short_on_the_meeting_page_is_stored_from_its_mgai_page(first):
    assert first.documents["kingston:agenda_item:51902"]["url"].endswith("/mgAi.aspx?ID=51902")


def test_an_item_from_its_mgai_page_has_its_full_minutes(first):
    assert fields(first, "kingston:agenda_item:51902")["minutes"].endswith(
        "The recommendations were put to the vote and carried, as recorded below."
    )


def test_an_item_from_its_mgai_page_belongs_to_its_meeting(first):
    assert fields(first, "kingston:agenda_item:51902")["meeting"] == "kingston:meeting:10221"


def test_a_decision_has_its_status(first):
    assert fields(first, "kingston:decision:13567")["status"] == "Recommendations Approved"


def test_a_decision_names_its_meeting_and_issue(first):
    found = fields(first, "kingston:decision:13567")
    assert (found["meeting"], found["issue"]) == ("kingston:meeting:10221", "kingston:issue:53900")


def test_an_officer_decision_listed_twice_is_stored_once(first):
    assert first.documents["kingston:decision:13570"]["versions"] == 1


def test_an_issue_reached_from_a_decision_lists_its_meetings(first):
    assert [m["committee"] for m in fields(first, "kingston:issue:53900")["meetings"]] == [
        "New and Old Malden Neighbourhood Committee",
        "Kingston and North Kingston Neighbourhood Committee",
        "Kingston and North Kingston Neighbourhood Committee",
    ]


# -- the second crawl, after the council's edits -------------------------------------------


def test_the_second_crawl_stores_exactly_the_new_versions_expected(second):
    assert {k for k, d in second.documents.items() if d["versions"] > 1} == CHANGED


def test_the_second_crawl_stores_the_added_agenda_item(second):
    assert set(second.documents) == EXPECTED | {ADDED}


def test_a_changed_document_has_exactly_two_versions(second):
    assert {second.documents[k]["versions"] for k in CHANGED} == {2}


def test_the_added_item_is_listed_last_on_its_meeting(second):
    assert fields(second, "kingston:meeting:10221")["items"][-1] == ADDED


def test_the_revised_figure_is_in_the_new_decision_text(second):
    assert (
        "£2,100 of Neighbourhood Community Grant"
        in fields(second, "kingston:agenda_item:51899")["decision"]
    )


def figure_changes(council, second) -> dict[str, list[tuple]]:
    listed = json.loads(council.run("changes", "--kind", "figure", "--json").stdout)["changes"]
    found: dict[str, list[tuple]] = {}
    for change in listed:
        found.setdefault(change["document"]["key"], []).append(
            (change["old_value"], change["new_value"])
        )
    return found


def test_a_figure_revised_in_an_issue_page_item_is_a_figure_change_on_the_issue(council, second):
    assert figure_changes(council, second)["kingston:issue:53900"] == [(48000, 52500)]


def test_a_figure_revised_in_a_cut_short_agenda_item_is_a_figure_change_on_the_item(
    council, second
):
    assert figure_changes(council, second)["kingston:agenda_item:51902"] == [(60, 62)]


def test_figure_changes_are_reported_only_on_the_documents_that_changed(council, second):
    assert set(figure_changes(council, second)) == {
        "kingston:issue:53900", "kingston:agenda_item:51902", "kingston:agenda_item:51899"
    }  # fmt: skip


def test_a_cut_short_item_keeps_its_meeting_page_text_when_completed_again(second):
    found = fields(second, "kingston:agenda_item:51902")
    assert (found["meeting"], found["number"], found["text"]) == (
        "kingston:meeting:10221",
        "59.",
        "To address a petition received seeking a solution to congestion, conflict, speeding "
        "and through traffic on Manorgate Road.",
    )


def test_a_called_in_decision_has_the_new_status(second):
    assert fields(second, "kingston:decision:13567")["status"] == "Called In"


def test_a_cancelled_meeting_loses_its_agenda(second):
    found = fields(second, "kingston:meeting:10337")
    assert (found["status"], found["items"]) == ("Cancelled", [])


def test_the_summary_names_the_page_that_could_not_be_parsed(second):
    assert re.search(
        r"^  problem: http://127\.0\.0\.1:\d+/ieListDocuments\.aspx\?CId=711&MId=10161&Ver=4: "
        r"meeting page without",
        second.result.stdout,
        re.M,
    ), second.result.stdout


def test_a_page_that_could_not_be_parsed_is_a_source_health_problem_for_the_maintainers(
    council, second
):
    queued = json.loads(council.run("alerts", "list", "--json").stdout)["waiting"]
    assert [(item["subscription"], "MId=10161" in item["summary"]) for item in queued] == [
        ("@maintainers", True)
    ]


def test_a_page_that_could_not_be_parsed_keeps_its_stored_version(second):
    found = second.documents["kingston:meeting:10161"]
    assert (found["versions"], found["fields"]["status"]) == (1, "Cancelled")


# -- without the web service -------------------------------------------------------------


def test_without_the_web_service_the_only_problems_are_the_reports_not_served(html_only):
    problems = re.findall(r"^  problem: (.*)$", html_only.result.stdout, re.M)
    assert (
        problems
        and [p for p in problems if not re.search(r"/documents/s\d+/.*: HTTP 404$", p)] == []
    )


def test_without_the_web_service_the_crawl_finishes_ok(html_only):
    assert re.search(r"^kingston: ok - ", html_only.result.stdout, re.M)


def test_without_the_web_service_meetings_are_found_on_the_html_pages(html_only):
    assert "/ieListMeetings.aspx?CId=711&Year=0" in html_only.requested


def test_the_committee_filter_by_title_keeps_to_that_committee(html_only):
    assert [t for t in html_only.requested if t.startswith("/ieListMeetings")] == [
        "/ieListMeetings.aspx?CId=711&Year=0"
    ]


def test_without_the_web_service_the_same_documents_are_stored(html_only):
    assert {k for k in html_only.documents if ":document:" not in k} == EXPECTED


def test_without_the_web_service_every_document_has_the_same_fields(html_only, first):
    differing = [
        key
        for key in EXPECTED
        if without_host(fields(html_only, key)) != without_host(fields(first, key))
    ]
    assert differing == []


# -- linked reports (fetched in the HTML-only crawl above) ------------------------------


def test_with_documents_on_a_linked_report_is_stored_by_its_attachment_id(html_only):
    assert "60% of respondents supported" in fields(html_only, "kingston:document:112215")["text"]


def test_with_documents_on_a_missing_report_is_not_stored(html_only):
    assert "kingston:document:112216" not in html_only.documents
