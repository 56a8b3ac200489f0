"""A labelled set of version pairs for measuring change detection (bench/detection.py and
tests/monitor/test_labelled_pairs.py).

Every pair starts from a real capture in `tests/fixtures/` or the demo site (ModernGov meeting and decision pages from
Kingston and Kirklees, two council home pages, a Newsquest article, an Oxfordshire cabinet item)
or a passage of the labelled figures corpus (tests/fixtures/figures_corpus: other councils' minutes and
decisions, local news), and applies either an edit a council or newsroom makes, or noise a site produces between two
fetches. Each edit is checked to apply, so a pair can never silently become "no change".

The label `alert` is what users asked for: true for decisions, statuses, dates, figures, agenda
items and linked documents; false for noise and for other wording (a reworded sentence is kept
in the archive but is not news). `kinds` are the change kinds councilwatch should report.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.helpers import DEMO_SITE
from tests.helpers import FIXTURES as ALL_FIXTURES

# Captures by the folder they are in (tests/fixtures/moderngov, web, seeds), or the demo site's.
FIXTURES = ALL_FIXTURES

KINGSTON_URL = "https://moderngov.kingston.gov.uk/ieListDocuments.aspx?CId=711&MId=10221&Ver=4"
CANCELLED_URL = "https://moderngov.kingston.gov.uk/ieListDocuments.aspx?CId=711&MId=10161&Ver=4"
KIRKLEES_MINUTES_URL = "https://democracy.kirklees.gov.uk/ieDecisionDetails.aspx?ID=13567"
KIRKLEES_OFFICER_URL = "https://democracy.kirklees.gov.uk/ieDecisionDetails.aspx?ID=13570"
TAMESIDE_URL = "https://www.tameside.gov.uk/"
NORTHYORKS_URL = "https://www.northyorks.gov.uk/"
ARTICLE_URL = "https://www.warringtonguardian.co.uk/sport/18779991.super-league-confirms-10-positive-covid-19-tests/"


@dataclass
class Pair:
    name: str
    category: str  # "edit:<kind>" or "noise:<what>"
    alert: bool  # the label
    kinds: set[str]  # change kinds expected (empty: nothing at all should be reported)
    url: str | None = None  # whole-page pairs go through the crawl's parser
    old_body: bytes = b""
    new_body: bytes = b""
    kind: str | None = None  # field-level pairs: the document kind and its two field sets
    old_fields: dict[str, Any] = field(default_factory=dict)
    new_fields: dict[str, Any] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def demo(name: str) -> str:
    return (DEMO_SITE / name).read_text(encoding="utf-8")


def replace(html: str, old: str, new: str, count: int = -1) -> str:
    if old not in html:
        raise ValueError(f"labelled pair edit does not apply: {old[:60]!r} not in the page")
    return html.replace(old, new, count)


# --- noise a site makes between two fetches ------------------------------------------------


def after_body_open(html: str, snippet: str) -> str:
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + snippet, html, count=1)


def before_body_close(html: str, snippet: str) -> str:
    return replace(html, "</body>", snippet + "</body>", 1)


def rewrap(html: str) -> str:
    """Text re-flowed as an editor would: spaces between words become line breaks, tabs spaces.
    Only text between tags changes; addresses and attributes stay as they were."""

    def reflow(match: re.Match) -> str:
        return re.sub(r"(?<=[a-z,]) (?=[a-z])", "\n", match.group()).replace("\t", "    ")

    body = max(html.find("<body"), 0)
    return html[:body] + re.sub(r"(?<=>)[^<]+(?=<)", reflow, html[body:])


NOISE: dict[str, Callable[[str], str]] = {
    "script": lambda h: before_body_close(
        h, '<script>window.dataLayer=window.dataLayer||[];dataLayer.push({"pageview":"a81f2c"});</script>'
    ),
    "style": lambda h: replace(h, "</head>", "<style>.promo{color:#c00;margin:0 4px}</style></head>", 1),
    "cache-busting query strings": lambda h: re.sub(r'((?:href|src)="[^"?]+\.(?:css|js))"', r'\1?v=20261123"', h),
    "meta dates": lambda h: re.sub(
        r'(<meta[^>]+(?:modified|DC\.date\.modified|dateModified)[^>]*content=")[^"]*"', r'\g<1>2026-11-23"', h
    ),
    "cookie banner": lambda h: after_body_open(
        h,
        '<div id="cookie-banner" class="cookie-notice" role="dialog"><p>We use cookies to make this '
        'site work. <a href="/cookies">Accept all cookies</a> <button>Reject</button></p></div>',
    ),
    "navigation": lambda h: after_body_open(
        h, '<nav class="site-nav"><ul><li><a href="/bins">Bins and recycling</a></li><li><a href="/jobs">Jobs</a></li></ul></nav>'
    ),
    "weather widget": lambda h: after_body_open(
        h, '<aside class="weather-widget"><span>Kingston</span> <span>12°C</span> <span>Light rain</span></aside>'
    ),
    "view counter": lambda h: before_body_close(h, '<footer><span class="page-views">1,284 views</span></footer>'),
    "most read list": lambda h: before_body_close(
        h,
        '<aside class="most-read"><h3>Most read</h3><ol><li><a href="/n/1">Bin collections change</a></li>'
        '<li><a href="/n/2">200 jobs at risk at factory</a></li></ol></aside>',
    ),
    "markup and attribute spelling": lambda h: re.sub(r'class="([^"\']*)"', r"class='\1'", re.sub(r"<(p|td|span)  ", r"<\1 ", h)),
    "entity encoding": lambda h: h.replace("&#32;", " ").replace("&nbsp;", "&#160;").replace("&#39;", "&#x27;").replace("£", "&pound;"),
    "whitespace and line wrapping": lambda h: rewrap(h),
}  # fmt: skip


def page_pairs(
    prefix: str, url: str, html: str, noise: list[str], edits: list[tuple]
) -> list[Pair]:
    """Noise pairs (every named noise, then all of them at once) and edit pairs on one page."""
    original = html.encode("utf-8")
    pairs = [
        Pair(
            f"{prefix}: {name}",
            f"noise:{name}",
            False,
            set(),
            url,
            original,
            NOISE[name](html).encode("utf-8"),
        )
        for name in noise
    ]
    everything = html
    for name in noise:
        everything = NOISE[name](everything)
    pairs.append(Pair(f"{prefix}: all noise at once", "noise:combined", False, set(), url, original,
                      everything.encode("utf-8")))  # fmt: skip
    for name, alert, kinds, replacements in edits:
        edited = html
        for old, new in replacements:
            edited = replace(edited, old, new)
        category = "edit:" + ("+".join(sorted(kinds)))
        pairs.append(
            Pair(
                f"{prefix}: {name}",
                category,
                alert,
                set(kinds),
                url,
                original,
                edited.encode("utf-8"),
            )
        )
    return pairs


PAGE_NOISE = list(NOISE)

ITEM_64 = read("moderngov/kingston_ieListDocuments_MId10221.html")
NEW_ITEM_ROW = """<tr>
			<td  class="mgItemNumberCell" ><p  class="mgAiTitleTxt" ><a name="AI51950" aria-disabled="true"></a>66.</p></td>
		<td >
					<p  class="mgAiTitleTxt" ><a  class="mgAiTitleLnk"   href="documents/s112400/Childrens Centres Review.pdf"
					title="Link&#32;to&#32;document&#32;&#39;Children&#39;s&#32;Centres&#32;Review&#39;&#32;pdf&#32;file">Children&#39;s Centres Review <span  class="mgFileSize" ><img height="12" src="mgimages/logo-pdf-1.gif" width="12" alt="pdf icon" /> PDF 170 KB</span> </a></p>
