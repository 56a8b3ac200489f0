"""The archive's tables: sources, documents, their versions and figures, raw bodies, changes,
crawl runs, the alert outbox and crawl locks.

Alembic migrations in `storage/migrations/` create them all, and the full-text index and
the view of each version's text beside them (`storage/fulltext.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from storage.fulltext import index_versions, text_projection
from storage.types import JSONType, UTCDateTime, utcnow

# Named constraints so Alembic's batch mode on SQLite can find and alter them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSONType, datetime: UTCDateTime}


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlobDictionary(Base):
    """A zstd dictionary trained on one source's pages, which share its site template."""

    __tablename__ = "blob_dictionaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str] = mapped_column(String(100), unique=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sample_count: Mapped[int] = mapped_column(Integer)  # bodies it was trained on
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Blob(Base):
    """A raw response body, stored once however many versions or documents point at it."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    codec: Mapped[str] = mapped_column(String(10))  # "zstd" or "zlib"
    size: Mapped[int] = mapped_column(Integer)  # uncompressed bytes
    content_type: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # The dictionary `data` was compressed with; None for a body compressed on its own.
    dictionary_id: Mapped[int | None] = mapped_column(
        ForeignKey("blob_dictionaries.id"), nullable=True
    )


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(1000), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    latest_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("versions.id", use_alter=True), nullable=True
    )

    source: Mapped[Source] = relationship()
    versions: Mapped[list[Version]] = relationship(
        back_populates="document", foreign_keys="Version.document_id", order_by="Version.id"
    )
    # post_update: documents and versions point at each other; the pointer to the latest
    # version is set by an UPDATE after both rows exist, so a page needs only one flush.
    latest_version: Mapped[Version | None] = relationship(
        foreign_keys=[latest_version_id], post_update=True
    )


class Version(Base):
    """One distinct state of a document. Unchanged content adds no row, only `last_seen`."""

    __tablename__ = "versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    # Hash of the structured fields (not of the raw HTML, which carries tokens and timestamps).
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    # `json`, not `jsonb`, on PostgreSQL: the text is read from the fields in their order.
    fields: Mapped[dict[str, Any]] = mapped_column(JSON())
    raw_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), nullable=True)
    parser_version: Mapped[str] = mapped_column(String(20))
    # Same raw body as the previous version but different fields: our parser changed, not the page.
    reparse: Mapped[bool] = mapped_column(Boolean, default=False)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), nullable=True)

    document: Mapped[Document] = relationship(back_populates="versions", foreign_keys=[document_id])
    raw: Mapped[Blob | None] = relationship()

    @property
    def text(self) -> str:
        """All the words of this version (what full-text search indexes, figures point into):
        computed from the fields, as the view `version_texts` computes it in SQL."""
        return text_projection(self.title, self.fields)


@event.listens_for(Session, "after_flush")
def _index_new_versions(session: Session, _context) -> None:
    """Every version stored through a session is indexed in the same flush."""
    rows = [
        {"id": v.id, "title": v.title, "text": v.text}
        for v in session.new
        if isinstance(v, Version)
    ]
    index_versions(session.connection(), sorted(rows, key=lambda r: r["id"]))


SUBJECT_MAX = 200


class Figure(Base):
    """One figure (money, percent or count) found in one version's text."""

    __tablename__ = "figures"
    __table_args__ = (
        Index("ix_figures_subject", "subject"),
        Index("ix_figures_kind_subject", "kind", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # money | percent | count
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(10), nullable=True)
    denominator: Mapped[float | None] = mapped_column(Float, nullable=True)
    subject: Mapped[str | None] = mapped_column(String(SUBJECT_MAX), nullable=True)
    text: Mapped[str] = mapped_column(Text)  # as printed: "£14m", "31 of 44"
    # Where the sentence it sits in is in its version's text (character offsets), rather
    # than a copy of the sentence.
    sentence_start: Mapped[int] = mapped_column(Integer)
    sentence_end: Mapped[int] = mapped_column(Integer)

    # So that a page's versions and their figures are written in one flush.
    version: Mapped[Version] = relationship()
    document: Mapped[Document] = relationship()


def sentence_in(text: str, start: int, end: int) -> str:
    """A figure's sentence, cut from its version's text, its white space made single spaces."""
    return " ".join(text[start:end].split())


class Change(Base):
    """One understood difference between two consecutive versions of a document."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_detected_at", "detected_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    old_version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    new_version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    old_value: Mapped[float | None] = mapped_column(nullable=True)
    new_value: Mapped[float | None] = mapped_column(nullable=True)
    alert: Mapped[bool] = mapped_column(Boolean)
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship()
    old_version: Mapped[Version] = relationship(foreign_keys=[old_version_id])
    new_version: Mapped[Version] = relationship(foreign_keys=[new_version_id])


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # running | finished | failed | interrupted
    status: Mapped[str] = mapped_column(String(20), default="running")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    documents: Mapped[int] = mapped_column(Integer, default=0)
    new_documents: Mapped[int] = mapped_column(Integer, default=0)
    new_versions: Mapped[int] = mapped_column(Integer, default=0)
    changes: Mapped[int] = mapped_column(Integer, default=0)
    # Pages whose layout no longer yields the expected fields, invalid items, HTTP errors.
    problems: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    # Worth knowing but not a failure (a watched page moved permanently): shown in the
    # summary, never counted by URL health.
    notices: Mapped[list[Any] | None] = mapped_column(JSONType, default=list)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)

    source: Mapped[Source] = relationship()


class HttpValidator(Base):
    """What a URL's server said last time, so the next fetch can be conditional."""

    __tablename__ = "http_validators"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    # The full Content-Type (with its charset), so a 304 replays the body decoded as before.
    content_type: Mapped[str | None] = mapped_column(Text)
    body_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)


