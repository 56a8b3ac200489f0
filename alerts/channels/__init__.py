"""The alert channels: every place that needs the list (outbox, delivery, preview, the
demo, `alerts test`) loops over `CHANNELS`. A new channel is a file here and a line below."""

from __future__ import annotations

from alerts.channels.apprise import Apprise
from alerts.channels.base import Channel, Target
from alerts.channels.email import Email
from alerts.channels.feed import Feed
from alerts.channels.webhook import Webhook

# In the order a subscription's alerts are queued and shown.
CHANNELS: dict[str, Channel] = {c.name: c for c in (Email(), Webhook(), Apprise(), Feed())}


def channels_of(sub) -> list[Channel]:
    """The channels a subscription (or [maintainers]) has turned on, in registry order."""
    return [c for c in CHANNELS.values() if c.wanted(sub)]


__all__ = ["CHANNELS", "Channel", "Target", "channels_of"]
