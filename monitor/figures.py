"""Figures in council and news text: money, percentages and counts, each with what it measures.

Off-the-shelf parsers get UK council money wrong (price-parser reads "£14m" as 14, quantulum3
as 14 metres), so these are our own rules, tested on real council and news text.

A `Figure` is:
- `kind` "money": `value` in pounds, `unit` "GBP";
- `kind` "percent": `value` in per cent, `unit` "%" (or "percentage points");
- `kind` "count": `value` a whole number, `unit` "count", `denominator` for "31 of 44", and
  `subject` the thing counted ("children's centres"). A bare number with nothing counted is
  not a figure: "aged up to 19" says nothing a reader could watch.

`subject` is what the figure measures, lower-case ("new service", "overspend"), or None.
Never figures: dates, years, times, phone numbers, reference and item numbers ("2015/023",
"CA7", "Item 78"), ranges inside words ("0-19", "mum-of-two") and file sizes ("PDF 720 KB").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal

MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()

WORD_NUMBERS = {
    word: n
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
# "one" is far more often a pronoun ("one of the", "one-off") than a count worth watching.
COUNT_WORDS = {w: n for w, n in WORD_NUMBERS.items() if n >= 2}

MAGNITUDES = {
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "million": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}

# A number as printed: "9,000", "2.5", "14". Thousands groups must be exactly three digits.
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Not part of a longer token: "CA7", "2015/023", "0-19", "15/09/2015", "10:30", "60s".
BEFORE = r"(?<![\w/:.,£-])"
AFTER = r"(?![\w/:-]|[.,]\d)"

MAGNITUDE = r"bn|billion|mn|million|m|k|thousand"
# "£14m", "£ 2.5 million", and "14 million pounds"; never a range ("£5-10m").
MONEY = re.compile(
    rf"(?:£\s?(?P<number>{NUMBER})(?:\s?(?P<magnitude>{MAGNITUDE})\b)?"
    rf"|(?<![\w/:.,£'’-])(?P<number_pounds>{NUMBER})(?:\s?(?P<magnitude_pounds>{MAGNITUDE}))?\s+pounds\b)"
    r"(?![\w/]|[.,]\d|-\d)",
    re.IGNORECASE,
)
PERCENT = re.compile(
    rf"{BEFORE}(?P<number>{NUMBER})\s?(?P<unit>%|per\s?cent\b|percent\b|percentage points?\b)",
    re.IGNORECASE,
)
WORD_NUMBER = "|".join(sorted(COUNT_WORDS, key=len, reverse=True))
COUNT = re.compile(
    rf"(?<![\w/:.,£'’-])(?:(?P<number>{NUMBER})|(?P<word>{WORD_NUMBER})){AFTER}"
    r"(?:\s+(?P<magnitude>million|billion|thousand)\b)?"
    rf"(?:\s+(?:out\s+)?of\s+(?:(?P<of_number>{NUMBER})|(?P<of_word>{WORD_NUMBER})){AFTER})?",
    re.IGNORECASE,
)

# Words after a number that make it a measure we do not treat as a figure.
NOT_COUNTED = {
    "kb", "mb", "gb", "tb", "bytes", "am", "pm", "a.m", "p.m", "o'clock", "hrs",
    *MONTHS,
}  # fmt: skip
# Words before a number that make it a label, not a quantity.
LABELS = {
    "item", "items", "paragraph", "paragraphs", "para", "section", "minute", "minutes", "page",
    "pages", "appendix", "annex", "no", "number", "ref", "reference", "room", "tel", "telephone",
    "phone", "fax", "clause", "rule", "regulation", "schedule", "table", "figure", "option",
    "recommendation", "ward", "agenda", "version", "ver", "level", "floor", "pdf", "id", "vol",
    "volume", "chapter", "part", "article", "code", "postcode", "route", "bus", "junction", "tier",
    "stage", "phase", "step", "league", "division", "zone", "band", "grade",
    *MONTHS,
}  # fmt: skip
# Words that end the phrase naming what a figure measures.
STOP = {
    "a", "an", "the", "and", "or", "but", "nor", "to", "in", "into", "at", "on", "of", "for", "from",
    "by", "with", "without", "as", "than", "that", "which", "who", "whom", "whose", "where",
    "when", "while", "if", "is", "are", "was", "were", "be", "been", "being", "will", "would",
    "shall", "should", "can", "could", "may", "might", "must", "have", "has", "had", "do",
    "does", "did", "not", "no", "more", "less", "fewer", "further", "other", "others", "each",
    "per", "up", "over", "under", "about", "around", "after", "before", "since", "until",
    "this", "these", "those", "it", "its", "they", "their", "them", "he", "she", "we", "you",
    "i", "his", "her", "our", "your", "there", "here", "so", "also", "still", "just", "only",
    "then", "now", "said", "says", "say", "between", "across", "against", "through",
    "during", "within", "all", "both", "some", "any", "every",
}  # fmt: skip
TIME_WORDS = {"next", "last", "this", "each", "every", "annually", "year", "years", "month", "week"}
# Common verbs that follow a counted noun ("200 families live there").
VERBS = {
    "live", "lives", "came", "come", "go", "went", "work", "works", "face", "faces", "need", "needs",
    "use", "uses", "get", "got", "take", "took", "make", "made", "remain", "remains", "stay", "stays",
    "lose", "lost", "attend", "attended", "say", "said", "says", "voted", "vote", "responded", "signed",
    "spoke", "told", "want", "wants", "agree", "agreed", "object", "objected", "applied", "could",
}  # fmt: skip
# Adjectives in front of money that belong to its subject ("the new £14m system").
MONEY_ADJECTIVES = {
    "new", "extra", "additional", "current", "annual", "total", "proposed", "revised",
    "remaining", "existing", "original", "overall", "further",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9£])|\n+|\s*[•·]\s*")
ABBREVIATIONS = ("mr.", "mrs.", "ms.", "dr.", "cllr.", "no.", "st.", "e.g.", "i.e.", "etc.")


@dataclass(frozen=True)
class Figure:
    kind: str  # money | percent | count
    value: int | float  # money in pounds, percent in per cent
    unit: str  # "GBP", "%", "percentage points" or "count"
    denominator: int | None  # 44 in "31 of 44 children's centres"
    subject: str | None  # what it measures: "children's centres", "new service"
    text: str  # as printed: "£14m", "31 of 44"
    sentence: str  # the sentence it sits in

    def to_json(self) -> dict:
        return asdict(self)


def figures_json(figures: list[Figure]) -> dict:
    """The `councilwatch figures --json` document (INTERFACE.md)."""
    return {"figures": [f.to_json() for f in figures]}


def number_value(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def plain(value: Decimal) -> int | float:
    """An int when whole (money in pounds is nearly always whole), else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


