"""Real receivers for alert tests: an SMTP server (aiosmtpd) and an HTTP server on 127.0.0.1,
(helpers to make changes are in tests/helpers/alert_helpers.py)."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.helpers.databases import opened_archive
from tests.helpers.smtp_server import serve_smtp


class _Inbox:
    """What the SMTP server received: parsed messages, and their SMTP envelopes."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.envelopes.append(envelope)
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
        return "250 OK"

    def subjects(self) -> list[str]:
        return [m["Subject"] for m in self.messages]

    def text(self, n: int) -> str:
        """The plain-text body of the n-th message."""
        return self.messages[n].get_body(("plain",)).get_content()


@pytest.fixture
def sqlite_archive(sqlite_url):
    """For tests about what a message says rather than how the database behaves."""
    with opened_archive(sqlite_url) as archive:
        yield archive


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1; `.inbox.messages` holds what arrived, parsed."""
    with serve_smtp(_Inbox()) as server:
        yield server


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None  # what we answered (None: never answered)

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook receiver. `answers` are the statuses for the next requests (then 200)."""

    url: str = ""
    answers: list[int] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    # When set, requests wait here until released: to catch a sender in the middle of a send.
    hold: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)

    def acknowledged(self) -> list[Request]:
        return [r for r in self.requests if r.status is not None and 200 <= r.status < 300]


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("content-length", 0))
            request = Request(
                self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
            )
            state.requests.append(request)
            state.arrived.set()
            if state.hold is not None and not state.hold.is_set():
                state.hold.wait(30)
                return  # never answers: the sender was killed meanwhile
            status = state.answers.pop(0) if state.answers else 200
            request.status = status
            self.send_response(status)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        if state.hold is not None:
            state.hold.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def campaign_subscription(smtp_server, receiver):
    """A config's TOML for subscription `campaign`, alerted by email and by a webhook signed
    with the secret in CAMPAIGN_SECRET, to the test's servers; `only` is its filter lines."""

    def toml(only: str) -> str:
        return f"""
[[subscriptions]]
name = "campaign"
email = "campaign@example.org"
webhook = "{receiver.url}"
webhook_secret_env = "CAMPAIGN_SECRET"
{only}

[smtp]
host = "127.0.0.1"
port = {smtp_server.port}
sender = "councilwatch <alerts@cw.example>"
"""

    return toml
