"""Feed: an Atom file per subscription, rewritten from its recent changes."""

from __future__ import annotations

from alerts.channels.base import Channel
from alerts.email import SendError
from alerts.feed import FEED_ENTRIES, write_feed


class Feed(Channel):
    name = "feed"
    config_key = "feed"
    # A feed is a file, rewritten as changes come: no messages, so no digests either.
    message = False
    entries = FEED_ENTRIES

    def render(self, config, tgt, uid, docs, health, *, test=False):
        return docs  # the documents that would be added to the feed

    def send(self, config, tgt, uid, rendered) -> None:
        raise SendError(f"channel {self.name!r} is not sent as a message")

    def publish(self, config, sub, docs, *, now) -> None:
        write_feed(config, sub, docs, now=now)