class SuspectPage(Base):
    """A document's page that read as an error page or lost most of its substance at once.

    Held back, not stored as a version, until a later crawl shows the same thing again
    (`monitor/suspect.py`). Kept in the archive so the next crawl, in another process or
    on another host, can confirm it. A confirmed unavailable page keeps its row
    (`confirmed_at` set) so its return can be told as one change.
    """

    __tablename__ = "suspect_pages"

    document_key: Mapped[str] = mapped_column(String(1000), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(20))  # unavailable | shrunk
    detail: Mapped[str] = mapped_column(Text)  # what was seen, for problems and alerts
    # Of the error wording (unavailable) or of the held-back fields (shrunk).
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column()
    last_seen_at: Mapped[datetime] = mapped_column()
    last_run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sightings: Mapped[int] = mapped_column(Integer, default=1)
    confirmed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class UrlHealth(Base):
    """A URL that a source's recent crawls reported a problem for, and whether the
    maintainers were told (`alerts/health.py`). Deleted when the URL works again."""

    __tablename__ = "url_health"

    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # crawls in a row
    reason: Mapped[str] = mapped_column(Text)  # the latest problem
    first_failed_at: Mapped[datetime] = mapped_column()
    last_run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    alerted_at: Mapped[datetime | None] = mapped_column(nullable=True)


class CrawlCoverage(Base):
    """The documents one crawl found unchanged, recorded once, when the crawl ends.

    An unchanged document is not rewritten (no `last_seen` update per document per
    crawl, which on PostgreSQL left a dead row version of every version row each
    crawl): `documents.last_seen` and `versions.last_seen` are written with a version,
    and when a document was last seen is the later of that and the newest coverage row
    of its source that holds it (`storage.coverage.last_seen`).
    """

    __tablename__ = "crawl_coverage"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    seen_at: Mapped[datetime] = mapped_column()
    # The documents' ids, sorted, as [[first, last], ...] ranges: a source's documents
    # are mostly filed together, so a crawl of thousands of them is a few ranges.
    document_ranges: Mapped[list[Any]] = mapped_column(JSONType)
    documents: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_crawl_coverage_source_id_seen_at", "source_id", "seen_at"),)


# The alert outbox (`alerts/outbox.py` fills it, `alerts/delivery.py` empties it): an
# alert owed is written in the same transaction as the change that owes it.
class AlertItem(Base):
    """One alert owed: a change (or a source-health event) for one subscription and channel."""

    __tablename__ = "alert_outbox"
    __table_args__ = (Index("ix_alert_outbox_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of "subscription:channel:change" (or of the health event): enqueueing twice is a no-op.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    subscription: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))  # email | webhook | apprise | feed
    change_id: Mapped[int | None] = mapped_column(ForeignKey("changes.id"), nullable=True)
    # For source-health alerts (no change row): {"source", "state", "reason", "run_id"},
    # plus "url" for one URL's health.
    event: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    created_at: Mapped[datetime] = mapped_column()
    # Immediate alerts are due at once; a daily digest's at its next digest hour.
    due_at: Mapped[datetime] = mapped_column()
    # pending -> grouped (into a message) -> delivered; dropped when its subscription is gone;
    # previewed: shown by `councilwatch demo`, never to be sent.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("alert_messages.id"), nullable=True, index=True
    )

    change: Mapped[Change | None] = relationship()
    message: Mapped[AlertMessage | None] = relationship(back_populates="items")


class AlertMessage(Base):
    """One message to send: one email, one webhook POST, one Apprise notification."""

    __tablename__ = "alert_messages"
    __table_args__ = (
        Index("ix_alert_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The webhook-id and Message-ID: fixed before the first try, repeated by every retry.
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    subscription: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column()
    # pending (to send or retry) | delivered | failed (given up: the receiver said 410 Gone)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    items: Mapped[list[AlertItem]] = relationship(back_populates="message", order_by="AlertItem.id")
    tries: Mapped[list[AlertAttempt]] = relationship(order_by="AlertAttempt.id")


class AlertAttempt(Base):
    """One try at sending a message."""

    __tablename__ = "alert_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("alert_messages.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(20))  # delivered | failed
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class SourceHealth(Base):
    """Whether a source is currently failing, as last told to the maintainers."""

    __tablename__ = "source_health"

    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))  # ok | failing
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    since: Mapped[datetime] = mapped_column()


class CrawlLock(Base):
    """A lease on one lock name, shared through the database (`storage/leases.py`)."""

    __tablename__ = "crawl_locks"

    # "crawl:<source>" for crawls, "alerts:deliver" for alert delivery.
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    # "<hostname>:<pid>:<token>": who holds it, readable in `councilwatch status`.
    owner: Mapped[str] = mapped_column(String(300))
    acquired_at: Mapped[datetime] = mapped_column()
    renewed_at: Mapped[datetime] = mapped_column()
    lease_until: Mapped[datetime] = mapped_column()
    # The crawl run the holder is recording, so a takeover can mark it interrupted.
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
