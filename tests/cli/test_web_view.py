"""The journalists' web view (`councilwatch serve`) in headless Chromium, on the archive
the demo crawled from its council and news sites: served straight from the SQLite file,
and from the SQLite snapshot `serve` makes of the same archive copied into PostgreSQL."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.orm import Session

from tests.helpers.databases import DATABASES, postgres_database
from tests.helpers.serving import browse, chromium, serving

CALLED_IN = "kingston:decision:13567"
CALLED_IN_TITLE = "Coombe Lane West Zebra Crossing - Local Consultation Results"
UK_TIME = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d (GMT|BST)\b")

pytestmark = pytest.mark.browser


def get(url: str, method: str = "GET") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, method=method, data=b"" if method != "GET" else None)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, _lower(exc.headers), exc.read()


def _lower(headers) -> dict:
    return {k.lower(): v for k, v in headers.items()}


@dataclass
class Served:
    base: str
    archive_url: str  # SQLAlchemy URL of the archive behind the view
    database: str  # Datasette's name for it


def _copy_into_postgres(sqlite_file: Path, pg_url: str) -> None:
    """Every table of the demo archive, row for row, into a migrated PostgreSQL archive."""
    from storage.db import open_archive
    from storage.models import Base, Document

    open_archive(pg_url).dispose()  # creates the schema with the migrations
    source = create_engine(f"sqlite:///{sqlite_file}")
    target = create_engine(pg_url)
    with source.connect() as src, target.begin() as dst:
        latest = {}
        for table in Base.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in src.execute(select(table))]
            if table.name == "documents":  # documents and versions point at each other
                latest = {r["id"]: r["latest_version_id"] for r in rows}
                rows = [{**r, "latest_version_id": None} for r in rows]
            if rows:
                dst.execute(table.insert(), rows)
        for doc_id, version_id in latest.items():
            dst.execute(
                update(Document).where(Document.id == doc_id).values(latest_version_id=version_id)
            )
    source.dispose()
    target.dispose()


@pytest.fixture(scope="module", params=DATABASES)
def served(request, demo_run, tmp_path_factory):
    """`councilwatch serve` on the demo's archive (SQLite), or on a PostgreSQL copy of it."""
    chromium()
    archive_file = demo_run.demo_dir / "councilwatch.db"
    assert archive_file.exists(), demo_run.result.stderr[-2000:]
    work = tmp_path_factory.mktemp(f"serve-{request.param}")
    with ExitStack() as stack:
        if request.param == "sqlite":
            url, database = f"sqlite:///{archive_file}", "councilwatch"
        else:
            admin = request.getfixturevalue("postgres_admin_url")
            url, database = stack.enter_context(postgres_database(admin)), "snapshot"
            _copy_into_postgres(archive_file, url)
        snapshot = str(work / "snapshot.db")
        base = stack.enter_context(serving(work, "--snapshot", snapshot, db=url))
        yield Served(base, url, database)


