"""The labelled corpus of real council and news text (tests/fixtures/figures_corpus/*.toml,
described in its README.md) and how an extractor is scored on it: by
tests/monitor/test_figures_corpus.py as a floor, and by bench/figures_corpus.py as the table in
bench/README.md."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tests.helpers import FIXTURES

CORPUS = FIXTURES / "figures_corpus"


@dataclass
class Label:
    kind: str
    value: float
    text: str
    denominator: int | None = None
    subjects: tuple[str, ...] = ()  # accepted subjects; empty: the subject is not scored


@dataclass
class Text:
    type: str  # moderngov | press | news
    source: str  # council or publisher
    url: str
    text: str
    figures: list[Label]
    not_figures: list[str]
    heldout: bool = False  # labelled after the rules were written, never used to tune them


@dataclass
class Found:
    """One extractor's figure, reduced to what is scored."""

    kind: str
    value: float
    text: str
    denominator: int | None = None
    subject: str | None = None


@dataclass
class Score:
    labelled: int = 0
    found: int = 0
    matched: int = 0
    denominators: int = 0  # matched counts whose label or finding has a denominator
    denominators_right: int = 0
    subjects: int = 0  # matched figures whose label names a subject
    subjects_right: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("labelled", "found", "matched", "denominators", "denominators_right",
                     "subjects", "subjects_right"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.false += other.false
        self.wrong += other.wrong

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.labelled if self.labelled else 1.0


def load_corpus() -> list[Text]:
    texts = []
    for path in sorted(CORPUS.glob("*.toml")):
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in document["text"]:
            labels = []
            for f in entry["figures"]:
                subject = f.get("subject", ())
                labels.append(
                    Label(f["kind"], f["value"], f["text"], f.get("of"),
                          (subject,) if isinstance(subject, str) else tuple(subject))
                )  # fmt: skip
            texts.append(
                Text(entry.get("type") or document["type"], entry.get("council") or entry["publisher"],
                     entry["url"], entry["text"].strip(), labels, entry["not"],
                     document.get("heldout", False))
            )  # fmt: skip
    return texts


def unlabelled_numbers(text: Text) -> list[str]:
    """Numbers printed in digits that neither a figure's nor a non-figure's text covers: every
    number in a text must be labelled one way or the other."""
    covered = [label.text for label in text.figures] + list(text.not_figures)
    spans: list[tuple[int, int]] = []
    for piece in sorted(covered, key=len, reverse=True):
        for m in re.finditer(rf"(?<![\d,]){re.escape(piece)}(?![\d])", text.text):
            if all(m.end() <= a or m.start() >= b for a, b in spans):
                spans.append(m.span())
                break
    return [
        m.group()
        for m in re.finditer(r"\d[\d,.]*", text.text)
        if not any(a <= m.start() < b for a, b in spans)
    ]


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.051, abs(b) * 1e-9)


def score_text(text: Text, found: Iterable[Found], kinds: set[str] | None = None) -> Score:
    """Pair each finding with a label of the same kind and value (the one whose printed text is
    nearest in the passage first); count the rest as misses and false figures."""
    labels = [label for label in text.figures if kinds is None or label.kind in kinds]
    found = [f for f in found if kinds is None or f.kind in kinds]
    score = Score(labelled=len(labels), found=len(found))
    free = list(labels)
    for f in found:
        candidates = [lab for lab in free if lab.kind == f.kind and same_value(f.value, lab.value)]
        if not candidates:
            score.false.append(f"{text.source}: {f.kind} {f.value} {f.text!r} ({f.subject})")
            continue
        label = next((lab for lab in candidates if lab.text in f.text or f.text in lab.text),
                     candidates[0])  # fmt: skip
        free.remove(label)
        score.matched += 1
        if label.kind == "count" and (label.denominator or f.denominator):
            score.denominators += 1
            if label.denominator == f.denominator:
                score.denominators_right += 1
            else:
                score.wrong.append(f"{text.source}: {label.text!r} of {label.denominator}, "
                                   f"found of {f.denominator}")  # fmt: skip
        if label.subjects:
            score.subjects += 1
            if (f.subject or "").replace("’", "'") in label.subjects:
                score.subjects_right += 1
            else:
                score.wrong.append(f"{text.source}: {label.text!r} subject {f.subject!r}, "
                                   f"labelled {label.subjects[0]!r}")  # fmt: skip
    score.misses += [f"{text.source}: {lab.kind} {lab.value} {lab.text!r}" for lab in free]
    return score


def councilwatch(text: str) -> list[Found]:
    from monitor.figures import extract_figures

    return [Found(f.kind, f.value, f.text, f.denominator, f.subject) for f in extract_figures(text)]


def score_corpus(
    extractor: Callable[[str], list[Found]] = councilwatch,
    texts: list[Text] | None = None,
    kinds: set[str] | None = None,
) -> dict[str, Score]:
    """Scores by text type (of the texts the rules were written on), of the held-out texts
    under "heldout", and of every text under "all"."""
    scores: dict[str, Score] = {}
    total, heldout = Score(), Score()
    for text in texts if texts is not None else load_corpus():
        one = score_text(text, extractor(text.text), kinds)
        (heldout if text.heldout else scores.setdefault(text.type, Score())).add(one)
        total.add(one)
    scores["heldout"] = heldout
    scores["all"] = total
    return scores