<div class="mgWordPara"><div class="WordSection1">
<p class="MsoNormal">To consider the future of 31 of 44 children&#39;s centres.</p>
</div>
</div>
        </td>
		</tr>
	</table>"""
KINGSTON_HEADING = "Kingston and North Kingston Neighbourhood Committee - Thursday 15 January 2026 7:30 pm</a></h2>"
ITEM_65_ROW = re.search(r"<tr>\s*<td  class=\"mgItemNumberCell\" ><p  class=\"mgAiTitleTxt\" ><a name=\"AI51897\".*?</tr>", ITEM_64, re.S).group()  # fmt: skip

KINGSTON_EDITS = [
    ("decision reworded", True, {"decision"}, [("the redistribution of\nany remaining", "the redistribution of\nhalf of any remaining")]),
    ("decision deferred", True, {"decision"}, [("Riding for the Disabled be\napproved.", "Riding for the Disabled be\ndeferred.")]),
    ("grant figure in a decision changed", True, {"figure"}, [("the application for\n&pound;1,800 of</span>", "the application for\n&pound;2,400 of</span>")]),
    ("item added", True, {"item_added"}, [("\n	</table>", NEW_ITEM_ROW)]),
    ("item removed", True, {"item_removed"}, [(ITEM_65_ROW, "")]),
    ("heading gains CANCELLED", True, {"status"}, [(KINGSTON_HEADING, KINGSTON_HEADING.replace(" pm</a>", " pm, CANCELLED</a>"))]),
    ("meeting moved a week", True, {"date"}, [(KINGSTON_HEADING, KINGSTON_HEADING.replace("15 January", "22 January"))]),
    ("venue moved", True, {"status"}, [("Venue: </span>Guildhall, Kingston upon Thames.", "Venue: </span>Council Chamber, Surbiton.")]),
    ("report replaced", True, {"document"}, [("documents/s112228/KNK Community Grants Programme 15 Jan - Report Template.pdf", "documents/s112499/KNK Community Grants Programme 15 Jan - revised.pdf")]),
    ("annex added", True, {"document"}, [("PDF 138 KB</span> </a>  </li>\n", "PDF 138 KB</span> </a>  </li>\n<li><a href=\"documents/s112401/Annex 2 - Applications.pdf\">Annex 2 - Applications</a></li>\n")]),
    ("cohorts changed in the minutes", True, {"figure"}, [("offering two cohorts of six children", "offering three cohorts of six children")]),
    ("start time moved", True, {"date"}, [(KINGSTON_HEADING, KINGSTON_HEADING.replace("7:30 pm", "6:30 pm"))]),
    ("minutes reworded", False, {"text"}, [("The Committee noted the decision progress\nupdate.", "The Committee noted the update on the progress of decisions.")]),
    ("item description reworded", False, {"text"}, [("An update on decisions previously made at\nCommittee.", "An update on the decisions the Committee made before.")]),
]  # fmt: skip

KIRKLEES_EDITS = [
    ("called in", True, {"status"}, [("mgPlanItemInForce\" >Recommendations Approved", "mgPlanItemInForce\" >Called In")]),
    ("decision date moved", True, {"date"}, [("Date of decision: </span>19&#47;10&#47;2015", "Date of decision: </span>26&#47;10&#47;2015")]),
    ("decision reworded", True, {"decision"}, [("were approved as a correct\nrecord.", "were not approved and will be\nrevised.")]),
    ("key decision flag", True, {"status"}, [("Is Key decision?: </span>No", "Is Key decision?: </span>Yes")]),
    ("document added", True, {"document"}, [("</ul>\n</div>\n<div class=\"mgFooter\"", "<li><a href=\"documents/s7990/Call-in notice.pdf\">Call-in notice</a></li>\n</ul>\n</div>\n<div class=\"mgFooter\"")]),
]  # fmt: skip

KIRKLEES_OFFICER_EDITS = [
    ("decision maker's purpose reworded", False, {"text"}, [("To seek approval for alternative processing arrangements.", "To ask for approval of other processing arrangements.")]),
    ("withdrawn", True, {"status"}, [("mgPlanItemInForce\" >Recommendations Approved", "mgPlanItemInForce\" >Withdrawn")]),
    ("decision made conditional", True, {"decision"}, [("subject to employee\nconsultation outcomes.", "subject to a report to Cabinet\nfirst.")]),
]  # fmt: skip

CANCELLED_EDITS = [
    ("meeting reinstated", True, {"status"}, [(" pm, CANCELLED</a></h2>", " pm</a></h2>")]),
]

TAMESIDE_EDITS = [
    ("grant figure changed", True, {"figure"}, [("&#163;100k grant to food charity", "&#163;150k grant to food charity")]),
    ("news headline reworded", False, {"text"}, [("Test and Trace support payment scheme announced<br/>", "Test and Trace support payment scheme launched<br/>")]),
    ("families count added", True, {"figure"}, [("HUNDREDS more Tameside families", "More than 300 Tameside families")]),
]  # fmt: skip

ARTICLE_EDITS = [
    ("cases per club corrected", True, {"figure"}, [("confirmed three cases each", "confirmed four cases each")]),
    ("wording tidied", False, {"text"}, [("face the Rhinos tonight", "face the Rhinos this evening")]),
    ("staff count changed", True, {"figure"}, [("Two non-playing staff members", "Three non-playing staff members")]),
    ("total in headline and text changed", True, {"figure"}, [("10 positive Covid", "12 positive Covid")]),
    ("figure and wording changed together", True, {"figure"},
     [("Two non-playing staff members from unspecified clubs have also tested positive.",
       "Three members of staff at two other clubs also tested positive.")]),
]  # fmt: skip


def whole_page_pairs() -> list[Pair]:
    return [
        *page_pairs("Kingston meeting", KINGSTON_URL, ITEM_64, PAGE_NOISE, KINGSTON_EDITS),
        *page_pairs("Kingston cancelled meeting", CANCELLED_URL, read("moderngov/kingston_ieListDocuments_MId10161_cancelled.html"),
                    PAGE_NOISE, CANCELLED_EDITS),
        *page_pairs("Kirklees decision", KIRKLEES_MINUTES_URL, read("moderngov/kirklees_ieDecisionDetails_minutes_trimmed.html"),
                    ["markup and attribute spelling", "entity encoding", "whitespace and line wrapping"], KIRKLEES_EDITS),
        *page_pairs("Kirklees officer decision", KIRKLEES_OFFICER_URL,
                    demo("council/ieDecisionDetails_13570.html"),
                    ["markup and attribute spelling", "entity encoding", "whitespace and line wrapping"],
                    KIRKLEES_OFFICER_EDITS),
        *page_pairs("Tameside home page", TAMESIDE_URL, read("web/tameside_homepage_latest_news.html"), PAGE_NOISE,
                    TAMESIDE_EDITS),
        *page_pairs("North Yorkshire home page", NORTHYORKS_URL, read("web/northyorks_homepage.html"), PAGE_NOISE, []),
        *page_pairs("Warrington Guardian article", ARTICLE_URL, read("web/warringtonguardian_article_18779991.html"),
                    PAGE_NOISE, ARTICLE_EDITS),
    ]  # fmt: skip


# --- field-level pairs: kinds whose pages are not among the captures ------------------------

ITEM_78 = read("seeds/oxfordshire-cabinet-item-78-issue-history.txt")
REPORT = (
    ITEM_78.split("Report by Director for Children’s Services (CA7).", 1)[1]
    .split("·", 1)[0]
    .strip()
)
ISSUE = {
    "title": "Future Arrangements in Children's Social Care",
    "meetings": [{"date": "2015-09-15", "committee": "Cabinet", "item": "78", "decision": "Recommendation agreed."}],
    "forward_plan_ref": "2015/023",
    "contact": "Jim Leivers, Director for Children’s Services Tel: (01865) 815122",
    "documents": [{"title": "Future Arrangements in Children's Social Care",
                   "url": "https://mycouncil.oxfordshire.gov.uk/documents/s30851/CA7.pdf", "id": "30851"}],
}  # fmt: skip
AGENDA_ITEM = {
    "meeting": "oxfordshire:meeting:4120",
    "number": "78",
    "title": "Future Arrangements in Children's Social Care",
    "text": REPORT,
    "decision": "Recommendation agreed.",
    "minutes": None,
    "restricted": False,
    "documents": ISSUE["documents"],
}


def with_fields(base: dict, **changes) -> dict:
    return {**copy.deepcopy(base), **changes}


def with_meeting(**changes) -> dict:
    issue = copy.deepcopy(ISSUE)
    issue["meetings"][0].update(changes)
    return issue


def field_pairs() -> list[Pair]:
    report = AGENDA_ITEM["text"]
    later_meeting = {"date": "2016-02-23", "committee": "Cabinet", "item": "12", "decision": None}
    rows = [
        ("issue", "decision changed", True, {"decision"}, ISSUE, with_meeting(decision="Deferred to the next meeting.")),
        ("issue", "back on a later agenda", True, {"item_added"}, ISSUE,
         with_fields(ISSUE, meetings=[*ISSUE["meetings"], later_meeting])),
        ("issue", "meeting date moved", True, {"date"}, ISSUE, with_meeting(date="2015-09-22")),
        ("issue", "contact changed", False, {"text"}, ISSUE, with_fields(ISSUE, contact="Lucy Butler, Director")),
        ("issue", "whitespace and entities", False, set(), ISSUE,
         with_fields(ISSUE, contact=ISSUE["contact"].replace(" ", "  ").replace("’", "&#8217;"))),
        ("agenda_item", "new service budget changed", True, {"figure"}, AGENDA_ITEM,
         with_fields(AGENDA_ITEM, text=report.replace("wholly new £12m service", "wholly new £14m service"))),
        ("agenda_item", "savings target changed", True, {"figure"}, AGENDA_ITEM,
         with_fields(AGENDA_ITEM, text=report.replace("savings of £8 million", "savings of £9.5 million"))),
        ("agenda_item", "children's centres count changed", True, {"figure"}, AGENDA_ITEM,
         with_fields(AGENDA_ITEM, text=report.replace("network of 44 Children's Centres", "network of 42 Children's Centres"))),
        ("agenda_item", "percentage changed", True, {"figure"}, AGENDA_ITEM,
         with_fields(AGENDA_ITEM, text=report.replace("50 per cent rise", "60 per cent rise"))),
        ("agenda_item", "minutes published", True, {"decision"}, AGENDA_ITEM,
         with_fields(AGENDA_ITEM, minutes="It was further agreed that the outcome of the consultation be considered by Performance Scrutiny Committee.")),
        ("agenda_item", "made confidential", True, {"status"}, AGENDA_ITEM, with_fields(AGENDA_ITEM, restricted=True)),
        ("agenda_item", "report reworded", False, {"text"}, AGENDA_ITEM,
         with_fields(AGENDA_ITEM, text=report.replace("radical changes", "far-reaching changes"))),
        ("agenda_item", "report re-wrapped", False, set(), AGENDA_ITEM,
         with_fields(AGENDA_ITEM, text=re.sub(r"(?<=[a-z]) (?=[a-z])", "\n", report, count=40))),
        ("agenda_item", "report re-typed with straight quotes and entities", False, set(), AGENDA_ITEM,
         with_fields(AGENDA_ITEM, text=report.replace("’", "'").replace("&", "&amp;").replace("£", "&pound;"))),
        ("agenda_item", "report figure written another way", False, set(), AGENDA_ITEM,
         with_fields(AGENDA_ITEM, text=report.replace("£8 million", "£8m"))),
    ]  # fmt: skip
    for _, name, _, _, old, new in rows:
        if old == new:
            raise ValueError(f"labelled pair {name!r} changes nothing")
    return [
        Pair(f"Oxfordshire {kind.replace('_', ' ')}: {name}", ("edit:" + "+".join(sorted(kinds))) if kinds else
             "noise:" + name, alert, kinds, kind=kind, old_fields=old, new_fields=new)
        for kind, name, alert, kinds, old, new in rows
    ]  # fmt: skip


# --- number changes in the shapes real reporting uses (tests/fixtures/figures_corpus, real text) -------


def corpus_text(url: str, starts: str) -> str:
    """One passage of the labelled figures corpus: real council or news text."""
    from tests.helpers.figures_corpus import load_corpus

    return next(t.text for t in load_corpus() if t.url == url and t.text.startswith(starts))


def shape_pairs() -> list[Pair]:
    cypnow = (
        "https://www.cypnow.co.uk/content/news/number-of-childrens-centres-falls-by-more-than-400"
    )
    nursery = "https://www.nurseryworld.co.uk/news/article/120-children-s-centres-to-close-or-under-threat"
    trafford = "https://democratic.trafford.gov.uk/mgAi.aspx?ID=38841"
    slough = "https://democracy.slough.gov.uk/mgDecisionDetails.aspx?IId=43743&Opt=1"
    ealing = "https://ealing.nub.news/news/local-news/please-dont-close-our-children-centres-parents-plea-as-ealing-council-to-close-12-260788"
    community = "https://www.communitycare.co.uk/2014/06/12/10-key-stats-social-workers-ofsteds-latest-looked-children-research/"
    fewer = corpus_text(cypnow, "Cornwall")
    closures = corpus_text(nursery, "The future")
    councils = corpus_text(nursery, "The figures")
    places = corpus_text(trafford, "Many applications")
    consultation = corpus_text(slough, "· Authorised")
    southall = corpus_text(ealing, "Southall")
    placed = corpus_text(community, "Of 64,201")
    rows = [
        # (kind, field, name, alert, kinds, text, old, new)
        ("article", "body", "noun before the number: the number of centres fell from 22 to nine", True,
         {"figure"}, fewer, "fell from 22 to nine", "fell from 22 to seven"),
        ("article", "body", "noun elided: 10 fewer", True, {"figure"}, fewer,
         "Birmingham has 10 fewer", "Birmingham has 12 fewer"),
        ("article", "body", "noun elided in the sentence after: a further 101 are at risk", True,
         {"figure"}, closures, "a further 101 are at risk", "a further 111 are at risk"),
        ("article", "body", "number word with its denominator before it: eight of the 37 councils", True,
         {"figure"}, councils, "contacted, eight said", "contacted, nine said"),
        ("article", "body", "N of the M in words: four of the six", True, {"figure"}, southall,
         "four of the six", "five of the six"),
        ("agenda_item", "minutes", "noun elided: with 12 coming from outside the borough", True,
         {"figure"}, places, "with 12 coming", "with 14 coming"),
        ("decision", "decision", "number without a noun: a 6 week consultation", True, {"figure"},
         consultation, "a 6 week consultation", "a 9 week consultation"),
        ("article", "body", "number in words: Twenty-one children", True, {"figure"},
         placed, "Twenty-one children", "Twenty-three children"),
        ("article", "body", "denominator changed: Of 64,201 children", True, {"figure"}, placed,
         "Of 64,201 children", "Of 65,000 children"),
        ("decision", "purpose", "year changed is wording, not a figure", False, {"text"}, consultation,
         "in the Spring 2023", "in the Spring 2024"),
        ("article", "body", "a number's wording tidied around it", False, {"text"}, fewer,
         "since the coalition government was formed", "since the coalition came to power"),
    ]  # fmt: skip
    pairs = []
    for kind, field_name, name, alert, kinds, text, old, new in rows:
        edited = replace(text, old, new, 1)
        pairs.append(
            Pair(f"corpus {kind.replace('_', ' ')}: {name}", "edit:" + "+".join(sorted(kinds)), alert,
                 kinds, kind=kind, old_fields={field_name: text}, new_fields={field_name: edited})
        )  # fmt: skip
    return pairs


def labelled_pairs() -> list[Pair]:
    return whole_page_pairs() + field_pairs() + shape_pairs()


# --- the two detectors measured -------------------------------------------------------------


def councilwatch_changes(pair: Pair) -> list[dict]:
    """What councilwatch reports: the crawl's parser and change detection, as `compare` runs
    them (the unchanged old page of many pairs is parsed once)."""
    from monitor.changes import detect_changes
    from monitor.compare import compare_pages, parse_fresh

    if pair.url:
        problems: list[str] = []
        new_page = parse_fresh(pair.url, pair.new_body, None, "new", problems)
        return compare_pages(old_page(pair.url, pair.old_body), new_page)["changes"]
    found = detect_changes(pair.kind, pair.old_fields, pair.new_fields, titles=pair.titles)
    return [{**c.to_json(), "alert": c.alert} for c in found]


@functools.lru_cache(maxsize=16)
def old_page(url: str, body: bytes):
    from monitor.compare import parse_fresh

    return parse_fresh(url, body, None, "old", [])


def visible_text(pair: Pair, side: str) -> str:
    """What a plain page monitor compares: the page's visible text, line by line (urlwatch's
    html2text), or for field-level pairs the document's words."""
    from storage.fulltext import text_projection

    if not pair.url:
        return text_projection(None, pair.old_fields if side == "old" else pair.new_fields)
    return page_visible_text(pair.old_body if side == "old" else pair.new_body)


