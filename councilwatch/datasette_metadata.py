"""The Datasette metadata `councilwatch serve` generates: labels, search, saved queries.

Datasette 0.65 reads canned queries from metadata (1.0 moves them to datasette.yaml;
the dependency is pinned below 1). Dates are stored in UTC; the saved queries show them
in UK time, as the rest of councilwatch does.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.snapshot import PUBLIC_TABLES


def uk_time_sql(column: str) -> str:
    """SQL turning a stored UTC timestamp into UK wall-clock time, with GMT/BST.

    SQLite knows no time zones; British Summer Time runs from 01:00 UTC on the last
    Sunday of March to 01:00 UTC on the last Sunday of October.
    """
    year = f"strftime('%Y', {column})"
    starts = f"date({year} || '-03-25', 'weekday 0') || ' 01:00'"
    ends = f"date({year} || '-10-25', 'weekday 0') || ' 01:00'"
    return (
        f"CASE WHEN {column} IS NULL THEN NULL "
        f"WHEN {column} >= {starts} AND {column} < {ends} "
        f"THEN strftime('%d/%m/%Y %H:%M', {column}, '+1 hour') || ' BST' "
        f"ELSE strftime('%d/%m/%Y %H:%M', {column}) || ' GMT' END"
    )


LATEST_CHANGES = f"""
SELECT {uk_time_sql("c.detected_at")} AS "Detected (UK time)",
       s.name AS "Source", d.kind AS "Document kind", d.key AS "Document",
       d.title AS "Title", c.kind AS "Change", c.summary AS "What changed",
       c.before AS "Before", c.after AS "After", d.url AS "Link"
FROM changes c
JOIN documents d ON d.id = c.document_id
JOIN sources s ON s.id = d.source_id
ORDER BY c.detected_at DESC, c.id DESC
LIMIT 500
"""

DECISIONS_THIS_WEEK = f"""
SELECT {uk_time_sql("c.detected_at")} AS "Detected (UK time)",
       s.name AS "Source", d.key AS "Document", d.title AS "Title",
       c.kind AS "Change", c.summary AS "What changed",
       c.before AS "Before", c.after AS "After", d.url AS "Link"
FROM changes c
JOIN documents d ON d.id = c.document_id
JOIN sources s ON s.id = d.source_id
WHERE c.detected_at >= strftime('%Y-%m-%d %H:%M:%S', 'now', '-7 days')
  AND (d.kind = 'decision' OR c.kind = 'decision')
ORDER BY c.detected_at DESC, c.id DESC
"""

# One row per distinct figure per document, at the version where it first appeared
# (SQLite takes the other columns from the row holding min(seen_at)).
FIGURES_OVER_TIME = f"""
SELECT {uk_time_sql("first_seen")} AS "First seen (UK time)",
       figure AS "Figure", kind AS "Kind", value AS "Value", unit AS "Unit",
       denominator AS "Out of", subject AS "Subject", document AS "Document",
       title AS "Title", sentence AS "Sentence", link AS "Link"
