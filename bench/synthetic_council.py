"""Synthetic ModernGov councils for the benchmarks: a replay folder per council.

Each council is a folder that `councilwatch.replay.ReplayServer` serves (`routes.toml` plus
pages), built from the markup of the real captures (their copies in `tests/fixtures/moderngov/`;
see `moderngov.md`): the Kingston page shell and meeting markup (`ieListDocuments`, `mgAi`,
`ieListMeetings`, `mgCommitteeStructure`), the Kirklees decision pages and lists, the
Manchester web-service XML, and the issue page and RSS shapes the spider tests use. The
words are the real captures' Word paragraphs and item titles, re-drawn per page, with
figures and names varied, so pages compress and parse like real ones.

A council has committees, meetings spread over the crawl window (past ones with minutes,
some decisions and truncated minutes; future ones with an agenda only; a few cancelled),
a decision per decided item (linked from the item, listed in mgDelegatedDecisions) with an
issue page, and officer decisions. Every third council has its web service switched off
(as many real installs do), so both discovery paths are exercised.

Deterministic: the same seed, size and `today` give byte-identical folders. Meeting dates
are relative to `today`, because the spider asks for a window around the day it runs.

`manifest.json` lists every page the ModernGov spider is expected to fetch (the content
pages and the discovery pages), so a benchmark can check the crawl fetched exactly the
site, and the bare spider can fetch the same pages.

    python -m bench.synthetic_council OUT_DIR --councils 2 --meetings 50 --seed 1
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from core.uktime import UK

# The repo's own copies of the real captures, so a generated council is the same on every machine.
CAPTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "moderngov"
# Captures the demo council already ships (Kirklees decision 13570) are read from there.
DEMO_COUNCIL = Path(__file__).resolve().parent.parent / "councilwatch" / "demo_site" / "council"
SHELL_PAGE = "kingston_ieListDocuments_MId10221.html"

# Item titles that recur on real agendas, besides the ones read from the captures.
EXTRA_TITLES = [
    "Children's Centres: Outcome of Consultation",
    "Revenue Budget Monitoring Report - Quarter 2",
    "Library Service Review",
    "Local Plan: Regulation 18 Consultation",
    "Adult Social Care Charging Policy",
    "School Place Planning Strategy",
    "Early Intervention and Family Support Services",
    "Housing Revenue Account Business Plan",
    "Air Quality Action Plan Annual Status Report",
    "Treasury Management Mid-Year Review",
    "Youth Services Recommissioning",
    "Parking Permit Charges Review",
    "Waste and Recycling Collection Changes",
    "Home to School Transport Policy",
    "Community Infrastructure Levy Allocations",
    "Corporate Risk Register",
]
COMMITTEES = [
    "Cabinet", "Full Council", "Planning Committee", "Licensing Sub-Committee",
    "Children's Services Scrutiny Panel", "Adult Social Care Scrutiny Panel",
    "Audit and Governance Committee", "Health and Wellbeing Board",
    "Corporate Parenting Panel", "Finance and Partnerships Committee",
    "Place Committee", "Neighbourhood Committee (North)", "Neighbourhood Committee (South)",
    "Pensions Committee", "Standards Committee", "Schools Forum",
]  # fmt: skip
VENUES = ["Guildhall", "Council Chamber, Town Hall", "Committee Room 1", "Civic Centre",
          "Online (Microsoft Teams)", "The Assembly Rooms"]  # fmt: skip
OFFICERS = ["Strategic Director for Environment", "Director of Children's Services",
            "Executive Director of Resources", "Service Director - Homes & Neighbourhoods",
            "Head of Highways", "Director of Public Health"]  # fmt: skip
STATUSES = ["Recommendations Approved", "Recommendations Approved", "For Determination",
            "Deferred", "Approved with amendments"]  # fmt: skip
NAMES = ["Aubrey", "Hall", "Sweeney", "Patel", "Okafor", "Nowak", "Evans", "Murray", "Khan"]


def _fixture(name: str) -> Path:
    for folder in (CAPTURES, DEMO_COUNCIL):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"real capture {name} not found in {CAPTURES} or {DEMO_COUNCIL}")


@dataclass
class Corpus:
    """What the generated pages are made of: the real page shell and real words."""

    head: str  # <!DOCTYPE ...> up to the DC meta block
    head_rest: str  # after the DC meta up to <title>
    body_top: str  # after </title> up to the breadcrumb
    body_bottom: str  # from the mgFooter to the end of the page
    paragraphs: list[str]
    titles: list[str]


def load_corpus() -> Corpus:
    from lxml import html as lxml_html

    page = _fixture(SHELL_PAGE).read_text(encoding="utf-8")
    dc_start = page.index('<meta name="DC.title"')
    link_start = page.index('<link type="text/css" href="jquery-ui')
    title_start = page.index("<title>")
    title_end = page.index("</title>") + len("</title>")
    crumb_start = page.index('<nav aria-label="Breadcrumb"')
    footer_start = page.index('<div class="mgFooter" >')
    paragraphs: list[str] = []
    titles: list[str] = []
    names = [
        "kingston_ieListDocuments_MId10221.html",
        "kingston_ieListDocuments_2025-11-18.html",
        "kirklees_ieDecisionDetails_minutes_trimmed.html",
        "kirklees_ieDecisionDetails_multiparagraph_trimmed.html",
        "ieDecisionDetails_13570.html",  # Kirklees, an officer decision's purpose (trimmed)
    ]
    for name in names:
        tree = lxml_html.fromstring(_fixture(name).read_bytes())
        for p in tree.xpath('//p[contains(@class,"MsoNormal")]'):
            text = " ".join(p.text_content().split())
            if len(text) > 30 and "view the full minutes" not in text:
                paragraphs.append(text)
        for p in tree.xpath('//td[not(@class)]/p[contains(@class,"mgAiTitleTxt")]'):
            for junk in p.xpath('.//span[contains(@class,"mgFileSize")]'):
                junk.drop_tree()
            titles.append(" ".join(p.text_content().split()))
    return Corpus(
        head=page[:dc_start],
        head_rest=page[link_start:title_start],
        body_top=page[title_end:crumb_start],
        body_bottom=page[footer_start:],
        paragraphs=sorted(set(paragraphs)),
        titles=sorted(set(titles)) + EXTRA_TITLES,
    )


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def title_attr(text: str) -> str:
    # ModernGov writes spaces and colons in title attributes as numeric entities.
    return esc(text).replace(" ", "&#32;").replace(":", "&#58;")


def slash_date(day: date) -> str:
    return day.strftime("%d&#47;%m&#47;%Y")


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock(hour: int, minute: int) -> str:
    return f"{(hour - 1) % 12 + 1}:{minute:02d} {'pm' if hour >= 12 else 'am'}"


@dataclass
class Item:
    aiid: int
    number: str
    title: str
    text: list[str]
    report: int | None  # attachment id of the item's report
    annexes: list[int]
    minutes: list[str]
    truncated: bool
    decision: Decision | None = None


@dataclass
class Decision:
    ident: int
    title: str
    text: list[str]
    purpose: list[str]
    maker: str | None  # None: a committee decision ("Decided at meeting:")
    status: str
    key: bool
    call_in: bool
    day: date
    published: date
    issue: int | None
    meeting: Meeting | None = None
    item: Item | None = None


@dataclass
class Meeting:
    mid: int
    committee: int
    committee_title: str
    day: date
    hour: int
    minute: int
    venue: str
    cancelled: bool
    past: bool
    pack: int
    items: list[Item] = field(default_factory=list)


@dataclass
class CouncilSpec:
    name: str
    seed: int
    meetings: int
    today: date
    lookback_days: int = 90
    lookahead_days: int = 60
    committees: int = 8
    web_service: bool = True
    host: str = "democracy.example.gov.uk"


class Council:
    """One synthetic council: its model (meetings, items, decisions, issues) and its pages."""

    def __init__(self, spec: CouncilSpec, corpus: Corpus):
        self.spec = spec
        self.corpus = corpus
        self.rng = random.Random(spec.seed)
        self.pages: dict[str, tuple[bytes, str]] = {}  # target -> (body, content type)
        self.expected: list[str] = []  # targets the spider fetches
        self._ids = {"mid": 20000, "aiid": 60000, "doc": 120000, "dec": 30000, "iid": 50000,
                     "pack": 21000}  # fmt: skip
        rng = self.rng
        titles = rng.sample(COMMITTEES, k=min(spec.committees, len(COMMITTEES)))
        self.committees = {700 + i: t for i, t in enumerate(titles)}
        self.meetings = self._meetings()
        self.decisions: list[Decision] = []
        for meeting in self.meetings:
            self._items(meeting)
        self._officer_decisions()

    # -- ids and words -----------------------------------------------------------------
    def next_id(self, kind: str) -> int:
        self._ids[kind] += 1
        return self._ids[kind]

    def paragraphs(self, low: int, high: int) -> list[str]:
        """Real paragraphs, a different draw per page, with figures and names varied."""
        count = self.rng.randint(low, high)
        picked = self.rng.sample(self.corpus.paragraphs, k=min(count, len(self.corpus.paragraphs)))
        return [self._vary(p) for p in picked]

    def _vary(self, text: str) -> str:
        rng = self.rng
        text = re.sub(r"\b\d{2,3}\b", lambda m: str(rng.randint(10, 999)), text)
        if rng.random() < 0.3:
            text += f" The estimated cost is £{rng.randint(2, 950) * 1000:,}."
        if rng.random() < 0.2:
            text += f" {rng.randint(3, 60)} of {rng.randint(61, 120)} respondents agreed."
        if rng.random() < 0.3:
            text = text.replace("Councillor", f"Councillor {rng.choice(NAMES)}", 1)
        return text

    # -- model -------------------------------------------------------------------------
    def _meetings(self) -> list[Meeting]:
        spec, rng = self.spec, self.rng
        # Leave a margin inside the window so a crawl started a day later sees the same site.
        first = spec.today - timedelta(days=spec.lookback_days - 3)
        span = spec.lookback_days + spec.lookahead_days - 6
        meetings = []
        for _ in range(spec.meetings):
            cid = rng.choice(list(self.committees))
            day = first + timedelta(days=rng.randrange(span))
            meetings.append(
                Meeting(
                    mid=self.next_id("mid"),
                    committee=cid,
                    committee_title=self.committees[cid],
                    day=day,
                    hour=rng.choice([10, 14, 18, 19]),
                    minute=rng.choice([0, 0, 30]),
                    venue=rng.choice(VENUES),
                    cancelled=rng.random() < 0.04,
                    past=day < spec.today,
                    pack=self.next_id("pack"),
                )
            )
        return meetings

    def _items(self, meeting: Meeting) -> None:
        rng = self.rng
        if meeting.cancelled:
            return
        start = rng.randint(1, 80)
        for n in range(rng.randint(5, 12)):
            title = rng.choice(self.corpus.titles)
            report = self.next_id("doc") if rng.random() < 0.6 else None
            item = Item(
                aiid=self.next_id("aiid"),
                number=f"{start + n}.",
                title=title,
                text=self.paragraphs(1, 3),
                report=report,
                annexes=[self.next_id("doc") for _ in range(rng.choice([0, 0, 1, 2]))],
                minutes=self.paragraphs(1, 5) if meeting.past else [],
                truncated=meeting.past and rng.random() < 0.15,
            )
            if meeting.past and rng.random() < 0.3:
                decision = Decision(
                    ident=self.next_id("dec"),
                    title=title,
                    text=["RESOLVED that " + p[0].lower() + p[1:] for p in self.paragraphs(1, 2)],
                    purpose=self.paragraphs(1, 1),
                    maker=None,
                    status=rng.choice(STATUSES),
                    key=rng.random() < 0.3,
                    call_in=rng.random() < 0.5,
                    day=meeting.day,
                    published=min(meeting.day + timedelta(days=rng.randint(1, 5)), self.spec.today),
                    issue=self.next_id("iid"),
                    meeting=meeting,
                    item=item,
                )
                item.decision = decision
                self.decisions.append(decision)
            meeting.items.append(item)

    def _officer_decisions(self) -> None:
        rng, spec = self.rng, self.spec
        for _ in range(max(1, len(self.meetings) // 4)):
            day = spec.today - timedelta(days=rng.randint(4, spec.lookback_days - 4))
            self.decisions.append(
                Decision(
                    ident=self.next_id("dec"),
                    title=rng.choice(self.corpus.titles),
                    text=[
                        "That approval be given " + p[0].lower() + p[1:]
                        for p in self.paragraphs(1, 2)
                    ],
                    purpose=self.paragraphs(1, 1),
                    maker=rng.choice(OFFICERS),
                    status=rng.choice(STATUSES),
                    key=rng.random() < 0.2,
                    call_in=rng.random() < 0.3,
                    day=day,
                    published=day + timedelta(days=1),
                    issue=self.next_id("iid") if rng.random() < 0.5 else None,
                )
            )

    # -- pages -------------------------------------------------------------------------
    def page(self, title: str, crumb: str, modgov: str, *, day: date | None = None) -> str:
        c = self.corpus
        day = day or self.spec.today
        meta = (
            f'<meta name="DC.title"  content="{esc(title)}"/>\n'
            f'<meta name="DC.description"  content="All published information for {esc(title)}"/>\n'
            f'<meta name="DC.date" scheme="W3CDTF"  content="{day.isoformat()}"/>\n'
            '<meta name="DC.subject" scheme="eGMS.IPSV"  content="Local government"/>\n\n'
        )
        crumbs = (
            '<nav aria-label="Breadcrumb" class="breadcrumb has-bullet-separator" '
            'id="breadcrumb-holder"><ul><li><a href="/">Home</a></li>'
            f"<li>{esc(crumb)}</li></ul></nav>\n"
        )
        return (
            c.head + meta + c.head_rest + f"<title>{esc(title)} - Modern Council</title>"
            + c.body_top + crumbs + '\t\t\t\t\t\t\t<div id="modgov">' + modgov + c.body_bottom
        )  # fmt: skip

    def add(self, target: str, body: str, content_type: str = "text/html; charset=utf-8",
            expected: bool = True) -> None:  # fmt: skip
        self.pages[target] = (body.encode("utf-8"), content_type)
        if expected:
            self.expected.append(target)

    def word(self, paragraphs: list[str], tail: str = "") -> str:
        inner = "\n".join(f'<p class="MsoNormal">{esc(p)}</p>\n<p class="MsoNormal">&nbsp;</p>'
                          for p in paragraphs)  # fmt: skip
        if tail:
            inner = inner.rsplit("\n", 1)[0][: -len("</p>")] + tail + "</p>"
        return f'<div class="mgWordPara"><div class="WordSection1">\n{inner}\n</div>\n</div>'

    def doc_link(self, ident: int, title: str, css: str = "") -> str:
        size = self.rng.choice(["PDF 98 KB", "PDF 161 KB", "PDF 305 KB", "PDF 1 MB"])
        klass = f' class="{css}"' if css else ""
        return (
            f'<a {klass} href="documents/s{ident}/{quote(title[:60])}.pdf" '
            f'title="Link&#32;to&#32;document&#32;{title_attr(title)}&#32;pdf&#32;file">{esc(title)} '
            f'<span  class="mgFileSize" ><img src="mgimages/logo-pdf-1.gif" alt="" /> {size}</span> </a>'
        )

    def item_body(self, meeting: Meeting, item: Item, *, full: bool) -> str:
        """The second cell of an item row (meeting page) or the item page's content."""
        parts = []
        if item.report:
            parts.append(
                f'<p  class="mgAiTitleTxt" >{self.doc_link(item.report, item.title, "mgAiTitleLnk")}</p>'
            )
        else:
            parts.append(f'<p  class="mgAiTitleTxt" >{esc(item.title)}</p>')
        parts.append(self.word(item.text))
        if item.annexes:
            parts.append(
                '<p class="mgSubItemTitleTxt">Additional documents:</p>\n<ul  class="mgBulletList" >'
            )
            for n, ident in enumerate(item.annexes, 1):
                parts.append(f"<li>{self.doc_link(ident, f'Annex {n} - {item.title}')}</li>")
            parts.append("</ul>")
        if item.decision:
            d = item.decision
            parts.append('<p class="mgSubItemTitleTxt">Decision:</p>')
            parts.append(self.word(d.text))
        if item.minutes:
            parts.append('<p class="mgSubItemTitleTxt">Minutes:</p>')
            if item.truncated and not full:
                tail = (
                    f' &nbsp;...&nbsp; <a href="mgAi.aspx?ID={item.aiid}" title="Link to view the full '
                    f'item text for item {item.number}, {esc(item.title)}">\nview the full minutes text '
                    f"for item {item.number}</a>"
                )
                parts.append(self.word(item.minutes[:1], tail))
            else:
                parts.append(self.word(item.minutes))
        if item.decision:
            d = item.decision
            parts.append('<ul  class="mgActionList" >')
            parts.append(
                f'<li><a  href="ieDecisionDetails.aspx?ID={d.ident}" >View the decision for item {item.number}</a></li>'
            )
            parts.append(
                f'<li><a  href="mgIssueHistoryHome.aspx?IId={d.issue}&amp;Opt=0" >View the background to item {item.number}</a></li>'
            )
            parts.append("</ul>")
        return "\n".join(parts)

    def meeting_heading(self, m: Meeting) -> str:
        text = f"{m.committee_title} - {long_date(m.day)} {clock(m.hour, m.minute)}"
        return text + (", CANCELLED" if m.cancelled else "")

    def meeting_page(self, m: Meeting) -> str:
        heading = self.meeting_heading(m)
        h1 = "Meeting" if m.cancelled else ("Agenda, decisions and minutes" if m.past else "Agenda")
        when = f"{long_date(m.day)}, {clock(m.hour, m.minute)}"
        links = [f'<li><a  href="mgMeetingAttendance.aspx?ID={m.mid}" >Attendance details</a></li>']
        if not m.cancelled:
            links.append(
                f'<li><a  href="documents/g{m.pack}/Agenda frontsheet {m.day:%d-%b-%Y}.pdf?T=0" '
                'title="Link&#32;to&#32;agenda&#32;frontsheet&#32;pdf&#32;file">Agenda frontsheet '
                '<span  class="mgFileSize" ><img src="mgimages/logo-pdf-1.gif" alt="" /> PDF 198 KB</span> </a></li>'
            )
            links.append(
                f'<li><a  href="mgChooseDocPack.aspx?ID={m.pack}" >Agenda reports pack</a></li>'
            )
            if m.past:
                links.append(
                    f'<li><a  href="documents/g{m.pack}/Printed minutes {m.day:%d-%b-%Y}.pdf?T=1" >'
                    'Printed minutes <span  class="mgFileSize" ><img src="mgimages/logo-pdf-1.gif" alt="" /> PDF 111 KB</span> </a></li>'
                )
        venue_label = "Proposed venue" if m.cancelled else "Venue"
        content = [
            f'<p><span  class="mgLabel" >{venue_label}: </span>{esc(m.venue)}. '
            '<a  href="mgLocationDetails.aspx?RID=1" > View directions</a></p>',
            f'<p><span  class="mgLabel" >Contact: </span>{self.rng.choice(NAMES)} Democratic Services&nbsp; '
            "Tel: 020 8547 5000</p>",
        ]
        if m.cancelled or not m.items:
            content.append("<p>No documents are available for this meeting</p>")
        else:
            content.append(
                '<table class="mgItemTable"  summary="Table of agenda items" id="mgItemTable">\n'
                '<caption  class="mgSectionTitle" >Items</caption>\n<tr>\n'
                '<th class="mgHide" abbr="No" scope="col">No.</th>\n'
                '<th class="mgHide" abbr="Item" scope="col">Item</th>\n</tr>'
            )
            for item in m.items:
                content.append(
                    f'<tr>\n<td  class="mgItemNumberCell" ><p  class="mgAiTitleTxt" ><a name="AI{item.aiid}" '
                    f'aria-disabled="true"></a>{item.number}</p></td>\n<td >\n'
                    f"{self.item_body(m, item, full=False)}\n</td>\n</tr>"
                )
            content.append("</table>")
        modgov = (
            f'<div class="mgHeader"><h1  class="mgMainTitleTxt" >{h1}</h1></div>\n'
            f'<div class="mgSubTitle" >\n<h2 class="mgSubTitleTxt"><a  href="mgCommitteeDetails.aspx?ID={m.committee}" '
            f'title="Link&#32;to&#32;{title_attr(m.committee_title)}">{esc(heading)}</a></h2>\n</div>\n'
            '<div class="mgLinks" >\n<ul  class="mgActionList" >\n'
            + "\n".join(links)
            + "\n</ul>\n</div>\n"
            '<div class="mgContent" >\n'
            + "\n".join(content)
            + '\n<div class="mgHelpLine" >\n</div>\n</div>\n'
        )
        return self.page(f"Agenda for {m.committee_title} on {when}", "Meetings", modgov, day=m.day)

    def agenda_item_page(self, m: Meeting, item: Item) -> str:
        meeting_link = f"ieListDocuments.aspx?CId={m.committee}&amp;MId={m.mid}"
        modgov = (
            '<div class="mgHeader"><h1  class="mgMainTitleTxt" >Agenda item</h1></div>\n'
            f'<div class="mgSubTitle" >\n<h2 class="mgSubTitleTxt">Agenda item - {esc(item.title)}</h2>\n</div>\n'
            f'<div class="mgLinks" >\n<ul  class="mgActionList" >\n<li><a  href="{meeting_link}" >'
            f"Agenda, decisions and minutes for {esc(m.committee_title)}</a></li>\n</ul>\n</div>\n"
            '<div class="mgContent" >\n'
            f'<p><span  class="mgLabel" >Meeting: </span><a  href="{meeting_link}" >{slash_date(m.day)} - '
            f"{esc(m.committee_title)}</a> (Item {item.number})</p>\n"
            f"{self.item_body(m, item, full=True)}\n</div>\n"
        )
        return self.page(f"Agenda item - {item.title}", "Agenda item", modgov, day=m.day)

    def decision_page(self, d: Decision) -> str:
        rows = []
        if d.maker:
            rows.append(f'<p><span  class="mgLabel" >Decision Maker: </span>{esc(d.maker)}</p>')
        rows += [
            f'<p><span  class="mgLabel" >Decision status: </span><span  class="mgPlanItemInForce" >{d.status}</span></p>',
            f'<p><span  class="mgLabel" >Is Key decision?: </span>{"Yes" if d.key else "No"}</p>',
            f'<p><span  class="mgLabel" >Is subject to call in?: </span>{"Yes" if d.call_in else "No"}</p>',
            '<h3 class="mgSubSubTitleTxt">Purpose:</h3>',
            self.word(d.purpose),
            '<h3 class="mgSubSubTitleTxt">Decision:</h3>',
            self.word(d.text),
            f'<p><span  class="mgLabel" >Publication date: </span>{slash_date(d.published)}</p>',
            f'<p><span  class="mgLabel" >Date of decision: </span>{slash_date(d.day)}</p>',
        ]
        if d.meeting:
            m = d.meeting
            rows.append(
                f'<p><span  class="mgLabel" >Decided at meeting: </span><a  href="ieListDocuments.aspx?CId={m.committee}&amp;MID={m.mid}" >'
                f"{slash_date(m.day)} - {esc(m.committee_title)}</a></p>"
            )
        if d.item and d.item.report:
            rows.append(
                '<p class="mgLabel" >Accompanying Documents:</p>\n<ul  class="mgBulletList" >'
            )
            rows.append(f"<li>{self.doc_link(d.item.report, d.title)}</li>\n</ul>")
        links = ""
        if d.issue:
            links = (
                '<div class="mgLinks" >\n<ul  class="mgActionList" >\n'
                f'<li><a  href="mgIssueHistoryHome.aspx?IId={d.issue}&amp;Opt=0" '
                f'title="Link&#32;to&#32;issue&#32;history&#32;for&#32;{title_attr(d.title)}">Find out more about this issue</a></li>\n'
                "</ul>\n</div>\n"
            )
        modgov = (
            '<div class="mgHeader"><h1  class="mgMainTitleTxt" >Decision details</h1></div>\n'
            f'<div class="mgSubTitle" >\n<h2 class="mgSubTitleTxt">{esc(d.title)}</h2>\n</div>\n'
            + links + '<div class="mgContent" >\n' + "\n".join(rows) + "\n</div>\n"
        )  # fmt: skip
        return self.page(f"Decision - {d.title}", "Decision details", modgov, day=d.published)

    def issue_page(self, d: Decision) -> str:
        blocks = []
        if d.meeting and d.item:
            m, item = d.meeting, d.item
            blocks.append(
                f'<h3 class="mgSubSubTitleTxt">Meeting: <a  href="ieListDocuments.aspx?CId={m.committee}&amp;MId={m.mid}#AI{item.aiid}" >'
                f"{slash_date(m.day)} - {esc(m.committee_title)}</a> (Item {item.number})</h3>"
            )
            blocks.append(
                f'<p><span  class="mgLabel" >Contact: </span>{self.rng.choice(NAMES)}, Democratic Services Officer</p>'
            )
            blocks.append(self.item_body(m, item, full=True))
        else:
            blocks.append(
                f'<h3 class="mgSubSubTitleTxt">Meeting: {slash_date(d.day)} - {esc(d.maker or "Officer decision")}</h3>'
            )
            blocks.append(f'<p  class="mgAiTitleTxt" >{esc(d.title)}</p>')
            blocks.append(self.word(d.purpose))
            blocks.append('<p class="mgSubItemTitleTxt">Decision:</p>')
            blocks.append(self.word(d.text))
            blocks.append(
                f'<ul  class="mgActionList" ><li><a  href="ieDecisionDetails.aspx?ID={d.ident}" >View the decision</a></li></ul>'
            )
        modgov = (
            '<div class="mgHeader"><h1  class="mgMainTitleTxt" >Issue - meetings</h1></div>\n'
            f'<div class="mgSubTitle" >\n<h2 class="mgSubTitleTxt">{esc(d.title)}</h2>\n</div>\n'
            '<div class="mgLinks" >\n<ul  class="mgActionList" >\n'
            f'<li><a  href="mgIssueHistoryHome.aspx?IId={d.issue}" >Issue details</a></li>\n</ul>\n</div>\n'
            '<div class="mgContent" >\n' + "\n".join(blocks) + "\n</div>\n"
        )
        return self.page(f"Issue - {d.title}", "Issue", modgov, day=d.day)

    def decision_list_page(
        self, decisions: list[Decision], caption: str, four_columns: bool
    ) -> str:
        rows = []
        for d in sorted(decisions, key=lambda d: (d.published, d.ident), reverse=True):
            cells = [
                f'<td  class="mgMainTxt" ><a  href="ieDecisionDetails.aspx?ID={d.ident}" '
                f'title="Link&#32;to&#32;decision&#32;details&#32;for&#32;{title_attr(d.title)}">{esc(d.title)}'
                f'<span  class="mgHide" > ref&#58; {d.ident}</span></a></td>',
                f'<td  class="mgMainTxt" >{slash_date(d.published)}</td>',
            ]
            if four_columns:
                cells.append(
                    f'<td  class="mgMainTxt" >{slash_date(d.published + timedelta(days=6))}</td>'
                )
                cells.append(
                    f'<td  class="mgMainTxt" >{"Not for call-in" if not d.call_in else "Call-in expired"}</td>'
                )
            rows.append("<tr>" + "".join(cells) + "</tr>")
        head = "<th scope='col'>Title</th><th scope='col'>Date</th>"
        if four_columns:
            head += "<th scope='col'>Effective from</th><th scope='col'>Call-ins</th>"
        modgov = (
            f'<div class="mgHeader"><h1  class="mgMainTitleTxt" >{caption}</h1></div>\n<div class="mgContent" >\n'
            '<table class="mgTabTable tablesorter"  summary="Table of decision summary data">\n'
            f'<caption  class="mgSectionTitle" >{caption}</caption>\n'
            f"<thead class='mgFilterHeaderRow'><tr>{head}</tr></thead><tbody>\n"
            + "\n".join(rows) + "\n</tbody></table>\n</div>\n"
        )  # fmt: skip
        return self.page(caption, "Decisions", modgov)

    def meetings_list_page(self, cid: int) -> str:
        items = []
        mine = sorted(
            (m for m in self.meetings if m.committee == cid), key=lambda m: m.day, reverse=True
        )
        for n, m in enumerate(mine):
            row = "mgTableEvenRow" if n % 2 == 0 else "mgTableOddRow"
            status = (
                " - CANCELLED"
                if m.cancelled
                else (" - Agenda, Decisions, Minutes" if m.past else "")
            )
            items.append(
                f'<li  class="{row}" ><a  class="mgMeetingTableLnk"    href="ieListDocuments.aspx?CId={cid}&amp;MId={m.mid}&amp;Ver=4" >'
                f"{m.day.day} {m.day:%b %Y}&nbsp;{clock(m.hour, m.minute).replace(':', '&#58;')}</a>{status}</li>"
            )
        modgov = (
            '<div class="mgHeader"><h1  class="mgMainTitleTxt" >Browse meetings</h1></div>\n'
            f'<div class="mgSubTitle" ><h2 class="mgSubTitleTxt">{esc(self.committees[cid])}</h2></div>\n'
            '<div class="mgContent" >\n<div class="mgList" >\n'
            f'<input type="hidden" name="hCommitteeId"  value="{cid}" />\n'
            '<input type="hidden" name="MD"  value="ielistmeetings" id="metadata"/>\n'
            '<div  class="mgTableBorder" >\n<div  class="mgTableTitleTxt" >Meetings</div>\n'
            '<ul  class="mgNonBulletTableList"  >'
            + "".join(items)
            + "</ul>\n</div>\n</div>\n</div>\n"
        )
        return self.page(f"Browse meetings - {self.committees[cid]}", "Meetings", modgov)

    def committee_structure_page(self) -> str:
        links = "".join(
            f'<li><a  href="mgCommitteeDetails.aspx?ID={cid}" >{esc(t)}</a></li>'
            for cid, t in self.committees.items()
        )
        modgov = (
            '<div class="mgHeader"><h1  class="mgMainTitleTxt" >Committee structure</h1></div>\n'
            '<div class="mgContent" >\n<h2  class="mgSectionTitle" >Committees</h2>\n'
            f'<ul  class="mgBulletList" >{links}</ul>\n</div>\n'
        )
        return self.page("Committee structure", "Committees", modgov)

    def committees_xml(self) -> str:
        parts = [
            f'<?xml version="1.0" encoding="utf-8"?>\n<committees>\n  <committeescount> {len(self.committees)}</committeescount>'
        ]
        for cid, t in self.committees.items():
            parts.append(
                f"  <committee>\n    <committeeid>{cid}</committeeid>\n    <committeetitle>{esc(t)}</committeetitle>\n"
                "    <committeedeleted>False</committeedeleted>\n    <committeeexpired>False</committeeexpired>\n"
                "    <committeecategory>Governance and Decision Making Committees</committeecategory>\n  </committee>"
            )
        return "\n".join(parts) + "\n</committees>\n"

    def meetings_xml(self, cid: int) -> str:
        mine = [m for m in self.meetings if m.committee == cid]
        rows = "".join(
            f"      <meeting>\n        <meetingid>{m.mid}</meetingid>\n        <meetingdate>{m.day:%d/%m/%Y}</meetingdate>\n"
            f"        <meetingstatus>{'Cancelled' if m.cancelled else 'Confirmed'}</meetingstatus>\n"
            f"        <meetingtime>{clock(m.hour, m.minute).replace(':', '.')}</meetingtime>\n"
            "        <iswebcast>False</iswebcast>\n      </meeting>\n"
            for m in mine
        )
        return (
            f'<?xml version="1.0" encoding="utf-8"?>\n<getmeetings>\n  <meetingscount> {len(mine)}</meetingscount>\n'
            f"  <committeescount> 1</committeescount>\n  <committee>\n    <committeeid>{cid}</committeeid>\n"
            f"    <committeetitle>{esc(self.committees[cid])}</committeetitle>\n"
            f"    <committeemeetingcount> {len(mine)}</committeemeetingcount>\n    <committeemeetings>\n"
            f"{rows}    </committeemeetings>\n  </committee>\n</getmeetings>\n"
        )

    def rss(self, meetings: list[Meeting], decisions: list[Decision]) -> str:
        base = f"https://{self.spec.host}/"
        items = []
        for m in meetings:
            items.append(
                f"<item>\n<title>{esc(self.meeting_heading(m))}</title>\n"
                f"<link>{base}ieListDocuments.aspx?CId={m.committee}&amp;MID={m.mid}</link>\n"
                f'<guid isPermaLink="false">mgMeeting{m.mid}</guid>\n</item>'
            )
        for d in decisions:
            items.append(
                f"<item>\n<title>Decision: {esc(d.title)}</title>\n<link>{base}ieDecisionDetails.aspx?ID={d.ident}</link>\n"
                f'<guid isPermaLink="false">mgDecision{d.ident}</guid>\n</item>'
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n<channel>\n'
            f"<title>{esc(self.spec.name)} - What's new</title>\n<link>{base}mgWhatsNew.aspx?bcr=1</link>\n"
            + "\n".join(items) + "\n</channel>\n</rss>\n"
        )  # fmt: skip

    def build(self) -> None:
        spec = self.spec
        html_discovery = not spec.web_service
        start = spec.today - timedelta(days=spec.lookback_days)
        end = spec.today + timedelta(days=spec.lookahead_days)
        rss_type = "application/rss+xml; charset=utf-8"
        recent = sorted(self.meetings, key=lambda m: m.day, reverse=True)
        self.add("/mgRss.aspx?XXR=0", self.rss(recent[:10], self.decisions[-5:]), rss_type)
        for cid in self.committees:
            mine = [m for m in recent if m.committee == cid][:5]
            self.add(f"/mgRss.aspx?CID={cid}", self.rss(mine, []), rss_type)
        if html_discovery:
            self.add("/mgWebService.asmx/GetCommittees", "", expected=True)
            self.add("/mgCommitteeStructure.aspx", self.committee_structure_page())
            for cid in self.committees:
                self.add(f"/ieListMeetings.aspx?CId={cid}&Year=0", self.meetings_list_page(cid))
        else:
            self.add(
                "/mgWebService.asmx/GetCommittees", self.committees_xml(), "text/xml; charset=utf-8"
            )
            for cid in self.committees:
                # The spider asks for exactly this window (ISO dates) around the day it runs.
                self.add(
                    f"/mgWebService.asmx/GetMeetings?lCommitteeId={cid}"
                    f"&sFromDate={start:%Y-%m-%d}&sToDate={end:%Y-%m-%d}",
                    self.meetings_xml(cid), "text/xml; charset=utf-8",
                )  # fmt: skip
        listed = [d for d in self.decisions if start <= d.published <= end]
        self.add(
            "/mgDelegatedDecisions.aspx",
            self.decision_list_page(listed, "Decisions published", True),
        )
        officer = [d for d in listed if d.maker]
        self.add(
            "/mgListOfficerDecisions.aspx",
            self.decision_list_page(officer, "Officer decisions", False),
        )
        for m in self.meetings:
            self.add(
                f"/ieListDocuments.aspx?CId={m.committee}&MId={m.mid}&Ver=4", self.meeting_page(m)
            )
            for item in m.items:
                if item.truncated:
                    self.add(f"/mgAi.aspx?ID={item.aiid}", self.agenda_item_page(m, item))
        for d in self.decisions:
            self.add(f"/ieDecisionDetails.aspx?ID={d.ident}", self.decision_page(d))
            if d.issue:
                self.add(f"/ieIssueDetails.aspx?IId={d.issue}&PlanId=0&Opt=3", self.issue_page(d))

    def write(self, folder: Path) -> dict:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pages").mkdir(exist_ok=True)
        routes = [
            f"# Synthetic council {self.spec.name} (bench/synthetic_council.py, seed {self.spec.seed})\n"
        ]
        sizes = {}
        for n, (target, (body, ctype)) in enumerate(sorted(self.pages.items())):
            name = f"pages/{n:06d}.{'xml' if 'xml' in ctype else 'html'}"
            (folder / name).write_bytes(body)
            route = [f"[{json.dumps(target)}]", f"file = {json.dumps(name)}",
                     f"content_type = {json.dumps(ctype)}"]  # fmt: skip
            if target == "/mgWebService.asmx/GetCommittees" and not body:
                # A disabled web service: the spider falls back to the HTML pages.
                route = [f"[{json.dumps(target)}]", "status = 500"]
            routes.append("\n".join(route) + "\n")
            sizes[target] = len(body)
        (folder / "routes.toml").write_text("\n".join(routes), encoding="utf-8")
        manifest = {
            "name": self.spec.name,
            "seed": self.spec.seed,
            "today": self.spec.today.isoformat(),
            "lookback_days": self.spec.lookback_days,
            "lookahead_days": self.spec.lookahead_days,
            "web_service": self.spec.web_service,
            "meetings": len(self.meetings),
            "agenda_items": sum(len(m.items) for m in self.meetings),
            "decisions": len(self.decisions),
            "issues": sum(1 for d in self.decisions if d.issue),
            "expected": self.expected,
            "sizes": sizes,
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        return manifest


def generate(folder: Path, spec: CouncilSpec, corpus: Corpus | None = None) -> dict:
    """Write one council's replay folder and return its manifest."""
    council = Council(spec, corpus or load_corpus())
    council.build()
    return council.write(folder)


def generate_councils(out: Path, councils: int, meetings: int, seed: int, *,
                      today: date | None = None, lookback_days: int = 90,
                      lookahead_days: int = 60) -> list[dict]:  # fmt: skip
    """N councils of M meetings each, `out/council-NN/`; every third without a web service."""
    corpus = load_corpus()
    today = today or datetime.now(UK).date()
    manifests = []
    for n in range(councils):
        spec = CouncilSpec(
            name=f"bench-{n:02d}",
            seed=seed * 1000 + n,
            meetings=meetings,
            today=today,
            lookback_days=lookback_days,
            lookahead_days=lookahead_days,
            web_service=n % 3 != 2,
            host=f"democracy.council{n:02d}.gov.uk",
        )
        manifests.append(generate(out / f"council-{n:02d}", spec, corpus))
    return manifests


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--councils", type=int, default=2)
    parser.add_argument("--meetings", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lookback-days", type=int, default=90)
    parser.add_argument("--lookahead-days", type=int, default=60)
    args = parser.parse_args(argv)
    manifests = generate_councils(args.out, args.councils, args.meetings, args.seed,
                                  lookback_days=args.lookback_days, lookahead_days=args.lookahead_days)  # fmt: skip
    for m in manifests:
        total = sum(m["sizes"].values())
        print(f"{m['name']}: {len(m['expected'])} pages, {total / 1e6:.1f} MB, "
              f"{m['meetings']} meetings, {m['decisions']} decisions")  # fmt: skip


if __name__ == "__main__":
    main()
