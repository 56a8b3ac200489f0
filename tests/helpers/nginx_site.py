"""A real nginx (Debian's package) serving a static site the tests write, on a free port.

`StaticSite` takes the same `add(target, body, content_type=...)` calls as the replay
server, so the site builders in tests/helpers/web_sites.py (and the demo's folders) write the same pages
as files under nginx's root. nginx then answers as it does for any static site: gzip for
text (`gzip on` in tests/helpers/nginx.conf.template), ETag and Last-Modified from the file,
304 for a matching If-None-Match or If-Modified-Since. Targets with a query string have no
file to be and are left out (`skipped`), from this site and from any it is compared with.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from councilwatch.replay import guess_type

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
NGINX_PATHS = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")


def find_nginx() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return next((p for p in NGINX_PATHS if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StaticSite:
    """Pages as files under `root`, and the content type nginx is to give each."""

    def __init__(self, root: Path, url: str):
        self.root = root
        self.url = url
        self.types: dict[str, str] = {}  # URI of the file -> Content-Type
        self.skipped: list[str] = []
        self._mtime = 0.0

    def file_uri(self, target: str) -> str | None:
        if "?" in target:
            return None
        return target + "index.html" if target.endswith("/") else target

    def add(
        self, target: str, body: bytes | str | Path = b"", content_type: str | None = None, **_
    ) -> None:
        uri = self.file_uri(target)
        if uri is None:
            self.skipped.append(target)
            return
        if isinstance(body, Path):
            content_type = content_type or guess_type(body)
            body = body.read_bytes()
        elif isinstance(body, str):
            body = body.encode("utf-8")
        path = self.root / uri.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        # nginx's ETag is the file's mtime and size in hex, and its Last-Modified the mtime
        # in seconds: an edit always moves the mtime on by a second at least, as a
        # publisher's edit some time later would.
        self._mtime = max(time.time(), self._mtime + 1)
        os.utime(path, (self._mtime, self._mtime))
        self.types[uri] = content_type or "text/html; charset=utf-8"

    def types_conf(self) -> str:
        blocks = []
        for uri, ctype in sorted(self.types.items()):
            media, _, params = ctype.partition(";")
            charset = params.split("=", 1)[1].strip() if "charset=" in params else None
            blocks.append(
                f'location = {uri} {{ types {{ }} default_type "{media.strip()}"; '
                + (f"charset {charset}; charset_types *; " if charset else "charset off; ")
                + "}"
            )
        return "\n".join(blocks) + "\n"


@dataclass
class Hit:
    method: str
    uri: str
    status: int
    encoding: str  # the Content-Encoding sent, "-" for none
    content_type: str


class NginxServer:
    """One nginx process in the foreground (not a daemon), with its config, pid, logs and
    temporary files under `folder`; stopped with SIGTERM."""

    def __init__(self, binary: str, folder: Path):
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.site = StaticSite(folder / "root", self.url)
        self.site.root.mkdir(parents=True)
        self.process: subprocess.Popen | None = None

    def start(self) -> NginxServer:
        tmp = self.folder / "run"
        tmp.mkdir(exist_ok=True)
        (tmp / "types.conf").write_text(self.site.types_conf())
        conf = (
            TEMPLATE.read_text()
            .replace("@PORT@", str(self.port))
            .replace("@ROOT@", str(self.site.root))
            .replace("@TMP@", str(tmp))
        )
        (tmp / "nginx.conf").write_text(conf)
        log = open(tmp / "stderr.log", "wb")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [
                self.binary,
                "-p",
                str(tmp),
                "-e",
                str(tmp / "error.log"),
                "-c",
                str(tmp / "nginx.conf"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited {self.process.returncode}: {self._errors()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not listen on {self.port} within 15 s: {self._errors()}")

    def reload_types(self) -> None:
        """After pages were added under new URIs: restart with their types."""
        self.stop()
        self.start()

    def _errors(self) -> str:
        run = self.folder / "run"
        texts = [
            (run / n).read_text(errors="replace")
            for n in ("stderr.log", "error.log")
            if (run / n).exists()
        ]
        return " | ".join(t.strip() for t in texts if t.strip())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def hits(self) -> list[Hit]:
        path = self.folder / "run" / "access.log"
        if not path.exists():
            return []
        hits = []
        for line in path.read_text().splitlines():
            head, encoding, _, ctype, _ = line.split('"')
            method, uri, status, _ = head.split()
            hits.append(Hit(method, uri, int(status), encoding, ctype))
        return hits
