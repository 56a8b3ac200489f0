"""The labelled version pairs (tests/helpers/labelled_pairs.py): every edit alerts with the right kind, and
noise reports nothing at all. bench/detection.py prints the same comparison as figures."""

from __future__ import annotations

import pytest

from tests.helpers.labelled_pairs import Pair, baseline_alert, councilwatch_changes, labelled_pairs

PAIRS = labelled_pairs()


@pytest.mark.parametrize("pair", PAIRS, ids=[p.name for p in PAIRS])
def test_each_labelled_pair_is_judged_as_labelled(pair: Pair):
    changes = councilwatch_changes(pair)
    kinds = {c["kind"] for c in changes}
    summaries = [c["summary"] for c in changes]
    assert any(c["alert"] for c in changes) == pair.alert, summaries
    if pair.kinds:
        assert pair.kinds <= kinds, summaries
    else:
        assert changes == [], summaries  # noise: not even a stored wording change


def test_the_set_covers_every_change_kind_and_every_kind_of_noise():
    edits = {kind for p in PAIRS for kind in p.kinds}
    assert edits >= {
        "decision",
        "status",
        "date",
        "figure",
        "item_added",
        "item_removed",
        "document",
        "text",
    }
    noise = {p.category for p in PAIRS if p.category.startswith("noise:")}
    assert len(noise) >= 12


def test_the_visible_text_baseline_alerts_on_noise_the_detector_ignores():
    # The comparison in bench/README.md means something only if the baseline is fooled.
    noisy = [p for p in PAIRS if not p.alert and baseline_alert(p)]
    assert len(noisy) >= 20
