"""What an alert channel is: the contract every file in `alerts/channels/` fulfils."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from alerts.content import DocumentAlert, HealthEvent
from core.config import Config


@dataclass
class Target:
    """Where one subscription's channel goes, from the config of this run."""

    subscription: str
    channel: str
    address: str | None  # email address, webhook URL; None for Apprise (URL is a secret)
    secret_env: str | None = None  # webhook secret or Apprise URL variable


class Channel:
    """One way of telling people: its config key, target, grouping, rendering and sending.

    The outbox queues one row per change and channel (`name` is stored in it); delivery
    gathers due rows into messages, one per subscription, or one per subscription and
    document when `per_document`, and hands each, rendered, to `send`. A channel that is not a
    `message` (a feed file) is rewritten from its recent rows by `publish` instead.
    """

    name: ClassVar[str]  # stored in the outbox: never rename
    # The subscription's (and, with `for_maintainers`, [maintainers]') key that turns it on.
    config_key: ClassVar[str]
    secret_key: ClassVar[str | None] = None  # the key naming its secret's variable
    message: ClassVar[bool] = True  # sent as messages (False: a file, rewritten)
    per_document: ClassVar[bool] = False  # one message per document or health event
    for_maintainers: ClassVar[bool] = False  # health alerts can go this way

    def wanted(self, sub) -> bool:
        """Whether this subscription (or [maintainers]) has this channel turned on."""
        return bool(getattr(sub, self.config_key, None))

    def target(self, name: str, sub) -> Target:
        secret = getattr(sub, self.secret_key) if self.secret_key else None
        return Target(name, self.name, self.address(sub), secret)

    def address(self, sub) -> str | None:
        return getattr(sub, self.config_key)

    def host(self, config: Config, tgt: Target) -> str:
        """What limits how many of these go at once: the receiving host, or the channel."""
        return self.name

    def render(
        self,
        config: Config,
        tgt: Target,
        uid: str,
        docs: list[DocumentAlert],
        health: list[HealthEvent],
        *,
        test: bool = False,
    ) -> Any:
        raise NotImplementedError

    def send(self, config: Config, tgt: Target, uid: str, rendered: Any) -> None:
        """Send one message as `render` made it; SendError says why not (never with a secret
        in it)."""
        raise NotImplementedError

    def preview(self, config: Config, tgt: Target, uid: str, docs: list[DocumentAlert]) -> list:
        """What these documents' alerts would be, rendered, one per message."""
        if self.per_document:
            return [self.render(config, tgt, uid, [doc], []) for doc in docs]
        return [self.render(config, tgt, uid, docs, [])]

    def show(self, tgt: Target, rendered: Any, *, uid: str, now, secret: str) -> str | None:
        """A rendered message as its receiver would see it, for the demo; None when there is
        nothing readable to show. `secret` signs it when the channel signs."""
        return None

    def publish(self, config: Config, sub, docs: list[DocumentAlert], *, now) -> None:
        """Rewrite this channel's file from its recent documents (not a `message` channel)."""
        raise NotImplementedError
