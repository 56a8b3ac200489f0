"""`councilwatch serve`: the archive in Datasette, read-only, searchable, with saved queries."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from councilwatch.datasette_metadata import datasette_metadata
from storage.db import open_archive
from storage.search import search
from storage.snapshot import sqlite_snapshot
from tests.helpers.archive_data import DECISION, JUDICIAL_REVIEW, REDUNDANCIES
from tests.helpers.serving import browse, chromium, serving


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def run_saved_query(path: Path, name: str, **params):
    metadata = datasette_metadata(path)
    [database] = metadata["databases"].values()
    sql = database["queries"][name]["sql"]
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute(sql, params)]
    conn.close()
    return rows


def test_the_saved_queries_answer_on_the_archive_with_uk_times(journalist_sqlite_url):
    path = sqlite_path(journalist_sqlite_url)
    changes = run_saved_query(path, "latest_changes")
    assert changes and changes[0]["Document"] == DECISION
    assert changes[0]["Detected (UK time)"] == "08/03/2016 09:00 GMT"
    # Everything in the fixture archive happened in 2015-2016: nothing this week.
    assert run_saved_query(path, "decisions_changed_this_week") == []

    figures = run_saved_query(
        path, "figures_about_a_subject_over_time", subject="children’s centres"
    )
    decision = [
        (f["Figure"], f["First seen (UK time)"]) for f in figures if f["Document"] == DECISION
    ]
    assert ("31 of 44", "23/02/2016 17:00 GMT") in decision
    assert ("29 of 44", "01/03/2016 09:00 GMT") in decision
    assert len(decision) == 2  # once each, not once per version
    # Stored at 23:30 UTC on 31 March 2016, which was 00:30 British Summer Time.
    assert any(f["First seen (UK time)"] == "01/04/2016 00:30 BST" for f in figures if f["Document"] == REDUNDANCIES)  # fmt: skip


def test_metadata_configures_search_and_hides_tables_journalists_do_not_need(journalist_sqlite_url):
    metadata = datasette_metadata(sqlite_path(journalist_sqlite_url))
    [database] = metadata["databases"].values()
    assert database["tables"]["versions"]["fts_table"] == "versions_fts"
    assert database["tables"]["version_texts"]["fts_table"] == "versions_fts"
    assert database["tables"]["versions"]["columns"]["seen_at"]
    assert database["tables"]["blobs"] == {"hidden": True}
    assert database["tables"]["alembic_version"] == {"hidden": True}
    assert database["tables"]["versions_fts_meta"] == {"hidden": True}
    # Descriptions explain themselves: no pointer to a file that is not in the repository.
    assert ".md" not in json.dumps(metadata)


@pytest.mark.postgres
def test_a_postgresql_archive_is_copied_into_a_searchable_sqlite_snapshot(postgres_url, tmp_path):
    from tests.helpers.archive_data import build

    archive = open_archive(postgres_url)
    build(archive)
    counts = sqlite_snapshot(archive, tmp_path / "snapshot.db")
    assert counts["versions"] == 8 and counts["documents"] == 5 and counts["figures"] > 0
    snapshot = open_archive(f"sqlite:///{tmp_path / 'snapshot.db'}")
    for query in ['"31 of 44"', "redundan*", "judicial OR unison"]:
        with archive.session() as pg, snapshot.session() as lite:
            assert {h.key for h in search(pg, query)} == {h.key for h in search(lite, query)}
    with snapshot.session() as lite:
        assert {h.key for h in search(lite, "judicial")} == {JUDICIAL_REVIEW}
    archive.dispose()
    snapshot.dispose()
    assert not (tmp_path / "snapshot.db.partial").exists()


def fetch_json(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:  # Datasette answers a refused query with 400 + JSON
        return json.load(exc)


@pytest.mark.browser
def test_serve_shows_the_archive_in_a_real_browser_and_a_search_returns_rows(
    journalist_sqlite_url, tmp_path
):
    chromium()
    with serving(tmp_path, db=journalist_sqlite_url) as base:
        home = browse(f"{base}/archive", tmp_path / "profile")
        assert "councilwatch archive" in home
        assert "Latest changes" in home and "Figures about a subject over time" in home

        # The versions table's search box leads to the search page: one result, marked.
        found = browse(f"{base}/archive/versions?_search=judicial", tmp_path / "profile")
        assert "1 document" in found and "<mark>judicial</mark>" in found
        assert "High Court challenge over children" in found

        # The saved query with its :subject parameter, and the read-only refusal, over HTTP.
        subject = urllib.parse.quote("children's centres")
        figures = fetch_json(f"{base}/archive/figures_about_a_subject_over_time.json?subject={subject}&_shape=array")  # fmt: skip
        assert ("31 of 44", "23/02/2016 17:00 GMT") in {
            (f["Figure"], f["First seen (UK time)"]) for f in figures
        }
        sentence = "Cabinet agreed to stop funding 31 of 44 children's centres, saving £6m a year."
        assert sentence in {f["Sentence"] for f in figures if f["Figure"] == "31 of 44"}
        # Datasette's own full-text search of the view of every version's words.
        texts = fetch_json(f"{base}/archive/version_texts.json?_search=judicial&_shape=array")
        assert [t["title"] for t in texts] == ["High Court challenge over children's centres cuts"]
        refused = fetch_json(f"{base}/archive.json?sql=delete+from+documents")
        assert refused["ok"] is False and "SELECT" in refused["error"]
        hidden = fetch_json(f"{base}/archive.json?sql=select+data+from+blobs")
        assert hidden["ok"] is False and "prohibited" in hidden["error"]
    with sqlite3.connect(sqlite_path(journalist_sqlite_url)) as conn:
        assert conn.execute("select count(*) from documents").fetchone()[0] == 5
    conn.close()
