"""A small but real archive for the journalist-facing tests.

Documents go in through the real import path (`monitor.importer.import_pages`), so the
full-text index and the figures are filled exactly as a crawl fills them. Texts are
copies of the shared seeds: real Oxfordshire council papers and Oxford Mail articles.
"""

from __future__ import annotations

from datetime import UTC, datetime

from core.config import Config
from monitor.importer import import_pages
from spiders.items import DocumentItem, PageItem
from tests.helpers import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "seeds"


def seed(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


ITEM_78 = "oxfordshire:agenda_item:78"
DECISION = "oxfordshire:decision:1234"
JUDICIAL_REVIEW = "oxford-mail:article:https://www.oxfordmail.co.uk/news/judicial-review/"
REDUNDANCIES = "oxford-mail:article:https://www.oxfordmail.co.uk/news/redundancies/"
CAMPAIGN = "campaign:page:https://example.org/our-response"

# When each version was stored (UTC). The redundancies article arrives at 23:30 UTC on
# 31 March 2016, which is 00:30 on 1 April in UK summer time.
WHEN = {
    "item78-v1": datetime(2015, 9, 15, 18, 0, tzinfo=UTC),
    "item78-v2": datetime(2015, 9, 22, 6, 0, tzinfo=UTC),
    "judicial-review": datetime(2015, 11, 26, 6, 0, tzinfo=UTC),
    "decision-v1": datetime(2016, 2, 23, 17, 0, tzinfo=UTC),
    "decision-v2": datetime(2016, 3, 1, 9, 0, tzinfo=UTC),
    "decision-v3": datetime(2016, 3, 8, 9, 0, tzinfo=UTC),
    "redundancies": datetime(2016, 3, 31, 23, 30, tzinfo=UTC),
    "campaign": datetime(2016, 5, 1, 12, 0, tzinfo=UTC),
}


def store(archive, source: str, source_type: str, doc: DocumentItem, when: datetime):
    page = PageItem(source=source, url=doc.url, body=repr(doc.fields).encode(), documents=[doc])
    with archive.session() as session:
        return import_pages(
            session, Config(), source, source_type, [page], crawl_run_id=None, now=when
        )[0]


def agenda_item(decision: str) -> DocumentItem:
    return DocumentItem(
        key=ITEM_78,
        kind="agenda_item",
        url="https://mycouncil.oxfordshire.gov.uk/mgAI.aspx?ID=78",
        title="Future Arrangements in Children's Social Care",
        fields={
            "meeting": "oxfordshire:meeting:4321",
            "number": "78",
            "title": "Future Arrangements in Children's Social Care",
            "text": seed("oxfordshire-cabinet-item-78-issue-history"),
            "decision": decision,
            "minutes": None,
            "restricted": False,
            "documents": [],
        },
    )


def decision(text: str, status: str) -> DocumentItem:
    return DocumentItem(
        key=DECISION,
        kind="decision",
        url="https://mycouncil.oxfordshire.gov.uk/ieDecisionDetails.aspx?ID=1234",
        title="Children's centres: future funding",
        fields={
            "title": "Children's centres: future funding",
            "decision_maker": "Cabinet",
            "status": status,
            "decision_date": "2016-02-23",
            "published": "2016-02-24",
            "key_decision": True,
            "call_in": status == "Called In",
            "purpose": "To decide the future of early intervention services.",
            "decision": text,
            "meeting": None,
            "issue": None,
            "documents": [],
        },
    )


def article(key: str, headline: str, body: str, published: str) -> DocumentItem:
    url = key.split(":", 2)[2]
    return DocumentItem(
        key=key,
        kind="article",
        url=url,
        title=headline,
        fields={
            "headline": headline,
            "byline": None,
            "published": published,
            "modified": None,
            "section": "news",
            "body": body,
            "topics": ["childrens-services"],
        },
    )


def build(archive) -> None:
    store(archive, "oxfordshire", "moderngov", agenda_item("Recommendation agreed."), WHEN["item78-v1"])  # fmt: skip
    store(
        archive,
        "oxfordshire",
        "moderngov",
        agenda_item(
            "Recommendation agreed, with the consultation to include keeping centres open."
        ),
        WHEN["item78-v2"],
    )
    store(
        archive,
        "oxford-mail",
        "news",
        article(JUDICIAL_REVIEW, "High Court challenge over children's centres cuts",
                seed("oxford-mail-judicial-review"), "2015-11-26"),
        WHEN["judicial-review"],
    )  # fmt: skip
    texts = [
        ("Cabinet agreed to stop funding 31 of 44 children's centres, saving £6m a year.", "Recommendations Approved"),
        ("Cabinet agreed to stop funding 29 of 44 children's centres, saving £6m a year.", "Called In"),
        ("Cabinet agreed to stop funding 29 of 44 children's centres, saving £6m a year.", "Recommendations Approved"),
    ]  # fmt: skip
    for n, (text, status) in enumerate(texts, 1):
        store(archive, "oxfordshire", "moderngov", decision(text, status), WHEN[f"decision-v{n}"])
    store(
        archive,
        "oxford-mail",
        "news",
        article(REDUNDANCIES, "Staff could strike over 200 redundancies at children's centres",
                seed("oxford-mail-redundancies"), "2016-04-01"),
        WHEN["redundancies"],
    )  # fmt: skip
    campaign = DocumentItem(
        key=CAMPAIGN,
        kind="page",
        url="https://example.org/our-response",
        title="Our response",
        fields={
            "title": "Our response",
            "text": "We object to the closure of the hubs. Early intervention keeps families "
            "safe, and no child should be failed.",
        },
    )
    store(archive, "campaign", "page", campaign, WHEN["campaign"])
