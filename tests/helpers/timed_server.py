"""A small real HTTP server whose answers are Python functions, and which notes when each
request arrived: the politeness tests measure the gaps between a crawl's requests at
the server, where they happen."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# (status, headers, body) for a request's path; called once per request.
Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Arrival:
    path: str
    at: float  # time.monotonic() when the request line was read


def gaps(times: list[float]) -> list[float]:
    """The time between each request and the next."""
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def page(text: str) -> Answer:
    body = f"<html><head><title>{text}</title></head><body><main><h1>{text}</h1>"
    body += f"<p>{text}: the council proposes to save £2.3m a year.</p></main></body></html>"
    return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()


class TimedServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, Callable[[int], Answer]] = {}
        self.arrivals: list[Arrival] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, 0), self._handler())
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def route(self, path: str, answer: Callable[[int], Answer]) -> None:
        """`answer(n)` answers the n-th request (from 1) for `path`; path "*" answers every
        path that has no answer of its own, but robots.txt."""
        self.routes[path] = answer

    def times(self, path: str | None = None) -> list[float]:
        """When the requests for `path` arrived; without it, those for any page but
        robots.txt."""
        return [
            a.at for a in self.arrivals if (a.path == path if path else a.path != "/robots.txt")
        ]

    def __enter__(self) -> TimedServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (the stdlib's name)
                path = urlsplit(self.path).path
                with server._lock:
                    server.arrivals.append(Arrival(path, time.monotonic()))
                    n = sum(1 for a in server.arrivals if a.path == path)
                answer = server.routes.get(path)
                if answer is None and path != "/robots.txt":
                    answer = server.routes.get("*")
                if answer is not None:
                    status, headers, body = answer(n)
                elif path == "/robots.txt":
                    status, headers, body = 200, {"Content-Type": "text/plain"}, b""
                else:
                    status, headers, body = (
                        404,
                        {"Content-Type": "text/html"},
                        b"<h1>Not found</h1>",
                    )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler
