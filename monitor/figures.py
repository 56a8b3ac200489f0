"""Figures in council and news text: money, percentages and counts, each with what it measures.

Off-the-shelf parsers get UK council money wrong (price-parser reads "£14m" as 14, quantulum3
as 14 metres), so these are our own rules, measured on a labelled corpus of real council and
news text (tests/fixtures/figures_corpus, bench/figures_corpus.py). Numbers written in words
("twenty-three", "three hundred", "forty five") are read by text2num's `find_numbers`.

A `Figure` is:
- `kind` "money": `value` in pounds, `unit` "GBP" ("£14m", "2,450.00 £", "22 million pounds";
  never "weighing 15 pounds");
- `kind` "percent": `value` in per cent, `unit` "%" (or "percentage points"); a fraction in
  words is a percentage ("two thirds of parents" is 66.7%);
- `kind` "count": `value` a whole number, `unit` "count", `denominator` for "31 of 44",
  "12 of its 30", "45 of the current 210" and "Of the 52 schools visited, 31 ...", and `subject`
  the thing counted ("children's centres"). The counted noun may come after the number, before
  it ("the number of children in care rose to 815, up from 760") or be left out ("Nine pupils
  tested positive. All nine are now at home"). A bare number with nothing counted and nothing
  to say it is a count is not a figure: "aged up to 19" says nothing a reader could watch.

A range is two figures of the same kind, unit and subject, one per bound, each with the whole
range as its `text` ("between 20 and 35 per cent" is 20% and 35%).

`subject` is what the figure measures, lower-case ("new service", "overspend"), or None: from
the words after the figure, the phrase before "of"/"for" ("the net budget requirement of
£212.4m"), the thing that moves ("parking charges will rise by 4.5%"), or the clause's subject
("the budget for 2018/19 was £57.4m").

Never figures: dates, years, times, durations ("a 6 week consultation"), measures that are not
money ("412 km2", "3,000 t", "50 miles"), ages, phone numbers, reference and item numbers
("2015/023", "CA7", "Item 78", "SSHH 540"), ranges inside words ("0-19", "mum-of-two") and
file sizes ("PDF 720 KB"). With `every_number=True`, `find_figures` also returns the other
numbers of substance (durations, measures, bare numbers) as kind "number", so a change to any
number that is not a date, year, label or identifier can be reported as a figure change.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from text_to_num import find_numbers as text2num_find_numbers

MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()

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
# Not part of a longer token: "CA7", "2015/023", "0-19", "15/09/2015", "10:30", "60s", "5-day".
BEFORE = r"(?<![\w/:.,£–-])"
AFTER = r"(?![\w/:–-]|[.,]\d)"
DIGITS = re.compile(rf"{BEFORE}(?:{NUMBER}){AFTER}")

MAGNITUDE = r"bn|billion|mn|million|m|k|thousand"
# "£14m", "£ 2.5 million", "2,450.00 £" and "14 million pounds"; never "£5-10m" (a range,
# read by MONEY_RANGE).
MONEY = re.compile(
    rf"(?:£\s?(?P<number>{NUMBER})(?:\s?(?P<magnitude>{MAGNITUDE})\b)?"
    rf"|(?<![\w/:.,£'’-])(?P<number_sign_after>{NUMBER})\s?£"
    rf"|(?<![\w/:.,£'’-])(?P<number_pounds>{NUMBER})(?:\s?(?P<magnitude_pounds>{MAGNITUDE}))?\s+pounds\b)"
    r"(?![\w/]|[.,]\d|-\d)",
    re.IGNORECASE,
)
# "£5-10m", "£5m to £10m": the first bound takes the second's magnitude when it has none.
MONEY_RANGE = re.compile(
    rf"£\s?(?P<low>{NUMBER})(?:\s?(?P<low_magnitude>{MAGNITUDE})\b)?\s?(?:-|–|to)\s?£?"
    rf"(?P<number>{NUMBER})(?:\s?(?P<magnitude>{MAGNITUDE})\b)?(?![\w/]|[.,]\d)",
    re.IGNORECASE,
)
WEIGHT_WORDS = re.compile(
    r"\b(?:weigh\w*|weight|heav(?:y|ier)|light(?:er)?|lbs?)\b[^.;]{0,25}$", re.I
)
PERCENT_UNIT = r"%|per\s?cent\b|percent\b|percentage points?\b"
PERCENT = re.compile(
    rf"{BEFORE}(?:(?P<between>between\s+)?(?P<low>{NUMBER})\s?(?:%|per\s?cent\b|percent\b)?\s?(?:-|–|to|and)\s?)?"
    rf"(?P<number>{NUMBER})\s?(?P<unit>{PERCENT_UNIT})",
    re.IGNORECASE,
)
FRACTIONS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
    "fifths": 5, "tenth": 10, "tenths": 10,
}  # fmt: skip
FRACTION_NUMERATORS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "nine": 9}
# "two thirds of parents", "three-quarters of children", "half of primary schools".
FRACTION = re.compile(
    r"(?<![\w-])(?:(?P<numerator>a|an|one|two|three|four|nine)[\s-]+)?"
    r"(?P<fraction>halves|half|thirds?|quarters?|fifths?|tenths?)(?=\s+of\s)",
    re.IGNORECASE,
)
NUMBER_WORD = re.compile(
    r"\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|thousand|million|billion)\b",
    re.IGNORECASE,
)

# Words after a number that make it a measure or a time, not a count.
NOT_COUNTED = {
    "kb", "mb", "gb", "tb", "bytes", "am", "pm", "a.m", "p.m", "o'clock", "hrs", "hr",
    *MONTHS,
}  # fmt: skip
DURATIONS = {
    "year", "years", "yr", "yrs", "month", "months", "week", "weeks", "day", "days", "hour",
    "hours", "minute", "minutes", "min", "mins", "second", "seconds", "decade", "decades",
    "century", "centuries", "night", "nights", "weekly", "fortnight", "fortnights",
}  # fmt: skip
MEASURES = {
    "mile", "miles", "km", "km2", "kms", "kilometre", "kilometres", "kilometer", "kilometers",
    "metre", "metres", "meter", "meters", "m", "m2", "m3", "sq", "ft", "feet", "foot", "inch",
    "inches", "cm", "mm", "kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "g", "grams",
    "t", "tonne", "tonnes", "ton", "tons", "lb", "lbs", "pound", "pounds", "stone", "ounces",
    "oz", "litre", "litres", "liter", "liters", "ml", "gallons", "acre", "acres", "hectare",
    "hectares", "ha", "mph", "kph", "degrees", "°c", "°f", "kw", "kwh", "mw", "mwh", "gw",
    "gwh", "x", "times", "point", "points",
}  # fmt: skip
# Words before a number that make it a label, not a quantity.
LABELS = {
    "item", "items", "paragraph", "paragraphs", "para", "paras", "section", "sections", "minute",
    "minutes", "page", "pages", "appendix", "appendices", "annex", "annexes", "no", "number",
    "ref", "reference", "room", "tel", "telephone", "phone", "fax", "clause", "rule", "rules",
    "regulation", "schedule", "table", "tables", "figure", "option", "options", "recommendation",
    "recommendations", "ward", "agenda", "version", "ver", "level", "floor", "pdf", "id", "vol",
    "volume", "chapter", "part", "article", "code", "postcode", "route", "bus", "junction", "tier",
    "stage", "phase", "step", "league", "division", "zone", "band", "grade", "month", "week",
    "day", "quarter", "point", "points", "question", "questions", "motion", "amendment", "unit",
    "block", "flat", "house", "plot", "platform", "gate", "channel", "cpr", "standing", "order",
    "key", "priority", "objective", "outcome", "indicator", "measure", "slide", "slides", "box",
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
    "during", "within", "all", "both", "some", "any", "every", "towards", "toward", "including",
    "excluding", "via", "like", "such", "out", "off", "down", "compared",
    "currently", "already", "yet", "again", "ago", "approximately", "nearly", "almost",
}  # fmt: skip
TIME_WORDS = {"next", "last", "this", "each", "every", "annually", "year", "years", "month", "week"}
# Common verbs that follow a counted noun ("200 families live there"), or a number whose noun
# was left out ("All nine are now at home", "more than 120 set to close").
VERBS = {
    "live", "lives", "came", "come", "go", "went", "work", "works", "face", "faces", "need", "needs",
    "use", "uses", "get", "got", "take", "took", "make", "made", "remain", "remains", "stay", "stays",
    "lose", "lost", "attend", "attended", "say", "said", "says", "voted", "vote", "responded", "signed",
    "spoke", "told", "want", "wants", "agree", "agreed", "object", "objected", "applied", "could",
    "set", "are", "were", "is", "was", "have", "has", "had", "will", "would", "can", "may", "might",
    "should", "must", "remained", "now", "still", "also", "already", "do", "did", "received",
    "receive", "receives", "saw", "see", "sees", "closed", "close", "closes", "opened", "open",
    "opens", "stayed", "due", "expected", "likely", "thought", "feel", "felt", "know", "knew",
    "include", "includes", "included", "tested", "being", "been", "shut", "shuts", "run", "runs", "ran", "left", "leave", "leaves", "fell", "rose", "grew", "fall", "rise",
    "falls", "rises", "grows",
}  # fmt: skip
# "-ing" words that are nouns, not verbs after a counted noun ("£45m of match funding").
ING_NOUNS = {
    "funding", "housing", "building", "buildings", "training", "parking", "spending", "lighting",
    "planning", "fostering", "safeguarding", "learning", "meeting", "meetings", "offending",
    "nursing", "schooling", "childminding", "mentoring", "counselling", "tutoring", "staffing",
    "borrowing", "banking", "catering", "cleaning", "clothing", "heating", "landscaping",
    "marketing", "policing", "recycling", "screening", "testing", "sewing", "signing", "engineering",
    "wellbeing", "being", "dwelling", "dwellings", "bedding", "living", "listing", "ring",
}  # fmt: skip
# Verbs that come before a money amount as part of the sentence, not of its subject
# ("to make savings of £80m" is about savings).
MONEY_VERBS = {
    "make", "made", "making", "find", "found", "finding", "deliver", "delivered", "achieve",
    "achieved", "save", "approve", "approved", "agree", "agreed", "set", "spend", "spent",
    "invest", "invested", "announce", "announced", "raise", "raised", "receive", "received",
    "access", "need", "needed", "requires", "require", "required", "requiring", "approves",
    "recommend", "recommended", "identify", "identified", "allocate", "allocated", "award",
    "awarded", "give", "given", "gave", "provide", "provided", "secure", "secured", "use",
    "used", "seek", "seeking", "costing", "represent", "represented",
    "representing", "reflect", "reflected", "reflecting", "noted", "note",
}  # fmt: skip
# Adjectives in front of money that belong to its subject ("the new £14m system").
MONEY_ADJECTIVES = {
    "new", "extra", "additional", "current", "annual", "total", "proposed", "revised",
    "remaining", "existing", "original", "overall", "further",
}  # fmt: skip
QUANTIFIERS = re.compile(
    r"(?:\b(?:more|fewer|less)\s+than|\bat\s+least|\bat\s+most|\ba\s+further|\banother|"
    r"\b(?:a\s+)?total\s+of|\bincluding|\ball|\bjust|\bonly|\bover|\baround|\babout|\bnearly|"
    r"\balmost|\bsome|\bup\s+to|\bunder|\bapproximately|\broughly|\bsuch|\bremaining|"
    r"\b(?:drop|fall|rise|increase|decrease|reduction|cut|loss|gain)\s+of|\bcompared\s+(?:to|with)|"
    r"\bagainst|\bwhile|\bwhereas)\s+$",
    re.IGNORECASE,
)
MOVEMENT = re.compile(
    r"\b(?:rose|rise|risen|rising|rises|fell|fall|fallen|falls|falling|dropped|drop|drops|"
    r"dropping|reduced|reduce|reduces|reducing|reduction|cut|cuts|cutting|increased|increase|"
    r"increases|increasing|decreased|decrease|decreases|decreasing|grew|grow|grown|grows|went|"
    r"gone|up|down|halved|doubled|climbed|climb|climbs|jumped|jump|soared|slipped|shrank|"
    r"shrunk|expanded|changed|moved|merge|merged|brought|bring|lowered|raised|compared)\b",
    re.IGNORECASE,
)
AGE_WORDS = re.compile(r"\b(?:aged?|ages|age\s+of|ages\s+of|birth|born)\b[^.;]{0,25}$", re.I)
ORDINAL_CONTEXT = {"first", "last", "next", "past", "previous", "top", "bottom", "final"}
DETERMINERS = {"the", "a", "an", "its", "their", "our", "this", "these", "those", "his", "her",
               "your", "my"}  # fmt: skip
PRONOUNS = {"it", "there", "they", "we", "he", "she", "this", "that", "you", "i", "officers",
            "members"}  # fmt: skip
# Fixed phrases that belong to the counted noun: "children in care", "children in need".
NOUN_TAILS = re.compile(r"\s+(in\s+care|in\s+need|looked\s+after)\b", re.I)
COPULA = re.compile(
    r"\b(?:is|was|are|were|be|been|remains?|remained|stood\s+at|stands\s+at|totall?ed|totals|"
    r"totalling|reached|came\s+to|comes\s+to|amounted\s+to|amounts\s+to|running\s+at|"
    r"estimated\s+at|valued\s+at|set\s+at|read|reads)\s+"
    r"(?:(?:around|about|approximately|nearly|almost|over|just|some|only|under|more\s+than|"
    r"less\s+than|up\s+to|now|currently|an?\s+estimated)\s+)*$",
    re.IGNORECASE,
)
QUANTITY_ADVERBS = (
    r"(?:(?:around|about|approximately|nearly|almost|over|just|some|only|under|up\s+to|"
    r"more\s+than|less\s+than|just\s+over|just\s+under|roughly|an?\s+(?:extra|further|additional|estimated))\s+)*"
)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
NUMBER_WORDS_SET = set(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand".split()
)
TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]*|\d[\d,.]*\d|\d|[^\sA-Za-z\d]")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9£])|\n+|\s*[•·]\s*")
ABBREVIATIONS = ("mr.", "mrs.", "ms.", "dr.", "cllr.", "no.", "st.", "e.g.", "i.e.", "etc.")


@dataclass(frozen=True)
class Figure:
    kind: str  # money | percent | count (and "number" from find_figures(every_number=True))
    value: int | float  # money in pounds, percent in per cent
    unit: str  # "GBP", "%", "percentage points" or "count"
    denominator: int | None  # 44 in "31 of 44 children's centres"
    subject: str | None  # what it measures: "children's centres", "new service"
    text: str  # as printed: "£14m", "31 of 44"
    sentence: str  # the sentence it sits in

    def to_json(self) -> dict:
        return asdict(self)


def figures_json(figures: list[Figure]) -> dict:
    """The `councilwatch figures --json` document (docs/interface.md)."""
    return {"figures": [f.to_json() for f in figures]}


def number_value(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def plain(value: Decimal) -> int | float:
    """An int when whole (money in pounds is nearly always whole), else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


