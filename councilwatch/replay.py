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

By default it answers the way the IIS servers of ModernGov hosts and the CDNs in front of
news sites do, because a crawler tested against a politer server than the real ones
fails on the real ones:
- text (HTML, XML, RSS, JSON) is compressed when the request's Accept-Encoding allows it
  (gzip, then br, zstd, deflate, in that order of preference; br and zstd when their
  libraries, which Scrapy uses too, are installed), with `Vary: Accept-Encoding`;
  PDFs, Word files, images and `.gz` files are sent as they are;
- a 200 carries an ETag (weak, `W/"..."`, when compressed, as nginx does) and a
  Last-Modified (when the route was loaded; later for a changed body), and a matching
  If-None-Match, or else an If-Modified-Since not before it, is answered 304;
- bodies over `CHUNKED_OVER` bytes (as sent) go out with chunked transfer encoding;
- every answer sets an `ASP.NET_SessionId` cookie and says `Server: Microsoft-IIS/10.0`,
  `X-Powered-By: ASP.NET`.

A route opts out of each, like the many servers that don't: `compress = false` (or one
encoding, `compress = "br"`, used when accepted), `conditional = false` (no validators,
never 304), `chunked = false` (always Content-Length) or `true` (always chunked),
`iis = false` (no cookie, no IIS headers). `ReplayServer(compress=False)` turns
compression off for every route: the plain server the compressed crawl is compared with.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import secrets
import threading
import time
import tomllib
import zlib
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

try:  # Scrapy decodes br and zstd with the same libraries, when they are installed
    import brotli
except ImportError:  # pragma: no cover - a hard Scrapy dependency since 2.18
    brotli = None
try:
    from compression import zstd  # Python 3.14+
except ImportError:
    try:
        from backports import zstd
    except ImportError:  # pragma: no cover
        zstd = None

ROBOTS_ALLOW_ALL = b"User-agent: *\nAllow: /\n"
NOT_FOUND = b"<html><body><h1>Not found</h1></body></html>"
# The server's order of preference among the encodings a request accepts (br and zstd
# only when their libraries are installed).
ENCODINGS = tuple(
    name
    for name, available in (("gzip", True), ("br", brotli), ("zstd", zstd), ("deflate", True))
    if available
)
# Bodies (as sent, after compression) over this many bytes go out chunked, as IIS and
# nginx send what they compress on the fly.
CHUNKED_OVER = 16 * 1024
CHUNK = 8 * 1024
IIS_SERVER = "Microsoft-IIS/10.0"
IIS_POWERED_BY = "ASP.NET"


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body, mtime=0)
    if encoding == "br":
        return brotli.compress(body)
    if encoding == "zstd":
        return zstd.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)  # zlib-wrapped, as the RFC says (IIS sends raw deflate)
    raise ValueError(f"unknown encoding {encoding!r}")


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    conditional: bool = True
    compress: bool | str = True  # or one of ENCODINGS
    chunked: bool | None = None  # None: when the body sent is over CHUNKED_OVER
    iis: bool = True
    modified: float = 0.0  # Last-Modified, whole seconds since the epoch


@dataclass
class Hit:
    method: str
    target: str
    headers: dict[str, str]
    status: int
    encoding: str | None = None  # the Content-Encoding sent, if any
    chunked: bool = False


def _normal_query(target: str) -> str:
    """Query parameters sorted and keys lower-cased: ModernGov links spell `MId` and `MID`."""
    parts = urlsplit(target)
    query = sorted((k.lower(), v) for k, v in parse_qsl(parts.query, keep_blank_values=True))
    return parts.path + ("?" + urlencode(query) if query else "")


def _accepted(header: str | None) -> dict[str, float]:
    """Accept-Encoding as {coding: q}; `identity` is not listed (it is always acceptable)."""
    accepted: dict[str, float] = {}
    for part in (header or "").split(","):
        coding, _, params = part.strip().partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        accepted["gzip" if coding == "x-gzip" else coding] = q
    return accepted


def _compressible(content_type: str | None) -> bool:
    """Text, as IIS and nginx compress by default; PDFs, images and .gz files are sent as is."""
    media = (content_type or "text/html").split(";")[0].strip().lower()
    return media.startswith("text/") or media.endswith(("xml", "json", "javascript"))


def _negotiates(route: Route) -> bool:
    """Whether the route's encoding depends on Accept-Encoding (and so says Vary)."""
    if route.compress is True:
        return _compressible(route.content_type)
    return route.compress is not False


