"""Importing what a spider scraped: validate, store versions, understand changes, queue alerts.

Scraping is pure (spiders yield `PageItem`s); this is where a page meets the archive.
Everything a page causes is written in the caller's transaction, the alerts its changes
owe included: the caller hands in the hook that queues them (`on_changes`, in practice
`alerts.outbox.enqueue_alerts`), since alerts sit above monitor and are not imported here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import Config
from monitor import suspect
from monitor.changes import detect_changes
from monitor.figures import figures_in_sentences
from spiders.error_pages import error_wording
from spiders.items import PARSER_VERSION, DocumentItem, InvalidDocument, PageItem, validate
from storage.archive import (
    Recorded,
    content_hash,
    documents_by_key,
    record_document,
    source_row,
)
from storage.blobs import look_up_blobs
from storage.models import Change, Document
from storage.search import index_version

log = logging.getLogger(__name__)

# Queues the alerts that changes owe: `on_changes(session, config, changes, now=now)`,
# called in the importer's transaction with the (flushed) changes that alert.
OnChanges = Callable[..., object]


@dataclass
class PageOutcome:
    documents: int = 0
    new_documents: int = 0
    new_versions: int = 0
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Documents found unchanged: the crawl records them once, at its end (storage.coverage).
    unchanged_ids: list[int] = field(default_factory=list)


def _figures_of(version) -> list:
    """The figures in a new version's text. A failure to extract them must not lose the
    version itself: the archive is the record, figures are derived from it."""
    text = version.text
    if not text:
        return []
    try:
        return figures_in_sentences(text)
    except Exception:  # noqa: BLE001 - see the docstring
        log.exception("figure extraction failed for version %s; stored without figures", version.id)
        return []


def import_pages(
    session: Session,
    config: Config,
    source_name: str,
    source_type: str,
    pages: list[PageItem],
    *,
    crawl_run_id: int | None,
    now: datetime,
    on_changes: OnChanges | None = None,
) -> list[PageOutcome]:
    """Store every valid document of these pages, in order, in the caller's transaction.

    `on_changes` queues the alerts the changes owe, in the same transaction; without it
    none are queued.

    Several pages at once cost the database about what one does: the archived documents
    are looked up in one query and the new rows reach it in one flush. A document met
    again on a later page of the batch (an agenda item on its meeting's page and on its
    own) is the same row, as it would be in separate transactions.
    """
    outcomes = [PageOutcome() for _ in pages]
    valid: list[list[tuple[DocumentItem, dict]]] = []
    for page, outcome in zip(pages, outcomes, strict=True):
        valid.append([])
        for doc in page.documents:
            try:
                valid[-1].append((doc, validate(doc)))
            except InvalidDocument as exc:
                outcome.problems.append(f"{doc.url}: {doc.key}: {exc}")
    known = documents_by_key(session, list({doc.key for docs in valid for doc, _ in docs}))
    # The source row is needed only to file a new document; a re-crawl rarely has one.
    new_keys = any(doc.key not in known for docs in valid for doc, _ in docs)
    source = source_row(session, source_name, source_type) if new_keys else None
    look_up_blobs(session, [page.body for page, docs in zip(pages, valid, strict=True) if docs])

    pending = suspect.pending_for(session, list({doc.key for docs in valid for doc, _ in docs}))
    alerts: list[Change] = []
    for page, docs, outcome in zip(pages, valid, outcomes, strict=True):
        titles = {doc.key: doc.title for doc in page.documents}
        recorded_all: list[tuple[DocumentItem, dict, Recorded]] = []
        wording = page_wording(page, docs, known)
        if wording and not page.documents:
            # The spider read an error page where documents were (ModernGov's parser
            # finds none on it): those documents are what went bad.
            docs = [(None, document) for document in suspect.documents_at(
                session, source_name, page.url)]  # fmt: skip
            pending |= suspect.pending_for(session, [d.key for _, d in docs])
            if not docs:
                outcome.problems.append(f"{suspect.unavailable(wording).detail}; nothing stored")
        confirmed_shrinks: dict[str, suspect.Verdict] = {}
        back: set[str] = set()
        with session.no_autoflush:
            for doc, fields in docs:
                if doc is None:  # an archived document whose page now reads as an error
                    document = fields
                    key, kind, title, fields = document.key, document.kind, None, {}
                else:
                    document = known.get(doc.key)
                    key, kind, title = doc.key, doc.kind, doc.title
                previous = document.latest_version if document is not None else None
                verdict = suspect.judge(kind, previous, title, fields, wording)
                row = pending.get(key)
                if verdict is None:
                    if row is not None:  # it reads well again
                        if row.confirmed_at is not None and row.reason == suspect.UNAVAILABLE:
                            back.add(key)
                        session.delete(row)
                        del pending[key]
                elif previous is None:
                    # Never stored and reading as an error page: nothing to hold back.
                    outcome.problems.append(f"{key}: {verdict.detail}; not stored")
                    continue
                else:
                    action, row = suspect.sight(
                        session, row, key, page.url, verdict, crawl_run_id=crawl_run_id, now=now
                    )
                    pending[key] = row
                    outcome.problems.append(suspect.problem(action, key, verdict, row))
                    outcome.documents += 1
                    if action == suspect.CONFIRM and verdict.reason == suspect.UNAVAILABLE:
                        outcome.changes.append(gone_change(session, document, verdict, now))
                    if action != suspect.CONFIRM or verdict.reason == suspect.UNAVAILABLE:
                        continue
                    confirmed_shrinks[key] = verdict
                    session.delete(row)
                    del pending[key]
                recorded = record_document(
                    session,
                    source,
                    known.get(doc.key),
                    key=doc.key,
                    kind=doc.kind,
                    url=doc.url,
                    title=doc.title,
                    fields=fields,
                    raw_body=page.body,
                    content_type=page.content_type,
                    source_name=source_name,
                    parser_version=PARSER_VERSION,
                    crawl_run_id=crawl_run_id,
                    now=now,
                )
                known[doc.key] = recorded.document
                recorded_all.append((doc, fields, recorded))
        outcome.documents += len(recorded_all)
        for doc, fields, recorded in recorded_all:
            if doc.key in back:
                outcome.changes.append(back_change(session, recorded, now))
            if recorded.version is None:
                outcome.unchanged_ids.append(recorded.document.id)
                continue
            outcome.new_versions += 1
            index_version(session, recorded.version, _figures_of(recorded.version))
            if recorded.new_document:
                outcome.new_documents += 1
                continue  # a document seen for the first time is not a change
            if doc.key in confirmed_shrinks:
                outcome.changes += confirmed_changes(
                    session, doc, fields, recorded, titles, confirmed_shrinks[doc.key], now
                )
            else:
                outcome.changes += understood_changes(session, doc, fields, recorded, titles, now)
        alerts += [c for c in outcome.changes if c.alert]
    if alerts and on_changes is not None:
        session.flush()  # the alerts name their changes by id
        on_changes(session, config, alerts, now=now)
    return outcomes


def page_wording(page: PageItem, docs, known: dict[str, Document]) -> str | None:
    """The error-page wording of this page, looked for only when it could matter: the
    page yields nothing, or a document on it is new or changed (an unchanged page is
    the same good page as before)."""
    if docs and all(
        (document := known.get(doc.key)) is not None
        and document.latest_version is not None
        and document.latest_version.content_hash == content_hash(doc.title, fields)
        for doc, fields in docs
    ):
        return None
    return error_wording(page.body, page.content_type)


def gone_change(session: Session, document: Document, verdict, now: datetime) -> Change:
    """One change for a page confirmed unavailable; the last good version stays the latest."""
    latest = document.latest_version
    row = Change(
        document=document,
        old_version=latest,
        new_version=latest,
        kind="status",
        summary=f"no longer available: the page now reads {verdict.wording!r} "
        "(confirmed on a second crawl)",
        before=None,
        after=verdict.wording,
        alert=True,
        detected_at=now,
    )
    session.add(row)
    return row


def back_change(session: Session, recorded: Recorded, now: datetime) -> Change:
    """The page once confirmed unavailable reads normally again."""
    row = Change(
        document=recorded.document,
        old_version=recorded.previous,
        new_version=recorded.version or recorded.previous,
        kind="status",
        summary="available again: the page reads normally again",
        alert=True,
        detected_at=now,
    )
    session.add(row)
    return row


def confirmed_changes(
    session: Session,
    doc: DocumentItem,
    fields: dict,
    recorded: Recorded,
    titles: dict[str, str | None],
    verdict,
    now: datetime,
) -> list[Change]:
    """A shrunken page confirmed by a second crawl: its changes say so, led by what it lost."""
    lead = Change(
        document=recorded.document,
        old_version=recorded.previous,
        new_version=recorded.version,
        kind="status",
        summary=f"confirmed on a second crawl: {verdict.detail}",
        alert=True,
        detected_at=now,
    )
    session.add(lead)
    changes = understood_changes(session, doc, fields, recorded, titles, now)
    for change in changes:
        change.summary = "confirmed on a second crawl: " + change.summary
    return [lead, *changes]


def understood_changes(
    session: Session,
    doc: DocumentItem,
    fields: dict,
    recorded: Recorded,
    titles: dict[str, str | None],
    now: datetime,
) -> list[Change]:
    """The Change rows for a document's new version, added to the session."""
    found = detect_changes(
        doc.kind,
        recorded.previous.fields,
        fields,
        old_title=recorded.previous.title,
        new_title=doc.title,
        titles=titles | archived_titles(session, recorded.previous.fields, titles),
    )
    # A re-parse (our parser changed, the page did not) and a return to an earlier
    # state are recorded for the history but never alert.
    quiet = recorded.reparse or recorded.revert
    rows = []
    for change in found:
        row = Change(
            document=recorded.document,
            old_version=recorded.previous,
            new_version=recorded.version,
            kind=change.kind,
            summary=("re-parse: " if recorded.reparse else "")
            + ("reverted: " if recorded.revert and not recorded.reparse else "")
            + change.summary,
            before=change.before,
            after=change.after,
            old_value=change.old_value,
            new_value=change.new_value,
            alert=change.alert and not quiet,
            detected_at=now,
        )
        session.add(row)
        rows.append(row)
    return rows


def archived_titles(session: Session, old_fields: dict, known: dict) -> dict[str, str | None]:
    """Titles of a meeting's former agenda items that are no longer on its page, so that
    "item removed" names the item rather than its id."""
    missing = [key for key in old_fields.get("items") or [] if key not in known]
    if not missing:
        return {}
    rows = session.execute(select(Document.key, Document.title).where(Document.key.in_(missing)))
    return dict(rows.all())