def money_value(number: str, magnitude: str | None) -> int | float:
    return plain(number_value(number) * MAGNITUDES.get((magnitude or "").lower(), 1))


WRAPPED_ON = re.compile(r"[a-z(0-9£]")
CLAUSE_END = re.compile(r"[.!?:;]\s*$")
# A "sentence" longer than this (a table flattened to one line, a list without full stops) is
# read in pieces cut at a separator or space: the rules look at a few words around each number,
# and reading a whole long run before every number would be quadratic in its length.
LONGEST_SENTENCE = 600
PIECE_END = re.compile(r".*[|;,•·]\s|.*\s", re.S)


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
            and WRAPPED_ON.match(text, match.end())
            and not CLAUSE_END.search(head)
        ):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while b - a > LONGEST_SENTENCE:
            cut = PIECE_END.match(text, a, a + LONGEST_SENTENCE)
            end = (
                cut.end() if cut and cut.end() > a + LONGEST_SENTENCE // 2 else a + LONGEST_SENTENCE
            )
            out.append((a, end))
            a = end
        out.append((a, b))
    return [(a, b, " ".join(text[a:b].split())) for a, b in out if text[a:b].strip()]


def is_verb_like(token: str, following: str) -> bool:
    """A word that reads as the verb after a noun: "-ing" words and "-ed" words followed by a
    function word or punctuation ("64 earmarked for closure", but "15 licensed premises")."""
    low = token.lower()
    if low in VERBS:
        return True
    if low.endswith("ing") and len(low) > 4 and low not in ING_NOUNS:
        return True
    if low.endswith("ed") and len(low) > 3:
        follow = re.match(r"\s*([A-Za-z]+|\S)?", following)
        nxt = (follow.group(1) or "").lower() if follow else ""
        return nxt == "" or nxt in STOP or not nxt.isalpha()
    return False


