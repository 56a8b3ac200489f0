"""Secrets named in the config (`*_env`) are checked before anything runs, and never appear
in any output or log, even with --verbose (Apprise's debug log included)."""

from __future__ import annotations

import base64
import threading

import pytest
from aiosmtpd.smtp import AuthResult

from tests.helpers.alert_helpers import SECRET
from tests.helpers.smtp_server import serve_smtp

PAGE_V1 = (
    "<html><head><title>Our response</title></head><body>"
    "<main><p>We object to closing 31 of 44 children's centres.</p></main></body></html>"
)
PAGE_V2 = PAGE_V1.replace("31 of 44", "29 of 44")

SMTP_PASSWORD = "smtp-pa55word-Qx7Zr2"
APPRISE_TOKEN = "appriseTokenA1b2C3d4E5"
APPRISE_PASSWORD = "apprisePassZ9y8X7"


class _Inbox:
    def __init__(self):
        self.messages = []
        self.logins = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(envelope)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login, auth_data.password))
        ok = auth_data.login == b"councilwatch" and auth_data.password == SMTP_PASSWORD.encode()
        return AuthResult(success=ok)


@pytest.fixture
def smtp_with_login():
    """An SMTP server that requires a login (no TLS on loopback) and records the mail."""
    inbox = _Inbox()
    with serve_smtp(inbox, authenticator=inbox.authenticate, auth_require_tls=False) as server:
        yield server


def _config(replay, receiver, smtp_port: int) -> str:
    return f"""
[[sources]]
name = "camp"
type = "page"
urls = ["{replay.url}response"]

[[subscriptions]]
name = "campaign"
email = "campaign@example.org"
webhook = "{receiver.url}"
webhook_secret_env = "CW_HOOK_SECRET"
apprise_env = "CW_APPRISE_URL"

[smtp]
host = "127.0.0.1"
port = {smtp_port}
username = "councilwatch"
password_env = "CW_SMTP_PASSWORD"
sender = "councilwatch <alerts@cw.example>"
"""


def test_a_verbose_crawl_and_delivery_never_shows_a_secret(
    replay, write_config, cli, sqlite_url, smtp_with_login, receiver, tmp_path
):
    replay.add("/response", PAGE_V1)
    write_config(_config(replay, receiver, smtp_with_login.port))
    port = receiver.url.split(":")[2].split("/")[0]
    apprise_url = f"json://cw:{APPRISE_PASSWORD}@127.0.0.1:{port}/apprise/{APPRISE_TOKEN}"
    env = {
        "CW_HOOK_SECRET": SECRET,
        "CW_APPRISE_URL": apprise_url,
        "CW_SMTP_PASSWORD": SMTP_PASSWORD,
    }
    # The first crawl logs to a file (logs/), the second, verbose, to stderr.
    runs = [cli("crawl", db=sqlite_url, env=env)]
    replay.add("/response", PAGE_V2)
    runs.append(cli("crawl", "--verbose", db=sqlite_url, env=env))
    runs.append(cli("alerts", "send", "--verbose", db=sqlite_url, env=env))
    runs.append(cli("alerts", "list", "--verbose", db=sqlite_url, env=env))
    for run in runs[:2]:
        assert run.returncode == 0, run.stdout + run.stderr

    # Everything was delivered, so every secret was used: by SMTP, the signer and Apprise.
    assert len(smtp_with_login.inbox.messages) == 1
    paths = sorted(r.path for r in receiver.requests)
    assert paths == ["/apprise/" + APPRISE_TOKEN, "/hook"]
    # Apprise's debug lines were shown, with the URL's credentials masked.
    assert "***" in runs[1].stderr

    secret_key = base64.b64decode(SECRET.removeprefix("whsec_")).decode()
    secrets = [SECRET, SECRET.removeprefix("whsec_"), secret_key, SMTP_PASSWORD]
    secrets += [apprise_url, APPRISE_TOKEN, APPRISE_PASSWORD]
    outputs = {f"run {n} {stream}": getattr(run, stream) for n, run in enumerate(runs)
               for stream in ("stdout", "stderr")}  # fmt: skip
    logs = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".log", ".txt", "")]
    assert any(p.suffix == ".log" for p in logs), "the crawls wrote no log file"
    for path in logs:
        outputs[str(path)] = path.read_text(encoding="utf-8", errors="replace")
    for where, text in outputs.items():
        for secret in secrets:
            assert secret not in text, f"{where} shows a secret"


@pytest.mark.parametrize(
    "command", [("crawl",), ("run",), ("alerts", "send"), ("alerts", "test", "campaign")]
)
def test_a_command_that_may_send_refuses_to_start_with_a_secret_unset(
    command, replay, write_config, cli, sqlite_url, receiver
):
    write_config(_config(replay, receiver, 25))
    env = {"CW_HOOK_SECRET": SECRET, "CW_SMTP_PASSWORD": SMTP_PASSWORD}  # no Apprise URL
    result = cli(*command, db=sqlite_url, env=env)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "subscriptions[0] (campaign).apprise_env: $CW_APPRISE_URL is not set" in result.stderr


def test_a_short_webhook_secret_is_refused(replay, write_config, cli, sqlite_url, receiver):
    write_config(_config(replay, receiver, 25))
    short = "whsec_" + base64.b64encode(b"too-short").decode()
    env = {"CW_HOOK_SECRET": short, "CW_SMTP_PASSWORD": "x", "CW_APPRISE_URL": "json://x"}
    result = cli("crawl", db=sqlite_url, env=env)
    assert result.returncode == 2
    assert "too short" in result.stderr and "at least 24" in result.stderr
    assert short not in result.stderr


def test_a_read_command_does_not_need_the_secrets(replay, write_config, cli, sqlite_url, receiver):
    write_config(_config(replay, receiver, 25))
    assert cli("db", "upgrade", db=sqlite_url).returncode == 0
    result = cli("changes", db=sqlite_url)
    assert result.returncode == 0, result.stderr
