"""What the downloader refuses (binaries, oversized bodies) and what it repairs (charsets)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from councilwatch.replay import ENCODINGS
from spiders.middlewares import ResponseGuardMiddleware

REPO = Path(__file__).resolve().parents[2]
SENTENCE = "A saving of £2.3m – the children’s centres’ budget."


def guard(response, **meta):
    request = Request(response.url, meta=meta, errback=lambda f: None)
    middleware = ResponseGuardMiddleware.from_crawler(get_crawler(settings_dict={}))
    return middleware.process_response(request, response)


def html(body: bytes, content_type: str) -> HtmlResponse:
    return HtmlResponse(url="https://c.gov.uk/p", body=body, headers={"Content-Type": content_type})


def page(sentence: str = SENTENCE, meta: str = "") -> str:
    return f"<html><head>{meta}</head><body><p>{sentence}</p></body></html>"


@pytest.mark.parametrize(
    "body,content_type",
    [
        (page().encode("cp1252"), "text/html; charset=utf-8"),  # cp1252 declared as utf-8
        (page().encode("cp1252"), "text/html"),  # nothing declared
        (page().encode("utf-8"), "text/html; charset=iso-8859-1"),  # utf-8 declared latin-1
        (page(meta='<meta charset="utf-8">').encode("cp1252"), "text/html"),  # wrong meta
        (page().encode("utf-8"), "text/html; charset=utf-8"),  # right all along
    ],
    ids=["cp1252-as-utf8", "cp1252-undeclared", "utf8-as-latin1", "cp1252-wrong-meta", "utf8"],
)
def test_page_keeps_pound_signs_and_apostrophes_whatever_its_declared_charset(body, content_type):
    assert SENTENCE in guard(html(body, content_type)).text


def test_correctly_declared_cp1252_page_is_left_alone():
    response = html(page().encode("cp1252"), "text/html; charset=windows-1252")
    assert guard(response) is response


def test_binary_where_a_page_was_expected_is_refused_with_its_type_and_size():
    response = Response(
        "https://c.gov.uk/p", body=b"\x89PNG" + b"\x00" * 96, headers={"Content-Type": "image/png"}
    )
    with pytest.raises(
        IgnoreRequest, match=r"refused: expected a page, got image/png \(100 bytes\)"
    ):
        guard(response)


def test_pdf_where_a_page_was_expected_is_refused():
    response = Response(
        "https://c.gov.uk/p", body=b"%PDF-1.4\n...", headers={"Content-Type": "application/pdf"}
    )
    with pytest.raises(IgnoreRequest, match="application/pdf"):
        guard(response)


def test_pdf_is_accepted_when_the_request_allows_documents():
    response = Response(
        "https://c.gov.uk/p", body=b"%PDF-1.4\n...", headers={"Content-Type": "application/pdf"}
    )
    assert guard(response, cw_documents_ok=True) is response


def test_image_is_refused_even_when_the_request_allows_documents():
    response = Response(
        "https://c.gov.uk/p", body=b"\x89PNG\x00", headers={"Content-Type": "image/png"}
    )
    with pytest.raises(IgnoreRequest):
        guard(response, cw_documents_ok=True)


@pytest.mark.parametrize(
    "compress,reason",
    [
        (False, "larger than download max size (20000)"),
        # Sent chunked, so the size is known only as the bytes arrive.
        ("chunked", "larger than download max size (20000): stopped after"),
        # 100 kB of one letter is a few hundred bytes gzipped: the decoded size is what counts.
        ("gzip", "exceeded DOWNLOAD_MAXSIZE (20000 B) during decompression"),
        ("br", "exceeded DOWNLOAD_MAXSIZE (20000 B) during decompression"),
        ("zstd", "exceeded DOWNLOAD_MAXSIZE (20000 B) during decompression"),
        ("deflate", "exceeded DOWNLOAD_MAXSIZE (20000 B) during decompression"),
    ],
    ids=["plain", "chunked", "gzip", "br", "zstd", "deflate"],
)
def test_response_over_download_maxsize_is_refused_and_reported(
    compress, reason, replay, tmp_path, cli
):
    # The real limit is 50 MB; the same path is exercised with a 100 kB body and a 20 kB limit.
    if compress in ("br", "zstd") and compress not in ENCODINGS:
        pytest.skip(f"no {compress} library installed (nor, then, in Scrapy)")
    chunked = compress == "chunked"
    compress = False if chunked else compress
    body = b"<html><body>" + b"x" * 100_000 + b"</body></html>"
    replay.add("/huge", body, compress=compress, chunked=chunked)
    config = tmp_path / "councilwatch.toml"
    config.write_text(f'[[sources]]\nname = "pages"\ntype = "page"\nurls = ["{replay.url}huge"]\n')
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert cli("db", "upgrade", db=db).returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
    env.update(COUNCILWATCH_CONFIG=str(config), COUNCILWATCH_DB=db)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "page",
            "-a",
            "source=pages",
            "-s",
            "DOWNLOAD_MAXSIZE=20000",
            "-s",
            "DOWNLOAD_DELAY=0",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    problems = [line for line in result.stderr.splitlines() if "problem:" in line]
    assert len(problems) == 1 and reason in problems[0]
    assert replay.requested("/huge")[0].encoding == (compress or None)
    assert replay.requested("/huge")[0].chunked == chunked


@given(
    st.text(alphabet=st.sampled_from(list("abcdefghij ABC 0123456789.,£’‘“”–")), min_size=1).filter(
        lambda t: not t.isascii()
    ),
    st.sampled_from(["text/html; charset=utf-8", "text/html", "text/html; charset=iso-8859-1"]),
)
def test_any_windows_1252_text_survives_whatever_the_header_says(text, content_type):
    response = html(page(text).encode("cp1252"), content_type)
    assert text in guard(response).text


def test_utf16_page_with_a_byte_order_mark_is_not_taken_for_binary():
    body = page().encode("utf-16")
    assert SENTENCE in guard(html(body, "text/html")).text


def test_a_304_of_a_mislabelled_page_is_repaired_like_the_first_download(
    replay, write_config, cli, sqlite_url
):
    """A windows-1252 page served as utf-8: the stored body a 304 stands in for gets the same
    charset repair, so the second crawl reads the same £ signs and stores nothing new."""
    replay.add("/p", page().encode("cp1252"), content_type="text/html; charset=utf-8")
    write_config(f'[[sources]]\nname = "camp"\ntype = "page"\nurls = ["{replay.url}p"]\n')
    cli("crawl", "--no-alerts", db=sqlite_url)
    second = cli("crawl", "--no-alerts", db=sqlite_url)
    assert replay.requested("/p")[-1].status == 304
    assert "0 new versions" in second.stdout, second.stdout
    exported = cli("export", db=sqlite_url)
    assert SENTENCE in exported.stdout and '"versions": 1' in exported.stdout