def words_after(text: str, pos: int, limit: int = 4) -> list[str]:
    """The run of content words starting at `pos` (quotes around words are skipped)."""
    lead = re.match(r"\s+[\"'“‘”’]?(?=[A-Za-z])", text[pos:])
    if not lead:
        return []
    found: list[str] = []
    rest_at = pos + lead.end()
    last_end = rest_at
    skip_next = False
    for m in re.finditer(r"[A-Za-z][A-Za-z'’-]*|[\"“”‘’]|\S", text[rest_at:]):
        token = m.group()
        if skip_next:
            skip_next = False
            last_end = rest_at + m.end()
            continue
        if token in '"“”‘’' and len(token) == 1:
            continue  # '250 "main" children's centres'
        low = token.lower().strip("'’")
        following = text[rest_at + m.end() :]
        if not WORD.fullmatch(token) or low in STOP or len(found) == limit:
            if low == "and" and len(found) == 1 and not found[0].lower().endswith("s"):
                # "ten child and family centres": a noun pair naming one kind of thing
                pair = re.match(
                    r"\s+([a-z][a-z'’-]*)\s+([a-z][a-z'’-]*)(?=\s*(?:[^\w\s]|$)|\s+(?:in|at|on|for|to|and|which|that|were|are|was|is|will|would|have|had)\b)",
                    following,
                )
                if pair and not {pair.group(1), pair.group(2)} & (STOP | NUMBER_WORDS_SET):
                    found += ["and", pair.group(1), pair.group(2)]
                    last_end = rest_at + m.end() + pair.end()
            break
        if found and is_verb_like(token, following):
            break  # "9,000 people signed": the verb after the noun is not what is counted
        if not found and first_word_is_verb(low, following):
            break  # "120 set to close", "12 coming from outside": no noun at all
        found.append(token.strip("'’\"“”"))
        last_end = rest_at + m.end()
        if low == "looked" and re.match(r"\s+after\b", following, re.I):
            found.append("after")  # "looked after children"
            skip_next = True
    if found:
        tail = NOUN_TAILS.match(text, last_end)
        if tail:
            found += tail.group(1).split()
    return found