FROM (
  SELECT min(v.seen_at) AS first_seen, f.text AS figure, f.kind AS kind, f.value AS value,
         f.unit AS unit, f.denominator AS denominator, f.subject AS subject,
         d.key AS document, d.title AS title, f.sentence AS sentence, d.url AS link
  FROM figure_sentences f
  JOIN versions v ON v.id = f.version_id
  JOIN documents d ON d.id = f.document_id
  WHERE lower(replace(f.subject, '\u2019', '''')) LIKE
        '%' || lower(replace(trim(:subject), '\u2019', '''')) || '%'
  GROUP BY f.document_id, f.kind, f.value, f.unit, f.denominator, f.subject
)
ORDER BY first_seen
"""

COLUMNS = {
    "sources": {
        "name": "The source's name in councilwatch.toml, used in document keys",
        "type": "moderngov (council democracy site), news or page",
    },
    "documents": {
        "key": "Stable key from the source's own identifiers: <source>:<kind>:<id>",
        "kind": "meeting, agenda_item, decision, issue, article, page or document",
        "url": "Where the document was found",
        "title": "Title in its latest version",
        "first_seen": "When it was first archived (UK time on the page; UTC in SQL and exports)",
        "last_seen": (
            "When it was first archived or last changed (UK time on the page; UTC in SQL); "
            "crawl_coverage has each later crawl that found it unchanged, and export shows the latest"
        ),
        "latest_version_id": "Its current version",
    },
    "versions": {
        "document_id": "The document this is a version of",
        "seen_at": "When this version was first seen (UK time on the page; UTC in SQL and exports)",
        "last_seen": (
            "For a replaced version, when it was last seen; for the latest, when it was stored "
            "(later sightings: crawl_coverage)"
        ),
        "title": "Title in this version",
        "fields": (
            "Everything extracted from the page (JSON): a meeting's date, status and items, "
            "a decision's status and text, an article's byline and body. Not shown by default"
        ),
        "content_hash": "SHA-256 of the extracted fields: same hash, same content (not shown by default)",
        "raw_sha256": (
            "SHA-256 of the raw page or file this was parsed from; download it from the "
            "document page (not shown by default)"
        ),
        "reparse": "1 when only councilwatch's parser changed, not the page",
        "crawl_run_id": "The crawl that found it",
    },
    "changes": {
        "document_id": "The document that changed",
        "old_version_id": "Version before the change",
        "new_version_id": "Version after the change",
        "kind": "decision, status, date, figure, item_added, item_removed, document or text",
        "summary": "What changed, in one line",
        "before": "The sentence or value before",
        "after": "The sentence or value after",
        "old_value": "A changed figure's old value",
        "new_value": "A changed figure's new value",
        "alert": "1 when the change was alerted to subscribers",
        "detected_at": "When councilwatch noticed it (UK time on the page; UTC in SQL and exports)",
    },
    "figures": {
        "version_id": "The version the figure was found in",
        "document_id": "The document it was found in",
        "kind": "money (value in pounds), percent or count",
        "value": "The figure as a number (£14m is 14000000)",
        "unit": "GBP, % or count",
        "denominator": "For '31 of 44': 44",
        "subject": "What is counted or paid for, e.g. children's centres",
        "text": "The figure as printed",
        "sentence_start": "Where the sentence it appears in starts in its version's text",
        "sentence_end": "Where that sentence ends (figure_sentences shows it)",
    },
    "version_texts": {
        "id": "The version",
        "document_id": "The document it is a version of",
        "title": "Title in this version",
        "text": "All the words of this version, as searched (computed from its fields)",
    },
    "figure_sentences": {
        "text": "The figure as printed",
        "sentence": "The sentence it appears in",
    },
    "crawl_runs": {
        "status": "running, finished, failed or interrupted",
        "problems": "Pages whose layout no longer gave the expected fields, HTTP errors",
        "notices": "Not failures: a watched page that moved permanently, read at its new address",
    },
}

TABLES = {
    "sources": {"description": "Councils and news sites watched", "label_column": "name"},
    "documents": {
        "description": "Every document ever archived, with its latest title",
        "label_column": "title",
        "sort_desc": "last_seen",
    },
    "versions": {
        "description": (
            "Every distinct version of every document. The search page (/search) finds "
            "documents by their words; a document's page (/document?key=...) shows its "
            "versions, what changed and the words changed"
        ),
        "fts_table": "versions_fts",
        "fts_pk": "id",
        "label_column": "title",
        "sort_desc": "seen_at",
    },
    "changes": {
        "description": "Understood differences between consecutive versions",
        "label_column": "summary",
        "sort_desc": "detected_at",
    },
    "figures": {
        "description": (
            "Money, percentages and counts found in each version (with their sentences: "
            "figure_sentences)"
        ),
        "sort_desc": "version_id",
    },
    "version_texts": {
        "description": "The words of every version, as searched: a view of versions' fields",
        "fts_table": "versions_fts",
        "fts_pk": "id",
        "label_column": "title",
    },
    "figure_sentences": {
        "description": "Every figure with the sentence it appears in",
        "sort_desc": "version_id",
    },
    "crawl_runs": {"description": "Each crawl of a source", "sort_desc": "started_at"},
}


def datasette_metadata(db_path: Path) -> dict:
    """Metadata for serving the archive file at `db_path` (its name is Datasette's database name)."""
    name = Path(db_path).stem
    tables = {t: {**TABLES[t], "columns": COLUMNS.get(t, {})} for t in TABLES}
    # Tables journalists have no use for (raw bodies, alert outbox, locks) are hidden,
    # and councilwatch/web/plugin.py refuses to read them at all.
    uri = f"file:{Path(db_path).resolve()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        present = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    conn.close()
    for table in present:
        # Datasette hides the FTS tables' own shadow tables by itself.
        shadow = table.startswith(("versions_fts_words_", "sqlite_")) or (
            table.startswith("versions_fts") and table not in ("versions_fts_meta",)
        )
        if table not in PUBLIC_TABLES and not shadow:
            tables[table] = {"hidden": True}
    return {
        "title": "councilwatch archive",
        "description": (
            "Every version of every council paper and local news article councilwatch has "
            "archived, what changed and the figures in them. Read-only."
        ),
        "source": "councilwatch",
        "databases": {
            name: {
                "description": "The councilwatch archive",
                "tables": tables,
                "queries": {
                    "latest_changes": {
                        "title": "Latest changes",
                        "description": "The 500 most recently detected changes, newest first",
                        "sql": LATEST_CHANGES.strip(),
                    },
                    "decisions_changed_this_week": {
                        "title": "Decisions changed this week",
                        "description": "Changes to decisions in the last 7 days, newest first",
                        "sql": DECISIONS_THIS_WEEK.strip(),
                    },
                    "figures_about_a_subject_over_time": {
                        "title": "Figures about a subject over time",
                        "description": (
                            "Each figure about the subject (part of it is enough, e.g. "
                            "children's centres), where it first appeared, oldest first"
                        ),
                        "sql": FIGURES_OVER_TIME.strip(),
                    },
                },
            }
        },
    }
