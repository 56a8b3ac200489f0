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
from aiosmtpd.controller import Controller


class _Inbox:
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


@pytest.fixture
def sqlite_archive(sqlite_url):
    """For tests about what a message says rather than how the database behaves."""
    from storage.db import open_archive

    archive = open_archive(sqlite_url)
    yield archive
    archive.dispose()


class _Controller(Controller):
    """aiosmtpd's Controller on port 0: learn the port the OS chose before the self-check
    connects to it (1.4.6 would connect to port 0)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1; `.inbox.messages` holds what arrived, parsed."""
    inbox = _Inbox()
    controller = _Controller(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    controller.inbox = inbox
    try:
        yield controller
    finally:
        controller.stop()


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