def first_word_is_verb(low: str, following: str) -> bool:
    """A verb straight after a number: one of VERBS, or an "-ing"/"-ed" word followed by a
    function word or punctuation ("12 coming from", but "15 licensed premises")."""
    if (low.endswith("ing") and len(low) > 4 and low not in ING_NOUNS) or (
        low.endswith("ed") and len(low) > 3
    ):
        nxt = re.match(r"\s*([A-Za-z]+|\S)?", following)
        word = (nxt.group(1) or "").lower() if nxt else ""
        return word == "" or word in STOP or not word.isalpha()
    return low in FIRST_VERBS


# Verbs that cannot be the first word of a counted noun ("open" can: "200 open places").
FIRST_VERBS = {
    "are", "were", "is", "was", "have", "has", "had", "will", "would", "can", "could", "may",
    "might", "should", "must", "said", "say", "says", "set", "remain", "remains", "remained",
    "now", "still", "also", "already", "do", "did", "being", "been", "went", "came", "got",
    "fell", "rose", "grew", "stayed", "lost", "received", "saw", "voted", "signed",
}  # fmt: skip


def words_before(text: str, pos: int, limit: int = 4) -> list[str]:
    tokens = re.findall(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]", text[:pos])
    found: list[str] = []
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i]
        low = token.lower()
        if low == "in" and found and found[0].lower() == "year":
            found.insert(0, token)  # "in year pressure": council finance's own phrase
            continue
        if (
            not WORD.fullmatch(token)
            or low in STOP
            or len(found) == limit
            or low in MONEY_VERBS
            or (low.endswith("ing") and len(low) > 4)
        ):
            break
        found.insert(0, token)
    while len(found) > 1 and found[0].lower() in VAGUE_ADJECTIVES:
        found.pop(0)  # "wider budget savings of £290m" are budget savings
    return found


VAGUE_ADJECTIVES = {
    "wider", "larger", "bigger", "greater", "smaller", "huge", "massive", "significant", "big",
    "large", "small", "major", "whopping", "eye-watering", "staggering", "further", "such",
}  # fmt: skip


def phrase(words: list[str]) -> str | None:
    if not words:
        return None
    return " ".join(words).lower().replace("’", "'").strip("'-\"") or None


def previous_word(text: str, pos: int) -> str:
    match = re.search(r"([A-Za-z][A-Za-z.]*)\W*$", text[max(0, pos - 30) : pos])
    return match.group(1).lower().rstrip(".") if match else ""


def previous_token(text: str, pos: int) -> str:
    match = re.search(r"(\S+)\s*$", text[max(0, pos - 30) : pos])
    return match.group(1) if match else ""


def next_word(text: str, pos: int) -> str:
    match = re.match(r"\s*([A-Za-z°][A-Za-z'.\d]*)", text[pos:])
    return match.group(1).lower().rstrip(".") if match else ""


def is_year(number: str) -> bool:
    return re.fullmatch(r"(?:1[89]|20)\d\d", number) is not None


def is_identifier(number: str) -> bool:
    """Phone numbers and codes: a leading zero, or five or more digits printed without commas."""
    digits = number.split(".")[0]
    return (len(digits) > 1 and digits.startswith("0")) or ("," not in digits and len(digits) >= 5)


def is_label(text: str, start: int, end: int) -> bool:
    """An item or paragraph number: after "Item"/"para"/a month ("sections 9 and 10" too), after
    a code in capitals ("SSHH 540", "TMSS 1617"), or heading a line ("78 Future Arrangements")."""
    if previous_word(text, start) in LABELS or re.search(r"\bYear\s*$", text[:start]):
        return True  # "Year 11" is a school year; "last year 200 jobs" is a count
    token = previous_token(text, start)
    if re.fullmatch(r"[A-Z]{2,}[A-Z0-9]*|[A-Z]+\d+[A-Z\d]*", token) and token not in {"LAC", "LAs"}:
        return True
    listed = re.search(
        r"([A-Za-z]+)\s+(?:\d{1,3}(?:\.\d+)?[,\s]+)+(?:and|or|to|&|-|–)\s*$",
        text[max(0, start - 40) : start],
    )
    if listed and listed.group(1).lower().rstrip("s") in LABELS | {w.rstrip("s") for w in LABELS}:
        return True
    line_start = text.rfind("\n", 0, start) + 1
    wrapped = re.search(r"[a-z,]\s*$", text[:line_start])  # "network of\n44 Children's Centres"
    heading = text[line_start:start].strip() == "" and re.match(
        r"\.?\)?\s+(?:[A-Z(]|\d)|\.\s*$|\.\s", text[end:]
    )
    return bool(heading and not wrapped)


# --- what a figure measures ------------------------------------------------------------------

# "council tax will rise by 4.99%", "the budget was cut by £2m": the subject comes first.
MOVED_BY = re.compile(
    r"(?:(?:will|would|could|is|was|has|have|had|are|were|may|might)\s+(?:be\s+|been\s+|also\s+)?)?"
    r"(?:rise|rises|rising|rose|risen|fall|falls|fell|fallen|increase[sd]?|decrease[sd]?|cut|"
    r"reduced|grow|grows|grew|go\s+up|went\s+up|goes\s+up|drop(?:ped|s)?|spiral|climb(?:ed|s)?|"
    r"jump(?:ed|s)?|soar(?:ed|s)?)\s+(?:by|to)\s+" + QUANTITY_ADVERBS + r"$",
    re.IGNORECASE,
)
# "raise council tax by an extra 9.99%", "reduced this pressure to £9.6m", "bringing the total
# rates income to £143m", "reduce the number of looked after children by 23".
MOVED_WHAT = re.compile(
    r"\b(?:raise[sd]?|raising|cut|cuts|cutting|reduce[sd]?|reducing|increase[sd]?|increasing|"
    r"lower(?:ed|s)?|bring(?:s|ing)?|brought|boost(?:ed|s)?|freeze|froze|frozen)\s+"
    r"(?P<what>[^.;:%£\d]{1,60}?)\s+(?:by|to)\s+" + QUANTITY_ADVERBS + r"$",
    re.IGNORECASE,
)