def _choose_encoding(route: Route, header: str | None) -> str | None:
    if not _negotiates(route):
        return None
    accepted = _accepted(header)
    offered = ENCODINGS if route.compress is True else (route.compress,)
    for coding in offered:
        if accepted.get(coding, accepted.get("*", 0.0)) > 0:
            return coding
    return None


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/"x" matches "x" (RFC 9110 13.1.2)."""
    opaque = etag.removeprefix("W/")
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == opaque:
            return True
    return False


def _not_modified_since(header: str, modified: float) -> bool:
    try:
        since = parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError, IndexError):
        return False
    return modified <= since


class _Server(ThreadingHTTPServer):
    # A real site accepts a burst of connections; socketserver's default listen backlog of
    # 5 drops the connects of a client that opens many at once (urlwatch does), which
    # then wait a second to try again.
    request_queue_size = 128


class ReplayServer:
    def __init__(
        self,
        folder: str | Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        compress: bool = True,
    ):
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.compress = compress
        self._lock = threading.Lock()
        self._server = _Server((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        if folder is not None:
            self.load(folder)

    # -- routes ---------------------------------------------------------------
    def add(self, target: str, body: bytes | str | Path = b"", **options) -> None:
        if isinstance(body, Path):
            options.setdefault("content_type", guess_type(body))
            body = body.read_bytes()
        elif isinstance(body, str):
            body = body.encode("utf-8")
        key = _normal_query(target)
        now = float(int(time.time()))
        with self._lock:
            old = self.routes.get(key)
            modified = now
            if old is not None:
                # HTTP dates have whole seconds: a body changed within the second it was
                # loaded still gets a later Last-Modified, or If-Modified-Since would hide it.
                modified = old.modified if old.body == body else max(now, old.modified + 1)
            self.routes[key] = Route(body=body, modified=modified, **options)

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
                    route = Route(body=NOT_FOUND, status=404)
                if route.delay:
                    time.sleep(route.delay)
                encoding = _choose_encoding(route, self.headers.get("Accept-Encoding"))
                if not replay.compress:
                    encoding = None
                body = compress(route.body, encoding) if encoding else route.body
                validators = route.conditional and route.status == 200
                etag = '"' + hashlib.sha1(route.body).hexdigest() + '"'
                if encoding:
                    etag = "W/" + etag  # another representation of the same body
                status = route.status
                if validators:
                    if_none_match = self.headers.get("If-None-Match")
                    if_modified_since = self.headers.get("If-Modified-Since")
                    if (if_none_match and _etag_matches(if_none_match, etag)) or (
                        not if_none_match
                        and if_modified_since
                        and _not_modified_since(if_modified_since, route.modified)
                    ):
                        status = 304
                chunked = status != 304 and (
                    route.chunked if route.chunked is not None else len(body) > CHUNKED_OVER
                )
                replay.hits.append(
                    Hit(
                        self.command,
                        self.path,
                        dict(self.headers.items()),
                        status,
                        encoding=encoding if status != 304 else None,
                        chunked=chunked,
                    )
                )
                self._server_header = IIS_SERVER if route.iis else None
                self.send_response(status)
                if status != 304:
                    self.send_header(
                        "Content-Type", route.content_type or "text/html; charset=utf-8"
                    )
                    if encoding:
                        self.send_header("Content-Encoding", encoding)
                    if chunked:
                        self.send_header("Transfer-Encoding", "chunked")
                    else:
                        self.send_header("Content-Length", str(len(body)))
                if replay.compress and _negotiates(route):
                    self.send_header("Vary", "Accept-Encoding")
                if validators:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", formatdate(route.modified, usegmt=True))
                if route.iis:
                    if "X-Powered-By" not in route.headers:
                        self.send_header("X-Powered-By", IIS_POWERED_BY)
                    if "ASP.NET_SessionId=" not in (self.headers.get("Cookie") or ""):
                        session = secrets.token_hex(12)
                        self.send_header(
                            "Set-Cookie",
                            f"ASP.NET_SessionId={session}; path=/; HttpOnly; SameSite=Lax",
                        )
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if not send_body or status == 304:
                    return
                try:
                    if chunked:
                        for start in range(0, len(body), CHUNK):
                            piece = body[start : start + CHUNK]
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                        self.wfile.write(b"0\r\n\r\n")
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def version_string(self) -> str:  # the Server header
                return getattr(self, "_server_header", None) or super().version_string()

            def log_message(self, *args):  # quiet: tests read `hits` instead
                pass

        return Handler


def guess_type(path: Path) -> str:
    if path.suffix in (".html", ".htm", ".aspx"):
        return "text/html; charset=utf-8"
    if path.suffix == ".xml":
        return "text/xml; charset=utf-8"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"
