"""`history`: every version of a document, what changed, and a word-level diff of any two."""

from __future__ import annotations

import json

from storage.queries import find_document, versions_with_changes, word_diff
from tests.helpers.archive_data import DECISION


def test_history_keeps_every_version_in_order_with_what_changed(journalist_archive):
    with journalist_archive.archive.session() as session:
        rows = versions_with_changes(session, find_document(session, DECISION))
        statuses = [v.fields["status"] for v, _ in rows]
        changes = [len(cs) for _, cs in rows]
    assert statuses == ["Recommendations Approved", "Called In", "Recommendations Approved"]
    assert changes[0] == 0  # a document seen for the first time is not a change
    assert changes[1] >= 1


def test_the_words_of_two_versions_differ_by_the_changed_figure(journalist_archive):
    with journalist_archive.archive.session() as session:
        rows = versions_with_changes(session, find_document(session, DECISION))
        diff = word_diff(rows[0][0].text, rows[2][0].text)
    assert {"op": "replace", "old": "31", "new": "29"} in diff.ops
    assert any("[-31-]{+29+} of 44 children's centres" in hunk for hunk in diff.hunks)


def test_history_on_the_command_line_lists_versions_and_diffs_them(journalist_sqlite_url, cli):
    listed = cli("history", DECISION, "--json", db=journalist_sqlite_url)
    assert listed.returncode == 0, listed.stderr
    assert [v["number"] for v in json.loads(listed.stdout)["versions"]] == [1, 2, 3]

    shown = cli("history", DECISION, "--diff", "1", "2", db=journalist_sqlite_url)
    assert shown.returncode == 0, shown.stderr
    assert "[-31-]{+29+} of 44 children's centres" in shown.stdout
    assert "--- version 1 (first seen 23 Feb 2016 17:00)" in shown.stdout
    assert "+++ version 2 (first seen 01 Mar 2016 09:00)" in shown.stdout

    as_json = json.loads(cli("history", DECISION, "--diff", "1", "3", "--json", db=journalist_sqlite_url).stdout)  # fmt: skip
    assert as_json["changed"] is True
    assert (as_json["old"]["number"], as_json["new"]["number"]) == (1, 3)


def test_asking_for_a_version_that_does_not_exist_is_a_one_line_error(journalist_sqlite_url, cli):
    result = cli("history", DECISION, "--diff", "1", "9", db=journalist_sqlite_url)
    assert result.returncode == 2
    assert result.stderr.strip() == f"councilwatch: --diff: {DECISION} has no version 9 (it has 1 to 3)"  # fmt: skip


def test_a_word_diff_of_identical_words_reports_no_change():
    assert not word_diff("close 31  of\n44 centres", "close 31 of 44\tcentres").changed


def test_a_word_diff_of_a_long_document_stays_on_the_changed_words():
    # Long texts full of common words: difflib's autojunk would treat "the" as junk and
    # report a large, misleading change.
    body = " ".join(f"the council and the centre number {n} of the county" for n in range(120))
    old = body + " saving £2.5m a year for the council"
    new = body + " saving £2.1m a year for the council"
    diff = word_diff(old, new, context=3)
    assert diff.ops == [{"op": "replace", "old": "£2.5m", "new": "£2.1m"}]
    assert diff.hunks == ["… the county saving [-£2.5m-]{+£2.1m+} a year for …"]


def test_a_word_diff_shows_separate_changes_as_separate_hunks():
    middle = " ".join(["unchanged"] * 40)
    diff = word_diff(f"a 31 b {middle} c 8 d", f"a 29 b {middle} c 7 d", context=2)
    assert diff.hunks == [
        "a [-31-]{+29+} b unchanged …",
        "… unchanged c [-8-]{+7+} d",
    ]
    assert len(word_diff("a b", "a c", context=None).hunks) == 1
