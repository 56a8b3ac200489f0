"""Items as a spider yields them, for tests that store them without a crawl."""

from spiders.items import DocumentItem, PageItem


def page(text: str, body: bytes | None = None, key: str = "camp:page:http://x/a") -> PageItem:
    """A watched page of source `camp` whose text is `text` (its body too, unless given)."""
    doc = DocumentItem(key=key, kind="page", url="http://x/a", title="Our response",
                       fields={"title": "Our response", "text": text})  # fmt: skip
    return PageItem(source="camp", url="http://x/a", body=body or text.encode(), documents=[doc])
