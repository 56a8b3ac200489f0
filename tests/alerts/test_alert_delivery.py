"""Alerts leave the outbox exactly once: real SMTP server, real HTTP receiver, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from alerts.content import ChangeView
from alerts.delivery import deliver_due
from alerts.outbox import enqueue_alerts
from storage.models import AlertAttempt, AlertItem, AlertMessage, Change
from tests.helpers.alert_helpers import (
    FIGURE,
    SECRET,
    STATUS,
    T0,
    change_decision,
    failing_then_back,
    make_config,
)


def _one(archive, model, *where):
    with archive.session() as session:
        return session.scalars(select(model).where(*where)).all()


@pytest.fixture
def both_channels(smtp_server, receiver, monkeypatch):
    """A config whose subscription `campaign` hears of each change by email and by a
    signed webhook, to the servers of the test."""
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    return make_config(
        {
            "name": "campaign",
            "email": "campaign@example.org",
            "webhook": receiver.url,
            "webhook_secret_env": "HOOK_SECRET",
        },
        smtp_port=smtp_server.port,
    )


def test_an_email_and_a_webhook_arrive_with_the_right_content_and_a_valid_signature(
    archive, smtp_server, receiver, both_channels
):
    config = both_channels
    sneaky = ChangeView(
        kind="decision",
        summary="decision text changed <script>alert(1)</script>",
        before="Keep <script>alert(1)</script> all centres.",
        after="Close <script>alert(1)</script> 13 centres.",
    )
    change_decision(archive, config, 1, [FIGURE, STATUS, sneaky])

    report = deliver_due(config, archive, now=T0)

    assert report.delivered == 2 and report.failed == 0
    # The email: one message with every change, both parts, escaped, highlighted, linked.
    [mail] = smtp_server.inbox.messages
    [message] = _one(archive, AlertMessage, AlertMessage.channel == "email")
    assert mail["Message-ID"] == f"<{message.uid}@cw.example>"
    assert mail["To"] == "campaign@example.org"
    assert "Children's centres: future funding" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "children's centres: 44 -> 31" in text
    assert "Value: 44 -> 31" in text
    assert "{+31+}" in text and "[-44-]" in text
    assert "https://council.example.gov.uk/ieDecisionDetails.aspx?ID=1" in text
    # The "Stored version" link opens the document page of the version that changed.
    assert (
        "Stored version: https://archive.example.org/councilwatch/document?key=oxon%3Adecision%3A1&version_id="
        in text
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;" in html  # the scraped markup is shown, never interpreted
    assert ">31</ins>" in html and ">44</del>" in html
    assert 'style="' in html  # inline styles, for Gmail and Outlook
    assert "Stored version</a>" in html

    # The webhook: one POST, signed over exactly the bytes received, shaped as docs/interface.md.
    [request] = receiver.requests
    payload = Webhook(SECRET).verify(request.body, request.headers)
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == payload["id"]
    assert payload["subscription"] == "campaign"
    assert payload["source"] == "oxon"
    assert payload["document"] == {
        "key": "oxon:decision:1",
        "kind": "decision",
        "url": "https://council.example.gov.uk/ieDecisionDetails.aspx?ID=1",
        "title": "Children's centres: future funding",
    }
    figure = next(c for c in payload["changes"] if c["kind"] == "figure")
    assert figure == {
        "kind": "figure",
        "summary": "children's centres: 44 -> 31",
        "before": FIGURE.before,
        "after": FIGURE.after,
        "old_value": 44,
        "new_value": 31,
    }
    assert [c["kind"] for c in payload["changes"]] == ["figure", "status", "decision"]
    assert payload["archived_version_url"].startswith(
        "https://archive.example.org/councilwatch/document?key=oxon%3Adecision%3A1&version_id="
    )
    assert payload["detected_at"] == T0.isoformat()

    # Delivering again sends nothing new.
    again = deliver_due(config, archive, now=T0 + timedelta(days=3))
    assert again.delivered == 0
    assert len(smtp_server.inbox.messages) == 1 and len(receiver.requests) == 1


def test_a_receiver_that_fails_twice_gets_the_alert_exactly_once(archive, receiver, monkeypatch):
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    config = make_config(
        {"name": "hook", "webhook": receiver.url, "webhook_secret_env": "HOOK_SECRET"}
    )
    change_decision(archive, config, 1, [FIGURE])
    receiver.answers = [500, 503]

    first = deliver_due(config, archive, now=T0)
    too_soon = deliver_due(config, archive, now=T0 + timedelta(seconds=1))
    second = deliver_due(config, archive, now=T0 + timedelta(minutes=1))
    third = deliver_due(config, archive, now=T0 + timedelta(hours=1))
    later = deliver_due(config, archive, now=T0 + timedelta(days=5))

    assert (first.failed, too_soon.failed, second.failed, third.delivered, later.delivered) == (
        1,
        0,
        1,
        1,
        0,
    )
    assert [r.status for r in receiver.requests] == [500, 503, 200]
    ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert len(ids) == 1  # every retry repeats the webhook-id
    bodies = {r.body for r in receiver.requests}
    assert len(bodies) == 1  # and the same body, signed afresh each time
    for request in receiver.requests:
        Webhook(SECRET).verify(request.body, request.headers)
    [message] = _one(archive, AlertMessage)
    assert message.status == "delivered" and message.attempts == 3
    attempts = _one(archive, AlertAttempt)
    assert [a.outcome for a in attempts] == ["failed", "failed", "delivered"]
    assert attempts[0].error == "receiver answered HTTP 500"


def test_a_receiver_that_answers_410_gone_is_not_tried_again(sqlite_archive, receiver, monkeypatch):
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    config = make_config(
        {"name": "hook", "webhook": receiver.url, "webhook_secret_env": "HOOK_SECRET"}
    )
    change_decision(sqlite_archive, config, 1, [FIGURE])
    receiver.answers = [410]
    deliver_due(config, sqlite_archive, now=T0)
    deliver_due(config, sqlite_archive, now=T0 + timedelta(days=2))
    assert len(receiver.requests) == 1
    [message] = _one(sqlite_archive, AlertMessage)
    assert message.status == "failed" and "410" in message.last_error


def test_an_smtp_outage_keeps_the_email_queued_and_never_records_the_password(
    archive, smtp_server, monkeypatch
):
    import socket

    with socket.socket() as s:  # a port with nothing listening: the SMTP server is "down"
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    monkeypatch.setenv("SMTP_PASSWORD", "hunter2-very-secret")
    sub = {"name": "campaign", "email": "campaign@example.org"}
    down = make_config(sub, smtp_port=dead_port)
    down = down.model_copy(
        update={
            "smtp": down.smtp.model_copy(update={"username": "cw", "password_env": "SMTP_PASSWORD"})
        }
    )
    change_decision(archive, down, 1, [FIGURE])

    failed = deliver_due(down, archive, now=T0)
    assert failed.failed == 1 and failed.delivered == 0
    [message] = _one(archive, AlertMessage)
    assert message.status == "pending" and "ConnectionRefusedError" in message.last_error
    assert "hunter2" not in message.last_error and "hunter2" not in " ".join(failed.errors)

    up = make_config(sub, smtp_port=smtp_server.port)
    back = deliver_due(up, archive, now=T0 + timedelta(minutes=10))
    assert back.delivered == 1
    [mail] = smtp_server.inbox.messages
    assert mail["Message-ID"] == f"<{message.uid}@cw.example>"


def test_one_crawl_with_many_changes_sends_one_email_and_one_webhook_per_document(
    sqlite_archive, smtp_server, receiver, both_channels
):
    config = both_channels
    for ident in (1, 2, 3):
        change_decision(sqlite_archive, config, ident, [FIGURE, STATUS], title=f"Decision {ident}")

    deliver_due(config, sqlite_archive, now=T0)

    [mail] = smtp_server.inbox.messages
    text = mail.get_body(("plain",)).get_content()
    assert all(f"Decision {i}" in text for i in (1, 2, 3))
    assert mail["Subject"] == "councilwatch: 6 changes in 3 documents"
    keys = sorted(r.json["document"]["key"] for r in receiver.requests)
    assert keys == ["oxon:decision:1", "oxon:decision:2", "oxon:decision:3"]
    assert all(len(r.json["changes"]) == 2 for r in receiver.requests)


def test_enqueueing_the_same_changes_again_queues_nothing_new(sqlite_archive):
    config = make_config({"name": "feed", "feed": "feed.xml", "email": "a@example.org"})
    ids = change_decision(sqlite_archive, config, 1, [FIGURE])
    with sqlite_archive.session() as session:
        changes = session.scalars(select(Change).where(Change.id.in_(ids))).all()
        assert enqueue_alerts(session, config, changes, now=T0 + timedelta(hours=1)) == 0
        assert session.scalar(select(func.count()).select_from(AlertItem)) == 2


def test_a_daily_digest_gathers_a_days_changes_into_one_message(archive, smtp_server):
    config = make_config(
        {"name": "digest", "email": "digest@example.org", "digest": "daily", "digest_hour": 7},
        smtp_port=smtp_server.port,
    )
    # 09:00, 12:00 and 18:00 UK time on 23 November (GMT): all due at 07:00 on the 24th.
    for ident, hour in ((1, 9), (2, 12), (3, 18)):
        change_decision(
            archive, config, ident, [FIGURE], title=f"Decision {ident}", now=T0.replace(hour=hour)
        )

    evening = deliver_due(config, archive, now=T0.replace(hour=23))
    assert evening.delivered == 0 and evening.waiting == 3
    assert smtp_server.inbox.messages == []

    morning = deliver_due(config, archive, now=T0.replace(hour=7) + timedelta(days=1))
    assert morning.delivered == 1
    [mail] = smtp_server.inbox.messages
    text = mail.get_body(("plain",)).get_content()
    assert all(f"Decision {i}" in text for i in (1, 2, 3))


def test_the_daily_digest_hour_is_uk_time_in_summer_too():
    from datetime import UTC, datetime

    from alerts.outbox import next_digest_time

    # 1 July: 07:00 BST is 06:00 UTC.
    due = next_digest_time(datetime(2026, 7, 1, 9, 0, tzinfo=UTC), 7)
    assert due.astimezone(UTC) == datetime(2026, 7, 2, 6, 0, tzinfo=UTC)
    # Across the October clock change the hour stays 07:00 local.
    due = next_digest_time(datetime(2026, 10, 24, 12, 0, tzinfo=UTC), 7)
    assert due.astimezone(UTC) == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)


def test_an_apprise_notification_arrives(sqlite_archive, receiver, monkeypatch):
    port = receiver.url.split(":")[2].split("/")[0]
    monkeypatch.setenv("CHAT_URL", f"json://127.0.0.1:{port}/hook")
    config = make_config({"name": "chat", "apprise_env": "CHAT_URL"})
    change_decision(sqlite_archive, config, 1, [FIGURE])

    report = deliver_due(config, sqlite_archive, now=T0)

    assert report.delivered == 1
    [request] = receiver.requests
    body = request.json
    assert "Children's centres" in body["title"]
    assert "children's centres: 44 -> 31" in body["message"]


def test_an_atom_feed_lists_each_change_once_with_stable_ids(sqlite_archive, tmp_path):
    import xml.etree.ElementTree as ET

    config = make_config({"name": "readers", "feed": "feeds/readers.xml"}, tmp_path=tmp_path)
    change_decision(sqlite_archive, config, 1, [FIGURE], title="Decision <one>")
    assert deliver_due(config, sqlite_archive, now=T0).feeds == 1
    change_decision(
        sqlite_archive, config, 2, [STATUS], title="Decision two", now=T0 + timedelta(hours=1)
    )
    assert deliver_due(config, sqlite_archive, now=T0 + timedelta(hours=1)).feeds == 1
    assert deliver_due(config, sqlite_archive, now=T0 + timedelta(hours=2)).feeds == 0

    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.parse(tmp_path / "feeds" / "readers.xml").getroot()
    entries = root.findall(f"{atom}entry")
    titles = [e.find(f"{atom}title").text for e in entries]
    assert titles == [
        "Decision two: status: Recommendations Approved -> Called In",
        "Decision <one>: children's centres: 44 -> 31",
    ]
    ids = [e.find(f"{atom}id").text for e in entries]
    assert len(set(ids)) == 2 and all(i.startswith("tag:councilwatch,2026:readers/") for i in ids)


def test_a_subscription_hears_only_about_its_sources_kinds_topics_and_committees(sqlite_archive):
    config = make_config(
        {"name": "everything", "feed": "a.xml"},
        {"name": "figures", "feed": "b.xml", "kinds": ["figure"]},
        {"name": "children", "feed": "c.xml", "topics": ["childrens-services"]},
        {"name": "cabinet", "feed": "d.xml", "committees": ["cabinet"]},
        {"name": "planning", "feed": "e.xml", "committees": ["Planning Committee"]},
        {"name": "elsewhere", "feed": "f.xml", "sources": ["other"]},
        {"name": "wording", "feed": "g.xml", "kinds": ["text"]},
    )
    change_decision(sqlite_archive, config, 1, [FIGURE, STATUS])
    with sqlite_archive.session() as session:
        queued = session.execute(
            select(AlertItem.subscription, func.count()).group_by(AlertItem.subscription)
        ).all()
    assert dict(queued) == {"everything": 2, "figures": 1, "children": 2, "cabinet": 2}


def test_alerts_for_a_subscription_removed_from_the_config_are_dropped_not_sent(
    sqlite_archive, smtp_server
):
    config = make_config({"name": "gone", "email": "gone@example.org"}, smtp_port=smtp_server.port)
    change_decision(sqlite_archive, config, 1, [FIGURE])
    report = deliver_due(make_config(smtp_port=smtp_server.port), sqlite_archive, now=T0)
    assert report.delivered == 0 and smtp_server.inbox.messages == []
    [item] = _one(sqlite_archive, AlertItem)
    assert item.status == "dropped"


def test_the_webhook_payload_is_json_the_receiver_can_parse(sqlite_archive, receiver, monkeypatch):
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    config = make_config(
        {"name": "hook", "webhook": receiver.url, "webhook_secret_env": "HOOK_SECRET"}
    )
    change_decision(
        sqlite_archive,
        config,
        1,
        [ChangeView("decision", "decision: “£14m” for centres", "a", "b")],
    )
    deliver_due(config, sqlite_archive, now=T0)
    [request] = receiver.requests
    assert (
        json.loads(request.body.decode("utf-8"))["changes"][0]["summary"]
        == "decision: “£14m” for centres"
    )


def test_the_readme_signature_snippet_verifies_a_real_delivery(
    sqlite_archive, receiver, monkeypatch
):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"Verifying a delivery.*?```python\n(.*?)```", readme, re.S).group(1)
    namespace: dict = {}
    exec(snippet, namespace)  # noqa: S102 - our own documentation
    verify = namespace["verify"]

    monkeypatch.setenv("HOOK_SECRET", SECRET)
    config = make_config(
        {"name": "hook", "webhook": receiver.url, "webhook_secret_env": "HOOK_SECRET"}
    )
    change_decision(sqlite_archive, config, 1, [FIGURE])
    deliver_due(config, sqlite_archive, now=T0)
    [request] = receiver.requests

    assert verify(SECRET, request.headers, request.body)["document"]["key"] == "oxon:decision:1"
    tampered = request.body.replace(b"31", b"32")
    try:
        verify(SECRET, request.headers, tampered)
    except ValueError as exc:
        assert "bad signature" in str(exc)
    else:
        raise AssertionError("a tampered body passed verification")


def test_the_importer_queues_alerts_in_the_same_transaction_as_the_change(archive):
    from monitor.importer import import_pages
    from tests.helpers.alert_helpers import decision_page

    config = make_config({"name": "campaign", "email": "campaign@example.org"})
    before = decision_page(7, "Children's centres", "Recommendations Approved", "Fund 44 centres.")
    after = decision_page(7, "Children's centres", "Called In", "Fund 44 centres.")

    def imported(page, now):
        return import_pages(
            session, config, "oxon", "moderngov", [page], crawl_run_id=None, now=now,
            on_changes=enqueue_alerts,
        )[0]  # fmt: skip

    with archive.session() as session:
        imported(before, T0)

    class Crash(Exception):
        pass

    try:  # the page's transaction dies after the change and its alert were written
        with archive.session() as session:
            assert imported(after, T0).changes
            assert session.scalar(select(func.count()).select_from(AlertItem)) >= 1
            raise Crash
    except Crash:
        pass
    with archive.session() as session:
        assert session.scalar(select(func.count()).select_from(Change)) == 0
        assert session.scalar(select(func.count()).select_from(AlertItem)) == 0

    with archive.session() as session:
        imported(after, T0)
    with archive.session() as session:
        imported(after, T0 + timedelta(hours=6))  # the same page again: nothing new
    with archive.session() as session:
        items = session.scalars(select(AlertItem)).all()
        assert [i.change.kind for i in items] == ["status"]
        assert items[0].subscription == "campaign" and items[0].channel == "email"


def test_a_preview_renders_what_would_be_sent_without_queueing_or_sending(sqlite_archive):
    from alerts.preview import preview_alerts

    config = make_config(
        {
            "name": "campaign",
            "email": "c@example.org",
            "webhook": "http://127.0.0.1:9/h",
            "webhook_secret_env": "UNSET_SECRET",
        },
        {"name": "figures", "email": "f@example.org", "kinds": ["figure"]},
    )
    ids = change_decision(sqlite_archive, make_config(), 1, [FIGURE, STATUS])
    with sqlite_archive.session() as session:
        changes = session.scalars(select(Change).where(Change.id.in_(ids))).all()
        previews = preview_alerts(session, config, changes)
        assert session.scalar(select(func.count()).select_from(AlertItem)) == 0
    kinds = {(p.subscription, p.channel) for p in previews}
    assert kinds == {("campaign", "email"), ("campaign", "webhook"), ("figures", "email")}
    figures_mail = next(p.rendered for p in previews if p.subscription == "figures")
    assert "status" not in figures_mail.get_body(("plain",)).get_content().split("-- ")[0].lower()
    payload = next(p.rendered for p in previews if p.channel == "webhook")
    assert [c["kind"] for c in payload["changes"]] == ["figure", "status"]


def test_a_title_with_line_breaks_cannot_inject_email_headers(sqlite_archive, smtp_server):
    config = make_config({"name": "c", "email": "c@example.org"}, smtp_port=smtp_server.port)
    change_decision(sqlite_archive, config, 1, [FIGURE], title="Budget\r\nBcc: victim@example.org")
    assert deliver_due(config, sqlite_archive, now=T0).delivered == 1
    [mail] = smtp_server.inbox.messages
    assert mail["Bcc"] is None
    assert "Budget Bcc: victim@example.org" in mail["Subject"]
    [envelope] = smtp_server.inbox.envelopes
    assert envelope.rcpt_tos == ["c@example.org"]


def test_an_unexpected_error_while_sending_is_recorded_and_retried(sqlite_archive, monkeypatch):
    import alerts.channels.apprise

    monkeypatch.setenv("CHAT_URL", "json://127.0.0.1:9/secret-token-in-url")
    config = make_config({"name": "chat", "apprise_env": "CHAT_URL"})
    change_decision(sqlite_archive, config, 1, [FIGURE])

    def broken(*args, **kwargs):
        raise KeyError("json://127.0.0.1:9/secret-token-in-url")

    monkeypatch.setattr(alerts.channels.apprise, "send_notification", broken)
    report = deliver_due(config, sqlite_archive, now=T0)
    assert report.failed == 1
    [message] = _one(sqlite_archive, AlertMessage)
    assert message.status == "pending" and message.attempts == 1
    assert message.last_error == "unexpected error while sending (KeyError)"


def test_maintainers_hear_once_when_a_subscriber_channel_fails_for_days_and_once_when_it_recovers(
    archive, receiver, smtp_server, monkeypatch
):
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    config = make_config(
        {"name": "campaign", "webhook": receiver.url, "webhook_secret_env": "HOOK_SECRET"},
        smtp_port=smtp_server.port,
        maintainers={"email": "ops@example.org"},
    )
    change_decision(archive, config, 1, [FIGURE])
    receiver.answers = [500] * 100

    now = T0
    for _ in range(11):  # the whole backoff schedule (over three days) and two daily retries
        deliver_due(config, archive, now=now)
        now += timedelta(days=1, hours=3)
    receiver.answers.clear()
    change_decision(archive, config, 2, [STATUS], title="Decision 2", now=now)
    deliver_due(config, archive, now=now)  # the receiver is back

    assert smtp_server.inbox.subjects() == failing_then_back("alerts to campaign by webhook")
    text = smtp_server.inbox.text(0)
    assert "9 attempts failed; the last: receiver answered HTTP 500" in text
    assert len(receiver.acknowledged()) == 2


def test_webhooks_to_a_slow_receiver_are_sent_side_by_side_each_exactly_once(
    sqlite_archive, monkeypatch
):
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[str] = []
    in_flight = [0, 0]  # now, most at once
    lock = threading.Lock()

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("content-length", 0)))
            with lock:
                in_flight[0] += 1
                in_flight[1] = max(in_flight[1], in_flight[0])
                seen.append(self.headers["webhook-id"])
            time.sleep(0.2)
            with lock:
                in_flight[0] -= 1
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    config = make_config({"name": "campaign", "webhook": url, "webhook_secret_env": "HOOK_SECRET"})
    try:
        for ident in range(1, 13):
            change_decision(sqlite_archive, config, ident, [FIGURE], title=f"Decision {ident}")
        report = deliver_due(config, sqlite_archive, now=T0)
        again = deliver_due(config, sqlite_archive, now=T0 + timedelta(days=1))
    finally:
        server.shutdown()
        server.server_close()

    assert report.delivered == 12 and report.failed == 0 and again.delivered == 0
    assert len(seen) == 12 and len(set(seen)) == 12
    assert in_flight[1] > 1  # not one at a time
    delivered = _one(sqlite_archive, AlertMessage, AlertMessage.status == "delivered")
    assert sorted(m.uid for m in delivered) == sorted(seen)
