"""The alert outbox: what each subscriber is owed, written in the same transaction as the change.

Three tables carry an alert from detection to delivery:

- `alert_outbox`: one row per (subscription, channel, change), written by `enqueue_alerts`
  inside the importer's transaction. If the page's transaction rolls back, so do its
  alerts; if it commits, the alerts are there for a sender to find, whatever happens to
  the process afterwards. A unique idempotency key makes a second enqueue of the same
  change a no-op.
- `alert_messages`: what is actually sent. Delivery gathers a subscription-channel's due
  rows into one message row and commits it *before* sending, so its `uid` (the
  `webhook-id` and the email `Message-ID`) is fixed: a sender killed after sending but
  before recording re-sends the same id, which receivers de-duplicate.
- `alert_attempts`: every try at sending a message, with its outcome and error (never a
  secret), for `councilwatch alerts list`.

`source_health` remembers whether each source (and each subscriber's delivery channel,
keyed "delivery:<subscription>:<channel>") is currently failing, so maintainers hear about
a failure once and about the recovery once (`alerts/health.py`, `alerts/delivery.py`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from councilwatch.config import UK, Config, Subscription
from storage.db import insert_ignoring_duplicates
from storage.models import Base, Change, Document, Version
from storage.topics import matches as topic_matches
from storage.types import JSONType

# The reserved subscription name under which source-health alerts to `[maintainers]` are
# queued; config subscription names are free text, but nobody names one with an "@".
MAINTAINERS = "@maintainers"

CHANNELS = ("email", "webhook", "apprise", "feed")


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


def idempotency_key(*parts: Any) -> str:
    return hashlib.sha256(":".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def channels(sub: Subscription) -> list[str]:
    return [
        name
        for name, wanted in (
            ("email", sub.email),
            ("webhook", sub.webhook),
            ("apprise", sub.apprise_env),
            ("feed", sub.feed),
        )
        if wanted
    ]


def next_digest_time(now: datetime, hour: int) -> datetime:
    """The next `hour`:00 UK time strictly after `now` (handles BST and GMT)."""
    local = now.astimezone(UK)
    candidate = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if candidate <= local:
        # Add a calendar day in local time, not 24 hours, so a DST change keeps the hour.
        day = (local + timedelta(days=1)).date()
        candidate = datetime(day.year, day.month, day.day, hour, tzinfo=UK)
    return candidate


def _fold(text: str) -> str:
    """Lower case, curly quotes made straight, runs of spaces made one: for keyword matching."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).casefold()


def committee_of(session: Session, document: Document, fields: dict[str, Any]) -> str | None:
    """The committee a meeting, agenda item or decision belongs to, if the archive knows it."""
    if document.kind == "meeting":
        return fields.get("committee")
    meeting_key = fields.get("meeting")
    if meeting_key:
        meeting = session.scalar(select(Document).where(Document.key == meeting_key))
        if meeting is not None and meeting.latest_version is not None:
            committee = (meeting.latest_version.fields or {}).get("committee")
            if committee:
                return committee
    if document.kind == "decision":
        return fields.get("decision_maker")
    return None


def matches(
    session: Session, config: Config, sub: Subscription, change: Change, version: Version | None
) -> bool:
    """Whether `sub` asked to hear about `change` (every filter it sets must pass)."""
    document = change.document
    if sub.sources and document.source.name not in sub.sources:
        return False
    if change.kind not in sub.kinds:
        return False
    fields = (version.fields if version is not None else None) or {}
    if sub.committees:
        committee = committee_of(session, document, fields)
        wanted = {_fold(c) for c in sub.committees}
        if committee is None or _fold(committee) not in wanted:
            return False
    if sub.topics:
        tagged = set(fields.get("topics") or [])
        if not tagged.intersection(sub.topics):
            text = " ".join(
                filter(
                    None,
                    [
                        document.title,
                        version.text if version is not None else None,
                        change.before,
                        change.after,
                    ],
                )
            )
            # The spiders' matcher: whole words ("care" is not "career"), simple plurals,
            # acronyms in capitals keep their case ("SEND" is not "send").
            keywords = [k for topic in sub.topics for k in config.keywords(topic)]
            if not topic_matches(text, keywords):
                return False
    return True


def enqueue_alerts(session: Session, config: Config, changes, *, now: datetime) -> int:
    """Queue the alerts these (flushed) changes owe, in the caller's transaction; return how many.

    Matching happens now, against the document as it is in this version, so an alert
    reflects what the subscriber asked for when the change was seen.
    """
    queued = 0
    for change in changes:
        if not change.alert:
            continue
        version = session.get(Version, change.new_version_id)
        for sub in config.subscriptions:
            if not matches(session, config, sub, change, version):
                continue
            for channel in channels(sub):
                # A feed is a file, rewritten as changes come; digests are for messages.
                due = (
                    next_digest_time(now, sub.digest_hour)
                    if sub.digest == "daily" and channel != "feed"
                    else now
                )
                queued += _insert_item(
                    session,
                    key=idempotency_key(sub.name, channel, "change", change.id),
                    subscription=sub.name,
                    channel=channel,
                    change_id=change.id,
                    event=None,
                    now=now,
                    due=due,
                )
    return queued


def enqueue_health(
    session: Session, config: Config, event: dict[str, Any], *, now: datetime
) -> int:
    """Queue a health alert to every maintainer channel.

    `event` is {"source", "state": failing|recovered, "reason", ...}; a delivery problem
    has "about" ("alerts to campaign by webhook") instead of a source; a URL's health
    also has "url".
    """
    queued = 0
    wanted = [("email", config.maintainers.email), ("webhook", config.maintainers.webhook)]
    for channel, target in wanted:
        if not target:
            continue
        queued += _insert_item(
            session,
            key=idempotency_key(
                MAINTAINERS,
                channel,
                "health",
                event.get("source"),
                event.get("about"),
                event["state"],
                now.isoformat(),
                *([event["url"]] if event.get("url") else []),
            ),
            subscription=MAINTAINERS,
            channel=channel,
            change_id=None,
            event=event,
            now=now,
            due=now,
        )
    return queued


def _insert_item(session, *, key, subscription, channel, change_id, event, now, due) -> int:
    before = session.scalar(select(AlertItem.id).where(AlertItem.idempotency_key == key))
    if before is not None:
        return 0
    insert_ignoring_duplicates(
        session,
        AlertItem,
        {
            "idempotency_key": key,
            "subscription": subscription,
            "channel": channel,
            "change_id": change_id,
            "event": event,
            "created_at": now,
            "due_at": due,
            "status": "pending",
        },
    )
    return 1
