"""Precision and recall of `alert` on the labelled version pairs (tests/helpers/labelled_pairs.py),
for councilwatch and for a plain "visible text changed" monitor on the same pairs.

    python bench/detection.py            # the table for bench/README.md
    python bench/detection.py --misses   # also list every pair judged wrongly
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers.labelled_pairs import (  # noqa: E402 (the repo root must be on the path first)
    Pair,
    baseline_alert,
    councilwatch_changes,
    labelled_pairs,
)


def councilwatch_alert(pair: Pair) -> bool:
    return any(change["alert"] for change in councilwatch_changes(pair))


def score(pairs: list[Pair], judge: Callable[[Pair], bool]) -> tuple[dict[str, float], list[Pair]]:
    tp = fp = fn = tn = 0
    wrong = []
    for pair in pairs:
        said = judge(pair)
        tp += said and pair.alert
        fp += said and not pair.alert
        fn += not said and pair.alert
        tn += not said and not pair.alert
        if said != pair.alert:
            wrong.append(pair)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall}, wrong


def main() -> None:
    pairs = labelled_pairs()
    edits = sum(p.alert for p in pairs)
    print(
        f"{len(pairs)} labelled pairs: {edits} that should alert, {len(pairs) - edits} that should not"
    )
    print(f"({sum(p.category.startswith('noise:') for p in pairs)} noise, "
          f"{sum(p.category == 'edit:text' for p in pairs)} wording-only edits)\n")  # fmt: skip
    print("| detector | precision | recall | true alerts | false alerts | missed | quiet |")
    print("|---|---|---|---|---|---|---|")
    misses = {}
    for name, judge in (
        ("councilwatch", councilwatch_alert),
        ('"visible text changed"', baseline_alert),
    ):
        result, wrong = score(pairs, judge)
        misses[name] = wrong
        print(f"| {name} | {result['precision']:.3f} | {result['recall']:.3f} | {result['tp']} | "
              f"{result['fp']} | {result['fn']} | {result['tn']} |")  # fmt: skip
    print(
        f"\n{datetime.now(UTC):%Y-%m-%d}, Python {platform.python_version()}, {platform.machine()}"
    )
    if "--misses" in sys.argv:
        for name, wrong in misses.items():
            print(f"\n{name} judged wrongly:")
            for pair in wrong:
                print(f"  {'missed' if pair.alert else 'false alert'}: {pair.name}")


if __name__ == "__main__":
    main()
