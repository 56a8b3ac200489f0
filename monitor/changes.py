"""What changed between two versions of a document, in the terms campaigners care about.

We compare the structured fields the parsers extract (docs/interface.md, "fields by kind"), never
whole pages, so templates, navigation, scripts and widgets cannot reach this far. Each field
has a comparison that says which kind of change it is: a new status, a moved date, a figure
(matched by what it measures and the sentence it sits in, not by position), items and linked
documents added or removed, decision wording, or other wording (`text`, stored but not alerted).
Before comparing, values are normalised so whitespace, line wrapping, entity encoding, curly
quotes, stray markup and case report nothing.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from core.dates import parse_iso
from monitor.figures import Figure, find_figures, sentences
from storage.queries import plain_number, word_opcodes


@dataclass
class FoundChange:
    kind: str  # decision | status | date | figure | item_added | item_removed | document | text
    summary: str
    before: str | None = None
    after: str | None = None
    old_value: float | None = None
    new_value: float | None = None

    @property
    def alert(self) -> bool:
        return self.kind != "text"

    def to_json(self) -> dict:
        return change_json(self)


def change_json(change) -> dict[str, Any]:
    """A change as every JSON reader gets it: webhooks, `compare --json`, `changes --json`,
    `history --json` and the web view all start from this. `change` is anything with these
    attributes (a FoundChange, a stored Change, an alert's ChangeView); figures come out as
    the numbers they are (14000000, not 14000000.0)."""
    return {
        "kind": change.kind,
        "summary": change.summary,
        "before": change.before,
        "after": change.after,
        "old_value": plain_number(change.old_value),
        "new_value": plain_number(change.new_value),
    }


# --- normalising -------------------------------------------------------------------------

TAG = re.compile(r"</?[A-Za-z][^<>]*>")
QUOTE_PAIRS = (
    ("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"), ("\xa0", " "),
    ("\u2060", ""),
)  # fmt: skip


def clean(value: Any) -> str:
    """Text as a reader sees it: entities decoded, markup dropped, quotes and spaces unified."""
    if value is None:
        return ""
    text = html.unescape(str(value))
    text = TAG.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    for char, replacement in QUOTE_PAIRS:  # str.translate is several times slower on long text
        if char in text:
            text = text.replace(char, replacement)
    return " ".join(text.split())


def same(old: Any, new: Any) -> bool:
    return clean(old).casefold() == clean(new).casefold()


def shorten(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Query parameters that only defeat caches. (ModernGov's `T` is a document type, so it stays.)
CACHE_BUSTERS = {"v", "ver", "version", "ts", "_", "cb", "cache", "nocache", "rev", "timestamp"}


def link_identity(link: dict) -> str:
    url = urlsplit(clean(link.get("url")))
    query = [(k, v) for k, v in parse_qsl(url.query) if k.lower() not in CACHE_BUSTERS]
    return urlunsplit(("", url.netloc.lower(), url.path, urlencode(sorted(query)), "")).casefold()


# --- comparing one field -----------------------------------------------------------------

Compare = Callable[[str, Any, Any], list["FoundChange"]]


def sentence_spans(words: list[str]) -> list[tuple[int, int]]:
    """Word ranges of the sentences: a word ending in . ! ? ; or : ends one."""
    spans, start = [], 0
    for i in [i for i, word in enumerate(words) if word[-1] in ".!?;:"]:
        spans.append((start, i + 1))
        start = i + 1
    if start < len(words):
        spans.append((start, len(words)))
    return spans


def wording_diff(old: str, new: str, old_key: str, new_key: str) -> tuple[str, str, str] | None:
    """(summary, before, after) for the first wording edit, or None if the words are the same.
    Words are compared by their keys (the text with figures masked) and shown as printed.

    Sentences are aligned first and words only inside the first changed run of sentences:
    a word-level diff of a whole long report is quadratic in its common words."""
    a, b = old.split(), new.split()
    keys_a, keys_b = old_key.casefold().split(), new_key.casefold().split()
    if keys_a == keys_b:
        return None
    spans_a, spans_b = sentence_spans(keys_a), sentence_spans(keys_b)
    sentences_a = [tuple(keys_a[x:y]) for x, y in spans_a]
    sentences_b = [tuple(keys_b[x:y]) for x, y in spans_b]
    # The sentences both versions start and end with are equal without asking difflib, whose
    # matching costs more than a walk along a long report edited in one place.
    head = 0
    while head < min(len(sentences_a), len(sentences_b)) and sentences_a[head] == sentences_b[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(sentences_a), len(sentences_b)) - head
        and sentences_a[-1 - tail] == sentences_b[-1 - tail]
    ):
        tail += 1
    middle = SequenceMatcher(
        None,
        sentences_a[head : len(sentences_a) - tail],
        sentences_b[head : len(sentences_b) - tail],
        autojunk=False,
    )
    runs = [
        (tag, i1 + head, i2 + head, j1 + head, j2 + head)
        for tag, i1, i2, j1, j2 in middle.get_opcodes()
        if tag != "equal"
    ]
    _, s1, s2, t1, t2 = runs[0]
    a_from = spans_a[s1][0] if s1 < len(spans_a) else len(a)
    a_to = spans_a[s2 - 1][1] if s2 > s1 else a_from
    b_from = spans_b[t1][0] if t1 < len(spans_b) else len(b)
    b_to = spans_b[t2 - 1][1] if t2 > t1 else b_from
    # The words inside, matched as `history --diff` matches them.
    edits = [
        op for op in word_opcodes(keys_a[a_from:a_to], keys_b[b_from:b_to]) if op[0] != "equal"
    ]
    _, i1, i2, j1, j2 = edits[0]
    i1, i2, j1, j2 = i1 + a_from, i2 + a_from, j1 + b_from, j2 + b_from
    more = len(edits) - 1 + len(runs) - 1
    removed, added = " ".join(a[i1:i2]), " ".join(b[j1:j2])
    # Context as the page reads now (a figure beside the edit shows its new value).
    lead = " ".join(b[max(0, j1 - 5) : j1])
    tail = " ".join(b[j2 : j2 + 5])
    parts = [("…" if j1 > 5 else "") + lead]
    if removed:
        parts.append(f"[-{shorten(removed, 60)}-]")
    if added:
        parts.append(f"{{+{shorten(added, 60)}+}}")
    parts.append(tail + ("…" if j2 + 5 < len(b) else ""))
    summary = " ".join(p for p in parts if p)
    if more:
        summary += f" (and {more} more edit{'s' if more > 1 else ''})"
    before = " ".join(a[max(0, i1 - 15) : i2 + 15])
    after = " ".join(b[max(0, j1 - 15) : j2 + 15])
    return tuple(part.replace(GLUE, " ") for part in (summary, before, after))


def figure_words(text: str, spans: list[tuple[int, int, Figure]]) -> tuple[str, str]:
    """The text with each figure glued into one word, and the same with each figure blanked:
    word for word aligned, so a figure edit ("£8 million" -> "£8m") is not a wording edit.
    Built from pieces in one pass: rebuilding the string once per figure is quadratic."""
    glued, masked, at = [], [], 0
    for start, end, _ in spans:
        between = text[at:start]
        glued += [between, re.sub(r"\s+", GLUE, text[start:end])]
        masked += [between, "#"]
        at = end
    glued.append(text[at:])
    masked.append(text[at:])
    return "".join(glued), "".join(masked)


# A word joiner: not whitespace to str.split(), and clean() removes any in the input.
GLUE = "\u2060"


def number(value: int | float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.10g}"


def describe(f: Figure) -> str:
    if f.kind == "number":
        return f"{f.subject or 'number'}: {f.text}"
    if f.kind == "count":
        return f"{f.subject or 'number'}: {number(f.value)}" + (
            f" of {f.denominator}" if f.denominator else ""
        )
    return f"{f.text} ({f.subject})" if f.subject else f.text


def figure_summary(old: Figure, new: Figure) -> str:
    if "number" in (old.kind, new.kind):
        # A number the extractor does not take for a figure still changed ("All nine are now
        # at home" -> "All eleven ..."): said with the words around it.
        subject = new.subject or old.subject or "number"
        return f"{subject}: {old.text} -> {new.text}"
    if old.kind == "count":
        subject = new.subject or old.subject or "number"
        if old.denominator == new.denominator:
            tail = f" (of {old.denominator})" if old.denominator else ""
            return f"{subject}: {number(old.value)} -> {number(new.value)}{tail}"

        def of(f: Figure) -> str:
            return number(f.value) + (f" of {number(f.denominator)}" if f.denominator else "")

        return f"{subject}: {of(old)} -> {of(new)}"
    subject = new.subject or old.subject
    if old.kind == "percent":
        return f"{subject + ': ' if subject else ''}{old.text} -> {new.text}"
    return f"{old.text} -> {new.text}" + (f" ({subject})" if subject else "")


def sentence_likeness(old: Figure, new: Figure) -> float:
    a = old.sentence.replace(old.text, "#").casefold().split()
    b = new.sentence.replace(new.text, "#").casefold().split()
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def figure_changes(old_figures: list[Figure], new_figures: list[Figure]) -> list[FoundChange]:
    """Figures whose value changed, appeared or disappeared, paired by meaning, not position."""

    def value_key(f: Figure) -> tuple:
        return (f.kind, f.unit, f.value, f.denominator, f.subject)

    def shape(f: Figure) -> tuple:
        return (f.kind, f.unit, f.subject, re.sub(r"\d[\d,.]*", "#", clean(f.sentence).casefold()))

    # The same figure in the same sentence, wherever the sentence now is, is unchanged.
    unmatched: dict[tuple, list[int]] = {}
    for j, g in enumerate(new_figures):
        unmatched.setdefault((value_key(g), clean(g.sentence)), []).append(j)
    gone_new: set[int] = set()
    old = []
    for f in old_figures:
        if same_place := unmatched.get((value_key(f), clean(f.sentence))):
            gone_new.add(same_place.pop(0))
        else:
            old.append(f)
    new = [g for j, g in enumerate(new_figures) if j not in gone_new]

    # Figures in sentences worded alike apart from their numbers pair up in reading order (a
    # table of wards, each with a new amount); the rest by value, subject and sentence likeness.
    old_shapes, new_shapes = [shape(f) for f in old], [shape(f) for f in new]
    # Same-shaped runs at the start and end pair directly; difflib is quadratic on a long run
    # of identical items, so it sees only the middle.
    head = 0
    while head < min(len(old), len(new)) and old_shapes[head] == new_shapes[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old_shapes[-1 - tail] == new_shapes[-1 - tail]:
        tail += 1
    pairs = [(k, k) for k in range(head)] + [
        (len(old) - 1 - k, len(new) - 1 - k) for k in range(tail)
    ]
    middle = SequenceMatcher(
        None, old_shapes[head : len(old) - tail], new_shapes[head : len(new) - tail], autojunk=False
    )
    pairs += [
        (head + block.a + k, head + block.b + k)
        for block in middle.get_matching_blocks()
        for k in range(block.size)
    ]
    rest_old = set(range(len(old))) - {i for i, _ in pairs}
    rest_new = set(range(len(new))) - {j for _, j in pairs}
    # Comparing every sentence with every other is quadratic: with hundreds of leftovers,
    # subject and value alone decide.
    by_sentence = len(rest_old) * len(rest_new) <= 10_000
    candidates = []
    for i in rest_old:
        for j in rest_new:
            o, n = old[i], new[j]
            if (o.kind, o.unit) != (n.kind, n.unit) and {o.kind, n.kind} != {"count", "number"}:
                continue
            score = (sentence_likeness(o, n) if by_sentence else 0.0) + (
                1.0 if o.subject and o.subject == n.subject else 0.0
            )
            if value_key(o) == value_key(n):
                score += 2.0  # the same figure, its sentence reworded
            if score >= 0.5:
                candidates.append((-score, i, j))
    for _, i, j in sorted(candidates):
        if i in rest_old and j in rest_new:
            rest_old.remove(i)
            rest_new.remove(j)
            pairs.append((i, j))

    changed = [(i, j) for i, j in pairs
               if (old[i].value, old[i].denominator) != (new[j].value, new[j].denominator)]  # fmt: skip
    # "Of 64,201 children ..., 3,059 ...": the denominator's own edit is the one change.
    moved_numbers = {(old[i].value, new[j].value) for i, j in changed if old[i].kind == "number"}
    changed = [
        (i, j) for i, j in changed
        if not (old[i].value == new[j].value
                and (old[i].denominator, new[j].denominator) in moved_numbers)
    ]  # fmt: skip
    found = [
        (j, FoundChange("figure", figure_summary(old[i], new[j]), old[i].sentence, new[j].sentence,
                        old[i].value, new[j].value))
        for i, j in changed
    ]  # fmt: skip
    found += [
        (j, FoundChange("figure", f"new figure: {describe(new[j])}", None, new[j].sentence, None, new[j].value))
        for j in rest_new
    ]  # fmt: skip
    gone = [
        FoundChange(
            "figure",
            f"figure removed: {describe(old[i])}",
            old[i].sentence,
            None,
            old[i].value,
            None,
        )
        for i in sorted(rest_old)
    ]
    return [change for _, change in sorted(found, key=lambda pair: pair[0])] + gone


def changed_figures(old: str, new: str) -> tuple[list, list]:
    """The figures, and every other number that is not a date, year, label or identifier, of
    the sentences one version has and the other lacks. A sentence both have (wherever it now
    is) holds no figure change, so a long report edited in one place costs one sentence's
    extraction, not the whole report's."""
    old_sentences, new_sentences = sentences(old), sentences(new)
    old_count = Counter(s for *_, s in old_sentences)
    new_count = Counter(s for *_, s in new_sentences)
    # Every copy of a sentence that one version has more often than the other is read, in both
    # versions, so the copies the diff aligns are masked alike.
    differ = {s for s in old_count.keys() | new_count.keys() if old_count[s] != new_count[s]}

    def read(spans: list) -> set[int]:
        return {i for i, (*_, sentence) in enumerate(spans) if sentence in differ}

    return (
        find_figures(old, every_number=True, only=read(old_sentences), spans=old_sentences),
        find_figures(new, every_number=True, only=read(new_sentences), spans=new_sentences),
    )


def prose(kind: str = "text") -> Compare:
    """Running text: its figures compared by meaning, the rest as wording of the given kind."""

    def compare(label: str, old: Any, new: Any) -> list[FoundChange]:
        old_text, new_text = clean(old), clean(new)
        if old_text.casefold() == new_text.casefold():
            return []
        if not old_text or not new_text:
            verb = "added" if new_text else "removed"
            return [FoundChange(kind, f"{label} {verb}: {shorten(new_text or old_text)}", old_text or None,
                                new_text or None)]  # fmt: skip
        old_spans, new_spans = changed_figures(old_text, new_text)
        changes = figure_changes([f for *_, f in old_spans], [f for *_, f in new_spans])
        (old_glued, old_masked), (new_glued, new_masked) = (
            figure_words(old_text, old_spans),
            figure_words(new_text, new_spans),
        )
        wording = wording_diff(old_glued, new_glued, old_masked, new_masked)
        if wording:
            summary, before, after = wording
            changes.insert(0, FoundChange(kind, f"{label}: {summary}", before, after))
        return changes

    return compare


def minutes(label: str, old: Any, new: Any) -> list[FoundChange]:
    """Minutes appearing record what was resolved; later edits to them are ordinary wording."""
    if not clean(old) and clean(new):
        return [
            FoundChange("decision", f"minutes published: {shorten(clean(new))}", None, clean(new))
        ]
    return prose("text")(label, old, new)


def status(label: str, old: Any, new: Any) -> list[FoundChange]:
    if same(old, new):
        return []
    before, after = clean(old) or None, clean(new) or None
    return [
        FoundChange("status", f"{label}: {before or 'none'} -> {after or 'none'}", before, after)
    ]


def flag(label: str, old: Any, new: Any) -> list[FoundChange]:
    if old == new:
        return []

    def word(v: Any) -> str:
        return "unknown" if v is None else ("yes" if v else "no")

    return [FoundChange("status", f"{label}: {word(old)} -> {word(new)}", word(old), word(new))]


def when(value: Any) -> datetime | str | None:
    if not value:
        return None
    return parse_iso(str(value)) or clean(value)


def readable_date(value: Any) -> str:
    parsed = when(value)
    if isinstance(parsed, datetime):
        timed = "T" in str(value) or " " in str(value).strip()
        return parsed.strftime("%a %d %b %Y %H:%M" if timed else "%a %d %b %Y")
    return parsed or "none"


def date(label: str, old: Any, new: Any) -> list[FoundChange]:
    if when(old) == when(new):
        return []
    before, after = readable_date(old), readable_date(new)
    return [
        FoundChange("date", f"{label}: {before} -> {after}", clean(old) or None, clean(new) or None)
    ]


def text(label: str, old: Any, new: Any) -> list[FoundChange]:
    if same(old, new):
        return []
    before, after = clean(old) or None, clean(new) or None
    return [FoundChange("text", f"{label}: {shorten(before or 'none', 60)} -> {shorten(after or 'none', 60)}",
                        before, after)]  # fmt: skip


def word_set(label: str, old: Any, new: Any) -> list[FoundChange]:
    """A list whose order means nothing (topics): compared as a set."""
    if {clean(v).casefold() for v in old or []} == {clean(v).casefold() for v in new or []}:
        return []
    return text(label, ", ".join(old or []), ", ".join(new or []))


def ignore(label: str, old: Any, new: Any) -> list[FoundChange]:
    return []


def documents(label: str, old: Any, new: Any) -> list[FoundChange]:
    """Linked reports: matched by attachment id, else address (without cache-busting parameters)."""

    def identity(link: dict) -> str:
        return f"id:{clean(link['id'])}" if link.get("id") else link_identity(link)

    def name(link: dict) -> str:
        return clean(link.get("title")) or clean(link.get("url"))

    old_links = {identity(link): link for link in old or []}
    new_links = {identity(link): link for link in new or []}
    gone = [link for ident, link in old_links.items() if ident not in new_links]
    came = [link for ident, link in new_links.items() if ident not in old_links]
    changes = []
    for link in came:
        # Same title at a new address: the council uploaded a revised report.
        replaced = next(
            (g for g in gone if same(g.get("title"), link.get("title")) and g.get("title")), None
        )
        if replaced is not None:
            gone.remove(replaced)
            changes.append(FoundChange("document", f"document replaced: {name(link)}",
                                       clean(replaced.get("url")), clean(link.get("url"))))  # fmt: skip
        else:
            changes.append(
                FoundChange(
                    "document", f"document added: {name(link)}", None, clean(link.get("url"))
                )
            )
    changes += [
        FoundChange("document", f"document removed: {name(link)}", clean(link.get("url")), None)
        for link in gone
    ]
    for ident in old_links.keys() & new_links.keys():
        if not same(old_links[ident].get("title"), new_links[ident].get("title")):
            changes += text(
                "document title", old_links[ident].get("title"), new_links[ident].get("title")
            )
    return changes


def make_items(titles: dict[str, str | None]) -> Compare:
    """A meeting's agenda: items added or removed, named as the page names them."""

    def item_name(key: str) -> str:
        return clean(titles.get(key)) or f"item {key.rsplit(':', 1)[-1]}"

    def compare(label: str, old: Any, new: Any) -> list[FoundChange]:
        old, new = list(old or []), list(new or [])
        changes = [FoundChange("item_added", f"item added: {item_name(k)}", None, item_name(k))
                   for k in new if k not in old]  # fmt: skip
        changes += [FoundChange("item_removed", f"item removed: {item_name(k)}", item_name(k), None)
                    for k in old if k not in new]  # fmt: skip
        kept_old, kept_new = [k for k in old if k in new], [k for k in new if k in old]
        if not changes and kept_old != kept_new:
            changes.append(
                FoundChange("text", "agenda order changed", ", ".join(old), ", ".join(new))
            )
        return changes

    return compare


def issue_meetings(label: str, old: Any, new: Any) -> list[FoundChange]:
    """An issue's history: meetings that now consider it, and each one's item as printed there
    (title, report text, decision, minutes), compared as the agenda item's fields are."""

    def ident(entry: dict) -> tuple:
        return (clean(entry.get("committee")).casefold(), clean(entry.get("item")).casefold()
                or clean(entry.get("date")))  # fmt: skip

    def name(entry: dict) -> str:
        parts = [clean(entry.get("committee")) or "meeting", readable_date(entry.get("date"))]
        item = clean(entry.get("item"))
        return ", ".join(parts) + (f" (item {item})" if item else "")

    old_entries = {ident(e): e for e in old or []}
    new_entries = {ident(e): e for e in new or []}
    changes = [FoundChange("item_added", f"on the agenda: {name(e)}", None, name(e))
               for k, e in new_entries.items() if k not in old_entries]  # fmt: skip
    changes += [FoundChange("item_removed", f"off the agenda: {name(e)}", name(e), None)
                for k, e in old_entries.items() if k not in new_entries]  # fmt: skip
    for k in old_entries.keys() & new_entries.keys():
        before, after = old_entries[k], new_entries[k]
        changes += date(name(after), before.get("date"), after.get("date"))
        # The item as printed at that meeting is substance: a figure revised in its title,
        # report text, decision or minutes is a figure change on the issue.
        # Versions stored before issues kept the item have no title, text or minutes at all
        # (not None): those fields are new to the archive, not to the page.
        for field, rule in (("title", PROSE), ("text", PROSE), ("decision", DECISION),
                            ("minutes", minutes)):  # fmt: skip
            if field in before or field == "decision":
                changes += rule(f"{field} at {name(after)}", before.get(field), after.get(field))
    return changes


PROSE, DECISION = prose("text"), prose("decision")

# For each kind, how each field is compared. A field not listed is compared as plain wording.
FIELDS: dict[str, dict[str, Compare]] = {
    "meeting": {"committee": text, "start": date, "status": status, "venue": status, "documents": documents},
    "agenda_item": {"meeting": text, "number": text, "title": PROSE, "text": PROSE, "decision": DECISION,
                    "minutes": minutes, "restricted": flag, "documents": documents},
    "decision": {"title": PROSE, "decision_maker": text, "status": status, "decision_date": date,
                 "published": text, "key_decision": flag, "call_in": flag, "purpose": PROSE,
                 "decision": DECISION, "meeting": text, "issue": text, "documents": documents},
    "issue": {"title": PROSE, "meetings": issue_meetings, "forward_plan_ref": text, "contact": text,
              "documents": documents},
    # A "modified" stamp changes whenever a newsroom re-saves; it says nothing by itself.
    "article": {"headline": PROSE, "byline": text, "published": text, "modified": ignore, "section": text,
                "body": PROSE, "topics": word_set},
    "page": {"title": PROSE, "text": PROSE},
    "document": {"title": PROSE, "text": PROSE},
}  # fmt: skip

LABELS = {"start": "meeting date", "decision_date": "decision date", "key_decision": "key decision",
          "call_in": "subject to call-in", "decision_maker": "decision maker", "body": "text",
          "forward_plan_ref": "forward plan ref"}  # fmt: skip

# Words in a meeting's heading that mean it is off ("…, CANCELLED").
STATUS_WORDS = re.compile(
    r"\b(cancelled|canceled|postponed|rescheduled|deferred|withdrawn|called in|moved)\b", re.I
)


def title_changes(
    old_title: str | None, new_title: str | None, found: list[FoundChange]
) -> list[FoundChange]:
    """For kinds whose title is not one of their fields (meetings): a status in the heading."""
    if same(old_title, new_title):
        return []
    old_words = set(m.lower() for m in STATUS_WORDS.findall(clean(old_title)))
    new_words = set(m.lower() for m in STATUS_WORDS.findall(clean(new_title)))
    if new_words - old_words and not any(c.kind == "status" for c in found):
        return [FoundChange("status", f"title: {clean(old_title)} -> {clean(new_title)}",
                            clean(old_title), clean(new_title))]  # fmt: skip
    if found:  # the heading carries the date or committee whose change is already reported
        return []
    return text("title", old_title, new_title)


def detect_changes(
    kind: str,
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    old_title: str | None = None,
    new_title: str | None = None,
    titles: dict[str, str | None] | None = None,
) -> list[FoundChange]:
    """Every understood change between two versions' fields; [] when only noise differs."""
    compare = dict(FIELDS.get(kind, {}))
    if kind == "meeting":
        compare["items"] = make_items(titles or {})
    found: list[FoundChange] = []
    figures_seen: set[tuple] = set()
    for name in dict.fromkeys([*old, *new]):
        rule = compare.get(name, PROSE)
        field_changes = rule(LABELS.get(name, name.replace("_", " ")), old.get(name), new.get(name))
        # One edit is one change: a figure repeated in another field (the minutes quoting the
        # report, the headline the body) is said once, under the subject found first.
        figures_here = {(c.old_value, c.new_value) for c in field_changes if c.kind == "figure"}
        found += [c for c in field_changes
                  if c.kind != "figure" or (c.old_value, c.new_value) not in figures_seen]  # fmt: skip
        figures_seen |= figures_here
    if kind not in FIELDS or kind == "meeting":
        found += title_changes(old_title, new_title, found)
    # Minutes often repeat the resolution: one edit, said once.
    unique = {(c.kind, c.summary): c for c in reversed(found)}
    return [c for c in found if unique[(c.kind, c.summary)] is c]
