"""What the read commands print, on the demo's archive: titles beside keys, labels once,
item titles in diffs, snippets a person can read, queries as a shell user types them."""

from __future__ import annotations

import json
import re
import sqlite3

from councilwatch.app import plural

DECISION = "kingston:decision:13567"
DECISION_TITLE = "Coombe Lane West Zebra Crossing - Local Consultation Results"


def test_changes_show_each_documents_title_beside_its_key(in_demo):
    result = in_demo("changes", "--kind", "status")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    title = next(n for n, line in enumerate(lines) if DECISION_TITLE in line)
    assert lines[title + 1].strip() == DECISION
    assert "Recommendations Approved -> Called In" in lines[title + 2]


def test_history_says_each_label_once(in_demo):
    result = in_demo("history", DECISION)
    assert result.returncode == 0, result.stderr
    assert "status: Recommendations Approved -> Called In" in result.stdout
    assert "status: status:" not in result.stdout


def test_a_meetings_diff_names_its_items_by_title(in_demo):
    result = in_demo("history", "kingston:meeting:10221", "--diff", "1", "2")
    assert result.returncode == 0, result.stderr
    assert "{+Manorgate Road Experimental Order - Objections+}" in result.stdout
    assert "kingston:agenda_item:" not in result.stdout


def test_search_snippets_separate_fields_and_write_dates_the_uk_way(in_demo):
    result = in_demo("search", '"called in"')
    assert result.returncode == 0, result.stderr
    snippet = result.stdout.splitlines()[3]
    assert " · Called In · " in snippet
    assert "15 Jan 2026" in snippet
    assert not re.search(r"\d{4}-\d{2}-\d{2}", snippet)


def test_a_quoted_phrase_as_typed_in_a_shell_finds_only_the_phrase(in_demo):
    # The shell turns '"called in"' into "called in" with its quotes: a phrase.
    phrase = json.loads(in_demo("search", '"called in"', "--json").stdout)
    assert [r["document"]["key"] for r in phrase["results"]] == [DECISION]
    # Without the inner quotes the two words match anywhere: "called for ... in".
    words = json.loads(in_demo("search", "called", "in", "--json").stdout)
    assert len(words["results"]) > 1


def test_a_query_may_start_with_a_word_to_leave_out(in_demo):
    result = in_demo("search", "-zebra", "kingston", "--json")
    assert result.returncode == 0, result.stderr
    keys = [r["document"]["key"] for r in json.loads(result.stdout)["results"]]
    assert keys and DECISION not in keys
    alone = in_demo("search", "-zebra")
    assert alone.returncode == 2
    assert "not only -words" in alone.stderr


def test_figures_reads_an_archived_document_by_key(in_demo):
    key = (
        "oxford-mail:article:https://www.oxfordmail.co.uk/news/"
        "14912257.staff-could-strike-again-over-200-childrens-centre-redundancies/"
    )
    result = in_demo("figures", key, "--json")
    assert result.returncode == 0, result.stderr
    assert 250 in [f["value"] for f in json.loads(result.stdout)["figures"]]
    missing = in_demo("figures", "kingston:decision:1")
    assert missing.returncode == 2
    assert "not a file, nor a document key or URL in the archive" in missing.stderr


def test_counts_agree_with_their_nouns():
    assert plural(1, "new version") == "1 new version"
    assert plural(0, "attempt") == "0 attempts"
    assert plural(2, "health event") == "2 health events"
    assert plural(1_200, "page") == "1,200 pages"


def test_the_demo_leaves_nothing_to_deliver(in_demo, demo_dir):
    with sqlite3.connect(demo_dir / "councilwatch.db") as conn:
        statuses = dict(conn.execute("SELECT status, count(*) FROM alert_outbox GROUP BY status"))
    assert statuses.get("previewed", 0) > 0  # the demo did queue what it showed
    assert "pending" not in statuses
    from councilwatch.commands.demo import DEMO_SECRET, SECRET_ENV

    sent = in_demo("alerts", "send", env={SECRET_ENV: DEMO_SECRET})
    assert sent.returncode == 0, sent.stderr
    assert "delivered 0, failed 0" in sent.stdout