def noun_phrase(text: str) -> str | None:
    """The noun phrase a clause opens with: determiners skipped, one "of" allowed ("rate of
    CPI", "cost of the placements", "number of X" read as X)."""
    text = re.sub(r"\([^)]*\)", " ", text)
    tokens = re.findall(r"[A-Za-z][A-Za-z'’-]*|\S", text)
    i = 0
    if tokens and tokens[0].lower() in PRONOUNS:
        while i < len(tokens) and tokens[i].lower() not in DETERMINERS:
            i += 1
    while i < len(tokens) and tokens[i].lower() in DETERMINERS:
        i += 1
    words: list[str] = []
    used_of = False
    while i < len(tokens) and len(words) < 5:
        token, low = tokens[i], tokens[i].lower()
        if low == "of" and words and not used_of and i + 1 < len(tokens):
            j = i + 1
            while j < len(tokens) and tokens[j].lower() in DETERMINERS | {"all"}:
                j += 1
            if j < len(tokens) and WORD.fullmatch(tokens[j]) and tokens[j].lower() not in STOP:
                if words == ["number"] or words == ["numbers"]:
                    words = []
                else:
                    words.append("of")
                    if j > i + 1:
                        words.append(tokens[j - 1])
                used_of = True
                i = j
                continue
        if not WORD.fullmatch(token) or low in STOP or low in MONEY_VERBS:
            break
        if words and is_verb_like(token, " ".join(tokens[i + 1 : i + 2])):
            break
        words.append(token)
        i += 1
    while words and words[-1].lower() in {"of", "the"} | DETERMINERS:
        words.pop()
    return phrase(words)


def clause_before(text: str, pos: int) -> str:
    """The clause that ends at `pos`: from the last ; : or conjunction that opens a clause."""
    head = text[:pos]
    cut = 0
    for m in re.finditer(r"[;:]|,\s|\s(?:that|which|and|but|while|whereas|where|when)\s", head):
        cut = m.end()
    return head[cut:]


def what_moved(before: str) -> str | None:
    # End-anchored patterns look at the end of the text only: searching all of it from every
    # position is quadratic in a sentence's numbers.
    found = MOVED_BY.search(before, max(0, len(before) - 80))
    if found:
        clause = clause_before(before, found.start())
        return noun_phrase(clause) if clause.strip() else None
    moved = MOVED_WHAT.search(before, max(0, len(before) - 120))
    if moved:
        return noun_phrase(moved.group("what"))
    return None


def clause_subject(before: str) -> str | None:
    """ "the savings requirement for the department was £21.3m": the clause's own subject."""
    found = COPULA.search(before, max(0, len(before) - 80))
    if not found:
        return None
    clause = clause_before(before, found.start())
    return noun_phrase(clause) if clause.strip() else None


def subject_before_of(chunk: str, start: int, prepositions: str = "of") -> str | None:
    """ "savings of £8m", "a capital bid for around £22m", "RPI at 14.2%"."""
    of_before = re.compile(rf"\s+(?:{prepositions})\s+" + QUANTITY_ADVERBS + r"$").search(
        chunk, max(0, start - 60), start
    )
    if of_before:
        return phrase(words_before(chunk, of_before.start()))
    return None


def preposition_subject(chunk: str, end: int) -> str | None:
    """ "£45m in savings", "£440m a year on unregistered placements", "£120m for maintenance"."""
    m = re.match(
        r"\s+(?:(?:a|per|each)\s+(?:year|annum|week|month)\s+)?(?:of|in|on|for)\s+"
        r"(?:(?:the|all|its|their|these|those)\s+)?(?=[a-z])",
        chunk[end:],
    )
    if not m:
        return None
    words = words_after(chunk, end + m.end() - 1)
    if words and words[0].lower() in {"total", "year", "years", "cash", "real", "terms"}:
        return None
    return phrase(words)


def noun_after(text: str, pos: int) -> list[str]:
    """The words after a figure, or after "of (the)" when the figure is followed by it."""
    skip = re.match(
        r"\s+(?:per\s+annum|a\s+year|per\s+year|each\s+year|a\s+week|per\s+week)(?=\s)", text[pos:]
    )
    at = pos + skip.end() if skip else pos
    words = words_after(text, at)
    of = re.match(r"\s+of(?:\s+(?:the|all|its|their|these|those))?(?:\s+[\d,]+)?(?=\s)", text[at:])
    return words_after(text, at + of.end()) if not words and of else words


def money_subject(chunk: str, start: int, end: int) -> str | None:
    """What an amount is for: "savings of £8m", "£14m new service", "£6m of budget cuts"."""
    before = chunk[:start]
    if subject := subject_before_of(chunk, start):
        return subject
    adjective = re.search(r"([A-Za-z]+)\s*$", before)
    adjectives = (
        [adjective.group(1)] if adjective and adjective.group(1).lower() in MONEY_ADJECTIVES else []
    )
    after = noun_after(chunk, end)
    if after or adjectives:
        return phrase(adjectives + after)
    return (
        subject_before_of(chunk, start, "for|at")
        or what_moved(before)
        or preposition_subject(chunk, end)
        or clause_subject(before)
    )


def percent_subject(chunk: str, start: int, end: int) -> str | None:
    after = noun_after(chunk, end)
    if after and after[0].lower() in TIME_WORDS:
        after = []  # "30 per cent next year" measures nothing called "next year"
    before = chunk[:start]
    return (
        phrase(after)
        or subject_before_of(chunk, start, "of|for|at")
        or what_moved(before)
        or clause_subject(before)
    )


# --- finding numbers -------------------------------------------------------------------------


@dataclass
class Number:
    start: int
    end: int
    value: Decimal
    text: str
    word: bool  # written in words


class _Token:
    """A word for text2num's `find_numbers` (its Token protocol)."""

    __slots__ = ("string", "start", "end", "foreign")

    def __init__(self, string: str, start: int, end: int) -> None:
        self.string, self.start, self.end = string, start, end
        self.foreign = not (string.isalpha() or string == "-")

    def text(self) -> str:
        return self.string

    def nt_separated(self, previous: _Token) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        return self.foreign