def stored(served: Served, sql: str, **params):
    engine = create_engine(served.archive_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def uk(value) -> str:
    from councilwatch.web.queries import uk_time

    return uk_time(value)


def test_the_document_page_of_a_called_in_decision_shows_both_statuses_the_change_and_the_diff(
    served, tmp_path
):
    dom = browse(f"{served.base}/document?key={CALLED_IN}", tmp_path / "profile")
    assert f"<h1>{CALLED_IN_TITLE}</h1>" in dom
    assert "Recommendations Approved" in dom and "Called In" in dom
    assert "status: Recommendations Approved → Called In" in dom
    # The word diff between the two versions, marked as history --diff marks it.
    assert "<del>Recommendations Approved</del>" in dom
    assert "<ins>Called In</ins>" in dom
    # Every version with its first and last seen, in UK time with GMT/BST.
    versions = stored(
        served,
        "SELECT v.id, v.seen_at, v.last_seen FROM versions v JOIN documents d "
        "ON d.id = v.document_id WHERE d.key = :key ORDER BY v.id",
        key=CALLED_IN,
    )
    assert len(versions) == 2
    from storage.types import UTCDateTime

    as_utc = UTCDateTime().process_result_value
    for vid, seen_at, last_seen in versions:
        if isinstance(seen_at, str):  # SQLite hands back text to a plain engine
            from datetime import datetime

            seen_at, last_seen = (datetime.fromisoformat(t) for t in (seen_at, last_seen))
        assert f'id="version-{vid}"' in dom
        assert f"First seen <time>{uk(as_utc(seen_at, None))}</time>" in dom
        assert f"last seen unchanged <time>{uk(as_utc(last_seen, None))}</time>" in dom
    assert UK_TIME.search(dom)
    # The council's own page, the readable text and a download of the page as fetched.
    assert "ieDecisionDetails.aspx?ID=13567" in dom
    assert "Download the page as fetched" in dom


def test_the_raw_body_downloads_exactly_as_fetched_with_its_content_type(served):
    [(digest,)] = stored(
        served,
        "SELECT v.raw_sha256 FROM versions v JOIN documents d ON d.id = v.document_id "
        "WHERE d.key = :key ORDER BY v.id LIMIT 1",
        key=CALLED_IN,
    )
    status, headers, body = get(f"{served.base}/document/raw?key={CALLED_IN}&v=1")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert headers["content-disposition"].startswith("attachment;")
    import hashlib

    assert hashlib.sha256(body).hexdigest() == digest
    assert b"Recommendations Approved" in body


def test_the_alert_links_open_the_version_on_its_document_page(served, demo_run, tmp_path):
    # `changes --json` in the demo folder (whose config sets [alerts] archive_url) gives
    # the link the alerts carry; the demo's own webhooks show it too.
    import json

    result = demo_run.councilwatch("changes", "--json")
    assert result.returncode == 0, result.stderr
    changes = json.loads(result.stdout)["changes"]
    [link] = {c["archived_version_url"] for c in changes if c["document"]["key"] == CALLED_IN}
    assert '"archived_version_url": "http://127.0.0.1:8001/councilwatch/document?key=' in (
        demo_run.result.stdout
    )
    parts = urllib.parse.urlsplit(link)
    assert parts.path.endswith("/document") and parts.fragment.startswith("version-")
    local = f"{served.base}{parts.path}?{parts.query}"
    dom = browse(local, tmp_path / "profile")
    assert f'id="{parts.fragment}"' in dom
    assert "<ins>Called In</ins>" in dom


def test_the_changes_page_lists_titles_with_uk_times_and_filters(served, tmp_path):
    dom = browse(f"{served.base}/changes", tmp_path / "profile")
    assert CALLED_IN_TITLE in dom
    assert "Staff could strike again over 250 children's centre redundancies" in html.unescape(dom)
    assert CALLED_IN not in dom  # titles, not keys
    assert UK_TIME.search(dom)
    [(count,)] = stored(served, "SELECT count(*) FROM changes")
    assert dom.count('<tr id="change-') == count
    only_status = browse(f"{served.base}/changes?kind=status", tmp_path / "profile")
    assert CALLED_IN_TITLE in only_status
    assert "redundancies" not in only_status
    bad = browse(f"{served.base}/changes?since=not+a+date", tmp_path / "profile")
    assert "message-error" in bad


def test_the_changes_feed_is_atom_with_one_entry_per_change(served):
    status, headers, body = get(f"{served.base}/changes.atom")
    assert status == 200 and headers["content-type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.fromstring(body).findall(f"{atom}entry")
    [(count,)] = stored(served, "SELECT count(*) FROM changes")
    assert len(entries) == count
    titles = [e.find(f"{atom}title").text for e in entries]
    assert f"{CALLED_IN_TITLE}: status: Recommendations Approved → Called In" in titles
    link = next(
        e.find(f"{atom}link").get("href")
        for e in entries
        if e.find(f"{atom}title").text.startswith(CALLED_IN_TITLE)
    )
    assert link.startswith(f"{served.base}/document?key=")


def test_search_shows_each_document_once_with_the_matched_words_highlighted(served, tmp_path):
    dom = browse(f"{served.base}/search?q=called+in", tmp_path / "profile")
    assert "<mark>Called</mark>" in dom
    results = re.findall(r'<li class="cw-result">.*?</li>', dom, re.S)
    titles = [re.search(r"<h2><a [^>]*>(.*?)</a>", r).group(1) for r in results]
    assert CALLED_IN_TITLE in titles
    assert len(titles) == len(set(titles))
    assert "version 2 of 2" in dom
    # The versions table's own search box leads to the same page.
    status, headers, _ = get_no_redirect(f"{served.base}/{served.database}/versions?_search=called")
    assert status == 302 and headers["location"].endswith("/search?q=called")
    error = browse(f"{served.base}/search?q=%22unclosed", tmp_path / "profile")
    assert "double quote is not closed" in error


def get_no_redirect(url: str):
    class Stop(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(Stop)
    try:
        with opener.open(url, timeout=20) as response:
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, _lower(exc.headers), exc.read()


def test_the_figures_chart_has_one_mark_per_figure_each_linking_to_its_document(served, tmp_path):
    subject = urllib.parse.quote("children's centre")
    dom = browse(f"{served.base}/figures?subject={subject}", tmp_path / "profile")
    # One chart per kind of figure (money, percentages, counts) about the subject.
    charts = re.findall(r'<svg class="cw-chart".*?</svg>', dom, re.S)
    assert charts
    svg = "".join(charts)
    marks = re.findall(r'class="figure-mark"', svg)
    rows = re.findall(r"<tr><td class=\"cw-nowrap\">", dom)
    from storage.search import figures_over_time

    engine = create_engine(served.archive_url)
    with Session(engine) as session:
        expected = figures_over_time(session, "children's centre")
    engine.dispose()
    assert len(marks) == len(rows) == len(expected) > 2
    links = re.findall(r'<a href="([^"]+)" class="figure-mark-link">', svg)
    assert len(links) == len(expected)
    assert all(html.unescape(href).startswith("/document?key=") for href in links)


def test_the_tables_read_well_and_the_private_ones_cannot_be_read(served, tmp_path):
    versions = browse(f"{served.base}/{served.database}/versions", tmp_path / "profile")
    assert "col-seen_at" in versions
    assert "col-fields" not in versions and "col-content_hash" not in versions
    assert UK_TIME.search(versions)
    sql = f"{served.base}/{served.database}.json?sql="
    if served.database == "councilwatch":  # the live file holds the private tables
        for table in ("blobs", "alert_outbox", "http_validators", "crawl_locks"):
            assert get(f"{served.base}/{served.database}/{table}")[0] == 403
            status, _, body = get(sql + urllib.parse.quote(f"select * from {table}"))
            assert status == 400 and b"prohibited" in body
    # Writes are refused with 403, not a server error.
    for path in (f"/{served.database}/documents", f"/{served.database}", "/document"):
        assert get(f"{served.base}{path}", method="POST")[0] == 403
    status, _, body = get(sql + urllib.parse.quote("select count(*) from versions"))
    assert status == 200
