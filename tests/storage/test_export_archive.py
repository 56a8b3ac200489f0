"""`export`: documents (the INTERFACE shape), every version, changes and figures, as JSONL or CSV."""

from __future__ import annotations

import csv
import io
import json

from storage.queries import export_changes, export_documents, export_figures, export_versions
from tests.helpers.archive_data import DECISION, ITEM_78


def test_documents_export_keeps_the_interface_shape(journalist_archive):
    with journalist_archive.archive.session() as session:
        rows = list(export_documents(session))
    assert len(rows) == 5
    decision = next(r for r in rows if r["key"] == DECISION)
    assert list(decision) == [
        "key", "source", "kind", "url", "title", "fields", "versions", "first_seen", "last_seen",
    ]  # fmt: skip
    assert decision["versions"] == 3


def test_versions_export_has_one_row_per_version_numbered_in_order(journalist_archive):
    with journalist_archive.archive.session() as session:
        rows = list(export_versions(session))
    assert len(rows) == 8
    decision = [(r["version"], r["fields"]["status"]) for r in rows if r["key"] == DECISION]
    assert decision == [(1, "Recommendations Approved"), (2, "Called In"), (3, "Recommendations Approved")]  # fmt: skip


def test_changes_export_lists_the_changes_of_documents_that_changed(journalist_archive):
    with journalist_archive.archive.session() as session:
        rows = list(export_changes(session))
    assert {r["key"] for r in rows} == {DECISION, ITEM_78}
    assert [r["detected_at"] for r in rows] == sorted(r["detected_at"] for r in rows)


def test_figures_export_has_a_row_per_figure_per_version(journalist_archive):
    with journalist_archive.archive.session() as session:
        rows = list(export_figures(session, kind="decision"))
    counts = [(r["version"], r["text"], r["value"], r["denominator"]) for r in rows if r["kind"] == "count"]  # fmt: skip
    assert counts == [(1, "31 of 44", 31, 44), (2, "29 of 44", 29, 44), (3, "29 of 44", 29, 44)]


def test_export_on_the_command_line_writes_jsonl_and_csv(journalist_sqlite_url, cli):
    documents = cli("export", db=journalist_sqlite_url)
    assert documents.returncode == 0, documents.stderr
    assert len([json.loads(line) for line in documents.stdout.splitlines()]) == 5

    figures = cli("export", "--what", "figures", "--format", "csv", "--kind", "decision", db=journalist_sqlite_url)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(figures.stdout)))
    assert {(r["text"], r["subject"]) for r in rows if r["kind"] == "count"} == {
        ("31 of 44", "children's centres"),
        ("29 of 44", "children's centres"),
    }
    assert {r["value"] for r in rows if r["kind"] == "money"} == {"6000000"}

    refused = cli("export", "--what", "blobs", db=journalist_sqlite_url)
    assert refused.returncode != 0
    assert "documents" in refused.stderr and "Traceback" not in refused.stderr