def numbers_in(chunk: str) -> list[Number]:
    """Every number printed in digits, and every number in words (text2num), with its span."""
    found = [
        Number(m.start(), m.end(), number_value(m.group()), m.group(), False)
        for m in DIGITS.finditer(chunk)
    ]
    if NUMBER_WORD.search(chunk):
        tokens = [_Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(chunk)]
        for occurrence in text2num_find_numbers(tokens, "en", 0.0):
            if occurrence.is_ordinal:
                continue
            first, last = tokens[occurrence.start], tokens[occurrence.end - 1]
            if first.string.lower() in {"a", "an", "hundred", "thousand", "million", "billion"}:
                continue  # "a hundred" alone is vague; "1.2 million" is read with its digits
            if chunk[first.start - 1 : first.start] in {"-", "–", "/"} or re.match(
                r"[-–][A-Za-z]", chunk[last.end : last.end + 2]
            ):
                continue  # "mum-of-two", "one-off", "two-year": part of a word
            found.append(
                Number(first.start, last.end, Decimal(str(occurrence.value)),
                       chunk[first.start : last.end], True)
            )  # fmt: skip
    return sorted(found, key=lambda n: n.start)


Found = tuple[int, int, "Figure"]


@dataclass
class Context:
    """What the sentences so far say a bare number may count."""

    previous_subject: str | None = None  # the last count's subject in the sentence before
    counts: list[tuple[int, str]] = field(default_factory=list)  # (position, subject) here


def money_in(chunk: str, sentence: str) -> Iterator[Found]:
    for m in MONEY_RANGE.finditer(chunk):
        subject = money_subject(chunk, m.start(), m.end())
        text = m.group().strip()
        low = money_value(m.group("low"), m.group("low_magnitude") or m.group("magnitude"))
        high = money_value(m.group("number"), m.group("magnitude"))
        yield m.start(), m.end("low"), Figure("money", low, "GBP", None, subject, text, sentence)
        yield (
            m.start("number"),
            m.end(),
            Figure("money", high, "GBP", None, subject, text, sentence),
        )
    for m in MONEY.finditer(chunk):
        number = m.group("number") or m.group("number_sign_after") or m.group("number_pounds")
        magnitude = m.group("magnitude") or m.group("magnitude_pounds")
        if m.group("number_pounds") and WEIGHT_WORDS.search(
            chunk, max(0, m.start() - 40), m.start()
        ):
            continue  # "a parcel weighing 15 pounds"
        value = money_value(number, magnitude)
        subject = money_subject(chunk, m.start(), m.end())
        yield (
            m.start(),
            m.end(),
            Figure("money", value, "GBP", None, subject, m.group().strip(), sentence),
        )


def percents_in(chunk: str, sentence: str, numbers: list[Number]) -> Iterator[Found]:
    digits = {(n.start, n.end) for n in numbers if not n.word}
    for m in PERCENT.finditer(chunk):
        unit = "percentage points" if m.group("unit").lower().startswith("percentage") else "%"
        if (m.start("number"), m.end("number")) not in digits:
            continue
        value = plain(number_value(m.group("number")))
        subject = percent_subject(chunk, m.start(), m.end())
        low = m.group("low")
        if low and (is_year(low) or previous_word(chunk, m.start("low")) in MONTHS):
            low = None  # "31 October 2017 to 38%" is a date, then one percentage
        if low and (m.group("between") or not re.search(r"\band\b", m.group())):
            text = m.group().strip()
            yield (m.start("low"), m.end("low"),
                   Figure("percent", plain(number_value(low)), unit, None, subject, text, sentence))  # fmt: skip
            yield (m.start("number"), m.end(),
                   Figure("percent", value, unit, None, subject, text, sentence))  # fmt: skip
            continue
        yield (m.start("number"), m.end(),
               Figure("percent", value, unit, None, subject, chunk[m.start("number") : m.end()].strip(), sentence))  # fmt: skip
    # Numbers in words: "five per cent", "Seventy-five per cent".
    for n in numbers:
        unit_match = re.match(rf"\s?(?P<unit>{PERCENT_UNIT})", chunk[n.end :], re.I)
        if n.word and unit_match:
            unit = (
                "percentage points"
                if unit_match.group("unit").lower().startswith("percentage")
                else "%"
            )
            end = n.end + unit_match.end()
            yield (n.start, end, Figure("percent", plain(n.value), unit, None,
                                        percent_subject(chunk, n.start, end), chunk[n.start : end], sentence))  # fmt: skip
    for m in FRACTION.finditer(chunk):
        if previous_word(chunk, m.start()) in ORDINAL_CONTEXT | {"second", "other"}:
            continue  # "the second half of the year"
        numerator = FRACTION_NUMERATORS.get((m.group("numerator") or "one").lower(), 1)
        value = round(100 * numerator / FRACTIONS[m.group("fraction").lower()], 1)
        subject = percent_subject(chunk, m.start(), m.end())
        if subject and subject.split()[0] in TIME_WORDS | {"century", "decade", "term"}:
            continue
        yield m.start(), m.end(), Figure("percent", plain(Decimal(str(value))), "%", None, subject,
                                         m.group(), sentence)  # fmt: skip


def plural_before(chunk: str, pos: int) -> str | None:
    """The nearest plural noun phrase before `pos` ("the future of children's centres ... more
    than 120"): what a number with its noun left out most likely counts."""
    tokens = list(re.finditer(r"[A-Za-z][A-Za-z'’-]*|\S", chunk[:pos]))
    for k in range(len(tokens) - 1, -1, -1):
        word = tokens[k].group()
        low = word.lower()
        if (
            WORD.fullmatch(word)
            and len(low) > 3
            and low.endswith("s")
            and not low.endswith(("ss", "us", "is", "'s", "’s"))
            and low
            not in STOP | VERBS | {"was", "has", "does", "goes", "years", "months", "weeks", "days"}
        ):
            words = [word]
            j = k - 1
            while j >= 0 and len(words) < 3:
                prev = tokens[j].group()
                if not WORD.fullmatch(prev) or prev.lower() in STOP | MONEY_VERBS | VERBS:
                    break
                words.insert(0, prev)
                j -= 1
            return phrase(words)
    return None


def number_of_before(chunk: str, pos: int) -> str | None:
    """ "the number of children in care rose to 815": what the number counts."""
    found = None
    for m in re.finditer(r"\bnumbers?\s+of\s+(?:(?:the|all)\s+)?", chunk[:pos], re.I):
        found = m
    if not found:
        return None
    return phrase(words_after(chunk, found.end() - 1)) if chunk[found.end() - 1] == " " else None


