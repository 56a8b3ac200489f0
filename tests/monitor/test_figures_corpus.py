"""The labelled corpus of real council and news text (tests/fixtures/figures_corpus/*.toml): its
labels are complete and well formed, and the extractor stays at or above the floor measured when
it was built (bench/figures_corpus.py prints the full table; bench/README.md has it)."""

from __future__ import annotations

import pytest

from tests.helpers.figures_corpus import (
    Found,
    load_corpus,
    score_corpus,
    score_text,
    unlabelled_numbers,
)

TEXTS = load_corpus()
# Measured on the corpus (bench/README.md) less a small margin: a regression, not a wobble,
# fails. Every denominator in the corpus is right today, so that floor has no margin.
FLOOR = {"precision": 0.97, "recall": 0.97, "denominators": 1.0, "subjects": 0.85}


def test_the_corpus_is_real_text_of_enough_councils_and_figures():
    councils = {t.source for t in TEXTS if t.type == "moderngov"}
    assert len(councils) >= 8
    assert not councils & {"Royal Borough of Kingston upon Thames", "Kirklees Council",
                           "Manchester City Council", "Oxfordshire County Council"}  # fmt: skip
    assert sum(len(t.figures) for t in TEXTS) >= 200
    assert {t.type for t in TEXTS} == {"moderngov", "press", "news"}
    assert all(t.url.startswith("http") for t in TEXTS)


@pytest.mark.parametrize("text", TEXTS, ids=[f"{t.source}: {t.text[:30]}" for t in TEXTS])
def test_every_number_in_a_corpus_text_is_labelled_a_figure_or_not(text):
    assert unlabelled_numbers(text) == []
    for label in text.figures:
        assert label.text in text.text, label
        assert label.kind in {"money", "percent", "count"}


def test_the_extractor_stays_above_the_measured_floor():
    total = score_corpus(texts=TEXTS)["all"]
    report = "\n".join(total.misses + total.false + total.wrong)
    assert total.precision >= FLOOR["precision"], report
    assert total.recall >= FLOOR["recall"], report
    assert total.denominators_right / total.denominators >= FLOOR["denominators"], report
    assert total.subjects_right / total.subjects >= FLOOR["subjects"], report


def test_the_scorer_counts_misses_false_figures_and_wrong_denominators():
    # The floor means something only if the scorer can fail an extractor.
    text = next(t for t in TEXTS if any(label.denominator for label in t.figures))
    label = next(label for label in text.figures if label.denominator)
    wrong = [Found("count", label.value, label.text, None, None), Found("count", 123456, "x")]
    score = score_text(text, wrong)
    assert score.matched == 1 and score.found == 2
    assert score.denominators_right == 0 and score.denominators == 1
    assert score.recall < 1 and score.precision == 0.5
