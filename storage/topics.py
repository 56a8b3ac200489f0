"""Topic keyword matching: which topics a text is about, for spiders and subscriptions alike.

The spiders tag articles with their source's topics and the alert outbox decides whether
a subscription's topics match a change: both must agree, so both call `matches` here, in
the bottom layer that each may import.

Keywords come from `[topics.NAME] keywords` in the config and are written by campaigners,
not programmers, so matching forgives what they cannot foresee: case, the three ways
news sites spell an apostrophe (children's, children’s, childrens), hyphens or spaces
("looked-after children", "looked after children") and runs of whitespace. Matching
is on whole words, so "care" never matches "career", but a simple plural of the last
word counts ("children's centre" finds "children's centres"). A keyword written in
capitals is an acronym and keeps its case: "SEND" (special educational needs and
disabilities) must not match every article in which someone will "send" a letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

# Straight, typographic and prime apostrophes, and the backtick some CMSs emit.
_APOSTROPHES = "'\u2019\u2018\u02bc\u2032`"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _normalise(text: str, fold: bool = True) -> str:
    """Apostrophes dropped, every other run of non-word characters one space, lower case."""
    if fold:
        text = text.casefold()
    text = re.sub(f"[{_APOSTROPHES}]", "", text)
    return " ".join(_WORD.findall(text))


def _is_acronym(keyword: str) -> bool:
    letters = [c for c in keyword if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@lru_cache(maxsize=1024)
def _pattern(keyword: str) -> re.Pattern[str] | None:
    words = _normalise(keyword, fold=not _is_acronym(keyword)).split()
    if not words:
        return None
    # Word boundaries on both ends; the words themselves are separated by one space
    # after normalising, so "looked-after" and "looked after" are the same phrase.
    phrase = r" ".join(re.escape(w) for w in words)
    return re.compile(r"(?<!\w)" + phrase + r"(?:s|es)?(?!\w)")


def matches(text: str, keywords: Iterable[str]) -> list[str]:
    """The keywords (as configured) that occur in `text`, in configuration order."""
    folded = _normalise(text)
    cased = None
    found = []
    for keyword in keywords:
        pattern = _pattern(keyword)
        if pattern is None:
            continue
        if _is_acronym(keyword):
            cased = cased if cased is not None else _normalise(text, fold=False)
            hit = pattern.search(cased)
        else:
            hit = pattern.search(folded)
        if hit:
            found.append(keyword)
    return found


def matching_topics(text: str, keywords_by_topic: Mapping[str, Iterable[str]]) -> list[str]:
    """The topics, in the order given, that have at least one keyword in `text`."""
    return [topic for topic, keywords in keywords_by_topic.items() if matches(text, keywords)]
