"""Delivering due alerts from the outbox: group, persist, send, record. At least once, never lost.

One run (`councilwatch alerts send`, the end of `crawl`, the scheduler's delivery job):

1. Group. In one transaction, every due outbox row whose message is not yet made is
   gathered into message rows: one email (or Apprise notification) per subscription, and
   one webhook POST per subscription and document (a webhook body describes one document,
   docs/interface.md). The message row, with its `uid`, commits *before* anything is sent. A
   crash before this commit leaves the rows to be grouped again next time.
2. Feeds. Subscriptions with a `feed` have their Atom file rewritten from their recent
   feed rows, which are then marked delivered.
3. Send. Each pending message whose `next_attempt_at` has come is sent outside any
   transaction (no database lock is held over the network), then the attempt is recorded:
   delivered, or rescheduled with backoff. Messages are sent side by side (a thread pool,
   at most PER_HOST at once to one host), except those whose order matters: a
   subscription's emails, and its webhooks about one document, go one after another. A crash after sending and before recording
   re-sends the same `uid` (webhook-id / Message-ID) next time; receivers de-duplicate.

Only one deliverer runs at a time across processes and hosts: the run holds the
"alerts:deliver" lease row (`storage.leases`), which a later run takes over at once
when the holder's process on this host has died, or when its lease runs out. The
outbox queries also use FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's transactions
here start with BEGIN IMMEDIATE, so one writer at a time.

`now` is the outbox's clock (due times and backoff), a parameter so tests can step
through a retry schedule without sleeping.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import traceback
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from alerts.channels import CHANNELS, Target, channels_of
from alerts.content import (
    group_changes,
    message_content,
    sample_alert,
)
from alerts.email import SendError
from alerts.outbox import MAINTAINERS, enqueue_health
from alerts.webhook import Rejected
from core.config import Config
from storage.db import Archive, DatabaseError
from storage.models import AlertAttempt, AlertItem, AlertMessage, Change, SourceHealth
from storage.types import utcnow

log = logging.getLogger(__name__)

LOCK_NAME = "alerts:deliver"

# The Standard Webhooks example schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h,
# 24 h. After that a failing message is tried once a day for ever: never lost, and it
# shows in `councilwatch alerts list` until someone fixes the receiver.
BACKOFF_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]

# Messages sent at once (threads; each holds at most one database connection at a time,
# within SQLAlchemy's default pool of 15), and at most this many to one receiving host.
SEND_WORKERS = 12
PER_HOST = 12
# The delivery lease (storage.leases, 300 s) is renewed this often while sending.
RENEW_SECONDS = 20.0


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0  # attempts that failed this run (they will be retried)
    feeds: int = 0  # feed files written
    waiting: int = 0  # alerts not yet due (daily digests) or waiting for a retry
    skipped_because: str | None = None  # another process was delivering
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """Delay before the next try after `attempts` failures, with jitter so a fleet of
    messages to one recovering receiver does not arrive all at once."""
    base = BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1]
    seconds = base * random.uniform(1.0, 1.1)
    if retry_after is not None:
        seconds = max(seconds, retry_after)
    return timedelta(seconds=seconds)


def target(config: Config, subscription: str, channel: str) -> Target | None:
    """The channel as the config now describes it; None when it was removed."""
    kind = CHANNELS.get(channel)
    if subscription == MAINTAINERS:
        m = config.maintainers
        if kind is None or not kind.for_maintainers or not kind.wanted(m):
            return None
        return kind.target(subscription, m)
    sub = next((s for s in config.subscriptions if s.name == subscription), None)
    if sub is None or kind is None or not kind.wanted(sub):
        return None
    return kind.target(subscription, sub)


def deliver_due(config: Config, archive: Archive, *, now: datetime | None = None) -> DeliveryReport:
    """Deliver everything due; return what happened. Safe to run from several processes."""
    from storage import leases

    now = now or utcnow()
    report = DeliveryReport()
    owner = leases.new_owner()
    claim = leases.acquire(archive, LOCK_NAME, owner)
    if not claim.acquired:
        report.skipped_because = f"alerts are being delivered by {claim.describe_holder()}"
        log.info(report.skipped_because)
        return report
    try:
        _group_due(archive, config, now)
        report.feeds = _write_files(archive, config, now, report)
        renew = lambda: leases.renew(archive, LOCK_NAME, owner)  # noqa: E731
        _send_due(archive, config, now, report, renew)
        # Sending may have queued a notice to the maintainers (a channel failing for days):
        # one more pass sends it now rather than on the next run.
        if _group_due(archive, config, now):
            _send_due(archive, config, now, report, renew)
        report.waiting = _count_waiting(archive, now)
    finally:
        try:
            leases.release(archive, LOCK_NAME, owner)
        except DatabaseError as exc:  # the lease runs out by itself
            log.error("could not release the alert delivery lock: %s", exc)
    return report


def _for_update(statement, archive: Archive):
    # SKIP LOCKED on PostgreSQL; SQLite has no row locks (BEGIN IMMEDIATE serialises writers).
    return (
        statement.with_for_update(skip_locked=True)
        if archive.dialect == "postgresql"
        else statement
    )


def _group_due(archive: Archive, config: Config, now: datetime) -> int:
    with archive.session() as session:
        items = session.scalars(
            _for_update(
                select(AlertItem)
                .where(
                    AlertItem.status == "pending",
                    AlertItem.message_id.is_(None),
                    AlertItem.due_at <= now,
                )
                .order_by(AlertItem.id),
                archive,
            )
        ).all()
        groups: dict[tuple, list[AlertItem]] = {}
        for item in items:
            if target(config, item.subscription, item.channel) is None:
                # The subscription or channel left the config: its backlog must not reach
                # someone if it is re-added later. Kept, marked, visible in `alerts list`.
                item.status = "dropped"
                continue
            channel = CHANNELS[item.channel]
            if not channel.message:
                continue  # a file (a feed), rewritten by _write_files, not messages
            key: tuple = (item.subscription, item.channel)
            if channel.per_document:
                # One webhook body describes one document (or one health event).
                key += (
                    ("change", item.change.document_id) if item.change_id else ("event", item.id),
                )
            groups.setdefault(key, []).append(item)
        made = 0
        for (subscription, channel, *_), members in groups.items():
            message = AlertMessage(
                uid=f"cw_{uuid.uuid4().hex}",
                subscription=subscription,
                channel=channel,
                created_at=now,
                status="pending",
                attempts=0,
                next_attempt_at=now,
            )
            session.add(message)
            for item in members:
                item.message = message
                item.status = "grouped"
            made += 1
        return made


def _write_files(archive: Archive, config: Config, now: datetime, report: DeliveryReport) -> int:
    """Rewrite the files of the channels that are files (feeds) from their recent rows."""
    written = 0
    for channel in CHANNELS.values():
        if channel.message:
            continue
        for sub in config.subscriptions:
            if channel.wanted(sub):
                written += _write_file(archive, config, channel, sub, now, report)
    return written


def _write_file(archive, config, channel, sub, now, report) -> int:
    with archive.session() as session:
        fresh = session.scalars(
            _for_update(
                select(AlertItem).where(
                    AlertItem.subscription == sub.name,
                    AlertItem.channel == channel.name,
                    AlertItem.status == "pending",
                    AlertItem.due_at <= now,
                ),
                archive,
            )
        ).all()
        if not fresh:
            return 0
        recent = session.scalars(
            select(AlertItem)
            .where(
                AlertItem.subscription == sub.name,
                AlertItem.channel == channel.name,
                AlertItem.status.in_(["pending", "delivered"]),
                AlertItem.due_at <= now,
            )
            .order_by(AlertItem.id.desc())
            .limit(channel.entries)
        ).all()
        changes = [i.change for i in reversed(recent) if i.change is not None]
        try:
            channel.publish(config, sub, group_changes(config, changes), now=now)
        except OSError as exc:
            report.errors.append(f"{sub.name} {channel.name}: {exc}")
            return 0
        for item in fresh:
            item.status = "delivered"
        return 1


def _send_due(
    archive: Archive, config: Config, now: datetime, report: DeliveryReport, renew
) -> None:
    """Send the due messages side by side, each lane in order.

    A lane is what must arrive in order: a subscription's emails (or notifications), or
    its webhooks about one document. Lanes are sent by up to SEND_WORKERS threads, with
    at most PER_HOST requests in flight to one receiver (or SMTP server), so a webhook
    endpoint that takes 200 ms does not cap delivery at 5 a second. Every message is sent
    outside any transaction and recorded in its own.
    """
    lanes = _due_lanes(archive, now)
    if not lanes:
        return
    stop = threading.Event()
    shared = _Sending(report)
    with ThreadPoolExecutor(
        max_workers=min(SEND_WORKERS, len(lanes)), thread_name_prefix="alerts-send"
    ) as pool:
        pending = {
            pool.submit(_send_lane, archive, config, now, lane, shared, stop) for lane in lanes
        }
        renew_at = time.monotonic() + RENEW_SECONDS
        try:
            while pending:
                done, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()  # a database failure or a bug stops the run, as before
                if time.monotonic() >= renew_at:
                    renew_at = time.monotonic() + RENEW_SECONDS
                    if not renew():
                        report.errors.append("another process took over alert delivery; stopping")
                        stop.set()
        except BaseException:
            stop.set()
            raise


def _due_lanes(archive: Archive, now: datetime) -> list[list[int]]:
    """The due messages' ids, by lane (see `_send_due`), each lane oldest first."""
    with archive.session() as session:
        rows = session.execute(
            select(
                AlertMessage.id,
                AlertMessage.subscription,
                AlertMessage.channel,
                func.min(Change.document_id),
                func.min(AlertItem.id),
            )
            .outerjoin(AlertItem, AlertItem.message_id == AlertMessage.id)
            .outerjoin(Change, Change.id == AlertItem.change_id)
            .where(AlertMessage.status == "pending", AlertMessage.next_attempt_at <= now)
            .group_by(AlertMessage.id, AlertMessage.subscription, AlertMessage.channel)
            .order_by(AlertMessage.id)
        ).all()
    lanes: dict[tuple, list[int]] = {}
    for message_id, subscription, channel, document_id, item_id in rows:
        key: tuple = (subscription, channel)
        if CHANNELS[channel].per_document:
            # One webhook body describes one document: only a document's own order matters.
            key += (("document", document_id) if document_id is not None else ("item", item_id),)
        lanes.setdefault(key, []).append(message_id)
    return list(lanes.values())


