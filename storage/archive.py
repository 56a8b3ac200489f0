"""Persisting documents: sources, content-addressed raw bodies, and versions written only on change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from storage import coverage
from storage.blobs import put_blob, sha256
from storage.db import insert_ignoring_duplicates
from storage.models import Document, Source, Version


def source_row(session: Session, name: str, type_: str) -> Source:
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        insert_ignoring_duplicates(session, Source, {"name": name, "type": type_})
        source = session.scalar(select(Source).where(Source.name == name))
    return source


def content_hash(title: str | None, fields: dict[str, Any]) -> str:
    canonical = json.dumps({"title": title, "fields": fields}, sort_keys=True, ensure_ascii=False)
    return sha256(canonical.encode("utf-8"))


@dataclass
class Recorded:
    document: Document
    previous: Version | None  # the latest version before this observation
    version: Version | None  # the version written now, or None when nothing changed
    new_document: bool
    # The new version returns the document to a state it had before (A, B, A).
    revert: bool = False

    @property
    def reparse(self) -> bool:
        return bool(self.version and self.version.reparse)


def documents_by_key(session: Session, keys: list[str]) -> dict[str, Document]:
    """The archived documents among `keys`, with their latest versions, in one query."""
    if not keys:
        return {}
    query = (
        select(Document).where(Document.key.in_(keys)).options(joinedload(Document.latest_version))
    )
    return {doc.key: doc for doc in session.scalars(query)}


def record_document(
    session: Session,
    source: Source | None,
    document: Document | None,
    *,
    key: str,
    kind: str,
    url: str,
    title: str | None,
    fields: dict[str, Any],
    raw_body: bytes | None,
    content_type: str | None = None,
    source_name: str | None = None,
    parser_version: str,
    crawl_run_id: int | None,
    now: datetime,
) -> Recorded:
    """Observe one document; write a version only if its content differs from the latest.

    `document` is its archived row, or None if it is new (then `source` files it). Nothing is
    flushed here, so a page's documents reach the database together in one flush.

    The raw body is stored (once per distinct body) only when a version is written, so
    re-crawling unchanged pages whose HTML carries fresh tokens does not grow the archive.
    """
    digest = content_hash(title, fields)
    previous = None
    if document is None:
        document = Document(
            key=key, source=source, kind=kind, url=url, title=title, first_seen=now, last_seen=now
        )
        session.add(document)
    else:
        previous = document.latest_version

    if previous is not None and previous.content_hash == digest:
        # Nothing is written: the crawl records the documents it found unchanged once,
        # at its end (storage.coverage), instead of rewriting each row.
        return Recorded(document, previous, None, False)
    if previous is not None:
        # The version being replaced was last seen at the newest crawl that found it.
        seen = coverage.last_seen(session, [document])[document.id]
        previous.last_seen = max(previous.last_seen, seen)
        document.last_seen = now

    revert = (
        previous is not None
        and session.scalar(
            select(Version.id)
            .where(Version.document_id == document.id, Version.content_hash == digest)
            .limit(1)
        )
        is not None
    )
    raw_sha256 = (
        put_blob(session, raw_body, content_type, source_name=source_name)
        if raw_body is not None
        else None
    )
    version = Version(
        document=document,
        seen_at=now,
        last_seen=now,
        content_hash=digest,
        title=title,
        fields=fields,
        raw_sha256=raw_sha256,
        parser_version=parser_version,
        reparse=bool(
            previous is not None and raw_sha256 is not None and previous.raw_sha256 == raw_sha256
        ),
        crawl_run_id=crawl_run_id,
    )
    session.add(version)
    document.latest_version = version
    document.url = url
    document.title = title
    return Recorded(document, previous, version, previous is None, revert)
