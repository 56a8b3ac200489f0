"""What is unpacked is bounded like what is downloaded: gzipped sitemaps and Word .docx zips
that unpack past DOWNLOAD_MAXSIZE (50 MB) are refused with a clear problem, not read."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from spiders.settings import DOWNLOAD_MAXSIZE
from spiders.web.documents import DOCX, DocumentUnreadable, parse_document
from spiders.web.news import SitemapTooLarge, sitemap_entries
from tests.helpers.web_fixtures import binary_response, make_docx

URLSET = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
MIB = b" " * (1024 * 1024)


def gzip_bomb(unpacked_mib: int) -> bytes:
    """A gzipped sitemap of `unpacked_mib` MiB of whitespace: about 1 KB per MiB packed."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as f:
        f.write(URLSET)
        for _ in range(unpacked_mib):
            f.write(MIB)
        f.write(b"<url><loc>https://ex.org/news/1.a/</loc></url></urlset>")
    return out.getvalue()


def docx_bomb(unpacked_mib: int) -> bytes:
    """A .docx whose document.xml unpacks to `unpacked_mib` MiB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            for _ in range(unpacked_mib):
                f.write(MIB)
    return out.getvalue()


def test_a_gzipped_sitemap_unpacking_past_the_limit_is_refused():
    bomb = gzip_bomb(DOWNLOAD_MAXSIZE // 2**20 + 1)
    assert len(bomb) < 100_000
    with pytest.raises(SitemapTooLarge, match="unpacks to more than 52428800 bytes"):
        sitemap_entries(bomb, "https://ex.org/sitemap.xml.gz")


def test_a_gzipped_sitemap_within_the_limit_is_read():
    kind, entries = sitemap_entries(gzip_bomb(2), "https://ex.org/sitemap.xml.gz")
    assert (kind, [url for url, _ in entries]) == ("urlset", ["https://ex.org/news/1.a/"])


def test_a_docx_unpacking_past_the_limit_is_refused_as_a_zip_bomb():
    response = binary_response(
        docx_bomb(DOWNLOAD_MAXSIZE // 2**20 + 1), "https://c.gov.uk/r.docx", DOCX
    )
    with pytest.raises(
        DocumentUnreadable, match=r"word/document.xml unpacks to \d+ bytes.*zip bomb"
    ):
        parse_document(response, "ox", "1")


def test_a_docx_within_the_limit_is_read():
    body = make_docx(["Savings of £1.2m", "31 of 44 children's centres would close."])
    response = binary_response(body, "https://c.gov.uk/r.docx", DOCX)
    assert "31 of 44" in parse_document(response, "ox", "1").documents[0].fields["text"]


def test_a_crawl_reports_a_gzip_bomb_sitemap_and_reads_nothing_from_it(
    replay, write_config, cli, sqlite_url
):
    replay.add("/sitemap.xml.gz", gzip_bomb(51), content_type="application/x-gzip")
    write_config(
        f'[[sources]]\nname = "news"\ntype = "news"\nsitemaps = ["{replay.url}sitemap.xml.gz"]\n'
    )
    result = cli("crawl", "--no-alerts", db=sqlite_url)
    assert f"{replay.url}sitemap.xml.gz: gzipped sitemap unpacks to more than" in result.stdout
    assert not replay.requested("/news/")  # the one URL in it was never read


def test_a_crawl_reports_a_zip_bomb_docx_and_stores_nothing(replay, write_config, cli, sqlite_url):
    replay.add("/report.docx", docx_bomb(51), content_type=DOCX)
    replay.add(
        "/page", "<html><body><p>The council saves £1.2m on 31 of 44 centres.</p></body></html>"
    )
    write_config(
        f'[[sources]]\nname = "pages"\ntype = "page"\n'
        f'urls = ["{replay.url}report.docx", "{replay.url}page"]\n'
    )
    result = cli("crawl", "--no-alerts", db=sqlite_url)
    assert f"{replay.url}report.docx: Word document refused" in result.stdout
    assert "zip bomb" in result.stdout
    exported = cli("export", db=sqlite_url).stdout
    assert "page" in exported and "report.docx" not in exported