class _Sending:
    """What the sending threads share: the report, and a slot count per receiving host."""

    def __init__(self, report: DeliveryReport):
        self.report = report
        self.lock = threading.Lock()
        self.hosts: dict[str, threading.BoundedSemaphore] = {}

    def host_slot(self, host: str) -> threading.BoundedSemaphore:
        with self.lock:
            return self.hosts.setdefault(host, threading.BoundedSemaphore(PER_HOST))

    def failed(self, line: str) -> None:
        with self.lock:
            self.report.failed += 1
            self.report.errors.append(line)

    def delivered(self) -> None:
        with self.lock:
            self.report.delivered += 1


def _send_lane(archive, config, now, lane: list[int], shared: _Sending, stop) -> None:
    for message_id in lane:
        if stop.is_set():
            return
        _send_message(archive, config, now, message_id, shared)


def _send_message(archive, config, now, message_id: int, shared: _Sending) -> None:
    with archive.session() as session:
        message = session.scalar(
            select(AlertMessage)
            .where(AlertMessage.id == message_id, AlertMessage.status == "pending")
            .options(
                selectinload(AlertMessage.items)
                .selectinload(AlertItem.change)
                .selectinload(Change.document)
            )
        )
        if message is None:
            return
        tgt = target(config, message.subscription, message.channel)
        docs, health = message_content(session, config, message)
        uid, channel, subscription = message.uid, message.channel, message.subscription
    if tgt is None:
        _record(
            archive,
            config,
            message_id,
            now,
            error="its subscription or channel left the config",
            final=True,
        )
        return
    try:
        try:
            kind = CHANNELS[channel]
            with shared.host_slot(kind.host(config, tgt)):
                kind.send(config, tgt, uid, kind.render(config, tgt, uid, docs, health))
        except SendError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug must not leave the alert unrecorded
            # The type and the frames, not the message: it could quote an Apprise URL.
            log.error(
                "alert %s to %s (%s): unexpected %s\n%s",
                uid,
                subscription,
                channel,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            raise SendError(f"unexpected error while sending ({type(exc).__name__})") from None
    except SendError as exc:
        gone = isinstance(exc, Rejected) and exc.status == 410
        retry_after = exc.retry_after if isinstance(exc, Rejected) else None
        error = str(exc) + (" (410 Gone: the receiver asked not to be sent more)" if gone else "")
        _record(archive, config, message_id, now, error=error, final=gone, retry_after=retry_after)
        shared.failed(f"{subscription} {channel}: {error}")
        log.warning("alert %s to %s (%s) failed: %s", uid, subscription, channel, error)
    else:
        _record(archive, config, message_id, now, error=None)
        shared.delivered()
        log.info("alert %s delivered to %s (%s)", uid, subscription, channel)


def _record(
    archive: Archive,
    config: Config,
    message_id: int,
    now: datetime,
    *,
    error: str | None,
    final: bool = False,
    retry_after: float | None = None,
) -> None:
    with archive.session() as session:
        message = session.get(AlertMessage, message_id)
        message.attempts += 1
        session.add(
            AlertAttempt(
                message_id=message_id,
                attempted_at=now,
                outcome="delivered" if error is None else "failed",
                error=error,
            )
        )
        if error is None:
            message.status = "delivered"
            message.delivered_at = now
            message.last_error = None
            item_status = "delivered"
        elif final:
            message.status = "failed"
            message.last_error = error
            item_status = "failed"
        else:
            message.last_error = error
            message.next_attempt_at = now + backoff(message.attempts, retry_after)
            item_status = None
        if item_status:
            for item in message.items:
                item.status = item_status
        _delivery_health(session, config, message, error, now)


def _delivery_health(session, config: Config, message: AlertMessage, error, now) -> None:
    """Tell the maintainers, once, when a subscriber's channel has failed through the whole
    backoff schedule (days) or was refused for good, and once when it works again."""
    if message.subscription == MAINTAINERS:
        return  # nobody else to tell
    key = f"delivery:{message.subscription}:{message.channel}"[:100]
    row = session.get(SourceHealth, key)
    failing = row is not None and row.state == "failing"
    about = f"alerts to {message.subscription} by {message.channel}"
    if error is None and failing:
        row.state, row.reason, row.since = "ok", None, now
        event = {"source": None, "about": about, "state": "recovered", "reason": None}
        enqueue_health(session, config, event, now=now)
    elif (
        error is not None
        and not failing
        and (message.status == "failed" or message.attempts >= len(BACKOFF_SECONDS))
    ):
        if row is None:
            row = SourceHealth(source=key, state="failing", since=now)
            session.add(row)
        row.state, row.reason, row.since = "failing", error, now
        reason = f"{message.attempts} attempts failed; the last: {error}"
        event = {"source": None, "about": about, "state": "failing", "reason": reason}
        enqueue_health(session, config, event, now=now)


def _count_waiting(archive: Archive, now: datetime) -> int:
    with archive.session() as session:
        items = session.scalar(
            select(func.count())
            .select_from(AlertItem)
            .where(AlertItem.status == "pending", AlertItem.due_at > now)
        )
        messages = session.scalar(
            select(func.count())
            .select_from(AlertMessage)
            .where(
                AlertMessage.status == "pending",
                or_(AlertMessage.next_attempt_at > now, AlertMessage.attempts > 0),
            )
        )
    return (items or 0) + (messages or 0)


def send_test(
    config: Config, name: str, *, now: datetime | None = None
) -> list[tuple[str, str | None]]:
    """Send a made-up alert on each of a subscription's message channels, now, outside the
    outbox; [(channel, error or None)]. `name` may be "maintainers"."""
    now = now or utcnow()
    if name in ("maintainers", MAINTAINERS):
        subscription = MAINTAINERS
        wanted = [c for c in channels_of(config.maintainers) if c.for_maintainers]
    else:
        sub = config.subscription(name)
        subscription = sub.name
        wanted = [c for c in channels_of(sub) if c.message]
    results: list[tuple[str, str | None]] = []
    for kind in wanted:
        tgt = target(config, subscription, kind.name)
        uid = f"cw_test_{uuid.uuid4().hex}"
        try:
            kind.send(
                config, tgt, uid, kind.render(config, tgt, uid, [sample_alert(now)], [], test=True)
            )
        except SendError as exc:
            results.append((kind.name, str(exc)))
        else:
            results.append((kind.name, None))
    return results