def counts_in(chunk: str, sentence: str, numbers: list[Number], taken: list[tuple[int, int]],
              context: Context, every_number: bool) -> Iterator[Found]:  # fmt: skip
    def free(n: Number) -> bool:
        return all(n.end <= a or n.start >= b for a, b in taken)

    pending = [n for n in numbers if free(n)]
    by_start = {n.start: n for n in pending}
    used: set[int] = set()  # starts of numbers read as denominators

    # "Of the 52 schools visited, 31 ... and eight ...": 52 is the denominator of both.
    opener_total, opener_subject, opener_number = None, None, None
    opener = re.match(
        r"\s*Of\s+(?:(?:the|these|those|its|their|all)\s+)?(?P<rest>[^,]{0,120}),", chunk
    )
    if opener:
        rest_at = opener.start("rest")
        first = by_start.get(rest_at)
        if first is not None and not first.word or (first is not None and first.value > 1):
            opener_number, opener_total = first, int(first.value)
            opener_subject = phrase(words_after(chunk, first.end))
        else:
            opener_subject = phrase(words_after(chunk, rest_at - 1)) if rest_at > 0 else None
            if opener_subject in {"these", "those", "them"} or opener_subject is None:
                opener_subject = context.previous_subject

    opener_used = False
    for n in pending:
        if n is opener_number or n.start in used:
            continue
        figure = count_at(chunk, sentence, n, by_start, used, context,
                          (opener_total, opener_subject) if opener else None)  # fmt: skip
        if figure is None:
            if every_number and not is_excluded_number(chunk, n):
                yield n.start, n.end, Figure("number", plain(n.value), "number", None,
                                             number_subject(chunk, n), n.text, sentence)  # fmt: skip
            continue
        start, end, f = figure
        if (
            opener_total
            and f.denominator == opener_total
            and n.start > (opener.end() if opener else 0)
        ):
            opener_used = True
        if f.subject:
            context.counts.append((start, f.subject))
        yield figure
    if opener_number is not None and not opener_used and opener_subject:
        figure = Figure("count", int(opener_number.value), "count", None, opener_subject,
                        opener_number.text, sentence)  # fmt: skip
        context.counts.append((opener_number.start, opener_subject))
        yield opener_number.start, opener_number.end, figure
    elif opener_number is not None and every_number:
        # The denominator of the counts after it: a number of substance of its own for a diff.
        yield opener_number.start, opener_number.end, Figure(
            "number", plain(opener_number.value), "number", None, opener_subject,
            opener_number.text, sentence)  # fmt: skip


def is_excluded_number(chunk: str, n: Number) -> bool:
    """A date, year, time, label, identifier or file size: never a figure, not even a number."""
    if not n.word and (is_year(n.text) or is_identifier(n.text.replace(",", ""))):
        return True
    after = next_word(chunk, n.end)
    return (
        after in NOT_COUNTED
        or is_label(chunk, n.start, n.end)
        or previous_word(chunk, n.start) in MONTHS
    )


def number_subject(chunk: str, n: Number) -> str | None:
    return phrase(words_after(chunk, n.end, 3)) or phrase(words_before(chunk, n.start, 3))


def count_at(chunk: str, sentence: str, n: Number, by_start: dict[int, Number], used: set[int],
             context: Context, opener: tuple[int | None, str | None] | None) -> Found | None:  # fmt: skip
    """The count `n` is, if it is one."""
    if not n.word and (is_year(n.text) or is_identifier(n.text)):
        return None
    value, end = n.value, n.end
    magnitude = re.match(r"\s+(million|billion|thousand)\b", chunk[end:], re.I)
    if magnitude and not n.word:
        value *= MAGNITUDES[magnitude.group(1).lower()]
        end += magnitude.end()
    if value != value.to_integral_value():
        return None  # "2.5 people" is not a count
    value = int(value)
    if n.word and n.text.lower() in {"one", "zero"}:
        return None  # "one" is far more often a pronoun ("one of the"), "zero" an adjective
    after = next_word(chunk, end)
    before = chunk[: n.start]
    if (
        after in NOT_COUNTED
        or after in DURATIONS
        or after in MEASURES
        or is_label(chunk, n.start, end)
        or previous_word(chunk, n.start) in ORDINAL_CONTEXT
        or AGE_WORDS.search(before, max(0, len(before) - 40))
        or re.match(r"\s*(?:-|–)?\s*years?[\s-]+olds?\b|-year", chunk[end:], re.I)
        or previous_word(chunk, n.start) in MONTHS
    ):
        return None
    # A range or list whose second number says what both are: "16 and 17 year olds",
    # "24 and 25 November", "between 20 and 35 centres".
    pair = re.match(rf"\s*(?:and|or|to|-|–)\s*({NUMBER}|[a-z]+)\s+([A-Za-z°]+)", chunk[end:], re.I)
    if pair and (pair.group(2).lower() in DURATIONS | MEASURES | NOT_COUNTED
                 or re.match(r"\s*years?[\s-]+olds?", chunk[end + pair.start(2) :], re.I)):  # fmt: skip
        return None

    denominator, subject_at, text_end = None, end, end
    # "31 of 44", "12 of its 30", "45 of the current 210", "12 of the borough's 25".
    of = re.match(
        r"\s+(?:out\s+)?of\s+(?:(?:the|its|their|our|these|those|this|all)\s+)?(?:[A-Za-z]+['’]s\s+)?"
        r"(?:(?:current|existing|remaining|total|original|overall|the)\s+)?",
        chunk[end:],
    )
    if of:
        m_number = by_start.get(end + of.end())
        if m_number is not None and m_number.value == m_number.value.to_integral_value():
            denominator = int(m_number.value)
            if denominator < value:
                return None
            used.add(m_number.start)
            subject_at = text_end = m_number.end
        elif re.match(
            r"\s+of\s+(?:the|its|their|these|those|our|[A-Za-z]+['’]s)\s+(?=[a-z])",
            chunk[end:],
            re.I,
        ):
            subject_at = end + of.end() - 1  # "eight of the centres" counts centres
    words = words_after(chunk, subject_at)
    if words and words[0].lower() in {"fewer", "more", "less"} | TIME_WORDS:
        words = []  # "12 last year" counts nothing called "last year"
    if not words and denominator is None:
        # "cut from 40 to 25 centres", "between 20 and 35 schools": the second bound's noun.
        second = re.match(
            rf"\s+(?:to|and|-|–)\s+(?:{NUMBER}|[a-z]+(?:[\s-][a-z]+)?)(?=\s)", chunk[end:]
        )
        if second and (
            after_second := by_start.get(end + second.end() - len(second.group().split()[-1]))
        ):
            words = words_after(chunk, after_second.end)
    if not words:
        skip = re.match(r"\s+(?:fewer|more|extra|such)(?=\s+[a-z])", chunk[subject_at:])
        if skip:
            words = words_after(chunk, subject_at + skip.end())
    subject = phrase(words)
    if subject is None:
        subject = elided_subject(
            chunk, n, end, subject_at, denominator is not None, context, opener
        )
        if subject is False:
            return None
        if opener and opener[0] and denominator is None and opener[0] >= value:
            denominator = opener[0]
    text = chunk[n.start : text_end].strip()
    return n.start, text_end, Figure("count", value, "count", denominator, subject, text, sentence)


