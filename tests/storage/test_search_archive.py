"""Full-text search over every stored version, on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.search import MARK_END, MARK_START, QuerySyntaxError, parse_query, search
from tests.helpers.archive_data import (
    CAMPAIGN,
    DECISION,
    ITEM_78,
    JUDICIAL_REVIEW,
    REDUNDANCIES,
    WHEN,
)


def keys(archive, query, **options):
    with archive.session() as session:
        return {hit.key for hit in search(session, query, limit=100, **options)}


def test_a_phrase_query_finds_only_the_exact_phrase(journalist_archive):
    # The campaign page has "hubs" and "early intervention", but not together.
    found = keys(journalist_archive.archive, '"early intervention hubs"')
    assert found == {JUDICIAL_REVIEW, REDUNDANCIES, ITEM_78}
    assert CAMPAIGN in keys(journalist_archive.archive, "early intervention hubs")


def test_a_phrase_with_an_apostrophe_matches_curly_and_straight_quotes(journalist_archive):
    # The seeds print "children’s centres" with a curly apostrophe; users type a straight one.
    found = keys(journalist_archive.archive, '"children\'s centres"')
    assert {JUDICIAL_REVIEW, REDUNDANCIES, DECISION} <= found
    assert CAMPAIGN not in found


def test_a_prefix_query_finds_words_that_start_with_it(journalist_archive):
    assert keys(journalist_archive.archive, "redundan*") == {REDUNDANCIES}
    assert keys(journalist_archive.archive, "judic*") == {JUDICIAL_REVIEW}
    assert keys(journalist_archive.archive, "zzqx*") == set()


def test_a_word_finds_its_other_forms(journalist_archive):
    # "closures" in the judicial-review article, "closure" on the campaign page and item 78.
    assert {JUDICIAL_REVIEW, CAMPAIGN, ITEM_78} <= keys(journalist_archive.archive, "closure")


def test_or_finds_either_and_a_minus_leaves_documents_out(journalist_archive):
    archive = journalist_archive.archive
    assert keys(archive, "redundancies OR judicial") == {REDUNDANCIES, JUDICIAL_REVIEW}
    with_staff = keys(archive, "staff")
    assert REDUNDANCIES in with_staff
    assert keys(archive, "staff -unison") == with_staff - {REDUNDANCIES}
    assert keys(archive, "staff NOT unison") == with_staff - {REDUNDANCIES}


def test_a_document_is_listed_once_with_the_newest_version_that_matches(journalist_archive):
    with journalist_archive.archive.session() as session:
        hits = search(session, '"of 44"')
        decision = next(h for h in hits if h.key == DECISION)
        assert [h.key for h in hits].count(DECISION) == 1
        assert (decision.version_number, decision.versions) == (3, 3)
        assert decision.matched_versions == 3
        assert decision.current
        every = search(session, '"of 44"', all_versions=True)
        assert [h.version_number for h in every if h.key == DECISION] == [3, 2, 1]


def test_with_more_matches_than_candidates_the_shown_version_and_count_stay_exact(
    journalist_archive,
):
    with journalist_archive.archive.session() as session:
        few = search(session, '"of 44"', candidates=2)
        every = search(session, '"of 44"')
    assert few.capped and not every.capped
    decision = next(h for h in few if h.key == DECISION)
    assert (decision.version_number, decision.matched_versions) == (3, 3)


def test_old_wording_still_finds_a_document_and_says_which_version_had_it(journalist_archive):
    # "31 of 44" was only in the first version of the decision; it says 29 of 44 now.
    with journalist_archive.archive.session() as session:
        hits = search(session, '"31 of 44" cabinet')
    # The judicial-review article reports the same "31 of 44"; the decision no longer says it.
    assert {h.key for h in hits} == {DECISION, JUDICIAL_REVIEW}
    hit = next(h for h in hits if h.key == DECISION)
    assert (hit.version_number, hit.versions, hit.current) == (1, 3, False)
    assert hit.seen_at == WHEN["decision-v1"]


def test_search_filters_by_source_and_kind(journalist_archive):
    archive = journalist_archive.archive
    assert keys(archive, "centres", source="oxford-mail") == {JUDICIAL_REVIEW, REDUNDANCIES}
    assert keys(archive, "centres", kind="decision") == {DECISION}
    assert keys(archive, "centres", source="nowhere") == set()


def test_since_and_until_filter_on_when_a_version_was_first_seen(journalist_archive):
    archive = journalist_archive.archive
    in_2016 = keys(
        archive,
        "centres",
        since=datetime(2016, 1, 1, tzinfo=UTC),
        until=datetime(2017, 1, 1, tzinfo=UTC),
    )
    assert in_2016 == {DECISION, REDUNDANCIES}
    before = keys(archive, "centres", until=datetime(2016, 1, 1, tzinfo=UTC))
    assert before == {ITEM_78, JUDICIAL_REVIEW}


def test_has_figure_keeps_only_versions_in_which_a_figure_was_found(journalist_archive):
    archive = journalist_archive.archive
    assert CAMPAIGN in keys(archive, "closure")
    with_figures = keys(archive, "closure", has_figure=True)
    assert CAMPAIGN not in with_figures
    assert JUDICIAL_REVIEW in with_figures
    assert keys(archive, "staff", figure_kind="money") >= {REDUNDANCIES}


def test_snippets_mark_the_matched_words(journalist_archive):
    with journalist_archive.archive.session() as session:
        [hit] = search(session, "judicial")
    assert f"{MARK_START}judicial{MARK_END}" in hit.snippet.lower()


def test_newest_sort_lists_the_most_recent_versions_first(journalist_archive):
    with journalist_archive.archive.session() as session:
        hits = search(session, "centres", sort="newest")
    seen = [h.seen_at for h in hits]
    assert seen == sorted(seen, reverse=True)
    assert hits[0].key == REDUNDANCIES


@pytest.mark.parametrize(
    "query, says",
    [
        ("\"children's centres", "not closed"),
        ("*", "*"),
        ("cen*tre", "*"),
        ("OR centres", "OR"),
        ("centres OR", "OR"),
        ("-centres", "at least one word"),
        ("NOT", "NOT"),
        ("   ", "nothing to search"),
        ('""', "empty"),
    ],
)
def test_a_query_with_bad_syntax_is_refused_with_a_reason(query, says):
    with pytest.raises(QuerySyntaxError, match=None) as info:
        parse_query(query)
    message = str(info.value)
    assert says in message
    assert "\n" not in message


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(
        alphabet=st.sampled_from(list("abc centr\"*-:()^+.,'’ORNT£%0123456789")) | st.characters(),
        max_size=30,
    )
)
def test_any_input_either_searches_or_is_refused_never_crashes(journalist_archive, query):
    with journalist_archive.archive.session() as session:
        try:
            search(session, query, limit=5)
        except QuerySyntaxError:
            pass
