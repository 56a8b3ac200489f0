"""Topic keyword matching: what campaigners write must find what newspapers print."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.topics import matches, matching_topics


@pytest.mark.parametrize(
    "text",
    [
        "Plans to close children's centres",
        "Plans to close children’s centres",  # typographic apostrophe
        "Plans to close childrens centres",  # apostrophe dropped
        "PLANS TO CLOSE CHILDREN'S CENTRES",
        "the children's\ncentre on Sandy Lane",
    ],
)
def test_apostrophe_case_plural_and_line_break_variants_match(text):
    assert matches(text, ["children's centre"]) == ["children's centre"]


def test_hyphen_and_space_spellings_match_each_other():
    assert matches("support for looked after children", ["looked-after children"])


def test_keyword_inside_a_longer_word_does_not_match():
    assert matches("a career in caring", ["care"]) == []


def test_capitalised_acronym_matches_only_in_capitals():
    assert matches("Parents will send a petition", ["SEND"]) == []


def test_capitalised_acronym_matches_the_acronym():
    assert matches("A shortfall in SEND transport funding", ["SEND"]) == ["SEND"]


def test_topics_are_returned_in_configuration_order():
    topics = {"libraries": ["library"], "childrens-services": ["early intervention"]}
    text = "Early intervention hubs to move into the library"
    assert matching_topics(text, topics) == ["libraries", "childrens-services"]


def test_text_with_no_keyword_matches_no_topic():
    assert matching_topics("Road closed for gas works", {"cs": ["safeguarding"]}) == []


@given(st.text())
def test_matching_never_fails_on_any_text(text):
    matches(text, ["children's centre", "SEND", "£", "'"])
