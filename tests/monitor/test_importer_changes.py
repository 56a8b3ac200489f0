"""Changes found while importing crawled pages into a real archive (SQLite and PostgreSQL):
stored with kind and summary, alerting only for fresh, real edits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.config import Config
from monitor.importer import import_pages
from spiders.items import DocumentItem, PageItem
from storage.models import Change
from tests.helpers.items import decision_fields

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
URL = "https://democracy.example.gov.uk/ieDecisionDetails.aspx?ID=1234"
DECISION = decision_fields(
    decision="Cabinet agreed to close 31 of 44 children's centres and create a new £12m service."
)


def decision_page(body: bytes, **fields) -> PageItem:
    doc = DocumentItem(key="oxon:decision:1234", kind="decision", url=URL, title=DECISION["title"],
                       fields={**DECISION, **fields})  # fmt: skip
    return PageItem(source="oxon", url=URL, body=body, documents=[doc])


def edit(text: str) -> dict:
    return {"decision": DECISION["decision"].replace("31 of 44", text)}


def store(archive, page: PageItem, when: datetime):
    with archive.session() as session:
        return import_pages(
            session, Config(), "oxon", "moderngov", [page], crawl_run_id=None, now=when
        )[0]


def stored_changes(archive) -> list[tuple[str, str, bool]]:
    with archive.session() as session:
        rows = session.scalars(select(Change).order_by(Change.id)).all()
        return [(c.kind, c.summary, c.alert) for c in rows]


def test_a_figure_edit_stores_an_alerting_figure_change(archive):
    store(archive, decision_page(b"<html>v1</html>"), T0)
    store(archive, decision_page(b"<html>v2</html>", **edit("29 of 44")), T0 + timedelta(days=1))
    assert stored_changes(archive) == [("figure", "children's centres: 31 -> 29 (of 44)", True)]
    with archive.session() as session:
        change = session.scalar(select(Change))
        assert (change.old_value, change.new_value) == (31, 29)
        assert change.document.key == "oxon:decision:1234"


def test_returning_to_an_earlier_version_is_recorded_but_does_not_alert(archive):
    store(archive, decision_page(b"<html>A</html>"), T0)
    store(archive, decision_page(b"<html>B</html>", **edit("29 of 44")), T0 + timedelta(days=1))
    store(archive, decision_page(b"<html>A again</html>"), T0 + timedelta(days=2))
    first, back = stored_changes(archive)
    assert first[2] is True
    assert back == ("figure", "reverted: children's centres: 29 -> 31 (of 44)", False)


def test_a_reparse_of_the_same_body_never_alerts(archive):
    body = b"<html>the same response, read by a newer parser</html>"
    store(archive, decision_page(body), T0)
    store(
        archive, decision_page(body, status="Called In", **edit("29 of 44")), T0 + timedelta(days=1)
    )
    changes = stored_changes(archive)
    assert {kind for kind, _, _ in changes} == {"status", "figure"}
    assert all(not alert and summary.startswith("re-parse: ") for _, summary, alert in changes)


def test_an_unchanged_page_stores_no_change(archive):
    store(archive, decision_page(b"<html>v1</html>"), T0)
    outcome = store(
        archive, decision_page(b"<html>v1 with a new cache token</html>"), T0 + timedelta(days=1)
    )
    assert outcome.new_versions == 0
    assert stored_changes(archive) == []


def test_a_status_change_is_stored_with_its_summary(archive):
    store(archive, decision_page(b"<html>v1</html>"), T0)
    store(archive, decision_page(b"<html>v2</html>", status="Called In"), T0 + timedelta(days=1))
    assert stored_changes(archive) == [
        ("status", "status: Recommendations Approved -> Called In", True)
    ]


def test_an_item_new_to_an_archived_meeting_is_reported_on_the_meeting(archive):
    meeting_url = "https://democracy.example.gov.uk/ieListDocuments.aspx?MId=10"

    def meeting_page(items: list[tuple[str, str]], body: bytes) -> PageItem:
        meeting = DocumentItem(key="oxon:meeting:10", kind="meeting", url=meeting_url, title="Cabinet",
                               fields={"committee": "Cabinet", "start": "2026-01-15T10:00:00+00:00",
                                       "status": None, "venue": None, "documents": [],
                                       "items": [f"oxon:agenda_item:{aiid}" for aiid, _ in items]})  # fmt: skip
        agenda = [
            DocumentItem(key=f"oxon:agenda_item:{aiid}", kind="agenda_item", url=meeting_url, title=title,
                         fields={"meeting": "oxon:meeting:10", "number": None, "title": title, "text": None,
                                 "decision": None, "minutes": None, "restricted": False, "documents": []})
            for aiid, title in items
        ]  # fmt: skip
        return PageItem(source="oxon", url=meeting_url, body=body, documents=[meeting, *agenda])

    store(archive, meeting_page([("1", "Minutes")], b"v1"), T0)
    store(
        archive,
        meeting_page([("1", "Minutes"), ("2", "Children's centres review")], b"v2"),
        T0 + timedelta(days=1),
    )
    assert stored_changes(archive) == [
        ("item_added", "item added: Children's centres review", True)
    ]


def test_changes_found_in_crawls_are_listed_by_the_changes_command(sqlite_url, cli):
    from storage.db import open_archive

    archive = open_archive(sqlite_url)
    store(archive, decision_page(b"<html>v1</html>"), T0)
    store(
        archive,
        decision_page(b"<html>v2</html>", status="Called In", **edit("29 of 44")),
        T0 + timedelta(days=1),
    )
    archive.dispose()
    result = cli("changes", "--json", db=sqlite_url)
    assert result.returncode == 0, result.stderr
    listed = {(c["kind"], c["summary"]) for c in json.loads(result.stdout)["changes"]}
    assert listed == {("status", "status: Recommendations Approved -> Called In"),
                      ("figure", "children's centres: 31 -> 29 (of 44)")}  # fmt: skip
