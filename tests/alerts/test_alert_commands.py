"""`councilwatch alerts send|list|test` as a user or cron runs them, including a sender killed mid-send."""

from __future__ import annotations

import json
import subprocess
import threading

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from alerts.delivery import deliver_due
from core.config import load_config
from councilwatch.cli import app
from storage.models import AlertItem, AlertMessage
from tests.helpers.alert_helpers import FIGURE, SECRET, STATUS, change_decision, make_config
from tests.helpers.command import start


@pytest.fixture
def run_here(tmp_path, sqlite_url):
    """The alerts commands in this process (fast), on the test's config and SQLite archive.
    The real console script, in a child process, is used where the process matters."""

    def run(*args: str, env: dict | None = None):
        base = ["--config", str(tmp_path / "councilwatch.toml"), "--db", sqlite_url]
        return CliRunner().invoke(app, [*base, *args], env=env or {})

    return run


def _config_file(write_config, receiver_url: str, smtp_port: int = 9) -> None:
    write_config(
        f"""
[[sources]]
name = "oxon"
type = "moderngov"
base_url = "http://127.0.0.1:9/"

[[subscriptions]]
name = "campaign"
webhook = "{receiver_url}"
webhook_secret_env = "CAMPAIGN_SECRET"

[[subscriptions]]
name = "mail"
email = "mail@example.org"

[smtp]
host = "127.0.0.1"
port = {smtp_port}
sender = "councilwatch <alerts@cw.example>"
"""
    )


def test_killing_the_sender_mid_run_and_re_running_delivers_each_alert_exactly_once(
    archive, db_url, receiver, write_config, cli, tmp_path, monkeypatch
):
    _config_file(write_config, receiver.url)
    config = make_config(
        {"name": "campaign", "webhook": receiver.url, "webhook_secret_env": "CAMPAIGN_SECRET"}
    )
    change_decision(archive, config, 1, [FIGURE], title="Decision 1")
    change_decision(archive, config, 2, [STATUS], title="Decision 2")

    # The receiver holds the requests: the sender has sent, and is killed before
    # it can hear the answer or record anything.
    receiver.hold = threading.Event()
    sender = start(
        tmp_path, "alerts", "send", db=db_url, env={"CAMPAIGN_SECRET": SECRET},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert receiver.arrived.wait(60), "the sender never reached the receiver"
    finally:
        sender.kill()
        sender.wait()
    receiver.hold.set()
    # One request, or both: webhooks about different documents are sent side by side.
    unanswered = list(receiver.requests)
    assert unanswered

    again = cli("alerts", "send", db=db_url, env={"CAMPAIGN_SECRET": SECRET})
    assert again.returncode == 0, again.stderr
    monkeypatch.setenv("CAMPAIGN_SECRET", SECRET)
    assert deliver_due(load_config(tmp_path / "councilwatch.toml"), archive).delivered == 0

    acknowledged = receiver.acknowledged()
    ids = [r.headers["webhook-id"] for r in acknowledged]
    assert len(ids) == len(set(ids)) == 2  # each alert acknowledged exactly once
    # The retries carried the same ids.
    assert {r.headers["webhook-id"] for r in unanswered} <= set(ids)
    keys = sorted(r.json["document"]["key"] for r in acknowledged)
    assert keys == ["oxon:decision:1", "oxon:decision:2"]
    with archive.session() as session:
        messages = session.scalars(select(AlertMessage)).all()
        assert sorted(m.uid for m in messages) == sorted(ids)
        assert all(m.status == "delivered" and m.attempts == 1 for m in messages)


def test_alerts_list_shows_the_outbox_and_failures_without_secrets(
    sqlite_archive, receiver, write_config, run_here
):
    _config_file(write_config, receiver.url)
    config = make_config(
        {"name": "campaign", "webhook": receiver.url, "webhook_secret_env": "CAMPAIGN_SECRET"}
    )
    change_decision(sqlite_archive, config, 1, [FIGURE])
    receiver.answers = [500]

    sent = run_here("alerts", "send", env={"CAMPAIGN_SECRET": SECRET})
    assert sent.exit_code == 1
    assert "receiver answered HTTP 500" in sent.stderr

    listed = run_here("alerts", "list", "--json", env={"CAMPAIGN_SECRET": SECRET})
    assert listed.exit_code == 0, listed.stderr
    data = json.loads(listed.stdout)
    [message] = data["messages"]
    assert message["subscription"] == "campaign" and message["channel"] == "webhook"
    assert message["status"] == "pending"
    assert message["attempts"][0]["outcome"] == "failed"
    assert message["last_error"] == "receiver answered HTTP 500"
    assert message["next_attempt_at"] is not None
    assert SECRET not in listed.stdout

    text = run_here("alerts", "list", "--failed")
    assert text.exit_code == 0, text.stderr
    assert "last error: receiver answered HTTP 500" in text.stdout


def test_a_missing_secret_is_named_not_shown_and_the_alert_waits(
    sqlite_archive, sqlite_url, receiver, write_config, cli
):
    _config_file(write_config, receiver.url)
    config = make_config(
        {"name": "campaign", "webhook": receiver.url, "webhook_secret_env": "CAMPAIGN_SECRET"}
    )
    change_decision(sqlite_archive, config, 1, [FIGURE])
    result = cli("alerts", "send", db=sqlite_url, env={"CAMPAIGN_SECRET": ""})
    # Refused before anything is sent: one line naming the variable, and the alert stays queued.
    assert result.returncode == 2
    assert "webhook_secret_env: $CAMPAIGN_SECRET is not set" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert receiver.requests == []
    with sqlite_archive.session() as session:
        assert session.scalars(select(AlertItem.status)).all() == ["pending"]


def test_alerts_test_sends_a_labelled_test_email(smtp_server, write_config, run_here):
    _config_file(write_config, "http://127.0.0.1:9/hook", smtp_port=smtp_server.port)
    result = run_here("alerts", "test", "mail")
    assert result.exit_code == 0, result.stderr
    assert "email: sent" in result.stdout
    [mail] = smtp_server.inbox.messages
    assert mail["Subject"].startswith("[test] ")
    assert "test message" in mail.get_body(("plain",)).get_content()


def test_alerts_test_names_an_unknown_subscription_in_one_line(write_config, cli, sqlite_url):
    _config_file(write_config, "http://127.0.0.1:9/hook")
    result = cli("alerts", "test", "nobody", db=sqlite_url)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "councilwatch: unknown subscription 'nobody' (known: campaign, mail)"
    ]


def test_every_alerts_command_has_help_with_an_example(run_here):
    for command in ("send", "list", "test"):
        result = run_here("alerts", command, "--help")
        assert result.exit_code == 0, result.stderr
        assert "Example: councilwatch alerts" in result.stdout


def test_alerts_send_without_a_config_file_refuses_rather_than_dropping_the_queue(
    tmp_path, sqlite_url, monkeypatch
):
    from core.config import ConfigError

    monkeypatch.chdir(tmp_path)  # no councilwatch.toml here
    result = CliRunner().invoke(
        app, ["--db", sqlite_url, "alerts", "send"], env={"COUNCILWATCH_CONFIG": None}
    )
    assert isinstance(result.exception, ConfigError)
    assert "no councilwatch.toml here" in str(result.exception)
