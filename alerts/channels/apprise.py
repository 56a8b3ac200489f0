"""Apprise: one short notification per subscription (Slack, Discord, Matrix, ...)."""

from __future__ import annotations

from alerts.channels.base import Channel
from alerts.notify import render_notification, send_notification


class Apprise(Channel):
    name = "apprise"
    config_key = "apprise_env"
    secret_key = "apprise_env"

    def address(self, sub) -> None:
        return None  # the Apprise URL is a secret: only its variable's name is kept

    def render(self, config, tgt, uid, docs, health, *, test=False):
        return render_notification(docs, health, test=test)

    def send(self, config, tgt, uid, rendered) -> None:
        title, body = rendered
        send_notification(tgt.secret_env, title, body)