@functools.lru_cache(maxsize=16)
def page_visible_text(body: bytes) -> str:
    import lxml.html
    from lxml import etree

    root = lxml.html.fromstring(body)
    etree.strip_elements(
        root, "script", "style", "noscript", "template", "head", etree.Comment, with_tail=False
    )
    lines = (line.strip() for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def baseline_alert(pair: Pair) -> bool:
    return visible_text(pair, "old") != visible_text(pair, "new")


# --- issue pages and agenda items completed by mgAi (branch moderngov-pages) ---------------
# An issue page keeps each meeting's item (title, report text, decision, minutes), and a
# meeting page's cut-short items are compared as printed there: a figure revised in any of
# them is a figure change. Whole pages, through the crawl's parsers: the Oxfordshire issue
# history of Cabinet item 78, the Kingston meeting page, and item 59's mgAi page.

OXFORDSHIRE_ISSUE_URL = (
    "https://mycouncil.oxfordshire.gov.uk/ieIssueDetails.aspx?IId=10926&PlanId=0&Opt=3"
)
KINGSTON_MGAI_URL = "https://moderngov.kingston.gov.uk/mgAi.aspx?ID=51902"
ISSUE_PAGE_NOISE = ["script", "cookie banner", "navigation", "view counter", "most read list",
                    "entity encoding", "whitespace and line wrapping"]  # fmt: skip
ISSUE_PAGE_EDITS = [
    ("the new service's budget revised", True, {"figure"},
     [("create a wholly new &pound;12m service", "create a wholly new &pound;14m service")]),
    ("the current budget revised", True, {"figure"},
     [("the current\n&pound;16m budget", "the current\n&pound;17m budget")]),
    ("the savings target revised", True, {"figure"}, [("savings of\n&pound;8 million", "savings of\n&pound;9.5 million")]),
    ("the decision changed", True, {"decision"}, [("Recommendation agreed.", "Recommendation deferred.")]),
    ("the report reworded", False, {"text"}, [("In common with councils across England,\nOxfordshire County Council have to make savings across all service\nareas as a result of reductions",
                                                "Like councils across England,\nOxfordshire County Council have to make savings across all service\nareas as a result of reductions")]),
    ("the minutes reworded", False, {"text"}, [("Eleanor Pritchard, informed Cabinet", "Eleanor Pritchard told Cabinet")]),
]  # fmt: skip
CUT_SHORT_EDITS = [
    ("a cut-short item's signatures revised", True, {"figure"},
     [("2024, with 60 signatures, requested", "2024, with 62 signatures, requested")]),
    ("a cut-short item's residents consulted revised", True, {"figure"},
     [("out to 82 residents within", "out to 85 residents within")]),
]  # fmt: skip
MGAI_EDITS = [
    ("the petition's signatories revised", True, {"figure"},
     [("petition, with 60 signatories", "petition, with 64 signatories")]),
    ("the minutes reworded", False, {"text"}, [("The lead petitioner addressed", "The lead petitioner spoke to")]),
]  # fmt: skip


def moderngov_page_pairs() -> list[Pair]:
    issue = (ALL_FIXTURES / "moderngov" / "oxfordshire_ieIssueDetails_item78.html").read_text(
        encoding="utf-8"
    )
    mgai = (DEMO_SITE / "council" / "mgAi_51902.html").read_text(encoding="utf-8")
    return [
        *page_pairs("Oxfordshire issue page", OXFORDSHIRE_ISSUE_URL, issue, ISSUE_PAGE_NOISE, ISSUE_PAGE_EDITS),
        *page_pairs("Kingston meeting, item cut short", KINGSTON_URL, ITEM_64, ["script"], CUT_SHORT_EDITS),
        *page_pairs("Kingston mgAi item", KINGSTON_MGAI_URL, mgai, ["script", "entity encoding",
                    "whitespace and line wrapping"], MGAI_EDITS),
    ]  # fmt: skip


_labelled_pairs_before_moderngov_pages = labelled_pairs


def labelled_pairs() -> list[Pair]:  # noqa: F811 - the set grows by appending
    return _labelled_pairs_before_moderngov_pages() + moderngov_page_pairs()
