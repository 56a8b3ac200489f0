"""The web view's pages rendered by Datasette itself (in-process, no browser), on an
archive whose scraped text tries to inject HTML: everything from a site is escaped."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import make_url

from councilwatch.datasette_metadata import datasette_metadata
from spiders.items import DocumentItem
from storage.db import open_archive
from tests.helpers.archive_data import store

KEY = "hostile:decision:1"
URL = "https://council.example.gov.uk/ieDecisionDetails.aspx?ID=1"
TITLE = "<script>alert('title')</script> Budget & cuts"


def decision(status: str, sentence: str) -> DocumentItem:
    return DocumentItem(
        key=KEY,
        kind="decision",
        url=URL,
        title=TITLE,
        fields={
            "title": TITLE,
            "decision_maker": "Cabinet",
            "status": status,
            "decision_date": "2016-01-10",
            "published": "2016-01-11",
            "key_decision": True,
            "call_in": True,
            "purpose": "To decide.",
            "decision": sentence,
            "meeting": None,
            "issue": None,
            "documents": [],
        },  # fmt: skip
    )


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.db"
    archive = open_archive(f"sqlite:///{path}")
    outcome = store(archive, "hostile", "moderngov",
          decision("Approved", 'Close <img src=x onerror="alert(1)"> 31 of 44 centres.'),
          datetime(2016, 1, 10, 12, 0, tzinfo=UTC))  # fmt: skip
    assert outcome.new_versions == 1, outcome.problems
    store(archive, "hostile", "moderngov",
          decision("Called In", 'Close <img src=x onerror="alert(1)"> 29 of 44 centres.'),
          datetime(2016, 6, 10, 12, 0, tzinfo=UTC))  # fmt: skip
    archive.dispose()
    return path


def get(path, url: str):
    """One request to Datasette with councilwatch's plugin, as `serve` runs it."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from councilwatch.web import plugin

    async def run():
        registered = pm.is_registered(plugin)
        if not registered:
            pm.register(plugin, name="councilwatch")
        try:
            ds = Datasette(
                [str(path)], template_dir=str(plugin.TEMPLATES), metadata=datasette_metadata(path)
            )
            await ds.invoke_startup()
            return await ds.client.get(url)
        finally:
            if not registered:
                pm.unregister(plugin)

    return asyncio.run(run())


def test_the_document_page_escapes_everything_scraped(hostile_archive):
    response = get(hostile_archive, f"/document?key={KEY}")
    assert response.status_code == 200
    page = response.text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Budget &amp; cuts" in page
    assert "&lt;img src=x onerror=" in page
    # The diff marks the changed figure; the summer version is labelled BST.
    assert "<del>31</del>" in page and "<ins>29</ins>" in page
    assert "10 Jun 2016 13:00 BST" in page and "10 Jan 2016 12:00 GMT" in page


def test_a_document_is_found_by_its_url_and_an_unknown_key_is_a_404(hostile_archive):
    by_url = get(hostile_archive, f"/document?key={URL}")
    assert by_url.status_code == 200 and f"<code>{KEY}</code>" in by_url.text
    missing = get(hostile_archive, "/document?key=hostile:decision:999")
    assert missing.status_code == 404 and "No document hostile:decision:999" in missing.text


def test_search_results_and_the_chart_escape_scraped_text(hostile_archive):
    found = get(hostile_archive, "/search?q=centres")
    assert found.status_code == 200
    assert "<script>alert" not in found.text and "<img src=x" not in found.text
    # The matched word is marked in the snippet and the scraped markup around it escaped.
    assert "&lt;img src=x onerror=" in found.text and "<mark>centres</mark>" in found.text
    chart = get(hostile_archive, "/figures?subject=centres")
    assert chart.status_code == 200
    assert "<script>alert" not in chart.text and 'class="figure-mark"' in chart.text


def test_the_private_tables_and_writes_are_refused(hostile_archive):
    name = make_url(f"sqlite:///{hostile_archive}").database.rsplit("/", 1)[1][:-3]
    assert get(hostile_archive, f"/{name}/blobs").status_code == 403
    refused = get(hostile_archive, f"/{name}.json?sql=select+data+from+blobs")
    assert "prohibited" in refused.json()["error"]
    counted = get(hostile_archive, f"/{name}.json?sql=select+count(*)+from+versions&_shape=array")
    assert counted.json() == [{"count(*)": 2}]