def elided_subject(chunk: str, n: Number, end: int, subject_at: int, has_denominator: bool,
                   context: Context, opener: tuple[int | None, str | None] | None):  # fmt: skip
    """For a number with no noun after it: what it counts (None if that is unknown but it is
    still plainly a count), or False when it is not a count at all."""
    before = chunk[: n.start]
    rest = chunk[subject_at:]
    follow = re.match(r"\s*(?:\)|,)?\s*([A-Za-z]+)", rest)
    following = follow.group(1) if follow else ""
    verb_after = bool(following) and is_verb_like(following, rest[follow.end() :] if follow else "")
    fewer_after = following.lower() in {"fewer", "more", "less"}
    parenthetical = before.rstrip().endswith("(") and rest.lstrip().startswith(")")
    quantified = bool(QUANTIFIERS.search(before, max(0, len(before) - 40)))
    moved = previous_word(chunk, n.start) in {"by", "to", "from"} and bool(
        MOVEMENT.search(before) or re.search(r"\bfrom\s+[\d,]+\b", before)
    )
    after_verb = previous_word(chunk, n.start) in VERBS | MONEY_VERBS or bool(
        re.compile(r"\b[a-z]+ed\s+$").search(before, max(0, len(before) - 30))
    )
    if not (verb_after or fewer_after or parenthetical or quantified or moved or has_denominator
            or (opener and verb_after) or after_verb):  # fmt: skip
        return False
    if following.lower() in DURATIONS | MEASURES:
        return False
    nearest = context.counts[-1][1] if context.counts else None
    subject = (
        (opener[1] if opener else None)
        or (number_of_before(chunk, n.start) if moved else None)
        or (
            nearest
            if (moved or parenthetical or quantified or fewer_after or after_verb or verb_after)
            else None
        )
        or number_of_before(chunk, n.start)
        or nearest
        or plural_before(chunk, n.start)
        or context.previous_subject
    )
    if subject is None and not (verb_after or has_denominator or parenthetical):
        return False
    if subject is None and after_verb and not verb_after:
        return False
    return subject


def extract_figures(text: str) -> list[Figure]:
    """Every money amount, percentage and count in `text`, in reading order."""
    return [figure for _, _, figure in find_figures(text)]


def figures_in_sentences(text: str) -> list[tuple[Figure, int, int]]:
    """`extract_figures`, each figure with the (start, end) in `text` of its sentence, which
    is where the archive finds the sentence again instead of keeping a copy of it."""
    spans = sentences(text)
    starts = [start for start, _, _ in spans]
    out = []
    for at, _, figure in find_figures(text, spans=spans):
        start, end, _ = spans[bisect_right(starts, at) - 1]
        out.append((figure, start, end))
    return out


def keep(items: Iterator[Found], taken: list[tuple[int, int]], here: list[Found]) -> None:
    """Add the figures that overlap none already taken."""
    for a, b, figure in items:
        if all(b <= x or a >= y for x, y in taken):
            taken.append((a, b))
            here.append((a, b, figure))


def find_figures(
    text: str,
    every_number: bool = False,
    only: set[int] | None = None,
    spans: list[tuple[int, int, str]] | None = None,
) -> list[Found]:
    """Each figure with its (start, end) in `text`, so a diff can tell figures from wording.
    Where matches overlap, money wins over a percentage, and both over a count ("£14m").
    With `every_number`, the other numbers of substance come too, as kind "number".

    `only` limits the work to those sentences (indexes into `sentences(text)`, which may be
    passed as `spans`), each read after the sentence before it for context: a diff of a long
    report needs the figures of its changed sentences only."""
    found: list[Found] = []
    context = Context()
    spans = sentences(text) if spans is None else spans
    wanted = range(len(spans)) if only is None else sorted(only | {i - 1 for i in only if i > 0})
    previous = -2
    for i in wanted:
        start, end, sentence = spans[i]
        if i != previous + 1:
            context = Context()  # the sentence before was not read: no context from further back
        previous = i
        chunk = text[start:end]
        numbers = numbers_in(chunk)
        taken: list[tuple[int, int]] = []
        here: list[Found] = []
        keep(money_in(chunk, sentence), taken, here)
        keep(percents_in(chunk, sentence, numbers), taken, here)
        context.counts = [(a, f.subject) for a, _, f in here if f.subject and f.kind == "percent"]
        keep(counts_in(chunk, sentence, numbers, taken, context, every_number), taken, here)
        here = share_subjects(chunk, sorted(here, key=lambda item: item[0]))
        subjects = [f.subject for _, _, f in here if f.kind == "count" and f.subject]
        if subjects:
            context.previous_subject = subjects[-1]
        if only is None or i in only:
            found += [(start + a, start + b, figure) for a, b, figure in here]
    return sorted(found, key=lambda item: item[0])


def share_subjects(chunk: str, here: list[Found]) -> list[Found]:
    """ "an increase of £6.56 or 2.99%", "a 3% or £6.93 increase": two figures joined by "or"
    measure one thing, so one without a subject takes the other's."""
    out = list(here)
    for k in range(len(out) - 1):
        (a1, b1, f1), (a2, b2, f2) = out[k], out[k + 1]
        if re.fullmatch(r"\s+or\s+", chunk[b1:a2]) and f1.kind != "number" and f2.kind != "number":
            if f1.subject is None and f2.subject:
                out[k] = (a1, b1, Figure(**{**asdict(f1), "subject": f2.subject}))
            elif f2.subject is None and f1.subject:
                out[k + 1] = (a2, b2, Figure(**{**asdict(f2), "subject": f1.subject}))
    return out
