"""The replay server answers like a real site: by path and query, with swaps, errors and 304s,
compressed, chunked, with validators and IIS's headers and cookie."""

import gzip
import http.client
import zlib
from urllib.parse import urlsplit

import httpx
import pytest

from councilwatch.replay import ReplayServer, brotli, zstd


def test_a_page_is_served_by_path_and_query_whatever_the_parameter_case(replay):
    replay.add("/ieListDocuments.aspx?CId=711&MId=10221", "<p>meeting</p>")
    answer = httpx.get(replay.url + "ieListDocuments.aspx?MID=10221&CId=711")
    assert answer.text == "<p>meeting</p>"


def test_a_route_without_a_query_serves_every_query(replay):
    replay.add("/mgWebService.asmx/GetMeetings", "<getmeetings/>")
    answer = httpx.get(replay.url + "mgWebService.asmx/GetMeetings?sFromDate=01/01/2026")
    assert answer.text == "<getmeetings/>"


def test_loading_a_second_folder_swaps_in_its_pages(tmp_path):
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    (tmp_path / "v1" / "routes.toml").write_text('["/a"]\nbody = "first"\n["/b"]\nbody = "kept"\n')
    (tmp_path / "v2" / "routes.toml").write_text('["/a"]\nbody = "second"\n')
    with ReplayServer(tmp_path / "v1") as server:
        server.load(tmp_path / "v2")
        assert httpx.get(server.url + "a").text == "second"
        assert httpx.get(server.url + "b").text == "kept"


