"""Apprise notifications (Slack, Discord, Matrix, Telegram, ntfy, ...), for groups who live in chat.

The Apprise URL embeds the service's credentials, so it is read from the environment
variable the subscription names and never stored, logged or put in an error message.
"""

from __future__ import annotations

import os

from alerts.content import DocumentAlert, HealthEvent, subject_line, value_change
from alerts.email import SendError


def render_notification(
    docs: list[DocumentAlert], health: list[HealthEvent], *, test: bool = False
) -> tuple[str, str]:
    """(title, Markdown body) for a chat message: short, one bullet per change."""
    lines: list[str] = []
    if test:
        lines.append("_Test message from councilwatch: nothing has changed._")
    for h in health:
        verb = "needs attention" if h.state == "failing" else "has recovered"
        label = h.label[:1].upper() + h.label[1:]
        lines.append(f"**{label} {verb}**: {h.reason or ''}".rstrip(": "))
    for doc in docs:
        lines.append(f"**[{doc.label}]({doc.url})** ({doc.source})")
        for change in doc.changes:
            line = f"- {change.summary}"
            if change.old_value is not None or change.new_value is not None:
                line += f" ({value_change(change).replace(' -> ', ' → ', 1)})"
            lines.append(line)
        if doc.archived_version_url:
            lines.append(f"  [stored version]({doc.archived_version_url})")
    title = subject_line(docs, health)
    return (("[test] " if test else "") + title, "\n".join(lines))


def send_notification(apprise_env: str, title: str, body: str, *, timeout: float = 30) -> None:
    import apprise

    url = os.environ.get(apprise_env)
    if not url:
        raise SendError(f"Apprise URL variable {apprise_env} is not set")
    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise SendError(f"the Apprise URL in {apprise_env} is not one Apprise understands")
    result = notifier.notify(
        body=body, title=title, body_format=apprise.NotifyFormat.MARKDOWN, timeout=timeout
    )
    # Apprise reports per service: a partial failure is a failure.
    if result.failed_count or not result.success_count:
        raise SendError(
            f"Apprise ({apprise_env}) could not deliver: "
            f"{result.failed_count} failed, {result.success_count} sent"
        )
