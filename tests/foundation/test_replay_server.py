"""The replay server answers like a real site: by path and query, with swaps, errors and 304s."""

import httpx

from councilwatch.replay import ReplayServer


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
