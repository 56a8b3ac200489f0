"""Items as a spider yields them, for tests that store them without a crawl."""

from spiders.items import DocumentItem, PageItem


def page(text: str, body: bytes | None = None, key: str = "camp:page:http://x/a") -> PageItem:
    """A watched page of source `camp` whose text is `text` (its body too, unless given)."""
    doc = DocumentItem(key=key, kind="page", url="http://x/a", title="Our response",
                       fields={"title": "Our response", "text": text})  # fmt: skip
    return PageItem(source="camp", url="http://x/a", body=body or text.encode(), documents=[doc])


def decision_fields(**fields) -> dict:
    """A ModernGov decision's fields as its parser yields them (Oxfordshire's cabinet on
    children's social care, 15 September 2015), with `fields` set."""
    return {
        "title": "Future Arrangements in Children's Social Care",
        "decision_maker": "Cabinet",
        "status": "Recommendations Approved",
        "decision_date": "2015-09-15",
        "published": "2015-09-17",
        "key_decision": True,
        "call_in": True,
        "purpose": None,
        "decision": "",
        "meeting": None,
        "issue": None,
        "documents": [],
    } | fields
