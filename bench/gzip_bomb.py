"""Peak memory of a news crawl whose sitemap is a gzip bomb, against a normal sitemap.

A 300 KB `.gz` sitemap of XML whitespace unpacks to about 300 MB. Each crawl is one
`bench.crawl_once` process (the real `scrapy crawl` child), so its peak resident memory
is that crawl's alone. Prints one JSON object per crawl and the difference.

    python -m bench.gzip_bomb
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from councilwatch.replay import ReplayServer

BOMB_BYTES = 300 * 1024  # the compressed size, as in the issue
HEAD = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'


def gzip_bomb(compressed_size: int = BOMB_BYTES) -> bytes:
    """A gzipped sitemap that is `compressed_size` bytes, nearly all of it whitespace."""
    out = io.BytesIO()
    chunk = b" " * (1024 * 1024)
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as f:
        f.write(HEAD)
        while out.tell() < compressed_size:
            f.write(chunk)
        f.write(b"</urlset>")
    return out.getvalue()


def small_sitemap(base: str) -> bytes:
    return gzip.compress(HEAD + f"<url><loc>{base}news/1.a/</loc></url></urlset>".encode())


def crawl(folder: Path, url: str) -> dict:
    config = folder / "councilwatch.toml"
    config.write_text(
        "[crawl]\ndelay_seconds = 0\ntimeout_minutes = 5\n\n"
        f'[[sources]]\nname = "news"\ntype = "news"\nsitemaps = ["{url}"]\n'
        'topics = ["t"]\n\n[topics.t]\nkeywords = ["council"]\n',
        encoding="utf-8",
    )
    db = f"sqlite:///{folder / 'archive.db'}"
    subprocess.run(
        [sys.executable, "-c", "from councilwatch.cli import run; run()", "db", "upgrade"],
        cwd=folder,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")},
            "COUNCILWATCH_DB": db,
        },  # fmt: skip
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.crawl_once",
            "--config",
            str(config),
            "--db",
            db,
            "--source",
            "news",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return json.loads(result.stdout.splitlines()[-1])


def main() -> None:
    bomb = gzip_bomb()
    with ReplayServer() as site, tempfile.TemporaryDirectory() as tmp:
        site.add(
            "/sitemap-small.xml.gz", small_sitemap(site.url), content_type="application/x-gzip"
        )
        site.add("/sitemap-bomb.xml.gz", bomb, content_type="application/x-gzip")
        rows = {}
        for name in ("small", "bomb"):
            folder = Path(tmp) / name
            folder.mkdir()
            rows[name] = crawl(folder, f"{site.url}sitemap-{name}.xml.gz")
            print(json.dumps({"sitemap": name, **rows[name]}))
    grew = (rows["bomb"]["peak_rss_bytes"] - rows["small"]["peak_rss_bytes"]) / 2**20
    summary = {"bomb_compressed_bytes": len(bomb), "peak_rss_growth_mib": round(grew, 1)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
