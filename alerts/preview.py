"""The alerts some changes would produce, rendered but not sent and not queued.

For `councilwatch demo` ("the alerts that would be sent") and for anyone checking a
subscription's filters: the same matching, grouping and rendering as real delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from alerts.content import group_changes
from alerts.email import render_email
from alerts.notify import render_notification
from alerts.outbox import channels, matches
from alerts.webhook import build_payload
from core.config import Config
from storage.models import Change, Version


@dataclass
class Preview:
    subscription: str
    channel: str  # email | webhook | apprise | feed
    # email: an EmailMessage; webhook: the JSON payload (dict); apprise: (title, body);
    # feed: the list of DocumentAlert that would be added.
    rendered: Any


def preview_alerts(session: Session, config: Config, changes: list[Change]) -> list[Preview]:
    """One Preview per message each subscription would get for these (alerting) changes."""
    previews: list[Preview] = []
    for sub in config.subscriptions:
        wanted = [
            c
            for c in changes
            if c.alert and matches(session, config, sub, c, session.get(Version, c.new_version_id))
        ]
        if not wanted:
            continue
        docs = group_changes(config, wanted)
        for channel in channels(sub):
            uid = "cw_preview"
            if channel == "email":
                msg = render_email(
                    docs,
                    [],
                    uid=uid,
                    to=sub.email,
                    sender=config.smtp.sender,
                    subscription=sub.name,
                )
                previews.append(Preview(sub.name, channel, msg))
            elif channel == "webhook":
                for doc in docs:
                    previews.append(
                        Preview(
                            sub.name, channel, build_payload(doc, uid=uid, subscription=sub.name)
                        )
                    )
            elif channel == "apprise":
                previews.append(Preview(sub.name, channel, render_notification(docs, [])))
            else:
                previews.append(Preview(sub.name, channel, docs))
    return previews
