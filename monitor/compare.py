"""`councilwatch compare`: what a crawl would detect between two saved responses of one URL.

The same steps as a crawl, without the archive: the URL picks the parser (`parse_saved`), each
document's fields are validated by their kind's schema, documents are matched by key, and
`detect_changes` runs on each pair with the page's titles. As in a crawl, a document seen only
in the new response is not a change (a meeting reports its new agenda items as `item_added`);
documents that appear or disappear are listed beside the changes for the reader.
"""

from __future__ import annotations

from typing import Any

from monitor.changes import change_json, detect_changes
from spiders.items import InvalidDocument, PageItem, validate
from spiders.parsers import documents_on, parse_saved


def valid_documents(page: PageItem, problems: list[str], label: str) -> dict[str, tuple[Any, dict]]:
    found = {}
    for doc in documents_on(page):
        try:
            found[doc.key] = (doc, validate(doc))
        except InvalidDocument as exc:
            problems.append(f"{label}: {doc.key}: {exc}")
    return found


def compare_pages(old_page: PageItem, new_page: PageItem) -> dict[str, Any]:
    problems: list[str] = []
    old_docs = valid_documents(old_page, problems, "old")
    new_docs = valid_documents(new_page, problems, "new")
    titles = {doc.key: doc.title for doc in documents_on(new_page)}
    changes = []
    for key, (doc, fields) in new_docs.items():
        if key not in old_docs:
            continue
        old_doc, old_fields = old_docs[key]
        for change in detect_changes(
            doc.kind,
            old_fields,
            fields,
            old_title=old_doc.title,
            new_title=doc.title,
            titles=titles,
        ):
            ref = {"key": key, "kind": doc.kind, "url": doc.url, "title": doc.title}
            changes.append({**change_json(change), "alert": change.alert, "document": ref})
    return {
        "url": new_page.url,
        "alert": any(c["alert"] for c in changes),
        "changes": changes,
        "documents": {
            "added": [k for k in new_docs if k not in old_docs],
            "removed": [k for k in old_docs if k not in new_docs],
        },
        "problems": problems,
    }


def parse_fresh(
    url: str, body: bytes, content_type: str | None, label: str, problems: list[str]
) -> PageItem:
    """The page as a crawl would read it. A parser that refuses the page
    (a paywall, a consent wall, a layout it does not know) is a page problem, as in a crawl."""
    try:
        page = parse_saved(url, body, source="compare", content_type=content_type)
    except Exception as exc:  # noqa: BLE001 - any parser refusal is reported, not a crash
        problems.append(f"{label}: {exc}")
        return PageItem(source="compare", url=url, body=body)
    # Layout trouble the parser saw (a crawl reports it as a problem of the page).
    problems += [f"{label}: {problem}" for problem in getattr(page, "problems", ())]
    return page


def compare_bodies(
    url: str, old: bytes, new: bytes, content_type: str | None = None
) -> dict[str, Any]:
    """The INTERFACE `compare --json` document for two saved bodies of `url`."""
    problems: list[str] = []
    old_page = parse_fresh(url, old, content_type, "old", problems)
    new_page = parse_fresh(url, new, content_type, "new", problems)
    result = compare_pages(old_page, new_page)
    result["problems"] = problems + result["problems"]
    return result