def test_a_matching_etag_gets_304_not_modified(replay):
    replay.add("/a", "same")
    first = httpx.get(replay.url + "a")
    again = httpx.get(replay.url + "a", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_an_unknown_page_is_404_and_robots_allows_all(replay):
    assert httpx.get(replay.url + "nothing").status_code == 404
    assert "Allow: /" in httpx.get(replay.url + "robots.txt").text


def raw_get(server, path: str, **headers):
    """One GET over a plain socket, so the body arrives exactly as sent (no decoding)."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", path, headers=headers)
    answer = conn.getresponse()
    body = answer.read()  # http.client undoes only the chunking
    conn.close()
    return answer, body


PAGE = "<html><body>" + "<p>£1.2m for 31 of 44 children's centres.</p>" * 2000 + "</body></html>"


@pytest.mark.parametrize(
    "accept,encoding,decode",
    [
        ("gzip, deflate, br, zstd", "gzip", gzip.decompress),
        pytest.param(
            "br",
            "br",
            brotli and brotli.decompress,
            marks=pytest.mark.skipif(not brotli, reason="no brotli"),
        ),
        pytest.param(
            "zstd",
            "zstd",
            zstd and zstd.decompress,
            marks=pytest.mark.skipif(not zstd, reason="no zstd"),
        ),
        ("deflate", "deflate", zlib.decompress),
    ],
)
def test_a_page_is_compressed_as_the_request_accepts(replay, accept, encoding, decode):
    replay.add("/p", PAGE)
    answer, body = raw_get(replay, "/p", **{"Accept-Encoding": accept})
    assert answer.getheader("Content-Encoding") == encoding
    assert answer.getheader("Vary") == "Accept-Encoding"
    assert decode(body) == PAGE.encode()


def test_a_request_accepting_no_encoding_gets_the_body_as_it_is(replay):
    replay.add("/p", PAGE)
    answer, body = raw_get(replay, "/p")
    assert answer.getheader("Content-Encoding") is None and body == PAGE.encode()
    answer, body = raw_get(replay, "/p", **{"Accept-Encoding": "gzip;q=0, identity"})
    assert answer.getheader("Content-Encoding") is None and body == PAGE.encode()


def test_pdfs_and_gz_files_are_sent_as_they_are(replay):
    replay.add("/r.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    replay.add("/s.xml.gz", gzip.compress(b"<urlset/>"), content_type="application/x-gzip")
    for path in ("/r.pdf", "/s.xml.gz"):
        answer, _ = raw_get(replay, path, **{"Accept-Encoding": "gzip"})
        assert answer.getheader("Content-Encoding") is None


def test_a_route_can_turn_compression_off_and_so_can_the_whole_server(replay):
    replay.add("/p", PAGE, compress=False)
    answer, _ = raw_get(replay, "/p", **{"Accept-Encoding": "gzip"})
    assert answer.getheader("Content-Encoding") is None
    with ReplayServer(compress=False) as plain:
        plain.add("/p", PAGE)
        answer, _ = raw_get(plain, "/p", **{"Accept-Encoding": "gzip"})
        assert answer.getheader("Content-Encoding") is None


def test_a_large_body_is_sent_chunked_and_a_small_one_with_its_length(replay):
    replay.add("/big", PAGE)
    replay.add("/small", "<p>small</p>")
    big, body = raw_get(replay, "/big")
    assert (
        big.getheader("Transfer-Encoding") == "chunked" and big.getheader("Content-Length") is None
    )
    assert body == PAGE.encode() and replay.requested("/big")[0].chunked
    small, _ = raw_get(replay, "/small")
    assert small.getheader("Content-Length") == str(len("<p>small</p>"))


def test_a_compressed_answer_has_a_weak_etag_that_still_gets_304(replay):
    replay.add("/p", PAGE)
    first, _ = raw_get(replay, "/p", **{"Accept-Encoding": "gzip"})
    assert first.getheader("ETag").startswith('W/"')
    again, body = raw_get(replay, "/p", **{"If-None-Match": first.getheader("ETag")})
    assert again.status == 304 and body == b""


def test_if_modified_since_gets_304_until_the_page_changes(replay):
    replay.add("/p", "first")
    first, _ = raw_get(replay, "/p")
    since = first.getheader("Last-Modified")
    assert raw_get(replay, "/p", **{"If-Modified-Since": since})[0].status == 304
    replay.add("/p", "second")  # within the same second: Last-Modified still moves on
    changed, body = raw_get(replay, "/p", **{"If-Modified-Since": since})
    assert changed.status == 200 and body == b"second"
    assert changed.getheader("Last-Modified") != since


def test_if_none_match_wins_over_if_modified_since(replay):
    replay.add("/p", "first")
    first, _ = raw_get(replay, "/p")
    replay.add("/p", "second")
    answer, _ = raw_get(
        replay,
        "/p",
        **{
            "If-None-Match": first.getheader("ETag"),
            "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT",
        },
    )
    assert answer.status == 200


def test_a_route_without_validators_is_never_304(replay):
    replay.add("/p", "same", conditional=False)
    first, _ = raw_get(replay, "/p")
    assert first.getheader("ETag") is None and first.getheader("Last-Modified") is None
    answer, _ = raw_get(
        replay, "/p", **{"If-None-Match": "*", "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
    )
    assert answer.status == 200


def test_answers_look_like_iis_with_a_session_cookie(replay):
    replay.add("/p", "<p>x</p>")
    answer, _ = raw_get(replay, "/p")
    assert answer.getheader("Server") == "Microsoft-IIS/10.0"
    assert answer.getheader("X-Powered-By") == "ASP.NET"
    assert answer.getheader("Set-Cookie").startswith("ASP.NET_SessionId=")
    with_cookie, _ = raw_get(replay, "/p", Cookie="ASP.NET_SessionId=abc")
    assert with_cookie.getheader("Set-Cookie") is None


def test_a_route_can_opt_out_of_the_iis_headers_and_cookie(replay):
    replay.add("/p", "<p>x</p>", iis=False)
    answer, _ = raw_get(replay, "/p")
    assert "IIS" not in (answer.getheader("Server") or "")
    assert answer.getheader("X-Powered-By") is None and answer.getheader("Set-Cookie") is None
