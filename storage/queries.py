"""Reading the archive: the queries behind `changes`, `history` and `export`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from storage.models import Change, Document, Source, Version


def document_ref(doc: Document) -> dict[str, Any]:
    return {"key": doc.key, "kind": doc.kind, "url": doc.url, "title": doc.title}


def list_changes(
    session: Session,
    *,
    since: datetime | None = None,
    source: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[Change]:
    query = (
        select(Change)
        .join(Change.document)
        .options(joinedload(Change.document))
        .order_by(Change.detected_at.desc(), Change.id.desc())
    )
    if since is not None:
        query = query.where(Change.detected_at >= since)
    if source is not None:
        query = query.join(Document.source).where(Source.name == source)
    if kind is not None:
        query = query.where(Change.kind == kind)
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def find_document(session: Session, key_or_url: str) -> Document | None:
    return session.scalar(
        select(Document)
        .where(or_(Document.key == key_or_url, Document.url == key_or_url))
        .order_by(Document.id)
        .limit(1)
    )


def versions_with_changes(session: Session, doc: Document) -> list[tuple[Version, list[Change]]]:
    versions = list(
        session.scalars(select(Version).where(Version.document_id == doc.id).order_by(Version.id))
    )
    changes: dict[int, list[Change]] = {}
    for change in session.scalars(
        select(Change).where(Change.document_id == doc.id).order_by(Change.id)
    ):
        changes.setdefault(change.new_version_id, []).append(change)
    return [(v, changes.get(v.id, [])) for v in versions]


def export_documents(
    session: Session, *, kind: str | None = None, source: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every document with its latest fields, streamed in key order."""
    counts = (
        select(Version.document_id, func.count(Version.id).label("n"))
        .group_by(Version.document_id)
        .subquery()
    )
    query = (
        select(Document, Source.name, Version.fields, counts.c.n)
        .join(Source, Document.source_id == Source.id)
        .join(Version, Document.latest_version_id == Version.id)
        .join(counts, counts.c.document_id == Document.id)
        .order_by(Document.key)
    )
    if kind:
        query = query.where(Document.kind == kind)
    if source:
        query = query.where(Source.name == source)
    for doc, source_name, fields, n in session.execute(query).yield_per(500):
        yield {
            "key": doc.key,
            "source": source_name,
            "kind": doc.kind,
            "url": doc.url,
            "title": doc.title,
            "fields": fields,
            "versions": n,
            "first_seen": doc.first_seen.isoformat(),
            "last_seen": doc.last_seen.isoformat(),
        }
