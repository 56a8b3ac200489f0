"""What spiders produce: one `PageItem` per fetched page, holding the documents found on it.

A page is stored in one transaction, so a meeting page and its agenda items land
together or not at all. `fields` follow docs/interface.md ("fields by kind"); each kind's
schema below is checked before anything is stored, and a document that fails it is
reported as a parse problem with its URL instead of being archived half-empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

# Bump when a parser's output changes shape or content for the same input; versions
# written by different parser releases from the same raw body are recorded as re-parses.
PARSER_VERSION = "2"

KINDS = ("meeting", "agenda_item", "decision", "issue", "article", "page", "document")


@dataclass
class DocumentItem:
    key: str  # "<source>:<kind>:<id>" (docs/interface.md, "Document kinds and keys")
    kind: str
    url: str
    title: str | None
    fields: dict[str, Any]


@dataclass
class PageItem:
    source: str
    url: str
    body: bytes
    content_type: str | None = None
    documents: list[DocumentItem] = field(default_factory=list)


def media_type(response) -> str | None:
    """The response's media type ("application/pdf"), without parameters: what a PageItem's
    `content_type` holds."""
    value = response.headers.get(b"Content-Type")
    media = value.decode("latin-1").split(";")[0].strip().lower() if value else ""
    return media or None


def page_of(response, source: str, documents: list[DocumentItem]) -> PageItem:
    """The fetched page as stored: its body and media type, holding `documents`."""
    return PageItem(
        source=source,
        url=response.url,
        body=response.body,
        content_type=media_type(response),
        documents=documents,
    )


def document_key(source: str, kind: str, ident: str | int) -> str:
    return f"{source}:{kind}:{ident}"


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Link(_Fields):
    title: str | None
    url: str
    id: str | None


NonEmpty = Field(min_length=1)


class MeetingFields(_Fields):
    committee: str = NonEmpty
    start: str | None  # ISO 8601 with the Europe/London offset
    status: str | None
    venue: str | None
    items: list[str]
    documents: list[Link]


class AgendaItemFields(_Fields):
    meeting: str | None
    number: str | None
    title: str = NonEmpty
    text: str | None
    decision: str | None
    minutes: str | None
    restricted: bool | None
    documents: list[Link]


class DecisionFields(_Fields):
    title: str = NonEmpty
    decision_maker: str | None
    status: str | None
    decision_date: str | None
    published: str | None
    key_decision: bool | None
    call_in: bool | None
    purpose: str | None
    decision: str | None
    meeting: str | None
    issue: str | None
    documents: list[Link]


class IssueMeeting(_Fields):
    """One meeting an issue went to, with its item as printed there."""

    date: str | None
    committee: str | None
    item: str | None  # the item's number as printed ("78", "45.")
    title: str | None  # without the number
    text: str | None  # the report summary
    decision: str | None
    minutes: str | None


class IssueFields(_Fields):
    title: str = NonEmpty
    meetings: list[IssueMeeting]
    forward_plan_ref: str | None
    contact: str | None
    documents: list[Link]


class ArticleFields(_Fields):
    headline: str = NonEmpty
    byline: str | None
    published: str | None
    modified: str | None
    section: str | None
    body: str = NonEmpty
    topics: list[str]


class TextFields(_Fields):
    title: str | None
    text: str = NonEmpty


SCHEMAS: dict[str, type[_Fields]] = {
    "meeting": MeetingFields,
    "agenda_item": AgendaItemFields,
    "decision": DecisionFields,
    "issue": IssueFields,
    "article": ArticleFields,
    "page": TextFields,
    "document": TextFields,
}


class InvalidDocument(ValueError):
    pass


def validate(doc: DocumentItem) -> dict[str, Any]:
    """The document's fields as the schema normalises them, or InvalidDocument saying why."""
    schema = SCHEMAS.get(doc.kind)
    if schema is None:
        raise InvalidDocument(f"unknown document kind {doc.kind!r}")
    if not doc.key.count(":") >= 2 or doc.key.split(":", 2)[1] != doc.kind:
        raise InvalidDocument(f"key {doc.key!r} is not <source>:{doc.kind}:<id>")
    try:
        return schema.model_validate(doc.fields).model_dump(mode="json")
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "fields"
        raise InvalidDocument(f"{doc.kind} {where}: {err['msg']}") from None
