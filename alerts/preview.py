"""The alerts some changes would produce, rendered but not sent and not queued.

For `councilwatch demo` ("the alerts that would be sent") and for anyone checking a
subscription's filters: the same matching, grouping and rendering as real delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from alerts.channels import channels_of
from alerts.content import group_changes
from alerts.outbox import matches
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
        for channel in channels_of(sub):
            tgt = channel.target(sub.name, sub)
            for rendered in channel.preview(config, tgt, "cw_preview", docs):
                previews.append(Preview(sub.name, channel.name, rendered))
    return previews