def money_value(number: str, magnitude: str | None) -> int | float:
    return plain(number_value(number) * MAGNITUDES.get((magnitude or "").lower(), 1))


def sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) spans, split at full stops, bullets and line breaks that end a
    sentence. A line break before a lower-case word or a number is wrapping inside one sentence."""
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        head = text[start : match.start()]
        if match.group().strip() == "" and head.lower().endswith(ABBREVIATIONS):
            continue
        if (
            "\n" in match.group()
            and re.match(r"[a-z(0-9£]", text[match.end() :])
            and not re.search(r"[.!?:;]\s*$", head)
        ):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b, " ".join(text[a:b].split())) for a, b in spans if text[a:b].strip()]


def words_after(text: str, pos: int, limit: int = 4) -> list[str]:
    """The run of content words starting at `pos` (an opening quote may come first)."""
    lead = re.match(r"\s+[\"'“‘]?(?=[A-Za-z])", text[pos:])
    if not lead:
        return []
    found: list[str] = []
    for token in re.findall(r"[A-Za-z][A-Za-z'’-]*|\S", text[pos + lead.end() :]):
        if not WORD.fullmatch(token) or token.lower() in STOP or len(found) == limit:
            break
        if found and (token.lower() in VERBS or token.lower().endswith("ed")):
            break  # "9,000 people signed": the verb after the noun is not what is counted
        found.append(token)
    return found


def words_before(text: str, pos: int, limit: int = 2) -> list[str]:
    tokens = re.findall(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]", text[:pos])
    found: list[str] = []
    for token in reversed(tokens):
        if not WORD.fullmatch(token) or token.lower() in STOP or len(found) == limit:
            break
        found.insert(0, token)
    return found


def phrase(words: list[str]) -> str | None:
    if not words:
        return None
    return " ".join(words).lower().replace("’", "'").strip("'-")


def previous_word(text: str, pos: int) -> str:
    match = re.search(r"([A-Za-z][A-Za-z.]*)\W*$", text[max(0, pos - 30) : pos])
    return match.group(1).lower().rstrip(".") if match else ""


def next_word(text: str, pos: int) -> str:
    match = re.match(r"\s*([A-Za-z][A-Za-z'.]*)", text[pos:])
    return match.group(1).lower().rstrip(".") if match else ""


def is_year(number: str) -> bool:
    return re.fullmatch(r"(?:1[89]|20)\d\d", number) is not None


def is_identifier(number: str) -> bool:
    """Phone numbers and codes: a leading zero, or five or more digits printed without commas."""
    digits = number.split(".")[0]
    return (len(digits) > 1 and digits.startswith("0")) or ("," not in digits and len(digits) >= 5)


def is_label(text: str, start: int, end: int) -> bool:
    """An item or paragraph number: after "Item"/"para"/a month ("sections 9 and 10" too), or
    heading a line ("78 Future Arrangements")."""
    if previous_word(text, start) in LABELS or re.search(r"\bYear\s*$", text[:start]):
        return True  # "Year 11" is a school year; "last year 200 jobs" is a count
    listed = re.search(
        r"([A-Za-z]+)\s+[\d.,\s]+(?:and|or|to|&)\s*$", text[max(0, start - 40) : start]
    )
    if listed and listed.group(1).lower().rstrip("s") in LABELS | {w.rstrip("s") for w in LABELS}:
        return True
    line_start = text.rfind("\n", 0, start) + 1
    wrapped = re.search(r"[a-z,]\s*$", text[:line_start])  # "network of\n44 Children's Centres"
    heading = text[line_start:start].strip() == "" and re.match(r"\.?\s+[A-Z]", text[end:])
    return bool(heading and not wrapped)


def money_subject(text: str, match: re.Match) -> str | None:
    """What an amount is for: "savings of £8m", "£14m new service", "£6m of budget cuts"."""
    before = text[: match.start()]
    of_before = re.search(r"\s+of\s*$", before)
    if of_before and (words := words_before(text, of_before.start())):
        return phrase(words)
    adjective = re.search(r"([A-Za-z]+)\s*$", before)
    adjectives = (
        [adjective.group(1)] if adjective and adjective.group(1).lower() in MONEY_ADJECTIVES else []
    )
    return phrase(adjectives + noun_after(text, match.end())) or what_moved(before)


# "council tax will rise by 4.99%", "the budget was cut by £2m": the subject comes first.
MOVED_BY = re.compile(
    r"([A-Za-z][A-Za-z'’-]*(?:\s+[A-Za-z][A-Za-z'’-]*)?)\s+(?:(?:will|would|could|is|was|has|have|had)"
    r"\s+(?:be\s+|been\s+)?)?(?:rise|rises|rising|rose|risen|fall|falls|fell|fallen|increase[sd]?|"
    r"decrease[sd]?|cut|reduced|grow|grows|grew|go\s+up|went\s+up|goes\s+up)\s+by\s*$",
    re.IGNORECASE,
)


def what_moved(before: str) -> str | None:
    found = MOVED_BY.search(before)
    return phrase([w for w in found.group(1).split() if w.lower() not in STOP]) if found else None


def count_value(number: str | None, word: str | None, magnitude: str | None = None) -> int | None:
    value = Decimal(COUNT_WORDS[word.lower()]) if word else number_value(number)
    value *= MAGNITUDES.get((magnitude or "").lower(), 1)
    if value != value.to_integral_value():  # "2.5 people" is not a count
        return None
    return int(value)


def noun_after(text: str, pos: int) -> list[str]:
    """The words after a figure, or after "of (the)" when the figure is followed by it."""
    words = words_after(text, pos)
    of = re.match(r"\s+of(?:\s+the)?(?=\s)", text[pos:])
    return words_after(text, pos + of.end()) if not words and of else words


Found = tuple[int, int, "Figure"]


def money_in(chunk: str, sentence: str) -> Iterator[Found]:
    for m in MONEY.finditer(chunk):
        number = m.group("number") or m.group("number_pounds")
        value = money_value(number, m.group("magnitude") or m.group("magnitude_pounds"))
        subject = money_subject(chunk, m)
        yield (
            m.start(),
            m.end(),
            Figure("money", value, "GBP", None, subject, m.group().strip(), sentence),
        )


def percents_in(chunk: str, sentence: str) -> Iterator[Found]:
    for m in PERCENT.finditer(chunk):
        unit = "percentage points" if m.group("unit").lower().startswith("percentage") else "%"
        value = plain(number_value(m.group("number")))
        after = noun_after(chunk, m.end())
        if after and after[0].lower() in TIME_WORDS:
            after = []  # "30 per cent next year" measures nothing called "next year"
        subject = phrase(after) or what_moved(chunk[: m.start()])
        yield (
            m.start(),
            m.end(),
            Figure("percent", value, unit, None, subject, m.group().strip(), sentence),
        )


def counts_in(chunk: str, sentence: str) -> Iterator[Found]:
    for m in COUNT.finditer(chunk):
        number, word = m.group("number"), m.group("word")
        if number and (is_year(number) or is_identifier(number)):
            continue
        value = count_value(number, word, m.group("magnitude"))
        if (
            value is None
            or next_word(chunk, m.end()) in NOT_COUNTED
            or is_label(chunk, m.start(), m.end())
        ):
            continue
        denominator, subject_at = None, m.end()
        if m.group("of_number") or m.group("of_word"):
            denominator = count_value(m.group("of_number"), m.group("of_word"))
            if not denominator or denominator < value:
                continue
        elif of_the := re.match(r"\s+of\s+the(?=\s+[a-z])", chunk[m.end() :]):
            subject_at += of_the.end()  # "eight of the centres" counts centres
        subject = phrase(words_after(chunk, subject_at))
        if subject is not None:
            figure = Figure(
                "count", value, "count", denominator, subject, m.group().strip(), sentence
            )
            yield m.start(), m.end(), figure


def extract_figures(text: str) -> list[Figure]:
    """Every money amount, percentage and count in `text`, in reading order."""
    return [figure for _, _, figure in find_figures(text)]


def find_figures(text: str) -> list[Found]:
    """Each figure with its (start, end) in `text`, so a diff can tell figures from wording.
    Where matches overlap, money wins over a percentage, and both over a count ("£14m")."""
    found: list[Found] = []
    for start, end, sentence in sentences(text):
        chunk, taken = text[start:end], []
        for finder in (money_in, percents_in, counts_in):
            for a, b, figure in finder(chunk, sentence):
                if all(b <= x or a >= y for x, y in taken):
                    taken.append((a, b))
                    found.append((start + a, start + b, figure))
    return sorted(found, key=lambda item: item[0])
