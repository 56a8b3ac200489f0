"""Figures on real text: precision, recall, denominators and subjects on the labelled corpus
(tests/fixtures/figures_corpus), per text type, and price-parser on the money figures as a reference.

    python bench/figures_corpus.py                 # the table for bench/README.md
    python bench/figures_corpus.py --misses        # also every miss, false figure and wrong subject
    python bench/figures_corpus.py --before 0ab11fc  # also the extractor at an earlier commit

price-parser is installed by the `bench` extra (`pip install -e '.[bench]'`); without it that
row is left out. It reads one price from a string, so it is given every "£..." and "... pounds"
in each text (the places the money is), which is generous to it.
"""

from __future__ import annotations

import argparse
import platform
import re
import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.figures_corpus import Found, Score, councilwatch, load_corpus, score_corpus  # noqa: E402


def price_parser_money(text: str) -> list[Found]:
    from price_parser import Price

    found = []
    pattern = r"£\s?[\d.,]+(?:\s?(?:bn|billion|mn|million|m|k|thousand)\b)?|[\d.,]+\s?£|[\d.,]+(?:\s(?:million|billion))?\s+pounds\b"
    for m in re.finditer(pattern, text, re.I):
        price = Price.fromstring(m.group())
        if price.amount is not None:
            value = float(price.amount)
            found.append(Found("money", int(value) if value.is_integer() else value, m.group()))
    return found


def extractor_at(commit: str):
    """`extract_figures` as it was at `commit`, scored the same way."""
    source = subprocess.run(["git", "show", f"{commit}:monitor/figures.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    module = types.ModuleType(f"figures_{commit}")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{commit}:monitor/figures.py", "exec"), module.__dict__)

    def extract(text: str) -> list[Found]:
        return [Found(f.kind, f.value, f.text, f.denominator, f.subject)
                for f in module.extract_figures(text)]  # fmt: skip

    return extract


def ratio(right: int, total: int) -> str:
    return f"{right}/{total}" if total else "–"


def row(name: str, s: Score, texts: int | str) -> str:
    return (f"| {name} | {texts} | {s.labelled} | {s.found} | {s.precision:.3f} | {s.recall:.3f} | "
            f"{ratio(s.denominators_right, s.denominators)} | {ratio(s.subjects_right, s.subjects)} |")  # fmt: skip


def rules_on(scores: dict[str, Score]) -> Score:
    total = Score()
    for kind in ("moderngov", "press", "news"):
        total.add(scores.get(kind, Score()))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true")
    parser.add_argument(
        "--before", metavar="COMMIT", help="also score monitor/figures.py at COMMIT"
    )
    args = parser.parse_args()
    texts = load_corpus()
    per_type = {kind: sum(t.type == kind and not t.heldout for t in texts)
                for kind in ("moderngov", "press", "news")}  # fmt: skip
    councils = len({t.source for t in texts if t.type == "moderngov"})
    print(f"{platform.machine()}, Python {platform.python_version()}; {len(texts)} texts, "
          f"{sum(len(t.figures) for t in texts)} labelled figures, "
          f"{sum(len(t.not_figures) for t in texts)} labelled non-figures, {councils} councils' ModernGov pages")  # fmt: skip
    print()
    print(
        "| extractor, texts | texts | labelled | found | precision | recall | denominators right | subjects right |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    scores = score_corpus(councilwatch, texts)
    for kind in ("moderngov", "press", "news"):
        print(row(f"councilwatch, {kind}", scores[kind], per_type[kind]))
    print(
        row(
            "councilwatch, the texts the rules were written on",
            rules_on(scores),
            len(texts) - sum(t.heldout for t in texts),
        )
    )
    heldout = sum(t.heldout for t in texts)
    print(
        row(
            "councilwatch, held out (labelled after the rules, never tuned on)",
            scores["heldout"],
            heldout,
        )
    )
    print(row("**councilwatch, all**", scores["all"], len(texts)))
    if args.before:
        before = score_corpus(extractor_at(args.before), texts)["all"]
        print(row(f"councilwatch at {args.before}, all", before, len(texts)))
    money = score_corpus(councilwatch, texts, kinds={"money"})["all"]
    print(row("councilwatch, money only", money, len(texts)))
    try:
        reference = score_corpus(price_parser_money, texts, kinds={"money"})["all"]
        print(row("price-parser, money only", reference, len(texts)))
    except ImportError:
        print("(price-parser is not installed: pip install -e '.[bench]')")
    if args.misses:
        for name, items in (("missed", scores["all"].misses), ("false", scores["all"].false),
                            ("wrong", scores["all"].wrong)):  # fmt: skip
            for item in items:
                print(f"{name}: {item}")


if __name__ == "__main__":
    main()
