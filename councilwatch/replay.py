"""A replay server: a real HTTP server on 127.0.0.1 that serves saved pages by URL path and query.

Spider tests, `councilwatch demo` and the benchmarks crawl it instead of the
internet. A site is a folder with a `routes.toml`:

    ["/ieListDocuments.aspx?CId=711&MId=10221&Ver=4"]
    file = "meeting.html"                # relative to the folder

    ["/mgWebService.asmx/GetMeetings"]   # no query: matches any query on this path
    file = "GetMeetings.xml"

    ["/mgWebService.asmx/GetCommittees"]
    status = 500                         # also: delay (seconds), content_type, headers

Loading a second folder over the first swaps in its pages (a council's edit).
Responses carry an ETag and answer If-None-Match with 304, as many servers do;
a route can say `conditional = false` to behave like the many that don't.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
import time
import tomllib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

ROBOTS_ALLOW_ALL = b"User-agent: *\nAllow: /\n"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    conditional: bool = True


@dataclass
class Hit:
    method: str
    target: str
    headers: dict[str, str]
    status: int


def _normal_query(target: str) -> str:
    """Query parameters sorted and keys lower-cased: ModernGov links spell `MId` and `MID`."""
    parts = urlsplit(target)
    query = sorted((k.lower(), v) for k, v in parse_qsl(parts.query, keep_blank_values=True))
    return parts.path + ("?" + urlencode(query) if query else "")


class ReplayServer:
    def __init__(self, folder: str | Path | None = None, host: str = "127.0.0.1", port: int = 0):
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        if folder is not None:
            self.load(folder)

    # -- routes ---------------------------------------------------------------
    def add(self, target: str, body: bytes | str | Path = b"", **options) -> None:
        if isinstance(body, Path):
            options.setdefault("content_type", _guess_type(body))
            body = body.read_bytes()
        elif isinstance(body, str):
            body = body.encode("utf-8")
        with self._lock:
            self.routes[_normal_query(target)] = Route(body=body, **options)

    def remove(self, target: str) -> None:
        with self._lock:
            self.routes.pop(_normal_query(target), None)

    def load(self, folder: str | Path) -> None:
        """Serve the routes of `folder/routes.toml`, replacing any with the same target."""
        folder = Path(folder)
        spec = tomllib.loads((folder / "routes.toml").read_text(encoding="utf-8"))
        for target, options in spec.items():
            options = dict(options)
            if "file" in options:
                body: bytes | str | Path = folder / options.pop("file")
            else:
                body = options.pop("body", "")
            if options.pop("remove", False):
                self.remove(target)
                continue
            self.add(target, body, **options)

    # -- serving --------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> ReplayServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def requested(self, path_prefix: str) -> list[Hit]:
        return [h for h in self.hits if h.target.startswith(path_prefix)]

    def _find(self, target: str) -> Route | None:
        with self._lock:
            normal = _normal_query(target)
            return self.routes.get(normal) or self.routes.get(urlsplit(normal).path)

    def _handler_class(self):
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (the stdlib's name)
                self._answer(send_body=True)

            def do_HEAD(self):  # noqa: N802
                self._answer(send_body=False)

            def _answer(self, send_body: bool) -> None:
                route = replay._find(self.path)
                if route is None and urlsplit(self.path).path == "/robots.txt":
                    route = Route(body=ROBOTS_ALLOW_ALL, content_type="text/plain")
                if route is None:
                    route = Route(body=b"<html><body><h1>Not found</h1></body></html>", status=404)
                if route.delay:
                    time.sleep(route.delay)
                status = route.status
                etag = '"' + hashlib.sha1(route.body).hexdigest() + '"'
                if (
                    status == 200
                    and route.conditional
                    and self.headers.get("If-None-Match") == etag
                ):
                    status = 304
                replay.hits.append(Hit("GET", self.path, dict(self.headers.items()), status))
                self.send_response(status)
                if status != 304:
                    self.send_header(
                        "Content-Type", route.content_type or "text/html; charset=utf-8"
                    )
                    self.send_header("Content-Length", str(len(route.body)))
                else:
                    self.send_header("Content-Length", "0")
                if route.conditional and route.status == 200:
                    self.send_header("ETag", etag)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if send_body and status != 304:
                    try:
                        self.wfile.write(route.body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

            def log_message(self, *args):  # quiet: tests read `hits` instead
                pass

        return Handler


def _guess_type(path: Path) -> str:
    if path.suffix in (".html", ".htm", ".aspx"):
        return "text/html; charset=utf-8"
    if path.suffix == ".xml":
        return "text/xml; charset=utf-8"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"
