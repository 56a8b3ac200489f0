"""`councilwatch alerts send|list|test`: deliver the outbox, look into it, try a subscription."""

from __future__ import annotations

import json

import typer

from core.uktime import iso, uk_time_short
from councilwatch.app import app, err, out, plural, state
from councilwatch.commands.options import Json

alerts_app = typer.Typer(
    help="Deliver queued alerts, show the outbox and delivery log, send a test message.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("send")
def send_command(ctx: typer.Context) -> None:
    """Deliver every alert that is due (failed ones are retried on their backoff schedule).

    Exit code 0 when nothing failed, 1 when any delivery failed (it stays queued).

    Example: councilwatch alerts send
    """
    from alerts.delivery import deliver_due

    st = state(ctx)
    # Required: without the config every queued alert would look unsubscribed and be dropped.
    config = st.config(required=True, sending=True)
    archive = st.archive()
    try:
        report = deliver_due(config, archive)
    finally:
        archive.dispose()
    if report.skipped_because:
        err.print(f"nothing sent: {report.skipped_because}", markup=False)
        return
    out.print(
        f"delivered {report.delivered}, failed {report.failed} (to be retried), "
        f"feeds written {report.feeds}, waiting {report.waiting}",
        markup=False,
    )
    for problem in report.errors:
        err.print(f"  {problem}", markup=False)
    if report.failed or report.errors:
        raise typer.Exit(1)


@alerts_app.command("list")
def list_command(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", help="At most this many messages (newest first)."),
    failed: bool = typer.Option(False, "--failed", help="Only messages whose last try failed."),
    as_json: Json = False,
) -> None:
    """The outbox: alerts waiting (digests not yet due), messages sent or retrying, and failures.

    Example: councilwatch alerts list --failed
    """
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from storage.models import AlertItem, AlertMessage

    st = state(ctx)
    archive = st.existing_archive()
    with archive.reading() as session:
        waiting = session.scalars(
            select(AlertItem)
            .where(AlertItem.status.in_(["pending", "dropped"]), AlertItem.message_id.is_(None))
            .order_by(AlertItem.id.desc())
            .limit(limit)
        ).all()
        query = (
            select(AlertMessage)
            .options(selectinload(AlertMessage.items), selectinload(AlertMessage.tries))
            .order_by(AlertMessage.id.desc())
            .limit(limit)
        )
        if failed:
            query = query.where(AlertMessage.last_error.is_not(None))
        messages = session.scalars(query).all()
        data = {
            "waiting": [
                {
                    "id": i.id,
                    "subscription": i.subscription,
                    "channel": i.channel,
                    "status": i.status,
                    "change": i.change_id,
                    "summary": i.change.summary if i.change else _event_summary(i.event),
                    "due_at": iso(i.due_at),
                }
                for i in waiting
                if not failed
            ],
            "messages": [
                {
                    "id": m.uid,
                    "subscription": m.subscription,
                    "channel": m.channel,
                    "status": m.status,
                    "changes": [i.change_id for i in m.items if i.change_id],
                    "events": [i.event for i in m.items if i.event],
                    "attempts": [
                        {"at": iso(a.attempted_at), "outcome": a.outcome, "error": a.error}
                        for a in m.tries
                    ],
                    "next_attempt_at": iso(m.next_attempt_at) if m.status == "pending" else None,
                    "delivered_at": iso(m.delivered_at),
                    "last_error": m.last_error,
                }
                for m in messages
            ],
        }
    archive.dispose()
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
        return
    if not data["waiting"] and not data["messages"]:
        err.print("the outbox is empty")
        return
    for w in data["waiting"]:
        due = (
            "dropped (subscription removed)"
            if w["status"] == "dropped"
            else f"due {uk_time_short(_dt(w['due_at']))}"
        )
        out.print(
            f"waiting  {w['subscription']} {w['channel']}: {w['summary']} - {due}", markup=False
        )
    for m in data["messages"]:
        what = (
            plural(len(m["changes"]), "change")
            if m["changes"]
            else plural(len(m["events"]), "health event")
        )
        line = f"{m['status']:<9} {m['id']} {m['subscription']} {m['channel']}: {what}, {plural(len(m['attempts']), 'attempt')}"
        if m["status"] == "delivered":
            line += f", delivered {uk_time_short(_dt(m['delivered_at']))}"
        elif m["status"] == "pending" and m["attempts"]:
            line += f", next try {uk_time_short(_dt(m['next_attempt_at']))}"
        out.print(line, markup=False)
        if m["last_error"]:
            out.print(f"          last error: {m['last_error']}", markup=False)


def _dt(text):
    from datetime import datetime

    return datetime.fromisoformat(text) if text else None


@alerts_app.command("test")
def test_command(
    ctx: typer.Context,
    subscription: str = typer.Argument(
        ..., help="A subscription name from the config, or 'maintainers'."
    ),
) -> None:
    """Send a test message now on each of a subscription's channels (email, webhook, Apprise).

    Nothing is queued; the message says it is a test. Exit code 1 if any channel failed.

    Example: councilwatch alerts test campaign-group
    """
    from alerts.delivery import send_test

    st = state(ctx)
    config = st.config(required=True)
    maintainers = subscription in ("maintainers", "@maintainers")
    if not maintainers:
        config.subscription(subscription)  # an unknown name, before its secrets
    # Only this subscription's secrets: one channel can be tried while others are set up.
    st.config(sending="maintainers" if maintainers else subscription)
    results = send_test(config, subscription)
    if not results:
        err.print(f"{subscription}: no email, webhook or Apprise channel to test", markup=False)
        raise typer.Exit(1)
    for channel, error in results:
        out.print(f"{channel}: {'sent' if error is None else 'FAILED - ' + error}", markup=False)
    if any(error for _, error in results):
        raise typer.Exit(1)


def _event_summary(event: dict | None) -> str | None:
    """A health event in one line; one URL's health names the URL."""
    event = event or {}
    if event.get("url"):
        return f"{event['url']}: {event['state']}: {event.get('reason') or ''}".rstrip(": ")
    return event.get("reason")
